"""Kernaussagen: key statements about one indicator, level and period, made from the data by
fixed sentence templates (no network, no language model), German and English.

The caller hands in only what the access gate released for the viewer (a hidden value is
None), so a statement can only ever cite a value the viewer sees. The rules:

* **Höchster und niedrigster Wert** (`extremes`): over the areas with a shown value only;
  the sentence says "unter den n Gebieten mit Wert" and how many areas are without a value,
  so it never claims (or denies) that a hidden area would be higher or lower. Values equal
  at the displayed places are named together (at most five, then "und n weitere"). Needs
  two areas with different values.
* **Veränderung zur Vorperiode** (`change_previous`) and **zu fünf Perioden zuvor**
  (`change_five`): the top area's value (the city) against the previous period with values
  (the comparison page's change column) and against the period five steps earlier in the
  calendar (2024 → 2019, 2024-H1 → 2021-H2); plus how many areas rose, fell or stayed the
  same (equal at the displayed places), counted over areas with a shown value in both
  periods, and how many could not be compared.
* **Abweichung** (`deviation`): areas whose value differs from the city value by more than
  1.5 standard deviations; the standard deviation is the population one (ddof = 0) of the
  shown area values. Needs the city value and three areas with a value; names at most
  five areas per side, furthest first. For a count (aggregation "sum": the city's value
  is the total) the areas' mean takes the city value's place.
* **Trend** (`trend`): the city's shown values of the last five periods of the same kind up
  to the chosen one (calendar steps, at least three with a value, the chosen one among
  them), least-squares line over the period positions; the trend is rising or falling
  when the line changes by at least 2 % of the mean absolute value over the window, else
  about level. The mean change per
  period is the slope of the line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cockpit.app.formatting import format_number, format_period, format_value
from cockpit.periods import PeriodError, period_kind, previous_period

KEYS = ("extremes", "change_previous", "change_five", "deviation", "trend")
KEY_NAMES = {
    "extremes": {"de": "Höchster und niedrigster Wert", "en": "Highest and lowest value"},
    "change_previous": {"de": "Veränderung zur Vorperiode", "en": "Change to previous period"},
    "change_five": {"de": "Veränderung zu fünf Perioden zuvor",
                    "en": "Change to five periods earlier"},
    "deviation": {"de": "Abweichung vom Gesamtwert", "en": "Deviation from the total"},
    "trend": {"de": "Trend", "en": "Trend"},
}
DEVIATION_SDS = 1.5
TREND_PERIODS = 5
TREND_MIN_VALUES = 3
TREND_SHARE = 0.02  # the line's change over the window, relative to the mean level
FIVE_STEPS = 5
MAX_NAMED = 5

# Words that depend on the period kind: (German, English) per kind.
_STEP = {"year": ("Jahr", "year"), "half": ("Halbjahr", "half-year"),
         "quarter": ("Quartal", "quarter"), "month": ("Monat", "month")}
_FIVE = {"year": ("fünf Jahre zuvor", "five years earlier"),
         "half": ("fünf Halbjahre zuvor", "five half-years earlier"),
         "quarter": ("fünf Quartale zuvor", "five quarters earlier"),
         "month": ("fünf Monate zuvor", "five months earlier")}
_POINTS = {"%": ("Prozentpunkte", "percentage points"), "‰": ("Promillepunkte", "per mille points")}


@dataclass(frozen=True)
class AreaValue:
    """One area's value as the viewer sees it (None: suppressed or missing)."""

    code: str
    name: str
    value: float | None


@dataclass(frozen=True)
class StatementInput:
    """Everything a set of statements is made from, all of it already gated."""

    unit: str
    decimals: int
    period: str
    areas: Sequence[AreaValue]  # the chosen level in the chosen period
    city_name: str | None = None  # the top area; None when the level is the top or unseen
    city: Mapping[str, float | None] | None = None  # city value per period (None: hidden)
    previous: tuple[str, Mapping[str, float | None]] | None = None  # period, area values
    five_before: tuple[str, Mapping[str, float | None]] | None = None
    top_level: bool = False  # the chosen level is the whole municipality (one area)
    # A rate or mean can be compared with the city's; a count (aggregation "sum") cannot
    # (the city's is the sum): its deviation is measured from the areas' mean.
    city_comparable: bool = True


