"""The gate: the only way from the store to a page, callback, API handler or export.

It decides with `policy.indicator_scope` which indicators and areas a viewer may
see, applies small-count suppression, and returns only what may be shown; a
value a viewer may not see never leaves this module. Computed indicator frames
are cached per data version and carry no viewer information, so one viewer's
cache can never serve another; scoping and blanking happen per call.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from cockpit.access.errors import AccessDenied, BadParameter, NotFound, NotLoggedIn
from cockpit.access.index_values import IndexGate
from cockpit.access.policy import Scope, indicator_scope
from cockpit.access.suppression import derived_flags, suppress_indicator_frame
from cockpit.access.table_cache import SharedTables, definition_key
from cockpit.access.value_table import ValueTable
from cockpit.access.viewer import Viewer
from cockpit.appdb import audit_detail
from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.indicators.model import Indicator
from cockpit.indicators.sandbox import observation_periods, sandbox_database
from cockpit.periods import PERIOD_PATTERN as _PERIOD_RULE
from cockpit.periods import period_end, previous_in, same_period_year_before, sort_periods
from cockpit.territory.correspondence import converted_hidden
from cockpit.territory.levels import Levels, demo_levels, read_levels

if TYPE_CHECKING:
    from cockpit.access.budget import BudgetDesk
    from cockpit.access.delivery import DeliveryDesk

# 2024, 2024-H1, 2024-Q3 or 2024-06 (cockpit.periods is the one definition).
PERIOD_PATTERN = re.compile(f"^{_PERIOD_RULE}$")
AREA_PATTERN = re.compile(r"^[0-9A-Za-z_.-]{1,32}$")
VALUE_COLUMNS = ["area_code", "area_name", "level", "parent_code", "period", "value",
                 "numerator", "denominator", "suppressed",
                 "incomplete", "missing", "expected", "converted"]

_AREA, _LEVEL, _PERIOD, _VALUE, _DENOMINATOR, _SUPPRESSED = 0, 2, 4, 5, 7, 8
_INCOMPLETE, _MISSING = 9, 10
_DTYPES = {"value": "float64", "numerator": "float64", "denominator": "float64",
           "suppressed": "bool", "incomplete": "bool", "missing": "int64",
           "expected": "int64", "converted": "bool"}

AuditSink = Callable[[str, str, str], None]

# Serialised answers kept per worker (least recently used dropped first): about eight
# rankings of 11,000 areas (2 MB each), not one per viewer and parameter ever asked;
# each worker holds its own, so this counts twice against the memory of a server.
_ANSWERS = 256
_ANSWER_BYTES = 16 * 1024 * 1024
# Periods computed one by one when looking for the latest one with rows.
_LATEST_TRIES = 3
# Periods of an indicator computed alone before a request for yet another one builds the
# full table instead (which then answers every period): a first look costs one or two
# periods, someone going through the years pays the whole series once.
_LAZY_PERIODS = 4


class ValueRow(NamedTuple):
    """One value as the gate hands it out; a suppressed row has value and numerator None."""

    area_code: str
    area_name: str
    level: str
    parent_code: str | None
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    # A roll-up over the parts that have a value: `missing` of `expected` parts lack one.
    incomplete: bool = False
    missing: int = 0
    expected: int = 0
    # Converted from the old areas through a correspondence table (a new area's past).
    converted: bool = False

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Areas:
    """The territory: the current areas (names, levels, hierarchy) and every earlier
    version of it (Gebietsstand), so a period shows the areas valid then."""

    frame: pd.DataFrame  # current areas: code, name, level, parent_code
    parents: dict[str, str | None]  # current parent relation
    descendants: Mapping[str, frozenset[str]]  # over every version: old areas stay in scope
    geometries: Mapping[str, dict]  # current geometry per code (parsed when read)
    # The snapshot's declared levels, top first (pages, API and audit take them from here).
    levels: Levels = field(default_factory=demo_levels)
    versions: pd.DataFrame = None  # type: ignore[assignment]  # + valid_from, valid_to
    shapes: dict[tuple[str, date], str] = None  # type: ignore[assignment]
    # key date or tuple of valid version rows -> (areas valid then, their parents)
    _at: dict[object, tuple[pd.DataFrame, dict[str, str | None]]] = None  # type: ignore[assignment]

    @classmethod
    def load(cls, conn) -> Areas:  # noqa: ANN001 - a DuckDB cursor
        versions = conn.execute(
            "SELECT code, name, level, parent_code, valid_from, valid_to FROM areas "
            "ORDER BY code, valid_from"
        ).df()
        versions["parent_code"] = versions["parent_code"].astype(object).where(
            versions["parent_code"].notna(), None)
        for column in ("valid_from", "valid_to"):
            versions[column] = [None if pd.isna(v) else pd.Timestamp(v).date()
                                for v in versions[column]]
        current = versions[versions["valid_to"].isna()]
        frame = current[["code", "name", "level", "parent_code"]].reset_index(drop=True)
        parents = dict(zip(frame["code"], frame["parent_code"], strict=True))
        # Scope follows every parent relation there ever was, so a district user keeps
        # the old sub-areas of their district for the periods these existed.
        children: dict[str, set[str]] = {}
        for code, parent in zip(versions["code"], versions["parent_code"], strict=True):
            if parent is not None and parent != code:
                children.setdefault(parent, set()).add(code)
        shapes = {
            (code, valid_from if type(valid_from) is date
             else pd.Timestamp(valid_from).date()): geojson
            for code, valid_from, geojson in conn.execute(
                "SELECT code, valid_from, geojson FROM area_geometries").fetchall()
        }
        geometries = ParsedOnRead(_pick_shapes(shapes, set(current["code"]), date.max))
        return cls(frame, parents, Below(children, set(versions["code"])),
                   geometries, read_levels(conn), versions.reset_index(drop=True), shapes, {})

    @property
    def latest(self) -> pd.DataFrame:
        """Every area there ever was, in its newest version: code, name, level,
        parent_code, valid_from, valid_to (None while still valid)."""
        return self.versions.drop_duplicates("code", keep="last").reset_index(drop=True)

    def by_code(self, which: str) -> pd.DataFrame:
        """`latest` or the current `frame` indexed by code, made once per data version
        (each period computed alone looks names up in them)."""
        key = ("by_code", which)
        found = self._at.get(key)
        if found is None:
            source = self.latest if which == "latest" else self.frame
            found = self._at[key] = source.set_index("code")  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    @property
    def codes(self) -> frozenset[str]:
        """Every area code of every Gebietsstand."""
        return frozenset(self.versions["code"])

    def valid_at(self, key_date: date) -> tuple[pd.DataFrame, dict[str, str | None]]:
        """The areas valid on a key date (code, name, level, parent_code) and their
        parent relation then."""
        cached = self._at.get(key_date)
        if cached is None:
            v = self.versions
            mask = ((v["valid_from"] <= key_date)
                    & v["valid_to"].map(lambda end: end is None or end >= key_date))
            # Periods with the same areas share one answer (the same objects), so the
            # suppression builds the equations of a territory once, not per period.
            rows = tuple(mask.to_numpy().nonzero()[0])
            cached = self._at.get(rows)
            if cached is None:
                frame = v[mask][["code", "name", "level", "parent_code"]].reset_index(
                    drop=True)
                cached = frame, dict(zip(frame["code"], frame["parent_code"], strict=True))
                self._at[rows] = cached
            self._at[key_date] = cached
        return cached

    def geometries_at(self, key_date: date) -> dict[str, str]:
        """GeoJSON text of the geometry of each area valid on a key date."""
        return _pick_shapes(self.shapes, set(self.valid_at(key_date)[0]["code"]), key_date)


class Below(Mapping):
    """Every area code (of every version) -> all codes below it, each walked when it is
    first asked for: a request needs one or two (a district user's own area), and
    walking all of them cost ~10 ms per data version at 540 areas."""

    def __init__(self, children: dict[str, set[str]], codes: set[str]) -> None:
        self._children = children
        self._codes = codes
        self._found: dict[str, frozenset[str]] = {}

    def __getitem__(self, code: str) -> frozenset[str]:
        found = self._found.get(code)
        if found is None:
            if code not in self._codes:
                raise KeyError(code)
            found = self._found[code] = self._below(code)
        return found

    def _below(self, code: str) -> frozenset[str]:
        # Everything reachable downwards but the area itself (a cycle back to it does
        # not make it its own sub-area); a walk, not a recursion per path.
        found: set[str] = set()
        stack = list(self._children.get(code, ()))
        while stack:
            child = stack.pop()
            if child != code and child not in found:
                found.add(child)
                stack.extend(self._children.get(child, ()))
        return frozenset(found)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


class ParsedOnRead(Mapping):
    """GeoJSON texts by area code, parsed only when one is read.

    A worker keeps the texts (which the store holds anyway); parsing all 11,000
    boundaries at load cost ~1 s and tens of MB of dicts that only the GeoJSON route
    needs, and it builds its collection once per level and data version.
    """

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def __getitem__(self, code: str) -> dict:
        return json.loads(self.texts[code])

    def __contains__(self, code: object) -> bool:
        return code in self.texts

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def _pick_shapes(shapes: dict[tuple[str, date], str], codes: set[str],
                 key_date: date) -> dict[str, str]:
    """The boundary of each area on a key date: the newest one stored from no later than
    that day; else the oldest (a boundary recorded only after the area began)."""
    by_code: dict[str, list[tuple[date, str]]] = {}
    for (code, valid_from), geojson in shapes.items():
        if code in codes:
            by_code.setdefault(code, []).append((valid_from, geojson))
    picked = {}
    for code, options in by_code.items():
        options.sort()
        earlier = [g for f, g in options if f <= key_date]
        picked[code] = earlier[-1] if earlier else options[0][1]
    return picked


class _Unseen(NotFound, AccessDenied):
    """An indicator that does not exist for this viewer: answered as 404 like an unknown id.

    It stays an AccessDenied too, so callers that skip forbidden indicators silently (the
    overview cards) still do; to the person asking it looks exactly like NotFound.
    """

    status = 404


class Gate(IndexGate):
    """Hands out indicator data, scoped and suppressed for one viewer at a time
    (composite indices too: cockpit/access/index_values.py)."""

    def __init__(self, inst: Installation, audit: AuditSink | None = None,
                 shared: SharedTables | None = None) -> None:
        self.inst = inst
        # With `shared`, computed tables are files that every worker maps (one copy).
        self._shared = shared
        self.registry = inst.registry
        self._audit = audit
        self._lock = threading.Lock()
        self._answer_lock = threading.Lock()
        self._version: str | None = None
        self._areas: Areas | None = None
        self._frame_locks: dict[str, threading.Lock] = {}
        self._geojson: dict[str, dict[str, Any]] = {}
        self._tables: dict[str, ValueTable] = {}
        # The asked period first: one period's table (None: no rows then), and the
        # periods an indicator's datasets hold (where its periods come from).
        self._period_tables: dict[tuple[str, str], ValueTable | None] = {}
        self._candidates: dict[str, tuple[str, ...]] = {}
        self._answers: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._answer_bytes = 0
        self._warm_cursor: Any = None

    # -- data version and caches -------------------------------------------
    def _sync(self) -> str:
        """Drop caches when a new snapshot has been published; return the version."""
        version = self.inst.store.current_version()
        if version is None:
            raise NotFound("Es ist noch kein Datenbestand veröffentlicht.")
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self._frame_locks = {}
                    self._geojson = {}
                    self._tables = {}
                    self._period_tables = {}
                    self._candidates = {}
                    with self._answer_lock:
                        self._answers = OrderedDict()
                        self._answer_bytes = 0
                    self._areas = Areas.load(self.inst.store.read(version))
                    self._version = version
        return version

    @property
    def data_version(self) -> str:
        return self._sync()

    def areas_info(self) -> Areas:
        """The current territory (not viewer-specific; names and codes are public)."""
        self._sync()
        assert self._areas is not None
        return self._areas

    def declared_levels(self) -> Levels:
        """The installation's levels in the current snapshot, top first (public, like the
        area names)."""
        return self.areas_info().levels

    def check_level(self, level: str | None) -> str | None:
        """Return the level if it is one of the installation's levels (or None for none)."""
        return check_level(level, self.declared_levels())

    def _table(self, indicator: Indicator) -> ValueTable:
        """All values of an indicator with their suppression flags, computed once per
        data version and kept as a compact table (the frame itself is not kept)."""
        if indicator.kind == "index":  # computed from its components' tables
            return self._index_table(indicator)  # type: ignore[arg-type]
        version = self._sync()
        table = self._tables.get(indicator.id)
        if table is not None:
            return table
        with self._lock:
            lock = self._frame_locks.setdefault(indicator.id, threading.Lock())
        with lock:
            table = self._tables.get(indicator.id)
            if table is None:
                table = self._computed(indicator, version)
                if version == self._version:  # a newer snapshot may have arrived meanwhile
                    self._tables[indicator.id] = table
                    self._drop_period_tables(indicator)
        return table

    def _computed(self, indicator: Indicator, version: str) -> ValueTable:
        """The indicator's table computed for `version`, or mapped from the shared file
        another worker has computed."""
        def build() -> ValueTable:
            return ValueTable(self._build_frame(indicator, version))

        if self._shared is None:
            return build()
        return self._shared.table(version, self.inst.store.snapshot_path(version),
                                  indicator.id, self._definition_key(indicator), build)

    def _definition_key(self, indicator: Indicator) -> str:
        """What the indicator's table follows from besides the data (see table_cache)."""
        sources = [self._definition_key(self.registry.get(s)) for s in indicator.derived_from]
        return definition_key(indicator, self.min_count(indicator),
                              self.inst.correspondences, sources)

    def _lazy(self, indicator: Indicator) -> bool:
        """Whether one period of the indicator can be computed alone: its SQL takes
        `$period`, and its full table is not there yet (then that one answers) — neither
        in this worker nor as a shared file another worker has written."""
        if indicator.kind == "index":  # cockpit/access/index_values.py
            return self._index_lazy(indicator)  # type: ignore[arg-type]
        if "period" not in indicator.parameters or indicator.id in self._tables:
            return False
        return self._mapped(indicator) is None

    def _mapped(self, indicator: Indicator) -> ValueTable | None:
        """The full table from the shared file another worker wrote, kept from now on
        (None without shared tables or when no worker has written it yet)."""
        if self._shared is None:
            return None
        version = self._sync()
        table = self._shared.find(version, self.inst.store.snapshot_path(version),
                                  indicator.id, self._definition_key(indicator))
        if table is not None and version == self._version:
            self._tables[indicator.id] = table
            self._drop_period_tables(indicator)
        return table

    def _drop_period_tables(self, indicator: Indicator) -> None:
        """Let go of the one-period tables once the full table is there (it answers
        every period from now on; kept, they doubled what a worker holds)."""
        for period in self._candidates.get(indicator.id, ()):
            self._period_tables.pop((indicator.id, period), None)

    def _few_periods(self, indicator: Indicator, period: str | None) -> bool:
        """Whether `period` (None: the latest) is computed alone: it has been already, or
        fewer than _LAZY_PERIODS periods of the indicator have been."""
        computed = self._computed_alone(indicator)
        return (period in computed or (period is None and bool(computed))
                or len(computed) < _LAZY_PERIODS)

    def _computed_alone(self, indicator: Indicator) -> list[str]:
        """The periods of the indicator computed alone so far (with or without rows)."""
        return [p for (i, p) in list(self._period_tables) if i == indicator.id]

    def _period_candidates(self, indicator: Indicator) -> tuple[str, ...]:
        """The periods the indicator's datasets hold, oldest first (by end date): every
        period the indicator can have values for (its SQL reads only these datasets)."""
        if indicator.kind == "index":
            return self._index_candidates(indicator)  # type: ignore[arg-type]
        version = self._sync()
        found = self._candidates.get(indicator.id)
        if found is None:
            found = tuple(sort_periods(observation_periods(
                self.inst.store.read(version), indicator.datasets)))
            if version == self._version:
                self._candidates[indicator.id] = found
        return found

    def _period_table(self, indicator: Indicator, period: str) -> ValueTable | None:
        """The values of one period with their suppression flags (None when the period
        has no rows), computed once per data version: the same rows and flags as that
        period's part of the full table (tests/access/test_lazy_periods.py)."""
        if indicator.kind == "index":
            return self._index_period_table(indicator, period)  # type: ignore[arg-type]
        version = self._sync()
        key = (indicator.id, period)
        if key in self._period_tables:
            return self._period_tables[key]
        full = self._tables.get(indicator.id)
        if full is not None:  # computed meanwhile: no second computation
            return full if period in full.periods else None
        with self._lock:
            lock = self._frame_locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._period_tables:
                return self._period_tables[key]
            frame = self._build_frame(indicator, version, period)
            table = ValueTable(frame) if len(frame) else None
            if version == self._version:
                self._period_tables[key] = table
        return table

    def _source_cells(self, source: Indicator, periods: Collection[str]
                      ) -> tuple[set[tuple[str, str]], list[str]]:
        """What `derived_flags` needs of a source for a derived indicator's `periods`:
        the source's hidden cells and periods, all of them (full table), or, for one
        period asked alone, those of that period, of the source's previous period of the
        same kind and of the same period a year before."""
        if not self._lazy(source) or len(periods) != 1:
            table = self._table(source)
            return table.hidden_cells(), list(table.periods)
        (period,) = periods
        candidates = self._period_candidates(source)
        tables = {}
        if period in candidates:
            tables[period] = self._period_table(source, period)
        # The source's previous period: the latest earlier one of the same kind that has
        # rows (previous_in over the source's periods).
        before = self._previous_with_rows(source, period)
        if before is not None:
            tables[before] = self._period_table(source, before)
        year_before = same_period_year_before(period)
        if year_before in candidates and year_before not in tables:
            tables[year_before] = self._period_table(source, year_before)
        found = {p: t for p, t in tables.items() if t is not None}
        hidden = set().union(*(t.hidden_cells() for t in found.values()))
        return hidden, sort_periods(found)

    def _build_frame(self, indicator: Indicator, version: str,
                     period: str | None = None) -> pd.DataFrame:
        """All periods' values with their suppression flags, or one period's alone.

        Every step decides a period from that period (and, for a derived indicator,
        from the source's cells of that period and the one or two it is compared
        with), so one period computed alone gets that period's rows and flags of the
        full computation.
        """
        areas = self.areas_info()
        frame = compute_indicator(self.inst.store.read(version), indicator, period,
                                  correspondences=self.inst.correspondences)
        if frame.empty:
            return pd.DataFrame(columns=VALUE_COLUMNS)
        # Names and parents as they were in each period (an area may be renamed or
        # moved); a converted row is a new area before it existed: its current ones.
        key_dates = {p: period_end(p) for p in set(frame["period"])}
        at = {p: areas.valid_at(d) for p, d in key_dates.items()}
        additive = indicator.aggregation != "none"
        parents = areas.parents if additive else {}
        period_parents = {p: rel for p, (_, rel) in at.items()} if additive else None
        derived = indicator.derived_from
        frame["suppressed"] = suppress_indicator_frame(
            frame, parents, self.min_count(indicator), own_numerator=not derived,
            period_parents=period_parents, partial_sums=True)
        for source_id in derived:  # hidden exactly where the source counts are hidden
            hidden, source_periods = self._source_cells(self.registry.get(source_id),
                                                        key_dates)
            frame["suppressed"] |= derived_flags(frame, hidden, source_periods)
        if frame["converted"].any():  # a weighted sum of old cells must not narrow one
            hidden = frame.loc[frame["suppressed"], ["area_code", "period"]]
            frame["suppressed"] |= converted_hidden(
                frame, hidden.itertuples(index=False, name=None), self.inst.correspondences)
        single = areas.versions["code"].is_unique  # no area ever changed: one name each
        named = None if single or not at else pd.concat(
            [valid.assign(period=p) for p, (valid, _) in at.items()], ignore_index=True)
        if single:
            latest = areas.by_code("latest")
            frame["name"] = frame["area_code"].map(latest["name"])
            frame["parent_code"] = frame["area_code"].map(latest["parent_code"])
        elif named is not None and len(named):
            frame = frame.merge(named[["code", "period", "name", "parent_code"]],
                                how="left", left_on=["area_code", "period"],
                                right_on=["code", "period"])
        else:
            frame["name"] = frame["parent_code"] = None
        current = areas.by_code("current")
        frame["area_name"] = frame["name"].fillna(frame["area_code"].map(current["name"]))
        frame["parent_code"] = frame["parent_code"].where(
            frame["parent_code"].notna(), frame["area_code"].map(current["parent_code"]))
        frame["parent_code"] = frame["parent_code"].astype(object).where(
            frame["parent_code"].notna(), None)
        return frame[VALUE_COLUMNS].reset_index(drop=True)

    def min_count(self, indicator: Indicator) -> int:
        """The indicator's min_count, never below the minimum of any dataset it reads."""
        return max(indicator.min_count, self.inst.catalog.min_count(indicator.datasets))

    def start_worker(self) -> None:
        """What a worker process does when it starts, before its first request: open
        its sandbox database (~15 ms; never before a fork, DuckDB must not be forked)."""
        sandbox_database()

    def warm(self, stop: threading.Event | None = None) -> None:
        """Compute every indicator once, so the first request does not wait; `stop`
        ends the loop between two indicators (a worker that shuts down)."""
        # The gate reads through this thread's cursor (Store.read is per thread);
        # keeping it lets interrupt_warming() stop the query that is running in it.
        self._warm_cursor = self.inst.store.read()
        for indicator in self.registry:
            if stop is not None and stop.is_set():
                return
            try:
                self._table(indicator)
            except Exception:  # noqa: BLE001 - a broken indicator fails on request, loudly
                if stop is not None and stop.is_set():
                    return  # interrupted because the process stops: not a broken indicator
                logger.exception("Indikator %s konnte nicht berechnet werden", indicator.id)

    def interrupt_warming(self) -> None:
        """Interrupt the query `warm` is inside (the process stops; `stop` is set)."""
        cursor = self._warm_cursor
        if cursor is not None:
            with contextlib.suppress(Exception):  # a closed cursor has nothing to stop
                cursor.interrupt()

    # -- permissions ---------------------------------------------------------
    def _departments_of(self, indicator: Indicator) -> set[str]:
        datasets = self.inst.catalog.datasets
        return {
            datasets[name].department for name in indicator.datasets
            if datasets[name].classification == "restricted"
        }

    def scope(self, viewer: Viewer | None, indicator: Indicator) -> Scope:
        """Which areas of this indicator the viewer may see."""
        return indicator_scope(viewer, indicator.classification,
                               self._departments_of(indicator),
                               self.areas_info().descendants)

    def visible_indicators(self, viewer: Viewer | None) -> list[Indicator]:
        """The indicators the viewer may see at least for some area, in catalogue order."""
        require_login(viewer)
        return [ind for ind in self.registry.everything() if self.scope(viewer, ind).allowed]

    def indicator(self, viewer: Viewer | None, indicator_id: str) -> Indicator:
        """Return one indicator, or raise NotFound.

        A viewer whose scope excludes the indicator entirely (committee for a restricted
        one, a department for another department's) may not learn that it exists, so it
        gets exactly the answer for an unknown id. Roles that see it for some areas get
        AccessDenied for the others (in `rows`).
        """
        require_login(viewer)
        indicator = self.registry.get(indicator_id) if isinstance(indicator_id, str) else None
        if indicator is None or not self.scope(viewer, indicator).allowed:
            raise _Unseen(f"Unbekannter Indikator „{str(indicator_id)[:64]}“.")
        return indicator

    # -- values ----------------------------------------------------------------
    def values(
        self,
        viewer: Viewer | None,
        indicator_id: str,
        *,
        level: str | None = None,
        period: str | None = None,
        area: str | None = None,
        areas: Collection[str] | None = None,
        all_periods: bool = False,
    ) -> pd.DataFrame:
        """Rows the viewer may see: area_code, area_name, level, parent_code, period,
        value, numerator, denominator, suppressed (suppressed rows carry no numbers).

        `area` names one area and is refused when out of scope; `areas` narrows
        to several and silently drops those out of scope. Without `period` the
        latest period is returned (all with `all_periods`).
        """
        records = self.rows(viewer, indicator_id, level=level, period=period, area=area,
                            areas=areas, all_periods=all_periods)
        return pd.DataFrame.from_records(records, columns=VALUE_COLUMNS).astype(_DTYPES)

    def rows(
        self,
        viewer: Viewer | None,
        indicator_id: str,
        *,
        level: str | None = None,
        period: str | None = None,
        area: str | None = None,
        areas: Collection[str] | None = None,
        all_periods: bool = False,
    ) -> list[ValueRow]:
        """The same rows as `values`, as named tuples (no pandas cost for small lookups)."""
        indicator = self.indicator(viewer, indicator_id)
        assert viewer is not None
        scope = self.scope(viewer, indicator)
        level = self.check_level(level)
        period = check_period(period)
        if area is not None:
            area = self.check_area(area)
            if not scope.covers(area):
                raise AccessDenied("Für dieses Gebiet fehlt Ihnen die Berechtigung.")
            areas = [area]
        wanted = None if areas is None else [
            code for code in dict.fromkeys(areas) if scope.covers(code)]
        # One period is computed alone when only one is asked for (a cold request then
        # waits for that period, not for all 15); otherwise the full table answers.
        table, rows = None, None
        if not all_periods and self._lazy(indicator) and self._few_periods(indicator, period):
            table, rows = self._rows_of_one_period(indicator, scope, level, period, wanted)
        if table is None:
            table = self._table(indicator)
            if level is not None and level not in table.levels:
                raise BadParameter(f"Der Indikator hat keine Werte auf der Ebene „{level}“.")
            if period is not None and period not in table.periods:
                raise BadParameter(f"Für den Zeitraum {period} gibt es keine Werte.")
            rows = _select(table, scope, level, period, wanted, all_periods)
        records = table.records(rows)
        if viewer.wants_raw:
            # Every raw view is audited with what was actually returned (not what was
            # asked for: "latest" becomes the period, no level becomes the levels), also
            # when nothing happened to be suppressed: the viewer chose to see raw values.
            if records:
                self._record(viewer, "raw_view", self._raw_view_detail(indicator, records))
            records = [(*r[:_SUPPRESSED], False, *r[_SUPPRESSED + 1:]) for r in records]
        else:
            # The denominator goes too: it may be a protected series itself.
            records = [(*r[:_VALUE], None, None, None, *r[_SUPPRESSED:]) if r[_SUPPRESSED]
                       else r for r in records]
        # How many parts a partial sum lacks is said only where a value is shown: no
        # number at all leaves the gate with a hidden cell.
        records = [r if r[_INCOMPLETE] and not r[_SUPPRESSED] else (*r[:_MISSING], 0, 0, r[-1])
                   for r in records]
        return [ValueRow._make(r) for r in records]  # already by period (end date), area

    def _rows_of_one_period(
        self, indicator: Indicator, scope: Scope, level: str | None, period: str | None,
        wanted: list[str] | None,
    ) -> tuple[ValueTable | None, np.ndarray | None]:
        """The table of the one period the answer comes from and the rows selected in
        it, exactly as `_select` on the full table would select them; (None, None) where
        only the full table can tell (an unknown period or level, nothing to show)."""
        candidates = self._period_candidates(indicator)
        if period is not None:
            table = None if period not in candidates else self._period_table(indicator,
                                                                             period)
            if table is None or (level is not None and level not in table.levels):
                return None, None
            return table, _select(table, scope, level, period, wanted, False)
        # The latest period: the one that ends last among the rows this viewer gets.
        # Where the newest periods have none of them, the full table finds it at once.
        for candidate in reversed(candidates[-_LATEST_TRIES:]):
            table = self._period_table(indicator, candidate)
            if table is None or candidate not in table.periods:
                continue
            rows = _select(table, scope, level, candidate, wanted, False)
            if len(rows):
                return table, rows
        return None, None

    def answer(
        self,
        viewer: Viewer | None,
        indicator_id: str,
        build: Callable[[list[ValueRow]], Any],
        *,
        level: str | None = None,
        period: str | None = None,
        area: str | None = None,
        key: Hashable = None,
    ) -> Any:
        """`build(rows)` for the rows `rows` returns with these parameters, kept per data
        version, indicator, the viewer's scope and the parameters, so a serialised
        answer is built once and not per request (11,000 rows: ~60 ms each time).

        Who may see what is decided on every call, exactly as in `rows`; only what two
        viewers with the same scope would get anyway is shared. Raw views are built
        anew each time (each is audited). `key` tells different builds over the same
        rows apart (and whatever else a build depends on, e.g. the language); it must
        never name a viewer. An answer counts against the cache's bytes by its length
        (bytes or text first in a tuple) or by its `nbytes`.
        """
        indicator = self.indicator(viewer, indicator_id)
        assert viewer is not None
        scope = self.scope(viewer, indicator)
        if viewer.wants_raw:
            return build(self.rows(viewer, indicator_id, level=level, period=period,
                                   area=area))
        level, period = self.check_level(level), check_period(period)
        if area is not None:
            area = self.check_area(area)
            if not scope.covers(area):
                raise AccessDenied("Für dieses Gebiet fehlt Ihnen die Berechtigung.")
        cache_key = (self._sync(), indicator.id, scope.allowed, scope.areas, level, period,
                     area, key)
        with self._answer_lock:
            cached = self._answers.get(cache_key)
            if cached is not None:
                self._answers.move_to_end(cache_key)
                return cached[0]
        built = build(self.rows(viewer, indicator_id, level=level, period=period, area=area))
        size = len(built[0]) if isinstance(built, tuple) and isinstance(
            built[0], bytes | str) else int(getattr(built, "nbytes", 0))
        with self._answer_lock:
            if cache_key[0] == self._version and cache_key not in self._answers:
                self._answers[cache_key] = (built, size)
                self._answer_bytes += size
                while self._answers and (len(self._answers) > _ANSWERS
                                         or self._answer_bytes > _ANSWER_BYTES):
                    _, (_, dropped) = self._answers.popitem(last=False)
                    self._answer_bytes -= dropped
        return built

    def _raw_view_detail(self, indicator: Indicator, records: list[tuple]) -> dict[str, Any]:
        """What a raw view returned, exactly and of bounded size: indicator, data version,
        levels, periods, areas per level (`"all"` for a whole level of several areas, else
        the codes or `{"all_except": codes}`, whichever is shorter) and how many of the
        cells would have been suppressed."""
        frame = self.areas_info().frame
        codes, code_levels = frame["code"].to_numpy(), frame["level"].to_numpy()
        by_level: dict[str, set[str]] = {}
        for record in records:
            by_level.setdefault(record[_LEVEL], set()).add(record[_AREA])
        areas: dict[str, Any] = {}
        for level in sorted(by_level, key=self.declared_levels().sort_key):
            returned = by_level[level]
            territory = set(codes[code_levels == level])  # numpy: a profile asks ~80 times
            missing = territory - returned
            if not missing and returned <= territory and len(returned) > 1:
                areas[level] = "all"
            elif 0 < len(missing) < len(returned) and returned <= territory:
                areas[level] = {"all_except": sorted(missing)}
            else:
                areas[level] = sorted(returned)
        levels = list(areas)
        periods = sort_periods(r[_PERIOD] for r in records)
        return {
            "indicator": indicator.id,
            "data_version": self._version,
            "level": levels[0] if len(levels) == 1 else levels,
            "period": periods[0] if len(periods) == 1 else periods,
            "areas": areas,
            "cells": len(records),
            "suppressed_cells": sum(1 for r in records if r[_SUPPRESSED]),
        }

    def periods(self, viewer: Viewer | None, indicator_id: str) -> list[str]:
        """Periods with values of an indicator, oldest first (by end date)."""
        indicator = self.indicator(viewer, indicator_id)
        return list(self._table(indicator).periods)

    def levels(self, viewer: Viewer | None, indicator_id: str) -> list[str]:
        """Levels an indicator has values for, top level first."""
        indicator = self.indicator(viewer, indicator_id)
        present = self._table(indicator).levels
        return [level for level in self.declared_levels().ids if level in present]

    def previous_period(self, viewer: Viewer | None, indicator_id: str,
                        period: str) -> str | None:
        """`previous_in(periods(...), period)`: the latest period of the same kind before
        `period` that has values (what a change is computed against), or None.

        Before the full table exists this computes only the periods it looks at (the one
        before, or the next earlier where that one has no rows), not the whole series:
        the first comparison after a publish waits for two periods, not fifteen."""
        indicator = self.indicator(viewer, indicator_id)
        period = check_period(period)
        if period is None:
            raise BadParameter("Zeitraum fehlt.")
        if not self._lazy(indicator) or len(self._computed_alone(indicator)) >= _LAZY_PERIODS:
            return previous_in(self._table(indicator).periods, period)
        return self._previous_with_rows(indicator, period)

    def period_levels(self, viewer: Viewer | None, indicator_id: str,
                      period: str) -> list[str]:
        """Levels with values of the indicator in `period`, top level first (none when
        the period has no values); computes that period alone where it can."""
        indicator = self.indicator(viewer, indicator_id)
        period = check_period(period)
        if period is None:
            raise BadParameter("Zeitraum fehlt.")
        table: ValueTable | None
        if self._lazy(indicator) and self._few_periods(indicator, period):
            table = (self._period_table(indicator, period)
                     if period in self._period_candidates(indicator) else None)
        else:
            table = self._table(indicator)
        if table is None or period not in table.periods:
            return []
        start, end = table.period_rows[period]
        present = {table.level_names[i] for i in np.unique(table.level_idx[start:end])}
        return [level for level in self.declared_levels().ids if level in present]

    def _previous_with_rows(self, indicator: Indicator, period: str) -> str | None:
        """The latest candidate period of the same kind before `period` whose own table
        has rows: equal to previous_in over the full table's periods (these are exactly
        the candidates whose period table has rows)."""
        earlier = [p for p in self._period_candidates(indicator) if p != period]
        while (before := previous_in(earlier, period)) is not None:
            if self._period_table(indicator, before) is not None:
                return before
            earlier.remove(before)
        return None

    # -- areas -------------------------------------------------------------------
    def check_area(self, area: str) -> str:
        """Return the area code if it exists, else raise BadParameter."""
        if not isinstance(area, str) or not AREA_PATTERN.match(area):
            raise BadParameter("Ungültiger Gebietsschlüssel.")
        if area not in self.areas_info().codes:
            raise BadParameter(f"Unbekanntes Gebiet „{area}“.")
        return area

    def areas(self, viewer: Viewer | None, level: str | None = None,
              period: str | None = None) -> pd.DataFrame:
        """Areas (code, name, level, parent_code), optionally of one level; with `period`
        the areas valid then (on its key date), else the current ones."""
        require_login(viewer)
        level = self.check_level(level)
        period = check_period(period)
        info = self.areas_info()
        frame = info.valid_at(key_date(period))[0] if period else info.frame
        if level is not None:
            frame = frame[frame["level"] == level]
        return frame.reset_index(drop=True)

    def all_areas(self, viewer: Viewer | None, level: str | None = None) -> pd.DataFrame:
        """Every area of every Gebietsstand (old ones too, for their periods), newest
        version each: code, name, level, parent_code, valid_from, valid_to."""
        require_login(viewer)
        level = self.check_level(level)
        frame = self.areas_info().latest
        if level is not None:
            frame = frame[frame["level"] == level]
        return frame.reset_index(drop=True)

    def geojson(self, viewer: Viewer | None, level: str | None = None,
                period: str | None = None) -> dict[str, Any]:
        """A FeatureCollection of the areas of one level (default: the lowest level),
        `properties.code` as key; with `period` the areas and boundaries valid then, else
        the current ones."""
        level = self.check_level(level) or self.declared_levels().bottom.id
        frame = self.areas(viewer, level, period)
        key = f"geojson:{level}:{key_date(period) if period else ''}"
        cached = self._geojson.get(key)
        if cached is not None:
            return cached
        info = self.areas_info()
        if period:
            wanted = set(frame["code"])  # once: per feature it made this quadratic
            geometries = {code: json.loads(text) for code, text
                          in info.geometries_at(key_date(period)).items() if code in wanted}
        else:
            geometries = info.geometries
        self._geojson[key] = collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "id": row.code,
                 "properties": {"code": row.code, "name": row.name, "level": row.level},
                 "geometry": geometries[row.code]}
                for row in frame.itertuples() if row.code in geometries
            ],
        }
        return collection

    def _record(self, viewer: Viewer, action: str, detail: str | dict[str, Any]) -> None:
        """Hand one audit entry to the sink; a dict becomes the JSON object string that
        every audit entry's detail is."""
        if self._audit is not None:
            if not isinstance(detail, str):
                detail = audit_detail(detail)
            self._audit(viewer.name, action, detail)

    # -- deliveries --------------------------------------------------------------
    def deliveries(self, viewer: Viewer | None) -> DeliveryDesk:
        """Checking and publishing deliveries for one viewer (cockpit/access/delivery.py):
        a check report compares with published data only for roles that may view raw
        values, and is then audited."""
        from cockpit.access.delivery import DeliveryDesk  # imports ingest; only needed here

        return DeliveryDesk(self.inst, require_login(viewer), self._audit)

    # -- budget ------------------------------------------------------------------
    def budget(self, viewer: Viewer | None) -> BudgetDesk:
        """The Haushalt lines this viewer may see (cockpit/access/budget.py): the
        indicators' role and classification rule, applied to the budget dataset."""
        from cockpit.access.budget import BudgetDesk  # reads the catalogue; only needed here

        return BudgetDesk(self, require_login(viewer))


