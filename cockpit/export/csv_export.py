"""A sheet as CSV for German Excel: UTF-8 with BOM, ";" and decimal comma."""

from __future__ import annotations

import csv
import io

from cockpit.export.table import Num, Sheet, neutralise

MEDIA_TYPE = "text/csv; charset=utf-8"


def german_number(value: float | None) -> str:
    """A number as German Excel reads it: decimal comma, no grouping, nothing lost
    (12.5 -> "12,5", 1234.0 -> "1234", None -> "")."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",")


def _text(cell: object) -> str:
    if isinstance(cell, Num):
        return german_number(float(cell.value))
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return german_number(float(cell))
    return neutralise(cell)


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet's table as CSV bytes (no header block: the first line names the columns);
    a suppressed cell says so ("geheim"), never a number; texts are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_text(cell) for cell in row])
    # The BOM tells Excel the file is UTF-8 (else umlauts break).
    return out.getvalue().encode("utf-8-sig")
