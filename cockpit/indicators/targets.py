"""Target status (Zielstatus): whether an indicator is on course towards its target value.

A pure function over numbers the viewer may see; no database, no gate. The rule (also
explained on the page Zielwerte and in the README):

- A period's position on the time axis is the end of the period in years:
  ``2024`` → 2024.0, ``2024-H1`` → 2023.5, ``2024-Q3`` → 2023.75, ``2024-06`` → 2023.5.
  The target year ``Y`` stands for its end, position ``Y``.
- The path (Zielpfad) runs linearly from the base value ``B`` at the base period (``t0``)
  to the target value ``T`` at the end of the target year (``t1``):
  ``P(t) = B + (T − B) · (t − t0) / (t1 − t0)``, and ``P = T`` from the target year on.
- The latest value ``v`` (of the latest period ``t``) is compared with ``P(t)``.
  For *steigen* (rise) a value below the path is behind it, for *sinken* (fall) a value
  above it; the shortfall is ``s = P − v`` (rise) or ``s = v − P`` (fall). For *halten*
  (keep) the path is ``T`` itself and the shortfall is ``|v − T|``. ``c`` is the
  corridor (tolerance, ≥ 0, default 0) in the indicator's unit.
- **auf Kurs** (on track): ``s ≤ c`` — on the path, better than it, or behind it by at
  most the corridor.
- **gefährdet** (at risk): ``s > c``, the target year is not reached yet, and the value
  is no further from the target than the base value was, plus the corridor (rise:
  ``v ≥ B − c``; fall: ``v ≤ B + c``; keep: ``|v − T| ≤ |B − T| + c``).
- **nicht auf Kurs** (off track): every other case — further from the target than at
  the start, or the latest period is in or after the target year and the target is
  missed by more than the corridor.
- No status when the latest value or the base value is missing or suppressed for the
  viewer, or when the latest period ends before the base period: a status derived
  from a hidden value would narrow it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from cockpit.periods import period_end

DIRECTIONS: tuple[str, ...] = ("rise", "fall", "keep")
STATUSES: tuple[str, ...] = ("on_track", "at_risk", "off_track")


class TargetStatus(NamedTuple):
    """The outcome of the rule for one latest value."""

    status: str  # one of STATUSES
    path_value: float  # where the path stands at the latest period
    shortfall: float  # how far the value is behind the path (negative: ahead of it)
    target_reached: bool  # the latest period lies in or after the target year


def position(period: str) -> float:
    """The end of a period in years: 2024 → 2024.0, 2024-H1 → 2023.5, 2024-03 → 2023.25."""
    end = period_end(period)
    return end.year - 1 + end.month / 12


def _number(value: float | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def evaluate(direction: str, target_value: float, target_year: int, corridor: float | None,
             base_period: str, base_value: float | None, latest_period: str | None,
             latest_value: float | None) -> TargetStatus | None:
    """The status of the latest value against the target's path; None if it cannot be
    judged (a value missing or suppressed, or the latest period before the base period)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown target direction {direction!r}")
    base, value, target = _number(base_value), _number(latest_value), _number(target_value)
    if base is None or value is None or target is None or latest_period is None:
        return None
    width = _number(corridor) or 0.0
    t0, t1, t = position(base_period), float(target_year), position(latest_period)
    if t < t0 or t1 <= t0:
        return None
    reached = t >= t1
    # Float noise (10 + 10 · 0.4) must not push a value exactly on the path out of it.
    eps = 1e-9 * max(1.0, abs(target), abs(base), abs(value))
    if direction == "keep":
        path = target
        shortfall = abs(value - target)
        no_worse_than_start = shortfall <= abs(base - target) + width + eps
    else:
        path = target if reached else base + (target - base) * (t - t0) / (t1 - t0)
        sign = 1.0 if direction == "rise" else -1.0
        shortfall = sign * (path - value)
        no_worse_than_start = sign * (base - value) <= width + eps
    if shortfall <= width + eps:
        status = "on_track"
    elif not reached and no_worse_than_start:
        status = "at_risk"
    else:
        status = "off_track"
    return TargetStatus(status, path, shortfall, reached)
