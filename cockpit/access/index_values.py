"""Composite indices served by the gate like indicators (a mixin of `Gate`).

An index is computed once per data version from its components' tables as the gate
keeps them, and only from what the gate would show: a suppressed component cell
enters as missing (its value is never read), so no index output depends on it, and
the area is left unclassified ("ohne Zuordnung") by the documented rule of
`cockpit/indicators/composite.py`. Scoping (the index's classification is its most
restricted component's) and blanking happen per call in `Gate.rows`, exactly as for
an indicator; class labels and the breakdown are attached only to rows that call
returned.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from cockpit.access.errors import BadParameter
from cockpit.access.table_cache import definition_key
from cockpit.access.value_table import ValueTable
from cockpit.indicators.composite import (
    CLASSIFIED,
    REASONS_DE,
    SUPPRESSED_COMPONENT,
    UNCLASSIFIED_DE,
    change,
    combine,
    compute_index,
)
from cockpit.indicators.index_spec import CompositeIndex
from cockpit.indicators.sandbox import observation_periods
from cockpit.periods import period_end, sort_periods

if TYPE_CHECKING:
    from cockpit.access.viewer import Viewer


class IndexRow(NamedTuple):
    """One row of an index as the gate hands it out: the value row plus its class."""

    area_code: str
    area_name: str
    level: str
    parent_code: str | None
    period: str
    value: float | None  # None where unclassified
    suppressed: bool
    klass: int  # 0..k-1 in ascending index value, -1 "ohne Zuordnung"
    label: str  # the class label, or "ohne Zuordnung"
    reason: str | None  # why there is no class (German), None when classified


@dataclass(frozen=True)
class IndexDetails:
    """Everything computed for one index and data version (no viewer information)."""

    frame: pd.DataFrame  # the gate's value columns
    klass: np.ndarray  # per frame row
    reason: np.ndarray  # per frame row
    standardised: np.ndarray  # (rows, components) signed standardised values
    cutoffs: dict[tuple[str, str], tuple[float, ...]]  # (level, period) -> cut-offs
    valid: dict[tuple[str, str], int]  # (level, period) -> size of the reference set
    codes: pd.Index  # every area code the rows may have
    periods: pd.Index  # every period the rows may have
    lookup: np.ndarray  # period number * len(codes) + code number -> frame row, or -1

    def positions(self, codes: Any, periods: Any) -> np.ndarray:
        """Frame rows of (area code, period) pairs, -1 where the index has none."""
        code_at = self.codes.get_indexer(pd.Index(np.asarray(codes, dtype=object)))
        period_at = self.periods.get_indexer(pd.Index(np.asarray(periods, dtype=object)))
        known = (code_at >= 0) & (period_at >= 0)
        out = np.full(len(code_at), -1, dtype=np.int64)
        out[known] = self.lookup[period_at[known] * len(self.codes) + code_at[known]]
        return out


def shift_years(period: str, years: int) -> str:
    """The same period `years` earlier: 2024 -> 2022, 2024-H1 -> 2022-H1."""
    return f"{int(period[:4]) - years:04d}{period[4:]}"


#: One source of an index: its full table, or the tables of the periods needed (a
#: period computed alone; None where the source has no rows in that period).
Source = ValueTable | Sequence[ValueTable | None]


def _parts(source: Source) -> list[ValueTable]:
    if isinstance(source, ValueTable):
        return [source]
    return [table for table in source if table is not None]


class _Sources:
    """The source tables of an index, laid out as period x area x component arrays
    (only the `periods` asked for, when given)."""

    def __init__(self, sources: Sequence[Source], levels: tuple[str, ...],
                 periods: Collection[str] | None = None) -> None:
        tables = [_parts(source) for source in sources]
        found = {p for parts in tables for t in parts for p in t.periods}
        self.periods = sort_periods(found if periods is None else found & set(periods))
        codes = pd.Index(sorted({str(c) for parts in tables for t in parts for c in t.codes}),
                         dtype=object)
        self.index = codes
        self.codes = codes.to_numpy(dtype=object)
        shape = (len(self.periods), len(codes), len(tables))
        self.values = np.full(shape, np.nan, dtype=np.float64)
        self.hidden = np.zeros(shape, dtype=bool)
        self.present = np.zeros(shape[:2], dtype=bool)
        self.level = np.full(len(codes), -1, dtype=np.int16)  # index into `levels`
        period_at = pd.Index(self.periods, dtype=object)
        for k, parts in enumerate(tables):
            for table in parts:
                self._lay_out(k, table, codes, period_at, levels)

    def _lay_out(self, k: int, table: ValueTable, codes: pd.Index, period_at: pd.Index,
                 levels: tuple[str, ...]) -> None:
        """Put one table's rows (of the kept periods and levels) into component `k`."""
        area_map = codes.get_indexer(pd.Index(table.codes.astype(str), dtype=object))
        period_map = period_at.get_indexer(pd.Index(list(table.periods), dtype=object))
        level_map = np.array([levels.index(n) if n in levels else -1
                              for n in table.level_names], dtype=np.int16)
        row_level = level_map[table.level_idx]
        keep = (row_level >= 0) & (period_map[table.period_idx] >= 0)
        area = area_map[table.area_idx[keep]]
        period = period_map[table.period_idx[keep]]
        self.values[period, area, k] = table.numbers["value"][keep]
        self.hidden[period, area, k] = table.suppressed[keep]
        self.present[period, area] = True
        self.level[area] = row_level[keep]


