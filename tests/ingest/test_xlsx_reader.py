"""Reading Excel (.xlsx) deliveries: same cells as the CSV reader, Excel row numbers, and
clear German errors for what is no usable workbook. Workbooks are written by the tests."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from cockpit.catalog import load_catalog
from cockpit.ingest.csv_reader import Delivery, read_csv_delivery
from cockpit.ingest.validate import validate_delivery
from cockpit.ingest.xlsx_reader import NOT_XLSX, read_xlsx_delivery
from cockpit.resources import bundled_dir

HEADER = ["area_code", "period", "category", "value", "bemerkung"]
AREAS = {"00": "city", "01": "district", "0101": "subdistrict"}


def write_xlsx(path: Path, rows: list[list[Any]], *, title: str = "Daten",
               extra_sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    workbook = Workbook()
    sheets = {title: rows, **(extra_sheets or {})}
    workbook.active.title = title
    for name in sheets:
        if name != title:
            workbook.create_sheet(name)
    for name, sheet_rows in sheets.items():
        worksheet = workbook[name]
        for row in sheet_rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def only_error(delivery: Delivery) -> tuple[int | None, str | None, str]:
    assert len(delivery.problems) == 1, delivery.problems
    problem = delivery.problems[0]
    assert problem.severity == "error"
    return problem.line, problem.column, problem.message


def test_good_sheet_gives_the_same_delivery_as_csv(tmp_path: Path) -> None:
    rows = [["0101", 2023, "ambulant", 12, "  Süßwaren "],
            ["0101", "2024-06", "stationaer", 12.5, None],
            ["01", 2024, "ambulant", 3.0, 0.1],
            ["00", 2024, "teilstationaer", -1234567, "x"]]
    # Stored under a temporary name: the reader must not rely on the extension.
    xlsx = read_xlsx_delivery(write_xlsx(tmp_path / "upload.tmp", [HEADER, *rows]))
    csv_path = tmp_path / "lieferung.csv"
    csv_path.write_text(";".join(HEADER) + "\n"
                        "0101;2023;ambulant;12;Süßwaren\n"
                        "0101;2024-06;stationaer;12.5;\n"
                        "01;2024;ambulant;3;0.1\n"
                        "00;2024;teilstationaer;-1234567;x\n", encoding="utf-8")
    csv = read_csv_delivery(csv_path)
    assert xlsx.problems == []
    assert (xlsx.header, xlsx.rows, xlsx.header_line) == (csv.header, csv.rows, csv.header_line)
    assert xlsx.detected == {"format": "XLSX", "sheet": "Daten", "decimal": "."}
    assert csv.detected["decimal"] == "."


def test_line_numbers_are_excel_rows(tmp_path: Path) -> None:
    rows = [[], [None, None], HEADER, ["0101", 2023, "ambulant", 1], [],
            ["0101", 2024, "ambulant", 2, None, None, "  "]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    assert delivery.problems == []
    assert delivery.header_line == 3
    assert delivery.rows == [(4, ["0101", "2023", "ambulant", "1", ""]),
                             (6, ["0101", "2024", "ambulant", "2", ""])]


def test_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [["Hinweise"]],
                      extra_sheets={"Lieferung": [HEADER[:4], ["0101", 2023, "ambulant", 7]]})
    delivery = read_xlsx_delivery(path, sheet="Lieferung")
    assert delivery.problems == []
    assert delivery.detected["sheet"] == "Lieferung"
    assert delivery.rows == [(2, ["0101", "2023", "ambulant", "7"])]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [HEADER], extra_sheets={"2023": [HEADER]})
    line, _, message = only_error(read_xlsx_delivery(path, sheet="Lieferung"))
    assert line is None
    assert message == "Tabellenblatt „Lieferung“ nicht gefunden (vorhanden: „Daten“, „2023“)"


def test_zip_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "kein Excel")
    _, _, message = only_error(read_xlsx_delivery(path))
    assert message.startswith(NOT_XLSX)


def test_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsx"
    path.write_text("area_code;period;category;value\n0101;2023;ambulant;1\n", encoding="utf-8")
    _, _, message = only_error(read_xlsx_delivery(path))
    assert message == f"{NOT_XLSX} – der Inhalt ist Text (eine umbenannte CSV-Datei?)"


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ["0101", 2023, "ambulant", 1]])
    path = tmp_path / "l.xlsx"
    path.write_bytes(good.read_bytes()[:300])
    _, _, message = only_error(read_xlsx_delivery(path))
    assert message.startswith(NOT_XLSX)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "die Datei ist leer"),
    (b"\x00" * 100, NOT_XLSX),
])
def test_empty_or_binary_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "l.xlsx"
    path.write_bytes(content)
    assert expected in only_error(read_xlsx_delivery(path))[2]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(("content", "expected"), [
    (OLE + b"\x00" * 600, "vermutlich das alte Format .xls"),
    (OLE + b"\x00" * 3000 + "EncryptedPackage".encode("utf-16-le"), "mit einem Passwort geschützt"),
])
def test_xls_and_encrypted_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "l.xlsx"
    path.write_bytes(content)
    assert expected in only_error(read_xlsx_delivery(path))[2]


@pytest.mark.parametrize(("merged", "expected"), [
    (["A1:B1"], "A1:B1"),
    (["C1:D2", "A3:A4"], "C1:D2"),  # spanning header and data row
    (["A3:B3"], None),  # merged data cells are the validator's business (empty cells)
])
def test_merged_header_cells(tmp_path: Path, merged: list[str], expected: str | None) -> None:
    path = tmp_path / "l.xlsx"
    workbook = Workbook()
    worksheet = workbook.active
    for row in (["Gebiet", None, "category", "value"], ["0101", 2023, "ambulant", 1],
                ["0101", 2024, "ambulant", 2], ["0101", 2025, "ambulant", 3]):
        worksheet.append(row)
    for ref in merged:
        worksheet.merge_cells(ref)
    workbook.save(path)
    delivery = read_xlsx_delivery(path)
    if expected is None:
        assert delivery.problems == []
        return
    line, _, message = only_error(delivery)
    assert line == 1
    assert message.startswith(f"Verbundene Zellen in der Kopfzeile ({expected})")
    assert delivery.header == []


def test_datetime_in_period_column_is_a_key_date(tmp_path: Path) -> None:
    # A key date goes on as ISO text; the validator maps it to the dataset's period type.
    rows = [HEADER[:4], ["0101", dt.datetime(2024, 12, 31), "ambulant", 1],
            ["0101", dt.date(2024, 6, 30), "ambulant", 2],
            ["0101", 2023, "ambulant", 3]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    assert delivery.problems == []
    assert [cells[1] for _, cells in delivery.rows] == ["2024-12-31", "2024-06-30", "2023"]


def test_excel_date_from_typed_month_is_refused_with_a_hint(tmp_path: Path) -> None:
    # Excel turns a typed "2024-06" into 01.06.2024: no period ends that day.
    dataset = load_catalog(bundled_dir("data")).datasets["hze"]
    rows = [HEADER[:4], ["0101", dt.datetime(2024, 6, 1), "ambulant", 1],
            ["0101", dt.datetime(2023, 12, 31), "ambulant", 2]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    report, frame = validate_delivery(delivery, dataset, AREAS)
    [problem] = report.errors
    assert (problem.line, problem.column) == (2, "period")
    assert problem.message.startswith("Stichtag 01.06.2024 ist nicht das Ende eines Zeitraums")
    assert "stand dort „2024-06“? Excel speichert das als Datum" in problem.message
    assert frame["period"].tolist() == ["2023"]


def test_date_elsewhere_becomes_iso_text(tmp_path: Path) -> None:
    rows = [HEADER, ["0101", 2023, "ambulant", 1, dt.datetime(2024, 1, 31)]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    assert delivery.problems == []
    assert delivery.rows[0][1][4] == "2024-01-31"


def test_boolean_is_an_error(tmp_path: Path) -> None:
    rows = [HEADER[:4], ["0101", 2023, "ambulant", True]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    line, column, message = only_error(delivery)
    assert (line, column) == (2, "value")
    assert message.startswith("Wahrheitswert (WAHR/FALSCH)")
    assert delivery.rows == []


def test_too_many_columns(tmp_path: Path) -> None:
    rows = [HEADER[:4], ["0101", 2023, "ambulant", 1, None, "x"]]
    line, _, message = only_error(read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows)))
    assert line == 2
    assert message.startswith("6 statt 4 Spalten wie in der Kopfzeile – zu viele Spalten")
    assert "Spalte F" in message


def test_empty_sheet(tmp_path: Path) -> None:
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", []))
    assert only_error(delivery) == (None, None, "Tabellenblatt „Daten“ ist leer")
    assert delivery.header == []


def test_header_only(tmp_path: Path) -> None:
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", [HEADER]))
    assert only_error(delivery) == (
        1, None, "Tabellenblatt enthält nur die Kopfzeile, keine Datenzeilen")
    assert delivery.header == HEADER


def test_formula_text_survives_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "l.xlsx"
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(HEADER)
    worksheet.append(["0101", 2023, "ambulant", 1, None])
    cell = worksheet["E2"]
    cell.value = '=HYPERLINK("http://x.example","klick")'
    cell.data_type = "s"  # text that looks like a formula, not a formula
    workbook.save(path)
    delivery = read_xlsx_delivery(path)
    assert delivery.problems == []
    assert delivery.rows[0][1][4] == '=HYPERLINK("http://x.example","klick")'


def test_formula_without_saved_result(tmp_path: Path) -> None:
    # openpyxl writes formulas without results, like many non-Excel tools do.
    rows = [HEADER[:4], ["0101", 2023, "ambulant", "=1+1"], ["0101", 2024, "ambulant", 2]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "l.xlsx", rows))
    line, column, message = only_error(delivery)
    assert (line, column) == (2, "value")
    assert message.startswith("Formel ohne gespeichertes Ergebnis („=1+1“)")
    assert delivery.rows == [(3, ["0101", "2024", "ambulant", "2"])]


def test_end_to_end_validation_of_hze(tmp_path: Path) -> None:
    dataset = load_catalog(bundled_dir("data")).datasets["hze"]
    rows = [["area_code", "period", "category", "value"],
            ["0101", 2023, "ambulant", 12],
            ["0101", "2023", "stationaer", 3.0],
            [],
            ["0101", dt.datetime(2024, 12, 31), "teilstationaer", 1500]]
    delivery = read_xlsx_delivery(write_xlsx(tmp_path / "hze.xlsx", rows))
    report, frame = validate_delivery(delivery, dataset, AREAS)
    assert report.errors == [], report.to_text()
    assert report.counts == {"rows": 3, "valid_rows": 3}
    assert frame[["area_code", "period", "category"]].values.tolist() == [
        ["0101", "2023", "ambulant"], ["0101", "2023", "stationaer"],
        ["0101", "2024", "teilstationaer"]]
    assert frame["value"].tolist() == [12.0, 3.0, 1500.0]


def test_other_sheets_with_data_give_a_warning_naming_them(tmp_path: Path) -> None:
    rows = [HEADER, ["0101", 2024, "ambulant", 12, None]]
    path = write_xlsx(tmp_path / "mappe.xlsx", rows, title="2023",
                      extra_sheets={"2024": rows, "Leer": [], "Notizen": [[None, "Stand Mai"]]})
    delivery = read_xlsx_delivery(path)
    assert [row for _, row in delivery.rows] == [["0101", "2024", "ambulant", "12", ""]]
    [problem] = delivery.problems
    assert problem.severity == "warning"
    assert problem.message.startswith("Gelesen wurde nur das erste Tabellenblatt „2023“")
    assert "(„2024“, „Notizen“)" in problem.message and "Leer" not in problem.message


def test_a_named_sheet_or_a_single_sheet_gives_no_warning(tmp_path: Path) -> None:
    rows = [HEADER, ["0101", 2024, "ambulant", 12, None]]
    assert read_xlsx_delivery(write_xlsx(tmp_path / "eins.xlsx", rows)).problems == []
    two = write_xlsx(tmp_path / "zwei.xlsx", rows, extra_sheets={"2024": rows})
    assert read_xlsx_delivery(two, sheet="2024").problems == []
