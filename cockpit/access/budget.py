"""The budget through the gate: the Haushalt lines a viewer may see, and nothing else.

Budget lines are not an indicator but a dataset read as it was delivered (amounts in
EUR per Produktgruppe, position and stage), so they have no small counts to suppress.
Who may see them follows the same rule as every indicator (`policy.indicator_scope`
with the dataset's classification and department): `internal` is open to every role,
`restricted` only to those the policy names, and a scope of listed areas keeps only the
lines of those areas. Pages reach the lines only through `Gate.budget(viewer)`.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import pandas as pd

from cockpit.access.errors import AccessDenied, NotFound, NotLoggedIn
from cockpit.access.policy import Scope, indicator_scope
from cockpit.access.viewer import Viewer
from cockpit.budget import (
    BUDGET_DATASET,
    PRODUKTRAHMEN_FILE,
    Produktrahmen,
    load_produktrahmen,
)
from cockpit.catalog import Dataset

if TYPE_CHECKING:
    from cockpit.access.gate import Gate

LINE_COLUMNS = ["area_code", "period", "category", "measure", "variant", "value"]
RESIDENTS_INDICATOR = "einwohner"

# Lines per gate and data version: read once per snapshot, never per viewer (the scope
# is applied on every call). Weak keys: a gate that is dropped takes its lines along.
_LINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
# Produktrahmen by (file, modification time, the dataset's codes): a handful of entries.
_FRAMES: dict[tuple, Produktrahmen] = {}


def budget_scope(viewer: Viewer | None, dataset: Dataset,
                 descendants: dict[str, frozenset[str]]) -> Scope:
    """Which areas' budget lines the viewer may see: the indicators' rule, applied to the
    budget dataset's classification and owning department."""
    departments = {dataset.department} if dataset.classification == "restricted" else set()
    return indicator_scope(viewer, dataset.classification, departments, descendants)


class BudgetDesk:
    """The budget lines one logged-in viewer may see; refuses everyone else."""

    def __init__(self, gate: Gate, viewer: Viewer | None) -> None:
        if viewer is None:
            raise NotLoggedIn("Bitte melden Sie sich an.")
        dataset = gate.inst.catalog.datasets.get(BUDGET_DATASET)
        if dataset is None:
            raise NotFound("Für diese Installation ist kein Haushaltsdatensatz "
                           f"„{BUDGET_DATASET}“ eingerichtet.")
        self.gate, self.viewer, self.dataset = gate, viewer, dataset
        self.scope = budget_scope(viewer, dataset, gate.areas_info().descendants)
        if not self.scope.allowed:
            raise AccessDenied("Der Haushalt ist für Ihre Rolle nicht freigegeben.")
        self.top = gate.declared_levels().top.id
        # The budget is kept for the whole municipality (the dataset's levels); a
        # scope of listed areas that does not cover it leaves nothing to show.
        lines = self._all_lines()
        if self.scope.areas is not None:
            lines = lines[lines["area_code"].isin(self.scope.areas)]
            if lines.empty:
                raise AccessDenied("Der Haushalt ist für Ihre Rolle nicht freigegeben.")
        self._lines = lines

    def _all_lines(self) -> pd.DataFrame:
        version = self.gate.data_version
        with _LOCK:
            cached = _LINES.get(self.gate)
        if cached is not None and cached[0] == version:
            return cached[1]
        lines = self.gate.inst.store.read(version).execute(
            "SELECT area_code, period, category, measure, variant, value FROM observations "
            "WHERE dataset_id = ? ORDER BY period, category, measure, variant",
            [BUDGET_DATASET]).df()
        lines = lines.astype({"value": "float64"})[LINE_COLUMNS]
        with _LOCK:
            _LINES[self.gate] = (version, lines)
        return lines

    @property
    def produktrahmen(self) -> Produktrahmen:
        """Names of the Produktbereiche and Produktgruppen (not confidential); read again
        only when the file changes."""
        data_dir = self.gate.inst.settings.data_dir
        path = data_dir / PRODUKTRAHMEN_FILE
        key = (str(path), path.stat().st_mtime_ns if path.exists() else None,
               self.dataset.dimensions.get("category"))
        with _LOCK:
            cached = _FRAMES.get(key)
        if cached is None:
            cached = load_produktrahmen(data_dir, self.dataset)
            with _LOCK:
                _FRAMES[key] = cached
        return cached

    def lines(self, period: str | None = None) -> pd.DataFrame:
        """The permitted budget lines (all years, or one): area_code, period, category,
        measure, variant, value."""
        if period is None:
            return self._lines
        return self._lines[self._lines["period"] == period]

    def residents(self) -> dict[str, float]:
        """Einwohner of the whole municipality per year, through the gate (for the
        per-inhabitant view); years the viewer may not see or that are hidden are left out."""
        try:
            rows = self.gate.values(self.viewer, RESIDENTS_INDICATOR, level=self.top,
                                    all_periods=True)
        except (NotFound, AccessDenied):
            return {}
        rows = rows[~rows["suppressed"] & rows["value"].notna() & (rows["value"] > 0)]
        return dict(zip(rows["period"], rows["value"].astype(float), strict=True))
