"""The right place or none: delivered codes and names against the territory (small GENESIS
and CSV files shaped like the Regionaldatenbank's; the real exports are tested by the
examples)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cockpit.catalog import Catalog, Dataset, load_catalog
from cockpit.context import Installation
from cockpit.ingest.problems import INFO, Report
from cockpit.ingest.reading import read_delivery
from cockpit.ingest.validate import validate_delivery
from cockpit.resources import bundled_dir
from cockpit.territory.lookup import AreaVersion, TerritoryLookup

TITLE = (
    "GENESIS-Tabelle: 12612-01-01-4\n"
    "Geburten: Lebendgeborene nach Geschlecht - Jahressumme -;;;;;\n"
    "regionale Tiefe: Kreise und krfr. Städte;;;;;\n"
    "Statistik der Geburten;;;;;\n"
    "Lebendgeborene (Anzahl);;;;;\n"
    ";;;Insgesamt;männlich;weiblich\n"
)
FOOTER = (
    "__________\n"
    '"© Statistische Ämter des Bundes und der Länder, Deutschland, 2017."\n'
    "Stand: 10.10.2017 / 12:03:08\n"
)
ALWAYS = dt.date(1900, 1, 1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(bundled_dir("data"))


def births(catalog: Catalog, *levels: str, keys: str = "ags", dash: str = "zero") -> Dataset:
    """The demo's births dataset (GENESIS mapping: only "Insgesamt"), at other levels."""
    return replace(catalog.datasets["geburten"], levels=levels, keys=keys, genesis_dash=dash)


def territory(*areas: tuple[str, str, str] | tuple[str, str, str, dt.date, dt.date | None]
              ) -> TerritoryLookup:
    versions: dict[str, list[AreaVersion]] = {}
    for code, level, name, *span in areas:
        valid_from, valid_to = span if span else (ALWAYS, None)
        versions.setdefault(code, []).append(AreaVersion(name, level, valid_from, valid_to))
    return TerritoryLookup(versions, {"land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"})


def check(tmp_path: Path, text: str, dataset: Dataset, terr: TerritoryLookup,
          file_format: str = "genesis") -> tuple[Report, pd.DataFrame]:
    path = tmp_path / ("lieferung.csv")
    path.write_text(text, encoding="utf-8")
    delivery = read_delivery(path, file_format, None,
                             dataset.genesis_columns if file_format == "genesis" else None)
    return validate_delivery(delivery, dataset, terr)


def values(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(row.area_code, row.period): row.value for row in frame.itertuples()}


def infos(report: Report) -> list[str]:
    return [p.message for p in report.problems if p.severity == INFO]


# --- mixed levels ---------------------------------------------------------------------------

LAND_KREIS_GEMEINDE = territory(
    ("01", "land", "Schleswig-Holstein"), ("03", "land", "Niedersachsen"),
    ("01001", "kreis", "Flensburg"), ("01051", "kreis", "Dithmarschen"),
    ("03101", "kreis", "Braunschweig"), ("03151", "kreis", "Gifhorn"),
    ("01001000", "gemeinde", "Flensburg"), ("01051001", "gemeinde", "Albersdorf"),
    ("03151002", "gemeinde", "Barwedel"),
)
MIXED = TITLE + (
    "2015;DG;Deutschland;737575;378478;359097\n"
    "2015;01;  Schleswig-Holstein;23549;12097;11452\n"
    "2015;01001;      Flensburg, Kreisfreie Stadt;857;449;408\n"
    "2015;01051;      Dithmarschen, Landkreis;960;487;473\n"
    "2015;01051001;        Albersdorf;30;.;.\n"
    "2015;02;  Hamburg;19768;10116;9652\n"
    "2015;03;  Niedersachsen;67183;34710;32473\n"
    "2015;031;    Braunschweig, Stat. Region;13247;6779;6468\n"
    "2015;03101;      Braunschweig, Kreisfreie Stadt;2408;1218;1190\n"
    "2015;03151;      Gifhorn, Landkreis;1560;810;750\n"
    "2015;0315140;        Boldecker Land, Samtgemeinde;90;.;.\n"
    "2015;03151401002;          Barwedel;9;5;4\n"
    "2015;09162;      München, Kreisfreie Stadt;17009;8700;8309\n"
    "2015;09162000;        München, Landeshauptstadt;17009;8700;8309\n"
) + FOOTER


