"""A view definition: what a saved view shows, checked before anything is stored or drawn.

A view is data, never code: a type from an allow-list, indicator ids, a level, area
codes, periods, allow-listed options, a title, a description and the roles that may
open it. Whatever a user typed only ever becomes one of these checked values; the gate
still decides per viewer what is drawn (cockpit/views/render.py). Invalid input raises
ViewError with one German sentence (and a key for the English text).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from cockpit.access.gate import AREA_PATTERN
from cockpit.periods import is_period
from cockpit.roles import ROLES

# The types in the order the builder offers them; "scatter" and "statements" are drawn by
# modules of their own (cockpit/views/render.py says which), the others here.
VIEW_TYPES: tuple[str, ...] = ("bars", "map", "table", "timeseries", "kpi",
                               "index_breakdown", "scatter", "statements")
TYPE_LABELS: dict[str, dict[str, str]] = {
    "bars": {"de": "Vergleich (Balken)", "en": "Comparison (bars)"},
    "map": {"de": "Karte", "en": "Map"},
    "table": {"de": "Tabelle", "en": "Table"},
    "timeseries": {"de": "Zeitreihe", "en": "Time series"},
    "kpi": {"de": "Kennzahl-Karte", "en": "KPI card"},
    "index_breakdown": {"de": "Index-Zerlegung", "en": "Index breakdown"},
    "scatter": {"de": "Zusammenhang (Streudiagramm)", "en": "Relation (scatter)"},
    "statements": {"de": "Kernaussagen", "en": "Key statements"},
}
# How many indicators each type takes (min, max).
INDICATOR_COUNT: dict[str, tuple[int, int]] = {
    "bars": (1, 1), "map": (1, 1), "table": (1, 8), "timeseries": (1, 1), "kpi": (1, 12),
    "index_breakdown": (1, 1), "scatter": (2, 2), "statements": (1, 1),
}
# Types drawn for the areas of one level (the level is required for them).
LEVEL_TYPES = frozenset({"bars", "map", "table", "scatter", "statements"})
# Types that show one period (at most one may be chosen; none means the latest).
ONE_PERIOD_TYPES = frozenset(VIEW_TYPES) - {"timeseries"}
# Options per type: name -> allowed values (a tuple) or a checker's name.
OPTIONS: dict[str, dict[str, tuple[str, ...] | str]] = {
    "map": {"method": ("quantile", "equal")},
    "table": {"sort": ("value_desc", "value_asc", "name")},
    "timeseries": {"index_base": "period"},
    "bars": {}, "kpi": {}, "index_breakdown": {}, "scatter": {}, "statements": {},
}
MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MAX_AREAS = 50
MAX_PERIODS = 40
FIELDS = ("type", "title", "description", "indicators", "level", "areas", "periods",
          "options", "roles")
_ID = re.compile(r"^[a-z0-9_]{1,64}$")

MESSAGES: dict[str, str] = {
    "not_a_mapping": "Eine Ansicht muss eine Zuordnung von Feldern sein (type, title, …).",
    "unknown_field": "Unbekanntes Feld „{value}“ (erlaubt: {allowed}).",
    "bad_type": "Unbekannter Ansichtstyp „{value}“ (erlaubt: {allowed}).",
    "no_title": "Bitte einen Titel angeben.",
    "long_title": "Der Titel darf höchstens {limit} Zeichen lang sein.",
    "long_description": "Die Beschreibung darf höchstens {limit} Zeichen lang sein.",
    "not_text": "„{name}“ muss ein Text sein.",
    "not_a_list": "„{name}“ muss eine Liste sein.",
    "indicator_count": "Der Typ „{type}“ braucht {expected} Indikator(en), gewählt: {count}.",
    "unknown_indicator": "Unbekannter Indikator „{value}“.",
    "duplicate_indicator": "Der Indikator „{value}“ ist doppelt gewählt.",
    "not_an_index": "Die Index-Zerlegung braucht einen Index; „{value}“ ist keiner.",
    "no_level": "Der Typ „{type}“ braucht eine Gebietsebene.",
    "unknown_level": "Unbekannte Gebietsebene „{value}“ (bekannt: {allowed}).",
    "bad_area": "Ungültiger Gebietsschlüssel „{value}“.",
    "unknown_area": "Unbekanntes Gebiet „{value}“.",
    "too_many_areas": "Höchstens {limit} Gebiete je Ansicht.",
    "bad_period": "„{value}“ ist kein Zeitraum (z. B. 2024, 2024-H1, 2024-Q3, 2024-06).",
    "too_many_periods": "Der Typ „{type}“ zeigt einen Zeitraum; bitte höchstens einen wählen.",
    "unknown_option": "Unbekannte Einstellung „{value}“ für den Typ „{type}“.",
    "bad_option": "Einstellung „{name}“: „{value}“ ist nicht erlaubt.",
    "not_options": "„options“ muss eine Zuordnung von Einstellungen sein.",
    "no_roles": "Bitte mindestens eine Rolle wählen, die die Ansicht öffnen darf.",
    "unknown_role": "Unbekannte Rolle „{value}“ (bekannt: {allowed}).",
}


class ViewError(ValueError):
    """An invalid view definition; the message is one German sentence (`key` and
    `params` for the English text)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(MESSAGES[key].format(**params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Known:
    """What a definition is checked against: indicator ids with their kind, and (when a
    snapshot is at hand) the installation's level ids and area codes."""

    indicators: Mapping[str, str]  # id -> kind ("indicator" or "index")
    levels: Collection[str] | None = None
    areas: Collection[str] | None = None


@dataclass(frozen=True)
class ViewDefinition:
    """A checked view definition (hashable, compared field by field)."""

    type: str
    title: str
    indicators: tuple[str, ...]
    roles: tuple[str, ...]
    description: str = ""
    level: str | None = None
    areas: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The definition as plain data, in a fixed field order (JSON and YAML)."""
        return {"type": self.type, "title": self.title, "description": self.description,
                "indicators": list(self.indicators), "level": self.level,
                "areas": list(self.areas), "periods": list(self.periods),
                "options": dict(self.options), "roles": list(self.roles)}

    def option(self, name: str, default: str | None = None) -> str | None:
        """One option's value, or `default`."""
        return dict(self.options).get(name, default)

    def shared_with(self, role: str) -> bool:
        """Whether a user of `role` may open the view (admin and controlling always)."""
        return role in self.roles or role in ("admin", "controlling")


def _text(raw: Mapping[str, Any], name: str, default: str = "") -> str:
    value = raw.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ViewError("not_text", name=name)
    return value.strip()


def _texts(raw: Mapping[str, Any], name: str) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ViewError("not_a_list", name=name)
    return [v.strip() for v in value]


def _short(value: object) -> str:
    return str(value)[:64]


def check_definition(raw: object, known: Known) -> ViewDefinition:
    """A checked ViewDefinition from plain data (a form, JSON or YAML); ViewError with a
    German sentence for the first problem found."""
    if not isinstance(raw, Mapping):
        raise ViewError("not_a_mapping")
    for name in raw:
        if name not in FIELDS:
            raise ViewError("unknown_field", value=_short(name), allowed=", ".join(FIELDS))
    kind = raw.get("type")
    if kind not in VIEW_TYPES:
        raise ViewError("bad_type", value=_short(kind), allowed=", ".join(VIEW_TYPES))
    title = _text(raw, "title")
    if not title:
        raise ViewError("no_title")
    if len(title) > MAX_TITLE:
        raise ViewError("long_title", limit=MAX_TITLE)
    description = _text(raw, "description")
    if len(description) > MAX_DESCRIPTION:
        raise ViewError("long_description", limit=MAX_DESCRIPTION)
    indicators = _check_indicators(kind, _texts(raw, "indicators"), known)
    level = _check_level(kind, raw.get("level"), known)
    areas = _check_areas(_texts(raw, "areas"), known)
    periods = _check_periods(kind, _texts(raw, "periods"))
    options = _check_options(kind, raw.get("options"))
    roles = _check_roles(_texts(raw, "roles"))
    return ViewDefinition(type=kind, title=title, description=description,
                          indicators=tuple(indicators), level=level, areas=tuple(areas),
                          periods=tuple(periods), options=options, roles=tuple(roles))


def _check_indicators(kind: str, ids: list[str], known: Known) -> list[str]:
    low, high = INDICATOR_COUNT[kind]
    if not low <= len(ids) <= high:
        expected = str(low) if low == high else f"{low} bis {high}"
        raise ViewError("indicator_count", type=kind, expected=expected, count=len(ids))
    seen: set[str] = set()
    for indicator_id in ids:
        if not _ID.match(indicator_id) or indicator_id not in known.indicators:
            raise ViewError("unknown_indicator", value=_short(indicator_id))
        if indicator_id in seen:
            raise ViewError("duplicate_indicator", value=indicator_id)
        if kind == "index_breakdown" and known.indicators[indicator_id] != "index":
            raise ViewError("not_an_index", value=indicator_id)
        seen.add(indicator_id)
    return ids


def _check_level(kind: str, level: object, known: Known) -> str | None:
    if level is None or level == "":
        if kind in LEVEL_TYPES:
            raise ViewError("no_level", type=kind)
        return None
    if not isinstance(level, str):
        raise ViewError("not_text", name="level")
    if not _ID.match(level) or (known.levels is not None and level not in known.levels):
        allowed = ", ".join(known.levels) if known.levels is not None else "–"
        raise ViewError("unknown_level", value=_short(level), allowed=allowed)
    return level


def _check_areas(codes: list[str], known: Known) -> list[str]:
    if len(codes) > MAX_AREAS:
        raise ViewError("too_many_areas", limit=MAX_AREAS)
    for code in codes:
        if not AREA_PATTERN.match(code):
            raise ViewError("bad_area", value=_short(code))
        if known.areas is not None and code not in known.areas:
            raise ViewError("unknown_area", value=code)
    return list(dict.fromkeys(codes))


def _check_periods(kind: str, periods: list[str]) -> list[str]:
    for period in periods:
        if not is_period(period):
            raise ViewError("bad_period", value=_short(period))
    periods = list(dict.fromkeys(periods))
    if kind in ONE_PERIOD_TYPES and len(periods) > 1:
        raise ViewError("too_many_periods", type=kind)
    if len(periods) > MAX_PERIODS:
        raise ViewError("too_many_periods", type=kind)
    return periods


def _check_options(kind: str, raw: object) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise ViewError("not_options")
    allowed = OPTIONS[kind]
    checked: dict[str, str] = {}
    for name, value in raw.items():
        if name not in allowed:
            raise ViewError("unknown_option", value=_short(name), type=kind)
        if value is None or value == "":
            continue  # an empty option is the default
        rule = allowed[name]
        ok = (isinstance(value, str) and is_period(value)) if rule == "period" \
            else value in rule
        if not ok:
            raise ViewError("bad_option", name=name, value=_short(value))
        checked[name] = value
    return tuple(sorted(checked.items()))


def _check_roles(roles: list[str]) -> list[str]:
    if not roles:
        raise ViewError("no_roles")
    for role in roles:
        if role not in ROLES:
            raise ViewError("unknown_role", value=_short(role), allowed=", ".join(ROLES))
    return [role for role in ROLES if role in roles]  # the contract's order, no duplicates
