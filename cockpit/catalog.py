"""Dataset and department definitions, read from data/*.yaml (no Python per dataset)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cockpit.ingest.code_table import CodeTable, parse_code_table
from cockpit.periods import (
    KIND_LABELS,
    KINDS,
    VALUES_OF_KIND,
    PeriodError,
    format_key_date,
    parse_key_date,
)
from cockpit.roles import CLASSIFICATIONS
from cockpit.store.schema import DIMENSIONS
from cockpit.territory.keys import KEY_SYSTEMS
from cockpit.territory.levels import LEVEL_ID, Levels

_ID_RULE = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_MIN_COUNT = 3  # as in official statistics: 1 and 2 are kept secret
_REQUIRED = ("title", "source", "department", "classification", "unit", "levels")


class DefinitionError(ValueError):
    """A definition file is broken; the message names the file and the problem."""


@dataclass(frozen=True)
class Dataset:
    """What a dataset is and what a delivery of it must contain."""

    id: str
    title: str
    description: str
    source: str
    department: str
    classification: str
    unit: str
    licence: str
    update_cycle: str
    levels: tuple[str, ...]
    dimensions: dict[str, tuple[str, ...]]
    value_type: str
    value_min: float | None
    path: Path
    # Pairs (a, b) of measure codes: value(a) <= value(b) for the same area, period, breakdown.
    not_greater_than: tuple[tuple[str, str], ...] = ()
    # GENESIS column label -> {keep: label} or {dimension, drop, codes}; see ingest/mapping.py
    genesis_columns: dict[str, dict] = field(default_factory=dict)
    # Plausibility thresholds: relative tolerance of sums, relative year-on-year jump.
    sum_tolerance: float = 0.0
    jump_threshold: float = 0.5
    # Counts below this are kept secret in every indicator built on this dataset;
    # an indicator may raise it (its own min_count) but never lower it.
    min_count: int = DEFAULT_MIN_COUNT
    # A statistics office's own long table (row codes -> dimensions); see ingest/code_table.py
    code_table: CodeTable | None = None
    # Key system of the deliveries' area codes (cockpit/territory/keys.py): local | ags.
    keys: str = "local"
    # What GENESIS "-" means for an area that existed: zero | missing (stock figures such as
    # population, where the statistic writes "-" for "no figure", never for a real zero).
    genesis_dash: str = "zero"
    # year | half | quarter | month: what one period of a delivery is; dates in a delivery
    # map to periods of this type (30.06.2024 → 2024-H1 for half-yearly data).
    period_type: str = "year"
    # Stichtag of stock figures as (month, day), e.g. (12, 31); None for flows or unknown.
    key_date: tuple[int, int] | None = None

    def key_date_text(self) -> str:
        """The Stichtag as shown in the metadata („31.12.“), empty when none is declared."""
        return format_key_date(*self.key_date) if self.key_date else ""

    def delivery_columns(self) -> list[dict[str, object]]:
        """Columns a delivery file must have: name, type, required."""
        cols: list[dict[str, object]] = [
            {"name": "area_code", "type": "string", "required": True},
            {"name": "period", "type": _PERIOD_COLUMN_TYPES[self.period_type], "required": True},
        ]
        cols += [
            {"name": dim, "type": "code: " + ", ".join(codes), "required": True}
            for dim, codes in self.dimensions.items()
        ]
        cols.append({"name": "value", "type": "number", "required": True})
        return cols


_PERIOD_COLUMN_TYPES = {
    "year": "period (YYYY or key date DD.MM.YYYY)",
    "half": "period (YYYY-H1/YYYY-H2 or key date 30.06./31.12.YYYY)",
    "quarter": "period (YYYY-Q1..Q4 or key date at quarter end)",
    "month": "period (YYYY-MM or key date at month end)",
}


@dataclass(frozen=True)
class Catalog:
    """All dataset definitions and departments of one installation."""

    datasets: dict[str, Dataset]
    departments: dict[str, str]

    def min_count(self, dataset_ids: Iterable[str]) -> int:
        """The largest `min_count` of the named datasets (the default for none or unknown)."""
        return max((self.datasets[name].min_count for name in dataset_ids
                    if name in self.datasets), default=DEFAULT_MIN_COUNT)

    def period_type(self, dataset_ids: Iterable[str]) -> str | None:
        """The period type the named datasets share (an indicator inherits it); None when
        they differ or none is known."""
        types = {self.datasets[name].period_type for name in dataset_ids
                 if name in self.datasets}
        return types.pop() if len(types) == 1 else None

    def key_dates(self, dataset_ids: Iterable[str]) -> list[str]:
        """The distinct declared Stichtage of the named datasets („31.12.“), in order."""
        return list(dict.fromkeys(self.datasets[name].key_date_text() for name in dataset_ids
                                  if name in self.datasets and self.datasets[name].key_date))


def _fail(path: Path, problem: str) -> DefinitionError:
    return DefinitionError(f"{path}: {problem}")


def _load_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (Zeile {mark.line + 1})" if mark else ""
        raise _fail(path, f"kein gültiges YAML{where}: {exc}") from exc


def _parse_dataset(path: Path, departments: dict[str, str]) -> Dataset:
    raw = _load_yaml(path)
    if not isinstance(raw, dict):
        raise _fail(path, "erwartet eine Zuordnung von Feldern (key: value)")
    dataset_id = path.stem
    if not _ID_RULE.match(dataset_id):
        raise _fail(path, f"Dateiname '{dataset_id}' ist keine gültige ID (a-z, 0-9, _)")
    missing = [f for f in _REQUIRED if raw.get(f) in (None, "")]
    if missing:
        raise _fail(path, f"Pflichtfeld fehlt: {', '.join(missing)}")
    if raw["source"] not in ("official", "internal"):
        raise _fail(path, f"source muss 'official' oder 'internal' sein, nicht {raw['source']!r}")
    if raw["classification"] not in CLASSIFICATIONS:
        raise _fail(path, f"unbekannte classification {raw['classification']!r} "
                          f"(erlaubt: {', '.join(CLASSIFICATIONS)})")
    if raw["department"] not in departments:
        raise _fail(path, f"unbekannte department {raw['department']!r} "
                          f"(erlaubt: {', '.join(departments)})")
    # Which levels exist is the store's business (declared at `cockpit init`); here only
    # the form is checked, `undeclared_levels` compares with a territory.
    levels = tuple(raw["levels"]) if isinstance(raw["levels"], list) else ()
    if not levels or not all(isinstance(lv, str) and LEVEL_ID.fullmatch(lv) for lv in levels):
        raise _fail(path, f"levels muss eine Liste von Ebenen-Kennungen sein "
                          f"(z. B. [stadtteil]), nicht {raw['levels']!r}")
    dims_raw = raw.get("dimensions") or {}
    if not isinstance(dims_raw, dict):
        raise _fail(path, "dimensions muss eine Zuordnung Dimension -> Codes sein")
    dimensions: dict[str, tuple[str, ...]] = {}
    for dim, codes in dims_raw.items():
        if dim not in DIMENSIONS:
            raise _fail(path, f"unbekannte Dimension {dim!r} (erlaubt: {', '.join(DIMENSIONS)})")
        if not isinstance(codes, list) or not codes:
            raise _fail(path, f"Dimension {dim!r} braucht eine Liste von Codes")
        dimensions[dim] = tuple(str(c) for c in codes)
    value = raw.get("value") or {}
    not_greater_than = _parse_not_greater_than(path, raw.get("not_greater_than"), dimensions)
    genesis_columns = _parse_genesis(path, raw.get("genesis"), dimensions)
    keys, genesis_dash = _parse_keys_and_dash(path, raw)
    checks = raw.get("checks") or {}
    thresholds = {}
    for key in ("sum_tolerance", "jump_threshold"):
        if key in checks:
            number = checks[key]
            if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
                raise _fail(path, f"checks.{key} muss eine Zahl ab 0 sein")
            thresholds[key] = float(number)
    code_table = None
    if raw.get("code_table") is not None:
        try:
            code_table = parse_code_table(raw["code_table"], dimensions)
        except ValueError as exc:
            raise _fail(path, str(exc)) from exc
    min_count = raw.get("min_count", DEFAULT_MIN_COUNT)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise _fail(path, f"min_count muss eine ganze Zahl ab 1 sein, nicht {min_count!r}")
    period_type, key_date = _parse_period(path, raw)
    return Dataset(
        id=dataset_id,
        title=str(raw["title"]),
        description=str(raw.get("description", "")),
        source=raw["source"],
        department=raw["department"],
        classification=raw["classification"],
        unit=str(raw["unit"]),
        licence=str(raw.get("licence", "")),
        update_cycle=str(raw.get("update_cycle", "")),
        levels=levels,
        dimensions=dimensions,
        value_type=str(value.get("type", "count")),
        value_min=value.get("min"),
        path=path,
        not_greater_than=not_greater_than,
        genesis_columns=genesis_columns,
        min_count=min_count,
        code_table=code_table,
        period_type=period_type,
        key_date=key_date,
        keys=keys,
        genesis_dash=genesis_dash,
        **thresholds,
    )


def _parse_period(path: Path, raw: dict) -> tuple[str, tuple[int, int] | None]:
    """`period_type: year|half|quarter|month` (default year) and optional `key_date: "31.12."`.

    A key date other than a period end only makes sense for yearly data (a stock counted
    on 30.06. of every year); half-yearly, quarterly and monthly values are counted at the
    end of each period, so a single day-and-month would contradict them.
    """
    period_type = raw.get("period_type", "year")
    if period_type not in KINDS:
        names = ", ".join(f"{kind} ({KIND_LABELS[kind]['de']})" for kind in KINDS)
        raise _fail(path, f"period_type {period_type!r} ist unbekannt (erlaubt: {names})")
    key_raw = raw.get("key_date")
    if key_raw in (None, ""):
        return period_type, None
    if not isinstance(key_raw, str):
        raise _fail(path, f"key_date muss als Text in Anführungszeichen stehen, z. B. "
                          f"key_date: \"31.12.\" (nicht {key_raw!r})")
    try:
        key_date = parse_key_date(key_raw)
    except PeriodError as exc:
        raise _fail(path, f"key_date: {exc}") from exc
    if period_type != "year":
        raise _fail(path, f"key_date {key_raw!r} passt nicht zu period_type {period_type}: "
                          f"{VALUES_OF_KIND[period_type]} gelten zum Ende jedes "
                          "Zeitraums; einen eigenen Stichtag gibt es nur bei period_type: year")
    return period_type, key_date


def _parse_not_greater_than(path: Path, raw: object,
                            dimensions: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    """Optional `not_greater_than: [[a, b], ...]`; both must be codes of the measure dimension."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
            isinstance(pair, list) and len(pair) == 2 for pair in raw):
        raise _fail(path, "not_greater_than muss eine Liste von Paaren [a, b] sein")
    measures = dimensions.get("measure", ())
    pairs = tuple((str(a), str(b)) for a, b in raw)
    for pair in pairs:
        unknown = [name for name in pair if name not in measures]
        if unknown:
            raise _fail(path, f"not_greater_than nennt {', '.join(map(repr, unknown))}, "
                              f"das ist kein Code der Dimension measure "
                              f"(erlaubt: {', '.join(measures) or 'keine'})")
    return pairs


