"""Open the SQLite app database and bring its schema up to date.

The app database holds the state that changes while the cockpit is serving
(users, audit log, sessions, API tokens, targets, Übersicht cards, Kernaussagen). It is
separate from the analytic DuckDB store. The schema version is kept in ``PRAGMA user_version``;
``MIGRATIONS[i]`` upgrades a database from version ``i`` to ``i + 1``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path


class AppDatabaseError(RuntimeError):
    """The app database cannot be created, opened or migrated (German message)."""


# Migrations are history: never edit one that has shipped, append a new one instead.
# The role list of migration 1 is deliberately a literal, not generated from
# cockpit.roles.ROLES, so that fresh and migrated databases always agree; a change
# to ROLES needs a new migration that rebuilds the users table.
MIGRATIONS: list[str] = [
    # 1: users and audit log
    """
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT UNIQUE NOT NULL COLLATE NOCASE,
        role          TEXT NOT NULL CHECK (role IN (
                          'admin', 'controlling', 'leadership',
                          'district', 'committee', 'department')),
        area_code     TEXT,
        department    TEXT,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        CHECK (
            (role = 'district' AND area_code IS NOT NULL AND department IS NULL)
            OR (role = 'department' AND department IS NOT NULL AND area_code IS NULL)
            OR (role NOT IN ('district', 'department')
                AND area_code IS NULL AND department IS NULL)
        )
    );
    CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        user_name TEXT,
        action    TEXT NOT NULL,
        detail    TEXT
    );
    CREATE INDEX audit_log_at ON audit_log (at);
    """,
    # 2: audit log: where an entry came from (web / api / cli) and the client address;
    # the log is append-only, so nobody with database access through the app (or a
    # careless script) can change or delete an entry.
    """
    ALTER TABLE audit_log ADD COLUMN source TEXT;
    ALTER TABLE audit_log ADD COLUMN address TEXT;
    CREATE INDEX audit_log_user ON audit_log (user_name COLLATE NOCASE, at);
    CREATE INDEX audit_log_action ON audit_log (action, at);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN
        SELECT RAISE(ABORT, 'Protokolleinträge können nicht geändert werden.');
    END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN
        SELECT RAISE(ABORT, 'Protokolleinträge können nicht gelöscht werden.');
    END;
    """,
    # 3: server-side sessions (revocable) and login failures (lockout shared by all workers)
    """
    CREATE TABLE sessions (
        token_hash   TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE login_failures (
        account      TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        first_at     TEXT NOT NULL,
        locked_until TEXT
    );
    """,
    # 4: personal API tokens (SHA-256 of the token only; see cockpit/appdb/tokens.py)
    """
    CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   TEXT NOT NULL,
        expires_at   TEXT,
        last_used_at TEXT,
        UNIQUE (user_id, name)
    );
    """,
    # 5: targets (Zielwerte) per indicator and area with their append-only history, and
    # the Übersicht cards per role chosen in the app (see cockpit/appdb/targets.py and
    # cockpit/appdb/overview_cards.py)
    """
    CREATE TABLE targets (
        -- AUTOINCREMENT: a deleted target's id is never given again, so its history
        -- (keyed by target_id) never mixes with a later target's
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        indicator_id TEXT NOT NULL,
        area_code    TEXT NOT NULL,
        target_value REAL NOT NULL,
        target_year  INTEGER NOT NULL,
        direction    TEXT NOT NULL CHECK (direction IN ('rise', 'fall', 'keep')),
        corridor     REAL CHECK (corridor IS NULL OR corridor >= 0),
        base_period  TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_by   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (indicator_id, area_code)
    );
    CREATE INDEX targets_area ON targets (area_code);
    CREATE TABLE target_history (
        id           INTEGER PRIMARY KEY,
        target_id    INTEGER NOT NULL,
        indicator_id TEXT NOT NULL,
        area_code    TEXT NOT NULL,
        action       TEXT NOT NULL CHECK (action IN ('created', 'changed', 'deleted')),
        at           TEXT NOT NULL,
        user_name    TEXT NOT NULL,
        old          TEXT,
        new          TEXT
    );
    CREATE INDEX target_history_target ON target_history (target_id, at);
    CREATE TRIGGER target_history_no_update BEFORE UPDATE ON target_history
    BEGIN
        SELECT RAISE(ABORT, 'Zielwert-Historie kann nicht geändert werden.');
    END;
    CREATE TRIGGER target_history_no_delete BEFORE DELETE ON target_history
    BEGIN
        SELECT RAISE(ABORT, 'Zielwert-Historie kann nicht gelöscht werden.');
    END;
    CREATE TABLE overview_cards (
        role          TEXT PRIMARY KEY CHECK (role IN (
                          'admin', 'controlling', 'leadership',
                          'district', 'committee', 'department')),
        indicator_ids TEXT NOT NULL,
        updated_by    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    """,
    # 6: saved views with every version kept (append-only), dashboards of views, and the
    # dashboard that replaces the Übersicht of a role or a user (see cockpit/views/store.py
    # and cockpit/views/dashboards.py)
    """
    CREATE TABLE views (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        version     INTEGER NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        deleted_by  TEXT,
        deleted_at  TEXT
    );
    CREATE TABLE view_versions (
        view_id     INTEGER NOT NULL REFERENCES views (id),
        version     INTEGER NOT NULL,
        definition  TEXT NOT NULL,
        author      TEXT NOT NULL,
        at          TEXT NOT NULL,
        note        TEXT,
        PRIMARY KEY (view_id, version)
    );
    CREATE TRIGGER view_versions_no_update BEFORE UPDATE ON view_versions
    BEGIN
        SELECT RAISE(ABORT, 'Versionen einer Ansicht können nicht geändert werden.');
    END;
    CREATE TRIGGER view_versions_no_delete BEFORE DELETE ON view_versions
    BEGIN
        SELECT RAISE(ABORT, 'Versionen einer Ansicht können nicht gelöscht werden.');
    END;
    CREATE TABLE dashboards (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        title       TEXT NOT NULL,
        description TEXT NOT NULL,
        view_ids    TEXT NOT NULL,
        columns     INTEGER NOT NULL CHECK (columns BETWEEN 1 AND 4),
        roles       TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE overview_dashboards (
        kind         TEXT NOT NULL CHECK (kind IN ('role', 'user')),
        target       TEXT NOT NULL COLLATE NOCASE,
        dashboard_id INTEGER NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
        updated_by   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (kind, target)
    );
    """,
    # 7: hand-written Kernaussagen (key statements) per indicator, level and period, with
    # their append-only history (see cockpit/appdb/statements.py)
    """
    CREATE TABLE statements (
        -- AUTOINCREMENT: a deleted statement's id is never given again (history by id)
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        indicator_id  TEXT NOT NULL,
        level         TEXT NOT NULL,
        period        TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('add', 'replace', 'hide')),
        generated_key TEXT,
        text_de       TEXT NOT NULL,
        text_en       TEXT,
        published     INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
        created_by    TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_by    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        CHECK ((kind = 'add') = (generated_key IS NULL)),
        CHECK (kind = 'hide' OR length(trim(text_de)) > 0)
    );
    CREATE INDEX statements_of ON statements (indicator_id, level, period);
    CREATE UNIQUE INDEX statements_one_per_key
        ON statements (indicator_id, level, period, generated_key)
        WHERE generated_key IS NOT NULL;
    CREATE TABLE statement_history (
        id           INTEGER PRIMARY KEY,
        statement_id INTEGER NOT NULL,
        indicator_id TEXT NOT NULL,
        level        TEXT NOT NULL,
        period       TEXT NOT NULL,
        action       TEXT NOT NULL CHECK (action IN ('created', 'changed', 'deleted')),
        at           TEXT NOT NULL,
        user_name    TEXT NOT NULL,
        old          TEXT,
        new          TEXT
    );
    CREATE INDEX statement_history_statement ON statement_history (statement_id, at);
    CREATE TRIGGER statement_history_no_update BEFORE UPDATE ON statement_history
    BEGIN
        SELECT RAISE(ABORT, 'Kernaussagen-Historie kann nicht geändert werden.');
    END;
    CREATE TRIGGER statement_history_no_delete BEFORE DELETE ON statement_history
    BEGIN
        SELECT RAISE(ABORT, 'Kernaussagen-Historie kann nicht gelöscht werden.');
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
# How long a connection waits for another one's write lock before "database is locked".
BUSY_TIMEOUT_S = 30.0


def utc_now() -> str:
    """Current time as a UTC ISO 8601 string, e.g. ``2025-01-31T12:00:00.123+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create if needed) the app database at `path`, migrated to the latest schema.

    The connection has foreign keys on, WAL journaling and ``sqlite3.Row`` rows.
    Raises AppDatabaseError with a German message if the file cannot be created
    or opened.
    """
    path = Path(path)
    _ensure_writable(path)
    _keep_private(path)
    try:
        # Every login writes (lockout, session, audit) from 2 workers x 8 threads; under
        # load a writer can wait past sqlite's default 5 s and the login failed with 500.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise AppDatabaseError(f"App-Datenbank {path} kann nicht geöffnet werden: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise AppDatabaseError(f"App-Datenbank {path} kann nicht geöffnet werden: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


_per_thread = threading.local()


def thread_connection(path: Path) -> sqlite3.Connection:
    """This thread's kept connection to the app database at `path` (opened once).

    For the few statements every request runs (the session lookup): opening a
    connection means four statements of set-up and the schema check each time.
    Kept per thread (sqlite3 connections belong to the thread that made them) and
    per process (a connection must not cross gunicorn's fork). Outside an explicit
    transaction each SELECT sees the latest commit, so nothing goes stale; the
    caller commits or rolls back its writes (``with conn:``).
    """
    key = (os.getpid(), str(path))
    kept: dict = _per_thread.__dict__.setdefault("connections", {})
    conn = kept.get(key)
    if conn is None:
        conn = kept[key] = connect(path)
    return conn


def _ensure_writable(path: Path) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # Name the directory the operator has to fix: the nearest one that exists.
        base = next((p for p in (parent, *parent.parents) if p.exists()), parent)
        problem = "ist nicht beschreibbar" if base.is_dir() else "ist kein Verzeichnis"
        raise AppDatabaseError(
            f"App-Datenbank kann nicht angelegt werden: {base} {problem}"
        ) from exc
    # SQLite needs to create the file and its -wal/-shm companions next to it.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise AppDatabaseError(
            f"App-Datenbank kann nicht angelegt werden: {parent} ist nicht beschreibbar"
        )
    if path.exists() and (path.is_dir() or not os.access(path, os.R_OK | os.W_OK)):
        raise AppDatabaseError(
            f"App-Datenbank kann nicht geöffnet werden: {path} ist nicht beschreibbar"
        )