def compute_details(index: CompositeIndex, tables: Sequence[Source],
                    names_at: Any, period: str | None = None) -> IndexDetails:
    """The index over every declared level and every period its components have, or
    over one `period` alone.

    `tables` are the sources of `index.sources` (components, then the population
    indicator if any): each its full ValueTable or, for one period, the tables of that
    period (and, for a dynamics index, of its base period); `names_at(period, codes)`
    gives the names and parent codes of all `codes` (object arrays aligned with them) in
    that period. One period computed alone gives exactly that period's rows of the full
    computation: every reference set is one level and one period."""
    wanted = None if period is None else (
        [period, shift_years(period, index.change_years)] if index.index_kind == "dynamics"
        else [period])
    src = _Sources(tables, index.levels, wanted)
    k = len(index.components)
    has_population = index.population is not None
    parts: list[dict[str, Any]] = []
    cutoffs: dict[tuple[str, str], tuple[float, ...]] = {}
    valid: dict[tuple[str, str], int] = {}
    period_pos = {p: i for i, p in enumerate(src.periods)}
    excluded_all = np.isin(src.codes, np.array(index.excluded, dtype=object))
    for p_i, current in enumerate(src.periods):
        if period is not None and current != period:
            continue  # a base period, laid out for the changes only
        values, hidden = src.values[p_i, :, :k], src.hidden[p_i, :, :k]
        if index.index_kind == "dynamics":
            earlier = period_pos.get(shift_years(current, index.change_years))
            if earlier is None:
                continue  # no base period: no dynamics for this period
            values = change(values, src.values[earlier, :, :k], index.change_how)
            hidden = hidden | src.hidden[earlier, :, :k]
        for l_i, level in enumerate(index.levels):
            rows = np.flatnonzero(src.present[p_i] & (src.level == l_i))
            if not len(rows):
                continue
            population = (src.values[p_i, rows, k] if has_population
                          else np.full(len(rows), np.inf))
            # A hidden population is unknown (NaN): the area is not ranked.
            if has_population:
                population = np.where(src.hidden[p_i, rows, k], np.nan, population)
            result = compute_index(index.method, values[rows], population, hidden[rows],
                                   excluded_all[rows])
            cutoffs[(level, current)] = result.cutoffs
            valid[(level, current)] = result.valid
            parts.append({"rows": rows, "period": p_i, "level": level,
                          "value": result.value, "klass": result.klass,
                          "reason": result.reason, "standardised": result.standardised})
    return _assemble(src, parts, k, cutoffs, valid, names_at)