def _parse_genesis(path: Path, raw: object,
                   dimensions: dict[str, tuple[str, ...]]) -> dict[str, dict]:
    """Optional `genesis: {columns: {label: {keep: x} | {dimension: d, drop: [], codes: {}}}}`."""
    if raw is None:
        return {}
    columns = raw.get("columns") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and columns is None and "dash" in raw:
        columns = {}  # only the meaning of "-" is declared
    if not isinstance(columns, dict):
        raise _fail(path, "genesis braucht 'columns: {Spalte: Regel}'")
    for name, rule in columns.items():
        if not isinstance(rule, dict) or ("keep" in rule) == ("dimension" in rule):
            raise _fail(path, f"genesis-Spalte {name!r}: genau eines von keep oder dimension")
        if "dimension" in rule:
            dim = rule["dimension"]
            if dim not in dimensions:
                raise _fail(path, f"genesis-Spalte {name!r}: {dim!r} ist keine Dimension "
                                  "dieses Datensatzes")
            bad = [c for c in (rule.get("codes") or {}).values() if c not in dimensions[dim]]
            if bad:
                raise _fail(path, f"genesis-Spalte {name!r}: Codes {bad} gibt es in {dim} nicht")
    return {str(k): dict(v) for k, v in columns.items()}


GENESIS_DASH = ("zero", "missing")