def test_mixed_level_file_loaded_at_kreis_level(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, MIXED, births(catalog, "kreis"), LAND_KREIS_GEMEINDE)
    assert report.ok, report.to_text()
    assert report.warnings == []  # secret values of skipped rows are nobody's business here
    assert values(frame) == {("01001", "2015"): 857.0, ("01051", "2015"): 960.0,
                             ("03101", "2015"): 2408.0, ("03151", "2015"): 1560.0}
    assert infos(report) == [
        "Übersprungen (Ebene nicht im Datensatz): 1 Deutschland, 3 Länder, "
        "1 Regierungsbezirk, 1 Gemeindeverband, 3 Gemeinden",
        "Übersprungen (außerhalb des Gebiets): 1 Kreis",
    ]
    assert report.counts["skipped_rows"] == 10
    assert "davon 10 übersprungen" in report.to_text()


def test_mixed_level_file_loaded_at_gemeinde_level(tmp_path: Path, catalog: Catalog) -> None:
    # Flensburg is given only as kreisfreie Stadt (01001): its Gemeinde 01001000 gets it;
    # Barwedel comes with the Regionaldatenbank's 11-digit key.
    report, frame = check(tmp_path, MIXED, births(catalog, "gemeinde"), LAND_KREIS_GEMEINDE)
    assert report.ok, report.to_text()
    assert values(frame) == {("01001000", "2015"): 857.0, ("01051001", "2015"): 30.0,
                             ("03151002", "2015"): 9.0}
    assert infos(report)[:2] == [
        "Übersprungen (Ebene nicht im Datensatz): 1 Deutschland, 3 Länder, "
        "1 Regierungsbezirk, 4 Kreise, 1 Gemeindeverband",
        "Übersprungen (außerhalb des Gebiets): 1 Gemeinde",
    ]


def test_kreisfreie_stadt_goes_to_kreis_and_gemeinde(tmp_path: Path, catalog: Catalog) -> None:
    report, frame = check(tmp_path, MIXED, births(catalog, "kreis", "gemeinde"),
                          LAND_KREIS_GEMEINDE)
    assert report.ok, report.to_text()
    got = values(frame)
    assert got[("01001", "2015")] == got[("01001000", "2015")] == 857.0
    assert got[("03151002", "2015")] == 9.0
    assert len(got) == 7  # 4 Kreise, Flensburg's Gemeinde, Albersdorf, Barwedel


def test_a_gemeinde_inside_the_territory_but_unknown_is_a_warning(
        tmp_path: Path, catalog: Catalog) -> None:
    text = TITLE + ("2015;01051001;Albersdorf;30;15;15\n"
                    "2015;01051002;Arkebek;2;1;1\n") + FOOTER
    report, frame = check(tmp_path, text, births(catalog, "gemeinde"), LAND_KREIS_GEMEINDE)
    assert report.ok
    assert values(frame) == {("01051001", "2015"): 30.0}
    [warning] = report.warnings
    assert warning.message.startswith("1 Gemeinde gibt es im Gebietsstand dieser Installation "
                                      "nicht")
    assert "01051002 „Arkebek“" in warning.message


def test_only_rows_of_other_levels_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    text = TITLE + "2015;DG;Deutschland;737575;378478;359097\n" + FOOTER
    report, frame = check(tmp_path, text, births(catalog, "kreis"), LAND_KREIS_GEMEINDE)
    assert not report.ok
    assert "Keine Zeile der Lieferung gehört zu einer Ebene des Datensatzes (Kreis)" in (
        report.errors[0].message)
    assert frame.empty


# --- the right place or none: names -------------------------------------------------------


DEMO_DISTRICTS = TITLE + "".join(
    f"2015;0{i};  {land};{n};{n // 2};{n - n // 2}\n"
    for i, (land, n) in enumerate([("Schleswig-Holstein", 23549), ("Hamburg", 19768),
                                   ("Niedersachsen", 67183), ("Bremen", 6185),
                                   ("Nordrhein-Westfalen", 160486), ("Hessen", 55927)], 1)
) + FOOTER


