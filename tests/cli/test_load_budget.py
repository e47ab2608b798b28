"""A city's own budget file through `cockpit load`: good rows published, bad ones refused
with a German message and nothing changed (README: "Haushalt")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_load import _checksum, run

HEADER = "area_code;period;category;measure;variant;value\n"
GOOD = HEADER + "".join(
    f"00;2026;{group};{measure};{variant};{value}\n"
    for group, measure, variant, value in [
        ("0603", "aufwendungen", "ansatz", "48.900.000"),
        ("0603", "aufwendungen", "fortgeschrieben", "49.250.000"),
        ("0603", "ertraege", "ansatz", "4.150.000"),
        ("0302", "auszahlungen_invest", "ansatz", "12.000.000,50"),
    ])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("budget-load-home")
    assert run(path, "init", "--demo").exit_code == 0
    return path


def test_good_budget_file_is_published(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "haushalt_2026.csv"
    source.write_text(GOOD, encoding="utf-8")
    result = run(home, "load", str(source), "--dataset", "haushalt", "--yes")
    assert result.exit_code == 0, result.output
    from cockpit.context import Installation
    from cockpit.settings import load_settings

    inst = Installation(load_settings(home=str(home)))
    got = inst.store.read().execute(
        "SELECT category, measure, variant, value FROM observations "
        "WHERE dataset_id = 'haushalt' AND period = '2026' ORDER BY 1, 2, 3").fetchall()
    inst.store.close()
    assert got == [("0302", "auszahlungen_invest", "ansatz", 12_000_000.5),
                   ("0603", "aufwendungen", "ansatz", 48_900_000.0),
                   ("0603", "aufwendungen", "fortgeschrieben", 49_250_000.0),
                   ("0603", "ertraege", "ansatz", 4_150_000.0)]


@pytest.mark.parametrize(("rows", "message"), [
    ("00;2027;0699;aufwendungen;ansatz;1000\n",
     "Code „0699“ ist für category nicht erlaubt"),
    ("00;2027;0603;aufwendungen;ist;1000\n", "Code „ist“ ist für variant nicht erlaubt"),
    ("00;2027;0603;kosten;ansatz;1000\n", "Code „kosten“ ist für measure nicht erlaubt"),
    ("00;2027;0603;aufwendungen;ansatz;-1000\n", "negativ"),
    ("00;2027;0603;aufwendungen;ansatz;viel\n", "keine Zahl"),
    ("77;2027;0603;aufwendungen;ansatz;1000\n", "Gebietsschlüssel „77“ ist unbekannt"),
    ("00;2027-H1;0603;aufwendungen;ansatz;1000\n", "2027-H1"),
    ("00;2027;0603;aufwendungen;ansatz;1000\n00;2027;0603;aufwendungen;ansatz;1200\n",
     "doppelt"),
])
def test_bad_budget_rows_are_refused_and_change_nothing(home: Path, tmp_path: Path,
                                                        rows: str, message: str) -> None:
    source = tmp_path / "haushalt_bad.csv"
    # one good row beside the bad one: the whole file is refused, not just the bad row
    source.write_text(HEADER + "00;2027;0101;aufwendungen;ansatz;500\n" + rows,
                      encoding="utf-8")
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "haushalt", "--yes")
    assert result.exit_code == 2, result.output
    assert message.lower() in result.output.lower(), result.output
    assert "unverändert" in result.output
    assert _checksum(home) == before


def test_a_file_without_the_variant_column_is_refused(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "haushalt_ohne_stufe.csv"
    source.write_text("area_code;period;category;measure;value\n"
                      "00;2027;0603;aufwendungen;1000\n", encoding="utf-8")
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "haushalt", "--yes")
    assert result.exit_code == 2
    assert "Pflichtspalte fehlt: variant" in result.output
    assert _checksum(home) == before
