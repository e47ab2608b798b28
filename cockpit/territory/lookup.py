"""The territory as the delivery checks need it: level, name and validity of every code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from cockpit.territory.levels import demo_levels, read_levels

# The store's default valid_from: an area valid since always.
_ALWAYS = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class AreaVersion:
    """One validity span of an area (valid_to is the last valid day; None = still valid)."""

    name: str
    level: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))


@dataclass
class TerritoryLookup:
    """Areas by code (every version), and the display names of the levels."""

    versions: dict[str, list[AreaVersion]] = field(default_factory=dict)
    level_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_levels(cls, areas: Mapping[str, str]) -> TerritoryLookup:
        """Codes and levels only: no names, valid always (the checks' old input)."""
        return cls({code: [AreaVersion("", level, None, None)] for code, level in areas.items()},
                    {level.id: level.name_de for level in demo_levels()})

    @classmethod
    def from_store(cls, conn: duckdb.DuckDBPyConnection) -> TerritoryLookup:
        """Every area version of the snapshot behind `conn`, newest name last."""
        rows = conn.execute(
            "SELECT code, name, level, valid_from, valid_to FROM areas "
            "ORDER BY code, valid_from").fetchall()
        versions: dict[str, list[AreaVersion]] = {}
        for code, name, level, valid_from, valid_to in rows:
            versions.setdefault(code, []).append(
                AreaVersion(name or "", level, _day(valid_from), _day(valid_to)))
        names = {level.id: level.name_de for level in read_levels(conn)}
        return cls(versions, names)

    def levels(self) -> dict[str, str]:
        """code -> level (of the newest version)."""
        return {code: spans[-1].level for code, spans in self.versions.items()}

    def name(self, code: str) -> str:
        spans = self.versions.get(code)
        return spans[-1].name if spans else ""

    def names(self) -> dict[str, tuple[str, ...]]:
        """Every name a code had, newest last (a renamed Gemeinde keeps its old name for
        the periods before)."""
        return {code: tuple(dict.fromkeys(span.name for span in spans if span.name))
                for code, spans in self.versions.items()}

    def exists_on(self, code: str, day: dt.date) -> bool:
        """True when some version of `code` is valid on `day` (unknown codes: False)."""
        return any(span.valid_on(day) for span in self.versions.get(code, ()))

    def validity_text(self, code: str) -> str:
        """'gültig 01.01.2009–31.12.2012', 'gültig bis 31.12.2010' for a report."""
        parts = []
        for span in self.versions.get(code, []):
            start = span.valid_from if span.valid_from and span.valid_from > _ALWAYS else None
            if start and span.valid_to:
                parts.append(f"{_german(start)}–{_german(span.valid_to)}")
            elif span.valid_to:
                parts.append(f"bis {_german(span.valid_to)}")
            elif start:
                parts.append(f"ab {_german(start)}")
        return "gültig " + ", ".join(parts) if parts else ""

    def level_label(self, level: str) -> str:
        return self.level_names.get(level, level)


def _day(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _german(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")
