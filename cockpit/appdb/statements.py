"""Hand-written Kernaussagen: checked, stored, changed, deleted, with history.

Controlling (and admin) maintain them per indicator, level and period, beside the
statements generated from the data (cockpit/indicators/statements.py):

* `add`: an extra statement, written by hand;
* `replace`: a hand-written text shown instead of one generated statement (its key);
* `hide`: one generated statement is not shown.

Only published entries reach the comparison page; a draft is seen on the editing page
only. Every change is kept: `statement_history` (append-only, triggers refuse UPDATE and
DELETE) holds who changed what when, with the old and the new fields, and each change is
also written to the audit log. Who may change statements is decided by the page (admin,
controlling); this module checks the input. Invalid input raises StatementError with one
German sentence and writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from cockpit.appdb.database import utc_now
from cockpit.appdb.form_error import FormError
from cockpit.appdb.users import audit
from cockpit.indicators.statements import KEYS

KINDS = ("add", "replace", "hide")
MAX_TEXT = 600  # characters: a key statement is one or two sentences, not a report
FIELDS = ("indicator_id", "level", "period", "kind", "generated_key", "text_de", "text_en",
          "published")
_COLUMNS = ("id, indicator_id, level, period, kind, generated_key, text_de, text_en,"
            " published, created_by, created_at, updated_by, updated_at")

# Why an input was refused, in German; `key` lets the app show it in English too.
MESSAGES: dict[str, str] = {
    "no_indicator": "Bitte einen Indikator wählen.",
    "unknown_indicator": "Unbekannter Indikator „{value}“.",
    "unknown_level": "Unbekannte Gebietsebene „{value}“ für diesen Indikator.",
    "unknown_period": "Für den Zeitraum „{value}“ gibt es bei diesem Indikator keine Werte.",
    "bad_kind": "Die Art muss „ergänzen“, „ersetzen“ oder „ausblenden“ sein.",
    "unknown_key": "Unbekannte erzeugte Aussage „{value}“.",
    "no_text": "Bitte einen Text eingeben.",
    "too_long": "Der Text ist zu lang ({length} Zeichen); erlaubt sind höchstens {limit}.",
    "control_chars": "Der Text enthält unzulässige Steuerzeichen.",
    "unknown_statement": "Unbekannte Kernaussage (vielleicht inzwischen gelöscht).",
    "secret_number": "Der Text nennt {number}{area} – dieser Wert ist geheim gehalten "
                     "(Schutz kleiner Fallzahlen) und darf in keiner Kernaussage stehen. "
                     "Bitte ohne diese Zahl formulieren.",
}


class StatementError(FormError):
    """Invalid statement input; the message is one German sentence (see FormError)."""

    MESSAGES = MESSAGES


@dataclass(frozen=True)
class StatementDraft:
    """A checked statement, ready to be stored."""

    indicator_id: str
    level: str
    period: str
    kind: str
    generated_key: str | None
    text_de: str
    text_en: str
    published: bool


@dataclass(frozen=True)
class StoredStatement(StatementDraft):
    """A stored statement with who wrote it and who changed it last."""

    id: int = 0
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""

    def fields(self) -> dict[str, object]:
        """The statement's own fields (what the history compares)."""
        return {name: getattr(self, name) for name in FIELDS}

    def text(self, lang: str) -> str:
        """The text in `lang`; the German one where no English text was written."""
        return self.text_en if lang == "en" and self.text_en else self.text_de


@dataclass(frozen=True)
class HistoryEntry:
    """One change of a statement: who, when, what it was before and after."""

    statement_id: int
    indicator_id: str
    level: str
    period: str
    action: str  # created, changed, deleted
    at: str
    user_name: str
    old: dict | None
    new: dict | None


# --- checking ---------------------------------------------------------------------------------


