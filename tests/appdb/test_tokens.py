"""Personal API tokens in the app database: hash only, shown once, expiry, owner binding."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.appdb.database import connect
from cockpit.appdb.tokens import (
    MAX_TOKENS_PER_USER,
    TOKEN_PATTERN,
    TokenError,
    create_token,
    list_tokens,
    resolve_token,
    revoke_token,
)
from cockpit.appdb.users import add_user, remove_user

PASSWORD = "korrekt-Pferd-Batterie"
TODAY = date(2026, 3, 1)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "app.sqlite")
    add_user(conn, "anna", "committee", PASSWORD)
    add_user(conn, "bert", "district", PASSWORD, area_code="01")
    yield conn
    conn.close()


def audit_rows(conn: sqlite3.Connection, action: str) -> list[tuple[str, dict]]:
    rows = conn.execute("SELECT user_name, detail FROM audit_log WHERE action = ? ORDER BY id",
                        (action,)).fetchall()
    return [(row[0], json.loads(row[1])) for row in rows]


def test_only_the_hash_is_stored_and_the_secret_is_returned_once(conn) -> None:
    token, secret = create_token(conn, "anna", "Auswertung R")
    assert TOKEN_PATTERN.fullmatch(secret)
    stored = conn.execute("SELECT * FROM api_tokens").fetchall()
    assert len(stored) == 1
    dumped = " ".join(str(v) for v in tuple(stored[0]))
    assert secret not in dumped and secret[3:] not in dumped
    assert stored[0]["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    # what the owner can list carries neither the secret nor the hash
    [listed] = list_tokens(conn, "anna")
    assert listed == token and listed.name == "Auswertung R" and listed.last_used_at is None
    assert secret not in repr(listed) and stored[0]["token_hash"] not in repr(listed)
    # the audit names the token, never the secret
    [(user, detail)] = audit_rows(conn, "token_created")
    assert user == "anna" and detail["token"] == "Auswertung R"
    assert secret not in json.dumps(detail)


def test_two_tokens_are_different(conn) -> None:
    _, first = create_token(conn, "anna", "eins")
    _, second = create_token(conn, "anna", "zwei")
    assert first != second


def test_resolve_gives_the_owner_as_of_now_and_stamps_last_use(conn) -> None:
    token, secret = create_token(conn, "bert", "Skript")
    user, used = resolve_token(conn, secret)
    assert (user.name, user.role, user.area_code) == ("bert", "district", "01")
    assert used.id == token.id and used.last_used_at is not None
    assert list_tokens(conn, "bert")[0].last_used_at == used.last_used_at
    # a role change applies at once: the token has no role of its own
    with conn:
        conn.execute("UPDATE users SET role = 'committee', area_code = NULL WHERE name = 'bert'")
    user, _ = resolve_token(conn, secret)
    assert (user.role, user.area_code) == ("committee", None)


@pytest.mark.parametrize("presented", [
    "", "Bearer", "ck_", "ck_" + "A" * 42, "ck_" + "A" * 44, "xx_" + "A" * 43,
    "ck_" + "A" * 42 + "!", "ck_" + "A" * 43,  # well-formed but never issued
    None, 42, "ck_" + "A" * 5000,
])
def test_malformed_or_unknown_secrets_resolve_to_nothing(conn, presented) -> None:
    create_token(conn, "anna", "echt")
    assert resolve_token(conn, presented) is None


def test_revoked_token_stops_working_and_is_audited(conn) -> None:
    token, secret = create_token(conn, "anna", "alt")
    revoked = revoke_token(conn, "anna", token.id)
    assert revoked.name == "alt"
    assert resolve_token(conn, secret) is None
    assert list_tokens(conn, "anna") == []
    assert conn.execute("SELECT count(*) FROM api_tokens").fetchone()[0] == 0
    [(user, detail)] = audit_rows(conn, "token_revoked")
    assert user == "anna" and detail["token"] == "alt"


def test_nobody_can_revoke_or_list_someone_elses_token(conn) -> None:
    token, secret = create_token(conn, "anna", "meins")
    with pytest.raises(TokenError, match="Unbekanntes Token"):
        revoke_token(conn, "bert", token.id)
    for bad_id in (token.id + 1, -1, 0, 2**63, 10**30, "1", True, None):
        with pytest.raises(TokenError, match="Unbekanntes Token"):
            revoke_token(conn, "anna", bad_id)
    assert list_tokens(conn, "bert") == []
    assert resolve_token(conn, secret) is not None
    assert audit_rows(conn, "token_revoked") == []


def test_removing_the_user_removes_the_tokens(conn) -> None:
    _, secret = create_token(conn, "bert", "weg")
    remove_user(conn, "bert")
    assert resolve_token(conn, secret) is None
    assert conn.execute("SELECT count(*) FROM api_tokens").fetchone()[0] == 0


def test_expiry_is_the_end_of_the_chosen_day(conn) -> None:
    token, secret = create_token(conn, "anna", "kurz", TODAY, today=TODAY)
    assert token.valid_until == TODAY
    last_moment = datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC)
    assert resolve_token(conn, secret, now=last_moment) is not None
    assert resolve_token(conn, secret, now=last_moment + timedelta(seconds=1)) is None
    # still listed (so the owner sees it expired) until revoked
    assert [t.name for t in list_tokens(conn, "anna")] == ["kurz"]


@pytest.mark.parametrize(("name", "valid_until", "words"), [
    ("", None, "Namen"),
    ("   ", None, "Namen"),
    (None, None, "Namen"),
    ("x" * 65, None, "höchstens 64"),
    ("zeile\nzwei", None, "Steuerzeichen"),
    ("gestern", TODAY - timedelta(days=1), "Vergangenheit"),
    ("ewig", TODAY + timedelta(days=4 * 365), "drei Jahre"),
    ("kein Datum", "2026-12-31", "Ablaufdatum"),
])
def test_bad_input_is_refused_in_german_and_writes_nothing(conn, name, valid_until,
                                                           words) -> None:
    with pytest.raises(TokenError, match=words):
        create_token(conn, "anna", name, valid_until, today=TODAY)
    assert conn.execute("SELECT count(*) FROM api_tokens").fetchone()[0] == 0
    assert audit_rows(conn, "token_created") == []


def test_names_are_unique_per_user_and_tokens_are_limited(conn) -> None:
    create_token(conn, "anna", "doppelt")
    with pytest.raises(TokenError, match="bereits"):
        create_token(conn, "anna", " doppelt ")
    create_token(conn, "bert", "doppelt")  # another person may use the same name
    for number in range(MAX_TOKENS_PER_USER - 1):
        create_token(conn, "anna", f"t{number}")
    with pytest.raises(TokenError, match="höchstens"):
        create_token(conn, "anna", "eins zu viel")
    assert len(list_tokens(conn, "anna")) == MAX_TOKENS_PER_USER


def test_unknown_user_cannot_get_a_token(conn) -> None:
    with pytest.raises(TokenError, match="Unbekannte Person"):
        create_token(conn, "niemand", "x")
