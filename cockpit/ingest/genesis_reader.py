"""Read GENESIS-Online / Regionaldatenbank CSV exports into a long delivery.

The table export is made for people: title lines above the table, one to three column-header
lines, the period in a column, in a block line or in a header line (one column group per
period), the area as key + indented name, special signs instead of numbers, and a footer
with footnotes, licence and "Stand:". This module turns it into rows of
`area_code; period; <dimensions>; value` so `cockpit.ingest.validate` can check them like
any other long delivery. GENESIS-Online's flat file CSV (ffcsv, one value per row) is read too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cockpit.ingest.csv_reader import CP1252, UTF8, UTF8_BOM, Delivery
from cockpit.ingest.problems import Problem, error, quote
from cockpit.periods import is_period

_BOM = b"\xef\xbb\xbf"
LATIN = f"{CP1252} (ISO-8859-1)"

# GENESIS special signs, passed on as they are: only the checks know whether the row's area
# belongs to the territory and existed then. "-" means "nichts vorhanden" (exactly zero) for
# an area that existed, unless the dataset reads it as missing (stock figures). The others
# are missing values with a reason and never end up as a number.
ZERO_SIGN = "-"
MISSING_SIGNS: dict[str, str] = {
    ".": "unbekannt oder geheim",
    "x": "Nachweis nicht sinnvoll",
    "...": "noch nicht verfügbar",
    "…": "noch nicht verfügbar",
    "/": "keine verlässliche Angabe",
}

# The label of a column without a breakdown under a group label (its total).
TOTAL_LABEL = "Insgesamt"

_NUMBER = re.compile(r"[+-]?\d[\d.]*(?:,\d+)?|[+-]?\d*,\d+|[+-]?\d+(?:\.\d+)?")
_YEAR = re.compile(r"(1[89]\d\d|2[01]\d\d)")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(1[89]\d\d|2[01]\d\d)")
_ISO = re.compile(r"(1[89]\d\d|2[01]\d\d)-(\d\d)-(\d\d)")
# A block or title line may say "Stichtag: 31.12.2015" or "Jahr 2015" instead of the bare period.
_PERIOD_PREFIX = re.compile(r"(?:stichtag|jahr|berichtsjahr|zeit|zeitraum|stand am)\s*:?\s*",
                            re.IGNORECASE)
_AREA_CODE = re.compile(r"DG|\d{1,12}")
_FOOTER = re.compile(r"_{3,}|stand\s*:|©|\(c\)|erläuterung|fußnote|fussnote|quelle\s*:|zu \"",
                     re.IGNORECASE)
_LABEL_HEADER = re.compile(
    r"jahr|zeit|stichtag|datum|kennziffer|schlüssel|schluessel|\bags\b|\bars\b|code|"
    r"gebiet|region|kreis|gemeinde|name", re.IGNORECASE)
_CODE_HEADER = re.compile(r"kennziffer|schlüssel|schluessel|\bags\b|\bars\b|code", re.IGNORECASE)
_FF_ATTRIBUTE = re.compile(r"(\d+)_variable_attribute_code")
# Regional classifications of GENESIS (Deutschland, Länder, Reg.-Bezirke, Kreise, Gemeinden).
_FF_AREA_VARIABLES = {"DINSG", "DLAND", "REGBZ", "KREISE", "GEMEIN", "GEMVB", "GVBEZ"}


@dataclass
class _Record:
    line: int  # first physical line of the record (a quoted footnote spans several)
    last_line: int
    cells: list[str]

    @property
    def filled(self) -> list[int]:
        return [i for i, cell in enumerate(self.cells) if cell]


def read_genesis_delivery(path: Path, *,
                          dimension_names: Sequence[str] | None = None) -> Delivery:
    """Read a GENESIS table export or ffcsv; never raises for bad content, reports problems.

    The dimension columns get generic names (`merkmal_1`, …, or the ffcsv variable code);
    `dimension_names` renames them in order of appearance, e.g. ["sex"] for a dataset.
    """
    detected: dict[str, str] = {"format": "GENESIS", "delimiter": ";"}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Delivery([], [], detected, [error(None, None, f"Datei nicht lesbar: {exc}")])
    text, detected["encoding"] = _decode(raw)
    records = _records(text)
    if not records:
        return Delivery([], [], detected, [error(None, None, "Datei ist leer")])
    if _is_ffcsv(records[0].cells):
        delivery = _read_ffcsv(records, detected)
    else:
        delivery = _read_table(records, detected)
    if dimension_names is None or not delivery.header:
        return delivery
    dims = delivery.header[2:-1]
    if len(dimension_names) != len(dims):
        return replace(delivery, problems=[*delivery.problems, error(
            delivery.header_line, None,
            f"{len(dimension_names)} Merkmalsnamen angegeben, die Tabelle hat aber "
            f"{len(dims)} Merkmale ({', '.join(dims) or 'keine'})")])
    return replace(delivery, header=[*delivery.header[:2], *dimension_names, "value"])


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(_BOM):
        return raw[len(_BOM):].decode("utf-8", errors="replace"), UTF8_BOM
    try:
        return raw.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        # Older exports are ISO-8859-1; cp1252 reads the same letters, latin-1 never fails.
        try:
            return raw.decode("cp1252"), LATIN
        except UnicodeDecodeError:
            return raw.decode("latin-1"), LATIN


def _records(text: str) -> list[_Record]:
    """Non-blank records; the csv module joins the quoted multi-line footnote blocks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    records: list[_Record] = []
    line = 1
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                records.append(_Record(line, reader.line_num, cells))
            line = reader.line_num + 1
    except csv.Error:
        pass  # a broken quote can only be in the footer here; the table above is kept
    return records


