"""Pick the reader for a delivery by its format."""

from __future__ import annotations

from pathlib import Path

from cockpit.ingest.csv_reader import Delivery, read_csv_delivery
from cockpit.ingest.layout import to_long
from cockpit.ingest.xlsx_reader import read_xlsx_delivery

READABLE_FORMATS = ("csv", "xlsx")


def guess_format(path: Path) -> str:
    """The format a file name suggests (csv unless it ends in .xlsx)."""
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def read_delivery(path: Path, file_format: str | None = None,
                  sheet: str | None = None) -> Delivery:
    """Read a delivery in one of READABLE_FORMATS, wide layouts turned long."""
    file_format = file_format or guess_format(path)
    if file_format == "xlsx":
        return to_long(read_xlsx_delivery(path, sheet=sheet))
    if file_format == "csv":
        return to_long(read_csv_delivery(path))
    raise ValueError(f"Format {file_format} wird nicht gelesen")
