"""Small named validation rules; each returns the problems it finds in one indicator file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cockpit.catalog import Catalog
from cockpit.indicators.header import ParsedFile, find_parameters
from cockpit.indicators.model import (
    AGGREGATIONS,
    ALLOWED_PARAMETERS,
    DEFAULT_MIN_COUNT,
    DIRECTIONS,
    RESULT_COLUMNS,
)
from cockpit.indicators.sandbox import SandboxError, check_single_select
from cockpit.roles import CLASSIFICATIONS

_ID_RULE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_SQL_LINE = re.compile(r"LINE (\d+):")
_STRING_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_LINE_COMMENT = re.compile(r"--[^\n]*")
# A period read as a number: CAST(period AS INTEGER), period::INT, period - 1. Periods are
# text (2024, 2024-H1, 2024-Q3, 2024-06); such SQL breaks on every sub-year period.
_PERIOD_AS_NUMBER = re.compile(
    r"(?:TRY_)?CAST\s*\(\s*(?:\w+\.)?period\s+AS\s+(?:U?(?:BIG|SMALL|TINY|HUGE)?INT(?:EGER)?\d*"
    r"|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)\b[^)]*\)"
    r"|\bperiod\s*::\s*(?:U?(?:BIG|SMALL|TINY|HUGE)?INT(?:EGER)?\d*|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)\b"
    r"|\bperiod\s*[-+*/]\s*\d",
    re.IGNORECASE)

REQUIRED_FIELDS: tuple[str, ...] = (
    "id", "title_de", "title_en", "description", "unit", "topic", "direction",
    "classification", "aggregation", "numerator", "source", "update_cycle", "datasets",
)
OPTIONAL_FIELDS: tuple[str, ...] = (
    "denominator", "min_count", "factor", "decimals", "notes", "parameters", "range",
    "derived_from",
)


@dataclass(frozen=True)
class Problem:
    """One problem in one file, with the line it is on."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the file: known datasets, topics, an empty store.

    `empty_store` is a sandbox (sandbox.empty_sandbox): SQL checked there can read
    no file and change no setting either.
    """

    catalog: Catalog
    topics: dict[str, dict[str, str]]
    empty_store: duckdb.DuckDBPyConnection


Rule = Callable[[Path, ParsedFile, RuleContext], list[Problem]]


def _at(path: Path, parsed: ParsedFile, field: str, message: str) -> Problem:
    return Problem(path, parsed.field_lines.get(field, parsed.sql_first_line - 1), message)


def required_fields(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """Every Steckbrief field that is required is present and not empty."""
    problems = [
        Problem(path, 1, f"Pflichtfeld '{name}' fehlt oder ist leer")
        for name in REQUIRED_FIELDS
        if parsed.fields.get(name) in (None, "", [])
    ]
    if parsed.fields.get("aggregation") == "ratio" and not parsed.fields.get("denominator"):
        problems.append(_at(path, parsed, "aggregation",
                            "aggregation 'ratio' braucht das Feld 'denominator'"))
    unknown = set(parsed.fields) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    problems += [_at(path, parsed, name, f"unbekanntes Feld '{name}'") for name in sorted(unknown)]
    return problems


def id_matches_file_name(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """The id is lower_snake_case and equals the file name."""
    problems = []
    if not _ID_RULE.match(path.stem):
        problems.append(Problem(path, 1, f"Dateiname '{path.stem}' ist nicht lower_snake_case"))
    declared = parsed.fields.get("id")
    if declared is not None and declared != path.stem:
        problems.append(_at(path, parsed, "id",
                            f"id '{declared}' muss dem Dateinamen '{path.stem}' entsprechen"))
    return problems


def known_values(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """Classification, direction, aggregation and topic come from fixed lists."""
    problems = []
    for field, allowed in (
        ("classification", CLASSIFICATIONS),
        ("direction", DIRECTIONS),
        ("aggregation", AGGREGATIONS),
        ("topic", tuple(ctx.topics)),
    ):
        value = parsed.fields.get(field)
        if value is not None and value not in allowed:
            problems.append(_at(path, parsed, field,
                                f"unbekannter Wert {value!r} für '{field}' "
                                f"(erlaubt: {', '.join(allowed)})"))
    return problems


def numbers_are_valid(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """min_count and decimals are small non-negative integers, factor is a positive number."""
    problems = []
    min_count = parsed.fields.get("min_count", 3)
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        problems.append(_at(path, parsed, "min_count",
                            "min_count muss eine ganze Zahl ab 1 sein"))
    decimals = parsed.fields.get("decimals", 1)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        problems.append(_at(path, parsed, "decimals", "decimals muss eine ganze Zahl 0–6 sein"))
    bounds = parsed.fields.get("range")
    if bounds is not None and not _is_range(bounds):
        problems.append(_at(path, parsed, "range",
                            "range muss [min, max] sein (Zahlen oder null, min < max)"))
    factor = parsed.fields.get("factor", 1)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
        problems.append(_at(path, parsed, "factor", "factor muss eine positive Zahl sein"))
    return problems


def _is_range(bounds: object) -> bool:
    if not isinstance(bounds, list) or len(bounds) != 2:
        return False
    low, high = bounds
    if any(isinstance(b, bool) or not (b is None or isinstance(b, int | float)) for b in bounds):
        return False
    return low is None or high is None or low < high


def datasets_exist(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """Every named dataset is defined, and the indicator is classified at least as strictly."""
    names = parsed.fields.get("datasets")
    if names is None:
        return []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return [_at(path, parsed, "datasets", "datasets muss eine Liste von Datensatz-IDs sein")]
    problems = [
        _at(path, parsed, "datasets", f"unbekannter Datensatz '{name}'")
        for name in names if name not in ctx.catalog.datasets
    ]
    classification = parsed.fields.get("classification")
    if classification in CLASSIFICATIONS:
        rank = CLASSIFICATIONS.index(classification)
        for name in names:
            dataset = ctx.catalog.datasets.get(name)
            if dataset and CLASSIFICATIONS.index(dataset.classification) > rank:
                problems.append(_at(
                    path, parsed, "classification",
                    f"classification '{classification}' ist schwächer als die des Datensatzes "
                    f"'{name}' ({dataset.classification})",
                ))
    return problems


def min_count_not_below_datasets(path: Path, parsed: ParsedFile,
                                 ctx: RuleContext) -> list[Problem]:
    """min_count may raise the minimum of the indicator's datasets, never lower it."""
    names = parsed.fields.get("datasets")
    min_count = parsed.fields.get("min_count", DEFAULT_MIN_COUNT)
    if not isinstance(names, list) or isinstance(min_count, bool) or not isinstance(
            min_count, int):
        return []  # datasets_exist and numbers_are_valid report these
    strictest = max(((ctx.catalog.datasets[n].min_count, n) for n in names
                     if isinstance(n, str) and n in ctx.catalog.datasets), default=None)
    if strictest is None or min_count >= strictest[0]:
        return []
    return [_at(path, parsed, "min_count",
                f"min_count {min_count} ist kleiner als die Mindestfallzahl des Datensatzes "
                f"'{strictest[1]}' ({strictest[0]}); setzen Sie min_count: {strictest[0]} "
                "oder höher (oder lassen Sie das Feld weg)")]