def _select(table: ValueTable, scope: Scope, level: str | None, period: str | None,
            wanted: list[str] | None, all_periods: bool) -> np.ndarray:
    """Row positions of `table` for a viewer's scope, a level, a period (None: the
    latest among the rows selected, unless `all_periods`) and maybe some areas.

    Row positions first, tuples only for what is returned: a profile asks ~80 times
    per request, a ranking of 11,000 areas once.
    """
    if level is not None and level not in table.levels:
        return np.zeros(0, dtype=np.int64)
    if period is not None and period not in table.periods:
        return np.zeros(0, dtype=np.int64)
    if wanted is not None:
        rows = table.of_areas(wanted)
    elif period is not None:
        rows = np.arange(*table.period_rows[period])
    else:
        rows = np.arange(len(table))
    if wanted is None and scope.areas is not None:
        rows = rows[table.in_areas(scope.areas)[rows]]
    if level is not None:
        rows = rows[table.level_idx[rows] == table.level_names.index(level)]
    if period is not None:
        rows = rows[table.period_idx[rows] == table.periods.index(period)]
    elif not all_periods and len(rows):
        # "Latest" is the period that ends last: 2024 (31.12.) after 2024-06 (30.06.);
        # the table's period numbers follow that order.
        rows = rows[table.period_idx[rows] == table.period_idx[rows].max()]
    return rows


