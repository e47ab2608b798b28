"""An indicator's computed rows as the gate keeps them: compact columns, not tuples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.periods import sort_periods


class ValueTable:
    """An indicator's rows, column by column and sorted by period (end date) and area;
    `periods` oldest first by end date.

    Compact on purpose: a worker keeps one per indicator, and at 11,000 areas and 15
    periods a row per Python tuple cost ~2 GB for the catalogue. Texts are held once
    (codes, names, levels, periods) and rows point at them; tuples are made only for
    the rows a request returns.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.periods: tuple[str, ...] = tuple(sort_periods(frame["period"].unique()))
        self.levels: frozenset[str] = frozenset(frame["level"].unique())
        period_idx = pd.Index(self.periods).get_indexer(frame["period"]).astype(np.int16)
        area_idx, self.codes = pd.factorize(frame["area_code"], sort=True)
        order = np.lexsort((area_idx, period_idx))
        self.period_idx = period_idx[order]
        self.area_idx = area_idx[order].astype(np.int32)
        self.codes = np.asarray(self.codes, dtype=object)
        self.code_at = {code: i for i, code in enumerate(self.codes)}
        self.level_names = sorted(self.levels)
        self.level_idx = pd.Index(self.level_names).get_indexer(
            frame["level"]).astype(np.int8)[order]
        name_idx, names = pd.factorize(frame["area_name"])
        self.name_idx, self.names = name_idx[order].astype(np.int32), [*names, None]
        parent_idx, parents = pd.factorize(frame["parent_code"])  # None -> -1
        self.parent_idx, self.parents = parent_idx[order].astype(np.int32), [*parents, None]
        self.numbers = {c: frame[c].to_numpy(dtype=float)[order]
                        for c in ("value", "numerator", "denominator")}
        self.flags = {c: frame[c].to_numpy(dtype=bool)[order]
                      for c in ("suppressed", "incomplete", "converted")}
        self.counts = {c: frame[c].to_numpy(dtype=np.int64).astype(np.int32)[order]
                       for c in ("missing", "expected")}
        # Rows of each period are one slice (sorted by period first).
        bounds = np.searchsorted(self.period_idx, np.arange(len(self.periods) + 1))
        self.period_rows = {p: (int(bounds[i]), int(bounds[i + 1]))
                            for i, p in enumerate(self.periods)}
        self._by_area: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.area_idx)

    def of_areas(self, codes: list[str]) -> np.ndarray:
        """Row positions of the given areas, in table order."""
        if self._by_area is None:  # built on the first such request (a profile)
            order = np.argsort(self.area_idx, kind="stable")
            starts = np.searchsorted(self.area_idx[order], np.arange(len(self.codes) + 1))
            self._by_area = order, starts
        order, starts = self._by_area
        found = [order[starts[i]:starts[i + 1]] for i in
                 (self.code_at.get(code) for code in codes) if i is not None]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def in_areas(self, areas: frozenset[str]) -> np.ndarray:
        """A mask of the rows whose area is in `areas`."""
        inside = np.array([code in areas for code in self.codes], dtype=bool)
        return inside[self.area_idx] if len(inside) else np.zeros(len(self), dtype=bool)

    def records(self, rows: np.ndarray) -> list[tuple]:
        """The rows at `rows` as tuples in VALUE_COLUMNS order (plain Python values)."""
        codes, names, parents = self.codes, self.names, self.parents
        levels = self.level_names
        return list(zip(
            [codes[i] for i in self.area_idx[rows].tolist()],
            [names[i] for i in self.name_idx[rows].tolist()],
            [levels[i] for i in self.level_idx[rows].tolist()],
            [parents[i] for i in self.parent_idx[rows].tolist()],
            [self.periods[i] for i in self.period_idx[rows].tolist()],
            *(self.numbers[c][rows].tolist() for c in ("value", "numerator", "denominator")),
            self.flags["suppressed"][rows].tolist(),
            self.flags["incomplete"][rows].tolist(),
            self.counts["missing"][rows].tolist(),
            self.counts["expected"][rows].tolist(),
            self.flags["converted"][rows].tolist(),
            strict=True))

    def hidden_cells(self) -> set[tuple[str, str]]:
        """(area_code, period) of every suppressed row."""
        rows = np.flatnonzero(self.flags["suppressed"])
        return {(self.codes[a], self.periods[p]) for a, p in
                zip(self.area_idx[rows].tolist(), self.period_idx[rows].tolist(), strict=True)}
