"""`cockpit load` with key dates and sub-year periods: mapped to the dataset's period type,
or refused with the row number (exit 2, store unchanged)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum

PROBE = """\
title: Probe
source: internal
department: statistik
classification: public
unit: Fälle
levels: [subdistrict]
value: {{type: count, min: 0}}
period_type: {kind}
"""
# A half-yearly GENESIS-style export: one column per key date.
GENESIS_HALF = ("GENESIS-Tabelle: 99999-01\n"
                "Bestand am Halbjahresende\n"
                ";;30.06.2015;31.12.2015\n"
                "0101;Altstadt;10;12\n"
                "0102;Neustadt;20;-\n"
                "Stand: 01.02.2016\n")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("periods-load")
    data = base / "data"
    shutil.copytree(bundled_dir("data"), data)
    for kind in ("half", "quarter", "month"):
        (data / "datasets" / f"probe_{kind}.yaml").write_text(PROBE.format(kind=kind),
                                                              encoding="utf-8")
    env = {"COCKPIT_DATA_DIR": str(data)}
    home = base / "home"
    assert CliRunner().invoke(cli, ["--home", str(home), "init", "--demo"],
                              env=env).exit_code == 0
    return home, env


def load(setup: tuple[Path, dict[str, str]], tmp_path: Path, text: str, dataset: str,
         *options: str):
    home, env = setup
    source = tmp_path / f"{dataset}.csv"
    source.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["--home", str(home), "load", str(source), "--dataset",
                                    dataset, "--yes", *options], env=env)


def stored(setup: tuple[Path, dict[str, str]], dataset: str) -> list[tuple[str, str, float]]:
    inst = Installation(load_settings(home=str(setup[0]), data_dir=setup[1]["COCKPIT_DATA_DIR"]))
    try:
        return sorted(inst.store.read().execute(
            "SELECT area_code, period, value FROM observations WHERE dataset_id = ?",
            [dataset]).fetchall())
    finally:
        inst.store.close()


def checksum(setup: tuple[Path, dict[str, str]]) -> str:
    inst = Installation(load_settings(home=str(setup[0])))
    try:
        return data_checksum(inst.store.read())
    finally:
        inst.store.close()


def test_yearly_dataset_takes_31_12_as_the_year(setup, tmp_path: Path) -> None:
    text = ("area_code;period;category;value\n0101;31.12.2031;ambulant;7\n"
            "0101;2031-12-31;stationaer;3\n0101;2031;teilstationaer;1\n")
    result = load(setup, tmp_path, text, "hze")
    assert result.exit_code == 0, result.output
    assert sorted(v for a, p, v in stored(setup, "hze") if p == "2031") == [1.0, 3.0, 7.0]


def test_yearly_dataset_refuses_30_06_with_the_row_number(setup, tmp_path: Path) -> None:
    before = checksum(setup)
    text = ("area_code;period;category;value\n0101;31.12.2032;ambulant;7\n"
            "0101;30.06.2032;stationaer;3\n")
    result = load(setup, tmp_path, text, "hze")
    assert result.exit_code == 2
    assert "Zeile 3" in result.output
    assert ("Stichtag 30.06.2032 ist nicht das Ende eines Zeitraums: der Datensatz hat "
            "Jahreswerte (period_type: year), erwartet 31.12.") in result.output
    assert checksum(setup) == before


def test_half_yearly_csv_with_key_dates(setup, tmp_path: Path) -> None:
    text = ("area_code;period;value\n0101;31.12.2024;4\n0101;30.06.2024;3\n"
            "0102;2024-H1;5\n")
    result = load(setup, tmp_path, text, "probe_half")
    assert result.exit_code == 0, result.output
    assert stored(setup, "probe_half") == [("0101", "2024-H1", 3.0), ("0101", "2024-H2", 4.0),
                                           ("0102", "2024-H1", 5.0)]


def test_half_year_and_its_key_date_in_one_file_are_a_duplicate(setup, tmp_path: Path) -> None:
    text = "area_code;period;value\n0101;2025-H1;3\n0101;30.06.2025;3\n"
    result = load(setup, tmp_path, text, "probe_half")
    assert result.exit_code == 2
    assert "Schlüssel 0101 / 2025-H1 kommt doppelt vor (schon in Zeile 2)" in result.output


def test_genesis_key_dates_map_to_half_years(setup, tmp_path: Path) -> None:
    result = load(setup, tmp_path, GENESIS_HALF, "probe_half", "--format", "genesis")
    assert result.exit_code == 0, result.output
    assert [r for r in stored(setup, "probe_half") if r[1].startswith("2015")] == [
        ("0101", "2015-H1", 10.0), ("0101", "2015-H2", 12.0), ("0102", "2015-H1", 20.0),
        ("0102", "2015-H2", 0.0)]


def test_quarters_and_months(setup, tmp_path: Path) -> None:
    quarters = "area_code;period;value\n0101;31.03.2024;1\n0101;2024-Q2;2\n0101;30.09.2024;3\n"
    assert load(setup, tmp_path, quarters, "probe_quarter").exit_code == 0
    assert [p for _, p, _ in stored(setup, "probe_quarter")] == ["2024-Q1", "2024-Q2",
                                                                 "2024-Q3"]
    months = "area_code;period;value\n0101;29.02.2024;1\n0101;2024-03;2\n"
    assert load(setup, tmp_path, months, "probe_month").exit_code == 0
    assert [p for _, p, _ in stored(setup, "probe_month")] == ["2024-02", "2024-03"]
    wrong = load(setup, tmp_path, "area_code;period;value\n0101;2024-H1;1\n", "probe_quarter")
    assert wrong.exit_code == 2
    assert "Zeitraum „2024-H1“ ist ein Halbjahr; der Datensatz hat Quartalswerte" in wrong.output


def test_wide_delivery_with_key_date_columns(setup, tmp_path: Path) -> None:
    text = "area_code;30.06.2026;31.12.2026\n0102;7;8\n"
    result = load(setup, tmp_path, text, "probe_half")
    assert result.exit_code == 0, result.output
    assert [r for r in stored(setup, "probe_half") if r[1].startswith("2026")] == [
        ("0102", "2026-H1", 7.0), ("0102", "2026-H2", 8.0)]
