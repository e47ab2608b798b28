"""Cockpit users: validation, argon2 password hashes, authentication and the audit log.

All functions take an open app-database connection (see cockpit.appdb.database.connect).
Errors meant for the operator are raised as UserError with a one-line German message.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cockpit.appdb.database import utc_now
from cockpit.roles import ROLES

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")
MIN_PASSWORD_LENGTH = 10
DEMO_PREFIX = "demo-"

# No 0/O/o, 1/l/I/i: generated passwords are read off a terminal and typed in.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PASSWORD_GROUPS = 4
_PASSWORD_GROUP_LENGTH = 4
_MAX_LISTED = 20

# Argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet: 19 MiB,
# 2 passes, 1 lane), not argon2-cffi's default (RFC 9106's second recommendation:
# 64 MiB, 3 passes, 4 lanes). OWASP rates both as adequate; RFC 9106 offers its
# choices for those who can afford them. Here a login must not stall a committee
# meeting: the default costs ~230 ms of CPU on 4 threads per check, so 100 members
# logging in within a minute took 23 core-seconds of a 2-core server and held both
# cores at once for each check; these parameters cost ~35 ms on one core. Never go
# below OWASP's minimum. Hashes made with other parameters keep working and are
# renewed with these at the next successful login (check_needs_rehash).
PASSWORD_HASH_MEMORY_KIB = 19 * 1024
PASSWORD_HASH_TIME_COST = 2
PASSWORD_HASH_PARALLELISM = 1
_hasher = PasswordHasher(time_cost=PASSWORD_HASH_TIME_COST,
                         memory_cost=PASSWORD_HASH_MEMORY_KIB,
                         parallelism=PASSWORD_HASH_PARALLELISM)
_dummy_hash: str | None = None

_USER_COLUMNS = "id, name, role, area_code, department"


class UserError(ValueError):
    """Invalid user input or unknown user; the message is one German sentence for the CLI."""


@dataclass(frozen=True)
class User:
    """A cockpit user as the application sees it (never carries the password hash)."""

    id: int
    name: str
    role: str
    area_code: str | None
    department: str | None


def add_user(
    conn: sqlite3.Connection,
    name: str,
    role: str,
    password: str,
    *,
    area_code: str | None = None,
    department: str | None = None,
    known_areas: Collection[str] | None = None,
    known_departments: Collection[str] | None = None,
) -> User:
    """Create a user; raise UserError (and write nothing) if any input is invalid."""
    area_code, department = _validate(
        name, role, area_code, department, known_areas, known_departments
    )
    _check_password(password)
    existing = _find_row(conn, name)
    if existing is not None:
        raise _duplicate(existing["name"])
    password_hash = _hasher.hash(password)
    now = utc_now()
    try:
        with conn:
            cursor = conn.execute(
                "INSERT INTO users (name, role, area_code, department, password_hash,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, role, area_code, department, password_hash, now, now),
            )
    except sqlite3.IntegrityError as exc:
        # Lost a race against another process adding the same name.
        row = _find_row(conn, name)
        if row is not None:
            raise _duplicate(row["name"]) from exc
        raise
    return User(cursor.lastrowid, name, role, area_code, department)


def list_users(conn: sqlite3.Connection) -> list[User]:
    """All users, sorted by name (case-insensitive)."""
    rows = conn.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name, id").fetchall()
    return [_to_user(row) for row in rows]


def get_user(conn: sqlite3.Connection, name: str) -> User | None:
    """The user called `name` (case-insensitive), or None."""
    row = _find_row(conn, name)
    return None if row is None else _to_user(row)


def remove_user(conn: sqlite3.Connection, name: str) -> int:
    """Delete the user called `name` and end their sessions; UserError if there is none.

    Returns how many sessions ended (the rows go with the user by cascade).
    """
    with conn:
        row = _find_row(conn, name)
        if row is None:
            raise _unknown(name)
        sessions = _count_sessions(conn, row["id"])
        cursor = conn.execute("DELETE FROM users WHERE id = ?", (row["id"],))
    if cursor.rowcount == 0:
        raise _unknown(name)
    return sessions


def set_password(conn: sqlite3.Connection, name: str, password: str) -> int:
    """Replace the password of `name` and end all their sessions; return how many ended.

    UserError if the user is unknown or the password too weak.
    """
    if _find_row(conn, name) is None:
        raise _unknown(name)
    _check_password(password)
    password_hash = _hasher.hash(password)
    with conn:
        row = _find_row(conn, name)
        if row is None:
            raise _unknown(name)
        conn.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                     (password_hash, utc_now(), row["id"]))
        return _end_sessions(conn, row["id"])


def set_role(
    conn: sqlite3.Connection,
    name: str,
    role: str,
    *,
    area_code: str | None = None,
    department: str | None = None,
    known_areas: Collection[str] | None = None,
    known_departments: Collection[str] | None = None,
) -> tuple[User, int]:
    """Give `name` a new role (and binding); end all their sessions.

    A session carries the rights it was opened with, so every session ends and
    the user logs in again with the new ones. Returns the changed user and how
    many sessions ended; UserError (nothing written) on invalid input.
    """
    row = _find_row(conn, name)
    if row is None:
        raise _unknown(name)
    area_code, department = _validate(
        row["name"], role, area_code, department, known_areas, known_departments
    )
    with conn:
        conn.execute(
            "UPDATE users SET role = ?, area_code = ?, department = ?, updated_at = ?"
            " WHERE id = ?", (role, area_code, department, utc_now(), row["id"]))
        ended = _end_sessions(conn, row["id"])
    return User(row["id"], row["name"], role, area_code, department), ended


def authenticate(conn: sqlite3.Connection, name: str, password: str) -> User | None:
    """The user if `password` is right for `name`, else None (unknown name or wrong password).

    Unknown names cost a hash verification too, so response times do not reveal
    which names exist. Hashes made with outdated parameters are renewed on success.
    """
    row = conn.execute(
        f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        _verify(_get_dummy_hash(), password)
        return None
    if not _verify(row["password_hash"], password):
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        with conn:
            conn.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                (_hasher.hash(password), utc_now(), row["id"]),
            )
    return _to_user(row)


def generate_password() -> str:
    """A random password like ``k7Qm-x3Fa-Z9pe-Wt4c`` (about 92 bits of entropy)."""
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(_PASSWORD_GROUP_LENGTH))
        for _ in range(_PASSWORD_GROUPS)
    )


def create_demo_users(
    conn: sqlite3.Connection, *, district_area: str, department: str
) -> list[tuple[User, str]]:
    """Create or replace one ``demo-<role>`` user per role, each with a fresh random password.

    Returns (user, plaintext password) pairs so the caller can show the passwords
    once; they are not stored anywhere in plaintext. Existing demo users keep their
    id (so rows referring to them survive) but get new role binding and password.
    """
    prepared = []
    for role in ROLES:
        name = DEMO_PREFIX + role
        area, dept = _validate(
            name,
            role,
            district_area if role == "district" else None,
            department if role == "department" else None,
            None,
            None,
        )
        password = generate_password()
        prepared.append((name, role, area, dept, password, _hasher.hash(password)))
    now = utc_now()
    with conn:
        for name, role, area, dept, _password, password_hash in prepared:
            conn.execute(
                "INSERT INTO users (name, role, area_code, department, password_hash,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET name = excluded.name,"
                " role = excluded.role, area_code = excluded.area_code,"
                " department = excluded.department, password_hash = excluded.password_hash,"
                " updated_at = excluded.updated_at",
                (name, role, area, dept, password_hash, now, now),
            )
            # New password and binding: sessions opened with the old ones end.
            conn.execute("DELETE FROM sessions WHERE user_id IN"
                         " (SELECT id FROM users WHERE name = ?)", (name,))
    result = []
    for name, _role, _area, _dept, password, _hash in prepared:
        row = _find_row(conn, name)
        assert row is not None
        result.append((_to_user(row), password))
    return result


def audit(
    conn: sqlite3.Connection, user_name: str | None, action: str,
    detail: str | Mapping[str, object] | None = None,
    *, source: str | None = None, address: str | None = None,
) -> None:
    """Append one row to the audit log, stamped with the current UTC time.

    A mapping `detail` is stored as the JSON object string that every entry's detail
    is; `source` says where it happened (web, api, cli), `address` the client's IP.
    """
    if isinstance(detail, Mapping):
        detail = audit_detail(detail)
    with conn:
        conn.execute(
            "INSERT INTO audit_log (at, user_name, action, detail, source, address)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (utc_now(), user_name, action, detail, source, address),
        )


def audit_detail(fields: Mapping[str, object]) -> str:
    """The detail of an audit entry: a JSON object, keys sorted, umlauts kept."""
    return json.dumps(dict(fields), ensure_ascii=False, sort_keys=True)


# --- helpers -----------------------------------------------------------------


def _validate(
    name: str,
    role: str,
    area_code: str | None,
    department: str | None,
    known_areas: Collection[str] | None,
    known_departments: Collection[str] | None,
) -> tuple[str | None, str | None]:
    """Check name, role and binding; return the normalised (area_code, department)."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"Ungültiger Benutzername {_quote(name)}: erlaubt sind 2 bis 64 Zeichen aus Buchstaben "
            "(A-Z, a-z), Ziffern, Punkt, Unterstrich und Bindestrich, beginnend mit einem "
            "Buchstaben oder einer Ziffer."
        )
    if role not in ROLES:
        raise UserError(f"Unbekannte Rolle {_quote(role)}; erlaubt sind: {', '.join(ROLES)}.")
    area_code = _blank_to_none(area_code)
    department = _blank_to_none(department)
    if role == "district":
        if area_code is None:
            raise UserError("Die Rolle „district“ braucht ein Gebiet (--area).")
        if known_areas is not None and area_code not in known_areas:
            raise UserError(
                f"Unbekanntes Gebiet {_quote(area_code)} (--area); bekannt sind: "
                f"{_listing(known_areas)}."
            )
    elif area_code is not None:
        raise UserError(
            f"Ein Gebiet (--area) ist nur für die Rolle „district“ vorgesehen, "
            f"nicht für {_quote(role)}."
        )
    if role == "department":
        if department is None:
            raise UserError("Die Rolle „department“ braucht einen Fachbereich (--department).")
        if known_departments is not None and department not in known_departments:
            raise UserError(
                f"Unbekannter Fachbereich {_quote(department)} (--department); bekannt sind: "
                f"{_listing(known_departments)}."
            )
    elif department is not None:
        raise UserError(
            f"Ein Fachbereich (--department) ist nur für die Rolle „department“ vorgesehen, "
            f"nicht für {_quote(role)}."
        )
    return area_code, department


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    if not password.strip():
        raise UserError("Das Passwort darf nicht nur aus Leerzeichen bestehen.")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _get_dummy_hash() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hash


