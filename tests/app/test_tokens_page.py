"""API-Tokens page: each role creates, lists and revokes its own tokens; bad input is refused."""

from __future__ import annotations

import json
import re
from contextlib import closing
from datetime import date, timedelta
from typing import Any

import pytest

from cockpit.appdb.tokens import TOKEN_PATTERN
from tests.app.conftest import ROLES, login, render_page, response_text

OUTPUTS = ["tokens-created.children", "tokens-list.children", "tokens-message.children",
           "tokens-name.value"]
SECRET = re.compile(r"ck_[A-Za-z0-9_-]{43}")


def post(client, changed: str, create_clicks: Any = 0, buttons: list | None = None,
         name: Any = None, expiry: Any = None):
    """The callback request the browser sends (the revoke buttons are a pattern-matching input)."""
    return client.post("/_dash-update-component", json={
        "output": ".." + "...".join(OUTPUTS) + "..",
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                    for o in OUTPUTS],
        "inputs": [{"id": "tokens-create", "property": "n_clicks", "value": create_clicks},
                   buttons or []],
        "state": [{"id": "tokens-name", "property": "value", "value": name},
                  {"id": "tokens-expiry", "property": "value", "value": expiry}],
        "changedPropIds": [changed],
    })


def create(client, name: Any, expiry: Any = None, clicks: Any = 1):
    return post(client, "tokens-create.n_clicks", clicks, name=name, expiry=expiry)


def revoke(client, token_id: Any, clicks: Any = 1):
    button = {"index": token_id, "type": "tokens-revoke"}
    changed = json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    return post(client, changed,
                buttons=[{"id": button, "property": "n_clicks", "value": clicks}])


def stored(demo, user: str) -> list[dict]:
    with closing(demo.app_db()) as conn:
        rows = conn.execute(
            "SELECT t.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = ?"
            " ORDER BY t.id", (user,)).fetchall()
    return [dict(row) for row in rows]


def user_of(app_server, role: str) -> str:
    return app_server.demo_passwords[role][0]


@pytest.fixture(autouse=True)
def no_tokens_left(app_server, demo):
    """Each test starts and ends with no tokens of the demo users."""
    def clear() -> None:
        with closing(demo.app_db()) as conn, conn:
            conn.execute("DELETE FROM api_tokens")
    clear()
    yield
    clear()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_the_page_in_its_navigation(clients, role: str) -> None:
    page = response_text(render_page(clients[role], "/tokens"))
    assert "API-Tokens" in page and "tokens-create" in page
    assert "Sie haben noch keine API-Tokens." in page
    assert "/api/v1/openapi.json" in page
    shell = response_text(clients[role].get("/_dash-layout"))
    assert '"href": "/tokens"' in shell and "API-Tokens" in shell


