"""Statistical confidentiality: primary and secondary suppression of small counts.

Primary: a count above 0 and below `min_count` is secret, and so is every
indicator cell built from it. Secondary: what stays visible must not narrow a
secret count. Every additive relation (parent = sum of children) is an
equation over the cells. The attacker knows the visible cells, the equations,
that counts are not negative, and this method. A hidden small count is
*protected* when the interval it can take under those constraints (its
protection interval, computed by linear programming) reaches from 0 to at
least `min_count`; then neither "it is not zero" nor "it is below min_count"
can be derived. This is the criterion of the statistical offices' tools
(τ-ARGUS, "protection levels").

Speed: the hidden cells fall into connected components (cells linked by a
shared equation). A component that is one equation with a visible total needs
no LP: each hidden part lies in [0, S], S = total minus the visible parts, so
it is protected iff S >= min_count. Only other components go to HiGHS.

The choice of complementary cells is public, so it must not depend on the
hidden values (the old rule "never hide a zero while a non-zero is left"
told that the complement was at least 1, so a hidden pair summing to 2 was
(1, 1); "hide the smallest" tells that the complement is at most every
visible sibling). Complements are therefore chosen by structure only: a part
before a total, then a fixed pseudo-random order of the area codes. The
order depends on the area code alone, not the period, so a series shifted by
one period (this year's population as next year's denominator) hides the same
cells. Suppression is a deterministic function of one series' cells and the
area tree, so every indicator built from the same counts hides the same cells.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit.periods import previous_in, same_period_year_before

# Integer slack for LP results: counts are whole numbers.
_EPS = 1e-6


@dataclass(frozen=True)
class Equation:
    """`total` equals the sum of `parts`."""

    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def is_small(count: float | None, min_count: int) -> bool:
    """Tell whether a count must be kept secret (above 0, below min_count)."""
    return count is not None and not pd.isna(count) and 0 < count < min_count


def is_protected(low: float, high: float, min_count: int) -> bool:
    """The criterion: the (integer) interval reaches from 0 to at least min_count."""
    return np.ceil(low - _EPS) <= 0 and np.floor(high + _EPS) >= min_count


@functools.lru_cache(maxsize=65536)
def _rank(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def cell_rank(cell: Hashable) -> str:
    """A fixed pseudo-random order of cells that does not depend on any value.

    A cell of an area frame is (area_code, period); only the area code counts,
    so every period (and a series lagged by one period) uses the same order.
    """
    key = cell[0] if isinstance(cell, tuple) else cell
    return _rank(str(key))


def interval(
    cell: Hashable,
    hidden: Iterable[Hashable],
    equations: Iterable[Equation],
    counts: Mapping[Hashable, float],
    *,
    signed: bool = False,
) -> tuple[float, float]:
    """The protection interval of one hidden cell by LP (min and max of the cell).

    `hidden` are the unknowns; every other cell of `equations` is known with
    its value from `counts`. Counts are non-negative unless `signed`.
    """
    unknowns = sorted(set(hidden), key=str)
    index = {c: i for i, c in enumerate(unknowns)}
    rows, rhs = [], []
    for eq in equations:
        row = np.zeros(len(unknowns))
        known = 0.0
        for c, sign in ((eq.total, 1.0), *((p, -1.0) for p in eq.parts)):
            if c in index:
                row[index[c]] += sign
            else:
                known += sign * float(counts[c])
        if row.any():
            rows.append(row)
            rhs.append(-known)
    bounds = (None, None) if signed else (0, None)
    if cell not in index:
        return float(counts[cell]), float(counts[cell])
    # Imported here, not at the top: scipy's BLAS starts threads when loaded, and a
    # gunicorn master that loaded it would fork workers that hang or abort at exit.
    from scipy.optimize import linprog

    objective = np.zeros(len(unknowns))
    objective[index[cell]] = 1.0
    found = []
    for direction in (1.0, -1.0):
        result = linprog(direction * objective, A_eq=np.array(rows) if rows else None,
                         b_eq=np.array(rhs) if rows else None, bounds=bounds, method="highs")
        if result.status == 3:  # unbounded in this direction
            found.append(-direction * np.inf)
        elif result.status == 0:
            found.append(direction * result.fun)
        else:  # infeasible cannot happen for true data; say "nothing derivable"
            found.append(-direction * np.inf)
    return found[0], found[1]


class _Table:
    """One series of one period: counts and the equations of a tree.

    Equations are named by their total: `children[total]` are its parts. A
    cell lies in at most two of them (as a part of its parent's, as the total
    of its own), so nothing ever scans all equations.
    """

    def __init__(self, counts: Mapping[Hashable, float], children: Mapping[Hashable, tuple],
                 parent_of: Mapping[Hashable, Hashable], min_count: int, signed: bool,
                 ranked: dict[Hashable, tuple] | None = None) -> None:
        self.counts = counts
        self.children = children
        self.parent_of = parent_of
        self.min_count = min_count
        self.signed = signed
        self._part_sums: dict[Hashable, float] = {}
        # Cells of each equation in complement order, shared by all periods of a tree.
        self.ranked = {} if ranked is None else ranked

    def in_order(self, total: Hashable) -> tuple:
        """The cells of an equation, parts first in the fixed pseudo-random order."""
        if total not in self.ranked:
            self.ranked[total] = (*sorted(self.children[total], key=cell_rank), total)
        return self.ranked[total]

    def cells(self, total: Hashable) -> tuple:
        return (total, *self.children[total])

    def hidden_in(self, total: Hashable, hidden: set[Hashable]) -> list[Hashable]:
        """The hidden cells of one equation (a district may have hundreds of parts)."""
        if len(hidden) < len(self.children[total]):
            return [c for c in hidden if c == total or self.parent_of.get(c) == total]
        return [c for c in self.cells(total) if c in hidden]

    def equations_of(self, cell: Hashable) -> list[Hashable]:
        found = []
        if cell in self.parent_of:
            found.append(self.parent_of[cell])
        if cell in self.children:
            found.append(cell)
        return found

    def part_sum(self, total: Hashable) -> float:
        if total not in self._part_sums:
            parts = self.children[total]
            self._part_sums[total] = (self.counts.total(total, parts)
                                      if isinstance(self.counts, _Counts)
                                      else math.fsum(map(self.counts.__getitem__, parts)))
        return self._part_sums[total]

    def component(self, start: Hashable, hidden: set[Hashable]) -> tuple[list, list]:
        """The hidden cells linked to `start` by shared equations, and those equations."""
        cells, eqs, stack = {start}, set(), [start]
        while stack:
            cell = stack.pop()
            for total in self.equations_of(cell):
                if total in eqs:
                    continue
                eqs.add(total)
                for other in self.hidden_in(total, hidden):
                    if other not in cells:
                        cells.add(other)
                        stack.append(other)
        return sorted(cells, key=str), sorted(eqs, key=str)

    def weak_in(self, cells: list, eqs: list, hidden: set[Hashable],
                targets: set[Hashable]) -> list[Hashable]:
        """The target cells of one component whose protection interval is too narrow."""
        wanted = [c for c in cells if c in targets]
        if not wanted or not eqs:
            return []  # a cell in no equation can be anything from 0 up
        if len(eqs) == 1 and eqs[0] not in hidden:
            total = eqs[0]
            if self.signed:  # the only unknown of an equation is exact, two are free
                return wanted if len(cells) == 1 else []
            hidden_parts = sum(float(self.counts[c]) for c in cells)
            rest = float(self.counts[total]) - (self.part_sum(total) - hidden_parts)
            return wanted if np.floor(rest + _EPS) < self.min_count else []
        equations = [Equation(t, tuple(self.children[t])) for t in eqs]
        weak = []
        for c in wanted:
            low, high = interval(c, cells, equations, self.counts, signed=self.signed)
            if not is_protected(low, high, self.min_count):
                weak.append(c)
        return weak

    def complement(self, cell: Hashable, cells: list, eqs: list,
                   hidden: set[Hashable]) -> Hashable | None:
        """The next cell to hide for a weak cell, chosen on structure alone."""
        # First the equations of the weak cell itself (where it is a part before
        # where it is a total, fewer visible cells first), then any equation of
        # its component: a chain of hidden relations is widened at its border.
        own = sorted(self.equations_of(cell), key=lambda t: (
            int(t == cell), len(self.children[t]) + 1 - len(self.hidden_in(t, hidden)),
            cell_rank(t)))
        for total in own:
            for c in self.in_order(total):
                if c not in hidden:
                    return c
        parts = {p for t in eqs for p in self.children[t]}
        visible = {c for t in eqs for c in self.cells(t) if c not in hidden}
        if visible:
            return min(visible, key=lambda c: (int(c not in parts), cell_rank(c)))
        return None


def _tree(equations: Iterable[Equation], counts: Mapping[Hashable, float | None]
          ) -> tuple[dict[Hashable, tuple], dict[Hashable, Hashable]]:
    """Children and parent maps of the usable equations (every cell known, no gap)."""
    children = {eq.total: tuple(eq.parts) for eq in equations
                if all(c in counts and not _missing(counts[c]) for c in eq.cells)}
    parent_of = {p: t for t, parts in children.items() for p in parts}
    return children, parent_of


def _missing(value: float | None) -> bool:
    return value is None or value != value  # NaN is the only value unequal to itself


def _protect(table: _Table, primary: set[Hashable]) -> set[Hashable]:
    hidden = set(primary)
    queue = sorted(primary, key=lambda c: (cell_rank(c), str(c)))
    done: set[Hashable] = set()
    while queue:
        start = queue.pop()
        if start in done:
            continue
        cells, eqs = table.component(start, hidden)
        weak = table.weak_in(cells, eqs, hidden, primary)
        if not weak:
            done.update(cells)  # a component only widens when it grows: stays protected
            continue
        # One complement at a time: it often protects several weak cells at once.
        first = min(weak, key=lambda c: (cell_rank(c), str(c)))
        extra = table.complement(first, cells, eqs, hidden)
        if extra is None:
            raise RuntimeError("secondary suppression found no cell left to hide")
        hidden.add(extra)
        done.difference_update(cells)
        queue.append(extra)  # its component now holds the weak one: check it again
    return hidden


def protect(
    counts: Mapping[Hashable, float | None],
    equations: Iterable[Equation],
    min_count: int,
    *,
    signed: bool = False,
) -> set[Hashable]:
    """Return every cell to hide: the small counts plus the complements that protect them."""
    primary = {cell for cell, count in counts.items() if is_small(count, min_count)}
    if not primary:
        return set()
    children, parent_of = _tree(equations, counts)
    return _protect(_Table(counts, children, parent_of, min_count, signed), primary)


def suppress_area_frame(
    frame: pd.DataFrame, parents: Mapping[str, str | None], min_count: int,
    column: str = "numerator", *,
    period_parents: Mapping[str, Mapping[str, str | None]] | None = None,
    partial_sums: bool = False,
) -> pd.Series:
    """Flag the cells of an indicator frame (area_code, period, `column`) to hide.

    Areas relate through `parents`; each period is protected on its own, from
    that period's cells alone. A period with a negative value (a balance such
    as net migration) is treated as signed: no lower bound 0 is assumed for it.

    Boundaries change: `period_parents` gives the parent relation valid in a
    period (the areas valid then); a period not in it uses `parents`. With
    `partial_sums` a parent is the sum of its children *that have a value* (the
    roll-up of cockpit/indicators/compute.py marks such a parent incomplete
    instead of emptying it), so a missing cell leaves its parent's equation
    rather than removing it: the equation still holds and an attacker knows it.
    """
    flags = np.zeros(len(frame), dtype=bool)
    if column not in frame or frame.empty:
        return pd.Series(flags, index=frame.index)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    small = (values > 0) & (values < min_count)
    if not small.any():
        return pd.Series(flags, index=frame.index)  # the usual case: nothing to protect
    codes = frame["area_code"].to_numpy()
    period_ids, _ = pd.factorize(frame["period"])
    trees: list[tuple[np.ndarray, Mapping, _Tree]] = []
    present = ~np.isnan(values) if partial_sums else np.ones(len(values), dtype=bool)
    period_names = frame["period"].to_numpy()
    for period_id in np.unique(period_ids[small]):
        positions = np.flatnonzero((period_ids == period_id) & present)
        here = codes[positions]
        tree_parents = parents
        if period_parents is not None:
            tree_parents = period_parents.get(period_names[positions[0]], parents)
        # The same areas in every period (the usual case): build the tree once.
        tree = next((t for known, rel, t in trees if rel is tree_parents
                     and len(known) == len(here) and (known == here).all()), None)
        if tree is None:
            tree = _Tree(here.tolist(), tree_parents)
            trees.append((here, tree_parents, tree))
        period_values = values[positions]
        # Signed is decided per period, like everything else here: a period is then
        # decided alone (the gate computes the asked period first). A period without a
        # negative value is protected with counts >= 0, which is the stricter check.
        signed = bool((period_values < 0).any())
        counts = _Counts(period_values, tree.where, tree.index)
        children, parent_of, ranked = tree.children, tree.parent_of, tree.ranked
        if np.isnan(period_values).any():  # a gap: drop the equations it touches
            children, parent_of = _tree((Equation(t, k) for t, k in children.items()), counts)
            ranked = {}
        primary = set(here[small[positions]].tolist())
        hidden = _protect(_Table(counts, children, parent_of, min_count, signed, ranked),
                          primary)
        flags[positions[[tree.where[c] for c in hidden]]] = True
    return pd.Series(flags, index=frame.index)


class _Tree:
    """The equations of one set of areas: built once, used for every period."""

    def __init__(self, codes: list[str], parents: Mapping[str, str | None]) -> None:
        self.where = {code: i for i, code in enumerate(codes)}
        kids: dict[str, list[str]] = {}
        for code in codes:
            parent = parents.get(code)
            if parent is not None and parent in self.where:
                kids.setdefault(parent, []).append(code)
        self.children = {p: tuple(sorted(k)) for p, k in kids.items()}
        self.parent_of = {c: p for p, k in self.children.items() for c in k}
        self.ranked: dict[Hashable, tuple] = {}
        self.index: dict[Hashable, np.ndarray] = {}


class _Counts(Mapping):
    """One period's values by area code, read from an array (no dict per period)."""

    def __init__(self, values: np.ndarray, where: dict[str, int],
                 index: dict[Hashable, np.ndarray]) -> None:
        self.values = values
        self.where = where
        self.index = index  # positions of each equation's parts, shared by all periods

    def __getitem__(self, code: Hashable) -> float:
        return float(self.values[self.where[code]])

    def __contains__(self, code: object) -> bool:
        return code in self.where

    def __iter__(self):  # noqa: ANN204 - Mapping protocol
        return iter(self.where)

    def __len__(self) -> int:
        return len(self.where)

    def total(self, key: Hashable, cells: tuple) -> float:
        """The sum of many cells at once."""
        if key not in self.index:
            self.index[key] = np.array([self.where[c] for c in cells])
        return float(self.values[self.index[key]].sum())

