"""An office's own long table (Köln's shape): row codes -> dimensions, totals checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.catalog import DefinitionError, load_catalog
from cockpit.ingest.checks import run_checks
from cockpit.ingest.code_table import CodeTable, Territory, apply_code_table, parse_code_table
from cockpit.ingest.csv_reader import read_csv_delivery

DIMS = {"sex": ("_T", "m", "w"), "age_group": ("_T", "00_17", "18_PLUS")}
SPEC = {"area": "raum_id", "period": "jahr", "value": "zahl", "key": ["tab_id", "zei_id"],
        "rows": {"005/10": {}, "010/10": {"sex": "m"}, "010/20": {"sex": "w"},
                 "020/10": {"age_group": "00_17"}, "020/20": {"age_group": "18_PLUS"}}}
# A city 000 with two Bezirke (001: Stadtteile 101, 102; 002: Stadtteil 201).
TERRITORY = Territory(
    levels={"000": "stadt", "001": "bezirk", "002": "bezirk", "101": "teil", "102": "teil",
            "201": "teil"},
    parents={"000": None, "001": "000", "002": "000", "101": "001", "102": "001", "201": "002"},
    level_names={"stadt": "Stadt", "bezirk": "Stadtbezirk", "teil": "Stadtteil"})
HEADER = "id,tab_id,tabelle,jahr,raum_id,raum,zei_id,zeile,zahl\n"


def _row(tab: str, year: str, area: str, zei: str, value: str) -> str:
    return f"x,{tab},Tabelle,{year},{area},Name,{zei},Zeile,{value}\n"


def _file(tmp_path: Path, city_total: str = "60.0") -> Path:
    text = HEADER
    text += _row("005", "2012", "000", "10", city_total)
    text += _row("005", "2012", "001", "10", "40.0")
    text += _row("005", "2012", "002", "10", "20.0")
    for area, value in (("101", "15.0"), ("102", "25.0"), ("201", "20.0")):
        text += _row("005", "2012", area, "10", value)
        text += _row("010", "2012", area, "10", "7.0")
        text += _row("040", "2012", area, "10", "3.0")  # marital status: not mapped
    path = tmp_path / "bevoelkerung.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_mapped_upper_levels_dropped_and_unmapped_counted(tmp_path: Path) -> None:
    table = parse_code_table(SPEC, DIMS)
    result = apply_code_table(read_csv_delivery(_file(tmp_path)), table, DIMS, ("teil",),
                              TERRITORY)
    assert result.header == ["area_code", "period", "sex", "age_group", "value"]
    assert [cells for _, cells in result.rows][:2] == [
        ["101", "2012", "_T", "_T", "15.0"], ["101", "2012", "m", "_T", "7.0"]]
    assert len(result.rows) == 6
    assert result.rows[0][0] == 5  # file line kept for the report
    notes = [p.message for p in result.problems]
    assert not [p for p in result.problems if p.severity == "error"]
    assert any("3 Zeilen mit Zeilencodes ohne Zuordnung übersprungen" in n and "040/10" in n
               for n in notes)
    assert any("1 Zeilen der Ebene Stadt nicht gespeichert" in n for n in notes)
    assert any("2 Zeilen der Ebene Stadtbezirk" in n for n in notes)
    assert result.detected["decimal"] == "."


def test_a_delivered_total_that_disagrees_is_an_error_at_its_line(tmp_path: Path) -> None:
    table = parse_code_table(SPEC, DIMS)
    result = apply_code_table(read_csv_delivery(_file(tmp_path, city_total="61.0")), table,
                              DIMS, ("teil",), TERRITORY)
    errors = [p for p in result.problems if p.severity == "error"]
    assert [(p.line, p.column) for p in errors] == [(2, "value")]
    assert errors[0].message == ("Gelieferte Summe für Stadt „000“ (2012) ist 61, die Gebiete "
                                 "darunter ergeben 60")


def test_a_total_with_areas_missing_below_is_not_compared(tmp_path: Path) -> None:
    path = tmp_path / "teil.csv"
    path.write_text(HEADER + _row("005", "2012", "001", "10", "99.0")
                    + _row("005", "2012", "101", "10", "15.0"), encoding="utf-8")
    result = apply_code_table(read_csv_delivery(path), parse_code_table(SPEC, DIMS), DIMS,
                              ("teil",), TERRITORY)
    assert not [p for p in result.problems if p.severity == "error"]


def test_missing_columns_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("raum_id,jahr,zahl\n101,2012,1\n", encoding="utf-8")
    result = apply_code_table(read_csv_delivery(path), parse_code_table(SPEC, DIMS), DIMS,
                              ("teil",), TERRITORY)
    assert result.rows == []
    assert "tab_id, zei_id" in result.problems[-1].message


@pytest.mark.parametrize(("change", "message"), [
    ({"rows": {"005": {}}}, "hat nicht 2 Teile"),
    ({"rows": {"005/10": {"nationality": "x"}}}, "'nationality' ist keine Dimension"),
    ({"rows": {"005/10": {"sex": "d"}}}, "Code 'd' gibt es in sex nicht"),
    ({"rows": {"005/10": {}, "005/11": {}}}, "ergeben dieselben Dimensionswerte"),
    ({"value": ""}, "Pflichtfeld fehlt: value"),
])
def test_bad_specs_are_refused_in_german(change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_code_table({**SPEC, **change}, DIMS)


def test_a_dimension_without_total_code_must_be_given() -> None:
    with pytest.raises(ValueError, match="keine Angabe für sex"):
        parse_code_table(SPEC, {"sex": ("m", "w"), "age_group": DIMS["age_group"]})


DATASET_YAML = """\
title: Einwohner (Tabelle der Statistikstelle)
source: official
department: statistik
classification: public
unit: Personen
levels: [subdistrict]
dimensions:
  sex: [_T, m, w]
