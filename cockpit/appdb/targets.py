"""Targets (Zielwerte) per indicator and area: checked, stored, changed, deleted, with history.

One target per indicator and area: target value, target year, direction (rise, fall,
keep), an optional corridor (tolerance, ≥ 0, in the indicator's unit) and the base
period the linear path starts from (by default the latest period with a value when the
target is set). The status rule is in cockpit/indicators/targets.py.

Every change is kept: `target_history` (append-only, triggers refuse UPDATE and DELETE)
holds who changed what when, with the old and the new fields, and each change is also
written to the audit log. Who may change targets is decided by the page (admin,
controlling); this module checks the input. Invalid input raises TargetError with one
German sentence and writes nothing.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from cockpit.appdb.database import utc_now
from cockpit.appdb.form_error import FormError
from cockpit.appdb.users import audit
from cockpit.indicators.targets import DIRECTIONS, position
from cockpit.periods import is_period

MAX_YEAR = 2100
FIELDS = ("indicator_id", "area_code", "target_value", "target_year", "direction",
          "corridor", "base_period")
_YEAR = re.compile(r"\d{4}")
_COLUMNS = ("id, indicator_id, area_code, target_value, target_year, direction, corridor,"
            " base_period, created_by, created_at, updated_by, updated_at")
DIRECTION_WORDS = {"rise": "steigen", "fall": "sinken", "keep": "halten"}

# Why an input was refused, in German; `key` lets the app show it in English too.
MESSAGES: dict[str, str] = {
    "no_indicator": "Bitte einen Indikator wählen.",
    "unknown_indicator": "Unbekannter Indikator „{value}“.",
    "no_area": "Bitte ein Gebiet wählen.",
    "unknown_area": "Unbekanntes Gebiet „{value}“.",
    "no_values": "Für diesen Indikator gibt es im gewählten Gebiet keine Werte; ein Zielwert "
                 "braucht einen Ausgangswert.",
    "no_value": "Bitte einen Zielwert angeben.",
    "not_number": "{label}: „{value}“ ist keine Zahl.",
    "no_year": "Bitte ein Zieljahr angeben.",
    "bad_year": "Zieljahr: „{value}“ ist keine Jahreszahl (z. B. 2030).",
    "past_year": "Das Zieljahr {year} liegt in der Vergangenheit; frühestens {current}.",
    "far_year": "Das Zieljahr darf höchstens {limit} sein.",
    "year_not_after_base": "Das Zieljahr muss nach dem Basiszeitraum ({base}) liegen.",
    "bad_direction": "Die Richtung muss „steigen“, „sinken“ oder „halten“ sein.",
    "negative_corridor": "Der Korridor darf nicht negativ sein.",
    "bad_base": "Basiszeitraum „{value}“: Dafür gibt es in diesem Gebiet keinen Wert; möglich "
                "sind {periods}.",
    "rise_not_above": "Bei „steigen“ muss der Zielwert über dem Ausgangswert ({base}) liegen.",
    "fall_not_below": "Bei „sinken“ muss der Zielwert unter dem Ausgangswert ({base}) "
                      "liegen.",
    "duplicate": "Für diesen Indikator und dieses Gebiet gibt es bereits einen Zielwert; "
                 "bitte den bestehenden bearbeiten.",
    "unknown_target": "Unbekannter Zielwert (vielleicht inzwischen gelöscht).",
}


class TargetError(FormError):
    """Invalid target input; the message is one German sentence (see FormError)."""

    MESSAGES = MESSAGES


@dataclass(frozen=True)
class TargetDraft:
    """A checked target, ready to be stored."""

    indicator_id: str
    area_code: str
    target_value: float
    target_year: int
    direction: str
    corridor: float | None
    base_period: str


@dataclass(frozen=True)
class Target(TargetDraft):
    """A stored target with who set it and who changed it last."""

    id: int = 0
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""

    def fields(self) -> dict[str, object]:
        """The target's own fields (what the history compares)."""
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class HistoryEntry:
    """One change of a target: who, when, what it was before and after."""

    target_id: int
    indicator_id: str
    area_code: str
    action: str  # created, changed, deleted
    at: str
    user_name: str
    old: dict | None
    new: dict | None


# --- checking ---------------------------------------------------------------------------------


