"""Read a CSV delivery as German offices write it, detecting encoding, delimiter and decimal.

Only the structure is checked here (encoding, delimiter, field counts, line length);
what the cells mean is checked in `cockpit.ingest.validate`.
"""

from __future__ import annotations

import csv
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cockpit.ingest.problems import Problem, error, german_int

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 mit BOM"
CP1252 = "Windows-1252"

_BOM = b"\xef\xbb\xbf"
_DELIMITERS = (";", ",")
_NUMBER_LIKE = re.compile(r"[+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?")
_EXPONENT = re.compile(r"[eE]")
# Enough decisive numbers to know the convention; validation catches any odd one later.
_DECIMAL_VOTES = 1000


class _Fatal(Exception):
    """The file cannot be read as CSV at all; carries the one problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Delivery:
    """A delivery file split into cells; `problems` lists what was structurally wrong."""

    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based file line, stripped cells)
    detected: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    header_line: int = 1
    # Area names as the file gives them (GENESIS: the name beside the key), by delivered
    # code: (name, first file line). Checked against the territory's names.
    area_names: dict[str, tuple[str, int]] = field(default_factory=dict)


def read_csv_delivery(path: Path, *, max_line_bytes: int = 1_000_000) -> Delivery:
    """Read `path`; never raises for bad content, returns the problems instead."""
    with _gc_paused():
        return _read(path, max_line_bytes)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of small lists, none cyclic: collecting meanwhile only doubles the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(path: Path, max_line_bytes: int) -> Delivery:
    detected: dict[str, str] = {}
    try:
        raw_lines, bom = _read_raw_lines(path, max_line_bytes)
        texts, detected["encoding"], problems = _decode(raw_lines, bom)
        header_index = _first_nonblank(texts)
        header_line = header_index + 1
        detected["delimiter"] = delimiter = _detect_delimiter(texts[header_index], header_line)
    except _Fatal as fatal:
        return Delivery([], [], detected, [fatal.problem])
    header = _split(texts[header_index], delimiter)
    rows = _split_rows(texts, header_index + 1, delimiter, len(header), problems)
    if not rows and not any(p.line and p.line > header_line for p in problems):
        problems.append(error(header_line, None,
                              "Datei enthält nur die Kopfzeile, keine Datenzeilen"))
    value_index = _column_index(header, "value")
    values = (cells[value_index] for _, cells in rows) if value_index is not None else iter(())
    detected["decimal"] = _detect_decimal(values, delimiter)
    return Delivery(header, rows, detected, problems, header_line)


def _read_raw_lines(path: Path, max_line_bytes: int) -> tuple[list[bytes], bool]:
    """Lines as bytes without terminators; a bounded readline keeps a huge line out of memory."""
    lines: list[bytes] = []
    with open(path, "rb") as fh:
        start = fh.read(4)
        _reject_non_text(start)
        bom = start.startswith(_BOM)
        fh.seek(len(_BOM) if bom else 0)
        while chunk := fh.readline(max_line_bytes + 2):
            content = chunk.rstrip(b"\r\n")
            number = len(lines) + 1
            if len(content) > max_line_bytes:
                raise _Fatal(error(number, None, (
                    f"Zeile ist länger als {german_int(max_line_bytes)} Bytes – keine gültige "
                    "CSV-Zeile (fehlen Zeilenumbrüche?)")))
            if b"\x00" in content:
                raise _Fatal(error(number, None, (
                    "Datei enthält Binärdaten (Null-Bytes) – ist es wirklich eine CSV-Datei?")))
            lines.append(content)
    return lines, bom


def _reject_non_text(start: bytes) -> None:
    if start.startswith(b"PK\x03\x04"):
        raise _Fatal(error(None, None, (
            "Datei ist ein ZIP-Archiv (z. B. eine Excel-Datei), keine CSV-Datei")))
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Fatal(error(None, None, (
            "Datei ist UTF-16-kodiert (Excel „Unicode-Text“); bitte als „CSV UTF-8“ speichern")))


def _decode(lines: list[bytes], bom: bool) -> tuple[list[str], str, list[Problem]]:
    """Decide one encoding for the file; lines that disagree with it are errors."""
    problems: list[Problem] = []
    texts: list[str | None] = [None] * len(lines)
    utf8_lines: list[int] = []  # non-ASCII lines that are valid UTF-8
    other_lines: list[int] = []  # lines that are not valid UTF-8
    for i, raw in enumerate(lines):
        if _BOM in raw:
            # Typically two exported files concatenated; the mark itself is dropped.
            problems.append(error(i + 1, None, (
                "Byte-Order-Mark (BOM) mitten in der Datei – wurden Dateien "
                "zusammenkopiert?")))
            raw = raw.replace(_BOM, b"")
            lines[i] = raw
        if raw.isascii():
            texts[i] = raw.decode("ascii")
            continue
        try:
            texts[i] = raw.decode("utf-8")
            utf8_lines.append(i)
        except UnicodeDecodeError:
            other_lines.append(i)
    if not other_lines:
        encoding = UTF8_BOM if bom else UTF8
    elif not utf8_lines and not bom:
        encoding = CP1252
    else:
        encoding = UTF8_BOM if bom else UTF8
        if bom or len(utf8_lines) >= len(other_lines):
            first = utf8_lines[0] + 1 if utf8_lines else 1
            problems += [error(i + 1, None, (
                "Kodierung gemischt: diese Zeile ist nicht UTF-8 (vermutlich Windows-1252), "
                f"Zeile {first} schon – bitte die Datei einheitlich als UTF-8 speichern"))
                for i in other_lines]
        else:
            encoding = CP1252
            problems += [error(i + 1, None, (
                "Kodierung gemischt: diese Zeile ist UTF-8, der Rest der Datei Windows-1252 "
                "– bitte die Datei einheitlich als UTF-8 speichern")) for i in utf8_lines]
    for i in other_lines:
        try:
            texts[i] = lines[i].decode("cp1252")
        except UnicodeDecodeError:
            texts[i] = lines[i].decode("cp1252", errors="replace")
            problems.append(error(i + 1, None, (
                "Zeile enthält Bytes, die weder UTF-8 noch Windows-1252 sind")))
    return [t or "" for t in texts], encoding, problems


def _first_nonblank(texts: list[str]) -> int:
    for i, text in enumerate(texts):
        if text.strip():
            return i
    raise _Fatal(error(None, None, "Datei ist leer"))


def _split(text: str, delimiter: str) -> list[str]:
    """Cells of one line, stripped; the csv module only where quotes need it (speed)."""
    if '"' not in text:
        return [cell.strip() for cell in text.split(delimiter)]
    reader = csv.reader([text], delimiter=delimiter, skipinitialspace=True, strict=True)
    return [cell.strip() for cell in next(reader)]


def _detect_delimiter(header: str, line: int) -> str:
    """';' or ',' – whichever splits the header into more columns (';' on a tie)."""
    widths: dict[str, int] = {}
    for delimiter in _DELIMITERS:
        try:
            widths[delimiter] = len(_split(header, delimiter))
        except csv.Error:
            widths[delimiter] = 0
    best = max(_DELIMITERS, key=lambda d: widths[d])
    if widths[best] > 1:
        return best
    found = " – gefunden: Tabulator" if "\t" in header else ""
    raise _Fatal(error(line, None, (
        f"Trennzeichen nicht erkannt{found}; erwartet wird „;“ oder „,“ in der Kopfzeile")))


def _split_rows(texts: list[str], start: int, delimiter: str, width: int,
                problems: list[Problem]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    for i in range(start, len(texts)):
        text = texts[i]
        if not text or text.isspace():
            continue
        try:
            cells = _split(text, delimiter)
        except csv.Error:
            problems.append(error(i + 1, None, (
                "Anführungszeichen fehlerhaft (nicht geschlossen oder mitten im Feld)")))
            continue
        # Spreadsheets pad rows with empty trailing cells; they carry no data.
        while len(cells) > width and not cells[-1]:
            cells.pop()
        if not any(cells):
            continue
        if len(cells) != width:
            problems.append(error(i + 1, None, _width_message(len(cells), width)))
            continue
        rows.append((i + 1, cells))
    return rows


def _width_message(found: int, expected: int) -> str:
    if found < expected:
        return (f"{found} statt {expected} Felder wie in der Kopfzeile – "
                "Zeile unvollständig (abgeschnitten?)")
    return (f"{found} statt {expected} Felder wie in der Kopfzeile – zu viele Spalten "
            "(Trennzeichen im Wert? Dann den Wert in Anführungszeichen setzen)")


def _column_index(header: list[str], name: str) -> int | None:
    for i, cell in enumerate(header):
        if cell.strip().lower() == name:
            return i
    return None


def _detect_decimal(values: Iterable[str], delimiter: str) -> str:
    """',' or '.', by majority of numbers that only one convention can read."""
    votes = {",": 0, ".": 0}
    for cell in values:
        if ("," in cell or "." in cell) and _NUMBER_LIKE.fullmatch(cell):
            vote = _decimal_vote(cell)
            if vote:
                votes[vote] += 1
                if votes[vote] >= _DECIMAL_VOTES:
                    break
    if votes[","] != votes["."]:
        return "," if votes[","] > votes["."] else "."
    # No evidence: German offices separating with ';' use the decimal comma.
    return "," if delimiter == ";" else "."


def _decimal_vote(cell: str) -> str | None:
    """The decimal separator a number must use, or None when '1.234'-like (ambiguous)."""
    mantissa = _EXPONENT.split(cell.lstrip("+-"))[0]
    if "," in mantissa and "." in mantissa:
        return "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
    sep = "," if "," in mantissa else "."
    other = "." if sep == "," else ","
    head, *tails = mantissa.split(sep)
    if len(tails) > 1:
        return other  # repeated separator can only group thousands
    if len(tails[0]) != 3 or len(head) > 3 or not head or head.startswith("0"):
        return sep
    return None
