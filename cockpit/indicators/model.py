"""The metadata sheet (Steckbrief) of one indicator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATIONS: tuple[str, ...] = ("ratio", "sum", "none")
ALLOWED_PARAMETERS: tuple[str, ...] = ("period",)
RESULT_COLUMNS: tuple[str, ...] = ("area_code", "period", "value", "numerator", "denominator")
DEFAULT_MIN_COUNT = 3


@dataclass(frozen=True)
class Indicator:
    """One indicator: its Steckbrief and its SQL."""

    id: str
    title_de: str
    title_en: str
    description: str
    unit: str
    topic: str
    direction: str
    classification: str
    aggregation: str
    factor: float
    decimals: int
    min_count: int
    numerator: str
    denominator: str | None
    source: str
    update_cycle: str
    notes: str
    datasets: tuple[str, ...]
    parameters: tuple[str, ...]
    sql: str
    path: Path
    value_range: tuple[float | None, float | None] = (None, None)
    kind: str = "indicator"
    # Indicators whose counts this one's numerator is computed from (e.g. a
    # change of residents); its cells are hidden where those counts are hidden.
    derived_from: tuple[str, ...] = ()

    def title(self, lang: str = "de") -> str:
        """Return the title in the requested language (German by default)."""
        return self.title_en if lang == "en" else self.title_de

    def formula(self) -> str:
        """Describe how the value is computed from numerator and denominator, in German."""
        if self.aggregation == "ratio":
            scale = f"{self.factor:g} × " if self.factor != 1 else ""
            return f"{scale}Zähler / Nenner"
        if self.aggregation == "sum":
            return "Summe der Fälle (Zähler)"
        return "Wert wie geliefert, keine Aggregation"
