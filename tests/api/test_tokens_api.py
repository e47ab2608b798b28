"""Bearer tokens on /api/v1 (and nowhere else), their audit, and audited restricted exports."""

from __future__ import annotations

import json
import logging
from contextlib import closing
from itertools import count
from typing import Any

import pytest

from cockpit.app.api_tokens import (
    FAILURES_PER_MINUTE,
    INVALID_TOKEN,
    TOO_MANY,
    WRONG_SCHEME,
    FailureWindow,
)
from cockpit.appdb import add_user, remove_user
from cockpit.appdb.tokens import create_token, revoke_token
from tests.api.test_v1 import assert_error, values_url

PASSWORD = "token-test-passwort"
HZE = "hze_je_1000_unter_21"
_numbers = count()
_addresses = count(10)


def address() -> dict[str, Any]:
    """A client address of its own (loopback), so bad-token counts of tests do not add up."""
    return {"REMOTE_ADDR": f"127.0.1.{next(_addresses)}"}


@pytest.fixture
def make_user(demo):
    """A fresh user (removed afterwards) and a function that issues tokens for it."""
    made: list[str] = []

    def make(role: str, **binding: str) -> tuple[str, str]:
        name = f"tok-{role}-{next(_numbers)}"
        with closing(demo.app_db()) as conn:
            add_user(conn, name, role, PASSWORD, **binding)
            _, secret = create_token(conn, name, "Skript")
        made.append(name)
        return name, secret

    yield make
    with closing(demo.app_db()) as conn:
        for name in made:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                remove_user(conn, name)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def audit_entries(demo, action: str, user: str | None = None) -> list[dict[str, Any]]:
    with closing(demo.app_db()) as conn:
        rows = conn.execute(
            "SELECT user_name, detail, source, address FROM audit_log WHERE action = ?"
            " AND (? IS NULL OR user_name = ?) ORDER BY id", (action, user, user)).fetchall()
    return [{"user": row[0], **json.loads(row[1]), "origin": (row[2], row[3])}
            for row in rows]


def test_token_gives_the_same_answers_as_the_session(app_server, clients,
                                                     make_user) -> None:
    _, secret = make_user("district", area_code="01")
    client = app_server.test_client()  # no cookie at all
    for url in ("/api/v1/indicators", values_url(HZE), values_url("sgb2_quote", area="03"),
                "/api/v1/areas?level=district", "/api/v1/areas/geojson?level=district"):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
        assert response.json == clients["district"].get(url).json, url
        assert "Set-Cookie" not in response.headers  # a token never turns into a session
    assert_error(client.get(values_url(HZE, area="03"), headers=bearer(secret)), 403)
    # without the header the same client is anonymous again
    assert_error(client.get("/api/v1/indicators"), 401)


def test_each_use_is_audited_with_the_name_never_the_token(app_server, demo, make_user,
                                                           caplog) -> None:
    name, secret = make_user("committee")
    client = app_server.test_client()
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert client.get("/api/v1/indicators",
                              headers=bearer(secret)).status_code == 200
    used = audit_entries(demo, "token_used", name)
    assert len(used) == 3
    assert all(e["token"] == "Skript" and e["path"] == "/api/v1/indicators" for e in used)
    assert all(e["origin"] == ("api", "127.0.0.1") for e in used)
    with closing(demo.app_db()) as conn:
        everything = " ".join(str(tuple(r)) for r in conn.execute("SELECT * FROM audit_log"))
        last_used = conn.execute(
            "SELECT last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id"
            " WHERE u.name = ?", (name,)).fetchone()[0]
    assert secret not in everything and secret not in caplog.text
    assert last_used is not None


def test_role_change_applies_at_once(app_server, demo, make_user) -> None:
    name, secret = make_user("committee")
    client = app_server.test_client()
    assert_error(client.get(values_url(HZE), headers=bearer(secret)), 404)
    with closing(demo.app_db()) as conn, conn:
        conn.execute("UPDATE users SET role = 'leadership' WHERE name = ?", (name,))
    assert client.get(values_url(HZE), headers=bearer(secret)).status_code == 200
    with closing(demo.app_db()) as conn, conn:
        conn.execute("UPDATE users SET role = 'committee' WHERE name = ?", (name,))
    assert_error(client.get(values_url(HZE), headers=bearer(secret)), 404)


