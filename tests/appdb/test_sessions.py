"""Server-side sessions: start, look up, expire, end (cockpit.appdb.sessions)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.appdb import add_user, create_demo_users, remove_user, set_password, set_role
from cockpit.appdb.database import connect
from cockpit.appdb.sessions import (
    TOUCH_INTERVAL,
    end_user_sessions,
    purge_expired,
    session_user,
    start_session,
)

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=8)
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path: Path):
    connection = connect(tmp_path / "app.sqlite")
    yield connection
    connection.close()


def _lookup(conn, token, at):  # noqa: ANN001, ANN202
    return session_user(conn, token, at, idle=IDLE, lifetime=LIFETIME)


def test_the_database_keeps_only_a_hash_of_the_token(conn) -> None:
    user = add_user(conn, "anna", "committee", "ein-gutes-passwort")
    token = start_session(conn, user, T0)
    stored = conn.execute("SELECT token_hash FROM sessions").fetchone()[0]
    assert token not in stored
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert _lookup(conn, token, T0) == user


@pytest.mark.parametrize("token", [None, "", 12, "x" * 300, "unbekannt"])
def test_unknown_or_malformed_tokens_find_nobody(conn, token) -> None:
    add_user(conn, "anna", "committee", "ein-gutes-passwort")
    assert _lookup(conn, token, T0) is None


def test_idle_and_absolute_expiry(conn) -> None:
    user = add_user(conn, "anna", "committee", "ein-gutes-passwort")
    token = start_session(conn, user, T0)
    moment = T0
    while moment - T0 < LIFETIME - IDLE:
        moment += IDLE - timedelta(minutes=1)
        assert _lookup(conn, token, moment) == user
    assert _lookup(conn, token, T0 + LIFETIME + timedelta(seconds=1)) is None
    # Gone for good, even if asked at an earlier time again.
    assert _lookup(conn, token, T0) is None
    idle = start_session(conn, user, T0)
    assert _lookup(conn, idle, T0 + IDLE + TOUCH_INTERVAL) is None


def test_activity_is_written_at_most_once_a_minute(conn) -> None:
    user = add_user(conn, "anna", "committee", "ein-gutes-passwort")
    token = start_session(conn, user, T0)
    _lookup(conn, token, T0 + timedelta(seconds=30))
    assert conn.execute("SELECT last_seen_at FROM sessions").fetchone()[0].startswith(
        "2026-01-05T08:00:00")
    _lookup(conn, token, T0 + timedelta(seconds=90))
    assert conn.execute("SELECT last_seen_at FROM sessions").fetchone()[0].startswith(
        "2026-01-05T08:01:30")


def test_user_changes_end_all_their_sessions_and_only_theirs(conn) -> None:
    anna = add_user(conn, "anna", "committee", "ein-gutes-passwort")
    ben = add_user(conn, "ben", "committee", "ein-gutes-passwort")
    other = start_session(conn, ben, T0)
    tokens = [start_session(conn, anna, T0) for _ in range(3)]
    assert set_password(conn, "anna", "ein-neues-passwort") == 3
    assert all(_lookup(conn, t, T0) is None for t in tokens)
    tokens = [start_session(conn, anna, T0) for _ in range(2)]
    changed, ended = set_role(conn, "anna", "district", area_code="01")
    assert ended == 2 and changed.role == "district" and changed.area_code == "01"
    assert all(_lookup(conn, t, T0) is None for t in tokens)
    start_session(conn, changed, T0)
    assert remove_user(conn, "anna") == 1
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1
    assert _lookup(conn, other, T0) == ben
    assert end_user_sessions(conn, ben.id) == 1


def test_set_role_validates_like_add(conn) -> None:
    add_user(conn, "anna", "committee", "ein-gutes-passwort")
    from cockpit.appdb import UserError
    with pytest.raises(UserError, match="Gebiet"):
        set_role(conn, "anna", "district")
    with pytest.raises(UserError, match="Unbekannter Benutzer"):
        set_role(conn, "niemand", "committee")
    with pytest.raises(UserError, match="Fachbereich"):
        set_role(conn, "anna", "department", department="zoo", known_departments={"jugend"})
    assert conn.execute("SELECT role FROM users").fetchone()[0] == "committee"


def test_recreating_demo_users_ends_their_sessions(conn) -> None:
    created = create_demo_users(conn, district_area="01", department="jugend")
    token = start_session(conn, created[0][0], T0)
    create_demo_users(conn, district_area="01", department="jugend")
    assert _lookup(conn, token, T0) is None


def test_purge_expired(conn) -> None:
    user = add_user(conn, "anna", "committee", "ein-gutes-passwort")
    start_session(conn, user, T0)
    fresh = start_session(conn, user, T0 + timedelta(hours=1))
    assert purge_expired(conn, T0 + timedelta(hours=1), idle=IDLE, lifetime=LIFETIME) == 1
    assert _lookup(conn, fresh, T0 + timedelta(hours=1)) == user
