"""Levels are the installation's: names, ids and their number come from the store.

A Landkreis shows Verwaltungsgemeinschaften and Gemeinden, not Stadtteile; Berlin's four
levels work on every page; a single-level installation too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit.app.server import create_server
from tests.app.conftest import callback, login, render_page, response_text
from tests.territory.small_territory import (
    Territory,
    build_territory,
    demo_logins,
    four_levels,
    one_level,
)

KREIS_LEVELS = ("kreis:Landkreis|County,vg:Verwaltungsgemeinschaft|Municipal association,"
                "gemeinde:Gemeinde|Municipality")
KREIS_AREAS = (("09189", "Landkreis Traunstein", "kreis", None),
               ("0918901", "VG Nord", "vg", "09189"), ("0918902", "VG Süd", "vg", "09189"),
               ("09189111", "Altenmarkt", "gemeinde", "0918901"),
               ("09189112", "Bergen", "gemeinde", "0918901"),
               ("09189113", "Chieming", "gemeinde", "0918902"))
KREIS_RESIDENTS = {"2022": (4100, 5000, 4700), "2023": (4150, 5020, 4690)}
KREIS_CASES = {"2022": (6, 9, 12), "2023": (8, 7, 10)}
DEMO_WORDS = ("city", "subdistrict", "Stadtteil", "Stadtbezirk", "Wert der Stadt",
              "Stadtwert")
COMPARE_OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                   "compare-grid.columnDefs", "compare-caption.children",
                   "compare-message.children"]
CHOICE_OUTPUTS = ["compare-period.options", "compare-period.value",
                  "compare-level.options", "compare-level.value"]
SERIES_OUTPUTS = ["timeseries-graph.figure", "timeseries-table.children",
                  "timeseries-caption.children", "timeseries-message.children"]


def _clients(territory: Territory, district_area: str) -> dict:
    server = create_server(territory.inst, secret_key="levels", warm=False)
    server.config["TESTING"] = True
    clients = {}
    for role, (name, password) in demo_logins(territory.inst, district_area).items():
        client = server.test_client()
        assert login(client, name, password).status_code == 302
        clients[role] = client
    return clients


def choose_level(client, indicator: str):  # noqa: ANN001, ANN201
    return callback(client, CHOICE_OUTPUTS, {"compare-indicator.value": indicator},
                    state={"compare-period.value": None, "compare-level.value": None})


def compare(client, indicator: str, period: str, level: str):  # noqa: ANN001, ANN201
    return callback(client, COMPARE_OUTPUTS, {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": level, "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": None})


def no_demo_words(response) -> None:  # noqa: ANN001
    """No demo level word in what a callback sends (for a page: its content; the page
    title in the browser tab is the navigation's name)."""
    body = response.json["response"]
    body.pop("_pages_store", None)
    text = json.dumps(body, ensure_ascii=False)
    for word in DEMO_WORDS:
        assert word not in text, word


@pytest.fixture(scope="module")
def kreis(tmp_path_factory: pytest.TempPathFactory) -> dict:
    territory = build_territory(tmp_path_factory.mktemp("kreis"), KREIS_LEVELS, KREIS_AREAS,
                                KREIS_RESIDENTS, KREIS_CASES)
    return _clients(territory, "0918901")


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _clients(four_levels(tmp_path_factory.mktemp("pages-four")), "0101")


def test_level_names_come_from_the_store(kreis) -> None:
    response = choose_level(kreis["leadership"], "einwohnerzahl")
    options = response.json["response"]["compare-level"]["options"]
    assert [o["label"] for o in options] == ["Verwaltungsgemeinschaft", "Gemeinde"]
    assert response.json["response"]["compare-level"]["value"] == "gemeinde"
    no_demo_words(response)


def test_top_level_name_replaces_the_city_in_page_text(kreis) -> None:
    profile = render_page(kreis["leadership"], "/profil", "?area=09189111")
    text = response_text(profile)
    assert "Wert des Landkreises" in text and "Abweichung vom Landkreis" in text
    assert "Gemeinde in der Verwaltungsgemeinschaft VG Nord" in text
    no_demo_words(profile)
    bar = compare(kreis["leadership"], "einwohnerzahl", "2023", "gemeinde")
    annotations = bar.json["response"]["compare-bar"]["figure"]["layout"]["annotations"]
    assert any(a["text"].startswith("Landkreis: ") for a in annotations)


def test_four_levels_in_the_comparison(four) -> None:
    client = four["leadership"]
    choice = choose_level(client, "hilfequote").json["response"]
    assert [o["value"] for o in choice["compare-level"]["options"]] == ["bezirk", "region",
                                                                          "raum"]
    assert [o["label"] for o in choice["compare-level"]["options"]] == [
        "Bezirk", "Bezirksregion", "Planungsraum"]
    assert choice["compare-level"]["value"] == "raum"  # the lowest level by default
    for level, count in (("bezirk", 2), ("region", 3), ("raum", 6)):
        response = compare(client, "einwohnerzahl", "2022", level)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        rows = response.json["response"]["compare-grid"]["rowData"]
        assert len(rows) == count, level
        features = response.json["response"]["compare-map"]["figure"]["data"]
        assert features, level
        no_demo_words(response)
    layout = render_page(client, "/vergleich", "?indicator=einwohnerzahl&level=region")
    assert layout.status_code == 200
    no_demo_words(layout)


def test_four_levels_on_overview_profile_and_time_series(four) -> None:
    overview = render_page(four["leadership"], "/")
    assert "Aktuelle Kennzahlen für Berlin" in response_text(overview)
    no_demo_words(overview)
    # A district user bound to a Bezirksregion: the cards describe that area.
    own = response_text(render_page(four["district"], "/"))
    assert "Aktuelle Kennzahlen für Bezirksregion Zentrum" in own
    assert "overview-card-hilfequote" in own
    profile = render_page(four["leadership"], "/profil", "?area=010101")
    text = response_text(profile)
    assert "Planungsraum in der Bezirksregion Zentrum" in text
    assert "Wert des Landes" in text and "Abweichung vom Land" in text
    no_demo_words(profile)
    default = response_text(render_page(four["leadership"], "/profil"))
    assert "Mitte" in default  # the first Bezirk, the level below the top
    series = render_page(four["leadership"], "/zeitreihe", "?indicator=einwohnerzahl")
    text = response_text(series)
    assert "Berlin (Land)" in text and "Mitte (Bezirk)" in text
    no_demo_words(series)
    drawn = callback(four["district"], SERIES_OUTPUTS, {
        "timeseries-indicator.value": "hilfequote", "timeseries-areas.value": ["0101", "01"],
        "timeseries-index.value": False, "timeseries-base.value": None,
        "timeseries-raw.value": False})
    assert drawn.status_code == 200
    body = response_text(drawn)
    assert "Zentrum" in body and "Berechtigung" in body  # own region shown, Bezirk 01 not


def test_single_level_installation_pages(tmp_path: Path) -> None:
    clients = _clients(one_level(tmp_path), "09162000")
    client = clients["leadership"]
    choice = choose_level(client, "einwohnerzahl").json["response"]
    assert [o["value"] for o in choice["compare-level"]["options"]] == ["gemeinde"]
    response = compare(client, "einwohnerzahl", "2023", "gemeinde")
    assert response.json["response"]["compare-grid"]["rowData"][0]["value"] == 1502
    for path in ("/", "/profil", "/zeitreihe", "/vergleich", "/katalog"):
        page = render_page(client, path)
        assert page.status_code == 200, path
        no_demo_words(page)
    assert "Musterdorf" in response_text(render_page(client, "/profil"))


def test_navigation_names_the_pages_after_the_lowest_level(kreis, clients) -> None:
    kreis_nav = kreis["committee"].get("/_dash-layout").get_data(as_text=True)
    assert "Gebietsvergleich" in kreis_nav and "Gebietsprofil" in kreis_nav
    assert "Stadtteil" not in kreis_nav
    demo_nav = clients["committee"].get("/_dash-layout").get_data(as_text=True)
    assert "Stadtteilvergleich" in demo_nav and "Gebietsvergleich" not in demo_nav
