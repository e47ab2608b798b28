"""A statistics office's own long table: row codes become dimension values, all levels in one file.

Many cities publish their statistics as one long table with their own row codes, e.g. Köln's
`id,tab_id,tabelle,jahr,raum_id,raum,zei_id,zeile,zahl`: one row per table row (`tab_id` /
`zei_id`), year and area, with the city, its Stadtbezirke and its Stadtteile in the same file.
The dataset's YAML says which columns hold area, period and value, and which row codes mean
which dimension values, so such a file loads unchanged:

    code_table:
      area: raum_id            # area key (leading zeros kept)
      period: jahr             # a year (for Köln the key date 31.12.)
      value: zahl
      key: [tab_id, zei_id]    # columns that identify a row of the office's table
      rows:                    # "<tab_id>/<zei_id>": dimension values ({} = total of all)
        "005/10": {}
        "010/10": {sex: m}
        "020/10": {age_group: "00_02"}

Rows whose key is not listed are skipped and counted (a table the dataset does not use).
Rows of areas on a level the dataset does not cover (the city and Stadtbezirke when the
dataset is delivered per Stadtteil) are not stored: the roll-up computes those. They are
the office's published totals, though, so each is compared with the sum of the delivered
areas below it, and a total that disagrees is an error with its line.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from cockpit.ingest.csv_reader import Delivery, _detect_decimal
from cockpit.ingest.problems import Problem, error, german_int, info, quote
from cockpit.store.schema import TOTAL

KEY_SEPARATOR = "/"
_SHOWN = 6


@dataclass(frozen=True)
class CodeTable:
    """Which columns of the office's table hold what, and what each row code means."""

    area: str
    period: str
    value: str
    key: tuple[str, ...]
    rows: dict[str, dict[str, str]]  # "005/10" -> {dimension: code}


def parse_code_table(raw: object, dimensions: Mapping[str, tuple[str, ...]]) -> CodeTable:
    """The `code_table:` section of a dataset YAML; ValueError with a German message."""
    if not isinstance(raw, dict):
        raise ValueError("code_table muss eine Zuordnung sein (area, period, value, key, rows)")
    missing = [name for name in ("area", "period", "value", "key", "rows") if not raw.get(name)]
    if missing:
        raise ValueError(f"code_table: Pflichtfeld fehlt: {', '.join(missing)}")
    key = raw["key"]
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not all(isinstance(k, str) and k for k in key):
        raise ValueError("code_table.key muss eine Liste von Spaltennamen sein")
    rows_raw = raw["rows"]
    if not isinstance(rows_raw, dict):
        raise ValueError("code_table.rows muss eine Zuordnung Zeilencode -> Dimensionen sein")
    rows: dict[str, dict[str, str]] = {}
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for code, values in rows_raw.items():
        code = str(code)
        if len(code.split(KEY_SEPARATOR)) != len(key):
            raise ValueError(
                f"code_table.rows: Zeilencode {code!r} hat nicht {len(key)} Teile "
                f"({KEY_SEPARATOR.join(key)})")
        values = values or {}
        if not isinstance(values, dict):
            raise ValueError(f"code_table.rows {code!r}: erwartet {{Dimension: Code}}")
        for dim, value in values.items():
            if dim not in dimensions:
                raise ValueError(f"code_table.rows {code!r}: {dim!r} ist keine Dimension dieses "
                                 f"Datensatzes (vorhanden: {', '.join(dimensions) or 'keine'})")
            if str(value) not in dimensions[dim]:
                raise ValueError(f"code_table.rows {code!r}: Code {value!r} gibt es in {dim} "
                                 "nicht")
        mapped = {str(dim): str(value) for dim, value in values.items()}
        missing_total = [dim for dim in dimensions if dim not in mapped
                         and TOTAL not in dimensions[dim]]
        if missing_total:
            raise ValueError(
                f"code_table.rows {code!r}: keine Angabe für {', '.join(missing_total)}, und "
                f"{TOTAL} (nicht aufgegliedert) ist dort nicht als Code erlaubt")
        full = tuple((dim, mapped.get(dim, TOTAL)) for dim in dimensions)
        if full in seen:
            raise ValueError(f"code_table.rows: {seen[full]!r} und {code!r} ergeben dieselben "
                             "Dimensionswerte")
        seen[full] = code
        rows[code] = mapped
    return CodeTable(area=str(raw["area"]), period=str(raw["period"]), value=str(raw["value"]),
                     key=tuple(key), rows=rows)


@dataclass(frozen=True)
class Territory:
    """What the check needs of the territory: each area's level and parent."""

    levels: Mapping[str, str]  # code -> level id
    parents: Mapping[str, str | None]  # code -> parent code
    level_names: Mapping[str, str]  # level id -> German name

    @classmethod
    def from_store(cls, conn) -> Territory:  # noqa: ANN001 - a DuckDB cursor on the store
        """The current areas (valid_to IS NULL) and the German level names of a snapshot."""
        from cockpit.territory.levels import read_levels

        rows = conn.execute(
            "SELECT code, level, parent_code FROM areas WHERE valid_to IS NULL").fetchall()
        names = {level.id: level.name_de for level in read_levels(conn)}
        return cls({c: lv for c, lv, _ in rows}, {c: p for c, _, p in rows}, names)


