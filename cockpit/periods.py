"""Periods of observations: year, half-year, quarter and month, ordered by their end.

`2024` ends on 31.12.2024, `2024-H1` on 30.06.2024, `2024-Q3` on 30.09.2024 and
`2024-06` on 30.06.2024. Sorting by the end date keeps a series of mixed key
dates in time order, and "latest" is the period that ends last.
"""

from __future__ import annotations

import calendar
import functools
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


@functools.lru_cache(maxsize=4096)  # sorting 100,000 rows asks for a few dozen periods
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


# -- neighbours ---------------------------------------------------------------------------

def previous_period(period: str) -> str:
    """The period of the same kind directly before (2024-H1 → 2023-H2, 2024-01 → 2023-12)."""
    kind = period_kind(period)
    year = int(period[:4])
    if kind == "year":
        return f"{year - 1}"
    if kind == "half":
        half = int(period[6])
        return f"{year}-H1" if half == 2 else f"{year - 1}-H2"
    if kind == "quarter":
        quarter = int(period[6])
        return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
    month = int(period[5:7])
    return f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12"


def previous_in(periods: Iterable[str], period: str) -> str | None:
    """The latest of `periods` of the same kind as `period` that ends before it: what a
    change is computed against when some periods have no values (None when there is none)."""
    kind, key = period_kind(period), sort_key(period)
    earlier = [p for p in periods if period_kind(p) == kind and sort_key(p) < key]
    return max(earlier, key=sort_key) if earlier else None


def same_period_year_before(period: str) -> str:
    """The same period one year earlier (2024-H1 → 2023-H1); for a year, the year before."""
    period_kind(period)  # validates
    return f"{int(period[:4]) - 1}{period[4:]}"


# -- dataset period types and key dates ---------------------------------------------------

KIND_LABELS: dict[str, dict[str, str]] = {
    "year": {"de": "Jahr", "en": "year"},
    "half": {"de": "Halbjahr", "en": "half-year"},
    "quarter": {"de": "Quartal", "en": "quarter"},
    "month": {"de": "Monat", "en": "month"},
}
# What a dataset of each kind holds, for messages ("der Datensatz hat Halbjahreswerte").
VALUES_OF_KIND = {"year": "Jahreswerte", "half": "Halbjahreswerte",
                   "quarter": "Quartalswerte", "month": "Monatswerte"}
_EXAMPLE_OF_KIND = {"year": "2024", "half": "2024-H1", "quarter": "2024-Q3", "month": "2024-06"}

_KEY_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?")


def parse_key_date(text: str) -> tuple[int, int]:
    """`31.12.` → (12, 31): the day of the year a stock figure is counted (Stichtag)."""
    match = _KEY_DATE.fullmatch(str(text).strip())
    if not match:
        raise PeriodError(f"Stichtag „{text}“ ist ungültig; erwartet Tag und Monat wie "
                          "„31.12.“ oder „30.06.“")
    day, month = int(match[1]), int(match[2])
    try:
        date(2023, month, day)  # not a leap year: 29.02. cannot be a yearly key date
    except ValueError as exc:
        raise PeriodError(f"Stichtag „{text}“ ist kein Tag des Jahres (Tag.Monat.)") from exc
    return month, day


def format_key_date(month: int, day: int) -> str:
    return f"{day:02d}.{month:02d}."


def parse_date(text: str) -> date | None:
    """A key date written as 30.06.2024, 30.6.2024 or 2024-06-30 (Excel dates arrive as
    ISO text); None when the text is no date. Raises PeriodError for an impossible day."""
    text = text.strip()
    if match := _GERMAN_DATE.fullmatch(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise PeriodError(f"„{text}“ ist kein gültiges Datum") from exc


def is_period_end(day: date) -> dict[str, bool]:
    """For each kind: whether `day` is the last day of a period of that kind."""
    last_of_month = day.day == calendar.monthrange(day.year, day.month)[1]
    return {"year": (day.month, day.day) == (12, 31),
            "half": last_of_month and day.month in (6, 12),
            "quarter": last_of_month and day.month % 3 == 0,
            "month": last_of_month}


def period_of_cell(text: str, kind: str, key_date: tuple[int, int] | None = None) -> str:
    """The period a delivery's period cell stands for in a dataset of `kind`.

    The cell is a period (`2024`, `2024-H1`, `2024-Q3`, `2024-06`) of that kind, or a key
    date: the last day of a period of that kind (31.12.2024 → 2024 for yearly data,
    30.06.2024 → 2024-H1 for half-yearly data) or, for yearly data with a declared key
    date (Stichtag 30.06.), that day. Anything else raises PeriodError with a German
    message, so a June stock is never filed as a year or a month.
    """
    if kind not in KINDS:
        raise PeriodError(f"Unbekannte Zeitraumart {kind!r}; erlaubt: {', '.join(KINDS)}.")
    text = str(text).strip()
    values = VALUES_OF_KIND[kind]
    if is_period(text):
        found = period_kind(text)
        if found != kind:
            raise PeriodError(f"Zeitraum „{text}“ ist ein {KIND_LABELS[found]['de']}; der "
                          f"Datensatz hat {values} (period_type: {kind}, z. B. "
                          f"„{_EXAMPLE_OF_KIND[kind]}“)")
        return text
    day = parse_date(text)
    if day is None:
        raise PeriodError(f"Zeitraum „{text}“ ist ungültig – erwartet 2024, 2024-H1, 2024-Q3, "
                      "2024-06 oder einen Stichtag wie 31.12.2024")
    shown = f"{day:%d.%m.%Y}"
    if kind == "year" and key_date is not None:
        if (day.month, day.day) == key_date:
            return f"{day.year}"
        raise PeriodError(f"Stichtag {shown} passt nicht zum Stichtag des Datensatzes "
                      f"({format_key_date(*key_date)}; Jahreswerte)")
    if is_period_end(day)[kind]:
        return period_for_date(day, kind)
    hint = ""
    if day.day == 1:
        # Excel turns a typed "2024-06" into the date 01.06.2024.
        hint = (f" – stand dort „{day.year}-{day.month:02d}“? Excel speichert das als Datum; "
                "bitte die Zelle als Text eingeben")
    ends = {"year": "31.12.", "half": "30.06. oder 31.12.",
            "quarter": "31.03., 30.06., 30.09. oder 31.12.",
            "month": "der letzte Tag eines Monats"}[kind]
    raise PeriodError(f"Stichtag {shown} ist nicht das Ende eines Zeitraums: der Datensatz "
                      f"hat {values} (period_type: {kind}), erwartet {ends}{hint}")
