"""Indicators that exist only for the whole city: a note instead of a map."""

from __future__ import annotations

import pytest

from cockpit.app.city_only import city_only_note, note_figure
from cockpit.territory.levels import Level, Levels, demo_levels
from tests.app.test_compare_page import compare

NOTE_DE = ("Dieser Indikator liegt nur für die Gesamtstadt vor; Werte für "
           "Teilgebiete und damit eine Karte gibt es nicht.")


def test_the_note_only_for_the_top_level() -> None:
    levels = demo_levels()
    assert city_only_note("city", levels, "de") == NOTE_DE
    assert city_only_note("city", levels, "en") == (
        "This indicator exists only for the whole city; there are no values for smaller "
        "areas and therefore no map.")
    assert city_only_note("district", levels, "de") is None
    assert city_only_note("subdistrict", levels, "de") is None
    assert city_only_note(None, levels, "de") is None


def test_the_note_speaks_of_the_installation_s_top_level() -> None:
    land = Levels([Level("land", 0, "Land", "State"),
                   Level("gemeinde", 1, "Gemeinde", "Municipality")])
    assert city_only_note("land", land, "de") == (
        "Dieser Indikator liegt nur für das gesamte Land vor; Werte für "
        "Teilgebiete und damit eine Karte gibt es nicht.")


def test_note_figure_has_no_trace_and_no_axes() -> None:
    figure = note_figure("Text")
    assert figure["data"] == []
    assert figure["layout"]["annotations"][0]["text"] == "Text"
    assert not figure["layout"]["xaxis"]["visible"]


@pytest.mark.parametrize("indicator", ["investitionen_umsetzungsquote",
                                       "ergebnishaushalt_saldo_je_einwohner"])
def test_comparison_of_a_budget_indicator_draws_no_map(clients, indicator: str) -> None:
    response = compare(clients["controlling"], indicator, level="city")
    assert response.status_code == 200
    area_map = response.json["response"]["compare-map"]["figure"]
    assert area_map["data"] == []  # no polygon: nothing to draw inside out
    assert area_map["layout"]["annotations"][0]["text"] == NOTE_DE
    bar = response.json["response"]["compare-bar"]["figure"]
    assert bar["data"]  # the city's value is still shown


def test_an_indicator_with_areas_keeps_its_map(clients) -> None:
    response = compare(clients["controlling"], "sgb2_quote", level="subdistrict")
    assert response.json["response"]["compare-map"]["figure"]["data"]