@pytest.mark.parametrize("role", ROLES)
def test_create_shows_the_token_once_and_it_works_on_the_api(app_server, clients, demo,
                                                             role: str) -> None:
    until = date.today() + timedelta(days=365)
    response = create(clients[role], "Auswertung R", until.isoformat())
    assert response.status_code == 200
    body = response_text(response)
    [secret] = set(SECRET.findall(body))
    assert TOKEN_PATTERN.fullmatch(secret)
    assert "nur dieses eine Mal" in body
    result = response.json["response"]
    assert result["tokens-name"]["value"] == ""  # the form is emptied
    assert "Auswertung R" in json.dumps(result["tokens-list"], ensure_ascii=False)
    # the list shown later never contains the secret again
    again = response_text(render_page(clients[role], "/tokens"))
    assert "Auswertung R" in again and secret not in again
    assert until.strftime("%d.%m.%Y") in again
    # only the hash is stored; the token works with the owner's role
    [row] = stored(demo, user_of(app_server, role))
    assert secret not in json.dumps(row) and row["name"] == "Auswertung R"
    with closing(demo.app_db()) as conn:
        entry = conn.execute(
            "SELECT detail, source, address FROM audit_log WHERE action = 'token_created'"
            " AND user_name = ? ORDER BY id DESC", (user_of(app_server, role),)).fetchone()
    assert json.loads(entry[0])["token"] == "Auswertung R" and secret not in entry[0]
    assert (entry[1], entry[2]) == ("web", "127.0.0.1")
    api = app_server.test_client().get("/api/v1/indicators",
                                       headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert api.json == clients[role].get("/api/v1/indicators").json
    assert "nie" not in response_text(render_page(clients[role], "/tokens")).split(
        "Auswertung R", 1)[1][:400]  # last use is shown now


def test_revoke_ends_the_token(app_server, clients, demo) -> None:
    secret = SECRET.search(response_text(create(clients["committee"], "alt"))).group(0)
    [row] = stored(demo, user_of(app_server, "committee"))
    response = revoke(clients["committee"], row["id"])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response_text(response)
    assert "widerrufen" in body and "Sie haben noch keine API-Tokens." in body
    assert stored(demo, user_of(app_server, "committee")) == []
    api = app_server.test_client().get("/api/v1/indicators",
                                       headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401


def test_nobody_revokes_someone_elses_token(app_server, clients, demo) -> None:
    secret = SECRET.search(response_text(create(clients["admin"], "meins"))).group(0)
    [row] = stored(demo, user_of(app_server, "admin"))
    response = revoke(clients["committee"], row["id"])
    assert response.status_code == 200
    assert "Unbekanntes Token" in response_text(response)
    assert "meins" not in response_text(response)
    assert len(stored(demo, user_of(app_server, "admin"))) == 1
    api = app_server.test_client().get("/api/v1/indicators",
                                       headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


@pytest.mark.parametrize(("name", "expiry", "words"), [
    ("", None, "Namen"),
    (None, None, "Namen"),
    ("x" * 65, None, "höchstens 64"),
    ("ok", "2001-01-01", "Vergangenheit"),
    ("ok", "morgen", "Ablaufdatum"),
    ("ok", "2026-02-30", "Ablaufdatum"),
    ("ok", "9999-12-31", "drei Jahre"),
])
def test_bad_input_gets_a_german_message_and_changes_nothing(app_server, clients, demo,
                                                             name, expiry, words) -> None:
    response = create(clients["leadership"], name, expiry)
    assert response.status_code == 200
    body = response_text(response)
    assert words in body
    assert not SECRET.search(body)
    assert stored(demo, user_of(app_server, "leadership")) == []


@pytest.mark.parametrize("clicks", [0, None, -3])
def test_clicks_that_are_no_click_change_nothing(app_server, clients, demo, clicks) -> None:
    response = create(clients["district"], "ok", clicks=clicks)
    assert response.status_code == 204  # PreventUpdate: nothing to do
    assert stored(demo, user_of(app_server, "district")) == []


@pytest.mark.parametrize(("name", "expiry", "clicks"), [
    (["liste"], None, 1), ({"a": 1}, None, 1), ("ok", 20991231, 1), ("ok", None, "1"),
    ("ok", None, True), ("ok", None, [1]), ("x" * 1001, None, 1),
])
def test_wrong_types_are_a_german_400_and_change_nothing(app_server, clients, demo, name,
                                                         expiry, clicks) -> None:
    response = create(clients["district"], name, expiry, clicks=clicks)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    assert stored(demo, user_of(app_server, "district")) == []


@pytest.mark.parametrize("token_id", ["1", None, [1], {"x": 1}, 10**30])
def test_tampered_revoke_ids_change_nothing(app_server, clients, demo, token_id) -> None:
    create(clients["district"], "bleibt")
    response = revoke(clients["district"], token_id)
    assert response.status_code in (200, 204)
    assert "Traceback" not in response.get_data(as_text=True)
    assert len(stored(demo, user_of(app_server, "district"))) == 1


def test_the_page_speaks_english_too(app_server, demo) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["department"]
    login(client, name, password)
    client.get("/lang/en?next=/")
    page = response_text(render_page(client, "/tokens"))
    assert "Create token" in page and "You have no API tokens yet." in page
    body = response_text(create(client, "script"))
    assert "shown only this once" in body and "Revoke" in body
    body = response_text(create(client, "script"))
    assert "There already is a token named “script”." in body


def test_every_refusal_has_an_english_text() -> None:
    from cockpit.app.i18n import STRINGS
    from cockpit.appdb.tokens import MESSAGES

    for key, german in MESSAGES.items():
        assert STRINGS[f"tokens.error.{key}"]["de"] == german
        assert STRINGS[f"tokens.error.{key}"]["en"] != german