def _count_sessions(conn: sqlite3.Connection, user_id: int) -> int:
    return conn.execute("SELECT count(*) FROM sessions WHERE user_id = ?",
                        (user_id,)).fetchone()[0]


def _end_sessions(conn: sqlite3.Connection, user_id: int) -> int:
    """Delete every session of a user inside the caller's transaction."""
    return conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount


def _find_row(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()


def _to_user(row: sqlite3.Row) -> User:
    return User(row["id"], row["name"], row["role"], row["area_code"], row["department"])


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _quote(value: object) -> str:
    """Quote user input for a one-line message; control characters are shown escaped."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 70:
        text = text[:69] + "…"
    return f"„{text}“" if text.isprintable() else repr(text)


def _listing(values: Collection[str]) -> str:
    items = sorted(values)
    if not items:
        return "(keine)"
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" und {len(items) - _MAX_LISTED} weitere" if len(items) > _MAX_LISTED else "")


def _duplicate(existing_name: str) -> UserError:
    return UserError(
        f"Es gibt bereits einen Benutzer {_quote(existing_name)} "
        "(Groß-/Kleinschreibung wird nicht unterschieden)."
    )


def _unknown(name: str) -> UserError:
    return UserError(f"Unbekannter Benutzer {_quote(name)}.")
