"""One indicator as XLSX: a header block (title, unit, source, period, data date, export
date, confidentiality), then the table with typed numbers and marked suppressed cells."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from cockpit.export.table import FORMULA_START, ExportTable

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="DDE3EA")
_HIDDEN = Font(italic=True, color="555555")
_WIDTHS = (16, 34, 16, 12, 14, 14, 14, 24, 40)


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


def number_format(decimals: int) -> str:
    """Excel's format for a value with `decimals` places (shown with the user's locale)."""
    return "0" if decimals <= 0 else "0." + "0" * decimals


def _number_cell(ws, value: float | None, fmt: str) -> WriteOnlyCell | None:  # noqa: ANN001
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=float(value))
    cell.number_format = fmt
    return cell


def xlsx_bytes(table: ExportTable) -> bytes:
    """The table as an XLSX workbook (bytes)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(table.indicator.title(table.lang)))
    columns = table.columns()
    for i, width in enumerate(_WIDTHS[:len(columns) - 1] + (_WIDTHS[-1],), start=1):
        ws.column_dimensions[_letter(i)].width = width
    header = table.header()
    ws.append([text_cell(ws, header[0][1], font=_TITLE)])
    wrap = Alignment(wrap_text=False, vertical="top")
    for label, text in header[1:]:
        ws.append([text_cell(ws, label, font=_BOLD), text_cell(ws, text, alignment=wrap)])
    ws.append([])
    ws.append([text_cell(ws, c, font=_BOLD, fill=_HEAD_FILL) for c in columns])
    fmt = number_format(table.decimals)
    hidden = table.suppressed_text()
    for r in table.rows:
        if r.suppressed:
            numbers = [text_cell(ws, hidden, font=_HIDDEN), None, None]
        else:
            numbers = [_number_cell(ws, r.value, fmt), _number_cell(ws, r.numerator, "0"),
                       _number_cell(ws, r.denominator, "0")]
        line = [text_cell(ws, r.area_code), text_cell(ws, r.area_name),
                text_cell(ws, r.level), text_cell(ws, r.period), *numbers]
        if table.is_index:
            line.append(text_cell(ws, r.klass or ""))
        line.append(text_cell(ws, r.note) if r.note else None)
        ws.append(line)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def header_rows(table: ExportTable) -> int:
    """How many rows come before the column heads (header block and a blank row)."""
    return len(table.header()) + 1


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows at most 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Daten")[:31]
