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

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from cockpit.access.errors import BadParameter
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
    position: dict[tuple[str, str], int]  # (area_code, period) -> frame row


def shift_years(period: str, years: int) -> str:
    """The same period `years` earlier: 2024 -> 2022, 2024-H1 -> 2022-H1."""
    return f"{int(period[:4]) - years:04d}{period[4:]}"


class _Sources:
    """The source tables of an index, laid out as period x area x component arrays."""

    def __init__(self, tables: list[ValueTable], levels: tuple[str, ...]) -> None:
        self.periods = sort_periods({p for t in tables for p in t.periods})
        codes = pd.Index(sorted({str(c) for t in tables for c in t.codes}))
        self.codes = codes.to_numpy(dtype=object)
        shape = (len(self.periods), len(codes), len(tables))
        self.values = np.full(shape, np.nan, dtype=np.float64)
        self.hidden = np.zeros(shape, dtype=bool)
        self.present = np.zeros(shape[:2], dtype=bool)
        self.level = np.full(len(codes), -1, dtype=np.int16)  # index into `levels`
        period_at = pd.Index(self.periods)
        for k, table in enumerate(tables):
            area_map = codes.get_indexer(pd.Index(table.codes.astype(str)))
            period_map = period_at.get_indexer(pd.Index(list(table.periods)))
            level_map = np.array([levels.index(n) if n in levels else -1
                                  for n in table.level_names], dtype=np.int16)
            row_level = level_map[table.level_idx]
            keep = row_level >= 0
            area = area_map[table.area_idx[keep]]
            period = period_map[table.period_idx[keep]]
            self.values[period, area, k] = table.numbers["value"][keep]
            self.hidden[period, area, k] = table.flags["suppressed"][keep]
            self.present[period, area] = True
            self.level[area] = row_level[keep]


def compute_details(index: CompositeIndex, tables: list[ValueTable],
                    names_at: Any) -> IndexDetails:
    """The index over every declared level and every period its components have.

    `tables` are the ValueTables of `index.sources` (components, then the population
    indicator if any); `names_at(period)` gives (code -> name, code -> parent)."""
    src = _Sources(tables, index.levels)
    k = len(index.components)
    has_population = index.population is not None
    parts: list[dict[str, Any]] = []
    cutoffs: dict[tuple[str, str], tuple[float, ...]] = {}
    valid: dict[tuple[str, str], int] = {}
    period_pos = {p: i for i, p in enumerate(src.periods)}
    excluded_codes = set(index.excluded)
    for p_i, period in enumerate(src.periods):
        values, hidden = src.values[p_i, :, :k], src.hidden[p_i, :, :k]
        if index.index_kind == "dynamics":
            earlier = period_pos.get(shift_years(period, index.change_years))
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
            excluded = np.array([c in excluded_codes for c in src.codes[rows]], dtype=bool)
            result = compute_index(index.method, values[rows], population, hidden[rows],
                                   excluded)
            cutoffs[(level, period)] = result.cutoffs
            valid[(level, period)] = result.valid
            parts.append({"rows": rows, "period": period, "level": level,
                          "value": result.value, "klass": result.klass,
                          "reason": result.reason, "standardised": result.standardised,
                          "hidden": hidden[rows].any(axis=1)})
    return _assemble(src.codes, parts, k, cutoffs, valid, names_at)


