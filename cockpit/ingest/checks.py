"""All checks of one delivery: row checks first, then checks against the store."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit.catalog import Dataset, dataset_level_problem
from cockpit.ingest.code_table import Territory, apply_code_table
from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.plausibility import assess_plausibility
from cockpit.ingest.problems import Report, error, info
from cockpit.ingest.validate import validate_delivery
from cockpit.territory.levels import read_levels
from cockpit.territory.lookup import TerritoryLookup

# Shown to uploaders who may not see raw values instead of the comparison with published
# data: that comparison would reveal hidden small counts (even through a percentage).
NO_COMPARISON_NOTE = (
    "Ein Vergleich mit den veröffentlichten Daten (Sprünge gegenüber dem Vorzeitraum, "
    "fehlende Gebiete gegenüber der vorigen Lieferung) wird Ihnen nicht angezeigt, weil er "
    "geheim gehaltene kleine Fallzahlen verraten könnte; fehlende Gebiete werden gegen den "
    "Gebietsstand geprüft, Sprünge nur innerhalb der Datei."
)


@dataclass(frozen=True)
class DeliveryCheck:
    """The report of one delivery and which published data it depends on."""

    report: Report
    observations: pd.DataFrame
    compared_periods: tuple[str, ...] = ()  # published periods the report compared with
    published_cells: int = 0  # published values the report quotes


def check_delivery(delivery: Delivery, dataset: Dataset, conn) -> tuple[Report, pd.DataFrame]:  # noqa: ANN001
    """Validate rows, then compare with the published data (totals, gaps, jumps).

    The full comparison is for operators (`cockpit load`), who read the store anyway.
    """
    result = run_checks(delivery, dataset, conn, compare_published=True)
    return result.report, result.observations


def run_checks(delivery: Delivery, dataset: Dataset, conn, *,  # noqa: ANN001
               compare_published: bool) -> DeliveryCheck:
    """All checks; with `compare_published=False` the report depends only on the file, the
    dataset definition and the territory, never on published observations."""
    # Codes of any validity pass the row checks, so the plausibility check can say
    # "valid until …" instead of a bare "unknown" after a boundary change.
    if dataset.code_table is not None:
        delivery = apply_code_table(delivery, dataset.code_table, dataset.dimensions,
                                    dataset.levels, Territory.from_store(conn),
                                    tolerance=dataset.sum_tolerance)
    levels = read_levels(conn)
    report, observations = validate_delivery(delivery, dataset, TerritoryLookup.from_store(conn))
    level_problem = dataset_level_problem(dataset, levels)
    if level_problem:  # the definition does not fit this territory: nothing can be loaded
        report.problems.insert(0, error(None, None, level_problem))
        return DeliveryCheck(report, observations.iloc[0:0])
    if not compare_published:
        report.problems.append(info(NO_COMPARISON_NOTE))
    if not report.ok or observations.empty:
        return DeliveryCheck(report, observations)
    # Cross-row checks only make sense on rows that passed the row checks.
    result = assess_plausibility(observations, dataset, conn,
                                 sum_tolerance=dataset.sum_tolerance,
                                 jump_threshold=dataset.jump_threshold,
                                 published=compare_published)
    report.problems += result.problems
    return DeliveryCheck(report, observations, result.compared_periods, result.published_cells)
