"""Wide deliveries (one column per year) become the long layout the checks expect."""

from __future__ import annotations

from dataclasses import replace

from cockpit.ingest.csv_reader import Delivery
from cockpit.periods import PeriodError, is_period, parse_date


def _names_period(name: str) -> bool:
    """A column named like a period (2019, 2024-H1, 2024-Q3, 2024-06) or a key date
    (31.12.2024, 2024-06-30); the validator maps dates to the dataset's period type."""
    name = name.strip()
    try:
        return is_period(name) or parse_date(name) is not None
    except PeriodError:
        return True  # looks like a date but is none (31.06.2024): the validator says so


def period_columns(header: list[str]) -> list[int]:
    """Positions of columns named like a period or a key date."""
    return [i for i, name in enumerate(header) if _names_period(name)]


def to_long(delivery: Delivery) -> Delivery:
    """Melt a wide delivery (no `period`/`value` columns, one column per period).

    A delivery that already has a period column is returned unchanged. Each
    melted row keeps the line number of the file row it came from, so the
    report still points at the right line.
    """
    names = [name.strip().lower() for name in delivery.header]
    wide = period_columns(delivery.header)
    if "period" in names or "value" in names or not wide:
        return delivery
    keep = [i for i in range(len(delivery.header)) if i not in wide]
    header = [delivery.header[i] for i in keep] + ["period", "value"]
    rows = [
        (line, [cells[i] for i in keep] + [delivery.header[j].strip(), cells[j]])
        for line, cells in delivery.rows
        for j in wide
        if cells[j].strip() != ""  # an empty year cell means: not delivered
    ]
    first, last = delivery.header[wide[0]].strip(), delivery.header[wide[-1]].strip()
    detected = {**delivery.detected, "layout": f"breit (Spalten {first}–{last})"}
    return replace(delivery, header=header, rows=rows, detected=detected)