def test_land_codes_onto_the_demo_districts_are_refused_by_names(
        tmp_path: Path, catalog: Catalog, demo: Installation) -> None:
    # The reported bug: Länder 01…06 published onto Stadtbezirke 01…06 (Hamburg as "Nord").
    terr = TerritoryLookup.from_store(demo.store.read())
    dataset = births(catalog, "district", keys="local")
    report, _ = check(tmp_path, DEMO_DISTRICTS, dataset, terr)
    assert not report.ok
    [refusal] = report.errors
    assert refusal.message.startswith(
        "Die Gebietsnamen passen nicht zum Gebiet dieser Installation: 6 von 6 Namen weichen "
        "ab. Gebietsschlüssel „01“ heißt hier „Mitte“, in der Lieferung „Schleswig-Holstein“ "
        "– passt die Lieferung zu diesem Gebiet")
    assert ("Gebietsschlüssel „02“ heißt hier „Nord“, in der Lieferung „Hamburg“"
            in [w.message for w in report.warnings])


def test_right_names_pass_and_a_few_wrong_ones_are_warnings(
        tmp_path: Path, catalog: Catalog, demo: Installation) -> None:
    terr = TerritoryLookup.from_store(demo.store.read())
    dataset = births(catalog, "district", keys="local")
    text = TITLE + ("2015;01;Stadtbezirk Mitte;10;5;5\n2015;02;NORD;11;5;6\n"
                    "2015;03;Ost;12;6;6\n2015;04;Altstadt;13;6;7\n") + FOOTER
    report, frame = check(tmp_path, text, dataset, terr)
    assert report.ok
    assert [(w.line, w.column, w.message) for w in report.warnings] == [
        (10, "area_name", "Gebietsschlüssel „04“ heißt hier „Süd“, in der Lieferung „Altstadt“")]
    assert len(frame) == 4


def test_csv_name_column_is_compared(tmp_path: Path, catalog: Catalog) -> None:
    terr = territory(("0101", "subdistrict", "Altstadt"), ("0102", "subdistrict", "Neustadt"),
                     ("01", "district", "Mitte"))
    hze = catalog.datasets["hze"]
    good = ("area_code;area_name;period;category;value\n"
            "0101;Altstadt;2023;ambulant;12\n0102;Neustadt;2023;ambulant;3\n")
    report, frame = check(tmp_path, good, hze, terr, "csv")
    assert report.ok and report.warnings == [], report.to_text()
    assert len(frame) == 2
    swapped = good.replace("0101;Altstadt", "0101;Neustadt").replace("0102;Neustadt",
                                                                     "0102;Altstadt")
    report, _ = check(tmp_path, swapped, hze, terr, "csv")
    assert not report.ok
    assert "Gebietsschlüssel „0101“ heißt hier „Altstadt“, in der Lieferung „Neustadt“" in (
        report.errors[0].message)


# --- GENESIS "-" against validity and the dataset -------------------------------------------

GOETTINGEN = territory(
    ("03", "land", "Niedersachsen"),
    ("03151", "kreis", "Gifhorn"),
    ("03152", "kreis", "Göttingen", ALWAYS, dt.date(2016, 10, 31)),
    ("03159", "kreis", "Göttingen", dt.date(2016, 11, 1), None),
)


def test_dash_for_an_area_that_did_not_exist_is_not_a_zero(
        tmp_path: Path, catalog: Catalog) -> None:
    text = TITLE + (
        "2015;03152;      Göttingen, Landkreis;1100;560;540\n"
        "2016;03152;      Göttingen, Landkreis;-;-;-\n"
        "2015;03159;      Göttingen, Landkreis;-;-;-\n"
        "2016;03159;      Göttingen, Landkreis;2900;1500;1400\n"
        "2016;03151;      Gifhorn, Landkreis;-;-;-\n"
    ) + FOOTER
    report, frame = check(tmp_path, text, births(catalog, "kreis"), GOETTINGEN)
    assert report.ok and report.warnings == [], report.to_text()
    # Gifhorn existed: "-" is its real zero; the Göttingen that did not exist gets nothing.
    assert values(frame) == {("03152", "2015"): 1100.0, ("03159", "2016"): 2900.0,
                             ("03151", "2016"): 0.0}
    [gone] = infos(report)
    assert gone.startswith("Gebiet bestand nicht: „-“ für 2 Gebiete")
    assert "03152 „Göttingen“ (2016; gültig bis 31.10.2016)" in gone
    assert "03159 „Göttingen“ (2015; gültig ab 01.11.2016)" in gone


