"""The Übersicht cards per role, chosen in the app by controlling (or admin).

data/overview.yaml stays the default: a role without a row here gets the cards of the
file. A saved choice is an ordered list of indicator ids; resetting deletes the row, so
the role falls back to the file. Each change is written to the audit log with the old
and the new list. Who may change it is decided by the page; this module checks the ids
against what the caller says the role may see, and invalid input raises CardsError with
one German sentence and writes nothing. The gate still decides per viewer which cards
are drawn.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection

from cockpit.appdb.database import utc_now
from cockpit.appdb.users import audit
from cockpit.roles import ROLES

MAX_CARDS = 12

MESSAGES: dict[str, str] = {
    "unknown_role": "Unbekannte Rolle „{value}“.",
    "not_a_list": "Die Kennzahlen müssen eine Liste von Indikatoren sein.",
    "empty": "Bitte mindestens eine Kennzahl wählen (oder auf den Standard zurücksetzen).",
    "too_many": "Höchstens {limit} Kennzahlen je Rolle.",
    "unknown_indicator": "Unbekannter Indikator „{value}“.",
    "duplicate": "Der Indikator „{value}“ ist doppelt gewählt.",
    "not_visible": "Die Rolle „{role}“ darf den Indikator „{value}“ nicht sehen.",
}


class CardsError(ValueError):
    """Invalid card choice; the message is one German sentence (`key`, `params` for
    translations)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(MESSAGES[key].format(**params))
        self.key = key
        self.params = params


def check_cards(role: object, ids: object, *, known: Collection[str],
                visible: Collection[str]) -> tuple[str, list[str]]:
    """The role and its ordered card ids, checked: a known role, 1 to MAX_CARDS distinct
    known indicator ids, each one that some viewer of this role may see (`visible`)."""
    if not isinstance(role, str) or role not in ROLES:
        raise CardsError("unknown_role", value=str(role)[:32])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise CardsError("not_a_list")
    if not ids:
        raise CardsError("empty")
    if len(ids) > MAX_CARDS:
        raise CardsError("too_many", limit=MAX_CARDS)
    seen: set[str] = set()
    for indicator_id in ids:
        if indicator_id not in known:
            raise CardsError("unknown_indicator", value=indicator_id[:64])
        if indicator_id in seen:
            raise CardsError("duplicate", value=indicator_id)
        if indicator_id not in visible:
            raise CardsError("not_visible", role=role, value=indicator_id)
        seen.add(indicator_id)
    return role, list(ids)


def get_cards(conn: sqlite3.Connection, role: str) -> list[str] | None:
    """The cards chosen in the app for `role`, or None (use data/overview.yaml)."""
    row = conn.execute("SELECT indicator_ids FROM overview_cards WHERE role = ?",
                       (role,)).fetchone()
    return list(json.loads(row[0])) if row else None


def chosen_roles(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Roles with a choice in the app: role -> (updated_by, updated_at)."""
    rows = conn.execute("SELECT role, updated_by, updated_at FROM overview_cards")
    return {row[0]: (row[1], row[2]) for row in rows}


def save_cards(conn: sqlite3.Connection, user_name: str, role: object, ids: object, *,
               known: Collection[str], visible: Collection[str],
               source: str | None = None, address: str | None = None) -> list[str]:
    """Check and store the cards of a role; audit old and new list."""
    role, ids = check_cards(role, ids, known=known, visible=visible)
    with conn:
        old = get_cards(conn, role)
        conn.execute(
            "INSERT INTO overview_cards (role, indicator_ids, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (role) DO UPDATE SET"
            " indicator_ids = excluded.indicator_ids, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (role, json.dumps(ids), user_name, utc_now()))
        audit(conn, user_name, "overview_cards_changed",
              {"role": role, "old": old, "new": ids}, source=source, address=address)
    return ids


def reset_cards(conn: sqlite3.Connection, user_name: str, role: object, *,
                source: str | None = None, address: str | None = None) -> None:
    """Forget the app's choice for a role: it gets data/overview.yaml again."""
    if not isinstance(role, str) or role not in ROLES:
        raise CardsError("unknown_role", value=str(role)[:32])
    with conn:
        old = get_cards(conn, role)
        if old is None:
            return
        conn.execute("DELETE FROM overview_cards WHERE role = ?", (role,))
        audit(conn, user_name, "overview_cards_reset", {"role": role, "old": old, "new": None},
              source=source, address=address)