def _is_value(cell: str) -> bool:
    return cell == ZERO_SIGN or cell in MISSING_SIGNS or bool(_NUMBER.fullmatch(cell))


def normalize_period(cell: str) -> str | None:
    """'2015' -> '2015'; a key date '31.12.2015' or '30.06.2015' -> ISO '2015-12-31' /
    '2015-06-30'; '2015-H1', '2015-Q3', '2015-06' as they are; None for anything else.

    Which period a key date stands for depends on the dataset's period type (31.12.2015 is
    `2015` in a yearly, `2015-H2` in a half-yearly dataset), so the validator decides it.
    """
    cell = _PERIOD_PREFIX.sub("", cell.strip(), count=1).strip()
    if _YEAR.fullmatch(cell):
        return cell
    if is_period(cell):
        return cell if _YEAR.fullmatch(cell[:4]) else None
    if match := _DATE.fullmatch(cell):
        year, month, day = int(match[3]), int(match[2]), int(match[1])
    elif match := _ISO.fullmatch(cell):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _is_footer(record: _Record) -> bool:
    return bool(_FOOTER.match(record.cells[record.filled[0]]))


def _is_data(record: _Record) -> bool:
    """A data row starts with its key or period; header lines start empty or with a label.

    Checking the first cell keeps a header line of years (';;2014;;2015;') out of the data.
    """
    filled = record.filled
    first = record.cells[0]
    return (len(filled) >= 2 and _is_value(record.cells[filled[-1]])
            and bool(_AREA_CODE.fullmatch(first) or normalize_period(first)))


def _block_period(record: _Record) -> str | None:
    """The period of a block line ('2015;;;;') or a title line ('Stichtag: 31.12.2015')."""
    filled = record.filled
    return normalize_period(record.cells[filled[0]]) if len(filled) == 1 else None


