"""Plausibility checks (Plausibilitätskontrollen) of a long-format delivery against its dataset.

Each check looks at one distinct cell value (a million rows repeat few codes, so this
stays fast). A cell reports at most one problem: the first failing check wins, so
"=1+1" is a formula and not also "no number".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import pandas as pd

from cockpit.catalog import Dataset
from cockpit.ingest.area_checks import place_rows, resolve_signs
from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.problems import ERROR, Problem, Report, error, quote, warning
from cockpit.periods import PeriodError, period_of_cell
from cockpit.store.schema import DIMENSIONS, OBSERVATION_COLUMNS, TOTAL
from cockpit.territory.keys import KeyPlacer
from cockpit.territory.lookup import TerritoryLookup

# Larger magnitudes are typing or export accidents (1e308), not municipal statistics.
MAX_MAGNITUDE = 1e15

# '=', '@' always start a formula in a spreadsheet; '+'/'-' only when no number follows.
_FORMULA = re.compile(r"[=@]|[+-](?=[^\d.,])")
_EXP = r"(?:[eE][+-]?\d+)?"
# decimal separator -> (number pattern, thousands separator)
_NUMBER: dict[str, tuple[re.Pattern[str], str]] = {
    ",": (re.compile(rf"[+-]?(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?{_EXP}"), "."),
    ".": (re.compile(rf"[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?{_EXP}"), ","),
}
_NOT_FINITE = {"nan", "inf", "infinity"}
_SHOWN_CODES = 8
# Optional columns naming the area (checked against the territory's names, never joined on).
# Not plain "name": a budget file's "name" column names a product, not the area.
AREA_NAME_COLUMNS = ("area_name", "gebietsname")


def validate_delivery(
    delivery: Delivery,
    dataset: Dataset,
    areas: Mapping[str, str] | TerritoryLookup,
    *,
    first_year: int = 1990,
    last_year: int = 2100,
    level_names: Mapping[str, str] | None = None,
) -> tuple[Report, pd.DataFrame]:
    """Check `delivery`; return the report and the observations of the rows without errors.

    `areas` is the territory (`TerritoryLookup.from_store`) or just code -> level;
    `level_names` are the territory's German level names for messages (ids otherwise).
    """
    territory = areas if isinstance(areas, TerritoryLookup) else TerritoryLookup.from_levels(
        areas)
    if level_names:
        territory.level_names = {**territory.level_names, **level_names}
    report = Report(list(delivery.problems), dict(delivery.detected),
                    {"rows": len(delivery.rows), "valid_rows": 0})
    if not delivery.header:
        return report, _observations(dataset, pd.DataFrame(), pd.Series(dtype=float))
    required = [str(col["name"]) for col in dataset.delivery_columns()]
    indices, header_problems = _match_columns(delivery.header, required, delivery.header_line)
    report.problems += header_problems
    if any(p.severity == ERROR for p in header_problems):
        return report, _observations(dataset, pd.DataFrame(), pd.Series(dtype=float))
    # Rows of other levels and of areas outside the territory are skipped (and counted)
    # before any cell is checked; the others carry the territory's code from here on.
    cells, placed = place_rows(_cell_frame(delivery.rows, indices), dataset, territory,
                               _area_names(delivery, indices))
    report.problems += placed.problems
    if placed.skipped_rows:
        report.counts["skipped_rows"] = placed.skipped_rows
    checks = _Checks(cells)
    periods: dict[str, str] = {}  # cell as delivered -> period (30.06.2024 -> 2024-H1)
    placer = KeyPlacer(territory.levels(), dataset.levels, dataset.keys)
    column_checks = {
        "area_code": _area_checker(placer, territory),
        "period": _period_checker(dataset, periods, first_year, last_year),
        **{dim: _code_checker(dim, allowed) for dim, allowed in dataset.dimensions.items()},
    }
    for column, check in column_checks.items():
        checks.add(column, _flag_distinct(checks.cells[column], _first_of(_formula, _empty, check)))
    # Key dates become periods before duplicates are looked for: "30.06.2024" and "2024-H1"
    # in one file are the same period twice.
    delivered = checks.cells["period"]
    checks.cells["period"] = pd.Series([periods.get(cell, cell) for cell in delivered],
                                       index=delivered.index, dtype="str")
    # Special signs are decided on the periods (their key dates), so after the mapping.
    if delivery.detected.get("format") == "GENESIS":
        skip, checks.cells["value"], sign_problems = resolve_signs(
            checks.cells, ~checks.flagged[["area_code", "period"]].any(axis=1), dataset,
            territory)
        checks.skip(skip)
        report.problems += sign_problems
    numbers = _check_values(checks, dataset, delivery.detected.get("decimal", ","))
    key = ["area_code", "period", *dataset.dimensions]
    checks.add_rows(_duplicate_keys(checks.open_rows(key)))
    valid = checks.valid_rows()
    report.problems += checks.problems
    report.counts["valid_rows"] = int(valid.sum())
    return report, _observations(dataset, checks.cells[valid], numbers[valid])


class _Checks:
    """The delivery's cells plus which of them already failed a check."""

    def __init__(self, cells: pd.DataFrame) -> None:
        self.cells = cells
        self.flagged = pd.DataFrame(False, index=cells.index,
                                    columns=[c for c in cells.columns if c != "line"])
        self.bad_rows = pd.Series(False, index=cells.index)
        self.skipped = pd.Series(False, index=cells.index)
        self.problems: list[Problem] = []

    def open_rows(self, columns: list[str]) -> pd.DataFrame:
        """Rows whose `columns` are all unflagged, with their file line."""
        ok = ~self.flagged[columns].any(axis=1) & ~self.skipped
        return self.cells.loc[ok, ["line", *columns]]

    def skip(self, rows: pd.Series) -> None:
        """Rows left out without an error (a GENESIS "-" that is no value)."""
        self.skipped |= rows

    def add(self, column: str, messages: pd.Series) -> None:
        """Record one error per failing cell (index -> message) in `column`."""
        self._record(column, messages)
        self.flagged.loc[messages.index, column] = True

    def add_rows(self, messages: pd.Series) -> None:
        """Record one error per failing row (a problem of the row, not of one cell)."""
        self._record(None, messages)
        self.bad_rows.loc[messages.index] = True

    def _record(self, column: str | None, messages: pd.Series) -> None:
        lines = self.cells.loc[messages.index, "line"]
        self.problems += [error(int(line), column, msg)
                          for line, msg in zip(lines, messages, strict=True)]

    def valid_rows(self) -> pd.Series:
        """Rows without any problem."""
        return ~(self.flagged.any(axis=1) | self.bad_rows | self.skipped)


