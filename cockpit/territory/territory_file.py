"""Read `territory.yaml`: a municipality's name, levels and area imports in one file.

    name: Stadt Köln
    levels:
      - {id: stadt, de: Stadt, en: City}
      - {id: stadtbezirk, de: Stadtbezirk, en: District}
    areas:                      # applied in order, same options as `cockpit areas import`
      - {level: stadt, code: "000", name: Stadt Köln}          # inline, no file
      - {file: geo/Stadtbezirk.shp, level: stadtbezirk, code: STB_NR, name: STB_NAME,
         pad: 3, parent: "000"}

Paths are relative to the yaml file; environment variables ($COCKPIT_SAMPLES) are
expanded. An entry may say `yes: true` to accept its warnings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from cockpit.territory.levels import LevelError, Levels, levels_from_mapping
from cockpit.territory.spec import ImportSpec, parse_date

ENTRY_KEYS = {"file", "level", "code", "name", "parent", "parent_field", "parent_prefix",
              "parent_within", "pad", "where", "layer", "crs", "encoding", "valid_from", "yes"}


class TerritoryError(ValueError):
    """The territory file is unusable (German message)."""


@dataclass
class TerritoryEntry:
    """One area import of the file; `inline` when code and name are values, not fields."""

    spec: ImportSpec
    inline: bool


@dataclass
class Territory:
    name: str
    levels: Levels
    entries: list[TerritoryEntry]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise TerritoryError(f"{where}: {key} muss eine ganze Zahl sein, nicht {value!r}.")
    return int(value)


def _entry(raw: object, number: int, base: Path) -> TerritoryEntry:
    where = f"areas Nr. {number}"
    if not isinstance(raw, dict):
        raise TerritoryError(f"{where} muss ein Eintrag mit level, code, name sein.")
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise TerritoryError(f"{where}: unbekannte Angabe {', '.join(unknown)}; erlaubt sind "
                             f"{', '.join(sorted(ENTRY_KEYS))}.")
    for key in ("level", "code", "name"):
        if raw.get(key) in (None, ""):
            raise TerritoryError(f"{where}: {key} fehlt.")
    file = raw.get("file")
    path = None
    if file is not None:
        path = Path(os.path.expandvars(str(file)))
        if not path.is_absolute():
            path = base / path
    selection = raw.get("where") or {}
    if not isinstance(selection, dict):
        raise TerritoryError(f"{where}: where muss eine Zuordnung FELD: WERT sein.")
    valid_from = None
    if raw.get("valid_from") is not None:
        try:
            valid_from = parse_date(str(raw["valid_from"]))
        except ValueError as exc:
            raise TerritoryError(f"{where}: {exc}") from None
    spec = ImportSpec(
        level=str(raw["level"]), code=str(raw["code"]), name=str(raw["name"]), file=path,
        parent=_text(raw.get("parent")), parent_field=_text(raw.get("parent_field")),
        parent_prefix=_int(raw.get("parent_prefix"), "parent_prefix", where),
        parent_within=bool(raw.get("parent_within", False)),
        pad=_int(raw.get("pad"), "pad", where),
        where={str(k): str(v) for k, v in selection.items()},
        layer=_text(raw.get("layer")), crs=_text(raw.get("crs")),
        encoding=_text(raw.get("encoding")), valid_from=valid_from,
        yes=bool(raw.get("yes", False)))
    return TerritoryEntry(spec, inline=file is None)


def read_territory(path: Path) -> Territory:
    """Parse a territory file; TerritoryError with a German message when it is unusable."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TerritoryError(f"Gebietsdatei {path} nicht gefunden.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TerritoryError(f"Gebietsdatei {path} ist nicht lesbar: {exc}") from None
    if not isinstance(raw, dict):
        raise TerritoryError(f"{path.name}: erwartet name, levels und areas.")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise TerritoryError(f"{path.name}: name (Name der Kommune) fehlt.")
    try:
        levels = levels_from_mapping(raw.get("levels"))
    except LevelError as exc:
        raise TerritoryError(f"{path.name}: {exc}") from None
    areas = raw.get("areas") or []
    if not isinstance(areas, list):
        raise TerritoryError(f"{path.name}: areas muss eine Liste sein.")
    base = path.resolve().parent
    return Territory(name, levels, [_entry(e, n, base) for n, e in enumerate(areas, 1)])
