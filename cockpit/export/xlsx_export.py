"""A sheet as XLSX: a header block (title, unit, source, period, data date, export date,
confidentiality), then the table with typed numbers and marked suppressed cells."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cockpit.export.table import FORMULA_START, Hidden, Num, Sheet

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="DDE3EA")
_HIDDEN = Font(italic=True, color="555555")


def text_cell(ws, value: object, **style: object) -> WriteOnlyCell:  # noqa: ANN001
    """A cell that holds text and only text: a value starting with = + - @ stays a string
    (openpyxl would make it a formula) and is marked as text for Excel (quotePrefix)."""
    text = "" if value is None else str(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never "f": no formula, whatever the text begins with
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _cell(ws, value: object, fmt: str | None) -> WriteOnlyCell | None:  # noqa: ANN001
    if value is None or value == "":
        return None
    if isinstance(value, Num):
        value, fmt = value
    if isinstance(value, Hidden):
        return text_cell(ws, value, font=_HIDDEN)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=float(value))
        cell.number_format = fmt or "General"
        return cell
    return text_cell(ws, value)


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as an XLSX workbook (bytes)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(sheet.title))
    for i, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([text_cell(ws, sheet.title, font=_TITLE)])
    for label, text in sheet.header:
        ws.append([text_cell(ws, label, font=_BOLD), text_cell(ws, text)])
    ws.append([])
    ws.append([text_cell(ws, c, font=_BOLD, fill=_HEAD_FILL) for c in sheet.columns])
    formats = sheet.formats
    for row in sheet.rows:
        ws.append([_cell(ws, value, formats[i] if i < len(formats) else None)
                   for i, value in enumerate(row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def header_rows(sheet: Sheet) -> int:
    """How many rows come before the column heads (title, header block, a blank row)."""
    return len(sheet.header) + 2


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows at most 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Daten")[:31]
