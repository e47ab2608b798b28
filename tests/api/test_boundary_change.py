"""The API across a boundary reform: old areas for old periods, incomplete and converted rows."""

from __future__ import annotations

import pytest

from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from tests.access.test_gate_validity import reform_installation
from tests.app.conftest import login
from tests.boundary import RESIDENTS


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    residents = dict(RESIDENTS)
    del residents[("1012", "2022")]  # valid in 2022, delivered nothing
    inst = reform_installation(tmp_path_factory.mktemp("reform-api"), residents)
    server = create_server(inst, secret_key="reform", warm=False)
    server.config["TESTING"] = True
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="jugendamt")
    name, password = next((u.name, pw) for u, pw in created if u.role == "leadership")
    test_client = server.test_client()
    assert login(test_client, name, password).status_code == 302
    return test_client


def _values(client, **params: str) -> list[dict]:
    response = client.get("/api/v1/indicators/einwohner/values", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_old_year_lists_the_old_areas_with_their_names(client) -> None:
    rows = [r for r in _values(client, level="subdistrict", period="2019")
            if not r["converted"]]
    assert {(r["area_code"], r["area_name"], r["value"]) for r in rows} == {
        ("0101", "Altes Nordviertel", 100), ("0102", "Alter Hafen", 200),
        ("0201", "Alte Südstadt", 300)}


def test_new_areas_have_their_own_values_from_the_reform_on(client) -> None:
    rows = _values(client, level="subdistrict", period="2021")
    assert {r["area_code"]: r["value"] for r in rows} == {
        "1011": 150, "1012": 170, "1021": 190, "1022": 130}
    assert not any(r["converted"] or r["incomplete"] for r in rows)


def test_the_unchanged_districts_keep_one_series(client) -> None:
    series = {p: _values(client, area="02", period=p)[0]["value"]
              for p in ("2019", "2020", "2021", "2022")}
    assert series == {"2019": 300, "2020": 310, "2021": 320, "2022": 340}


def test_a_roll_up_with_a_missing_child_is_marked_incomplete(client) -> None:
    nord = _values(client, area="01", period="2022")[0]
    assert nord["value"] == 160 and nord["incomplete"] is True
    assert (nord["missing"], nord["expected"]) == (1, 2)
    assert _values(client, area="01", period="2021")[0]["incomplete"] is False


def test_converted_values_are_marked(client) -> None:
    rows = {r["area_code"]: r for r in _values(client, level="subdistrict", period="2020")}
    assert rows["1011"]["converted"] is True and rows["1011"]["value"] == 215
    assert rows["0101"]["converted"] is False


def test_areas_and_geometry_of_a_period(client) -> None:
    old = client.get("/api/v1/areas?level=subdistrict&period=2019").get_json()
    assert [a["code"] for a in old] == ["0101", "0102", "0201"]
    now = client.get("/api/v1/areas?level=subdistrict").get_json()
    assert [a["code"] for a in now] == ["1011", "1012", "1021", "1022"]
    shapes = client.get("/api/v1/areas/geojson?level=subdistrict&period=2020").get_json()
    assert [f["properties"]["name"] for f in shapes["features"]] == [
        "Altes Nordviertel", "Alter Hafen", "Alte Südstadt"]
    bad = client.get("/api/v1/areas?period=letztes")
    assert bad.status_code == 400
