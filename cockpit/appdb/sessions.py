"""Server-side login sessions, so that a copied session cookie can be revoked.

The signed cookie carries only a random token; the app database keeps its
SHA-256 with the user and the times of login and last activity. A session ends
when its row is gone: on logout, on a password or role change, on removal of
the user (foreign key cascade), and when it was idle or alive for too long.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import datetime, timedelta

from cockpit.appdb.users import User, _to_user

# Writing last activity on every request would make each Dash callback a write;
# a minute of slack on the idle timeout is not worth that.
TOUCH_INTERVAL = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def start_session(conn: sqlite3.Connection, user: User, now: datetime) -> str:
    """Open a session for `user`; return the token that goes into the signed cookie."""
    token = secrets.token_urlsafe(32)
    with conn:
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?)",
            (_hash(token), user.id, _stamp(now), _stamp(now)),
        )
    return token


def session_user(
    conn: sqlite3.Connection, token: object, now: datetime, *,
    idle: timedelta, lifetime: timedelta,
) -> User | None:
    """The user of a live session, or None (unknown, revoked, idle or too old).

    An expired session is deleted, so it cannot come back when the settings change.
    """
    if not isinstance(token, str) or not token or len(token) > 256:
        return None
    token_hash = _hash(token)
    row = conn.execute(
        "SELECT s.created_at, s.last_seen_at, u.id, u.name, u.role, u.area_code, u.department"
        " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
        (token_hash,),
    ).fetchone()
    if row is None:
        return None
    created = datetime.fromisoformat(row["created_at"])
    last_seen = datetime.fromisoformat(row["last_seen_at"])
    if now - last_seen > idle or now - created > lifetime:
        with conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))
        return None
    if now - last_seen >= TOUCH_INTERVAL:
        with conn:
            conn.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                         (_stamp(now), token_hash))
    return _to_user(row)


def end_user_sessions(conn: sqlite3.Connection, user_id: int) -> int:
    """End every session of one user; return how many there were."""
    with conn:
        cursor = conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    return cursor.rowcount


def purge_expired(conn: sqlite3.Connection, now: datetime, *, idle: timedelta,
                  lifetime: timedelta) -> int:
    """Delete sessions that can no longer be used; return how many."""
    with conn:
        cursor = conn.execute(
            "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?",
            (_stamp(now - idle), _stamp(now - lifetime)),
        )
    return cursor.rowcount