def _assemble(src: _Sources, parts: list[dict[str, Any]], k: int,
              cutoffs: dict, valid: dict, names_at: Any) -> IndexDetails:
    """One frame of all parts, built column by column (no Python loop over rows)."""
    periods = pd.Index(src.periods, dtype=object)
    lookup = np.full(len(periods) * len(src.codes), -1, dtype=np.int64)
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
        return IndexDetails(_typed(frame), np.zeros(0, np.int16), np.zeros(0, np.int8),
                            np.zeros((0, k)), cutoffs, valid, src.index, periods, lookup)
    rows = np.concatenate([p["rows"] for p in parts])
    period_no = np.concatenate([np.full(len(p["rows"]), p["period"]) for p in parts])
    levels = list(dict.fromkeys(p["level"] for p in parts))
    level_no = np.concatenate([np.full(len(p["rows"]), levels.index(p["level"]))
                               for p in parts])
    names = np.empty(len(rows), dtype=object)
    parents = np.empty(len(rows), dtype=object)
    start = 0
    for part in parts:
        stop = start + len(part["rows"])
        all_names, all_parents = names_at(src.periods[part["period"]], src.codes)
        names[start:stop] = all_names[part["rows"]]
        parents[start:stop] = all_parents[part["rows"]]
        start = stop
    reason = np.concatenate([p["reason"] for p in parts])
    # Categorical text columns: built from numbers, and the gate's ValueTable factorises
    # them without hashing 170,000 strings again.
    frame = _typed(pd.DataFrame({
        "area_code": pd.Categorical.from_codes(rows, categories=src.index),
        "area_name": pd.Categorical(names),
        "level": pd.Categorical.from_codes(level_no, categories=levels),
        "parent_code": pd.Categorical(parents),
        "period": pd.Categorical.from_codes(period_no, categories=periods),
        "value": np.concatenate([p["value"] for p in parts]),
        "suppressed": reason == SUPPRESSED_COMPONENT,
    }))
    lookup[period_no * len(src.codes) + rows] = np.arange(len(rows))
    return IndexDetails(frame, np.concatenate([p["klass"] for p in parts]), reason,
                        np.concatenate([p["standardised"] for p in parts]), cutoffs, valid,
                        src.index, periods, lookup)


_COLUMNS = ("area_code", "area_name", "level", "parent_code", "period", "value",
            "suppressed")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The gate's value columns: an index has no numerator or denominator and is never
    a partial sum or converted."""
    frame = frame.copy()
    frame["value"] = frame["value"].astype("float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame["numerator"] = np.nan
    frame["denominator"] = np.nan
    frame["incomplete"] = False
    frame["missing"] = 0
    frame["expected"] = 0
    frame["converted"] = False
    if not isinstance(frame["parent_code"].dtype, pd.CategoricalDtype):
        frame["parent_code"] = frame["parent_code"].astype(object).where(
            frame["parent_code"].notna(), None)
    return frame


def combine_details(status: IndexDetails, dynamics: IndexDetails,
                    dynamics_classes: int) -> IndexDetails:
    """The combined index: the class status x dynamics where both have the area and
    period; its value is the class number (1-based), NaN where unclassified."""
    d_all = dynamics.positions(status.frame["area_code"].to_numpy(dtype=object),
                               status.frame["period"].to_numpy(dtype=object))
    s_rows = np.flatnonzero(d_all >= 0)
    d_rows = d_all[s_rows]
    klass = combine(status.klass[s_rows], dynamics.klass[d_rows], dynamics_classes)
    s_reason, d_reason = status.reason[s_rows], dynamics.reason[d_rows]
    reason = np.where(s_reason != CLASSIFIED, s_reason, d_reason).astype(np.int8)
    frame = status.frame.iloc[s_rows].reset_index(drop=True).copy()
    frame["value"] = np.where(klass >= 0, klass + 1.0, np.nan)
    frame["suppressed"] = reason == SUPPRESSED_COMPONENT
    standardised = np.column_stack([status.frame["value"].to_numpy()[s_rows],
                                    dynamics.frame["value"].to_numpy()[d_rows]])
    lookup = np.full(len(status.lookup), -1, dtype=np.int64)
    keys = np.flatnonzero(status.lookup >= 0)  # slots of the status rows
    slot_of_row = np.empty(len(status.frame), dtype=np.int64)
    slot_of_row[status.lookup[keys]] = keys
    lookup[slot_of_row[s_rows]] = np.arange(len(s_rows))
    cutoffs = {key: () for key in status.cutoffs if key in dynamics.cutoffs}
    valid = {key: min(status.valid[key], dynamics.valid[key]) for key in cutoffs}
    return IndexDetails(frame, klass, reason, standardised, cutoffs, valid, status.codes,
                        status.periods, lookup)


class _NamesAt:
    """Names and parent codes of areas as they were in a period (their Gebietsstand),
    for whole arrays of codes; periods with the same areas share one lookup."""

    def __init__(self, areas: Any) -> None:
        self.areas = areas
        self.by_frame: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        current = areas.frame
        self.current = (pd.Index(current["code"].to_numpy(dtype=object)),
                        current["name"].to_numpy(dtype=object),
                        current["parent_code"].to_numpy(dtype=object))

    def __call__(self, period: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Names and parents of `codes` (the same array on every call of one
        computation) in `period`."""
        frame, _ = self.areas.valid_at(period_end(period))
        found = self.by_frame.get(id(frame))
        if found is None:
            names, parents = _take((pd.Index(frame["code"].to_numpy(dtype=object)),
                                    frame["name"].to_numpy(dtype=object),
                                    frame["parent_code"].to_numpy(dtype=object)), codes)
            # An area not valid then (a converted past) keeps its current name.
            missing = pd.isna(names)
            if missing.any():
                now_names, now_parents = _take(self.current, codes[missing])
                names[missing] = np.where(pd.isna(now_names), codes[missing], now_names)
                parents[missing] = now_parents
            found = self.by_frame[id(frame)] = (names, parents)
        return found


