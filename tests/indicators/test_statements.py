"""Kernaussagen on a small hand-made fixture: the exact German (and English) sentences, and
no statement that cites or narrows down a hidden value."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cockpit.indicators.statements import (
    AreaValue,
    StatementInput,
    generate,
    steps_back,
    trend_window,
)

NB = "\u202f"  # the narrow no-break space before "%" (cockpit/app/formatting.py)
PERIODS = ["2019", "2020", "2021", "2022", "2023", "2024"]

# Six areas in 2024; Hafen is hidden (suppressed). By hand: the shown values 12, 8, 10, 10, 4
# have the mean 8,8 and the population standard deviation sqrt(36,8 / 5) = 2,7129, so
# 1,5 SD = 4,069; only Ost (4,0, six below the city's 10,0) lies further away. The city's
# values 2020..2024 (8,5 9,0 9,2 9,6 10,0) have the least-squares slope 3,6 / 10 = 0,36.
AREAS = (
    AreaValue("01", "Altstadt", 12.0),
    AreaValue("02", "Nord", 8.0),
    AreaValue("03", "Süd", 10.0),
    AreaValue("04", "West", 10.0),
    AreaValue("05", "Ost", 4.0),
    AreaValue("06", "Hafen", None),
)
FIXTURE = StatementInput(
    unit="%", decimals=1, period="2024", areas=AREAS, city_name="Musterstadt",
    city={"2019": 8.0, "2020": 8.5, "2021": 9.0, "2022": 9.2, "2023": 9.6, "2024": 10.0},
    previous=("2023", {"01": 11.0, "02": 8.0, "03": 10.5, "04": 9.0, "05": None, "06": None}),
    five_before=("2019", {"01": 10.0, "02": 9.0, "03": 9.0, "04": 10.0, "05": 5.0,
                          "06": 3.0}),
)


def texts(data: StatementInput, lang: str = "de") -> dict[str, str]:
    return {s.key: s.text.replace(NB, " ") for s in generate(data, lang, PERIODS)}


def test_the_exact_german_sentences() -> None:
    assert texts(FIXTURE) == {
        "extremes": "Unter den 5 Gebieten mit Wert hat Altstadt den höchsten Wert (12,0 %) "
                    "und Ost den niedrigsten (4,0 %). 1 Gebiet ist ohne Wert (Geheimhaltung "
                    "oder fehlende Daten) und bleibt unberücksichtigt.",
        "change_previous": "Gegenüber 2023 ist der Wert für Musterstadt um 0,4 Prozentpunkte "
                           "gestiegen (von 9,6 auf 10,0 %). Von den 4 Gebieten mit Wert in "
                           "beiden Zeiträumen stieg der Wert in 2, sank in 1 und blieb in 1 "
                           "gleich. 2 Gebiete sind nicht vergleichbar (ohne Wert in einem der "
                           "Zeiträume).",
        "change_five": "Gegenüber 2019 (fünf Jahre zuvor) ist der Wert für Musterstadt um "
                       "2,0 Prozentpunkte gestiegen (von 8,0 auf 10,0 %). Von den 5 Gebieten "
                       "mit Wert in beiden Zeiträumen stieg der Wert in 2, sank in 2 und blieb "
                       "in 1 gleich. 1 Gebiet ist nicht vergleichbar (ohne Wert in einem der "
                       "Zeiträume).",
        "deviation": "Um mehr als 1,5 Standardabweichungen (± 4,1 Prozentpunkte) vom Wert für "
                     "Musterstadt (10,0 %) weichen ab: nach unten Ost (4,0 %).",
        "trend": "Trend 2020–2024 (5 Werte): Der Wert für Musterstadt steigt, im Mittel um "
                 "0,4 Prozentpunkte pro Jahr.",
    }


def test_the_statements_keep_their_order() -> None:
    assert [s.key for s in generate(FIXTURE, "de", PERIODS)] == [
        "extremes", "change_previous", "change_five", "deviation", "trend"]


def test_english_in_the_english_interface() -> None:
    english = texts(FIXTURE, "en")
    assert english["extremes"] == (
        "Among the 5 areas with a value, Altstadt has the highest value (12.0 %) and Ost the "
        "lowest (4.0 %). 1 area has no value (confidentiality or missing data) and is not "
        "included.")
    assert english["change_previous"].startswith(
        "Compared with 2023, the value for Musterstadt has risen by 0.4 percentage points "
        "(from 9.6 to 10.0 %). Of the 4 areas with a value in both periods, the value rose "
        "in 2, fell in 1 and stayed the same in 1.")
    assert english["trend"] == ("Trend 2020–2024 (5 values): the value for Musterstadt is "
                                "rising, on average by 0.4 percentage points per year.")


def test_units_other_than_percent_keep_their_unit() -> None:
    data = replace(FIXTURE, unit="EUR", decimals=0,
                   city={"2023": 1200.0, "2024": 1150.0},
                   previous=("2023", {}), five_before=None)
    found = texts(data)
    assert found["change_previous"].startswith(
        "Gegenüber 2023 ist der Wert für Musterstadt um 50 EUR gesunken "
        "(von 1.200 auf 1.150 EUR).")
    assert "trend" not in found  # two values are not a trend


def test_deviation_names_both_sides_and_caps_the_list() -> None:
    areas = tuple(AreaValue(f"{i:02d}", f"Gebiet {i:02d}", 10.0) for i in range(1, 11)) + (
        AreaValue("20", "Hoch", 30.0), AreaValue("21", "Tief", -10.0))
    data = replace(FIXTURE, areas=areas, unit="", decimals=0, previous=None, five_before=None)
    assert texts(data)["deviation"] == (
        "Um mehr als 1,5 Standardabweichungen (± 12) vom Wert für Musterstadt (10) weichen "
        "ab: nach oben Hoch (30); nach unten Tief (−10).")


def test_no_area_far_off_and_a_level_trend() -> None:
    # 12, 8, 10, 10: mean 10, SD sqrt(8 / 4) = 1,414, 1,5 SD = 2,12; the city 10,05 is
    # 1,95 from Altstadt and 2,05 from Nord. The city rises by 0,05 in five years.
    data = replace(FIXTURE, areas=AREAS[:4],
                   city={p: 10.0 + 0.01 * i for i, p in enumerate(PERIODS)})
    found = texts(data)
    assert found["deviation"] == (
        "Kein Gebiet mit Wert liegt mehr als 1,5 Standardabweichungen (± 2,1 Prozentpunkte) "
        "vom Wert für Musterstadt (10,1 %) entfernt.")
    assert found["trend"] == (
        "Trend 2020–2024 (5 Werte): Der Wert für Musterstadt bleibt annähernd gleich (die "
        "Trendlinie ändert sich um weniger als 2 % des mittleren Werts).")


def test_falling_trend_and_a_hidden_city_year() -> None:
    city = {"2020": 12.0, "2021": None, "2022": 11.0, "2023": 10.4, "2024": 10.0}
    found = texts(replace(FIXTURE, city=city))
    # Positions 0, 2, 3, 4 (2021 hidden), mean 2,25 and 10,85: slope = -4,45 / 8,75 = -0,509
    assert found["trend"] == ("Trend 2020–2024 (4 Werte): Der Wert für Musterstadt sinkt, "
                              "im Mittel um 0,5 Prozentpunkte pro Jahr.")


# --- suppression ------------------------------------------------------------------------------


def test_a_hidden_top_area_is_neither_cited_nor_hinted_at() -> None:
    """Altstadt has the highest value but is suppressed: "highest" is computed over the
    shown values and says how many are without one, never that a hidden one is higher."""
    hidden_top = tuple(replace(a, value=None) if a.code == "01" else a for a in AREAS)
    data = replace(FIXTURE, areas=hidden_top,
                   previous=("2023", {**FIXTURE.previous[1], "01": None}),
                   five_before=("2019", {**FIXTURE.five_before[1], "01": None}))
    found = texts(data)
    assert found["extremes"] == (
        "Unter den 4 Gebieten mit Wert haben Süd und West den höchsten Wert (10,0 %) und Ost "
        "den niedrigsten (4,0 %). 2 Gebiete sind ohne Wert (Geheimhaltung oder fehlende "
        "Daten) und bleiben unberücksichtigt.")
    everything = " ".join(found.values())
    assert "Altstadt" not in everything and "12,0" not in everything
    for word in ("höher", "übertroffen", "verborgen", "ausgenommen"):
        assert word not in everything
    # The counts of rising and falling areas leave the hidden area out.
    assert "Von den 3 Gebieten mit Wert in beiden Zeiträumen" in found["change_previous"]


def test_a_hidden_city_value_gives_no_city_sentence() -> None:
    city = {**FIXTURE.city, "2024": None}
    found = texts(replace(FIXTURE, city=city))
    assert "deviation" not in found and "trend" not in found
    assert found["change_previous"].startswith(
        "Gegenüber 2023: Von den 4 Gebieten mit Wert in beiden Zeiträumen")
    assert "Musterstadt" not in " ".join(found.values())


def test_too_few_values_say_nothing() -> None:
    data = StatementInput(unit="%", decimals=1, period="2024",
                          areas=(AreaValue("01", "A", 1.0), AreaValue("02", "B", None)))
    assert generate(data, "de") == []


def test_the_top_level_gets_only_city_statements() -> None:
    data = replace(FIXTURE, areas=(AreaValue("00", "Musterstadt", 10.0),), top_level=True)
    assert set(texts(data)) == {"change_previous", "change_five", "trend"}
    assert texts(data)["change_previous"] == (
        "Gegenüber 2023 ist der Wert für Musterstadt um 0,4 Prozentpunkte gestiegen "
        "(von 9,6 auf 10,0 %).")


@pytest.mark.parametrize(("period", "five", "window"), [
    ("2024", "2019", ["2020", "2021", "2022", "2023", "2024"]),
    ("2024-H1", "2021-H2", ["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1"]),
    ("2024-Q2", "2023-Q1", ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]),
])
def test_period_steps(period: str, five: str, window: list[str]) -> None:
    assert steps_back(period, 5) == five
    assert trend_window(period, window + ["2030"]) == window
    assert steps_back("kein Zeitraum", 5) is None


def test_half_year_words() -> None:
    data = replace(FIXTURE, period="2024-H1", city={"2021-H2": 8.0, "2024-H1": 10.0},
                   previous=None, five_before=("2021-H2", {}))
    assert texts(data)["change_five"].startswith(
        "Gegenüber 2. Hj. 2021 (fünf Halbjahre zuvor) ist der Wert für Musterstadt um "
        "2,0 Prozentpunkte gestiegen")


def test_counts_leave_out_what_did_not_happen() -> None:
    data = replace(FIXTURE, previous=("2023", {"01": 11.0, "02": 7.0, "03": 9.0, "04": 9.0}))
    assert texts(data)["change_previous"].endswith(
        "Von den 4 Gebieten mit Wert in beiden Zeiträumen stieg der Wert in 4. 2 Gebiete "
        "sind nicht vergleichbar (ohne Wert in einem der Zeiträume).")
    data = replace(FIXTURE, previous=("2023", {"01": 12.0, "02": 9.0, "03": 11.0, "04": 10.0,
                                               "05": 4.0}))
    assert texts(data)["change_previous"].endswith(
        "Von den 5 Gebieten mit Wert in beiden Zeiträumen sank der Wert in 2 und blieb in 3 "
        "gleich. 1 Gebiet ist nicht vergleichbar (ohne Wert in einem der Zeiträume).")


def test_a_count_deviates_from_the_mean_of_the_areas() -> None:
    """For a count the city value is the total: the areas' mean (8,8) is the reference;
    Ost lies 4,8 below it, more than 1,5 SD (4,07)."""
    data = replace(FIXTURE, unit="Personen", decimals=0, city_comparable=False,
                   city={"2024": 44.0})
    assert texts(data)["deviation"] == (
        "Um mehr als 1,5 Standardabweichungen (± 4 Personen) vom Mittelwert der Gebiete mit "
        "Wert (9 Personen) weichen ab: nach unten Ost (4 Personen).")


def test_many_ties_are_named_up_to_five_and_counts_get_separators() -> None:
    areas = (AreaValue("99", "Oben", 5.0),) + tuple(
        AreaValue(f"{i:04d}", f"G{i:04d}", 1.0) for i in range(1200))
    found = texts(replace(FIXTURE, areas=areas, previous=None, five_before=None))
    assert found["extremes"] == (
        "Unter den 1.201 Gebieten mit Wert hat Oben den höchsten Wert (5,0 %) und G0000, "
        "G0001, G0002, G0003, G0004 und 1.195 weitere den niedrigsten (1,0 %).")
