"""All checks of one delivery: row checks first, then checks against the store."""

from __future__ import annotations

import pandas as pd

from cockpit.catalog import Dataset
from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.plausibility import check_plausibility
from cockpit.ingest.problems import Report
from cockpit.ingest.validate import validate_delivery


def check_delivery(delivery: Delivery, dataset: Dataset, conn) -> tuple[Report, pd.DataFrame]:  # noqa: ANN001
    """Validate rows, then compare with the published data (totals, gaps, jumps)."""
    # Codes of any validity pass the row checks, so the plausibility check can say
    # "valid until …" instead of a bare "unknown" after a boundary change.
    areas = dict(conn.execute("SELECT DISTINCT code, level FROM areas").fetchall())
    report, observations = validate_delivery(delivery, dataset, areas)
    if report.ok and not observations.empty:
        # Cross-row checks only make sense on rows that passed the row checks.
        report.problems += check_plausibility(observations, dataset, conn,
                                              sum_tolerance=dataset.sum_tolerance,
                                              jump_threshold=dataset.jump_threshold)
    return report, observations