def parse_number(value: object, field: str, *, required: bool) -> float | None:
    """A number from the form: 12.5, "12,5", "1.234,5" or "12.5"; None for an empty
    optional field; TargetError for anything else (text, NaN, infinity)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise TargetError("no_value", "target_value")
        return None
    if isinstance(value, bool):
        raise TargetError("not_number", field, label=_FIELD_NAMES[field], value=value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if "," in text:  # German: "1.234,5"
            text = text.replace(".", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise TargetError("not_number", field, label=_FIELD_NAMES[field],
                              value=value.strip()[:40]) from None
    else:
        raise TargetError("not_number", field, label=_FIELD_NAMES[field], value=str(value)[:40])
    if not math.isfinite(number):
        raise TargetError("not_number", field, label=_FIELD_NAMES[field], value=str(value)[:40])
    return number


_FIELD_NAMES = {"target_value": "Zielwert", "corridor": "Korridor"}


def _year(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TargetError("no_year", "target_year")
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        year = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    else:
        raise TargetError("bad_year", "target_year", value=str(value)[:40])
    if not 1000 <= year <= 9999:
        raise TargetError("bad_year", "target_year", value=str(value)[:40])
    return year


def check_target(
    form: Mapping[str, object],
    *,
    indicators: Collection[str],
    areas: Collection[str],
    values_of: Callable[[str, str], Mapping[str, float | None]],
    today: date | None = None,
) -> TargetDraft:
    """Check the fields of a target form and return the draft to store.

    `indicators` and `areas` are the known ids and codes; `values_of(indicator, area)`
    gives that area's periods (oldest first) with the values the person setting the
    target may see (None where suppressed), so the base period can be checked and
    defaulted to the latest one. Raises TargetError for the first problem found.
    """
    indicator = form.get("indicator_id")
    if indicator in (None, ""):
        raise TargetError("no_indicator", "indicator_id")
    if not isinstance(indicator, str) or indicator not in indicators:
        raise TargetError("unknown_indicator", "indicator_id", value=str(indicator)[:64])
    area = form.get("area_code")
    if area in (None, ""):
        raise TargetError("no_area", "area_code")
    if not isinstance(area, str) or area not in areas:
        raise TargetError("unknown_area", "area_code", value=str(area)[:64])
    values = values_of(indicator, area)
    if not values:
        raise TargetError("no_values", "area_code")
    target_value = parse_number(form.get("target_value"), "target_value", required=True)
    assert target_value is not None
    year = _year(form.get("target_year"))
    current = (today or datetime.now(UTC).date()).year
    if year < current:
        raise TargetError("past_year", "target_year", year=year, current=current)
    if year > MAX_YEAR:
        raise TargetError("far_year", "target_year", limit=MAX_YEAR)
    direction = form.get("direction")
    if direction not in DIRECTIONS:
        raise TargetError("bad_direction", "direction")
    corridor = parse_number(form.get("corridor"), "corridor", required=False)
    if corridor is not None and corridor < 0:
        raise TargetError("negative_corridor", "corridor")
    periods = list(values)
    base = form.get("base_period")
    if base in (None, ""):
        base = periods[-1]
    if not isinstance(base, str) or not is_period(base) or base not in values:
        raise TargetError("bad_base", "base_period", value=str(base)[:20],
                          periods=", ".join(periods[-8:]))
    if year <= position(base):
        raise TargetError("year_not_after_base", "target_year", base=base)
    base_value = values[base]
    if base_value is not None:  # a suppressed base value is not compared (nor named)
        if direction == "rise" and target_value <= base_value:
            raise TargetError("rise_not_above", "target_value", base=_plain(base_value))
        if direction == "fall" and target_value >= base_value:
            raise TargetError("fall_not_below", "target_value", base=_plain(base_value))
    return TargetDraft(indicator, area, target_value, year, str(direction), corridor, base)


def _plain(number: float) -> str:
    """A number in German notation without trailing zeros (12,5)."""
    return f"{number:.6g}".replace(".", ",")


# --- storing ----------------------------------------------------------------------------------


def _target(row: sqlite3.Row | tuple) -> Target:
    (id_, indicator, area, value, year, direction, corridor, base, created_by, created_at,
     updated_by, updated_at) = tuple(row)
    return Target(indicator, area, value, year, direction, corridor, base, id_, created_by,
                  created_at, updated_by, updated_at)


def list_targets(conn: sqlite3.Connection) -> list[Target]:
    """Every target, by indicator and area."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM targets ORDER BY indicator_id, area_code")
    return [_target(row) for row in rows]


