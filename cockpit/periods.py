"""Periods of observations: year, half-year, quarter and month, ordered by their end.

`2024` ends on 31.12.2024, `2024-H1` on 30.06.2024, `2024-Q3` on 30.09.2024 and
`2024-06` on 30.06.2024. Sorting by the end date keeps a series of mixed key
dates in time order, and "latest" is the period that ends last.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date

PERIOD_PATTERN = r"[0-9]{4}(-(0[1-9]|1[0-2]|H[12]|Q[1-4]))?"
_PERIOD = re.compile(PERIOD_PATTERN)

# Same rule for the store's CHECK constraint (DuckDB regexp syntax is compatible).
PERIOD_SQL_PATTERN = PERIOD_PATTERN

KINDS = ("year", "half", "quarter", "month")


class PeriodError(ValueError):
    """Not a period the cockpit knows (German message)."""


def is_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text))


def period_kind(period: str) -> str:
    """`year`, `half`, `quarter` or `month`."""
    if not is_period(period):
        raise PeriodError(f"{period!r} ist kein Zeitraum; erwartet 2024, 2024-H1, 2024-Q3 "
                          "oder 2024-06.")
    if len(period) == 4:
        return "year"
    return {"H": "half", "Q": "quarter"}.get(period[5], "month")


def _bounds(period: str) -> tuple[int, int, int]:
    """(year, first month, last month) of a period."""
    kind = period_kind(period)
    year = int(period[:4])
    if kind == "year":
        return year, 1, 12
    if kind == "half":
        half = int(period[6])
        return year, 6 * half - 5, 6 * half
    if kind == "quarter":
        quarter = int(period[6])
        return year, 3 * quarter - 2, 3 * quarter
    month = int(period[5:7])
    return year, month, month


def period_start(period: str) -> date:
    year, first, _ = _bounds(period)
    return date(year, first, 1)


def period_end(period: str) -> date:
    """The last day of the period (its key date, Stichtag)."""
    year, _, last = _bounds(period)
    return date(year, last, calendar.monthrange(year, last)[1])


def sort_key(period: str) -> tuple[date, date]:
    """Orders by end date; of two periods ending the same day, the longer one first."""
    return (period_end(period), period_start(period))


def sort_periods(periods: Iterable[str]) -> list[str]:
    return sorted(set(periods), key=sort_key)


def latest(periods: Iterable[str]) -> str | None:
    """The period that ends last, or None when there is none."""
    ordered = sort_periods(periods)
    return ordered[-1] if ordered else None


def period_for_date(day: date, kind: str) -> str:
    """The period of the given kind that a key date belongs to (31.12.2024, year → 2024)."""
    if kind == "year":
        return f"{day.year}"
    if kind == "half":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    raise PeriodError(f"Unbekannte Zeitraumart {kind!r}; erlaubt: {', '.join(KINDS)}.")
