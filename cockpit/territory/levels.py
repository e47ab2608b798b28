"""The area levels of one installation, top to bottom, as declared at `cockpit init`.

A city may have Stadt > Stadtbezirk > Stadtteil, Berlin four levels below the
city, a Land Land > Kreis > Gemeinde. The levels live in the store's `levels`
table, so every snapshot knows the territory its data belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb

LEVEL_ID = re.compile(r"[a-z][a-z0-9_]{0,31}")

# The demo's levels; also what a snapshot written before levels were declarable holds.
DEMO_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("city", "Stadt", "City"),
    ("district", "Stadtbezirk", "District"),
    ("subdistrict", "Stadtteil", "Neighbourhood"),
)


class LevelError(ValueError):
    """A level declaration is unusable (German message)."""


@dataclass(frozen=True)
class Level:
    """One level of the territory; depth 0 is the top (the whole municipality)."""

    id: str
    depth: int
    name_de: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_de


class Levels(Sequence[Level]):
    """The levels of one territory, ordered from the top down."""

    def __init__(self, levels: Sequence[Level]) -> None:
        ordered = tuple(sorted(levels, key=lambda lv: lv.depth))
        if not ordered:
            raise LevelError("Es muss mindestens eine Ebene geben.")
        ids = [lv.id for lv in ordered]
        for level in ordered:
            if not LEVEL_ID.fullmatch(level.id):
                raise LevelError(
                    f"Ebenen-Kennung {level.id!r} ist ungültig: erlaubt sind Kleinbuchstaben, "
                    "Ziffern und _ (beginnend mit einem Buchstaben, höchstens 32 Zeichen).")
            if not level.name_de.strip():
                raise LevelError(f"Ebene {level.id!r} braucht einen Namen.")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise LevelError(f"Ebene doppelt angegeben: {', '.join(duplicates)}")
        if [lv.depth for lv in ordered] != list(range(len(ordered))):
            raise LevelError("Die Tiefen der Ebenen müssen 0, 1, 2, … lauten.")
        self._levels = ordered
        self._by_id = {lv.id: lv for lv in ordered}

    def __getitem__(self, index):  # type: ignore[override]
        return self._levels[index]

    def __len__(self) -> int:
        return len(self._levels)

    def __iter__(self) -> Iterator[Level]:
        return iter(self._levels)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Level):
            return item in self._levels
        return item in self._by_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Levels) and self._levels == other._levels

    def __hash__(self) -> int:
        return hash(self._levels)

    def __repr__(self) -> str:
        return f"Levels({', '.join(lv.id for lv in self._levels)})"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lv.id for lv in self._levels)

    @property
    def top(self) -> Level:
        return self._levels[0]

    @property
    def bottom(self) -> Level:
        return self._levels[-1]

    def get(self, level_id: str) -> Level:
        """The level with this id; LevelError naming the declared ones otherwise."""
        try:
            return self._by_id[level_id]
        except KeyError:
            raise LevelError(f"Unbekannte Ebene {level_id!r}; erlaubt sind "
                             f"{', '.join(self.ids)}.") from None

    def depth(self, level_id: str) -> int:
        return self.get(level_id).depth

    def parent_of(self, level_id: str) -> Level | None:
        """The level directly above, or None for the top level."""
        depth = self.depth(level_id)
        return self._levels[depth - 1] if depth > 0 else None

    def child_of(self, level_id: str) -> Level | None:
        """The level directly below, or None for the bottom level."""
        depth = self.depth(level_id)
        return self._levels[depth + 1] if depth + 1 < len(self._levels) else None

    def below(self, level_id: str) -> tuple[Level, ...]:
        """All levels under the given one, top first."""
        return self._levels[self.depth(level_id) + 1:]

    def label(self, level_id: str, lang: str) -> str:
        """Display name of a level; the id itself for a level not declared here."""
        level = self._by_id.get(level_id)
        return level.name(lang) if level is not None else level_id

    def sort_key(self, level_id: str) -> tuple[int, str]:
        """Orders level ids top first; undeclared ids last, by name."""
        level = self._by_id.get(level_id)
        return (level.depth if level is not None else len(self._levels), level_id)


def demo_levels() -> Levels:
    """The demo city's three levels (ids city, district, subdistrict)."""
    return Levels([Level(i, d, de, en) for d, (i, de, en) in enumerate(DEMO_LEVELS)])


def parse_levels_option(text: str) -> Levels:
    """Parse `ID:Label,ID:Label,...` (top to bottom); a label may be `Deutsch|English`."""
    levels = []
    for depth, part in enumerate(p.strip() for p in text.split(",")):
        if not part:
            raise LevelError("Leerer Eintrag in --levels; erwartet ID:Name,ID:Name,…")
        level_id, sep, label = part.partition(":")
        if not sep or not label.strip():
            raise LevelError(f"{part!r} in --levels hat keinen Namen; erwartet ID:Name, "
                             "z. B. kreis:Kreis")
        de, _, en = label.partition("|")
        levels.append(Level(level_id.strip(), depth, de.strip(), (en or de).strip()))
    return Levels(levels)


def levels_from_mapping(raw: object) -> Levels:
    """Levels from a YAML list of {id, de, en} (or {id, name}) entries, top first."""
    if not isinstance(raw, list) or not raw:
        raise LevelError("levels muss eine Liste sein: - {id: kreis, de: Kreis, en: District}")
    levels = []
    for depth, entry in enumerate(raw):
        if not isinstance(entry, dict) or "id" not in entry:
            raise LevelError(f"Ebene Nr. {depth + 1} braucht id und de (Name).")
        de = str(entry.get("de") or entry.get("name") or "").strip()
        en = str(entry.get("en") or de).strip()
        levels.append(Level(str(entry["id"]).strip(), depth, de, en))
    return Levels(levels)


def write_levels(conn: duckdb.DuckDBPyConnection, levels: Levels) -> None:
    """Replace the store's levels with the given ones (inside a publish)."""
    conn.execute("DELETE FROM levels")
    conn.executemany("INSERT INTO levels VALUES (?, ?, ?, ?)",
                     [(lv.id, lv.depth, lv.name_de, lv.name_en) for lv in levels])


def read_levels(conn: duckdb.DuckDBPyConnection) -> Levels:
    """The levels of the snapshot behind `conn` (demo levels for snapshots without them)."""
    try:
        rows = conn.execute(
            "SELECT id, depth, name_de, name_en FROM levels ORDER BY depth").fetchall()
    except duckdb.CatalogException:
        return demo_levels()
    if not rows:
        return demo_levels()
    return Levels([Level(*row) for row in rows])
