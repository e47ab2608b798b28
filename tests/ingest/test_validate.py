"""Plausibility checks of CSV deliveries, on the real dataset definitions.

The corpus of broken files is written by the tests; each case names the line,
the column and the German message the data steward must see.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from cockpit.catalog import Catalog, load_catalog
from cockpit.ingest.csv_reader import read_csv_delivery
from cockpit.ingest.problems import Problem, Report
from cockpit.ingest.validate import validate_delivery
from cockpit.resources import bundled_dir
from cockpit.store.schema import OBSERVATION_COLUMNS
from cockpit.territory.levels import demo_levels

DEMO_NAMES = {lv.id: lv.name_de for lv in demo_levels()}
AREAS = {"00": "city", "01": "district", "0101": "subdistrict", "0102": "subdistrict"}
BOM = b"\xef\xbb\xbf"
HZE = "area_code;period;category;value\n0101;2023;ambulant;12\n0102;2023;stationaer;3\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(bundled_dir("data"))


def check(tmp_path: Path, catalog: Catalog, content: bytes | str, dataset: str = "hze",
          **kwargs: int) -> tuple[Report, pd.DataFrame]:
    path = tmp_path / "lieferung.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return validate_delivery(read_csv_delivery(path), catalog.datasets[dataset], AREAS,
                             level_names=DEMO_NAMES, **kwargs)


def find(report: Report, line: int | None, column: str | None, text: str) -> Problem:
    for problem in report.errors:
        if problem.line == line and problem.column == column and text in problem.message:
            return problem
    raise AssertionError(f"no error '{text}' at line {line}, column {column}:\n"
                         + report.to_text())


# --- good files -----------------------------------------------------------------------

BUDGET_ROWS = [  # area, period, category, measure, variant, value
    ("00", "2023", "pb01", "ertraege", "ist", 1234567.89),
    ("00", "2023", "pb01", "aufwendungen", "ist", 1234.5),
    ("00", "2024", "pb17", "ertraege", "plan", 0.0),
    ("00", "2022", "pb02", "aufwendungen", "plan", 12.0),
]


def budget_file(codec: str, bom: bytes, delimiter: str, decimal: str) -> bytes:
    def number(value: float) -> str:
        english = f"{value:,.2f}".rstrip("0").rstrip(".")
        if decimal == ".":
            return english
        return english.replace(",", "_").replace(".", ",").replace("_", ".")

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Area_Code", "period", "category", "measure", "variant", "VALUE",
                     "bemerkung"])
    for area, period, category, measure, variant, value in BUDGET_ROWS:
        writer.writerow([area, period, category, measure, variant, number(value),
                         "Straßenbau, Grünflächen"])
    return bom + out.getvalue().encode(codec)


@pytest.mark.parametrize(("codec", "bom"), [("utf-8", b""), ("utf-8", BOM), ("cp1252", b"")])
@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("decimal", [",", "."])
def test_every_format_variant_gives_the_same_observations(
        tmp_path: Path, catalog: Catalog, codec: str, bom: bytes, delimiter: str,
        decimal: str) -> None:
    report, frame = check(tmp_path, catalog, budget_file(codec, bom, delimiter, decimal),
                          "haushalt_ergebnis")
    assert report.ok, report.to_text()
    assert report.detected["delimiter"] == delimiter
    assert report.detected["decimal"] == decimal
    assert [p.column for p in report.warnings] == ["bemerkung"]
    expected = pd.DataFrame({
        "dataset_id": "haushalt_ergebnis",
        "area_code": [r[0] for r in BUDGET_ROWS],
        "period": [r[1] for r in BUDGET_ROWS],
        "sex": "_T", "age_group": "_T", "nationality": "_T",
        "category": [r[2] for r in BUDGET_ROWS],
        "measure": [r[3] for r in BUDGET_ROWS],
        "variant": [r[4] for r in BUDGET_ROWS],
        "value": [r[5] for r in BUDGET_ROWS],
    }).astype({c: "str" for c in OBSERVATION_COLUMNS if c != "value"})
    pd.testing.assert_frame_equal(frame, expected)


def test_dimensions_not_in_the_dataset_are_totals(tmp_path: Path, catalog: Catalog) -> None:
    content = ("area_code;period;sex;age_group;nationality;value\n"
               "0101;2023;w;00_02;deutsch;1.234\n0101;2023;m;80_PLUS;nichtdeutsch;7\n")
    report, frame = check(tmp_path, catalog, content, "bevoelkerung")
    assert report.ok, report.to_text()
    assert report.counts == {"rows": 2, "valid_rows": 2}
    assert frame.to_dict("records")[0] == {
        "dataset_id": "bevoelkerung", "area_code": "0101", "period": "2023", "sex": "w",
        "age_group": "00_02", "nationality": "deutsch", "category": "_T", "measure": "_T",
        "variant": "_T", "value": 1234.0,
    }


def test_area_codes_keep_leading_zeros(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, catalog, HZE)
    assert report.ok
    assert frame["area_code"].tolist() == ["0101", "0102"]
    assert frame["value"].tolist() == [12.0, 3.0]


def test_unknown_column_is_a_warning_and_ignored(tmp_path: Path, catalog: Catalog) -> None:
    content = hze("0101;2023;ambulant;12;=cmd", "0102;2023;stationaer;3;",
                  header="area_code;period;category;value;Bemerkung")
    report, frame = check(tmp_path, catalog, content)
    assert report.ok
    assert [(p.line, p.column, p.message) for p in report.warnings] == [
        (1, "Bemerkung", "Spalte „Bemerkung“ ist unbekannt und wird ignoriert")]
    assert tuple(frame.columns) == OBSERVATION_COLUMNS
    assert len(frame) == 2


# --- the corpus of broken files ---------------------------------------------------------

def hze(*rows: str, header: str = "area_code;period;category;value") -> str:
    return "\n".join([header, *rows]) + "\n"


CORPUS: list[tuple[str, bytes | str, str, int | None, str | None, str]] = [
    # id, content, dataset, line, column, message (fragment)
    ("empty-file", b"", "hze", None, None, "Datei ist leer"),
    ("header-only", hze(), "hze", 1, None, "Datei enthält nur die Kopfzeile"),
    ("tab-delimiter", hze("0101\t2023\tambulant\t12", header="area_code\tperiod\tcategory\tvalue"),
     "hze", 1, None, "Trennzeichen nicht erkannt – gefunden: Tabulator"),
    ("mixed-encodings",
     hze("0101;2023;ambulant;12;Süd", header="area_code;period;category;value;notiz").encode()
     + "0102;2023;ambulant;3;Süd\n".encode("cp1252"),
     "hze", 3, None, "Kodierung gemischt: diese Zeile ist nicht UTF-8"),
    ("bom-in-the-middle", BOM + HZE.encode() + BOM + b"0101;2024;ambulant;5\n",
     "hze", 4, None, "Byte-Order-Mark (BOM) mitten in der Datei"),
    ("truncated-row", hze("0101;2023;ambulant;12", "0102;2023;amb"),
     "hze", 3, None, "3 statt 4 Felder wie in der Kopfzeile – Zeile unvollständig"),
    ("extra-columns", hze("0101;2023;ambulant;12;5;x"),
     "hze", 2, None, "6 statt 4 Felder wie in der Kopfzeile – zu viele Spalten"),
    ("missing-key-column", hze("0101;ambulant;12", header="area_code;category;value"),
     "hze", 1, None, "Pflichtspalte fehlt: period (vorhanden: area_code, category, value)"),
    ("missing-columns", hze("0101;12", header="gebiet;wert"),
     "hze", 1, None, "Pflichtspalten fehlen: area_code, period, category, value"),
    ("duplicate-column", hze("0101;2023;ambulant;12;13",
                             header="area_code;period;category;value;Value"),
     "hze", 1, "value", "Spalte „Value“ kommt mehrfach vor"),
    ("unknown-district", hze("0101;2023;ambulant;12", "0199;2023;ambulant;1"),
     "hze", 3, "area_code", "Gebietsschlüssel „0199“ ist unbekannt"),
    ("leading-zero-lost", hze("101;2023;ambulant;12"),
     "hze", 2, "area_code",
     "Gebietsschlüssel „101“ ist unbekannt – führende Null verloren? Bekannt ist „0101“"),
    # Rows of other levels are skipped and counted (mixed-level files); a file with no row
    # at the dataset's levels is refused.
    ("wrong-level", hze("01;2023;ambulant;12"),
     "hze", None, "area_code", "Keine Zeile der Lieferung gehört zu einer Ebene des Datensatzes "
                               "(Stadtteil)"),
    ("negative-count", hze("0101;2023;ambulant;-3"),
     "hze", 2, "value", "Wert „-3“ ist negativ – erlaubt sind Werte ab 0"),
    ("text-in-number", hze("0101;2023;ambulant;zwölf"),
     "hze", 2, "value", "Wert „zwölf“ ist keine Zahl"),
    ("empty-value", hze("0101;2023;ambulant;"), "hze", 2, "value", "Wert fehlt (leere Zelle)"),
    ("nan", hze("0101;2023;ambulant;NaN"),
     "hze", 2, "value", "Wert „NaN“ ist keine gültige Zahl (NaN/unendlich nicht erlaubt)"),
    ("inf", hze("0101;2023;ambulant;inf"), "hze", 2, "value", "NaN/unendlich nicht erlaubt"),
    ("infinity", hze("0101;2023;ambulant;Infinity"),
     "hze", 2, "value", "NaN/unendlich nicht erlaubt"),
    ("1e308", hze("0101;2023;ambulant;1e308"),
     "hze", 2, "value", "Wert „1e308“ ist unplausibel groß"),
    ("overflow", hze("0101;2023;ambulant;1e400"), "hze", 2, "value", "unplausibel groß"),
    ("just-beyond-1e15", hze("0101;2023;ambulant;1.000.000.000.000.001"),
     "hze", 2, "value", "unplausibel groß"),
    ("duplicated-rows", hze("0101;2023;ambulant;12", "0102;2023;ambulant;3",
                            "0101;2023;ambulant;12"),
     "hze", 4, None, "Schlüssel 0101 / 2023 / ambulant kommt doppelt vor (schon in Zeile 2)"),
    ("hyperlink-formula", hze('0101;2023;ambulant;"=HYPERLINK(""http://x"")"'),
     "hze", 2, "value", "Formel-Zeichen am Zellanfang („=HYPERLINK(\"http://x\")“)"),
    ("plus-cmd", hze("0101;2023;+cmd;12"), "hze", 2, "category", "Formel-Zeichen am Zellanfang"),
    ("at-sum", hze("0101;2023;ambulant;@SUM(A1)"),
     "hze", 2, "value", "Formel-Zeichen am Zellanfang („@SUM(A1)“)"),
    ("minus-formula", hze("-A1;2023;ambulant;12"),
     "hze", 2, "area_code", "Formel-Zeichen am Zellanfang"),
    ("equals-in-period", hze("0101;=2023;ambulant;12"),
     "hze", 2, "period", "Formel-Zeichen am Zellanfang"),
    ("month-13", hze("0101;2024-13;ambulant;12"),
     "hze", 2, "period", "Zeitraum „2024-13“ ist ungültig – erwartet 2024, 2024-H1, 2024-Q3, "
                         "2024-06 oder einen Stichtag wie 31.12.2024"),
    ("date-inside-the-year", hze("0101;31.12.2023;ambulant;12", "0101;30.06.2023;ambulant;3"),
     "hze", 3, "period", "Stichtag 30.06.2023 ist nicht das Ende eines Zeitraums: der "
                         "Datensatz hat Jahreswerte (period_type: year), erwartet 31.12."),
    ("month-in-yearly-dataset", hze("0101;2024-06;ambulant;12"),
     "hze", 2, "period", "Zeitraum „2024-06“ ist ein Monat; der Datensatz hat Jahreswerte"),
    ("half-year-in-yearly-dataset", hze("0101;2024-H1;ambulant;12"),
     "hze", 2, "period", "Zeitraum „2024-H1“ ist ein Halbjahr; der Datensatz hat Jahreswerte"),
    ("impossible-date", hze("0101;31.06.2023;ambulant;12"),
     "hze", 2, "period", "„31.06.2023“ ist kein gültiges Datum"),
    ("year-out-of-range", hze("0101;1850;ambulant;12"),
     "hze", 2, "period", "Zeitraum „1850“ liegt außerhalb von 1990–2100"),
    ("unknown-dimension-code", hze("0101;2023;ambulant;12", "0101;2023;stationär;4"),
     "hze", 3, "category",
     "Code „stationär“ ist für category nicht erlaubt (erlaubt: ambulant, teilstationaer, "
     "stationaer)"),
    ("long-code-list-shortened", "area_code;period;sex;age_group;nationality;value\n"
                                 "0101;2023;w;99_99;deutsch;4\n",
     "bevoelkerung", 2, "age_group",
     "(erlaubt: 00_02, 03_05, 06_09, 10_14, 15_17, 18_20, 21_24, 25_44, …)"),
    ("decimal-in-count", hze("0101;2023;ambulant;12,5"),
     "hze", 2, "value", "Wert „12,5“ ist keine ganze Zahl – der Datensatz enthält Anzahlen"),
    ("other-decimal-convention",
     "area_code;period;category;measure;variant;value\n00;2023;pb01;ertraege;ist;1.234,5\n"
     "00;2023;pb02;ertraege;ist;12.5\n",
     "haushalt_ergebnis", 3, "value",
     "Wert „12.5“ passt nicht zum erkannten Dezimalzeichen „,“"),
    ("unclosed-quote", hze('0101;2023;ambulant;"12', "0102;2023;ambulant;3"),
     "hze", 2, None, "Anführungszeichen fehlerhaft"),
    ("zip-renamed", b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "hze", None, None,
     "Datei ist ein ZIP-Archiv"),
]


@pytest.mark.parametrize(("content", "dataset", "line", "column", "message"),
                         [case[1:] for case in CORPUS], ids=[case[0] for case in CORPUS])
def test_broken_file_is_rejected_with_a_german_message(
        tmp_path: Path, catalog: Catalog, content: bytes | str, dataset: str, line: int | None,
        column: str | None, message: str) -> None:
    report, frame = check(tmp_path, catalog, content, dataset)
    assert not report.ok
    problem = find(report, line, column, message)
    assert problem.to_text() in report.to_text()
    # Nothing from a cell with a problem is passed on.
    assert not frame.isin(["=HYPERLINK(\"http://x\")", "+cmd", "@SUM(A1)", "-A1"]).any().any()
    assert len(frame) == report.counts["valid_rows"]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 25


def test_only_valid_rows_reach_the_frame(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, catalog, hze("0101;2023;ambulant;12", "0102;2023;ambulant;x",
                                                 "0102;2024;+cmd;3"))
    assert len(report.errors) == 2
    assert frame[["area_code", "period", "value"]].values.tolist() == [["0101", "2023", 12.0]]


def test_one_problem_per_cell(tmp_path: Path, catalog: Catalog) -> None:
    report, _ = check(tmp_path, catalog, hze("0101;2023;ambulant;=1+1"))
    assert [p.message for p in report.errors] == [
        "Formel-Zeichen am Zellanfang („=1+1“) – Zelle wird nicht übernommen"]


def test_numbers_with_sign_are_not_formulas(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, catalog, hze("0101;2023;ambulant;+5", "0102;2023;ambulant;-0"))
    assert report.ok, report.to_text()
    assert frame["value"].tolist() == [5.0, 0.0]


def test_duplicate_key_names_both_lines_for_each_repeat(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, catalog, hze(*["0101;2023;ambulant;1"] * 3))
    assert [(p.line, p.message.endswith("(schon in Zeile 2)")) for p in report.errors] == [
        (3, True), (4, True)]
    assert len(frame) == 1


def test_period_range_is_configurable(tmp_path: Path, catalog: Catalog) -> None:
    report, _ = check(tmp_path, catalog, HZE, first_year=2024)
    find(report, 2, "period", "Zeitraum „2023“ liegt außerhalb von 2024–2100")


def test_column_names_match_case_insensitively(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, catalog, HZE.replace("area_code;period", " AREA_CODE ;Period"))
    assert report.ok
    assert len(frame) == 2


# --- the report -----------------------------------------------------------------------------

def test_report_text_lists_errors_first_and_shortens() -> None:
    problems = [Problem("warning", 1, "notiz", "Spalte „notiz“ ist unbekannt und wird ignoriert")]
    problems += [Problem("error", n, "value", "Wert „abc“ ist keine Zahl") for n in range(2, 130)]
    report = Report(problems, {"encoding": "UTF-8", "delimiter": ";", "decimal": ","},
                    {"rows": 1234, "valid_rows": 0})
    lines = report.to_text(max_lines=10).splitlines()
    assert lines[0] == "Erkannt: Kodierung UTF-8, Trennzeichen „;“, Dezimalzeichen „,“"
    assert lines[1] == "1.234 Datenzeilen, 128 Fehler, 1 Warnung"
    assert lines[2] == "Fehler:"
    assert lines[3] == "Zeile 2, Spalte value: Wert „abc“ ist keine Zahl"
    assert lines[-1] == "… und 119 weitere"
    assert len(lines) == 3 + 10 + 1
    assert not report.ok
    assert len(report.errors) == 128 and len(report.warnings) == 1


def test_report_text_without_line_or_column() -> None:
    report = Report([Problem("error", None, None, "Datei ist leer"),
                     Problem("warning", 1, None, "Spalte Nr. 3 hat keinen Namen")])
    assert report.to_text().splitlines() == [
        "1 Fehler, 1 Warnung",
        "Fehler:", "Datei ist leer", "Warnungen:", "Zeile 1: Spalte Nr. 3 hat keinen Namen"]


def test_report_rows_are_safe_to_open_in_a_spreadsheet() -> None:
    report = Report([Problem("warning", 1, "=cmd", "Spalte „=cmd“ ist unbekannt"),
                     Problem("error", 5, "value", "Wert „x“ ist keine Zahl")])
    assert report.to_rows() == [
        {"severity": "Fehler", "line": 5, "column": "value", "message": "Wert „x“ ist keine Zahl"},
        {"severity": "Warnung", "line": 1, "column": "'=cmd",
         "message": "Spalte „=cmd“ ist unbekannt"},
    ]
