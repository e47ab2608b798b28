"""Display formatting of numbers, units, changes and periods (German and English)."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

MISSING = "–"  # en dash, shown for None / NaN / infinite values
MINUS = "\u2212"  # true minus sign
NARROW_NBSP = "\u202f"  # narrow no-break space before "%"
PLUS_MINUS = "±"

SUPPRESSED_MARK = "·"
SUPPRESSED_TOOLTIP = {
    "de": "Geheimhaltung: weniger als 3 Fälle",
    "en": "Confidential: fewer than 3 cases",
}

MONTHS = {
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

_PERCENT_UNITS = ("%", "‰")
_RE_YEAR = re.compile(r"^(\d{4})$")
_RE_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RE_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_RE_HALF = re.compile(r"^(\d{4})-H([12])$")
_RE_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def finite_number(value: object) -> float | None:
    """Return a finite float or None (None, NaN, NA, inf and non-numbers give None)."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _lang(lang: str) -> str:
    """Return "en" for English and "de" for everything else (German is the default)."""
    return "en" if lang == "en" else "de"


def _to_decimal(value: object) -> Decimal | None:
    """Convert a number to Decimal, or None when it is missing (None, NaN, NA, ±inf)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None  # pandas.NA and friends
    if not math.isfinite(number):
        return None
    # repr() gives the shortest decimal that round-trips, so 2.675 rounds up as people expect.
    return Decimal(repr(number))


def _rounded(value: object, decimals: int) -> Decimal | None:
    """Round half away from zero (kaufmännisch) to `decimals` places; None if missing."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    number = _to_decimal(value)
    if number is None:
        return None
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + decimals + 2)  # enough digits for any size
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _digits(magnitude: Decimal, decimals: int, lang: str) -> str:
    """Format a non-negative rounded Decimal with the language's separators."""
    text = f"{magnitude:,.{decimals}f}"  # English style: 1,234.5
    if _lang(lang) == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_number(value: float | None, decimals: int = 1, lang: str = "de") -> str:
    """Format a number as "1.234,5" (de) or "1,234.5" (en); missing values become "–"."""
    rounded = _rounded(value, decimals)
    if rounded is None:
        return MISSING
    text = _digits(abs(rounded), decimals, lang)
    return MINUS + text if rounded < 0 else text  # a rounded -0.0 compares equal to 0


def format_value(value: float | None, unit: str, decimals: int = 1, lang: str = "de") -> str:
    """Format a number with its unit: "12,3 %" (narrow no-break space) or "1.234 EUR"."""
    number = format_number(value, decimals, lang)
    unit = (unit or "").strip()
    if number == MISSING or not unit:
        return number
    separator = NARROW_NBSP if unit in _PERCENT_UNITS else " "
    return f"{number}{separator}{unit}"


#: Below this a float times 10**decimals is exact enough to tell a tie (2**52: every
#: larger float is an integer anyway).
_EXACT_BELOW = float(2**52)


def format_values(values: Iterable[object], unit: str, decimals: int = 1,
                  lang: str = "de") -> list[str]:
    """`format_value` of each value, the same texts, for thousands of values at once.

    A Decimal per value costs ~10 µs (a ranking of 11,000 areas: 0.1 s). A float whose
    rounding is not near a tie rounds the same as a binary float (Python's format) and as
    the decimal it stands for (format_value, half up), because the two differ by less
    than half a unit in the last place; only values close to a tie (2.675), integers and
    anything else go through format_value itself. A numpy float array is checked for
    ties in one go."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    unit = (unit or "").strip()
    suffix = "" if not unit else (NARROW_NBSP if unit in _PERCENT_UNITS else " ") + unit
    german = _lang(lang) == "de"
    # German: "_" groups, then "." -> "," and "_" -> "." (cheaper than a translate table)
    spec = f"{'_' if german else ','}.{decimals}f"
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        numbers = values.astype(float, copy=False).ravel()
        items: list = numbers.tolist()
        clear = _clear_of_ties(numbers, decimals).tolist()
    else:
        items = list(values)
        clear = [isinstance(v, float) and bool(_clear_of_ties(np.array([v]), decimals)[0])
                 for v in items]
    texts = []
    for value, fast in zip(items, clear, strict=True):
        if not fast:
            texts.append(format_value(value, unit, decimals, lang))  # type: ignore[arg-type]
            continue
        digits = format(abs(value), spec)
        if german:
            digits = digits.replace(".", ",")
            if "_" in digits:
                digits = digits.replace("_", ".")
        if value < 0 and digits.strip("0.,"):  # a rounded -0 has no sign
            digits = MINUS + digits
        texts.append(digits + suffix)
    return texts


def _clear_of_ties(numbers: np.ndarray, decimals: int) -> np.ndarray:
    """Which finite floats lie well clear of a rounding tie at `decimals` places (so a
    binary float's rounding equals the decimal one); the float product is off by at most
    a few 1e-16 of itself."""
    if decimals > 15:
        return np.zeros(len(numbers), dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(numbers) * 10.0 ** decimals
        distance = np.abs(scaled - np.floor(scaled) - 0.5)
        return np.isfinite(scaled) & (scaled < _EXACT_BELOW) & (
            distance > 1e-9 + scaled * 1e-12)


def format_change(delta: float | None, decimals: int = 1, lang: str = "de") -> str:
    """Format a change with explicit sign: "+1,2", "−0,4", or "±0" when it rounds to zero."""
    rounded = _rounded(delta, decimals)
    if rounded is None:
        return MISSING
    if rounded == 0:
        return PLUS_MINUS + "0"
    sign = "+" if rounded > 0 else MINUS
    return sign + _digits(abs(rounded), decimals, lang)


def format_period(period: str, lang: str = "de") -> str:
    """Format "2024" / "2024-H1" / "2024-06" / "2024-Q2" / "2024-06-30" for display
    ("1. Hj. 2024" / "H1 2024"); else return as is."""
    text = str(period).strip()
    lang = _lang(lang)
    if _RE_YEAR.match(text):
        return text
    if match := _RE_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return f"{MONTHS[lang][month - 1]} {year}"
        return text
    if match := _RE_HALF.match(text):
        year, half = match[1], match[2]
        return f"H{half} {year}" if lang == "en" else f"{half}. Hj. {year}"
    if match := _RE_QUARTER.match(text):
        year, quarter = match[1], match[2]
        return f"Q{quarter} {year}" if lang == "en" else f"{quarter}. Quartal {year}"
    if match := _RE_DAY.match(text):
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return text
        if lang == "en":
            return f"{day.day} {MONTHS['en'][day.month - 1]} {day.year}"
        return f"{day:%d.%m.%Y}"
    return text