def reads_only_declared_datasets(path: Path, parsed: ParsedFile,
                                 ctx: RuleContext) -> list[Problem]:
    """The SQL names no dataset id that the header does not declare under 'datasets'.

    The sandbox already hides undeclared datasets when the SQL runs; this names the
    mistake with its line instead of letting the indicator silently lose rows.
    """
    names = parsed.fields.get("datasets")
    declared = set(names) if isinstance(names, list) else set()
    problems = []
    for match in _STRING_LITERAL.finditer(_LINE_COMMENT.sub(_blank, parsed.sql)):
        value = match.group(1).replace("''", "'")
        if value in ctx.catalog.datasets and value not in declared:
            line = parsed.sql_first_line + parsed.sql.count("\n", 0, match.start())
            problems.append(Problem(
                path, line, f"SQL liest den Datensatz '{value}', der nicht unter 'datasets' "
                            f"steht; tragen Sie ihn dort ein (datasets: "
                            f"[{', '.join([*sorted(declared), value])}])"))
    return problems


def periods_are_text(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """The SQL never reads a period as a number: it would fail (or be wrong) for half-years,
    quarters and months, which the store holds next to years."""
    sql = _STRING_LITERAL.sub(_blank, _LINE_COMMENT.sub(_blank, parsed.sql))
    return [
        Problem(path, parsed.sql_first_line + parsed.sql.count("\n", 0, match.start()),
                f"SQL rechnet mit dem Zeitraum als Zahl ({' '.join(match.group(0).split())}); "
                "Zeiträume sind Text (2024, 2024-H1, 2024-Q3, 2024-06). Vorjahr desselben "
                "Zeitraums: CAST(CAST(left(period, 4) AS INTEGER) - 1 AS VARCHAR) || "
                "substr(period, 5)")
        for match in _PERIOD_AS_NUMBER.finditer(sql)
    ]


def _blank(match: re.Match) -> str:
    return " " * len(match.group(0))  # keeps offsets, so line numbers stay right


def sql_is_one_select(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """The SQL is exactly one SELECT: no ATTACH, SET, COPY, PRAGMA or second statement."""
    try:
        check_single_select(parsed.sql)
    except SandboxError as exc:
        return [Problem(path, parsed.sql_first_line, str(exc))]
    return []


def parameters_match(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """Parameters used in the SQL are declared in the header and known to the engine."""
    declared = parsed.fields.get("parameters") or []
    if not isinstance(declared, list):
        return [_at(path, parsed, "parameters", "parameters muss eine Liste sein")]
    used = find_parameters(parsed.sql)
    problems = [
        _at(path, parsed, "parameters",
            f"Parameter '{name}' ist unbekannt (erlaubt: {', '.join(ALLOWED_PARAMETERS)})")
        for name in sorted(set(declared) - set(ALLOWED_PARAMETERS))
    ]
    problems += [
        Problem(path, parsed.sql_first_line,
                f"Parameter '${name}' wird im SQL benutzt, ist aber nicht unter 'parameters' "
                "deklariert")
        for name in sorted(used - set(declared))
    ]
    problems += [
        _at(path, parsed, "parameters", f"Parameter '{name}' ist deklariert, aber nicht benutzt")
        for name in sorted(set(declared) - used)
    ]
    return problems


def sql_runs_with_expected_columns(
    path: Path, parsed: ParsedFile, ctx: RuleContext
) -> list[Problem]:
    """The SQL runs against the store schema and returns exactly the result columns."""
    declared = parsed.fields.get("parameters") or []
    params = {name: None for name in declared if name in ALLOWED_PARAMETERS}
    if set(params) != find_parameters(parsed.sql):
        return []  # parameters_match already reports this
    header_lines = parsed.sql_first_line - 1
    try:
        check_single_select(parsed.sql)
    except SandboxError:
        return []  # sql_is_one_select reports this
    try:
        cursor = ctx.empty_store.cursor()
        result = cursor.execute(parsed.sql, params or None)
        columns = [d[0] for d in result.description or []]
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        match = _SQL_LINE.search(str(exc))
        line = header_lines + int(match.group(1)) if match else parsed.sql_first_line
        return [Problem(path, line, f"SQL-Fehler: {message}")]
    if sorted(columns) != sorted(RESULT_COLUMNS) or len(columns) != len(RESULT_COLUMNS):
        return [Problem(path, parsed.sql_first_line,
                        f"SQL liefert die Spalten {columns}, erwartet werden genau "
                        f"{list(RESULT_COLUMNS)}")]
    return []


def derived_from_is_list(path: Path, parsed: ParsedFile, ctx: RuleContext) -> list[Problem]:
    """derived_from is a list of indicator ids (that they exist is checked across files)."""
    names = parsed.fields.get("derived_from")
    if names is None:
        return []
    if (not isinstance(names, list) or not names
            or not all(isinstance(n, str) and _ID_RULE.match(n) for n in names)):
        return [_at(path, parsed, "derived_from",
                    "derived_from muss eine Liste von Indikator-IDs sein")]
    if path.stem in names:
        return [_at(path, parsed, "derived_from",
                    "derived_from darf nicht den Indikator selbst nennen")]
    return []


RULES: tuple[Rule, ...] = (
    required_fields,
    id_matches_file_name,
    known_values,
    numbers_are_valid,
    datasets_exist,
    min_count_not_below_datasets,
    reads_only_declared_datasets,
    sql_is_one_select,
    parameters_match,
    sql_runs_with_expected_columns,
    derived_from_is_list,
    periods_are_text,
)