def _read_table(records: list[_Record], detected: dict[str, str]) -> Delivery:
    problems: list[Problem] = []
    first_data = next((i for i, r in enumerate(records) if _is_data(r) and not _is_footer(r)),
                      None)
    if first_data is None:
        return Delivery([], [], detected, [error(None, None, (
            "Keine Tabelle gefunden – die Datei enthält nur Titel- oder Fußnotenzeilen, "
            "keine Datenzeilen"))])
    end = len(records)
    for i in range(first_data, len(records)):
        if _is_footer(records[i]):
            end = i
            break
    body = records[first_data:end]
    last_data = max(i for i, r in enumerate(body) if _is_data(r))
    footer = body[last_data + 1:] + records[end:]
    body = body[: last_data + 1]
    data = [r for r in body if _is_data(r)]
    width = Counter(len(r.cells) for r in data).most_common(1)[0][0]

    # Header lines: directly above the data, with text beyond the first column (title lines
    # hold text in the first cell only). At most three; block lines may sit in between.
    header_rows: list[_Record] = []
    global_period: str | None = None
    start_period: str | None = None
    i = first_data - 1
    while i >= 0 and len(header_rows) < 3:
        record = records[i]
        if record.filled[-1] >= 1 and not _is_data(record):
            header_rows.insert(0, record)
        elif not header_rows and _block_period(record):
            start_period = start_period or _block_period(record)
        else:
            break
        i -= 1
    title = records[: i + 1]
    for record in title:
        global_period = _block_period(record) or global_period
    detected["title_lines"] = str(sum(r.last_line - r.line + 1 for r in title))
    detected["footnote_lines"] = str(sum(r.last_line - r.line + 1 for r in footer))
    detected["header_lines"] = str(len(header_rows))
    headers = [r.cells + [""] * (width - len(r.cells)) for r in header_rows]

    n_labels = _label_count(headers, data, width)
    roles = _label_roles(headers, data, n_labels)
    if roles.code is None:
        return Delivery([], [], detected, [error(data[0].line, None, (
            "Keine Spalte mit Gebietsschlüsseln (AGS/ARS) gefunden – die GENESIS-Tabelle "
            "braucht eine Schlüsselspalte"))])
    value_cols = list(range(n_labels, width))
    period_by_col, dims_by_col, dim_names = _header_dimensions(headers, value_cols, n_labels)
    label_dims = [j for j in range(n_labels) if j not in (roles.code, roles.period, roles.name)]
    label_names = [_dimension_name(headers, j, k + 1) for k, j in enumerate(label_dims)]
    header = ["area_code", "period", *label_names,
              *_unique(dim_names, label_names), "value"]

    if roles.period is not None:
        detected["variant"] = "Zeitraum in Spalte"
    elif period_by_col:
        detected["variant"] = "Zeitraum in Kopfzeile (eine Spaltengruppe je Zeitraum)"
    elif start_period or any(_block_period(r) for r in body if not _is_data(r)):
        detected["variant"] = "Zeitraum in Blockzeile"
    elif global_period:
        detected["variant"] = "Zeitraum in Titelzeile"
    else:
        return Delivery(header, [], detected, [error(data[0].line, None, (
            "Kein Zeitraum gefunden – weder eine Spalte noch eine Kopf-, Block- oder "
            "Titelzeile mit Jahr oder Stichtag"))])
    if roles.name is not None:
        detected["area_name_column"] = str(roles.name + 1)
    detected["decimal"] = ","

    rows: list[tuple[int, list[str]]] = []
    names: dict[str, tuple[str, int]] = {}
    block_period = start_period or global_period
    for record in body:
        if not _is_data(record):
            block_period = _block_period(record) or block_period  # else a repeated header
            continue
        cells = record.cells
        while len(cells) > width and not cells[-1]:
            cells = cells[:-1]
        if len(cells) != width:
            problems.append(error(record.line, None, (
                f"{len(cells)} statt {width} Felder wie in der Tabelle – Zeile unvollständig "
                "oder mit zusätzlichen Spalten")))
            continue
        code = cells[roles.code]
        if not _AREA_CODE.fullmatch(code):
            problems.append(error(record.line, "area_code", (
                f"Gebietsschlüssel {quote(code)} ist kein AGS/ARS")))
            continue
        row_period = block_period
        if roles.period is not None:
            row_period = normalize_period(cells[roles.period])
            if row_period is None:
                problems.append(error(record.line, "period", (
                    f"Zeitraum {quote(cells[roles.period])} ist weder Jahr noch Stichtag")))
                continue
        if roles.name is not None and cells[roles.name] and code not in names:
            names[code] = (" ".join(cells[roles.name].split()), record.line)
        labels = [cells[j] for j in label_dims]
        for j in value_cols:
            value = _value(cells[j], record.line, _column_label(headers, j), problems)
            if value is None:
                continue
            period = period_by_col.get(j, row_period) or ""
            rows.append((record.line, [code, period, *labels, *dims_by_col[j], value]))
    header_line = header_rows[-1].line if header_rows else max(data[0].line - 1, 1)
    return Delivery(header, rows, detected, problems, header_line, names)


def _value(cell: str, line: int, column: str, problems: list[Problem]) -> str | None:
    """The cell as passed on, special signs included: whether a row with a sign is reported
    depends on where its area belongs (`cockpit.ingest.area_checks`), which only the checks
    know."""
    return cell