def test_removed_users_revoked_and_expired_tokens_answer_401(app_server, demo,
                                                             make_user) -> None:
    client = app_server.test_client()
    removed, removed_secret = make_user("committee")
    with closing(demo.app_db()) as conn:
        remove_user(conn, removed)
    revoked, revoked_secret = make_user("committee")
    with closing(demo.app_db()) as conn:
        [token_id] = conn.execute(
            "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = ?",
            (revoked,)).fetchone()
        revoke_token(conn, revoked, token_id)
    expired, expired_secret = make_user("committee")
    with closing(demo.app_db()) as conn, conn:
        conn.execute("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00.000+00:00'"
                     " WHERE user_id = (SELECT id FROM users WHERE name = ?)", (expired,))
    for secret in (removed_secret, revoked_secret, expired_secret):
        response = client.get("/api/v1/indicators", headers=bearer(secret),
                              environ_base=address())
        assert_error(response, 401, INVALID_TOKEN)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer ck_" + "A" * 43, "Bearer not-a-token", "bearer " + "x" * 9000,
])
def test_wrong_tokens_answer_401_and_leak_nothing(app_server, clients, header) -> None:
    # even together with a valid session: a presented token must be valid
    for client in (app_server.test_client(), clients["admin"]):
        response = client.get(values_url("sgb2_quote"), headers={"Authorization": header},
                              environ_base=address())
        assert_error(response, 401, INVALID_TOKEN)
        assert "Musterstadt" not in response.get_data(as_text=True)


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Token abc", "ck_abc"])
def test_other_schemes_are_refused_with_a_hint(app_server, header: str) -> None:
    response = app_server.test_client().get("/api/v1/indicators",
                                            headers={"Authorization": header},
                                            environ_base=address())
    assert_error(response, 401, WRONG_SCHEME)


def test_wrong_tokens_are_throttled_per_address(app_server, make_user) -> None:
    _, secret = make_user("committee")
    client = app_server.test_client()
    guesser, other = address(), address()
    for number in range(FAILURES_PER_MINUTE):
        wrong = bearer(f"ck_{number:043d}")
        assert_error(client.get("/api/v1/indicators", headers=wrong, environ_base=guesser), 401)
    # now even a valid token from that address waits; other addresses are not affected
    refused = client.get("/api/v1/indicators", headers=bearer(secret), environ_base=guesser)
    assert_error(refused, 429, TOO_MANY)
    assert refused.headers["Retry-After"] == "60"
    assert client.get("/api/v1/indicators", headers=bearer(secret),
                      environ_base=other).status_code == 200


def test_failure_window_forgets_after_a_minute_and_stays_bounded() -> None:
    window = FailureWindow(limit=2, window=60, max_addresses=3)
    window.add("a", now=100.0)
    window.add("a", now=110.0)
    assert window.blocked("a", now=120.0) and not window.blocked("b", now=120.0)
    assert not window.blocked("a", now=160.5)  # the first failure left the window
    for name in ("b", "c", "d"):
        window.add(name, now=130.0)
        window.add(name, now=130.0)
    assert not window.blocked("a", now=131.0)  # forgotten: only three addresses are kept
    assert window.blocked("d", now=131.0)


def test_token_opens_no_page_and_no_callback(app_server, make_user) -> None:
    _, secret = make_user("admin")
    client = app_server.test_client()
    for path in ("/", "/vergleich", "/tokens", "/export/indicators/einwohner.csv"):
        response = client.get(path, headers=bearer(secret))
        assert response.status_code in (302, 401), path
        assert "Musterstadt" not in response.get_data(as_text=True)
    response = client.post("/_dash-update-component", headers=bearer(secret), json={
        "output": "catalogue-results.children",
        "outputs": {"id": "catalogue-results", "property": "children"},
        "inputs": [{"id": "catalogue-search", "property": "value", "value": ""}],
        "changedPropIds": ["catalogue-search.value"]})
    assert response.status_code == 401
    assert "sgb2" not in response.get_data(as_text=True)


# -- restricted data leaving through the API ---------------------------------------------------

def test_restricted_values_by_token_are_audited(app_server, demo, make_user) -> None:
    name, secret = make_user("department", department="jugendamt")
    client = app_server.test_client()
    rows = client.get(values_url(HZE, level="subdistrict", period="2020"),
                      headers=bearer(secret)).json
    latest = client.get(values_url(HZE, area="0101"), headers=bearer(secret)).json
    [first, second] = audit_entries(demo, "restricted_export", name)
    assert first == {"user": name, "indicator": HZE, "level": "subdistrict", "period": "2020",
                     "area": None, "rows": len(rows), "via": "token", "token": "Skript",
                     "origin": ("api", "127.0.0.1")}
    assert len(rows) == 24
    assert second["period"] == latest[0]["period"] and second["rows"] == 1
    assert second["area"] == "0101" and second["level"] is None


def test_restricted_values_by_session_are_audited(clients, demo) -> None:
    client = clients["leadership"]
    before = len(audit_entries(demo, "restricted_export"))
    rows = client.get(values_url(HZE, level="district")).json
    entries = audit_entries(demo, "restricted_export")
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry["via"] == "session" and entry["token"] is None
    assert (entry["indicator"], entry["level"], entry["rows"]) == (HZE, "district", len(rows))


def test_public_and_internal_values_and_refusals_are_not_export_entries(clients,
                                                                        demo) -> None:
    before = len(audit_entries(demo, "restricted_export"))
    assert clients["leadership"].get(values_url("sgb2_quote")).status_code == 200
    assert clients["committee"].get(values_url(HZE)).status_code == 404
    assert clients["district"].get(values_url(HZE, area="03")).status_code == 403
    assert len(audit_entries(demo, "restricted_export")) == before
