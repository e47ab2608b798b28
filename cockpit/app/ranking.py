"""Which areas a ranking shows: all of a small level, the top and bottom of a large one.

A ranking of thousands of areas is not thousands of bars (308,128 px of SVG at 11,000
areas). Above `FULL_MAX` areas the ranking keeps the first and last `HEAD`/`TAIL` areas
with a value, plus the areas the user must find (their own district and its sub-areas,
the highlighted area) at their true rank, and says how many areas lie in each gap; the
full list stays in the table and the distribution of all values is drawn beside it.

Pure functions on positions and numbers, so the choice is easy to test and the same for
every figure that needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["FULL_MAX", "HEAD", "TAIL", "Gap", "histogram", "select_positions", "with_gaps"]

#: Up to this many areas every area gets its bar (the demo's 24 Stadtteile, Köln's 86 do not).
FULL_MAX = 60
#: Areas with a value shown from the top and from the bottom of a long ranking.
HEAD = 25
TAIL = 25
#: At most this many bins in the distribution (fewer for few values).
MAX_BINS = 40


class Gap(int):
    """The number of areas left out between two shown rows (an int that says so)."""

    def __repr__(self) -> str:
        return f"Gap({int(self)})"


def select_positions(n_shown: int, n_total: int, keep: Iterable[int] = (), *,
                     head: int = HEAD, tail: int = TAIL, full_max: int = FULL_MAX) -> list[int]:
    """Positions (0-based, in ranking order) a ranking shows, ascending.

    The ranking order puts the `n_shown` areas with a value first (highest first), then
    the `n_total - n_shown` areas without one (suppressed, no data). With at most
    `full_max` areas all are shown. Otherwise the first `head` and the last `tail` areas
    *with a value* are shown, plus every position in `keep` (own and highlighted areas,
    with or without a value); areas without a value are shown only when kept, so a long
    list of suppressed areas never crowds out the ranking.
    """
    if not 0 <= n_shown <= n_total:
        raise ValueError("n_shown must lie between 0 and n_total")
    if n_total <= full_max:
        return list(range(n_total))
    chosen = set(range(min(head, n_shown))) | set(range(max(n_shown - tail, 0), n_shown))
    chosen |= {p for p in keep if 0 <= p < n_total}
    return sorted(chosen)


def with_gaps(positions: Sequence[int], n_total: int) -> list[int | Gap]:
    """The shown positions with a `Gap(count)` wherever areas are left out, including
    after the last shown position (so the counts always add up to `n_total`)."""
    out: list[int | Gap] = []
    expected = 0
    for position in positions:
        if position > expected:
            out.append(Gap(position - expected))
        out.append(position)
        expected = position + 1
    if n_total > expected:
        out.append(Gap(n_total - expected))
    return out


def histogram(values: Sequence[float] | np.ndarray,
              max_bins: int = MAX_BINS) -> tuple[list[float], list[int]]:
    """Equal-width bins over the values: (edges, counts), edges one longer than counts.

    The caller passes only values the viewer may see; binning on the server keeps the
    figure small (40 counts instead of 11,000 values)."""
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return [], []
    low, high = float(data.min()), float(data.max())
    if low == high:
        half = abs(low) * 0.05 or 0.5
        return [low - half, high + half], [int(data.size)]
    # Square-root rule (Excel's default), bounded: enough bins to show the shape.
    bins = int(min(max_bins, max(5, np.ceil(np.sqrt(data.size)))))
    counts, edges = np.histogram(data, bins=bins, range=(low, high))
    return [float(e) for e in edges], [int(c) for c in counts]
