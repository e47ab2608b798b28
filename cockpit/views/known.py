"""What a view definition is checked against, taken from the running gate or a registry."""

from __future__ import annotations

from collections.abc import Collection

from cockpit.access import Gate
from cockpit.access.errors import GateError
from cockpit.indicators.registry import Registry
from cockpit.views.model import Known


def known_of(registry: Registry, levels: Collection[str] | None = None,
             areas: Collection[str] | None = None) -> Known:
    """Indicators and indices of a registry (id -> kind), and levels and areas if known."""
    return Known({ind.id: ind.kind for ind in registry.everything()}, levels, areas)


def known_for(gate: Gate) -> Known:
    """Everything the running installation knows: its registry, levels and area codes
    (without a snapshot only the registry)."""
    try:
        return known_of(gate.registry, gate.declared_levels().ids, gate.areas_info().codes)
    except GateError:
        return known_of(gate.registry)
