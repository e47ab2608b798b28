"""What one area import asks for: the options of `cockpit areas import` or of one entry
of a territory file. Kept apart from the importer so the command line can parse options
without loading the geometry libraries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


@dataclass
class ImportSpec:
    """One `cockpit areas import` (or one entry of a territory file)."""

    level: str
    code: str
    name: str
    file: Path | None = None
    parent: str | None = None
    parent_field: str | None = None
    parent_prefix: int | None = None
    parent_within: bool = False
    pad: int | None = None
    where: dict[str, str] = field(default_factory=dict)
    layer: str | None = None
    crs: str | None = None
    encoding: str | None = None
    valid_from: date | None = None
    yes: bool = False

    @property
    def label(self) -> str:
        source = self.file.name if self.file is not None else "(Eintrag ohne Datei)"
        return f"{source} → Ebene {self.level}"


def parse_date(text: str) -> date:
    """`2021-01-01` or `01.01.2021`; LevelError-free ValueError with a German message."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Datum {text!r} ist ungültig; erwartet JJJJ-MM-TT oder TT.MM.JJJJ.")
