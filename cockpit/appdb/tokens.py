"""Personal API tokens: created, listed and revoked by their owner, stored only as a hash.

A token is ``ck_`` followed by 32 random bytes (base64url). Only its SHA-256 is stored.
A fast hash is right here, unlike for passwords: a password is chosen by a person and
guessable, so it needs a slow salted hash (argon2) against dictionary attacks; a token
carries 256 bits from ``secrets``, so no amount of hashing speed lets anyone find it from
the hash, and a slow hash would cost ~50 ms on every API request for nothing. An unkeyed
hash also keeps tokens valid when the session signing key is rotated, and lets the CLI and
the app share the table without sharing a key.

A token has no role of its own: every use resolves it to its owner's current row in
``users``, so role and binding changes apply at once, and removing a user deletes the
tokens (foreign key with ON DELETE CASCADE). Revoking deletes the row, so the hash is
gone too. All functions take an open app-database connection; invalid input raises
TokenError with one German sentence and writes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cockpit.appdb.database import utc_now
from cockpit.appdb.users import User, audit

PREFIX = "ck_"
TOKEN_PATTERN = re.compile(r"ck_[A-Za-z0-9_-]{43}")
NAME_MAX = 64
MAX_TOKENS_PER_USER = 20
MAX_VALIDITY_DAYS = 3 * 366  # a forgotten token should not live forever
_NAME_PATTERN = re.compile(r"[^\x00-\x1f\x7f]{1,64}")
_COLUMNS = "t.id, t.name, t.created_at, t.expires_at, t.last_used_at"


# Why a token request was refused, in German; `key` lets the app show it in English too.
MESSAGES: dict[str, str] = {
    "too_many": "Es sind höchstens {limit} Tokens je Person möglich; bitte zuerst ein altes "
                "widerrufen.",
    "duplicate": "Es gibt bereits ein Token mit dem Namen „{name}“.",
    "unknown_token": "Unbekanntes Token.",
    "unknown_user": "Unbekannte Person.",
    "no_name": "Bitte geben Sie dem Token einen Namen (z. B. „Auswertung R“).",
    "bad_name": "Der Name darf höchstens {limit} Zeichen lang sein und keine Steuerzeichen "
                "enthalten.",
    "bad_date": "Ungültiges Ablaufdatum.",
    "past_date": "Das Ablaufdatum liegt in der Vergangenheit.",
    "far_date": "Ein Token kann höchstens drei Jahre gültig sein.",
}


class TokenError(ValueError):
    """Invalid token input (name, expiry, unknown token); the message is one German sentence.

    `key` names the entry of MESSAGES and `params` its placeholders, for translations.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(MESSAGES[key].format(**params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class ApiToken:
    """What the owner may see of a token: never the secret, never the hash."""

    id: int
    name: str
    created_at: str
    expires_at: str | None  # first moment (UTC) the token no longer works
    last_used_at: str | None

    @property
    def valid_until(self) -> date | None:
        """The last day on which the token works (the day the owner chose)."""
        if self.expires_at is None:
            return None
        return (datetime.fromisoformat(self.expires_at) - timedelta(days=1)).date()


def hash_token(secret: str) -> str:
    """The stored form of a token (hex SHA-256)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    conn: sqlite3.Connection,
    user_name: str,
    name: str,
    valid_until: date | None = None,
    *,
    today: date | None = None,
    source: str | None = None,
    address: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user_name`; return it and the secret (shown once, never stored).

    `valid_until` is the last day (UTC) on which the token works; None means no expiry.
    `source` and `address` (web, client address) go into the audit entry.
    """
    user_id = _user_id(conn, user_name)
    name = _check_name(name)
    expires_at = _expiry(valid_until, today or datetime.now(UTC).date())
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    with conn:
        count = conn.execute("SELECT count(*) FROM api_tokens WHERE user_id = ?",
                             (user_id,)).fetchone()[0]
        if count >= MAX_TOKENS_PER_USER:
            raise TokenError("too_many", limit=MAX_TOKENS_PER_USER)
        if conn.execute("SELECT 1 FROM api_tokens WHERE user_id = ? AND name = ?",
                        (user_id, name)).fetchone():
            raise TokenError("duplicate", name=name)
        cursor = conn.execute(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, name, hash_token(secret), now, expires_at),
        )
        token = ApiToken(cursor.lastrowid, name, now, expires_at, None)
        _audit(conn, user_name, "token_created", token, source, address)
    return token, secret


def list_tokens(conn: sqlite3.Connection, user_name: str) -> list[ApiToken]:
    """The tokens of `user_name`, newest first (expired ones too, until revoked)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE u.name = ? ORDER BY t.created_at DESC, t.id DESC", (user_name,)
    ).fetchall()
    return [ApiToken(*row) for row in rows]


def revoke_token(conn: sqlite3.Connection, user_name: str, token_id: int, *,
                 source: str | None = None, address: str | None = None) -> ApiToken:
    """Delete a token of `user_name`; TokenError if it is not one of theirs."""
    if (not isinstance(token_id, int) or isinstance(token_id, bool)
            or not 0 < token_id < 2**63):  # SQLite integers are 64 bit
        raise TokenError("unknown_token")
    with conn:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id"
            " WHERE u.name = ? AND t.id = ?", (user_name, token_id)
        ).fetchone()
        if row is None:
            raise TokenError("unknown_token")
        token = ApiToken(*row)
        conn.execute("DELETE FROM api_tokens WHERE id = ?", (token.id,))
        _audit(conn, user_name, "token_revoked", token, source, address)
    return token


def resolve_token(
    conn: sqlite3.Connection, secret: str, *, now: datetime | None = None
) -> tuple[User, ApiToken] | None:
    """The owner (as of now) and the token for a presented secret, or None.

    None for anything malformed, unknown (revoked), expired or whose owner is gone. A
    successful use stamps `last_used_at`; the caller audits it.
    """
    if not isinstance(secret, str) or not TOKEN_PATTERN.fullmatch(secret):
        return None
    row = conn.execute(
        f"SELECT {_COLUMNS}, u.id, u.name, u.role, u.area_code, u.department"
        " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        (hash_token(secret),),
    ).fetchone()
    if row is None:
        return None
    token = ApiToken(*row[:5])
    moment = now or datetime.now(UTC)
    if token.expires_at is not None and moment >= datetime.fromisoformat(token.expires_at):
        return None
    used_at = moment.isoformat(timespec="milliseconds")
    with conn:
        conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (used_at, token.id))
    token = ApiToken(token.id, token.name, token.created_at, token.expires_at, used_at)
    return User(*row[5:]), token


# --- helpers -----------------------------------------------------------------


def _user_id(conn: sqlite3.Connection, user_name: str) -> int:
    row = conn.execute("SELECT id FROM users WHERE name = ?", (user_name,)).fetchone()
    if row is None:
        raise TokenError("unknown_user")
    return row[0]


def _check_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise TokenError("no_name")
    if len(text) > NAME_MAX or not _NAME_PATTERN.fullmatch(text):
        raise TokenError("bad_name", limit=NAME_MAX)
    return text


def _expiry(valid_until: date | None, today: date) -> str | None:
    if valid_until is None:
        return None
    if not isinstance(valid_until, date) or isinstance(valid_until, datetime):
        raise TokenError("bad_date")
    if valid_until < today:
        raise TokenError("past_date")
    if valid_until > today + timedelta(days=MAX_VALIDITY_DAYS):
        raise TokenError("far_date")
    end = datetime.combine(valid_until + timedelta(days=1), time(0), tzinfo=UTC)
    return end.isoformat(timespec="milliseconds")


def _audit(conn: sqlite3.Connection, user_name: str, action: str, token: ApiToken,
           source: str | None, address: str | None) -> None:
    detail = {"token": token.name, "token_id": token.id, "expires_at": token.expires_at}
    audit(conn, user_name, action, detail, source=source, address=address)
