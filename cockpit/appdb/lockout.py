"""Temporary lockout of an account after repeated failed logins.

Kept in the app database, so every gunicorn worker sees the same count. The
account key is the lower-cased name as typed, whether or not such a user
exists: an unknown name is locked exactly like a real one, so a lockout tells
nobody which names exist.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` failures within `duration`, the account is locked for `duration`."""

    max_failures: int
    duration: timedelta


def account_key(name: str) -> str:
    """The key under which failures of a typed login name are counted."""
    return name.strip().lower()[:MAX_KEY_LENGTH]


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def locked_until(conn: sqlite3.Connection, name: str, now: datetime) -> datetime | None:
    """When the lockout of `name` ends, or None if it is not locked now."""
    row = conn.execute("SELECT locked_until FROM login_failures WHERE account = ?",
                       (account_key(name),)).fetchone()
    if row is None or row["locked_until"] is None:
        return None
    until = datetime.fromisoformat(row["locked_until"])
    return until if until > now else None


def expired_lockout(conn: sqlite3.Connection, name: str, now: datetime) -> bool:
    """Clear a lockout of `name` whose time is up; True if there was one (to audit its end)."""
    key = account_key(name)
    with conn:
        cursor = conn.execute(
            "DELETE FROM login_failures WHERE account = ? AND locked_until IS NOT NULL"
            " AND locked_until <= ?", (key, _stamp(now)))
    return cursor.rowcount > 0


def record_failure(conn: sqlite3.Connection, name: str, now: datetime,
                   policy: LockoutPolicy) -> bool:
    """Count one failed login for `name`; True if this failure locked the account."""
    key = account_key(name)
    with conn:
        # Forget failures of other accounts whose window is over, so that sprays
        # of invented names do not grow the table without bound.
        conn.execute(
            "DELETE FROM login_failures WHERE account != ? AND first_at < ?"
            " AND (locked_until IS NULL OR locked_until < ?)",
            (key, _stamp(now - policy.duration), _stamp(now)))
        row = conn.execute("SELECT failures, first_at, locked_until FROM login_failures"
                           " WHERE account = ?", (key,)).fetchone()
        if row is None or (row["locked_until"] is None
                           and datetime.fromisoformat(row["first_at"]) < now - policy.duration):
            failures, first_at = 1, now
        else:
            failures, first_at = row["failures"] + 1, datetime.fromisoformat(row["first_at"])
        locks = row is None or row["locked_until"] is None
        locks = locks and failures >= policy.max_failures
        until = _stamp(now + policy.duration) if locks else (
            row["locked_until"] if row is not None else None)
        conn.execute(
            "INSERT INTO login_failures (account, failures, first_at, locked_until)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET"
            " failures = excluded.failures, first_at = excluded.first_at,"
            " locked_until = excluded.locked_until",
            (key, failures, _stamp(first_at), until))
    return locks


def clear_failures(conn: sqlite3.Connection, name: str) -> bool:
    """Forget failures and any lockout of `name`; True if the account was locked."""
    key = account_key(name)
    row = conn.execute("SELECT locked_until FROM login_failures WHERE account = ?",
                       (key,)).fetchone()
    with conn:
        conn.execute("DELETE FROM login_failures WHERE account = ?", (key,))
    return row is not None and row["locked_until"] is not None
