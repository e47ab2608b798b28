"""Account lockout after repeated failed logins (cockpit.appdb.lockout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.appdb.database import connect
from cockpit.appdb.lockout import (
    LockoutPolicy,
    clear_failures,
    expired_lockout,
    locked_until,
    record_failure,
)

POLICY = LockoutPolicy(max_failures=3, duration=timedelta(minutes=15))
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path: Path):
    connection = connect(tmp_path / "app.sqlite")
    yield connection
    connection.close()


def test_the_nth_failure_locks_for_the_duration(conn) -> None:
    assert [record_failure(conn, "Anna", T0, POLICY) for _ in range(3)] == [False, False, True]
    assert locked_until(conn, "anna ", T0) == T0 + POLICY.duration  # case and blanks ignored
    assert locked_until(conn, "ANNA", T0 + timedelta(minutes=14)) is not None
    later = T0 + timedelta(minutes=15)
    assert locked_until(conn, "anna", later) is None
    assert expired_lockout(conn, "anna", later)
    assert not expired_lockout(conn, "anna", later)
    assert not record_failure(conn, "anna", later, POLICY)  # counting starts afresh


def test_old_failures_are_forgotten(conn) -> None:
    record_failure(conn, "anna", T0, POLICY)
    record_failure(conn, "anna", T0, POLICY)
    assert not record_failure(conn, "anna", T0 + timedelta(minutes=16), POLICY)
    assert locked_until(conn, "anna", T0 + timedelta(minutes=16)) is None


def test_clear_failures_lifts_a_lockout(conn) -> None:
    for _ in range(3):
        record_failure(conn, "anna", T0, POLICY)
    assert clear_failures(conn, "anna")
    assert locked_until(conn, "anna", T0) is None
    assert not clear_failures(conn, "anna")


def test_sprays_of_invented_names_do_not_pile_up(conn) -> None:
    for i in range(50):
        record_failure(conn, f"erfunden-{i}", T0, POLICY)
    record_failure(conn, "anna", T0 + timedelta(minutes=20), POLICY)
    assert conn.execute("SELECT count(*) FROM login_failures").fetchone()[0] == 1
