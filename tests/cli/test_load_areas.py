"""`cockpit load` with GENESIS files against the demo territory: the right place or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("load-areas-home")
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def checksum(home: Path) -> tuple[str, str | None]:
    inst = Installation(load_settings(home=str(home)))
    try:
        return data_checksum(inst.store.read()), inst.store.current_version()
    finally:
        inst.store.close()


def genesis(rows: list[str]) -> bytes:
    lines = ["GENESIS-Tabelle: 12613-01-01-4", "Gestorbene nach Geschlecht - Jahressumme -",
             "regionale Tiefe: Kreise und krfr. Städte", ";;;Insgesamt;männlich;weiblich",
             *rows, "__________", "© Statistische Ämter des Bundes und der Länder, 2017",
             "Stand: 10.10.2017 / 12:03:08"]
    return "\n".join(lines).encode("cp1252")


LAENDER = ["2015;01;  Schleswig-Holstein;33549;16097;17452",
           "2015;02;  Hamburg;17768;8116;9652",
           "2015;03;  Niedersachsen;91183;44710;46473",
           "2015;04;  Bremen;7185;3500;3685",
           "2015;05;  Nordrhein-Westfalen;204486;99000;105486",
           "2015;06;  Hessen;65927;32000;33927"]


def test_land_codes_onto_stadtbezirke_are_refused_and_change_nothing(
        home: Path, tmp_path: Path) -> None:
    source = tmp_path / "12613-01-01-4.csv"
    source.write_bytes(genesis(["2015;0101;    Altstadt;20;10;10", *LAENDER]))
    before = checksum(home)
    result = run(home, "load", str(source), "--dataset", "geburten", "--format", "genesis",
                 "--yes")
    assert result.exit_code == 2, result.output
    assert "Gebietsschlüssel „02“ heißt hier „Nord“, in der Lieferung „Hamburg“" in result.output
    assert "passt die Lieferung zu diesem Gebiet" in result.output
    assert "unverändert" in result.output
    assert checksum(home) == before


def test_rows_of_other_levels_are_skipped_and_counted(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "12612-musterstadt.csv"
    source.write_bytes(genesis([
        "2031;00;Musterstadt;60;30;30", "2031;01;  Mitte;45;22;23",
        "2031;0101;    Altstadt;20;10;10", "2031;0102;    Marktviertel, Stadtteil;25;12;13",
        "2031;0201;    Nordstadt;15;8;7"]))
    result = run(home, "load", str(source), "--dataset", "geburten", "--format", "genesis",
                 "--yes")
    assert result.exit_code == 0, result.output
    assert "davon 2 übersprungen" in result.output
    assert ("Übersprungen (Ebene nicht im Datensatz): 1 Gebiet der Ebene Stadt, "
            "1 Gebiet der Ebene Stadtbezirk") in result.output
    inst = Installation(load_settings(home=str(home)))
    rows = inst.store.read().execute(
        "SELECT area_code, value FROM observations WHERE dataset_id = 'geburten' "
        "AND period = '2031' ORDER BY area_code").fetchall()
    inst.store.close()
    assert rows == [("0101", 20.0), ("0102", 25.0), ("0201", 15.0)]
