"""The person asking, as the gate sees them."""

from __future__ import annotations

from dataclasses import dataclass

# Roles that may switch suppression off; every such view is audited.
RAW_ROLES = frozenset({"admin", "controlling"})


@dataclass(frozen=True)
class Viewer:
    """A logged-in user: role and binding decide what the gate returns."""

    name: str
    role: str
    area_code: str | None = None
    department: str | None = None
    raw: bool = False

    @property
    def may_view_raw(self) -> bool:
        return self.role in RAW_ROLES

    @property
    def wants_raw(self) -> bool:
        """True only when the user asked for raw values and the role allows it."""
        return self.raw and self.may_view_raw