def _parse_keys_and_dash(path: Path, raw: dict) -> tuple[str, str]:
    """`keys: local|ags` (default local) and `genesis: {dash: zero|missing}` (default zero)."""
    keys = raw.get("keys", "local")
    if keys not in KEY_SYSTEMS:
        raise _fail(path, f"keys muss eines von {', '.join(KEY_SYSTEMS)} sein, nicht {keys!r}")
    genesis = raw.get("genesis")
    dash = genesis.get("dash", "zero") if isinstance(genesis, dict) else "zero"
    if dash not in GENESIS_DASH:
        raise _fail(path, f"genesis.dash muss eines von {', '.join(GENESIS_DASH)} sein, "
                          f"nicht {dash!r}")
    return keys, dash


def load_catalog(data_dir: Path) -> Catalog:
    """Read departments.yaml and every datasets/*.yaml; raise DefinitionError on problems."""
    dep_path = data_dir / "departments.yaml"
    departments = _load_yaml(dep_path) if dep_path.exists() else {}
    if not isinstance(departments, dict) or not departments:
        raise _fail(dep_path, "keine Fachbereiche definiert (id: Name)")
    departments = {str(k): str(v) for k, v in departments.items()}
    datasets = {}
    for path in sorted((data_dir / "datasets").glob("*.yaml")):
        dataset = _parse_dataset(path, departments)
        datasets[dataset.id] = dataset
    return Catalog(datasets=datasets, departments=departments)


def undeclared_levels(catalog: Catalog, levels: Levels) -> list[str]:
    """A German problem per dataset whose `levels` name a level the territory does not
    declare (the catalogue is read before any store, so this runs where both are known:
    `cockpit check` and every delivery)."""
    problems = []
    for dataset in catalog.datasets.values():
        problem = dataset_level_problem(dataset, levels)
        if problem:
            problems.append(f"{dataset.path}: {problem}")
    return problems


def dataset_level_problem(dataset: Dataset, levels: Levels) -> str | None:
    """The problem of one dataset's `levels` against the declared levels, or None."""
    unknown = [lv for lv in dataset.levels if lv not in levels]
    if not unknown:
        return None
    return (f"Datensatz {dataset.id}: levels nennt {', '.join(unknown)}, das ist keine "
            f"Ebene dieses Gebiets (erklärt sind: {', '.join(levels.ids)})")
