"""Indicators: one SQL module per indicator, validated at start, computed per level."""

from cockpit.indicators.model import Indicator
from cockpit.indicators.registry import Registry, RegistryError, load_registry

__all__ = ["Indicator", "Registry", "RegistryError", "load_registry"]