def _assemble(codes: np.ndarray, parts: list[dict[str, Any]], k: int,
              cutoffs: dict, valid: dict, names_at: Any) -> IndexDetails:
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
        return IndexDetails(_typed(frame), np.zeros(0, np.int16), np.zeros(0, np.int8),
                            np.zeros((0, k)), cutoffs, valid, {})
    blocks = []
    for part in parts:
        names, parents = names_at(part["period"])
        area = codes[part["rows"]]
        blocks.append(pd.DataFrame({
            "area_code": area,
            "area_name": [names.get(c, c) for c in area],
            "level": part["level"],
            "parent_code": [parents.get(c) for c in area],
            "period": part["period"],
            "value": part["value"],
            "suppressed": part["reason"] == SUPPRESSED_COMPONENT,
        }))
    frame = _typed(pd.concat(blocks, ignore_index=True))
    klass = np.concatenate([p["klass"] for p in parts])
    reason = np.concatenate([p["reason"] for p in parts])
    standardised = np.concatenate([p["standardised"] for p in parts])
    position = {key: i for i, key in enumerate(zip(frame["area_code"], frame["period"],
                                                   strict=True))}
    return IndexDetails(frame, klass, reason, standardised, cutoffs, valid, position)


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
    frame["parent_code"] = frame["parent_code"].astype(object).where(
        frame["parent_code"].notna(), None)
    return frame


def combine_details(status: IndexDetails, dynamics: IndexDetails,
                    dynamics_classes: int) -> IndexDetails:
    """The combined index: the class status x dynamics where both have the area and
    period; its value is the class number (1-based), NaN where unclassified."""
    keys = [key for key in status.position if key in dynamics.position]
    s_rows = np.array([status.position[key] for key in keys], dtype=np.int64)
    d_rows = np.array([dynamics.position[key] for key in keys], dtype=np.int64)
    klass = combine(status.klass[s_rows], dynamics.klass[d_rows], dynamics_classes)
    s_reason, d_reason = status.reason[s_rows], dynamics.reason[d_rows]
    reason = np.where(s_reason != CLASSIFIED, s_reason, d_reason).astype(np.int8)
    frame = status.frame.iloc[s_rows].reset_index(drop=True).copy()
    frame["value"] = np.where(klass >= 0, klass + 1.0, np.nan)
    frame["suppressed"] = reason == SUPPRESSED_COMPONENT
    standardised = np.column_stack([status.frame["value"].to_numpy()[s_rows],
                                    dynamics.frame["value"].to_numpy()[d_rows]]) \
        if len(keys) else np.zeros((0, 2))
    position = {key: i for i, key in enumerate(keys)}
    cutoffs = {key: () for key in status.cutoffs if key in dynamics.cutoffs}
    valid = {key: min(status.valid[key], dynamics.valid[key]) for key in cutoffs}
    return IndexDetails(frame, klass, reason, standardised, cutoffs, valid, position)


class IndexGate:
    """The gate's methods for composite indices (mixed into `Gate`)."""

    def _index_parts(self, index: CompositeIndex) -> tuple[IndexDetails, ValueTable | None]:
        """The index computed once per data version (under the gate's per-id lock), and
        its value table (None when it has no rows)."""
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
            if index.index_kind == "combined":
                status = gate.registry.get(index.status_id)
                dynamics = gate.registry.get(index.dynamics_id)
                details = combine_details(self._index_parts(status)[0],
                                          self._index_parts(dynamics)[0],
                                          len(dynamics.classes))
            else:
                tables = [gate._table(gate.registry.get(s)) for s in index.sources]
                areas = gate.areas_info()
                named: dict[str, tuple[dict, dict]] = {}

                def names_at(period: str) -> tuple[dict, dict]:
                    if period not in named:
                        frame, parents = areas.valid_at(period_end(period))
                        named[period] = (dict(zip(frame["code"], frame["name"],
                                                  strict=True)), parents)
                    return named[period]

                details = compute_details(index, tables, names_at)
            table = ValueTable(details.frame) if len(details.frame) else None
            if version == gate._version:
                cache[index.id] = (version, (details, table))
            return details, table

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
        details, _ = self._index_parts(index)
        out = []
        for row in rows:
            pos = details.position[(row.area_code, row.period)]
            klass, reason = int(details.klass[pos]), int(details.reason[pos])
            out.append((klass, index.classes[klass] if klass >= 0 else UNCLASSIFIED_DE,
                        REASONS_DE.get(reason) if klass < 0 else None))
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
        details, _ = self._index_parts(index)
        pos = details.position[(row.area_code, row.period)]
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
