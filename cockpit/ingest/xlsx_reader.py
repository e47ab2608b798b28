"""Read an Excel (.xlsx) delivery into the same `Delivery` the CSV reader produces.

Cells become the strings `cockpit.ingest.validate` understands: numbers in plain English
notation ("12.5", decimal "." and no thousands separator), text stripped, empty cells "".
What the cells mean is checked by the validator, as for CSV.

Memory: the sheet is always read with openpyxl's read-only (streaming) mode, whatever its
size, because a normal load keeps every cell as an object (gigabytes for a million rows).
Read-only worksheets do not expose merged ranges, so those are found by scanning the
sheet's XML part for `<mergeCell ref=…>` in chunks – a cheap byte search, no second parse.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.problems import Problem, error, quote, warning

FORMAT = "XLSX"
NOT_XLSX = "Datei ist keine gültige Excel-Datei (.xlsx)"

_ZIP_MAGIC = b"PK\x03\x04"
# Old .xls files and password-protected .xlsx files are both OLE2 compound documents.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names of an encrypted OOXML package, as stored (UTF-16LE) in the OLE2 directory.
_ENCRYPTION_MARKERS = tuple(name.encode("utf-16-le")
                            for name in ("EncryptedPackage", "EncryptionInfo"))
_CHUNK = 1 << 20
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")
# Columns where a date is never meant: Excel silently turns "1-2" into a date. A date in the
# period column is a key date (30.06.2024) and goes on as ISO text; the validator maps it to
# the dataset's period type and refuses a day that ends no period (Excel's 01.06.2024
# for a typed "2024-06" among them).
_NO_DATE_COLUMNS = {"area_code"}


class _Fatal(Exception):
    """The file or sheet cannot be read at all; carries the one problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _CellError(Exception):
    """One cell has a type the validator cannot judge as text (boolean, date as area key)."""


def read_xlsx_delivery(path: Path, *, sheet: str | None = None) -> Delivery:
    """Read the first (or the named) sheet of `path`; never raises for bad content.

    Line numbers are Excel row numbers, so „Zeile 12“ is row 12 as the user sees it.
    """
    detected = {"format": FORMAT}
    try:
        _check_signature(path)
        with open(path, "rb") as fh:
            return _read(fh, path, sheet, detected)
    except _Fatal as fatal:
        return Delivery([], [], detected, [fatal.problem])


def _check_signature(path: Path) -> None:
    """Reject what is not a ZIP package with a message naming the likely cause."""
    with open(path, "rb") as fh:
        start = fh.read(4096)
    if start.startswith(_ZIP_MAGIC):
        return
    if start.startswith(_OLE_MAGIC):
        if _is_encrypted(path):
            raise _Fatal(error(None, None, (
                "Excel-Datei ist mit einem Passwort geschützt (verschlüsselt) – bitte ohne "
                "Kennwort speichern und erneut hochladen")))
        raise _Fatal(error(None, None, (
            f"{NOT_XLSX} – vermutlich das alte Format .xls; bitte in Excel als "
            "„Excel-Arbeitsmappe (*.xlsx)“ speichern")))
    if not start:
        raise _Fatal(error(None, None, f"{NOT_XLSX} – die Datei ist leer"))
    hint = " – der Inhalt ist Text (eine umbenannte CSV-Datei?)" if b"\x00" not in start else ""
    raise _Fatal(error(None, None, NOT_XLSX + hint))


def _is_encrypted(path: Path) -> bool:
    # The directory may sit anywhere in the compound file, so scan it all (with overlap).
    overlap = max(len(marker) for marker in _ENCRYPTION_MARKERS)
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _ENCRYPTION_MARKERS):
                return True
            tail = window[-overlap:]
    return False


def _read(fh: IO[bytes], path: Path, sheet: str | None, detected: dict[str, str]) -> Delivery:
    # A file object (not the path) skips openpyxl's file-extension check: uploads may be
    # stored under temporary names.
    workbook = _load(fh, data_only=True)
    try:
        worksheet = _select_sheet(workbook, sheet)
        detected["sheet"] = worksheet.title
        detected["decimal"] = "."
        # Trust no stored <dimension>: a wrong one would silently cut off rows or columns.
        worksheet.reset_dimensions()
        try:
            delivery = _read_sheet(worksheet, path, detected)
            if sheet is None:
                delivery.problems.extend(_unread_sheets_warning(workbook, worksheet.title))
            return delivery
        except _Fatal:
            raise
        except Exception as exc:  # corrupt sheet XML surfaces as many types
            raise _Fatal(error(None, None, f"{NOT_XLSX} – Tabellenblatt beschädigt")) from exc
    finally:
        workbook.close()