def require_login(viewer: Viewer | None) -> Viewer:
    """Raise NotLoggedIn unless someone is logged in."""
    if viewer is None:
        raise NotLoggedIn("Bitte melden Sie sich an.")
    return viewer


def check_level(level: str | None, levels: Levels) -> str | None:
    """Return the level if it is one of the declared `levels` (or None for none given)."""
    if level in (None, ""):
        return None
    if not isinstance(level, str) or level not in levels:
        shown = str(level)[:32]
        raise BadParameter(f"Unbekannte Ebene „{shown}“; erlaubt sind "
                           f"{', '.join(levels.ids)}.")
    return level


def key_date(period: str) -> date:
    """The key date (last day) of a checked period; BadParameter for a year like 0000."""
    try:
        return period_end(period)
    except ValueError as exc:
        raise BadParameter(f"Zeitraum {period} hat keinen gültigen Stichtag.") from exc


def check_period(period: str | None) -> str | None:
    """Return the period if it is a year, half-year, quarter or month (or None)."""
    if period in (None, ""):
        return None
    if not isinstance(period, str) or not PERIOD_PATTERN.fullmatch(period):
        raise BadParameter("Ungültiger Zeitraum; erwartet wird ein Jahr (2024), ein Halbjahr "
                           "(2024-H1), ein Quartal (2024-Q3) oder ein Monat (2024-06).")
    return period
