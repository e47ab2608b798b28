"""A sheet as XLSX: a header block (title, unit, source, period, data date, export date,
confidentiality), then the table with typed numbers and marked suppressed cells."""

from __future__ import annotations

import io
import math
import re
import zipfile
from xml.sax.saxutils import escape

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
    """The sheet as an XLSX workbook (bytes).

    openpyxl writes the workbook, its styles, the header block and the column heads; the
    data rows (11,000 areas: 88,000 cells, ~1.2 s through openpyxl's cell objects) are
    written as sheet XML directly, with the style numbers openpyxl gave to one probe
    cell per style. Text cells are inline strings, so no shared-string table changes.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(sheet.title))
    for i, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([text_cell(ws, sheet.title, font=_TITLE)])
    for label, text in sheet.header:
        ws.append([text_cell(ws, label, font=_BOLD), text_cell(ws, text)])
    ws.append([])
    ws.append([text_cell(ws, c, font=_BOLD, fill=_HEAD_FILL) for c in sheet.columns])
    formats = sorted({f for f in sheet.formats if f} | {
        cell.fmt for row in sheet.rows for cell in row if isinstance(cell, Num)})
    probe = [text_cell(ws, _PROBE, font=_HIDDEN), text_cell(ws, "=" + _PROBE)]
    for fmt in formats:
        cell = WriteOnlyCell(ws, value=0.0)
        cell.number_format = fmt
        probe.append(cell)
    ws.append(probe)
    out = io.BytesIO()
    wb.save(out)
    return _with_rows(out.getvalue(), sheet, formats)


_PROBE = "cockpit-style-probe"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET = "xl/worksheets/sheet1.xml"


def _with_rows(body: bytes, sheet: Sheet, formats: list[str]) -> bytes:
    """The workbook with the probe row replaced by the sheet's data rows."""
    with zipfile.ZipFile(io.BytesIO(body)) as source:
        xml = source.read(_SHEET).decode("utf-8")
        match = re.search(r'<row r="(\d+)"[^>]*>((?:(?!</row>).)*' + _PROBE
                          + r".*?)</row>", xml)
        if match is None:
            raise RuntimeError("XLSX: Stilprobe nicht gefunden")
        styles = [m.group(1) or "0" for m in
                  re.finditer(r'<c r="[A-Z]+\d+"(?: s="(\d+)")?', match.group(2))]
        hidden_style, quoted_style = styles[0], styles[1]
        number_styles = dict(zip(formats, styles[2:], strict=True))
        rows = _rows_xml(sheet, int(match.group(1)), hidden_style, quoted_style,
                         number_styles)
        xml = xml[:match.start()] + rows + xml[match.end():]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = xml.encode("utf-8") if item.filename == _SHEET else source.read(item)
                target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _rows_xml(sheet: Sheet, first: int, hidden_style: str, quoted_style: str,
              number_styles: dict[str, str]) -> str:
    letters = [get_column_letter(i + 1) for i in range(max(len(sheet.columns), 1) + 4)]
    column_formats = sheet.formats
    parts = []
    for n, row in enumerate(sheet.rows, start=first):
        cells = []
        for i, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{letters[i]}{n}"
            fmt = column_formats[i] if i < len(column_formats) else None
            if isinstance(value, Num):
                value, fmt = value
            if isinstance(value, Hidden):
                cells.append(f'<c r="{ref}" s="{hidden_style}" t="inlineStr"><is>'
                             f'<t xml:space="preserve">{_xml_text(value)}</t></is></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                number = float(value)
                if not math.isfinite(number):
                    continue
                style = number_styles.get(fmt or "", "")
                attr = f' s="{style}"' if style else ""
                cells.append(f'<c r="{ref}"{attr} t="n"><v>{number!r}</v></c>')
            else:
                text = str(value)
                attr = f' s="{quoted_style}"' if text.startswith(FORMULA_START) else ""
                cells.append(f'<c r="{ref}"{attr} t="inlineStr"><is>'
                             f'<t xml:space="preserve">{_xml_text(text)}</t></is></c>')
        parts.append(f'<row r="{n}">{"".join(cells)}</row>')
    return "".join(parts)


def _xml_text(text: str) -> str:
    """Text as XML character data: escaped, without characters XML forbids."""
    return escape(_CONTROL.sub("", text))


def header_rows(sheet: Sheet) -> int:
    """How many rows come before the column heads (title, header block, a blank row)."""
    return len(sheet.header) + 2


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and allows at most 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Daten")[:31]