def _load(fh: IO[bytes], *, data_only: bool) -> Any:
    fh.seek(0)
    try:
        return load_workbook(fh, read_only=True, data_only=data_only)
    except Exception as exc:
        # openpyxl reports a broken package as BadZipFile, KeyError, ValueError, parse
        # errors, …; for the user they all mean the same.
        detail = (" – ZIP-Archiv ohne Excel-Inhalt" if isinstance(exc, KeyError)
                  else " – Datei beschädigt" if isinstance(exc, zipfile.BadZipFile) else "")
        raise _Fatal(error(None, None, NOT_XLSX + detail)) from exc


def _select_sheet(workbook: Any, sheet: str | None) -> Any:
    names = ", ".join(quote(name) for name in workbook.sheetnames) or "keine"
    if sheet is None:
        if not workbook.worksheets:
            raise _Fatal(error(None, None, "Arbeitsmappe enthält kein Tabellenblatt mit Zellen"))
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise _Fatal(error(None, None, (
            f"Tabellenblatt {quote(sheet)} nicht gefunden (vorhanden: {names})")))
    worksheet = workbook[sheet]
    if not hasattr(worksheet, "iter_rows"):
        raise _Fatal(error(None, None, (
            f"Tabellenblatt {quote(sheet)} ist ein Diagramm, keine Tabelle")))
    return worksheet


def _unread_sheets_warning(workbook: Any, read: str) -> list[Problem]:
    """A warning when other sheets hold cells: a steward who put this year's figures on
    the second sheet would otherwise publish last year's without noticing."""
    others = [ws.title for ws in workbook.worksheets
              if ws.title != read and hasattr(ws, "iter_rows") and _has_cells(ws)]
    if not others:
        return []
    names = ", ".join(quote(name) for name in others)
    return [warning(None, None, (
        f"Gelesen wurde nur das erste Tabellenblatt {quote(read)}; die Arbeitsmappe enthält "
        f"weitere Blätter mit Daten ({names}). Ist es das richtige Blatt? Ein anderes Blatt "
        "liefern Sie als eigene Datei oder mit 'cockpit load --sheet NAME'"))]


def _has_cells(worksheet: Any, rows: int = 50) -> bool:
    worksheet.reset_dimensions()
    for row in worksheet.iter_rows(max_row=rows, values_only=True):
        if any(value not in (None, "") for value in row):
            return True
    return False


def _read_sheet(worksheet: Any, path: Path, detected: dict[str, str]) -> Delivery:
    rows_iter = _numbered_rows(worksheet)
    header_line, header = _find_header(rows_iter, worksheet.title)
    _check_merged_header(worksheet, header_line)
    problems: list[Problem] = []
    rows: list[tuple[int, list[str]]] = []
    empty_cells: set[tuple[int, int]] = set()  # (line, column index) of data cells
    no_date = {i for i, name in enumerate(header) if name.lower() in _NO_DATE_COLUMNS}
    width = len(header)
    for line, values in rows_iter:
        cells = _trim(values)
        if not cells:
            continue
        if len(cells) > width:
            problems.append(error(line, None, (
                f"{len(cells)} statt {width} Spalten wie in der Kopfzeile – zu viele Spalten "
                f"(Wert in Spalte {get_column_letter(len(cells))} rechts neben der Kopfzeile)")))
            continue
        texts, cell_problems = _row_texts(line, cells, header, no_date)
        if cell_problems:
            problems += cell_problems
            continue
        texts += [""] * (width - len(texts))
        # Trailing cells were trimmed, yet may hold a formula without result too.
        empty_cells.update((line, i) for i in range(width) if i >= len(cells) or cells[i] is None)
        rows.append((line, texts))
    if empty_cells:
        rows = _reject_uncached_formulas(path, worksheet.title, rows, empty_cells, header,
                                         problems)
    if not rows and not any(p.line and p.line > header_line for p in problems):
        problems.append(error(header_line, None, (
            "Tabellenblatt enthält nur die Kopfzeile, keine Datenzeilen")))
    return Delivery(header, rows, detected, problems, header_line)