def _match_columns(header: list[str], required: list[str],
                   line: int) -> tuple[dict[str, int], list[Problem]]:
    """Map required column names to header positions (case-insensitive)."""
    problems: list[Problem] = []
    indices: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().lower()
        if key in AREA_NAME_COLUMNS and key not in indices:
            indices[key] = position  # optional: the area's name, checked against the territory
        elif key in required:
            if key in indices:
                problems.append(error(line, key, f"Spalte {quote(name)} kommt mehrfach vor"))
            indices.setdefault(key, position)
        elif not key:
            problems.append(warning(line, None, (
                f"Spalte Nr. {position + 1} hat keinen Namen und wird ignoriert")))
        else:
            problems.append(warning(line, name, (
                f"Spalte {quote(name)} ist unbekannt und wird ignoriert")))
    missing = [name for name in required if name not in indices]
    if missing:
        label = "Pflichtspalte fehlt" if len(missing) == 1 else "Pflichtspalten fehlen"
        present = ", ".join(header) or "keine"
        problems.insert(0, error(line, None, (
            f"{label}: {', '.join(missing)} (vorhanden: {present})")))
    names = [name for name in AREA_NAME_COLUMNS if name in indices][:1]
    return {name: indices[name] for name in [*required, *names] if name in indices}, problems


def _area_names(delivery: Delivery, indices: dict[str, int]) -> dict[str, tuple[str, int]]:
    """Names by delivered code: from the reader (GENESIS) or a name column (CSV, XLSX)."""
    names = dict(delivery.area_names)
    column = next((indices[name] for name in AREA_NAME_COLUMNS if name in indices), None)
    if column is not None and "area_code" in indices:
        code_at = indices["area_code"]
        for line, cells in delivery.rows:
            if len(cells) > max(column, code_at) and cells[column].strip():
                names.setdefault(cells[code_at], (cells[column].strip(), line))
    return names


def _cell_frame(rows: list[tuple[int, list[str]]], indices: dict[str, int]) -> pd.DataFrame:
    """One str column per required column plus the file line; area codes stay strings."""
    data: dict[str, pd.Series] = {"line": pd.Series([line for line, _ in rows], dtype="int64")}
    for name, position in indices.items():
        data[name] = pd.Series([cells[position] for _, cells in rows], dtype="str")
    return pd.DataFrame(data)


def _flag_distinct(cells: pd.Series, message: Callable[[str], str | None]) -> pd.Series:
    """Message per failing cell; `message` runs once per distinct value (columns repeat a lot)."""
    verdicts = {value: text for value in cells.unique() if (text := message(value)) is not None}
    hits = cells[cells.isin(list(verdicts))] if verdicts else cells.iloc[:0]
    return pd.Series([verdicts[v] for v in hits], index=hits.index, dtype=object)


