"""Reading the audit log: filters, counting, paging and the CSV download.

Single entries are written with `cockpit.appdb.audit`, several at once (the entries of
one web request) with `append_entries`; the log is append-only (triggers in the schema
refuse UPDATE and DELETE), so nothing here changes an entry. Every filter value
becomes a bound parameter; nothing a user types is ever part of the SQL text.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from cockpit.appdb.database import utc_now

# Action names written across the cockpit (the filter offers these and any other found).
ACTIONS = (
    "login", "login_failed", "lockout", "lockout_lifted", "logout", "session_revoked",
    "user_added", "user_removed", "password_changed", "role_changed",
    "delivery_checked", "delivery_rejected", "delivery_published", "rollback",
    "raw_view", "restricted_export", "token_created", "token_revoked", "token_used",
)
COLUMNS = ("id", "at", "user_name", "action", "source", "address", "detail")
COLUMN_LABELS = {
    "de": {"id": "Nr.", "at": "Zeit (UTC)", "user_name": "Benutzer", "action": "Aktion",
           "source": "Quelle", "address": "Adresse", "detail": "Details"},
    "en": {"id": "No.", "at": "Time (UTC)", "user_name": "User", "action": "Action",
           "source": "Source", "address": "Address", "detail": "Details"},
}
MAX_TEXT = 200  # longer search texts are refused, not cut (the user would not see the cut)
MAX_USER = 128
MAX_PAGE_SIZE = 1000
MAX_DOWNLOAD = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterError(ValueError):
    """A filter value that cannot be used (German message for the user)."""


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show: a UTC date range (both days included), user, action, text."""

    since: date | None = None
    until: date | None = None
    user: str | None = None
    action: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user_name: str | None
    action: str
    source: str | None
    address: str | None
    detail: str | None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in COLUMNS}


class PendingEntry(NamedTuple):
    """An entry not yet written (see `append_entries`)."""

    user_name: str | None
    action: str
    detail: str | None
    source: str | None = None
    address: str | None = None


def append_entries(conn: sqlite3.Connection, entries: Iterable[PendingEntry]) -> None:
    """Append several entries in one transaction, all stamped with the current UTC time."""
    now = utc_now()
    with conn:
        conn.executemany(
            "INSERT INTO audit_log (at, user_name, action, detail, source, address) "
            "VALUES (?, ?, ?, ?, ?, ?)", [(now, *entry) for entry in entries])


def _day(value: object, label: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 32:
        raise AuditFilterError(f"Ungültiges Datum ({label}); erwartet wird JJJJ-MM-TT.")
    try:
        # DatePickerRange sends a plain date, but a full ISO timestamp is accepted too.
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise AuditFilterError(
            f"Ungültiges Datum ({label}): „{value}“; erwartet wird JJJJ-MM-TT.") from None


def _text(value: object, label: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AuditFilterError(f"Ungültige Eingabe ({label}): Text erwartet.")
    value = value.strip()
    if len(value) > limit:
        raise AuditFilterError(f"Die Eingabe ({label}) ist länger als {limit} Zeichen.")
    return value or None


def parse_filter(since: object = None, until: object = None, user: object = None,
                 action: object = None, text: object = None) -> AuditFilter:
    """Check raw filter values from a form or callback; raise AuditFilterError if unusable."""
    flt = AuditFilter(
        since=_day(since, "von"), until=_day(until, "bis"),
        user=_text(user, "Benutzer", MAX_USER), action=_text(action, "Aktion", 64),
        text=_text(text, "Suchtext", MAX_TEXT),
    )
    if flt.since and flt.until and flt.since > flt.until:
        raise AuditFilterError("Das Startdatum liegt nach dem Enddatum.")
    return flt


def _where(flt: AuditFilter) -> tuple[str, list[object]]:
    """The WHERE clause (fixed text) and its bound parameters."""
    clauses: list[str] = []
    params: list[object] = []
    # `at` is an ISO 8601 UTC string, so string order is time order.
    if flt.since is not None:
        clauses.append("at >= ?")
        params.append(flt.since.isoformat())
    if flt.until is not None and flt.until < date.max:
        clauses.append("at < ?")
        params.append((flt.until + timedelta(days=1)).isoformat())
    if flt.user is not None:
        clauses.append("user_name = ? COLLATE NOCASE")
        params.append(flt.user)
    if flt.action is not None:
        clauses.append("action = ?")
        params.append(flt.action)
    if flt.text is not None:
        pattern = "%" + flt.text.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        clauses.append("(detail LIKE ? ESCAPE '\\' OR user_name LIKE ? ESCAPE '\\' "
                       "OR action LIKE ? ESCAPE '\\' OR address LIKE ? ESCAPE '\\')")
        params += [pattern] * 4
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_entries(conn: sqlite3.Connection, flt: AuditFilter) -> int:
    """How many entries match the filter."""
    where, params = _where(flt)
    return conn.execute(f"SELECT count(*) FROM audit_log{where}", params).fetchone()[0]


def query_entries(conn: sqlite3.Connection, flt: AuditFilter, *, limit: int = 50,
                  offset: int = 0) -> list[AuditEntry]:
    """Matching entries, newest first."""
    if not 1 <= limit <= MAX_DOWNLOAD or offset < 0:
        raise AuditFilterError("Ungültiger Seitenbereich.")
    where, params = _where(flt)
    rows = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM audit_log{where} ORDER BY at DESC, id DESC "
        "LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [AuditEntry(*tuple(row)) for row in rows]


def known_users(conn: sqlite3.Connection, limit: int = 500) -> list[str]:
    """User names in the log, most recently active first (for the filter's choices)."""
    rows = conn.execute(
        "SELECT user_name FROM audit_log WHERE user_name IS NOT NULL GROUP BY user_name "
        "ORDER BY max(id) DESC LIMIT ?", [limit]).fetchall()
    return [row[0] for row in rows]


def known_actions(conn: sqlite3.Connection) -> list[str]:
    """The documented action names plus any other found in the log."""
    found = {row[0] for row in conn.execute("SELECT DISTINCT action FROM audit_log")}
    return [*ACTIONS, *sorted(found - set(ACTIONS))]


def safe_cell(value: object) -> str:
    """A CSV cell that spreadsheet programs do not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def entries_csv(entries: Iterable[AuditEntry], lang: str = "de") -> str:
    """Entries as CSV for Excel: byte order mark, `;` separated, formula-safe cells."""
    labels = COLUMN_LABELS.get(lang, COLUMN_LABELS["de"])
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([labels[name] for name in COLUMNS])
    for entry in entries:
        writer.writerow([safe_cell(getattr(entry, name)) for name in COLUMNS])
    return buffer.getvalue()