def suppress_indicator_frame(
    frame: pd.DataFrame, parents: Mapping[str, str | None], min_count: int,
    *, own_numerator: bool = True,
    period_parents: Mapping[str, Mapping[str, str | None]] | None = None,
    partial_sums: bool = False,
) -> pd.Series:
    """Flag the cells of an indicator to hide: numerator or denominator series hidden.

    The denominator series is protected like a numerator (it is another
    indicator's numerator somewhere, e.g. all school transitions), so both
    indicators built from it hide the same cells. `own_numerator=False` is for
    an indicator whose numerator is derived from other indicators' counts
    (`derived_from`); its own numerator protects nothing. `period_parents` and
    `partial_sums` as in `suppress_area_frame`.
    """
    flags = pd.Series(False, index=frame.index)
    options = {"period_parents": period_parents, "partial_sums": partial_sums}
    if own_numerator:
        flags |= suppress_area_frame(frame, parents, min_count, "numerator", **options)
    if "denominator" in frame and frame["denominator"].notna().any():
        flags |= suppress_area_frame(frame, parents, min_count, "denominator", **options)
    return flags


def derived_flags(
    frame: pd.DataFrame, source_hidden: set[tuple[str, str]], source_periods: list[str],
) -> pd.Series:
    """Hide a derived cell when a source cell it is built from is hidden.

    A derived value of an area and period (a change on the previous year) is
    built from the sources' cells of the same area in that period and in one
    before it: the previous period of the same type by end date, or the same
    period a year earlier (2024-H1 against 2023-H1). Both count, so a derived
    half-year or quarter never uncovers a hidden source cell.
    """
    earlier: dict[str, tuple[str | None, str]] = {
        period: (previous_in(source_periods, period), same_period_year_before(period))
        for period in set(frame["period"])
    }
    hidden = [
        (area, period) in source_hidden
        or any((area, before) in source_hidden for before in earlier[period])
        for area, period in zip(frame["area_code"], frame["period"], strict=True)
    ]
    return pd.Series(hidden, index=frame.index, dtype=bool)

