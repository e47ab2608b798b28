"""The Stadtteilprofil's data for an export: per topic, each indicator's latest value of
one area against the top area (the city), its series and its Steckbrief.

Everything comes through `Gate.rows` for this viewer: an indicator the viewer may not
see, or not for this area, simply has no entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.export.table import number
from cockpit.indicators.model import Indicator
from cockpit.periods import sort_key as period_sort_key
from cockpit.periods import sort_periods


@dataclass(frozen=True)
class ProfileEntry:
    """One indicator of the profile."""

    indicator: Indicator
    period: str
    value: float | None
    suppressed: bool
    city_value: float | None
    city_suppressed: bool
    periods: list[str]
    series: list[float | None]  # the area's values (None: no value or suppressed)
    incomplete: bool = False
    converted: bool = False

    @property
    def deviation(self) -> float | None:
        if self.value is None or self.city_value is None:
            return None
        return self.value - self.city_value


@dataclass
class ProfileData:
    """Everything the profile shows, in topic order."""

    area_code: str
    area_name: str
    level: str
    parent_name: str | None
    parent_level: str | None
    city_code: str | None
    data_version: str
    topics: dict[str, list[ProfileEntry]] = field(default_factory=dict)
    topic_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    min_count: int = 3

    def entries(self) -> Iterable[ProfileEntry]:
        for entries in self.topics.values():
            yield from entries

    @property
    def periods(self) -> list[str]:
        return sort_periods({e.period for e in self.entries()})


def entry_for(indicator: Indicator, rows: list, area: str, city: str | None
              ) -> ProfileEntry | None:
    """The area's latest known value (or suppression) and the city's of the same period;
    None when the area has no row."""
    mine = [r for r in rows if r.area_code == area]
    city_rows = {str(r.period): r for r in rows if r.area_code == city and city != area}
    known = [r for r in mine if r.suppressed or number(r.value) is not None]
    if not known:
        return None
    latest = max(known, key=lambda r: period_sort_key(str(r.period)))
    period = str(latest.period)
    city_row = city_rows.get(period) if city != area else latest
    periods = sort_periods({str(r.period) for r in mine})
    by_period = {str(r.period): None if r.suppressed else number(r.value) for r in mine}
    return ProfileEntry(
        indicator=indicator, period=period,
        value=None if latest.suppressed else number(latest.value),
        suppressed=bool(latest.suppressed),
        city_value=None if city_row is None or city_row.suppressed else number(city_row.value),
        city_suppressed=bool(city_row is not None and city_row.suppressed),
        periods=periods, series=[by_period.get(p) for p in periods],
        incomplete=bool(latest.incomplete) and not latest.suppressed,
        converted=bool(latest.converted))


def profile_data(gate: Gate, viewer: Viewer, area: str) -> ProfileData:
    """Collect the profile of `area` for `viewer` (the area must exist: check before)."""
    areas = gate.all_areas(viewer).set_index("code")
    levels = gate.declared_levels()
    cities = areas.index[areas["level"] == levels.top.id]
    city = str(cities[0]) if len(cities) else None
    info = areas.loc[area]
    parent = info["parent_code"]
    has_parent = isinstance(parent, str) and parent in areas.index and parent != city
    data = ProfileData(
        area_code=area, area_name=str(info["name"]), level=str(info["level"]),
        parent_name=str(areas.loc[parent, "name"]) if has_parent else None,
        parent_level=str(areas.loc[parent, "level"]) if has_parent else None,
        city_code=city, data_version=gate.data_version,
        topic_labels=gate.registry.topics)
    wanted = [area] if city is None or city == area else [area, city]
    counts = []
    for indicator in gate.visible_indicators(viewer):
        try:
            rows = gate.rows(viewer, indicator.id, all_periods=True, areas=wanted)
        except GateError:
            continue  # refused for this viewer: no row, no trace
        entry = entry_for(indicator, rows, area, city)
        if entry is not None:
            data.topics.setdefault(indicator.topic, []).append(entry)
            counts.append(gate.min_count(indicator))
    data.min_count = min(counts) if counts else 3
    return data