def _take(found: tuple[pd.Index, np.ndarray, np.ndarray], codes: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    index, names, parents = found
    at = index.get_indexer(pd.Index(codes, dtype=object))
    ok = at >= 0
    out_names = np.full(len(codes), None, dtype=object)
    out_parents = np.full(len(codes), None, dtype=object)
    out_names[ok] = names[at[ok]]
    out_parents[ok] = parents[at[ok]]
    return out_names, out_parents


@dataclass(frozen=True)
class KeptIndex:
    """An index as the gate keeps it per data version: its value table and, per row of
    that table, the class, the reason without class and the signed standardised values;
    the cut-offs and reference-set sizes per (level, period).

    Nothing else of the computation is kept (the frame, the per-code lookup): at 11,000
    areas that was ~20 MB per index and worker. With shared tables the arrays are
    columns of the table's file, so every worker maps one copy.
    """

    table: ValueTable | None  # None: the index has no rows
    klass: np.ndarray  # per table row, -1 unclassified
    reason: np.ndarray  # per table row
    standardised: np.ndarray  # (table rows, components)
    cutoffs: dict[tuple[str, str], tuple[float, ...]]
    valid: dict[tuple[str, str], int]

    def positions(self, codes: Any, periods: Any) -> np.ndarray:
        """Table rows of (area code, period) pairs, -1 where the index has none."""
        codes, periods = list(codes), list(periods)
        out = np.full(len(codes), -1, dtype=np.int64)
        table = self.table
        if table is None or not codes:
            return out
        code_no = np.array([table.code_at.get(c, -1) for c in codes], dtype=np.int64)
        period_at = {p: i for i, p in enumerate(table.periods)}
        period_no = np.array([period_at.get(p, -1) for p in periods], dtype=np.int64)
        for p_i in np.unique(period_no[period_no >= 0]).tolist():
            start, stop = table.period_rows[table.periods[p_i]]
            asked = np.flatnonzero((period_no == p_i) & (code_no >= 0))
            # A period's rows are sorted by area number (ValueTable's order).
            areas = table.area_idx[start:stop]
            at = np.searchsorted(areas, code_no[asked])
            found = at < len(areas)
            found[found] = areas[at[found]] == code_no[asked][found]
            out[asked[found]] = start + at[found]
        return out


_KLASS, _REASON, _STANDARDISED, _META = ("index_klass", "index_reason", "index_std",
                                         "index_meta")


class _NoRows(Exception):  # noqa: N818 - not an error: an index without any row
    """Raised out of a shared table's build: an index without rows has no file."""

    def __init__(self, kept: KeptIndex) -> None:
        super().__init__("no rows")
        self.kept = kept


def keep(details: IndexDetails) -> KeptIndex:
    """The computed index in the form the gate keeps (rows in its table's order)."""
    if not len(details.frame):
        return KeptIndex(None, details.klass, details.reason, details.standardised,
                         details.cutoffs, details.valid)
    table = ValueTable(details.frame)
    code_map = details.codes.get_indexer(pd.Index(table.codes, dtype=object))
    period_map = details.periods.get_indexer(pd.Index(list(table.periods), dtype=object))
    rows = details.lookup[period_map[table.period_idx] * len(details.codes)
                          + code_map[table.area_idx]]
    return KeptIndex(table, details.klass[rows], details.reason[rows],
                     details.standardised[rows], details.cutoffs, details.valid)


def combine_kept(status: KeptIndex, dynamics: KeptIndex, dynamics_classes: int
                 ) -> KeptIndex:
    """The combined index (as `combine_details`) from the two kept indices: the class
    status x dynamics where both have the area and period; its value is the class
    number (1-based), NaN where unclassified."""
    cutoffs = {key: () for key in status.cutoffs if key in dynamics.cutoffs}
    valid = {key: min(status.valid[key], dynamics.valid[key]) for key in cutoffs}
    s_table = status.table
    if s_table is None or dynamics.table is None:
        return KeptIndex(None, np.zeros(0, np.int16), np.zeros(0, np.int8),
                         np.zeros((0, 2)), cutoffs, valid)
    codes = s_table.codes[s_table.area_idx]
    periods = np.asarray(s_table.periods, dtype=object)[s_table.period_idx]
    d_all = dynamics.positions(codes, periods)
    s_rows = np.flatnonzero(d_all >= 0)
    d_rows = d_all[s_rows]
    klass = combine(status.klass[s_rows], dynamics.klass[d_rows], dynamics_classes)
    s_reason, d_reason = status.reason[s_rows], dynamics.reason[d_rows]
    reason = np.where(s_reason != CLASSIFIED, s_reason, d_reason).astype(np.int8)
    standardised = np.column_stack([s_table.numbers["value"][s_rows],
                                    dynamics.table.numbers["value"][d_rows]])
    if not len(s_rows):
        return KeptIndex(None, klass, reason, standardised, cutoffs, valid)
    names, parents = s_table.names, s_table.parents
    frame = _typed(pd.DataFrame({
        "area_code": codes[s_rows],
        "area_name": [names[i] for i in s_table.column("name_idx", s_rows).tolist()],
        "level": np.asarray(s_table.level_names, dtype=object)[s_table.level_idx[s_rows]],
        "parent_code": [parents[i] for i in s_table.column("parent_idx", s_rows).tolist()],
        "period": periods[s_rows],
        "value": np.where(klass >= 0, klass + 1.0, np.nan),
        "suppressed": reason == SUPPRESSED_COMPONENT,
    }))
    table = ValueTable(frame)
    # Rows of the combined table in the order of `frame` (the same order; not assumed).
    at = KeptIndex(table, klass, reason, standardised, {}, {}).positions(
        frame["area_code"], frame["period"])
    order = np.empty(len(at), dtype=np.int64)
    order[at] = np.arange(len(at))
    return KeptIndex(table, klass[order], reason[order], standardised[order], cutoffs,
                     valid)


def with_details(kept: KeptIndex) -> ValueTable:
    """The index's table with the class columns and cut-offs added (written to its file)."""
    table = kept.table
    assert table is not None
    meta = {"cutoffs": [[level, period, [float(c) for c in cuts]]
                        for (level, period), cuts in kept.cutoffs.items()],
            "valid": [[level, period, int(n)] for (level, period), n in kept.valid.items()],
            "components": int(kept.standardised.shape[1])}
    table.columns[_KLASS] = np.ascontiguousarray(kept.klass)
    table.columns[_REASON] = np.ascontiguousarray(kept.reason)
    table.columns[_STANDARDISED] = np.ascontiguousarray(kept.standardised,
                                                        dtype=np.float64).ravel()
    table.columns[_META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return table


def from_details(table: ValueTable) -> KeptIndex:
    """The kept index from a table written by `with_details` (views of its columns)."""
    meta = json.loads(table.columns[_META].tobytes().decode("utf-8"))
    k = int(meta["components"])
    return KeptIndex(
        table, table.columns[_KLASS], table.columns[_REASON],
        table.columns[_STANDARDISED].reshape(len(table), k),
        {(level, period): tuple(cuts) for level, period, cuts in meta["cutoffs"]},
        {(level, period): n for level, period, n in meta["valid"]})


class IndexGate:
    """The gate's methods for composite indices (mixed into `Gate`)."""

    def _index_key(self, index: CompositeIndex) -> str:
        """What an index's table follows from besides the data: its definition and the
        keys of its components' (or, combined, its two indices') tables."""
        gate: Any = self
        if index.index_kind == "combined":
            sources = [self._index_key(gate.registry.get(i))
                       for i in (index.status_id, index.dynamics_id)]
        else:
            sources = [gate._definition_key(gate.registry.get(s)) for s in index.sources]
        return definition_key(index, 0, None, sources)

    def _index_parts(self, index: CompositeIndex) -> tuple[KeptIndex, ValueTable | None]:
        """The index computed once per data version (under the gate's per-id lock), and
        its value table (None when it has no rows); with shared tables computed by one
        worker and mapped by all (table_cache)."""
        gate: Any = self
        version = gate._sync()
        cache = gate.__dict__.setdefault("_index_cache", {})
        cached = cache.get(index.id)
        if cached is not None and cached[0] == version:
            return cached[1]
        with gate._lock:
            lock = gate._frame_locks.setdefault(f"index:{index.id}", threading.Lock())
        with lock:
            cached = cache.get(index.id)
            if cached is not None and cached[0] == version:
                return cached[1]
            kept = self._kept_index(index, version)
            if version == gate._version:
                cache[index.id] = (version, (kept, kept.table))
            return kept, kept.table

    def _kept_index(self, index: CompositeIndex, version: str) -> KeptIndex:
        gate: Any = self

        def compute() -> KeptIndex:
            if index.index_kind == "combined":
                status = gate.registry.get(index.status_id)
                dynamics = gate.registry.get(index.dynamics_id)
                return combine_kept(self._index_parts(status)[0],
                                    self._index_parts(dynamics)[0], len(dynamics.classes))
            tables = [gate._table(gate.registry.get(s)) for s in index.sources]
            return keep(compute_details(index, tables, _NamesAt(gate.areas_info())))

        if gate._shared is None:
            return compute()

        def build() -> ValueTable:
            kept = compute()
            if kept.table is None:
                raise _NoRows(kept)
            return with_details(kept)

        try:
            table = gate._shared.table(version, gate.inst.store.snapshot_path(version),
                                       f"index.{index.id}", self._index_key(index), build)
        except _NoRows as empty:
            return empty.kept
        if _META not in table.columns:  # cannot happen with this code's files
            return compute()
        return from_details(table)

    def _index_full(self, index: CompositeIndex) -> tuple[IndexDetails, ValueTable | None
                                                         ] | None:
        """The whole index if it is already computed for the current data version."""
        gate: Any = self
        version = gate._sync()
        cached = gate.__dict__.get("_index_cache", {}).get(index.id)
        if cached is not None and cached[0] == version:
            return cached[1]
        return self._index_mapped(index, version)

    def _index_mapped(self, index: CompositeIndex, version: str
                      ) -> tuple[KeptIndex, ValueTable | None] | None:
        """The whole index from the shared file another worker wrote, kept from now on
        (None without shared tables or before any worker wrote it): a worker does not
        compute periods of an index the other one has already computed whole."""
        gate: Any = self
        if gate._shared is None:
            return None
        table = gate._shared.find(version, gate.inst.store.snapshot_path(version),
                                  f"index.{index.id}", self._index_key(index))
        if table is None or _META not in table.columns:
            return None
        kept = from_details(table)
        if version == gate._version:
            gate.__dict__.setdefault("_index_cache", {})[index.id] = (version,
                                                                      (kept, kept.table))
        return kept, kept.table

    def _index_lazy(self, index: CompositeIndex) -> bool:
        """Whether one period of the index is computed alone (the gate's `_lazy`): until
        the whole index is there, a request for one period waits for that period only,
        and so for only that period of each component (and its base period)."""
        return self._index_full(index) is None

    def _index_candidates(self, index: CompositeIndex) -> tuple[str, ...]:
        """Every period the index can have rows for, oldest first (the gate's
        `_period_candidates`): those of its sources; for a dynamics index those with
        their base period; for a combined index those of both its parts."""
        gate: Any = self
        if index.index_kind == "combined":
            status = self._index_candidates(gate.registry.get(index.status_id))
            dynamics = set(self._index_candidates(gate.registry.get(index.dynamics_id)))
            return tuple(p for p in status if p in dynamics)
        # The periods of every dataset its sources read (`datasets` is their union), in
        # one look instead of one per source: the same set.
        found = set(observation_periods(gate.inst.store.read(gate._sync()), index.datasets))
        if index.index_kind == "dynamics":
            found = {p for p in found if shift_years(p, index.change_years) in found}
        return tuple(sort_periods(found))

    def _index_period_table(self, index: CompositeIndex, period: str) -> ValueTable | None:
        """The index's rows of one period (the gate's `_period_table`; None: no rows)."""
        return self._index_period_parts(index, period)[1]

    def _index_details(self, index: CompositeIndex, period: str) -> IndexDetails:
        """What was computed for `period`: the whole index when it is there, else that
        period alone."""
        full = self._index_full(index)
        return full[0] if full is not None else self._index_period_parts(index, period)[0]

    def _index_period_parts(self, index: CompositeIndex, period: str
                            ) -> tuple[IndexDetails, ValueTable | None]:
        """The index for one period alone, once per data version: from that period's
        tables of its components (and their base period for a dynamics index), each
        computed alone unless its full table is there. The reference sets are a level
        and a period, so these are the rows the whole index has for that period."""
        gate: Any = self
        full = self._index_full(index)
        if full is not None:
            return full
        version = gate._sync()
        cache = gate.__dict__.setdefault("_index_period_cache", {})
        key = (index.id, period)
        cached = cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        with gate._lock:
            lock = gate._frame_locks.setdefault(f"index:{index.id}:{period}",
                                                threading.Lock())
        with lock:
            cached = cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            if index.index_kind == "combined":
                status = gate.registry.get(index.status_id)
                dynamics = gate.registry.get(index.dynamics_id)
                status_part = self._index_period_parts(status, period)[0]
                dynamics_part = self._index_period_parts(dynamics, period)[0]
                if isinstance(status_part, KeptIndex) or isinstance(dynamics_part, KeptIndex):
                    # A part is there whole (kept compactly, as the warm-up leaves it):
                    # the combined index is then made whole from the kept parts.
                    return self._index_parts(index)
                details = combine_details(status_part, dynamics_part, len(dynamics.classes))
            else:
                wanted = [period] if index.index_kind != "dynamics" else [
                    period, shift_years(period, index.change_years)]
                # The population threshold is applied in the period itself: the
                # population of a dynamics index's base period is never read.
                k = len(index.components)
                sources = [self._source_periods(gate.registry.get(s),
                                                wanted if i < k else [period])
                           for i, s in enumerate(index.sources)]
                details = compute_details(index, sources, _NamesAt(gate.areas_info()),
                                          period)
            table = ValueTable(details.frame) if len(details.frame) else None
            if version == gate._version:
                if any(v != version for v, _ in cache.values()):
                    cache.clear()  # a new data version: the old periods go
                cache[key] = (version, (details, table))
            return details, table

    def _source_periods(self, source: Any, periods: list[str]) -> Source:
        """A component's full table when it is there (or cannot be computed by period),
        else its tables of `periods` alone (None for a period its datasets lack)."""
        gate: Any = self
        if not gate._lazy(source):
            return gate._table(source)
        # A period its datasets lack gives no rows (None), as in the whole table.
        return [gate._period_table(source, p) for p in periods]

    def _index_table(self, index: CompositeIndex) -> ValueTable:
        """The index as the gate's value table (what `rows`, `periods`, `levels` read)."""
        _, table = self._index_parts(index)
        if table is None:
            raise BadParameter(f"Der Index „{index.title_de}“ hat keine Werte.")
        return table

    def index_rows(self, viewer: Viewer | None, index_id: str, **params: Any
                   ) -> list[IndexRow]:
        """The rows `Gate.rows` returns for an index (scoped, checked, blanked), each
        with its class label; parameters as for `rows`."""
        gate: Any = self
        index = gate.indicator(viewer, index_id)
        if index.kind != "index":
            raise BadParameter(f"„{index_id}“ ist kein Index.")
        rows = gate.rows(viewer, index_id, **params)
        out = []
        for row, (klass, label, reason) in zip(rows, self.index_classes(index, rows),
                                               strict=True):
            value = None if row.value is None or math.isnan(row.value) else row.value
            out.append(IndexRow(row.area_code, row.area_name, row.level, row.parent_code,
                                row.period, value, row.suppressed, klass, label, reason))
        return out

    def index_classes(self, index: CompositeIndex, rows: list[Any]
                      ) -> list[tuple[int, str, str | None]]:
        """(class number, label, reason without class) for value rows the gate already
        returned for this index (`rows`/`answer`: scoped and checked there)."""
        periods = [r.period for r in rows]
        out: list[tuple[int, str, str | None]] = [(-1, UNCLASSIFIED_DE, None)] * len(rows)
        for period in dict.fromkeys(periods):  # one lookup per period (usually one)
            details = self._index_details(index, period)
            at = [i for i, p in enumerate(periods) if p == period]
            found = details.positions([rows[i].area_code for i in at], [period] * len(at))
            for i, pos in zip(at, found.tolist(), strict=True):
                klass, reason = int(details.klass[pos]), int(details.reason[pos])
                out[i] = (klass, index.classes[klass] if klass >= 0 else UNCLASSIFIED_DE,
                          REASONS_DE.get(reason) if klass < 0 else None)
        return out

    def index_breakdown(self, viewer: Viewer | None, index_id: str, area: str,
                        period: str | None = None) -> dict[str, Any]:
        """Which components put an area into its class: the signed standardised value
        and weight of each component, the index value, its class and the cut-offs of the
        reference set. Only for an area the viewer may see (else as `rows` refuses)."""
        gate: Any = self
        rows = self.index_rows(viewer, index_id, area=area, period=period)
        if not rows:
            raise BadParameter("Für dieses Gebiet gibt es keinen Indexwert.")
        row = rows[-1]
        index: CompositeIndex = gate.registry.get(index_id)
        details = self._index_details(index, row.period)
        pos = int(details.positions([row.area_code], [row.period])[0])
        if index.index_kind == "combined":
            parts = [(index.status_id, 1.0), (index.dynamics_id, 1.0)]
        else:
            parts = [(c.indicator, c.weight) for c in index.components]
        shown = row.klass >= 0
        components = [
            {"id": part, "title": gate.registry.get(part).title_de, "weight": weight,
             "direction": (index.components[i].direction
                           if index.index_kind != "combined" else None),
             "standardised": float(details.standardised[pos, i]) if shown else None}
            for i, (part, weight) in enumerate(parts)
        ]
        return {
            "index": index.id, "area_code": row.area_code, "area_name": row.area_name,
            "level": row.level, "period": row.period,
            "value": row.value if shown else None, "class": row.klass, "label": row.label,
            "reason": row.reason, "classes": list(index.classes),
            "cutoffs": list(details.cutoffs.get((row.level, row.period), ())),
            "reference_areas": details.valid.get((row.level, row.period), 0),
            "standardisation": None if index.method is None else index.method.standardisation,
            "components": components,
        }
