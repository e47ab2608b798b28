"""Sessions end server-side: a copied cookie is worthless after logout, password change,
role change or removal, and after the idle or absolute lifetime (finding 7)."""

from __future__ import annotations

import json

import pytest

from cockpit.appdb import add_user, remove_user, set_password, set_role
from tests.app.security_helpers import (
    audit_rows,
    csrf_token,
    last_audit_id,
    post_login,
    server_on,
)

PASSWORD = "sitzungs-passwort-1"


@pytest.fixture(scope="module")
def setup(demo, tmp_path_factory):
    return server_on(demo, tmp_path_factory.mktemp("sessions") / "home",
                     session_idle_minutes="30", session_max_hours="8")


_counter = iter(range(10_000))


def _new_user(demo, role: str = "committee") -> str:
    name = f"sess-{next(_counter)}"
    with demo.app_db() as conn:
        add_user(conn, name, role, PASSWORD)
    return name


def _logged_in(server, name: str):
    client = server.test_client()
    assert post_login(client, name, PASSWORD).status_code == 302
    assert client.get("/api/v1/indicators").status_code == 200
    return client


def _copy(server, client):
    """A second client holding a copy of the first one's session cookie."""
    cookie = client.get_cookie("session")
    thief = server.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_copied_cookie_works_while_the_session_lives(setup) -> None:
    server, _, demo = setup
    client = _logged_in(server, _new_user(demo))
    assert _copy(server, client).get("/api/v1/indicators").status_code == 200


def test_logout_ends_the_copied_cookie_and_every_other_session(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    client = _logged_in(server, name)
    other_device = _logged_in(server, name)
    thief = _copy(server, client)
    since = last_audit_id(demo)
    token = csrf_token(client, "/logout")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert thief.get("/api/v1/indicators").status_code == 401
    assert other_device.get("/api/v1/indicators").status_code == 401
    assert client.get("/api/v1/indicators").status_code == 401
    entry = audit_rows(demo, "logout", since)[-1]
    assert entry["user_name"] == name
    assert json.loads(entry["detail"])["sessions"] == 2


def test_get_logout_only_asks_and_post_needs_the_csrf_token(setup) -> None:
    server, _, demo = setup
    client = _logged_in(server, _new_user(demo))
    page = client.get("/logout")
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    assert client.get("/api/v1/indicators").status_code == 200
    refused = client.post("/logout", data={})
    assert refused.status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/api/v1/indicators").status_code == 200


@pytest.mark.parametrize("event", ["password", "role", "remove"])
def test_user_changes_end_every_session(setup, event: str) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    client = _logged_in(server, name)
    thief = _copy(server, client)
    with demo.app_db() as conn:
        if event == "password":
            ended = set_password(conn, name, "ein-anderes-passwort")
        elif event == "role":
            _, ended = set_role(conn, name, "leadership")
        else:
            ended = remove_user(conn, name)
    assert ended == 1
    assert thief.get("/api/v1/indicators").status_code == 401
    assert client.get("/api/v1/indicators").status_code == 401
    assert client.get("/vergleich").status_code == 302


def test_a_role_change_takes_effect_only_after_a_new_login(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    _logged_in(server, name)
    with demo.app_db() as conn:
        set_role(conn, name, "department", department="jugendamt")
    client = server.test_client()
    assert post_login(client, name, PASSWORD).status_code == 302
    ids = {row["id"] for row in client.get("/api/v1/indicators").json}
    assert "hze_quote" in ids or any(i.startswith("hze") for i in ids)


def test_idle_sessions_end(setup) -> None:
    server, clock, demo = setup
    client = _logged_in(server, _new_user(demo))
    thief = _copy(server, client)
    clock.advance(minutes=20)
    assert client.get("/api/v1/indicators").status_code == 200  # activity keeps it alive
    clock.advance(minutes=20)
    assert client.get("/api/v1/indicators").status_code == 200
    clock.advance(minutes=31)
    assert thief.get("/api/v1/indicators").status_code == 401
    assert client.get("/api/v1/indicators").status_code == 401


def test_sessions_end_after_the_absolute_lifetime(setup) -> None:
    server, clock, demo = setup
    client = _logged_in(server, _new_user(demo))
    for _ in range(16):
        clock.advance(minutes=29)
        assert client.get("/api/v1/indicators").status_code == 200
    clock.advance(minutes=29)  # 8 h 13 min after login, never idle
    assert client.get("/api/v1/indicators").status_code == 401


def test_a_cookie_signed_for_another_user_name_is_refused(setup) -> None:
    server, _, demo = setup
    client = _logged_in(server, _new_user(demo))
    with client.session_transaction() as session:
        session["_user_id"] = "demo-admin"
    assert client.get("/api/v1/indicators").status_code == 401


def test_login_and_logout_are_audited_with_the_address(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    since = last_audit_id(demo)
    client = _logged_in(server, name)
    entry = audit_rows(demo, "login", since)[-1]
    assert entry["user_name"] == name
    assert json.loads(entry["detail"]) == {"address": "127.0.0.1"}
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert audit_rows(demo, "logout", since)[-1]["user_name"] == name
