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

import hashlib
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

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


def cell_rank(cell: Hashable) -> str:
    """A fixed pseudo-random order of cells that does not depend on any value.

    A cell of an area frame is (area_code, period); only the area code counts,
    so every period (and a series lagged by one period) uses the same order.
    """
    key = cell[0] if isinstance(cell, tuple) else cell
    return hashlib.blake2b(str(key).encode(), digest_size=8).hexdigest()


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
    """One series of one period: counts, equations and the index from cell to equations."""

    def __init__(self, counts: Mapping[Hashable, float | None], equations: Iterable[Equation],
                 min_count: int, signed: bool) -> None:
        self.counts = counts
        self.min_count = min_count
        self.signed = signed
        self.equations = [eq for eq in equations
                          if all(c in counts and not pd.isna(counts[c]) for c in eq.cells)]
        self.by_cell: dict[Hashable, list[int]] = {}
        for i, eq in enumerate(self.equations):
            for c in eq.cells:
                self.by_cell.setdefault(c, []).append(i)
        self.totals = {eq.total for eq in self.equations}

    def components(self, hidden: set[Hashable]) -> list[tuple[list[Hashable], list[int]]]:
        """Hidden cells grouped by shared equations, each with the equations it touches."""
        parent: dict[Hashable, Hashable] = {c: c for c in hidden}

        def find(c: Hashable) -> Hashable:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        touched: set[int] = set()
        for c in hidden:
            touched.update(self.by_cell.get(c, ()))
        for i in touched:
            members = [c for c in self.equations[i].cells if c in hidden]
            for other in members[1:]:
                a, b = find(members[0]), find(other)
                if a != b:
                    parent[b] = a
        groups: dict[Hashable, list[Hashable]] = {}
        for c in hidden:
            groups.setdefault(find(c), []).append(c)
        result = []
        for cells in groups.values():
            eqs = sorted({i for c in cells for i in self.by_cell.get(c, ())})
            result.append((sorted(cells, key=str), eqs))
        return result

    def weak_cells(self, hidden: set[Hashable], targets: set[Hashable]) -> list[Hashable]:
        """The target cells whose protection interval is too narrow."""
        weak = []
        for cells, eqs in self.components(hidden):
            wanted = [c for c in cells if c in targets]
            if not wanted or not eqs:
                continue  # a cell in no equation can be anything from 0 up
            if len(eqs) == 1 and self.equations[eqs[0]].total not in hidden:
                eq = self.equations[eqs[0]]
                if self.signed:
                    if len(cells) == 1:  # the only unknown of an equation: exact
                        weak += wanted
                    continue
                rest = float(self.counts[eq.total]) - sum(
                    float(self.counts[p]) for p in eq.parts if p not in hidden)
                if np.floor(rest + _EPS) < self.min_count:
                    weak += wanted
                continue
            equations = [self.equations[i] for i in eqs]
            for c in wanted:
                low, high = interval(c, cells, equations, self.counts, signed=self.signed)
                if not is_protected(low, high, self.min_count):
                    weak.append(c)
        return weak

    def complement(self, cell: Hashable, hidden: set[Hashable]) -> Hashable | None:
        """The next cell to hide for a weak cell, chosen on structure alone."""

        # First the equations of the weak cell itself (where it is a part before
        # where it is a total, fewer visible cells first), then any equation of
        # its component: a chain of hidden relations is widened at its border.
        own = sorted(self.by_cell.get(cell, ()), key=lambda i: (
            int(self.equations[i].total == cell),
            sum(c not in hidden for c in self.equations[i].cells),
            cell_rank(self.equations[i].total)))
        for i in own:
            eq = self.equations[i]
            visible = [c for c in eq.cells if c not in hidden]
            if visible:
                return min(visible, key=lambda c: (int(c == eq.total), cell_rank(c)))
        for cells, eqs in self.components(hidden):
            if cell in cells:
                parts = {p for i in eqs for p in self.equations[i].parts}
                visible = {c for i in eqs for c in self.equations[i].cells if c not in hidden}
                if visible:
                    return min(visible, key=lambda c: (int(c not in parts), cell_rank(c)))
        return None


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
    table = _Table(counts, equations, min_count, signed)
    hidden = set(primary)
    while True:
        weak = table.weak_cells(hidden, primary)
        if not weak:
            return hidden
        # One complement at a time for the first weak cell: a complement often
        # protects several weak cells of the same component at once.
        first = min(weak, key=lambda c: (cell_rank(c), str(c)))
        extra = table.complement(first, hidden)
        if extra is None:
            raise RuntimeError("secondary suppression found no cell left to hide")
        hidden.add(extra)


def suppress_area_frame(
    frame: pd.DataFrame, parents: Mapping[str, str | None], min_count: int,
    column: str = "numerator",
) -> pd.Series:
    """Flag the cells of an indicator frame (area_code, period, `column`) to hide.

    Areas relate through `parents`; each period is protected on its own. A
    series with a negative value (a balance such as net migration) is treated
    as signed: no lower bound 0 is assumed for it.
    """
    flags = pd.Series(False, index=frame.index)
    if column not in frame or frame.empty:
        return flags
    values = pd.to_numeric(frame[column], errors="coerce")
    small = (values > 0) & (values < min_count)
    if not small.any():
        return flags  # the usual case: nothing to protect, no grouping needed
    signed = bool((values < 0).any())
    for _, rows in frame.assign(_v=values).groupby("period", sort=False):
        if not ((rows["_v"] > 0) & (rows["_v"] < min_count)).any():
            continue
        counts = dict(zip(rows["area_code"], rows["_v"], strict=True))
        children: dict[str, list[str]] = {}
        for code in counts:
            parent = parents.get(code)
            if parent is not None and parent in counts:
                children.setdefault(parent, []).append(code)
        equations = [Equation(parent, tuple(sorted(kids))) for parent, kids in children.items()]
        hidden = protect(counts, equations, min_count, signed=signed)
        if hidden:
            flags.loc[rows.index[rows["area_code"].isin(hidden)]] = True
    return flags


def suppress_indicator_frame(
    frame: pd.DataFrame, parents: Mapping[str, str | None], min_count: int,
    *, own_numerator: bool = True,
) -> pd.Series:
    """Flag the cells of an indicator to hide: numerator or denominator series hidden.

    The denominator series is protected like a numerator (it is another
    indicator's numerator somewhere, e.g. all school transitions), so both
    indicators built from it hide the same cells. `own_numerator=False` is for
    an indicator whose numerator is derived from other indicators' counts
    (`derived_from`); its own numerator protects nothing.
    """
    flags = pd.Series(False, index=frame.index)
    if own_numerator:
        flags |= suppress_area_frame(frame, parents, min_count, "numerator")
    if "denominator" in frame and frame["denominator"].notna().any():
        flags |= suppress_area_frame(frame, parents, min_count, "denominator")
    return flags


def derived_flags(
    frame: pd.DataFrame, source_hidden: set[tuple[str, str]], source_periods: list[str],
) -> pd.Series:
    """Hide a derived cell when a source cell it is built from is hidden.

    A derived value of an area and period (a change on the previous year) is
    built from the sources' cells of the same area in that period and in the
    period before it.
    """
    previous: dict[str, str] = {}
    ordered = sorted(source_periods)
    for before, after in zip(ordered, ordered[1:], strict=False):
        previous[after] = before
    hidden = [
        (area, period) in source_hidden or (area, previous.get(period)) in source_hidden
        for area, period in zip(frame["area_code"], frame["period"], strict=True)
    ]
    return pd.Series(hidden, index=frame.index, dtype=bool)