value: {type: count, min: 0}
code_table:
  area: raum_id
  period: jahr
  value: zahl
  key: [tab_id, zei_id]
  rows:
    "005/10": {}
    "010/10": {sex: m}
"""


def _catalog(tmp_path: Path, text: str = DATASET_YAML):
    (tmp_path / "datasets").mkdir(parents=True)
    (tmp_path / "departments.yaml").write_text("statistik: Statistikstelle\n", encoding="utf-8")
    (tmp_path / "datasets" / "einwohner_tabelle.yaml").write_text(text, encoding="utf-8")
    return load_catalog(tmp_path)


def test_dataset_yaml_declares_the_code_table(tmp_path: Path) -> None:
    dataset = _catalog(tmp_path).datasets["einwohner_tabelle"]
    assert dataset.code_table == CodeTable("raum_id", "jahr", "zahl", ("tab_id", "zei_id"),
                                           {"005/10": {}, "010/10": {"sex": "m"}})


def test_broken_code_table_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"einwohner_tabelle\.yaml: code_table"):
        _catalog(tmp_path, DATASET_YAML.replace("{sex: m}", "{sex: x}"))


def test_checks_load_an_office_table_against_the_store(demo, tmp_path: Path) -> None:
    dataset = _catalog(tmp_path / "data").datasets["einwohner_tabelle"]
    text = HEADER + _row("005", "2012", "01", "10", "100.0")  # Stadtbezirk 01 = 0101..0104
    for i, area in enumerate(("0101", "0102", "0103", "0104")):
        text += _row("005", "2012", area, "10", f"{10 * (i + 1)}.0")
        text += _row("010", "2012", area, "10", "4.0")
    path = tmp_path / "tabelle.csv"
    path.write_text(text, encoding="utf-8")
    result = run_checks(read_csv_delivery(path), dataset, demo.store.read(),
                        compare_published=False)
    assert result.report.ok, result.report.to_text()
    obs = result.observations
    assert len(obs) == 8 and set(obs["area_code"]) == {"0101", "0102", "0103", "0104"}
    total = obs[(obs["sex"] == "_T")]["value"].sum()
    assert total == 100.0
    assert "Zeilencodes (tab_id/zei_id), 8 von 9 Zeilen übernommen" in result.report.to_text()