def clean_text(value: object, field: str, *, required: bool) -> str:
    """The text of a form field, stripped; StatementError when required and empty, too long
    or with control characters (line breaks and tabs are allowed)."""
    text = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise StatementError("no_text", field)
        return ""
    if len(text) > MAX_TEXT:
        raise StatementError("too_long", field, length=len(text), limit=MAX_TEXT)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise StatementError("control_chars", field)
    return text


def check_statement(
    form: Mapping[str, object],
    *,
    indicators: Collection[str],
    levels_of: Callable[[str], Collection[str]],
    periods_of: Callable[[str], Collection[str]],
) -> StatementDraft:
    """Check the fields of a statement form and return the draft to store.

    `indicators` are the ids the person at the desk may see; `levels_of(indicator)` and
    `periods_of(indicator)` give its levels and periods. Raises StatementError for the
    first problem found.
    """
    indicator = form.get("indicator_id")
    if indicator in (None, ""):
        raise StatementError("no_indicator", "indicator_id")
    if not isinstance(indicator, str) or indicator not in indicators:
        raise StatementError("unknown_indicator", "indicator_id", value=str(indicator)[:64])
    level = form.get("level")
    if not isinstance(level, str) or level not in levels_of(indicator):
        raise StatementError("unknown_level", "level", value=str(level)[:32])
    period = form.get("period")
    if not isinstance(period, str) or period not in periods_of(indicator):
        raise StatementError("unknown_period", "period", value=str(period)[:20])
    kind = form.get("kind")
    if kind not in KINDS:
        raise StatementError("bad_kind", "kind")
    key = form.get("generated_key")
    if kind == "add":
        key = None
    elif not isinstance(key, str) or key not in KEYS:
        raise StatementError("unknown_key", "generated_key", value=str(key)[:32])
    text_de = clean_text(form.get("text_de"), "text_de", required=kind != "hide")
    text_en = clean_text(form.get("text_en"), "text_en", required=False)
    if kind == "hide":
        text_de, text_en = "", ""
    published = form.get("published")
    return StatementDraft(indicator, level, period, str(kind), key, text_de, text_en,
                          published is True)


# --- storing ----------------------------------------------------------------------------------


def _statement(row: sqlite3.Row | tuple) -> StoredStatement:
    (id_, indicator, level, period, kind, key, text_de, text_en, published, created_by,
     created_at, updated_by, updated_at) = tuple(row)
    return StoredStatement(indicator, level, period, kind, key, text_de, text_en or "",
                           bool(published), id_, created_by, created_at, updated_by,
                           updated_at)


def list_statements(conn: sqlite3.Connection, indicator_id: str | None = None,
                    level: str | None = None, period: str | None = None, *,
                    published_only: bool = False) -> list[StoredStatement]:
    """The stored statements, optionally of one indicator, level and period, oldest first."""
    where, params = [], []
    for column, value in (("indicator_id", indicator_id), ("level", level),
                          ("period", period)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if published_only:
        where.append("published = 1")
    sql = f"SELECT {_COLUMNS} FROM statements"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY indicator_id, level, period, id", params)
    return [_statement(row) for row in rows]


def get_statement(conn: sqlite3.Connection, statement_id: object) -> StoredStatement | None:
    """One statement by id; None for an unknown or malformed id."""
    if not isinstance(statement_id, int) or isinstance(statement_id, bool) or not (
            0 < statement_id < 2**63):
        return None
    row = conn.execute(f"SELECT {_COLUMNS} FROM statements WHERE id = ?",
                       (statement_id,)).fetchone()
    return _statement(row) if row else None


def _same_key(conn: sqlite3.Connection, draft: StatementDraft) -> StoredStatement | None:
    """The entry that already replaces or hides the same generated statement."""
    if draft.generated_key is None:
        return None
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM statements WHERE indicator_id = ? AND level = ? AND period = ?"
        " AND generated_key = ?",
        (draft.indicator_id, draft.level, draft.period, draft.generated_key)).fetchone()
    return _statement(row) if row else None


