"""One indicator as CSV for German Excel: UTF-8 with BOM, ";" and decimal comma."""

from __future__ import annotations

import csv
import io

from cockpit.export.table import ExportTable, neutralise

MEDIA_TYPE = "text/csv; charset=utf-8"


def german_number(value: float | None) -> str:
    """A number as German Excel reads it: decimal comma, no grouping, nothing lost
    (12.5 -> "12,5", 1234.0 -> "1234", None -> "")."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",")


def csv_bytes(table: ExportTable) -> bytes:
    """The table as CSV bytes; a suppressed cell says so ("geheim"), never a number."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns())
    hidden = table.suppressed_text()
    index = table.is_index
    for r in table.rows:
        if r.suppressed:
            numbers = [hidden, "", ""]
        else:
            numbers = [german_number(r.value), german_number(r.numerator),
                       german_number(r.denominator)]
        line = [neutralise(r.area_code), neutralise(r.area_name), neutralise(r.level),
                r.period, *numbers]
        if index:
            line.append(neutralise(r.klass or ""))
        line.append(neutralise(r.note))
        writer.writerow(line)
    # The BOM tells Excel the file is UTF-8 (else umlauts break).
    return out.getvalue().encode("utf-8-sig")