def apply_code_table(delivery: Delivery, table: CodeTable, dimensions: Mapping[str, object],
                     levels: tuple[str, ...], territory: Territory,
                     *, tolerance: float = 0.0) -> Delivery:
    """The delivery in the long layout the checks expect (area_code, period, dims, value).

    Only rows of a listed code at a level of `levels` (or of an unknown area, which the
    checks then report) are kept; each skipped group is counted in a note, and the totals of
    higher levels are checked against the kept rows below them.
    """
    if not delivery.header:
        return delivery
    header = [name.strip() for name in delivery.header]
    needed = [table.area, table.period, table.value, *table.key]
    absent = [name for name in needed if name not in header]
    if absent:
        problem = error(delivery.header_line, None, (
            f"Spalte fehlt für die Zuordnung der Zeilencodes (code_table): {', '.join(absent)} "
            f"(vorhanden: {', '.join(header)})"))
        return replace(delivery, header=[], rows=[], problems=[*delivery.problems, problem])
    area_at, period_at, value_at = (header.index(n) for n in (table.area, table.period,
                                                              table.value))
    key_at = [header.index(name) for name in table.key]
    dims = list(dimensions)
    kept: list[tuple[int, list[str]]] = []
    totals: list[tuple[int, str, tuple[str, ...], str]] = []  # line, area, key, value
    unmapped: dict[str, int] = defaultdict(int)
    other_levels: dict[str, int] = defaultdict(int)
    for line, cells in delivery.rows:
        code = KEY_SEPARATOR.join(cells[i] for i in key_at)
        mapped = table.rows.get(code)
        if mapped is None:
            unmapped[code] += 1
            continue
        area, period, value = cells[area_at], cells[period_at], cells[value_at]
        values = [mapped.get(dim, TOTAL) for dim in dims]
        level = territory.levels.get(area)
        if level is not None and level not in levels:
            other_levels[level] += 1
            totals.append((line, area, (period, *values), value))
            continue
        kept.append((line, [area, period, *values, value]))
    notes = _notes(unmapped, other_levels, table, territory)
    # The reader looked for a column named "value"; the office's table calls it otherwise.
    decimal = _detect_decimal((cells[-1] for _, cells in kept),
                              delivery.detected.get("delimiter", ","))
    problems = _check_totals(kept, totals, territory, decimal, tolerance, len(dims))
    detected = {**delivery.detected, "decimal": decimal,
                "layout": f"Zeilencodes ({KEY_SEPARATOR.join(table.key)}), "
                          f"{german_int(len(kept))} von {german_int(len(delivery.rows))} "
                          "Zeilen übernommen"}
    return replace(delivery, header=["area_code", "period", *dims, "value"], rows=kept,
                   detected=detected, problems=[*delivery.problems, *problems, *notes])


def _notes(unmapped: Mapping[str, int], other_levels: Mapping[str, int], table: CodeTable,
           territory: Territory) -> list[Problem]:
    notes = []
    if unmapped:
        codes = sorted(unmapped)
        shown = ", ".join(codes[:_SHOWN]) + (", …" if len(codes) > _SHOWN else "")
        notes.append(info(
            f"{german_int(sum(unmapped.values()))} Zeilen mit Zeilencodes ohne Zuordnung "
            f"übersprungen ({len(codes)} Codes {KEY_SEPARATOR.join(table.key)}: {shown})"))
    for level, count in sorted(other_levels.items()):
        name = territory.level_names.get(level, level)
        notes.append(info(
            f"{german_int(count)} Zeilen der Ebene {name} nicht gespeichert (berechnet aus den "
            "Gebieten darunter) und als gelieferte Summen geprüft"))
    return notes


def _number(cell: str, decimal: str) -> float | None:
    text = cell.replace(".", "").replace(",", ".") if decimal == "," else cell.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _check_totals(kept: list[tuple[int, list[str]]],
                  totals: list[tuple[int, str, tuple[str, ...], str]], territory: Territory,
                  decimal: str, tolerance: float, n_dims: int) -> list[Problem]:
    """Each delivered total of a higher level against the sum of the kept rows below it."""
    if not totals:
        return []
    # Sum and count of the kept rows per (ancestor, period, dimension values).
    sums: dict[tuple[str, tuple[str, ...]], float] = defaultdict(float)
    counts: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    expected: dict[str, int] = defaultdict(int)  # ancestor -> kept-level areas below it
    kept_level = {territory.levels.get(cells[0]) for _, cells in kept} - {None}
    for code, level in territory.levels.items():
        if level in kept_level:
            for ancestor in _ancestors(code, territory.parents):
                expected[ancestor] += 1
    for _, cells in kept:
        number = _number(cells[-1], decimal)
        key = tuple(cells[1:2 + n_dims])
        for ancestor in _ancestors(cells[0], territory.parents):
            if number is None:
                counts[(ancestor, key)] = -10**9  # an unreadable child: no comparison
            else:
                sums[(ancestor, key)] += number
                counts[(ancestor, key)] += 1
    problems = []
    for line, area, key, cell in totals:
        delivered = _number(cell, decimal)
        if delivered is None:
            problems.append(error(line, "value", f"Summenzeile: Wert {quote(cell)} ist keine "
                                                 "Zahl"))
            continue
        if counts.get((area, key), 0) != expected.get(area, -1):
            continue  # not all areas below delivered for this key: nothing to compare
        computed = sums[(area, key)]
        if abs(computed - delivered) > tolerance * abs(delivered) + 1e-9:
            name = territory.level_names.get(territory.levels.get(area, ""), "Gebiet")
            problems.append(error(line, "value", (
                f"Gelieferte Summe für {name} {quote(area)} ({key[0]}) ist "
                f"{_show(delivered)}, die Gebiete darunter ergeben {_show(computed)}")))
    return problems


def _ancestors(code: str, parents: Mapping[str, str | None]) -> list[str]:
    found = []
    parent = parents.get(code)
    while parent is not None and parent not in found:
        found.append(parent)
        parent = parents.get(parent)
    return found


def _show(number: float) -> str:
    if float(number).is_integer():
        return german_int(int(number))
    return f"{number:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")

