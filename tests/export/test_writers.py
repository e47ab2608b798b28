"""CSV and XLSX writers, cell by cell: typed numbers, suppression marks, formula
neutralisation, header block, BOM and separator (no app needed)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from cockpit.export.csv_export import csv_bytes, german_number
from cockpit.export.table import ExportRow, ExportTable, file_stem, neutralise
from cockpit.export.xlsx_export import header_rows, xlsx_bytes
from cockpit.indicators.model import Indicator

HOSTILE = ["=SUM(A1)", "-1+2", "+49 30", "@cmd", "=HYPERLINK(\"http://x\")"]


def _indicator(**changes) -> Indicator:
    fields = dict(
        id="test_quote", title_de="Testquote (Anteil)", title_en="Test rate",
        description="Eine Quote für Tests.", unit="%", topic="soziales", direction="neutral",
        classification="restricted", aggregation="ratio", factor=100.0, decimals=1,
        min_count=3, numerator="Fälle", denominator="Einwohner", source="Testamt; Statistik",
        update_cycle="jährlich", notes="", datasets=("x",), parameters=(), sql="",
        path=Path("queries/test.sql"))
    fields.update(changes)
    return Indicator(**fields)


def _table(rows: list[ExportRow], **changes) -> ExportTable:
    fields = dict(indicator=_indicator(), rows=rows, lang="de", level_label="Stadtteil",
                  period_label="2024", data_version="20261126T074023841180Z",
                  exported_at=datetime(2026, 12, 2, 15, 4), min_count=3, periods=["2024"])
    fields.update(changes)
    return ExportTable(**fields)


ROWS = [
    ExportRow("0101", "Altstadt", "Stadtteil", "2024", 12.5, 25.0, 200.0, False),
    ExportRow("0102", "Süd; West", "Stadtteil", "2024", None, None, None, True,
              note="Geheimhaltung: weniger als 3 Fälle"),
    ExportRow("0103", "=SUM(A1)", "Stadtteil", "2024", -1.25, -5.0, 400.0, False),
    ExportRow("0104", "-1+2", "Stadtteil", "2024", 1234567.0, 3.0, 4.0, False,
              note="@unvollständig"),
]


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: German Excel reads UTF-8
    text = body[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_has_bom_semicolons_decimal_commas_and_marks() -> None:
    rows = _csv_rows(csv_bytes(_table(ROWS).sheet()))
    assert rows[0] == ["Gebietsschlüssel", "Gebiet", "Ebene", "Zeitraum", "Wert", "Zähler",
                       "Nenner", "Hinweis"]
    assert rows[1] == ["0101", "Altstadt", "Stadtteil", "2024", "12,5", "25", "200", ""]
    # a suppressed cell says so and carries no number anywhere in its row
    assert rows[2] == ["0102", "Süd; West", "Stadtteil", "2024", "geheim", "", "",
                       "Geheimhaltung: weniger als 3 Fälle"]
    # texts that start like a formula are neutralised; typed numbers keep their sign
    assert rows[3] == ["0103", "'=SUM(A1)", "Stadtteil", "2024", "-1,25", "-5", "400", ""]
    assert rows[4] == ["0104", "'-1+2", "Stadtteil", "2024", "1234567", "3", "4",
                       "'@unvollständig"]
    assert len(rows) == 5


def test_csv_of_an_index_has_the_class_column() -> None:
    row = ExportRow("01", "Mitte", "Stadtbezirk", "2024", 0.5, None, None, False,
                    klass="=hoch")
    rows = _csv_rows(csv_bytes(_table([row], is_index=True).sheet()))
    assert rows[0][-2:] == ["Klasse", "Hinweis"]
    assert rows[1] == ["01", "Mitte", "Stadtbezirk", "2024", "0,5", "", "", "'=hoch", ""]


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (0.0, "0"), (12.5, "12,5"), (-0.125, "-0,125"), (1234.0, "1234"),
    (1 / 3, "0,3333333333333333")])
def test_german_number(value, text) -> None:
    assert german_number(value) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_hostile_texts(text) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Altstadt") == "Altstadt"


def test_xlsx_header_block_typed_numbers_marks_and_text_cells() -> None:
    table = _table(ROWS)
    body = xlsx_bytes(table.sheet())
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Testquote (Anteil)"
    block = {row[0]: row[1] for row in cells[1:9]}
    assert block == {
        "Indikator": "Testquote (Anteil)", "Einheit": "%", "Quelle": "Testamt; Statistik",
        "Zeitraum": "2024",
        "Ebene": "Stadtteil", "Datenstand": "26.11.2026", "Exportiert am": "02.12.2026 15:04",
        "Geheimhaltung": (
            "Geheimhaltung: Werte aus weniger als 3 Fällen (und Werte, aus denen sie sich "
            "errechnen ließen) sind mit „geheim“ gekennzeichnet und nicht ausgewiesen. "
            "Klassifizierung: vertraulich.")}
    head = header_rows(table.sheet())
    assert all(v is None for v in cells[head - 1])  # a blank row before the table
    assert cells[head][:8] == ["Gebietsschlüssel", "Gebiet", "Ebene", "Zeitraum", "Wert",
                               "Zähler", "Nenner", "Hinweis"]
    data = list(sheet.iter_rows(min_row=head + 2))
    first, hidden, formula, dash = data
    # typed numbers with the indicator's decimals
    assert [c.value for c in first[:7]] == ["0101", "Altstadt", "Stadtteil", "2024", 12.5,
                                            25, 200]
    assert first[4].data_type == "n" and first[4].number_format == "0.0"
    assert first[0].data_type == "s"  # the key keeps its leading zero
    # suppressed: a mark, never a number
    assert [c.value for c in hidden[4:8]] == ["geheim", None, None,
                                              "Geheimhaltung: weniger als 3 Fälle"]
    assert hidden[4].data_type == "s"
    # formula-like texts stay text (no formula), shown as typed; numbers stay numbers
    assert formula[1].value == "=SUM(A1)" and formula[1].data_type == "s"
    assert formula[1].quotePrefix
    assert formula[4].value == -1.25 and formula[4].data_type == "n"
    assert dash[1].value == "-1+2" and dash[1].data_type == "s" and dash[1].quotePrefix
    assert dash[7].value == "@unvollständig" and dash[7].data_type == "s"
    assert dash[4].value == 1234567
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the sheet


def test_xlsx_title_with_forbidden_sheet_characters() -> None:
    body = xlsx_bytes(_table(ROWS[:1], indicator=_indicator(title_de="A/B: [Quote]?" * 4)).sheet())
    title = openpyxl.load_workbook(io.BytesIO(body)).active.title
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_file_stem_is_a_plain_german_name() -> None:
    assert file_stem("Anteil der ab 65-Jährigen", "Stadtteil", "2024") == (
        "Anteil_der_ab_65-Jährigen_Stadtteil_2024")
    assert file_stem("../../etc/passwd") == "etc_passwd"
    assert file_stem("") == "export"


def test_xlsx_keeps_odd_text_and_per_cell_formats() -> None:
    from cockpit.export.table import Hidden, Num, Sheet

    sheet = Sheet("Profil", [("Gebiet", "Altstadt")], ["Thema", "Wert", "Hinweis"],
                  [["Demo <&> \x01grafie", Num(12.345, "0.00"), Hidden("geheim")],
                   ["  Leerzeichen  ", Num(7.0, "0"), None]],
                  [None, None, None])
    cells = list(openpyxl.load_workbook(io.BytesIO(xlsx_bytes(sheet))).active.iter_rows())
    first, second = cells[header_rows(sheet) + 1:]
    assert first[0].value == "Demo <&> grafie"  # a control character XML forbids is dropped
    assert first[1].value == 12.345 and first[1].number_format == "0.00"
    assert first[2].value == "geheim" and first[2].data_type == "s"
    assert second[0].value == "  Leerzeichen  " and second[1].number_format == "0"