def _numbered_rows(worksheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Without dimensions openpyxl yields one tuple per row from row 1 on, missing rows as
    # (), so counting gives the Excel row number.
    return enumerate(worksheet.iter_rows(values_only=True), start=1)


def _find_header(rows: Iterator[tuple[int, tuple[Any, ...]]],
                 title: str) -> tuple[int, list[str]]:
    for line, values in rows:
        cells = _trim(values)
        if cells:
            return line, [_header_text(value) for value in cells]
    raise _Fatal(error(None, None, f"Tabellenblatt {quote(title)} ist leer"))


def _trim(values: tuple[Any, ...]) -> list[Any]:
    """Cells up to the last one with content; Excel pads rows with empty (or blank) cells."""
    cells = list(values)
    while cells and _blank(cells[-1]):
        cells.pop()
    return cells


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    try:
        return _cell_text(value, date_error=None)
    except _CellError:
        return str(value)  # the validator reports an odd column name as unknown


def _check_merged_header(worksheet: Any, header_line: int) -> None:
    merged = [ref for ref in _merged_ranges(worksheet)
              if (bounds := range_boundaries(ref))[1] <= header_line <= bounds[3]]
    if merged:
        raise _Fatal(error(header_line, None, (
            f"Verbundene Zellen in der Kopfzeile ({', '.join(merged)}) – bitte den Verbund "
            "aufheben und jede Spalte in einer eigenen Zelle benennen")))


def _merged_ranges(worksheet: Any) -> list[str]:
    """`ref`s of <mergeCell> in the sheet part; read-only worksheets do not parse them."""
    # Private openpyxl attributes, the only way to reach the part of a read-only sheet;
    # without them the check is skipped rather than failing the delivery.
    archive = getattr(worksheet.parent, "_archive", None)
    part = getattr(worksheet, "_worksheet_path", None)
    if archive is None or part is None:
        return []
    refs: list[str] = []
    tail = b""
    with archive.open(part) as src:
        while chunk := src.read(_CHUNK):
            window = tail + chunk
            # Keep an unfinished tag for the next round, so no match is cut in two.
            cut = window.rfind(b"<")
            done, tail = (window[:cut], window[cut:]) if cut >= 0 else (window, b"")
            refs += [m.group(1).decode("ascii").upper() for m in _MERGE_CELL.finditer(done)]
    refs += [m.group(1).decode("ascii").upper() for m in _MERGE_CELL.finditer(tail)]
    return refs


def _row_texts(line: int, cells: list[Any], header: list[str],
               no_date: set[int]) -> tuple[list[str], list[Problem]]:
    texts: list[str] = []
    problems: list[Problem] = []
    for i, value in enumerate(cells):
        column = header[i] if i < len(header) and header[i] else get_column_letter(i + 1)
        date_error = header[i].lower() if i in no_date else None
        try:
            texts.append(_cell_text(value, date_error=date_error))
        except _CellError as exc:
            problems.append(error(line, column, str(exc)))
    return texts, problems


def _cell_text(value: Any, *, date_error: str | None) -> str:
    """A cell value as the string a CSV export would hold (decimal ".", no grouping)."""
    if value is None:
        return ""
    if isinstance(value, str):
        # Passed through unchanged (apart from spaces): "=…" text is the validator's to reject.
        return value.strip()
    if isinstance(value, bool):  # before int: bool is an int subclass
        raise _CellError("Wahrheitswert (WAHR/FALSCH) ist hier nicht erlaubt – bitte eine Zahl "
                         "oder einen Text eingeben")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)  # shortest form that round-trips: 12.5, 1e-05
    if isinstance(value, dt.datetime | dt.date | dt.time):
        if date_error is not None:
            raise _CellError(_date_message(value, date_error))
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        return value.isoformat()
    return str(value)  # timedelta and other rare types; the validator judges the text


def _date_message(value: dt.date | dt.time, column: str) -> str:
    shown = value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else value.isoformat()
    return (f"Excel hat den Gebietsschlüssel als Datum gespeichert ({shown}) – bitte die "
            "Spalte als Text formatieren und den Schlüssel neu eingeben")


def _reject_uncached_formulas(path: Path, title: str, rows: list[tuple[int, list[str]]],
                              empty_cells: set[tuple[int, int]], header: list[str],
                              problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """Second look at empty cells: a formula without a saved result reads as empty.

    Files written by tools other than Excel often store formulas without results; an
    "empty value" message would mislead, so name the formula. Only done when empty cells
    exist, since it reads the sheet a second time.
    """
    formula_rows: dict[int, Problem] = {}
    with open(path, "rb") as fh:
        workbook = _load(fh, data_only=False)
        try:
            worksheet = workbook[title]
            worksheet.reset_dimensions()
            for line, values in _numbered_rows(worksheet):
                for i, value in enumerate(values):
                    if (line, i) not in empty_cells:
                        continue
                    text = getattr(value, "text", value)  # ArrayFormula keeps it in .text
                    if isinstance(text, str) and text.startswith("=") and line not in formula_rows:
                        column = header[i] or get_column_letter(i + 1)
                        formula_rows[line] = error(line, column, (
                            f"Formel ohne gespeichertes Ergebnis ({quote(text)}) – bitte die "
                            "Datei in Excel öffnen, speichern und erneut hochladen"))
        finally:
            workbook.close()
    problems += formula_rows.values()
    return [row for row in rows if row[0] not in formula_rows]