@dataclass(frozen=True)
class Statement:
    """One generated key statement: its rule's key and its sentence(s)."""

    key: str
    text: str


# --- period helpers ---------------------------------------------------------------------------


def steps_back(period: str, steps: int) -> str | None:
    """The period `steps` calendar steps before `period` (2024, 5 → 2019); None if unknown."""
    try:
        for _ in range(steps):
            period = previous_period(period)
    except (PeriodError, ValueError):
        return None
    return period


def trend_window(period: str, available: Sequence[str]) -> list[str]:
    """The up to five periods of the trend: `period` and the four calendar steps before it,
    as far as the indicator has them (oldest first)."""
    window = [period]
    for _ in range(TREND_PERIODS - 1):
        before = steps_back(window[0], 1)
        if before is None:
            break
        window.insert(0, before)
    have = set(available)
    return [p for p in window if p in have]


def _kind(period: str) -> str:
    try:
        return period_kind(period)
    except (PeriodError, ValueError):
        return "year"


# --- wording ----------------------------------------------------------------------------------


def _shown(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _names(names: Sequence[str], lang: str) -> str:
    """ "A", "A und B", "A, B und C" (en: "A and B", "A, B and C")."""
    word = " and " if lang == "en" else " und "
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + word + names[-1]


def _count(count: int, lang: str) -> str:
    """A count with the language's thousands separator (9.981; en 9,981)."""
    return format_number(count, 0, lang)


def _areas_word(count: int, lang: str, *, dative: bool = False) -> str:
    if lang == "en":
        return f"{_count(count, lang)} area" if count == 1 else f"{_count(count, lang)} areas"
    if count == 1:
        return "1 Gebiet"
    return f"{_count(count, lang)} Gebiet{'en' if dative else 'e'}"


def _some_names(names: Sequence[str], lang: str) -> list[str]:
    """At most MAX_NAMED names, then how many more ("und 12 weitere")."""
    if len(names) <= MAX_NAMED:
        return list(names)
    more = _count(len(names) - MAX_NAMED, lang)
    return [*names[:MAX_NAMED], f"{more} more" if lang == "en" else f"{more} weitere"]


class _Words:
    """Formats values and amounts of change of one indicator in one language."""

    def __init__(self, unit: str, decimals: int, lang: str) -> None:
        self.unit, self.decimals, self.lang = unit, decimals, lang

    def value(self, value: float) -> str:
        return format_value(value, self.unit, self.decimals, self.lang)

    def number(self, value: float) -> str:
        return format_number(value, self.decimals, self.lang)

    def amount(self, delta: float) -> str:
        """A change's size: in points for a share (0,4 Prozentpunkte), else with the unit."""
        points = _POINTS.get((self.unit or "").strip())
        if points is not None:
            word = points[1] if self.lang == "en" else points[0]
            return f"{format_number(abs(delta), self.decimals, self.lang)} {word}"
        return format_value(abs(delta), self.unit, self.decimals, self.lang)

    def rounded(self, value: float) -> float:
        return float(np.round(value, self.decimals))

    def period(self, period: str) -> str:
        return format_period(period, self.lang)


class _Columns:
    """The areas as arrays, made once per generation (11,000 areas: loops over objects and
    Python's round would take a third of a second)."""

    def __init__(self, areas: Sequence[AreaValue], decimals: int) -> None:
        self.codes = [a.code for a in areas]
        self.names = np.array([a.name for a in areas], dtype=object)
        self.values = _floats(a.value for a in areas)
        self.shown = np.isfinite(self.values)
        self.decimals = decimals
        self.rounded = np.round(self.values, decimals)  # equal at the displayed places

    def earlier(self, values: Mapping[str, float | None]) -> np.ndarray:
        """The earlier period's values of the same areas, rounded (NaN where none shown)."""
        return np.round(_floats(values.get(code) for code in self.codes), self.decimals)


def _floats(values) -> np.ndarray:  # noqa: ANN001 - an iterable of float | None
    """A float array with NaN for None, NaN and infinity."""
    array = np.fromiter((np.nan if v is None else v for v in values), dtype=float)
    array[~np.isfinite(array)] = np.nan
    return array


# --- the rules --------------------------------------------------------------------------------


def _extremes(data: StatementInput, cols: _Columns, words: _Words,
              lang: str) -> Statement | None:
    shown = cols.rounded[cols.shown]
    hidden = len(cols.codes) - len(shown)
    if data.top_level or len(shown) < 2:
        return None
    top, low = float(shown.max()), float(shown.min())
    if top == low:
        return None  # every shown value is the same: no highest or lowest
    highest = _some_names(sorted(cols.names[cols.shown & (cols.rounded == top)]), lang)
    lowest = _some_names(sorted(cols.names[cols.shown & (cols.rounded == low)]), lang)
    n = _count(len(shown), lang)
    if lang == "en":
        text = (f"Among the {n} areas with a value, {_names(highest, lang)} "
                f"{'has' if len(highest) == 1 else 'have'} the highest value "
                f"({words.value(top)}) and {_names(lowest, lang)} the lowest "
                f"({words.value(low)}).")
        if hidden:
            text += (f" {_areas_word(hidden, lang)} {'has' if hidden == 1 else 'have'} no "
                     "value (confidentiality or missing data) and "
                     f"{'is' if hidden == 1 else 'are'} not included.")
    else:
        text = (f"Unter den {n} Gebieten mit Wert {'hat' if len(highest) == 1 else 'haben'} "
                f"{_names(highest, lang)} den höchsten Wert ({words.value(top)}) und "
                f"{_names(lowest, lang)} den niedrigsten ({words.value(low)}).")
        if hidden:
            text += (f" {_areas_word(hidden, lang)} {'ist' if hidden == 1 else 'sind'} ohne "
                     "Wert (Geheimhaltung oder fehlende Daten) und "
                     f"{'bleibt' if hidden == 1 else 'bleiben'} unberücksichtigt.")
    return Statement("extremes", text)


def _city_change(data: StatementInput, before: str, label: str, words: _Words,
                 lang: str) -> str | None:
    """The city's change from `before` to the chosen period, or None without both values."""
    city = data.city or {}
    now, then = city.get(data.period), city.get(before)
    if data.city_name is None or not _shown(now) or not _shown(then):
        return None
    assert now is not None and then is not None
    delta = words.rounded(now) - words.rounded(then)
    if lang == "en":
        if delta == 0:
            return (f"Compared with {label}, the value for {data.city_name} is unchanged "
                    f"({words.value(now)}).")
        verb = "risen" if delta > 0 else "fallen"
        return (f"Compared with {label}, the value for {data.city_name} has {verb} by "
                f"{words.amount(delta)} (from {words.number(then)} to {words.value(now)}).")
    if delta == 0:
        return (f"Gegenüber {label} ist der Wert für {data.city_name} unverändert "
                f"({words.value(now)}).")
    verb = "gestiegen" if delta > 0 else "gesunken"
    return (f"Gegenüber {label} ist der Wert für {data.city_name} um {words.amount(delta)} "
            f"{verb} (von {words.number(then)} auf {words.value(now)}).")


def _area_changes(data: StatementInput, cols: _Columns, earlier: Mapping[str, float | None],
                  lang: str) -> str | None:
    """How many areas rose, fell or stayed the same; only areas shown in both periods."""
    if data.top_level or not cols.codes:
        return None
    then = cols.earlier(earlier)
    both = cols.shown & np.isfinite(then)
    delta = cols.rounded[both] - then[both]
    rose, fell = int((delta > 0).sum()), int((delta < 0).sum())
    same = int((delta == 0).sum())
    compared = rose + fell + same
    other = len(cols.codes) - compared
    if compared == 0:
        return ("No area has a value in both periods." if lang == "en"
                else "Kein Gebiet hat in beiden Zeiträumen einen Wert.")
    if lang == "en":
        moves = [f"{verb} in {_count(n, lang)}" for verb, n in (("rose", rose), ("fell", fell),
                                                   ("stayed the same", same)) if n]
        text = (f"Of the {_areas_word(compared, lang)} with a value in both periods, the value "
                f"{_names(moves, lang)}.")
        if other:
            text += f" {_areas_word(other, lang)} cannot be compared (no value in one period)."
        return text
    moves = [(verb, n, tail) for verb, n, tail in (("stieg", rose, ""), ("sank", fell, ""),
                                                    ("blieb", same, " gleich")) if n]
    said = [f"{verb}{' der Wert' if i == 0 else ''} in {_count(n, lang)}{tail}"
            for i, (verb, n, tail) in enumerate(moves)]
    text = (f"Von den {_areas_word(compared, lang, dative=True)} mit Wert in beiden Zeiträumen "
            f"{_names(said, lang)}.")
    if other:
        text += (f" {_areas_word(other, lang)} {'ist' if other == 1 else 'sind'} nicht "
                 "vergleichbar (ohne Wert in einem der Zeiträume).")
    return text


def _change(key: str, data: StatementInput, cols: _Columns,
            earlier: tuple[str, Mapping[str, float | None]] | None, words: _Words,
            lang: str) -> Statement | None:
    if earlier is None:
        return None
    before, values = earlier
    label = words.period(before)
    if key == "change_five":
        five = _FIVE[_kind(data.period)]
        label += f" ({five[1] if lang == 'en' else five[0]})"
    city = _city_change(data, before, label, words, lang)
    areas = _area_changes(data, cols, values, lang)
    if areas is not None and city is None:  # only the areas: say which periods are compared
        areas = (f"Compared with {label}: " if lang == "en" else f"Gegenüber {label}: ") + areas
    parts = [p for p in (city, areas) if p]
    if not parts:
        return None
    return Statement(key, " ".join(parts))


def _deviation(data: StatementInput, cols: _Columns, words: _Words,
               lang: str) -> Statement | None:
    city = (data.city or {}).get(data.period)
    values = cols.values[cols.shown]
    if data.top_level or len(values) < 3:
        return None
    mean = float(values.mean())
    sd = float(values.std())  # the population standard deviation (ddof = 0)
    if data.city_comparable:
        if data.city_name is None or not _shown(city):
            return None
        assert city is not None
        centre = city
        reference = (f"the value for {data.city_name} ({words.value(city)})" if lang == "en"
                     else f"Wert für {data.city_name} ({words.value(city)})")
    else:
        centre = mean
        reference = (f"the mean of the areas with a value ({words.value(mean)})"
                     if lang == "en" else
                     f"Mittelwert der Gebiete mit Wert ({words.value(mean)})")
    if sd == 0:
        return None
    limit = DEVIATION_SDS * sd
    with np.errstate(invalid="ignore"):
        distance = np.abs(cols.values - centre)
        far_above = np.flatnonzero(cols.shown & (cols.values - centre > limit))
        far_below = np.flatnonzero(cols.shown & (centre - cols.values > limit))

    def furthest(found: np.ndarray) -> list[AreaValue]:
        """The up to MAX_NAMED areas furthest away (ties by name), without sorting all."""
        if len(found) > MAX_NAMED:
            cut = np.partition(distance[found], len(found) - MAX_NAMED)[len(found) - MAX_NAMED]
            found = found[distance[found] >= cut]
        chosen = sorted(found, key=lambda i: (-distance[i], cols.names[i]))[:MAX_NAMED]
        return [AreaValue(cols.codes[i], cols.names[i], float(cols.values[i])) for i in chosen]

    above, below = furthest(far_above), furthest(far_below)
    sds = format_number(DEVIATION_SDS, 1, lang)

    def listed(areas: list[AreaValue], total: int) -> str:
        named = [f"{a.name} ({words.value(a.value)})" for a in areas]  # type: ignore[arg-type]
        rest = _count(total - len(named), lang)
        if total > len(named):
            named.append(f"{rest} more" if lang == "en" else f"{rest} weitere")
        return _names(named, lang)

    if not above and not below:
        text = (f"No area with a value lies more than {sds} standard deviations "
                f"(± {words.amount(limit)}) from {reference}." if lang == "en"
                else f"Kein Gebiet mit Wert liegt mehr als {sds} Standardabweichungen "
                     f"(± {words.amount(limit)}) vom {reference} entfernt.")
        return Statement("deviation", text)
    sides = []
    if above:
        sides.append(("above: " if lang == "en" else "nach oben ") + listed(above,
                                                                            len(far_above)))
    if below:
        sides.append(("below: " if lang == "en" else "nach unten ") + listed(below,
                                                                             len(far_below)))
    if lang == "en":
        text = (f"Areas more than {sds} standard deviations (± {words.amount(limit)}) from "
                f"{reference}: {'; '.join(sides)}.")
    else:
        text = (f"Um mehr als {sds} Standardabweichungen (± {words.amount(limit)}) vom "
                f"{reference} weichen ab: {'; '.join(sides)}.")
    return Statement("deviation", text)


def _trend(data: StatementInput, window: Sequence[str], words: _Words,
           lang: str) -> Statement | None:
    city = data.city or {}
    if data.city_name is None:
        return None
    points = [(p, city.get(p)) for p in window]
    shown = [(p, float(v)) for p, v in points if _shown(v)]  # type: ignore[arg-type]
    if len(shown) < TREND_MIN_VALUES or data.period not in dict(shown):
        return None
    positions = {p: i for i, p in enumerate(window)}
    xs = [positions[p] for p, _ in shown]
    ys = [v for _, v in shown]
    # Least squares over the positions of the periods that have a value (gaps kept).
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
             / sum((x - mean_x) ** 2 for x in xs))
    level = sum(abs(y) for y in ys) / len(ys)
    change = slope * (xs[-1] - xs[0])
    step = _STEP[_kind(data.period)][1 if lang == "en" else 0]
    span = f"{words.period(shown[0][0])}–{words.period(shown[-1][0])}"
    if lang == "en":
        lead = f"Trend {span} ({len(shown)} values): the value for {data.city_name}"
        if abs(change) < TREND_SHARE * level or level == 0:
            return Statement("trend", f"{lead} is about level (the trend line changes by "
                                      f"less than 2 % of the mean value).")
        verb = "is rising" if slope > 0 else "is falling"
        return Statement("trend", f"{lead} {verb}, on average by {words.amount(slope)} "
                                  f"per {step}.")
    lead = f"Trend {span} ({len(shown)} Werte): Der Wert für {data.city_name}"
    if abs(change) < TREND_SHARE * level or level == 0:
        return Statement("trend", f"{lead} bleibt annähernd gleich (die Trendlinie ändert "
                                  f"sich um weniger als 2 % des mittleren Werts).")
    verb = "steigt" if slope > 0 else "sinkt"
    return Statement("trend", f"{lead} {verb}, im Mittel um {words.amount(slope)} pro {step}.")


def generate(data: StatementInput, lang: str = "de",
             available_periods: Sequence[str] = ()) -> list[Statement]:
    """The key statements for `data` in `lang` ("de" or "en"), in the order of KEYS; a rule
    without enough shown values gives no statement. `available_periods` are the
    indicator's periods (for the trend window; the city's periods when empty)."""
    lang = "en" if lang == "en" else "de"
    words = _Words(data.unit, data.decimals, lang)
    window = trend_window(data.period, available_periods or list(data.city or {}))
    cols = _Columns(data.areas, data.decimals)
    found = [
        _extremes(data, cols, words, lang),
        _change("change_previous", data, cols, data.previous, words, lang),
        _change("change_five", data, cols, data.five_before, words, lang),
        _deviation(data, cols, words, lang),
        _trend(data, window, words, lang),
    ]
    return [s for s in found if s is not None]
