"""The statistics of the Zusammenhang page: two indicators paired by area, Pearson's r
and the least-squares line.

Pure functions over what the gate released: a pair enters only when both values are
shown (not suppressed, not missing, finite); every other area is counted, and those
left out because a value is withheld (Geheimhaltung) are counted apart, so the page
can say "3 Gebiete ohne Wert ausgelassen, davon 2 geheim gehalten". A withheld value
is never read, so neither r nor the line can depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = ["MIN_PAIRS", "Cell", "Fit", "Pairs", "least_squares", "pair", "pearson", "strength"]

#: Fewer pairs than this give no r and no line: with two points r is always ±1.
MIN_PAIRS = 3


class Cell(NamedTuple):
    """One area's value of one indicator as the gate hands it out."""

    name: str
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Fit:
    """r and the least-squares line y = intercept + slope * x of the pairs (None where
    not defined: fewer than MIN_PAIRS pairs, or a constant x or y)."""

    n: int
    r: float | None
    slope: float | None
    intercept: float | None


@dataclass(frozen=True)
class Pairs:
    """The areas with both values shown, in the order given, and what was left out."""

    codes: list[str]
    names: list[str]
    x: np.ndarray
    y: np.ndarray
    left_out: int  # areas of either indicator without a pair of shown values
    secret: int  # of those, the areas where a value is withheld (Geheimhaltung)
    left_out_names: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """The number of pairs."""
        return len(self.codes)

    def fit(self) -> Fit:
        """r and the least-squares line of the pairs."""
        r = pearson(self.x, self.y)
        line = least_squares(self.x, self.y)
        return Fit(self.n, r, *(line if line is not None else (None, None)))


def _shown(cell: Cell | None) -> bool:
    if cell is None or cell.suppressed or cell.value is None:
        return False
    return math.isfinite(cell.value)


def pair(x: Mapping[str, Cell], y: Mapping[str, Cell],
         codes: Iterable[str] | None = None) -> Pairs:
    """Pair the values of `x` and `y` by area code.

    `codes` are the areas to consider (default: every area of either, x's first); an
    area without a row in one of them counts as without a value. A suppressed cell is
    never read beyond its flag."""
    order = list(dict.fromkeys([*x, *y])) if codes is None else list(dict.fromkeys(codes))
    kept: list[str] = []
    names: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    left: list[str] = []
    secret = 0
    for code in order:
        a, b = x.get(code), y.get(code)
        if _shown(a) and _shown(b):
            kept.append(code)
            names.append(a.name)  # type: ignore[union-attr]
            xs.append(float(a.value))  # type: ignore[union-attr, arg-type]
            ys.append(float(b.value))  # type: ignore[union-attr, arg-type]
            continue
        named = a if a is not None else b
        left.append(named.name if named is not None else code)
        secret += bool((a is not None and a.suppressed) or (b is not None and b.suppressed))
    return Pairs(kept, names, np.array(xs, dtype=float), np.array(ys, dtype=float),
                 len(left), secret, left)


def _centred(x: Sequence[float] | np.ndarray,
             y: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("x und y müssen gleich lange Zahlenreihen sein.")
    if len(a) < MIN_PAIRS or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    return a - a.mean(), b - b.mean()


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    """Pearson's correlation coefficient of paired values; None for fewer than
    MIN_PAIRS pairs or when x or y is constant (r is not defined then)."""
    centred = _centred(x, y)
    if centred is None:
        return None
    dx, dy = centred
    sxx, syy = float(dx @ dx), float(dy @ dy)
    # Relative to the values' size: a "constant" series may differ in the last bit
    # after centring, and r of rounding noise means nothing.
    if sxx <= _noise(x) or syy <= _noise(y):
        return None
    r = float(dx @ dy) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))  # rounding may step a hair outside


def least_squares(x: Sequence[float] | np.ndarray,
                  y: Sequence[float] | np.ndarray) -> tuple[float, float] | None:
    """Slope and intercept of the least-squares line y = intercept + slope * x; None for
    fewer than MIN_PAIRS pairs or a constant x (no line is defined)."""
    centred = _centred(x, y)
    if centred is None:
        return None
    dx, dy = centred
    sxx = float(dx @ dx)
    if sxx <= _noise(x):
        return None
    slope = float(dx @ dy) / sxx
    return slope, float(np.mean(y)) - slope * float(np.mean(x))


def _noise(values: Sequence[float] | np.ndarray) -> float:
    """The sum of squares below which deviations are rounding noise."""
    a = np.asarray(values, dtype=float)
    scale = float(np.max(np.abs(a))) if len(a) else 0.0
    return len(a) * (scale * 1e-12) ** 2


def strength(r: float) -> str:
    """A word for |r| (Cohen's conventions): "none", "weak", "moderate", "strong"."""
    size = abs(r)
    if size < 0.1:
        return "none"
    if size < 0.3:
        return "weak"
    if size < 0.5:
        return "moderate"
    return "strong"