def get_target(conn: sqlite3.Connection, target_id: object) -> Target | None:
    """One target by id; None for an unknown or malformed id."""
    if not isinstance(target_id, int) or isinstance(target_id, bool) or not (
            0 < target_id < 2**63):
        return None
    row = conn.execute(f"SELECT {_COLUMNS} FROM targets WHERE id = ?", (target_id,)).fetchone()
    return _target(row) if row else None


def targets_for_area(conn: sqlite3.Connection, area_code: str) -> dict[str, Target]:
    """The targets of one area, by indicator id."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM targets WHERE area_code = ?", (area_code,))
    return {target.indicator_id: target for target in map(_target, rows)}


def save_target(conn: sqlite3.Connection, user_name: str, draft: TargetDraft,
                target_id: int | None = None, *, source: str | None = None,
                address: str | None = None) -> Target:
    """Store a new target (`target_id` None) or change an existing one; keep the history
    and write the audit log. TargetError for a second target of the same indicator and
    area, or for an unknown `target_id`."""
    now = utc_now()
    values = tuple(getattr(draft, name) for name in FIELDS)
    with conn:
        clash = conn.execute("SELECT id FROM targets WHERE indicator_id = ? AND area_code = ?",
                             (draft.indicator_id, draft.area_code)).fetchone()
        if target_id is None:
            if clash is not None:
                raise TargetError("duplicate")
            cursor = conn.execute(
                f"INSERT INTO targets ({', '.join(FIELDS)}, created_by, created_at,"
                " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, user_name, now, user_name, now))
            new_id = int(cursor.lastrowid)
            old = None
        else:
            before = get_target(conn, target_id)
            if before is None:
                raise TargetError("unknown_target")
            if clash is not None and clash[0] != before.id:
                raise TargetError("duplicate")
            conn.execute(
                f"UPDATE targets SET {', '.join(f'{name} = ?' for name in FIELDS)},"
                " updated_by = ?, updated_at = ? WHERE id = ?",
                (*values, user_name, now, before.id))
            new_id, old = before.id, before.fields()
        saved = get_target(conn, new_id)
        assert saved is not None
        _remember(conn, user_name, "created" if old is None else "changed", saved, old,
                  saved.fields(), now, source, address)
    return saved


def delete_target(conn: sqlite3.Connection, user_name: str, target_id: object, *,
                  source: str | None = None, address: str | None = None) -> Target:
    """Delete a target (its history stays); TargetError for an unknown id."""
    with conn:
        before = get_target(conn, target_id)
        if before is None:
            raise TargetError("unknown_target")
        conn.execute("DELETE FROM targets WHERE id = ?", (before.id,))
        _remember(conn, user_name, "deleted", before, before.fields(), None, utc_now(),
                  source, address)
    return before


def target_history(conn: sqlite3.Connection, target_id: int | None = None) -> list[HistoryEntry]:
    """The changes of one target (or of all), newest first."""
    sql = ("SELECT target_id, indicator_id, area_code, action, at, user_name, old, new"
           " FROM target_history")
    params: tuple = ()
    if target_id is not None:
        sql += " WHERE target_id = ?"
        params = (target_id,)
    rows = conn.execute(sql + " ORDER BY at DESC, id DESC", params).fetchall()
    return [HistoryEntry(*row[:6], json.loads(row[6]) if row[6] else None,
                         json.loads(row[7]) if row[7] else None) for row in rows]


def _remember(conn: sqlite3.Connection, user_name: str, action: str, target: Target,
              old: dict | None, new: dict | None, at: str, source: str | None,
              address: str | None) -> None:
    """One history row and one audit entry, inside the caller's transaction."""
    conn.execute(
        "INSERT INTO target_history (target_id, indicator_id, area_code, action, at,"
        " user_name, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (target.id, target.indicator_id, target.area_code, action, at, user_name,
         json.dumps(old, ensure_ascii=False) if old else None,
         json.dumps(new, ensure_ascii=False) if new else None))
    changed = sorted(k for k in FIELDS if (old or {}).get(k) != (new or {}).get(k))
    audit(conn, user_name, f"target_{action}",
          {"target_id": target.id, "indicator": target.indicator_id,
           "area": target.area_code, "old": old, "new": new, "changed": changed},
          source=source, address=address)