def _first_of(*checks: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """One check made of several: the first message wins, so a cell reports one problem."""

    def check(cell: str) -> str | None:
        for one in checks:
            message = one(cell)
            if message is not None:
                return message
        return None

    return check


def _formula(cell: str) -> str | None:
    """Spreadsheet formulas must never reach the store or any export."""
    if _FORMULA.match(cell):
        return f"Formel-Zeichen am Zellanfang ({quote(cell)}) – Zelle wird nicht übernommen"
    return None


def _empty(cell: str) -> str | None:
    return "Wert fehlt (leere Zelle)" if not cell else None


def _area_checker(placer: KeyPlacer, territory: TerritoryLookup
                  ) -> Callable[[str], str | None]:
    """Codes left after placing: unknown codes, with a hint when leading zeros were lost."""

    def check(code: str) -> str | None:
        if code in territory.versions:
            return None
        placement = placer.place(code)
        return f"Gebietsschlüssel {quote(code)} ist unbekannt{placement.hint}"

    return check


def _period_checker(dataset: Dataset, periods: dict[str, str], first_year: int,
                    last_year: int) -> Callable[[str], str | None]:
    """Periods of the dataset's period type, or key dates that end one (recorded in
    `periods`); a period of another type or a date inside a period is an error."""

    def check(cell: str) -> str | None:
        try:
            period = period_of_cell(cell, dataset.period_type, dataset.key_date)
        except PeriodError as exc:
            return str(exc)
        if not first_year <= int(period[:4]) <= last_year:
            return f"Zeitraum {quote(cell)} liegt außerhalb von {first_year}–{last_year}"
        periods[cell] = period
        return None

    return check


def _code_checker(dim: str, allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    shown = ", ".join(allowed[:_SHOWN_CODES]) + (", …" if len(allowed) > _SHOWN_CODES else "")
    allowed_set = set(allowed)

    def check(code: str) -> str | None:
        if code in allowed_set:
            return None
        return f"Code {quote(code)} ist für {dim} nicht erlaubt (erlaubt: {shown})"

    return check


def _check_values(checks: _Checks, dataset: Dataset, decimal: str) -> pd.Series:
    """Check and parse the value column; return the numbers (NaN where unreadable)."""
    raw = checks.cells["value"]
    numbers: dict[str, float] = {}

    def check(cell: str) -> str | None:
        parsed = _parse_number(cell, decimal)
        if isinstance(parsed, str):
            return parsed
        numbers[cell] = parsed
        return (_implausibly_large(cell, parsed)
                or _below_minimum(cell, parsed, dataset.value_min)
                or (_not_whole(cell, parsed) if dataset.value_type == "count" else None))

    checks.add("value", _flag_distinct(raw, _first_of(_formula, _empty, check)))
    return raw.map(numbers).astype("float64")


def _parse_number(cell: str, decimal: str) -> float | str:
    """German '1.234,5' or English '1,234.5' as the detected decimal separator says.

    Returns the number, or the German message why the cell is none.
    """
    pattern, thousands = _NUMBER[decimal]
    if pattern.fullmatch(cell):
        text = cell.replace(thousands, "")
        # Overflow ("1e400") becomes inf and is rejected as implausibly large.
        return float(text.replace(",", ".") if decimal == "," else text)
    if cell.lower().lstrip("+-") in _NOT_FINITE:
        return f"Wert {quote(cell)} ist keine gültige Zahl (NaN/unendlich nicht erlaubt)"
    other = "." if decimal == "," else ","
    if _NUMBER[other][0].fullmatch(cell):
        return f"Wert {quote(cell)} passt nicht zum erkannten Dezimalzeichen „{decimal}“"
    return f"Wert {quote(cell)} ist keine Zahl"


def _implausibly_large(cell: str, number: float) -> str | None:
    if math.isfinite(number) and abs(number) <= MAX_MAGNITUDE:
        return None
    return f"Wert {quote(cell)} ist unplausibel groß (Betrag über 10^15)"


def _below_minimum(cell: str, number: float, minimum: float | None) -> str | None:
    if minimum is None or number >= minimum:
        return None
    if minimum == 0:
        return f"Wert {quote(cell)} ist negativ – erlaubt sind Werte ab 0"
    return f"Wert {quote(cell)} ist kleiner als das Minimum {minimum:g}"


def _not_whole(cell: str, number: float) -> str | None:
    if number.is_integer():
        return None
    return f"Wert {quote(cell)} ist keine ganze Zahl – der Datensatz enthält Anzahlen"


def _duplicate_keys(keys: pd.DataFrame) -> pd.Series:
    """Later rows repeating the key (area, period, dimensions) of an earlier row."""
    columns = [c for c in keys.columns if c != "line"]
    first_line = keys.groupby(columns, sort=False)["line"].transform("first")
    later = keys[keys.duplicated(subset=columns, keep="first")]
    messages = [
        f"Schlüssel {' / '.join(row)} kommt doppelt vor (schon in Zeile {first})"
        for row, first in zip(later[columns].itertuples(index=False), first_line[later.index],
                              strict=True)
    ]
    return pd.Series(messages, index=later.index, dtype=object)


def _observations(dataset: Dataset, cells: pd.DataFrame, numbers: pd.Series) -> pd.DataFrame:
    """Observation rows as the store expects them; '_T' for dimensions the dataset lacks."""
    size = len(cells)
    data: dict[str, object] = {
        "dataset_id": [dataset.id] * size,
        "area_code": cells["area_code"].tolist() if size else [],
        "period": cells["period"].tolist() if size else [],
    }
    for dim in DIMENSIONS:
        data[dim] = cells[dim].tolist() if dim in dataset.dimensions and size else [TOTAL] * size
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in data.items()})
    frame["value"] = pd.Series(numbers.to_numpy(dtype="float64"), dtype="float64")
    return frame[list(OBSERVATION_COLUMNS)]
