"""Names of roles, classifications and area levels fixed by the interface contract."""

from __future__ import annotations

ROLES: tuple[str, ...] = (
    "admin", "controlling", "leadership", "district", "committee", "department",
)

# Ordered from least to most sensitive.
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "restricted")

# Ordered from the top of the territory down.
LEVELS: tuple[str, ...] = ("city", "district", "subdistrict")

LEVEL_LABELS_DE: dict[str, str] = {
    "city": "Stadt",
    "district": "Stadtbezirk",
    "subdistrict": "Stadtteil",
}
