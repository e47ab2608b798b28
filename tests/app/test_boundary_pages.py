"""Pages across a boundary reform: old areas with their boundaries, visible markers."""

from __future__ import annotations

import pytest

from tests.api.test_boundary_change import client as reform_client  # noqa: F401
from tests.app.conftest import callback, response_text
from tests.app.test_compare_page import OUTPUTS as COMPARE_OUTPUTS
from tests.app.test_timeseries_page import CHOICE_OUTPUTS
from tests.app.test_timeseries_page import OUTPUTS as SERIES_OUTPUTS


@pytest.fixture(scope="module")
def client(reform_client):  # noqa: F811 - the API test's logged-in client, reused
    return reform_client


def _compare(client, period: str, level: str):
    response = callback(client, COMPARE_OUTPUTS, {
        "compare-indicator.value": "einwohner", "compare-period.value": period,
        "compare-level.value": level, "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": None,
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]


def test_comparison_of_an_old_year_shows_the_old_areas_on_their_map(client) -> None:
    out = _compare(client, "2019", "subdistrict")
    rows = out["compare-grid"]["rowData"]
    assert {r["area_name"] for r in rows} == {"Altes Nordviertel", "Alter Hafen",
                                              "Alte Südstadt"}
    url = out["compare-map"]["figure"]["data"][0]["geojson"]  # the period's boundaries
    assert "period=2019" in url
    features = client.get(url).get_json()["features"]
    assert sorted(f["properties"]["code"] for f in features) == ["0101", "0102", "0201"]


def test_comparison_marks_an_incomplete_district_visibly(client) -> None:
    out = _compare(client, "2022", "district")
    hints = {r["area_code"]: r.get("hint") for r in out["compare-grid"]["rowData"]}
    assert hints == {"01": "unvollständig: 1 von 2 Teilgebieten fehlt", "02": None}
    caption = str(out["compare-caption"]["children"])
    assert "Nord, 2022: unvollständig: 1 von 2 Teilgebieten fehlt" in caption
    bar = out["compare-bar"]["figure"]["data"][0]
    labels = dict(zip(bar["y"], bar["text"], strict=True))
    assert labels["01"].endswith("¹") and not labels["02"].endswith("¹")
    hover = {c[0]: c[2] for c in bar["customdata"]}
    assert hover["01"].endswith("<br>unvollständig: 1 von 2 Teilgebieten fehlt")


def test_time_series_offers_old_areas_and_marks_converted_values(client) -> None:
    choices = callback(client, CHOICE_OUTPUTS, {"timeseries-indicator.value": "einwohner"},
                       state={"timeseries-areas.value": ["1011", "0102"],
                              "timeseries-base.value": None})
    labels = {o["value"]: o["label"] for o in
              choices.json["response"]["timeseries-areas"]["options"]}
    assert labels["0102"] == "Alter Hafen (Stadtteil, bis 31.12.2020)"
    assert labels["1011"] == "Nordviertel (Stadtteil)"
    response = callback(client, SERIES_OUTPUTS, {
        "timeseries-indicator.value": "einwohner", "timeseries-areas.value": ["1011", "01"],
        "timeseries-index.value": False, "timeseries-base.value": None,
        "timeseries-raw.value": False})
    body = response_text(response)
    assert "Nordviertel (Stadtteil), 2019: umgerechnet aus den Werten der früheren" in body
    assert "Nord (Stadtbezirk), 2022: unvollständig: 1 von 2 Teilgebieten fehlt" in body
    assert "²" in body and "¹" in body
    lines = {trace["name"]: trace["customdata"] for trace in
             response.json["response"]["timeseries-graph"]["figure"]["data"]}
    assert lines["Nordviertel"][0][1].endswith("<br>umgerechnet aus den Werten der früheren "
                                               "Gebiete (Zuordnungstabelle)")
    assert "<br>" not in lines["Nordviertel"][2][1]  # 2021: its own value


def test_an_old_area_keeps_its_profile(client) -> None:
    response = callback(client, "profile-content.children",
                        {"profile-area.value": "0102", "profile-raw.value": False})
    body = response_text(response)
    assert response.status_code == 200
    assert "Alter Hafen" in body and "2020" in body


def test_profile_notes_a_partial_sum_next_to_the_value(client) -> None:
    response = callback(client, "profile-content.children",
                        {"profile-area.value": "01", "profile-raw.value": False})
    assert "unvollständig: 1 von 2 Teilgebieten fehlt" in response_text(response)
