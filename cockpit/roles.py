"""Names of roles and classifications fixed by the interface contract.

Area levels are not fixed: each installation declares its own (cockpit/territory/levels.py),
stored with every snapshot.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = (
    "admin", "controlling", "leadership", "district", "committee", "department",
)

# Ordered from least to most sensitive.
CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "restricted")
