"""Plan against actual by Produktrahmen (cockpit/budget.py), on a hand-made fixture.

Every expected figure below is worked out by hand from the lines in LINES.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cockpit.budget import (
    Produktrahmen,
    budget_periods,
    budget_table,
    check_produktrahmen,
    closed,
    deviation,
    load_produktrahmen,
    totals,
)
from cockpit.catalog import DefinitionError, load_catalog

DATA = Path(__file__).resolve().parents[1] / "data"

FRAME = Produktrahmen(
    bereiche={"03": "Schulträgeraufgaben", "06": "Kinder-, Jugend- und Familienhilfe",
              "16": "Allgemeine Finanzwirtschaft"},
    gruppen={"0301": "Grundschulen", "0601": "Kindertagesbetreuung",
             "0603": "Hilfen zur Erziehung"},
)

# (period, Produktgruppe, position, Ansatz, fortgeschriebener Ansatz, Ergebnis)
_PLAN_ACTUAL = [
    ("2024", "0601", "aufwendungen", 1000, 1100, 1210),
    ("2024", "0603", "aufwendungen", 500, 500, 450),
    ("2024", "0601", "ertraege", 300, 300, 330),
    ("2024", "0301", "aufwendungen", 800, 800, 800),
    ("2024", "0301", "ertraege", 0, 0, 25),
    ("2024", "0301", "auszahlungen_invest", 400, 500, 300),
    ("2025", "0601", "aufwendungen", 1050, 1050, None),
]
LINES = pd.DataFrame(
    [{"area_code": "00", "period": p, "category": g, "measure": m, "variant": v,
      "value": float(x)}
     for p, g, m, *stages in _PLAN_ACTUAL
     for v, x in zip(("ansatz", "fortgeschrieben", "ergebnis"), stages, strict=True)
     if x is not None])


def _row(table: pd.DataFrame, code: str, measure: str) -> dict:
    found = table[(table["code"] == code) & (table["measure"] == measure)]
    assert len(found) == 1, (code, measure, table)
    return found.iloc[0].to_dict()


def test_deviation_in_euro_and_percent() -> None:
    assert deviation(1210.0, 1100.0) == (110.0, 10.0)
    assert deviation(450.0, 500.0) == (-50.0, -10.0)
    assert deviation(25.0, 0.0) == (25.0, None)  # no percent of a zero plan
    assert deviation(None, 1000.0) == (None, None)  # year not closed
    assert deviation(float("nan"), 1000.0) == (None, None)


def test_produktbereiche_against_the_fortgeschriebener_ansatz() -> None:
    table = budget_table(LINES, FRAME, statement="ergebnis", period="2024")
    kinder = _row(table, "06", "aufwendungen")
    # 0601 + 0603: Ansatz 1000 + 500, fortgeschrieben 1100 + 500, Ergebnis 1210 + 450
    assert (kinder["ansatz"], kinder["fortgeschrieben"], kinder["ergebnis"]) == (
        1500.0, 1600.0, 1660.0)
    assert kinder["deviation"] == 60.0
    assert kinder["deviation_pct"] == pytest.approx(3.75)  # 60 / 1600
    assert kinder["name"] == "Kinder-, Jugend- und Familienhilfe"
    schule = _row(table, "03", "ertraege")
    assert schule["deviation"] == 25.0 and pd.isna(schule["deviation_pct"])
    assert _row(table, "03", "aufwendungen")["deviation_pct"] == 0.0
    # Only Ergebnishaushalt positions; a Produktbereich without lines has no row.
    assert set(table["measure"]) == {"ertraege", "aufwendungen"}
    assert "16" not in set(table["code"])
    assert list(table["code"]) == ["03", "03", "06", "06"]  # code order, Erträge first


def test_against_the_ansatz() -> None:
    table = budget_table(LINES, FRAME, statement="ergebnis", period="2024", basis="ansatz")
    kinder = _row(table, "06", "aufwendungen")
    assert kinder["deviation"] == 160.0  # 1660 - 1500
    assert kinder["deviation_pct"] == pytest.approx(100 * 160 / 1500)  # 10.667 %


def test_drill_down_shows_the_produktgruppen_that_add_up_to_their_bereich() -> None:
    groups = budget_table(LINES, FRAME, statement="ergebnis", period="2024", bereich="06")
    assert list(zip(groups["code"], groups["measure"], strict=True)) == [
        ("0601", "ertraege"), ("0601", "aufwendungen"), ("0603", "aufwendungen")]
    kita = _row(groups, "0601", "aufwendungen")
    assert (kita["deviation"], kita["deviation_pct"]) == (110.0, pytest.approx(10.0))
    hze = _row(groups, "0603", "aufwendungen")
    assert (hze["deviation"], hze["deviation_pct"]) == (-50.0, pytest.approx(-10.0))
    bereiche = budget_table(LINES, FRAME, statement="ergebnis", period="2024")
    for measure in ("ertraege", "aufwendungen"):
        part = groups[groups["measure"] == measure]
        whole = _row(bereiche, "06", measure)
        for column in ("ansatz", "fortgeschrieben", "ergebnis", "deviation"):
            assert part[column].sum() == whole[column]


def test_finanzhaushalt_investment_backlog() -> None:
    table = budget_table(LINES, FRAME, statement="finanz", period="2024")
    invest = _row(table, "03", "auszahlungen_invest")
    assert (invest["deviation"], invest["deviation_pct"]) == (-200.0, pytest.approx(-40.0))
    assert list(table["measure"]) == ["auszahlungen_invest"]


def test_per_inhabitant_divides_every_amount_but_not_the_percentages() -> None:
    table = budget_table(LINES, FRAME, statement="ergebnis", period="2024", residents=200)
    kinder = _row(table, "06", "aufwendungen")
    assert kinder["ansatz"] == pytest.approx(7.5)  # 1500 / 200
    assert kinder["fortgeschrieben"] == pytest.approx(8.0)
    assert kinder["ergebnis"] == pytest.approx(8.3)
    assert kinder["deviation"] == pytest.approx(0.3)
    assert kinder["deviation_pct"] == pytest.approx(3.75)


def test_totals_are_sums_and_their_percent_is_recomputed() -> None:
    table = budget_table(LINES, FRAME, statement="ergebnis", period="2024")
    sums = totals(table).set_index("measure")
    # Aufwendungen: 800 + 1500 = 2300, 800 + 1600 = 2400, 800 + 1660 = 2460
    assert list(sums.loc["aufwendungen", ["ansatz", "fortgeschrieben", "ergebnis"]]) == [
        2300.0, 2400.0, 2460.0]
    assert sums.loc["aufwendungen", "deviation_pct"] == pytest.approx(2.5)  # 60 / 2400
    # Erträge: 0 + 300 planned, 25 + 330 = 355 actual: +55, 18.33 % (not the mean of rows)
    assert sums.loc["ertraege", "deviation"] == 55.0
    assert sums.loc["ertraege", "deviation_pct"] == pytest.approx(100 * 55 / 300)


def test_a_year_without_jahresabschluss_has_no_ergebnis() -> None:
    assert budget_periods(LINES) == ["2024", "2025"]
    assert closed(LINES, "2024") and not closed(LINES, "2025")
    table = budget_table(LINES, FRAME, statement="ergebnis", period="2025")
    row = _row(table, "06", "aufwendungen")
    assert row["ansatz"] == 1050.0
    assert row["ergebnis"] is None and row["deviation"] is None
    assert totals(table)["deviation"].isna().all()


def test_unknown_statement_or_basis_is_refused() -> None:
    with pytest.raises(ValueError):
        budget_table(LINES, FRAME, statement="kasse", period="2024")
    with pytest.raises(ValueError):
        budget_table(LINES, FRAME, statement="ergebnis", period="2024", basis="ist")


OFFICIAL = {
    "01": "Innere Verwaltung", "02": "Sicherheit und Ordnung", "03": "Schulträgeraufgaben",
    "04": "Kultur und Wissenschaft", "05": "Soziale Leistungen",
    "06": "Kinder-, Jugend- und Familienhilfe", "07": "Gesundheitsdienste",
    "08": "Sportförderung", "09": "Räumliche Planung und Entwicklung, Geoinformationen",
    "10": "Bauen und Wohnen", "11": "Ver- und Entsorgung",
    "12": "Verkehrsflächen und -anlagen, ÖPNV", "13": "Natur- und Landschaftspflege",
    "14": "Umweltschutz", "15": "Wirtschaft und Tourismus",
    "16": "Allgemeine Finanzwirtschaft", "17": "Stiftungen",
}


def test_the_shipped_produktrahmen_is_the_nkf_one_and_fits_the_dataset() -> None:
    dataset = load_catalog(DATA).datasets["haushalt"]
    frame = load_produktrahmen(DATA, dataset)
    assert frame.bereiche == OFFICIAL
    assert set(dataset.dimensions["category"]) == set(frame.gruppen)
    assert all(frame.gruppen_of(code) for code in OFFICIAL)  # each has Produktgruppen
    assert frame.gruppen_of("06") == ["0601", "0602", "0603", "0604"]
    assert (dataset.classification, dataset.department) == ("internal", "kaemmerei")


@pytest.mark.parametrize(("text", "message"), [
    ("produktbereiche: {'01': Innere Verwaltung}\n", "produktgruppen fehlt"),
    ("produktbereiche: {'01': A}\nproduktgruppen: {'0201': B}\n",
     "Produktgruppe 0201 gehört zu keinem Produktbereich"),
    ("produktbereiche: [\n", "kein gültiges YAML"),
    ("- 01\n", "erwartet produktbereiche"),
])
def test_a_broken_produktrahmen_names_file_and_problem(tmp_path: Path, text: str,
                                                       message: str) -> None:
    (tmp_path / "produktrahmen.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError, match=message) as caught:
        load_produktrahmen(tmp_path)
    assert "produktrahmen.yaml" in str(caught.value)


def test_missing_produktrahmen_or_unnamed_produktgruppe(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="Datei fehlt"):
        load_produktrahmen(tmp_path)
    (tmp_path / "produktrahmen.yaml").write_text(
        "produktbereiche: {'01': A}\nproduktgruppen: {'0101': B}\n", encoding="utf-8")
    dataset = load_catalog(DATA).datasets["haushalt"]
    with pytest.raises(DefinitionError, match=r"0102.*fehlen unter produktgruppen"):
        load_produktrahmen(tmp_path, dataset)


def test_check_reports_the_produktrahmen_only_with_a_budget_dataset(tmp_path: Path) -> None:
    datasets = load_catalog(DATA).datasets
    assert check_produktrahmen(DATA, datasets) == []
    (tmp_path / "produktrahmen.yaml").write_text(
        "produktbereiche: {'01': A}\nproduktgruppen: {'0101': B}\n", encoding="utf-8")
    (problem,) = check_produktrahmen(tmp_path, datasets)
    assert "fehlen unter produktgruppen" in problem
    without = {k: v for k, v in datasets.items() if k != "haushalt"}
    assert check_produktrahmen(tmp_path, without) == []
