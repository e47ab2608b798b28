"""The gate: the only way from the store to a page, callback, API handler or export.

It decides with `policy.indicator_scope` which indicators and areas a viewer may
see, applies small-count suppression, and returns only what may be shown; a
value a viewer may not see never leaves this module. Computed indicator frames
are cached per data version and carry no viewer information, so one viewer's
cache can never serve another; scoping and blanking happen per call.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from cockpit.access.errors import AccessDenied, BadParameter, NotFound, NotLoggedIn
from cockpit.access.policy import Scope, indicator_scope
from cockpit.access.suppression import derived_flags, suppress_indicator_frame
from cockpit.access.viewer import Viewer
from cockpit.appdb import audit_detail
from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.indicators.model import Indicator
from cockpit.periods import PERIOD_PATTERN as _PERIOD_RULE
from cockpit.periods import period_end, sort_periods
from cockpit.periods import sort_key as period_sort_key
from cockpit.territory.correspondence import converted_hidden
from cockpit.territory.levels import Levels, demo_levels, read_levels

if TYPE_CHECKING:
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
class _Table:
    """An indicator's rows as tuples in VALUE_COLUMNS order, sorted by period (end date)
    and area; `periods` oldest first by end date."""

    records: list[tuple]
    by_area: dict[str, list[tuple]]
    levels: frozenset[str]
    periods: tuple[str, ...]


@dataclass(frozen=True)
class Areas:
    """The territory: the current areas (names, levels, hierarchy) and every earlier
    version of it (Gebietsstand), so a period shows the areas valid then."""

    frame: pd.DataFrame  # current areas: code, name, level, parent_code
    parents: dict[str, str | None]  # current parent relation
    descendants: dict[str, frozenset[str]]  # over every version: old areas stay in scope
    geometries: dict[str, dict]  # current geometry per code
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

        def below(code: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
            found: set[str] = set()
            for child in children.get(code, ()):
                if child not in seen:
                    found |= {child, *below(child, seen | {code})}
            return frozenset(found)

        shapes = {
            (code, pd.Timestamp(valid_from).date()): geojson
            for code, valid_from, geojson in conn.execute(
                "SELECT code, valid_from, geojson FROM area_geometries").fetchall()
        }
        geometries = {code: json.loads(geojson) for code, geojson
                      in _pick_shapes(shapes, set(current["code"]), date.max).items()}
        return cls(frame, parents, {code: below(code) for code in set(versions["code"])},
                   geometries, read_levels(conn), versions.reset_index(drop=True), shapes, {})

    @property
    def latest(self) -> pd.DataFrame:
        """Every area there ever was, in its newest version: code, name, level,
        parent_code, valid_from, valid_to (None while still valid)."""
        return self.versions.drop_duplicates("code", keep="last").reset_index(drop=True)

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


class Gate:
    """Hands out indicator data, scoped and suppressed for one viewer at a time."""

    def __init__(self, inst: Installation, audit: AuditSink | None = None) -> None:
        self.inst = inst
        self.registry = inst.registry
        self._audit = audit
        self._lock = threading.Lock()
        self._version: str | None = None
        self._areas: Areas | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._frame_locks: dict[str, threading.Lock] = {}
        self._geojson: dict[str, dict[str, Any]] = {}
        self._tables: dict[str, _Table] = {}

    # -- data version and caches -------------------------------------------
    def _sync(self) -> str:
        """Drop caches when a new snapshot has been published; return the version."""
        version = self.inst.store.current_version()
        if version is None:
            raise NotFound("Es ist noch kein Datenbestand veröffentlicht.")
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self._frames = {}
                    self._frame_locks = {}
                    self._geojson = {}
                    self._tables = {}
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

    def _frame(self, indicator: Indicator) -> pd.DataFrame:
        """All values of an indicator with their suppression flags, computed once."""
        version = self._sync()
        frame = self._frames.get(indicator.id)
        if frame is not None:
            return frame
        with self._lock:
            lock = self._frame_locks.setdefault(indicator.id, threading.Lock())
        with lock:
            frame = self._frames.get(indicator.id)
            if frame is None:
                frame = self._build_frame(indicator, version)
                if version == self._version:  # a newer snapshot may have arrived meanwhile
                    self._frames[indicator.id] = frame
        return frame

    def _table(self, indicator: Indicator) -> _Table:
        """The indicator's rows as tuples, indexed by area, built once per data version."""
        table = self._tables.get(indicator.id)
        if table is None:
            version = self._version
            frame = self._frame(indicator)
            records = sorted(frame.itertuples(index=False, name=None), key=_by_period_area)
            by_area: dict[str, list[tuple]] = {}
            for record in records:
                by_area.setdefault(record[_AREA], []).append(record)
            table = _Table(records, by_area, frozenset(frame["level"]),
                           tuple(sort_periods(frame["period"])))
            if version == self._version:
                self._tables[indicator.id] = table
        return table

    def _build_frame(self, indicator: Indicator, version: str) -> pd.DataFrame:
        areas = self.areas_info()
        frame = compute_indicator(self.inst.store.read(version), indicator,
                                  correspondences=self.inst.correspondences)
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
            source = self._frame(self.registry.get(source_id))
            hidden = source.loc[source["suppressed"], ["area_code", "period"]]
            frame["suppressed"] |= derived_flags(frame, set(hidden.itertuples(index=False,
                                                                               name=None)),
                                                 sort_periods(source["period"]))
        if frame["converted"].any():  # a weighted sum of old cells must not narrow one
            hidden = frame.loc[frame["suppressed"], ["area_code", "period"]]
            frame["suppressed"] |= converted_hidden(
                frame, hidden.itertuples(index=False, name=None), self.inst.correspondences)
        single = areas.versions["code"].is_unique  # no area ever changed: one name each
        named = None if single or not at else pd.concat(
            [valid.assign(period=p) for p, (valid, _) in at.items()], ignore_index=True)
        if single:
            latest = areas.latest.set_index("code")
            frame["name"] = frame["area_code"].map(latest["name"])
            frame["parent_code"] = frame["area_code"].map(latest["parent_code"])
        elif named is not None and len(named):
            frame = frame.merge(named[["code", "period", "name", "parent_code"]],
                                how="left", left_on=["area_code", "period"],
                                right_on=["code", "period"])
        else:
            frame["name"] = frame["parent_code"] = None
        current = areas.frame.set_index("code")
        frame["area_name"] = frame["name"].fillna(frame["area_code"].map(current["name"]))
        frame["parent_code"] = frame["parent_code"].where(
            frame["parent_code"].notna(), frame["area_code"].map(current["parent_code"]))
        frame["parent_code"] = frame["parent_code"].astype(object).where(
            frame["parent_code"].notna(), None)
        return frame[VALUE_COLUMNS].reset_index(drop=True)

    def min_count(self, indicator: Indicator) -> int:
        """The indicator's min_count, never below the minimum of any dataset it reads."""
        return max(indicator.min_count, self.inst.catalog.min_count(indicator.datasets))

    def warm(self, stop: threading.Event | None = None) -> None:
        """Compute every indicator once, so the first request does not wait; `stop`
        ends the loop between two indicators (a worker that shuts down)."""
        for indicator in self.registry:
            if stop is not None and stop.is_set():
                return
            try:
                self._frame(indicator)
            except Exception:  # noqa: BLE001 - a broken indicator fails on request, loudly
                if stop is not None and stop.is_set():
                    return  # interrupted because the process stops: not a broken indicator
                logger.exception("Indikator %s konnte nicht berechnet werden", indicator.id)

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
        return [ind for ind in self.registry if self.scope(viewer, ind).allowed]

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
        table = self._table(indicator)
        if area is not None:
            area = self.check_area(area)
            if not scope.covers(area):
                raise AccessDenied("Für dieses Gebiet fehlt Ihnen die Berechtigung.")
            areas = [area]
        # Plain tuples, not pandas: a profile asks ~80 times per request.
        if areas is not None:
            wanted = [code for code in dict.fromkeys(areas) if scope.covers(code)]
            records = [r for code in wanted for r in table.by_area.get(code, ())]
        elif scope.areas is None:
            records = table.records
        else:
            records = [r for r in table.records if r[_AREA] in scope.areas]
        if level is not None:
            if level not in table.levels:
                raise BadParameter(f"Der Indikator hat keine Werte auf der Ebene „{level}“.")
            records = [r for r in records if r[_LEVEL] == level]
        if period is not None:
            if period not in table.periods:
                raise BadParameter(f"Für den Zeitraum {period} gibt es keine Werte.")
            records = [r for r in records if r[_PERIOD] == period]
        elif not all_periods and records:
            # "Latest" is the period that ends last: 2024 (31.12.) after 2024-06 (30.06.).
            latest = max((r[_PERIOD] for r in records), key=period_sort_key)
            records = [r for r in records if r[_PERIOD] == latest]
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
        records.sort(key=_by_period_area)
        return [ValueRow._make(r) for r in records]

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
            geometries = {code: json.loads(text) for code, text
                          in info.geometries_at(key_date(period)).items()
                          if code in set(frame["code"])}
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


def _by_period_area(record: tuple) -> tuple:
    return (period_sort_key(record[_PERIOD]), record[_AREA])


def check_period(period: str | None) -> str | None:
    """Return the period if it is a year, half-year, quarter or month (or None)."""
    if period in (None, ""):
        return None
    if not isinstance(period, str) or not PERIOD_PATTERN.fullmatch(period):
        raise BadParameter("Ungültiger Zeitraum; erwartet wird ein Jahr (2024), ein Halbjahr "
                           "(2024-H1), ein Quartal (2024-Q3) oder ein Monat (2024-06).")
    return period