SAAR = territory(
    ("10", "land", "Saarland"), ("10041", "kreis", "Regionalverband Saarbrücken"),
    ("10041100", "gemeinde", "Saarbrücken"), ("10041511", "gemeinde", "Friedrichsthal"),
    ("10041512", "gemeinde", "Großrosseln"),
)
# The shape of 12411-01-01-5: one Insgesamt/männlich/weiblich triple per year, newest first.
POPULATION = (
    "GENESIS-Tabelle: 12411-01-01-5\n"
    "Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;;;;\n"
    "- Stichtag 31.12. -;;;;;;;\n"
    "regionale Tiefe: Gemeinden, Samt-/Verbandsgemeinden;;;;;;;\n"
    "Fortschreibung des Bevölkerungsstandes;;;;;;;\n"
    "Bevölkerungsstand (Anzahl);;;;;;;\n"
    ";;31.12.2009;31.12.2009;31.12.2009;31.12.2008;31.12.2008;31.12.2008\n"
    ";;Insgesamt;männlich;weiblich;Insgesamt;männlich;weiblich\n"
    "DG;Deutschland;81802257;40103606;41698651;82002356;40184283;41818073\n"
    "10;  Saarland;1022585;496201;526384;1030324;500233;530091\n"
    "10041;      Saarbrücken, Regionalverband;330203;159851;170352;330971;160218;170753\n"
    "10041511;        Friedrichsthal, Saar;10783;5219;5564;10913;5284;5629\n"
    "10041512;        Grossrosseln;8621;4106;4515;8704;4140;4564\n"
    "10041100;      Saarbrücken, Landeshauptstadt;175810;84510;91300;-;-;-\n"
) + FOOTER


@pytest.mark.parametrize(("dash", "saarbruecken_2008"), [("missing", None), ("zero", 0.0)])
def test_dash_for_a_stock_figure_is_missing(tmp_path: Path, catalog: Catalog, dash: str,
                                           saarbruecken_2008: float | None) -> None:
    # Saarbrücken existed on 31.12.2008, yet the Regionaldatenbank has "-": a population
    # dataset declares `genesis: {dash: missing}` and gets no value instead of 0.
    report, frame = check(tmp_path, POPULATION, births(catalog, "gemeinde", dash=dash), SAAR)
    assert report.ok and report.warnings == [], report.to_text()
    got = values(frame)
    assert got[("10041100", "2009")] == 175810.0
    assert got[("10041512", "2009")] == 8621.0
    assert got.get(("10041100", "2008")) == saarbruecken_2008
    assert sum(v for (_, period), v in got.items() if period == "2008") == 10913 + 8704
    notes = infos(report)
    if dash == "missing":
        assert ("„-“ als fehlender Wert übernommen (Bestandszahl, genesis.dash: missing), "
                "nicht als 0: 10041100 „Saarbrücken“ (2008)") in notes
    else:
        assert not any("fehlender Wert" in note for note in notes)


def test_missing_signs_are_warnings_for_the_rows_that_are_kept(
        tmp_path: Path, catalog: Catalog) -> None:
    text = TITLE + ("2015;01001;Flensburg;.;1;2\n2015;01051;Dithmarschen;960;.;x\n"
                    "2015;01;Schleswig-Holstein;.;.;.\n") + FOOTER
    report, frame = check(tmp_path, text, births(catalog, "kreis"), LAND_KREIS_GEMEINDE)
    assert report.ok
    assert [(w.line, w.column, w.message) for w in report.warnings] == [
        (7, "value", "Wert „.“ (unbekannt oder geheim) für 2015 übernommen als fehlend")]
    assert values(frame) == {("01051", "2015"): 960.0}


def test_bad_input_changes_nothing_in_the_frame(tmp_path: Path, catalog: Catalog) -> None:
    # An unknown key of the dataset's own kind is an error, as it always was.
    text = TITLE + "2015;01001;Flensburg;857;449;408\n2015;1051;Dithmarschen;960;487;473\n"
    report, _ = check(tmp_path, text + FOOTER, births(catalog, "kreis"), LAND_KREIS_GEMEINDE)
    assert not report.ok
    assert report.errors[0].message == (
        "Gebietsschlüssel „1051“ ist unbekannt – führende Null verloren? Bekannt ist „01051“")