@dataclass
class _Roles:
    code: int | None = None
    period: int | None = None
    name: int | None = None


def _label_count(headers: list[list[str]], data: list[_Record], width: int) -> int:
    """Leading columns that describe the row (period, key, name, row dimensions)."""
    if not headers:
        # Without a header only text cells show a label column; keys and years look numeric.
        texts = [j for j in range(width) if any(j < len(r.cells) and not _is_value(r.cells[j])
                                                 for r in data)]
        return max(texts) + 1 if texts else 1
    for j in range(width):
        header_texts = [h[j] for h in headers if h[j]]
        is_label = (not header_texts
                    or any(_LABEL_HEADER.search(t) for t in header_texts)
                    or any(j < len(r.cells) and not _is_value(r.cells[j]) for r in data))
        if not is_label:
            return j
    return width


def _label_roles(headers: list[list[str]], data: list[_Record], n_labels: int) -> _Roles:
    roles = _Roles()
    columns = [[r.cells[j] for r in data if j < len(r.cells)] for j in range(n_labels)]
    for j, cells in enumerate(columns):
        # Years also look like keys; a repeated value (one period, many areas) decides.
        looks_like_keys = all(_AREA_CODE.fullmatch(c) for c in cells) and len(set(cells)) == len(
            cells)
        if roles.period is None and all(normalize_period(c) for c in cells) and not (
                looks_like_keys and len(cells) > 1):
            roles.period = j
            continue
        if roles.code is None and all(_AREA_CODE.fullmatch(c) for c in cells):
            roles.code = j
    # A header naming the key column wins over the guess (e.g. four-digit keys).
    for j in range(n_labels):
        if any(_CODE_HEADER.search(h[j]) for h in headers) and j != roles.period:
            roles.code = j
            break
    if roles.code is not None:
        for j in (roles.code + 1, roles.code - 1):
            if 0 <= j < n_labels and j != roles.period and columns[j] and not any(
                    _is_value(c) for c in columns[j]):
                roles.name = j
                break
    return roles


def _header_dimensions(headers: list[list[str]], value_cols: list[int], n_labels: int
                       ) -> tuple[dict[int, str], dict[int, list[str]], list[str]]:
    """Per value column: period (wide layout) and the dimension values from header lines."""
    filled = _spanned_labels(headers, value_cols)
    period_by_col: dict[int, str] = {}
    dims_by_col: dict[int, list[str]] = {j: [] for j in value_cols}
    names: list[str] = []
    for row in filled:
        cells = [row[j] for j in value_cols]
        periods = [normalize_period(c) for c in cells]
        if all(periods):
            period_by_col.update({j: p for j, p in zip(value_cols, periods, strict=True) if p})
            continue
        if len(set(cells)) <= 1:
            continue  # the same text over every column (measure, unit) tells no columns apart
        label = next((c for c in row[:n_labels] if c), "")
        names.append(_slug(label) if label else f"merkmal_{len(names) + 1}")
        for j in value_cols:
            dims_by_col[j].append(row[j])
    return period_by_col, dims_by_col, names


def _spanned_labels(headers: list[list[str]], value_cols: list[int]) -> list[list[str]]:
    """Header lines with every value column's own label.

    Upper header lines may leave a spanned label only above the first column of its group
    ("Arbeitslose;;;;Arbeitslosenquote …;;"); the label carries on to the right, but never
    across the border of a group in a line above: under "Arbeitslosenquote bezogen auf alle
    zivilen Erwerbspersonen" an empty sub-label is that group's total ("Insgesamt"), not
    the last sub-label of the group before it ("langzeitarbeitslos", table 13211-02-05).
    The last line (units, or the only line) is taken as it is.
    """
    filled: list[list[str]] = []
    for level, header in enumerate(headers):
        row = list(header)
        if level < len(headers) - 1:
            for j in value_cols[1:]:
                if row[j]:
                    continue
                if all(above[j] == above[j - 1] for above in filled):
                    row[j] = row[j - 1]
                elif any(row[k] for k in value_cols):
                    row[j] = TOTAL_LABEL
            if filled and not row[value_cols[0]] and any(row[k] for k in value_cols):
                row[value_cols[0]] = TOTAL_LABEL
        filled.append(row)
    return filled


