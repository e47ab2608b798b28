"""GET /api/v1/levels and the `level` parameter with an installation's own levels."""

from __future__ import annotations

import pytest

from cockpit.app.server import create_server
from tests.api.test_v1 import assert_error
from tests.app.conftest import login
from tests.territory.small_territory import demo_logins, four_levels, one_level

FOUR_IDS = ["land", "bezirk", "region", "raum"]
DEMO_WORDS = ("city", "subdistrict", "Stadtteil", "Stadtbezirk")


def _clients(territory, district_area: str | None) -> dict:  # noqa: ANN001
    server = create_server(territory.inst, secret_key="levels", warm=False)
    server.config["TESTING"] = True
    logins = demo_logins(territory.inst, district_area or territory.areas[0][0])
    clients = {"anonymous": server.test_client()}
    for role, (name, password) in logins.items():
        client = server.test_client()
        assert login(client, name, password).status_code == 302
        clients[role] = client
    return clients


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _clients(four_levels(tmp_path_factory.mktemp("api-four")), "0101")


def test_levels_lists_the_declared_levels_top_first_in_german(four) -> None:
    response = four["committee"].get("/api/v1/levels")
    assert response.status_code == 200
    assert response.json == [
        {"id": "land", "name": "Land", "depth": 0},
        {"id": "bezirk", "name": "Bezirk", "depth": 1},
        {"id": "region", "name": "Bezirksregion", "depth": 2},
        {"id": "raum", "name": "Planungsraum", "depth": 3},
    ]


def test_levels_names_follow_the_requests_language(four) -> None:
    english = four["committee"].get("/api/v1/levels", headers={"Accept-Language": "en-GB,en"})
    assert [lv["name"] for lv in english.json] == ["State", "Borough", "Region",
                                                   "Planning area"]
    french = four["committee"].get("/api/v1/levels", headers={"Accept-Language": "fr"})
    assert french.json[0]["name"] == "Land"


def test_levels_needs_a_login_and_takes_no_parameters(four) -> None:
    assert_error(four["anonymous"].get("/api/v1/levels"), 401)
    assert_error(four["committee"].get("/api/v1/levels?lang=en"), 400, "Parameter")


def test_demo_levels_are_city_district_subdistrict(clients) -> None:
    assert clients["committee"].get("/api/v1/levels").json == [
        {"id": "city", "name": "Stadt", "depth": 0},
        {"id": "district", "name": "Stadtbezirk", "depth": 1},
        {"id": "subdistrict", "name": "Stadtteil", "depth": 2},
    ]


@pytest.mark.parametrize("path", ["/api/v1/indicators/einwohnerzahl/values?level=subdistrict",
                                  "/api/v1/areas?level=city",
                                  "/api/v1/areas/geojson?level=stadtteil"])
def test_a_level_not_declared_here_is_a_400_naming_the_declared_ones(four, path: str) -> None:
    response = four["leadership"].get(path)
    assert_error(response, 400, "land, bezirk, region, raum")


def test_every_route_works_with_four_levels_and_names_no_demo_level(four) -> None:
    client = four["leadership"]
    answers = {}
    for path in ("/api/v1/indicators", "/api/v1/levels", "/api/v1/areas",
                 "/api/v1/areas/geojson", "/api/v1/indicators/hilfequote/values",
                 "/api/v1/indicators/einwohnerzahl/values?level=region&period=2022",
                 "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.json)
        answers[path] = response
        text = response.get_data(as_text=True)
        for word in DEMO_WORDS:
            assert word not in text, (path, word)
    indicators = {i["id"]: i for i in answers["/api/v1/indicators"].json}
    assert indicators["einwohnerzahl"]["levels"] == FOUR_IDS
    values = answers["/api/v1/indicators/hilfequote/values"].json
    assert {v["level"] for v in values} == set(FOUR_IDS)  # all levels by default
    regions = answers["/api/v1/indicators/einwohnerzahl/values?level=region&period=2022"].json
    assert [(v["area_code"], v["value"]) for v in regions] == [
        ("0101", 800), ("0102", 800), ("0201", 930)]
    features = answers["/api/v1/areas/geojson"].json["features"]
    assert {f["properties"]["level"] for f in features} == {"raum"}  # the lowest level
    spec = answers["/api/v1/openapi.json"].json
    values_op = spec["paths"]["/indicators/{indicator_id}/values"]["get"]
    level = next(p for p in values_op["parameters"] if p["name"] == "level")
    assert level["schema"]["enum"] == FOUR_IDS
    assert spec["components"]["schemas"]["Level"]["properties"]["id"]["enum"] == FOUR_IDS
    assert "/levels" in spec["paths"]


def test_district_user_at_level_2_gets_restricted_values_of_own_area_and_below(four) -> None:
    rows = four["district"].get("/api/v1/indicators/hilfequote/values?period=2022").json
    assert {r["area_code"] for r in rows} == {"0101", "010101", "010102"}
    assert_error(four["district"].get("/api/v1/indicators/hilfequote/values?area=0102"), 403)
    public = four["district"].get("/api/v1/indicators/einwohnerzahl/values?level=bezirk").json
    assert {r["area_code"] for r in public} == {"01", "02"}


def test_single_level_installation(tmp_path) -> None:  # noqa: ANN001
    clients = _clients(one_level(tmp_path), None)
    client = clients["leadership"]
    assert client.get("/api/v1/levels").json == [
        {"id": "gemeinde", "name": "Gemeinde", "depth": 0}]
    rows = client.get("/api/v1/indicators/einwohnerzahl/values").json
    assert [(r["area_code"], r["level"], r["value"]) for r in rows] == [
        ("09162000", "gemeinde", 1502)]
    assert len(client.get("/api/v1/areas/geojson").json["features"]) == 1
