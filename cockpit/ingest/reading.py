"""Pick the reader for a delivery by its format."""

from __future__ import annotations

from pathlib import Path

from cockpit.ingest.csv_reader import Delivery, read_csv_delivery
from cockpit.ingest.genesis_reader import read_genesis_delivery
from cockpit.ingest.layout import to_long
from cockpit.ingest.mapping import apply_mapping
from cockpit.ingest.xlsx_reader import read_xlsx_delivery

READABLE_FORMATS = ("csv", "xlsx", "genesis")


def guess_format(path: Path) -> str:
    """The format a file name suggests (csv unless it ends in .xlsx)."""
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def read_delivery(path: Path, file_format: str | None = None,
                  sheet: str | None = None, genesis_columns: dict | None = None) -> Delivery:
    """Read a delivery in one of READABLE_FORMATS, wide layouts turned long.

    GENESIS exports are mapped to the dataset's columns with `genesis_columns`.
    """
    file_format = file_format or guess_format(path)
    if file_format == "genesis":
        return apply_mapping(read_genesis_delivery(path), genesis_columns or {})
    if file_format == "xlsx":
        return to_long(read_xlsx_delivery(path, sheet=sheet))
    if file_format == "csv":
        return to_long(read_csv_delivery(path))
    raise ValueError(f"Format {file_format} wird nicht gelesen")
