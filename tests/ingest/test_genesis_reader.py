"""Reading GENESIS-Online / Regionaldatenbank exports into long deliveries (synthetic files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.genesis_reader import normalize_period, read_genesis_delivery

TITLE = (
    "GENESIS-Tabelle: 12612-01-01-4\n"
    "Geburten: Lebendgeborene nach Geschlecht - Jahressumme -;;;;;\n"
    "regionale Tiefe: Kreise und krfr. Städte;;;;;\n"
    "Statistik der Geburten;;;;;\n"
    "Lebendgeborene (Anzahl);;;;;\n"
)
FOOTER = (
    "__________\n"
    '"zu ""gesamte Tabelle"":\n'
    "Baden-Württemberg (Berichtsjahr 1995-2010): Gebietsstand\n"
    '01.01.1979"\n'
    '"© Statistische Ämter des Bundes und der Länder, Deutschland, 2017.\n'
    'Dieses Werk ist lizensiert unter der Datenlizenz Deutschland."\n'
    "Stand: 10.10.2017 / 12:03:08\n"
)
# Period in a column, key + indented name, one header line (like table 12612).
LONG = TITLE + (
    ";;;Insgesamt;männlich;weiblich\n"
    "2015;DG;Deutschland;737575;378478;359097\n"
    "2015;01;  Schleswig-Holstein;23549;12097;11452\n"
    "2015;01001;      Flensburg, Kreisfreie Stadt;857;449;408\n"
    "2014;01001;      Flensburg, Kreisfreie Stadt;850;440;410\n"
) + FOOTER


def read(tmp_path: Path, text: str, codec: str = "utf-8", prefix: bytes = b"") -> Delivery:
    path = tmp_path / "genesis.csv"
    path.write_bytes(prefix + text.encode(codec))
    return read_genesis_delivery(path)


def values(delivery: Delivery) -> list[list[str]]:
    return [cells for _, cells in delivery.rows]


@pytest.mark.parametrize(("codec", "prefix", "encoding"), [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", b"\xef\xbb\xbf", "UTF-8 mit BOM"),
    ("latin-1", b"", "Windows-1252 (ISO-8859-1)"),
    ("cp1252", b"", "Windows-1252 (ISO-8859-1)"),
])
def test_period_column_with_code_and_name(tmp_path: Path, codec: str, prefix: bytes,
                                          encoding: str) -> None:
    delivery = read(tmp_path, LONG, codec, prefix)
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "merkmal_1", "value"]
    assert values(delivery)[:4] == [
        ["DG", "2015", "Insgesamt", "737575"], ["DG", "2015", "männlich", "378478"],
        ["DG", "2015", "weiblich", "359097"], ["01", "2015", "Insgesamt", "23549"],
    ]
    assert delivery.rows[0][0] == 7  # file line of "2015;DG;…"
    assert delivery.header_line == 6
    detected = delivery.detected
    assert detected["encoding"] == encoding
    assert detected["variant"] == "Zeitraum in Spalte"
    assert detected["title_lines"] == "5"
    assert detected["footnote_lines"] == "7"
    assert detected["decimal"] == ","
    assert len(delivery.rows) == 12


def test_leading_zeros_stay_strings(tmp_path: Path) -> None:
    delivery = read(tmp_path, LONG)
    codes = {cells[0] for cells in values(delivery)}
    assert codes == {"DG", "01", "01001"}
    assert all(isinstance(code, str) for code in codes)


def test_three_header_lines_and_row_dimension(tmp_path: Path) -> None:
    text = (
        "GENESIS-Tabelle: 12411-03-03-4\n"
        "Bevölkerungsstand (Anzahl);;;;;;;\n"
        ";;;;Insgesamt;Insgesamt;Deutsche;Deutsche\n"
        ";;;;männlich;weiblich;männlich;weiblich\n"
        ";;;;Anzahl;Anzahl;Anzahl;Anzahl\n"
        "31.12.2015;09162;      München;unter 3 Jahre;1;2;3;4\n"
        "31.12.2015;09162;      München;Insgesamt;10;20;30;40\n"
        "Stand: 10.10.2017\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.problems == []
    # The unit line is the same over all columns and tells them not apart: no dimension.
    assert delivery.header == ["area_code", "period", "zeilenmerkmal_1", "merkmal_1",
                               "merkmal_2", "value"]
    assert values(delivery)[:2] == [
        ["09162", "2015-12-31", "unter 3 Jahre", "Insgesamt", "männlich", "1"],
        ["09162", "2015-12-31", "unter 3 Jahre", "Insgesamt", "weiblich", "2"],
    ]
    assert delivery.detected["header_lines"] == "3"
    assert delivery.detected["footnote_lines"] == "1"


def test_wide_one_column_group_per_year(tmp_path: Path) -> None:
    text = (
        "GENESIS-Tabelle: 12612-01-01-4\n"
        "Lebendgeborene (Anzahl)\n"
        ";;2014;;2015;\n"  # a spanned year label stands above its first column only
        ";;männlich;weiblich;männlich;weiblich\n"
        "01001;Flensburg;1;2;3;4\n"
        "01002;Kiel;5;6;7;8\n"
        "__________\n"
        "© Statistische Ämter\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "merkmal_1", "value"]
    assert values(delivery)[:4] == [
        ["01001", "2014", "männlich", "1"], ["01001", "2014", "weiblich", "2"],
        ["01001", "2015", "männlich", "3"], ["01001", "2015", "weiblich", "4"],
    ]
    assert delivery.detected["variant"].startswith("Zeitraum in Kopfzeile")
    assert delivery.detected["footnote_lines"] == "2"


def test_labelled_wide_header_in_iso_8859_1(tmp_path: Path) -> None:
    text = (
        "Regionaldatenbank Deutschland\n"
        "Schulabgänger nach Abschluss\n"
        "Kennziffer;Gebiet;Abschluss;2014;2015\n"
        "09474;Forchheim, Landkreis;ohne Abschluss;12;-\n"
        "09474;Forchheim, Landkreis;Abitur;300;310\n"
        "Erläuterung: Gebietsstand 31.12.2015\n"
    )
    delivery = read(tmp_path, text, "latin-1")
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "abschluss", "value"]
    assert values(delivery) == [
        ["09474", "2014", "ohne Abschluss", "12"], ["09474", "2015", "ohne Abschluss", "-"],
        ["09474", "2014", "Abitur", "300"], ["09474", "2015", "Abitur", "310"],
    ]
    assert delivery.detected["encoding"] == "Windows-1252 (ISO-8859-1)"
    assert delivery.detected["title_lines"] == "2"
    assert delivery.detected["footnote_lines"] == "1"


def test_period_in_block_lines(tmp_path: Path) -> None:
    text = (
        "GENESIS-Tabelle: 12612-01-01-4\n"
        ";;Insgesamt;männlich\n"
        "2014;;;\n"
        "01001;Flensburg;10;5\n"
        "01002;Kiel;20;9\n"
        "2015;;;\n"
        "01001;Flensburg;11;6\n"
        "Fußnote: vorläufig\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "merkmal_1", "value"]
    assert [(c[0], c[1], c[3]) for c in values(delivery)] == [
        ("01001", "2014", "10"), ("01001", "2014", "5"), ("01002", "2014", "20"),
        ("01002", "2014", "9"), ("01001", "2015", "11"), ("01001", "2015", "6"),
    ]
    assert delivery.detected["variant"] == "Zeitraum in Blockzeile"
    assert delivery.detected["footnote_lines"] == "1"


def test_period_in_title_line(tmp_path: Path) -> None:
    text = (
        "GENESIS-Tabelle: 12411\n"
        "Stichtag: 31.12.2015\n"
        "Kennziffer;Gebiet;Insgesamt\n"
        "0947;Forchheim;116000\n"
        "09474114;Forchheim, St;32000\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "value"]
    assert values(delivery) == [["0947", "2015-12-31", "116000"],
                                ["09474114", "2015-12-31", "32000"]]
    assert delivery.detected["variant"] == "Zeitraum in Titelzeile"


def test_special_signs_are_passed_on(tmp_path: Path) -> None:
    text = (
        ";;;Insgesamt;männlich;weiblich\n"
        "2015;01001;Flensburg;-;.;x\n"
        "2015;01002;Kiel;...;/;…\n"
        "2015;01003;Lübeck;1.234,5;12;0\n"
    )
    delivery = read(tmp_path, text)
    # Whether "-" is a zero and whether a missing value is worth a warning depends on the
    # row's area (territory, level, validity): the checks decide (test_area_checks.py).
    assert [cells[-1] for cells in values(delivery)] == [
        "-", ".", "x", "...", "/", "…", "1.234,5", "12", "0"]
    assert delivery.detected["decimal"] == ","
    assert delivery.problems == []


@pytest.mark.parametrize("text", [
    FOOTER,
    TITLE + FOOTER,
    TITLE + ";;;Insgesamt;männlich;weiblich\n" + FOOTER,
])
def test_footnotes_only_is_no_table(tmp_path: Path, text: str) -> None:
    delivery = read(tmp_path, text)
    assert delivery.rows == []
    assert len(delivery.problems) == 1
    assert delivery.problems[0].severity == "error"
    assert delivery.problems[0].message.startswith("Keine Tabelle gefunden")


def test_empty_file(tmp_path: Path) -> None:
    delivery = read(tmp_path, "")
    assert [p.message for p in delivery.problems] == ["Datei ist leer"]


def test_truncated_row_is_an_error(tmp_path: Path) -> None:
    text = ";;;Insgesamt;männlich\n2015;01001;Flensburg;1;2\n2015;01002;Kiel;3\n"
    delivery = read(tmp_path, text)
    assert values(delivery) == [["01001", "2015", "Insgesamt", "1"],
                                ["01001", "2015", "männlich", "2"]]
    assert [(p.severity, p.line) for p in delivery.problems] == [("error", 3)]


def test_no_key_column_is_an_error(tmp_path: Path) -> None:
    text = ";;Insgesamt\n2015;Flensburg;1\n2015;Kiel;2\n"
    delivery = read(tmp_path, text)
    assert delivery.rows == []
    assert "Gebietsschlüssel" in delivery.problems[0].message


FFCSV_HEAD = (
    "statistics_code;statistics_label;time_code;time_label;time;"
    "1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;"
    "2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;"
    "value;value_unit;value_variable_code;value_variable_label;value_q\n"
)


def test_ffcsv(tmp_path: Path) -> None:
    text = FFCSV_HEAD + (
        "12612;Geburten;JAHR;Jahr;2015;KREISE;Kreise;01001;Flensburg;GES;Geschlecht;GESM;"
        "männlich;449;Anzahl;BEV001;Lebendgeborene;e\n"
        "12612;Geburten;JAHR;Jahr;2015;KREISE;Kreise;01001;Flensburg;GES;Geschlecht;GESW;"
        "weiblich;-;Anzahl;BEV001;Lebendgeborene;\n"
        "12612;Geburten;JAHR;Jahr;2015;KREISE;Kreise;01002;Kiel;GES;Geschlecht;GESW;"
        "weiblich;.;Anzahl;BEV001;Lebendgeborene;\n"
        "12612;Geburten;JAHR;Jahr;2015;KREISE;Kreise;01003;Lübeck;GES;Geschlecht;GESW;"
        "weiblich;;Anzahl;BEV001;Lebendgeborene;...\n"
        "12612;Geburten;JAHR;Jahr;2015;KREISE;Kreise;01004;Neumünster;GES;Geschlecht;GESW;"
        "weiblich;;Anzahl;BEV001;Lebendgeborene;-\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.header == ["area_code", "period", "ges", "value"]
    # Special signs are passed on (the value_q sign when the value is empty); the checks
    # report them for the rows that belong to the territory.
    assert values(delivery) == [["01001", "2015", "GESM", "449"], ["01001", "2015", "GESW", "-"],
                                ["01002", "2015", "GESW", "."], ["01003", "2015", "GESW", "..."],
                                ["01004", "2015", "GESW", "-"]]
    assert delivery.problems == []
    assert delivery.area_names == {"01001": ("Flensburg", 2), "01002": ("Kiel", 4),
                                   "01003": ("Lübeck", 5), "01004": ("Neumünster", 6)}
    assert delivery.detected["variant"].startswith("ffcsv")


def test_ffcsv_area_second_and_several_measures(tmp_path: Path) -> None:
    text = FFCSV_HEAD + (
        "x;x;JAHR;Jahr;2014;GES;Geschlecht;GESM;m;GEMEIN;Gemeinden;09474114;Forchheim;"
        "1,5;Anzahl;A1;a;\n"
        "x;x;JAHR;Jahr;2014;GES;Geschlecht;GESM;m;GEMEIN;Gemeinden;09474114;Forchheim;"
        "2,5;Anzahl;A2;b;\n"
    )
    delivery = read(tmp_path, text)
    assert delivery.header == ["area_code", "period", "ges", "measure", "value"]
    assert values(delivery) == [["09474114", "2014", "GESM", "A1", "1,5"],
                                ["09474114", "2014", "GESM", "A2", "2,5"]]
    assert delivery.detected["decimal"] == ","


@pytest.mark.parametrize(("cell", "period"), [
    # Key dates stay dates: which period they are depends on the dataset's period type
    # (31.12.2015 is 2015 for yearly, 2015-H2 for half-yearly data); the validator maps them.
    ("2015", "2015"), ("31.12.2015", "2015-12-31"), ("30.06.2015", "2015-06-30"),
    ("Stichtag: 31.12.2015", "2015-12-31"), ("2015-12-31", "2015-12-31"),
    ("2015-06", "2015-06"), ("2015-H1", "2015-H1"), ("2015-Q3", "2015-Q3"),
    ("DG", None), ("01001", None), ("13.13.2015", None), ("31.06.2015", None),
])
def test_normalize_period(cell: str, period: str | None) -> None:
    assert normalize_period(cell) == period


def test_dimension_names_rename_in_order(tmp_path: Path) -> None:
    path = tmp_path / "genesis.csv"
    path.write_text(LONG, encoding="utf-8")
    delivery = read_genesis_delivery(path, dimension_names=["sex"])
    assert delivery.header == ["area_code", "period", "sex", "value"]
    wrong = read_genesis_delivery(path, dimension_names=["sex", "age_group"])
    assert wrong.problems[-1].severity == "error"
    assert "2 Merkmalsnamen" in wrong.problems[-1].message


# Table 13211-02-05-4 as the Regionaldatenbank writes it: three header lines (group labels
# spanned over their columns, sub-labels, units); the rate groups have a column without a
# sub-label (their total).
UNEMPLOYMENT = (
    "GENESIS-Tabelle: 13211-02-05-4\n"
    "Arbeitslose nach ausgewählten Personengruppen sowie;;;;;;;;;;;;;;\n"
    "Arbeitslosenquoten - Jahresdurchschnitt -;;;;;;;;;;;;;;\n"
    "regionale Tiefe: Kreise und krfr. Städte;;;;;;;;;;;;;;\n"
    "Statistik der Arbeitslosen, Arbeitsuchenden und gemeldeten Stellen;;;;;;;;;;;;;;\n"
    ";;;Arbeitslose;;;;;;;Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen;;;;"
    "Arbeitslosenquote bezogen auf abhängige zivile Erwerbspersonen\n"
    ";;;insgesamt;Ausländer;schwerbehindert;15 bis unter 20 Jahre;15 bis unter 25 Jahre;"
    "55 bis unter 65 Jahre;langzeitarbeitslos;;Männer;Frauen;15 bis unter 25 Jahre;\n"
    ";;;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Anzahl;Prozent;Prozent;Prozent;Prozent;"
    "Prozent\n"
    "2015;DG;Deutschland;2794664;508183;178809;51707;234059;563047;1039281;6,4;6,7;6,2;5,3;7,1\n"
    "2015;10041;      Saarbrücken, Regionalverband;15689;3840;1149;239;1267;2866;7226;9,4;"
    "10,0;8,7;7,4;10,6\n"
    "__________\n"
    "Stand: 12.10.2017 / 09:15:22\n"
)


def test_13211_every_column_gets_its_own_labels(tmp_path: Path) -> None:
    delivery = read(tmp_path, UNEMPLOYMENT)
    assert delivery.problems == []
    assert delivery.header == ["area_code", "period", "merkmal_1", "merkmal_2", "merkmal_3",
                               "value"]
    labels = {cells[-1]: tuple(cells[2:5]) for cells in values(delivery) if cells[0] == "DG"}
    quote_all = "Arbeitslosenquote bezogen auf alle zivilen Erwerbspersonen"
    assert labels == {
        "2794664": ("Arbeitslose", "insgesamt", "Anzahl"),
        "508183": ("Arbeitslose", "Ausländer", "Anzahl"),
        "178809": ("Arbeitslose", "schwerbehindert", "Anzahl"),
        "51707": ("Arbeitslose", "15 bis unter 20 Jahre", "Anzahl"),
        "234059": ("Arbeitslose", "15 bis unter 25 Jahre", "Anzahl"),
        "563047": ("Arbeitslose", "55 bis unter 65 Jahre", "Anzahl"),
        "1039281": ("Arbeitslose", "langzeitarbeitslos", "Anzahl"),
        # The rates were labelled "langzeitarbeitslos" and "15 bis unter 25 Jahre" before.
        "6,4": (quote_all, "Insgesamt", "Prozent"),
        "6,7": (quote_all, "Männer", "Prozent"),
        "6,2": (quote_all, "Frauen", "Prozent"),
        "5,3": (quote_all, "15 bis unter 25 Jahre", "Prozent"),
        "7,1": ("Arbeitslosenquote bezogen auf abhängige zivile Erwerbspersonen", "Insgesamt",
                "Prozent"),
    }
    assert delivery.area_names["10041"] == ("Saarbrücken, Regionalverband", 10)


def test_spanned_sub_labels_still_carry_on_inside_their_group(tmp_path: Path) -> None:
    text = (
        "Tabelle\n"
        ";;;Deutsche;;Ausländer;\n"
        ";;;Insgesamt;;männlich;\n"
        ";;;Anzahl;Anzahl;Anzahl;Anzahl\n"
        "2015;01001;Flensburg;1;2;3;4\n"
    )
    delivery = read(tmp_path, text)
    assert [tuple(cells[2:4]) for cells in values(delivery)] == [
        ("Deutsche", "Insgesamt"), ("Deutsche", "Insgesamt"),
        ("Ausländer", "männlich"), ("Ausländer", "männlich")]