def save_statement(conn: sqlite3.Connection, user_name: str, draft: StatementDraft,
                   statement_id: int | None = None, *, source: str | None = None,
                   address: str | None = None) -> StoredStatement:
    """Store a new statement (`statement_id` None) or change an existing one; keep the
    history and write the audit log. A generated statement is replaced or hidden by one
    entry: a second one for the same key changes that entry. StatementError for an
    unknown `statement_id`."""
    now = utc_now()
    values = tuple(int(v) if isinstance(v, bool) else v
                   for v in (getattr(draft, name) for name in FIELDS))
    with conn:
        clash = _same_key(conn, draft)
        if statement_id is None and clash is not None:
            statement_id = clash.id
        if statement_id is None:
            cursor = conn.execute(
                f"INSERT INTO statements ({', '.join(FIELDS)}, created_by, created_at,"
                " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, user_name, now, user_name, now))
            new_id, old = int(cursor.lastrowid), None
        else:
            before = get_statement(conn, statement_id)
            if before is None:
                raise StatementError("unknown_statement")
            if clash is not None and clash.id != before.id:
                # The edited entry now takes a key another entry holds: that one goes.
                conn.execute("DELETE FROM statements WHERE id = ?", (clash.id,))
                _remember(conn, user_name, "deleted", clash, clash.fields(), None, now,
                          source, address)
            conn.execute(
                f"UPDATE statements SET {', '.join(f'{name} = ?' for name in FIELDS)},"
                " updated_by = ?, updated_at = ? WHERE id = ?",
                (*values, user_name, now, before.id))
            new_id, old = before.id, before.fields()
        saved = get_statement(conn, new_id)
        assert saved is not None
        _remember(conn, user_name, "created" if old is None else "changed", saved, old,
                  saved.fields(), now, source, address)
    return saved


def delete_statement(conn: sqlite3.Connection, user_name: str, statement_id: object, *,
                     source: str | None = None, address: str | None = None
                     ) -> StoredStatement:
    """Delete a statement (its history stays); StatementError for an unknown id."""
    with conn:
        before = get_statement(conn, statement_id)
        if before is None:
            raise StatementError("unknown_statement")
        conn.execute("DELETE FROM statements WHERE id = ?", (before.id,))
        _remember(conn, user_name, "deleted", before, before.fields(), None, utc_now(),
                  source, address)
    return before


def statement_history(conn: sqlite3.Connection, statement_id: int | None = None,
                      indicator_id: str | None = None) -> list[HistoryEntry]:
    """The changes of one statement (or of one indicator's, or of all), newest first."""
    sql = ("SELECT statement_id, indicator_id, level, period, action, at, user_name, old, new"
           " FROM statement_history")
    where, params = [], []
    if statement_id is not None:
        where.append("statement_id = ?")
        params.append(statement_id)
    if indicator_id is not None:
        where.append("indicator_id = ?")
        params.append(indicator_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY at DESC, id DESC", params).fetchall()
    return [HistoryEntry(*row[:7], json.loads(row[7]) if row[7] else None,
                         json.loads(row[8]) if row[8] else None) for row in rows]


def _remember(conn: sqlite3.Connection, user_name: str, action: str,
              statement: StoredStatement, old: dict | None, new: dict | None, at: str,
              source: str | None, address: str | None) -> None:
    """One history row and one audit entry, inside the caller's transaction."""
    conn.execute(
        "INSERT INTO statement_history (statement_id, indicator_id, level, period, action, at,"
        " user_name, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (statement.id, statement.indicator_id, statement.level, statement.period, action, at,
         user_name, json.dumps(old, ensure_ascii=False) if old else None,
         json.dumps(new, ensure_ascii=False) if new else None))
    changed = sorted(k for k in FIELDS if (old or {}).get(k) != (new or {}).get(k))
    audit(conn, user_name, f"statement_{action}",
          {"statement_id": statement.id, "indicator": statement.indicator_id,
           "level": statement.level, "period": statement.period, "changed": changed},
          source=source, address=address)