def _keep_private(path: Path) -> None:
    """Create the database readable by its owner only (0600), and tighten an older one.

    It holds password hashes, sessions and the audit log. SQLite gives its -wal and
    -shm files the mode of the database file, so they follow.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # not our file: opening it will say what is wrong
            pass
    except OSError as exc:
        raise AppDatabaseError(f"App-Datenbank {path} kann nicht angelegt werden: {exc}") from exc
    else:
        os.close(fd)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the pending migrations, each in its own transaction with its version bump."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise AppDatabaseError(
            f"App-Datenbank {path} hat Schema-Version {version}, diese cockpit-Version "
            f"kennt nur bis {SCHEMA_VERSION}; bitte cockpit aktualisieren."
        )
    while version < SCHEMA_VERSION:
        # IMMEDIATE takes the write lock up front, so a second process that
        # migrates at the same time waits and then sees the new version.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                for statement in _split_statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version:d}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def _split_statements(script: str) -> list[str]:
    """Split an SQL script into single statements (executescript would commit early)."""
    statements: list[str] = []
    current = ""
    for chunk in script.split(";"):
        current += chunk + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\r\n;"):
                statements.append(current.strip())
            current = ""
    if current.strip(" \t\r\n;"):
        statements.append(current.strip())
    return statements
