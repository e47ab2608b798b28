"""Statistical confidentiality: primary and secondary suppression of small counts.

Primary: a count above 0 and below `min_count` is secret, and so is a rate
whose numerator is such a count. Secondary: a secret cell must not be
recomputable from what stays visible. Every additive relation
(parent = sum of children, total = sum of categories) is an equation over
the cells; a hidden cell is recomputable exactly when its unit vector lies in
the row space of the equations restricted to the hidden cells. We hide the
smallest further cells until no hidden cell is recomputable.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


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


def _recomputable(hidden: Sequence[Hashable], equations: Sequence[Equation]) -> list[Hashable]:
    """Return the hidden cells that the equations determine from the visible ones."""
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for eq in equations:
        row = np.zeros(len(hidden))
        if eq.total in index:
            row[index[eq.total]] = 1.0
        for part in eq.parts:
            if part in index:
                row[index[part]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for cell, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


def protect(
    counts: Mapping[Hashable, float | None],
    equations: Iterable[Equation],
    min_count: int,
) -> set[Hashable]:
    """Return every cell to hide: the small counts plus what protects them."""
    hidden = {cell for cell, count in counts.items() if is_small(count, min_count)}
    usable = [eq for eq in equations if all(c in counts for c in eq.cells)]
    if not hidden:
        return hidden

    def cost(cell: Hashable) -> tuple[int, int, float, str]:
        # Prefer hiding a part over a total and a non-zero cell over a zero (a
        # hidden zero protects little), then the smallest; ties break on the name.
        count = counts[cell]
        value = float("inf") if count is None or pd.isna(count) else float(count)
        is_total = any(eq.total == cell for eq in usable)
        return (int(is_total), int(value == 0), value, str(cell))

    while True:
        exposed = _recomputable(sorted(hidden, key=str), usable)
        if not exposed:
            return hidden
        # The relation with the fewest hidden cells is the one that gives a cell
        # away; hide the cheapest visible cell there.
        relations = [
            eq for eq in usable
            if any(c in eq.cells for c in exposed) and any(c not in hidden for c in eq.cells)
        ]
        if relations:
            weakest = min(relations, key=lambda eq: (
                sum(c in hidden for c in eq.cells),
                min(cost(c) for c in eq.cells if c not in hidden),
            ))
            candidates = [c for c in weakest.cells if c not in hidden]
        else:
            # Exposed only through a chain of fully hidden relations: widen the
            # hidden area at its cheapest border.
            candidates = [c for eq in usable if any(h in eq.cells for h in hidden)
                          for c in eq.cells if c not in hidden]
        if not candidates:
            raise RuntimeError("secondary suppression found no cell left to hide")
        hidden.add(min(candidates, key=cost))


def suppress_area_frame(
    frame: pd.DataFrame, parents: Mapping[str, str | None], min_count: int
) -> pd.Series:
    """Flag the cells of an indicator frame (area_code, period, numerator) to hide.

    Areas relate through `parents`; each period is protected on its own.
    """
    flags = pd.Series(False, index=frame.index)
    for _, rows in frame.groupby("period", sort=False):
        counts = dict(zip(rows["area_code"], rows["numerator"], strict=True))
        children: dict[str, list[str]] = {}
        for code in counts:
            parent = parents.get(code)
            if parent is not None and parent in counts:
                children.setdefault(parent, []).append(code)
        equations = [
            Equation(parent, tuple(sorted(kids)))
            for parent, kids in children.items()
            if not pd.isna(counts[parent]) and not any(pd.isna(counts[k]) for k in kids)
        ]
        hidden = protect(counts, equations, min_count)
        if hidden:
            flags.loc[rows.index[rows["area_code"].isin(hidden)]] = True
    return flags