def _column_label(headers: list[list[str]], j: int) -> str:
    parts = [h[j] for h in headers if j < len(h) and h[j]]
    return " / ".join(parts) if parts else "value"


def _dimension_name(headers: list[list[str]], j: int, number: int) -> str:
    texts = [h[j] for h in headers if h[j]]
    return _slug(texts[-1]) if texts else f"zeilenmerkmal_{number}"


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower().translate(table)).strip("_")
    return slug or "merkmal"


def _unique(names: list[str], taken: list[str]) -> list[str]:
    result: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in taken or candidate in result or candidate in ("area_code", "period",
                                                                         "value"):
            candidate, n = f"{name}_{n}", n + 1
        result.append(candidate)
    return result


# --- flat file CSV -------------------------------------------------------------------------


def _is_ffcsv(cells: list[str]) -> bool:
    lowered = [c.lower() for c in cells]
    return ("value" in lowered and "time" in lowered
            and any(_FF_ATTRIBUTE.fullmatch(c) for c in lowered))


def _read_ffcsv(records: list[_Record], detected: dict[str, str]) -> Delivery:
    detected["variant"] = "ffcsv (ein Wert je Zeile)"
    problems: list[Problem] = []
    head = [c.lower() for c in records[0].cells]
    index = {name: i for i, name in enumerate(head)}
    numbers = sorted(int(m[1]) for c in head if (m := _FF_ATTRIBUTE.fullmatch(c)))
    rows_in: list[_Record] = []
    for record in records[1:]:
        if len(record.cells) < len(head):
            problems.append(error(record.line, None, (
                f"{len(record.cells)} statt {len(head)} Felder wie in der Kopfzeile – "
                "Zeile unvollständig")))
        else:
            rows_in.append(record)
    detected["title_lines"] = "0"
    detected["footnote_lines"] = "0"

    def cell(record: _Record, name: str) -> str:
        i = index.get(name)
        return record.cells[i] if i is not None and i < len(record.cells) else ""

    area_var: int | None = None
    for k in numbers:
        codes = {cell(r, f"{k}_variable_code") for r in rows_in}
        attributes = [cell(r, f"{k}_variable_attribute_code") for r in rows_in]
        if codes & _FF_AREA_VARIABLES or (
                attributes and all(_AREA_CODE.fullmatch(a) for a in attributes)):
            area_var = k
            break
    if area_var is None:
        return Delivery([], [], detected, [error(1, None, (
            "Kein regionales Merkmal (Gebietsschlüssel) in der ffcsv-Datei gefunden"))])
    dim_vars = [k for k in numbers if k != area_var]
    dim_names = _unique([_slug(next((cell(r, f"{k}_variable_code") for r in rows_in
                                     if cell(r, f"{k}_variable_code")), f"merkmal_{k}"))
                         for k in dim_vars], [])
    measures = {cell(r, "value_variable_code") for r in rows_in}
    with_measure = len(measures) > 1
    header = ["area_code", "period", *dim_names, *(["measure"] if with_measure else []),
              "value"]
    rows: list[tuple[int, list[str]]] = []
    names: dict[str, tuple[str, int]] = {}
    for record in rows_in:
        code = cell(record, f"{area_var}_variable_attribute_code")
        name = cell(record, f"{area_var}_variable_attribute_label")
        if name and code not in names:
            names[code] = (" ".join(name.split()), record.line)
        period = normalize_period(cell(record, "time"))
        if period is None:
            problems.append(error(record.line, "period", (
                f"Zeitraum {quote(cell(record, 'time'))} ist weder Jahr noch Stichtag")))
            continue
        raw = cell(record, "value")
        # Some exports leave the value empty and put the special sign into the quality flag.
        sign = cell(record, "value_q")
        is_sign = sign in MISSING_SIGNS or sign == ZERO_SIGN
        value = _value(raw if raw or not is_sign else sign, record.line, "value", problems)
        if value is None:
            continue
        dims = [cell(record, f"{k}_variable_attribute_code") for k in dim_vars]
        measure = [cell(record, "value_variable_code")] if with_measure else []
        rows.append((record.line, [code, period, *dims, *measure, value]))
    values = [cells[-1] for _, cells in rows]
    detected["decimal"] = "." if any("." in v for v in values) and not any(
        "," in v for v in values) else ","
    return Delivery(header, rows, detected, problems, 1, names)
