"""The read-only JSON API /api/v1: per role, against the gate, errors, areas, pages."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from cockpit.access import Gate, Viewer
from cockpit.indicators.model import DIRECTIONS
from cockpit.roles import CLASSIFICATIONS
from cockpit.territory.levels import demo_levels
from tests.app.conftest import app_server, callback, clients, response_text  # noqa: F401

HZE = ("hze_je_1000_unter_21", "hze_stationaer_je_1000_unter_21")
SUPPRESSING = "hze_stationaer_je_1000_unter_21"
ROW_KEYS = {"area_code", "area_name", "level", "period", "value", "numerator", "denominator",
            "suppressed", "incomplete", "missing", "expected", "converted"}
ITEM_KEYS = {"id", "kind", "title", "unit", "topic", "classification", "direction", "levels",
             "periods"}
DISTRICT_01 = {"01", "0101", "0102", "0103", "0104"}

# The same people as the logged-in clients of tests/app/conftest.py, as the gate sees them.
VIEWERS = {
    "admin": Viewer("t-admin", "admin"),
    "controlling": Viewer("t-controlling", "controlling"),
    "leadership": Viewer("t-leadership", "leadership"),
    "district": Viewer("t-district", "district", area_code="01"),
    "committee": Viewer("t-committee", "committee"),
    "department": Viewer("t-department", "department", department="jugendamt"),
}
SEES_RESTRICTED = {"admin": True, "controlling": True, "leadership": True, "district": True,
                   "committee": False, "department": True}


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def values_url(indicator: str, **params: str) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"/api/v1/indicators/{quote(indicator, safe='')}/values{query}"


def get_json(client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.is_json, url
    return response.json


def same_number(api: Any, expected: Any) -> bool:
    """API number (float or None) equals a gate number (float, NaN or None)."""
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return api is None
    return api is not None and api == pytest.approx(float(expected))


def number_token(number: float) -> re.Pattern[str]:
    """A JSON number equal to `number` (3, 3.0, 3.00 ...), not a part of a longer number."""
    whole = float(number).is_integer()
    text = str(int(number)) + r"(\.0+)?" if whole else re.escape(repr(float(number)))
    return re.compile(rf"(?<![\d.]){text}(?![\d.])")


def assert_error(response, status: int, words: str | None = None) -> str:
    """An error: the status, a JSON body {"error": message} in German, no traceback."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert "Traceback" not in text
    assert response.is_json, text[:200]
    body = response.json
    assert set(body) == {"error"}
    message = body["error"]
    assert isinstance(message, str) and message.strip()
    if words is not None:
        assert words in message
    return message


# -- /api/v1/indicators ----------------------------------------------------------------------

@pytest.mark.parametrize("role", list(VIEWERS))
def test_indicator_list_per_role(clients, gate: Gate, role: str) -> None:  # noqa: F811
    response = clients[role].get("/api/v1/indicators")
    items = get_json(clients[role], "/api/v1/indicators")
    ids = [item["id"] for item in items]
    assert ids == [ind.id for ind in gate.visible_indicators(VIEWERS[role])]
    assert "sgb2_quote" in ids and "einwohner" in ids
    restricted = [i for i in ids if i.startswith("hze_")]
    if SEES_RESTRICTED[role]:
        assert set(restricted) == set(HZE)
    else:
        assert restricted == []
        assert "hze_" not in response.get_data(as_text=True)
        assert all(item["classification"] != "restricted" for item in items)


@pytest.mark.parametrize("role", list(VIEWERS))
def test_indicator_items_are_complete(clients, role: str) -> None:  # noqa: F811
    items = get_json(clients[role], "/api/v1/indicators")
    assert items
    for item in items:
        assert set(item) >= ITEM_KEYS, item["id"]
        assert item["kind"] in ("indicator", "index"), item["id"]
        # An index names its ordered classes (tests/indicators/test_composite_api.py).
        assert ("classes" in item) == (item["kind"] == "index"), item["id"]
        for key in ("title", "topic"):
            assert isinstance(item[key], str) and item[key].strip(), (item["id"], key)
        assert isinstance(item["unit"], str), item["id"]
        assert item["classification"] in CLASSIFICATIONS, item["id"]
        assert item["direction"] in DIRECTIONS, item["id"]
        assert item["levels"], item["id"]
        assert set(item["levels"]) <= set(demo_levels().ids), item["id"]
        assert len(set(item["levels"])) == len(item["levels"]), item["id"]
        periods = item["periods"]
        assert periods and periods == sorted(periods), item["id"]
        assert len(set(periods)) == len(periods), item["id"]
        assert all(re.fullmatch(r"\d{4}", p) for p in periods), item["id"]


def test_indicator_levels_and_periods_match_the_data(clients, gate: Gate) -> None:  # noqa: F811
    items = {i["id"]: i for i in get_json(clients["admin"], "/api/v1/indicators")}
    viewer = VIEWERS["admin"]
    for indicator_id in ("sgb2_quote", "anteil_duales_system", "wahlbeteiligung_kommunalwahl",
                         "ergebnishaushalt_saldo_je_einwohner"):
        item = items[indicator_id]
        assert item["levels"] == gate.levels(viewer, indicator_id)
        assert item["periods"] == gate.periods(viewer, indicator_id)
    assert items["anteil_duales_system"]["levels"] == ["city"]
    assert items["wahlbeteiligung_kommunalwahl"]["periods"] == ["2014", "2020", "2025"]


ANONYMOUS_URLS = [
    "/api/v1/indicators",
    values_url("sgb2_quote"),
    values_url("hze_je_1000_unter_21", level="subdistrict", period="2024"),
    values_url("nope"),
    "/api/v1/areas",
    "/api/v1/areas?level=district",
    "/api/v1/areas/geojson?level=subdistrict",
]


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_anonymous_gets_401_and_no_data(app_server, url: str) -> None:  # noqa: F811
    response = app_server.test_client().get(url)
    assert_error(response, 401, "melden Sie sich an")
    body = response_text(response)
    for leak in ("Musterstadt", "Mitte", "sgb2", "hze", "FeatureCollection", "value",
                 "coordinates"):
        assert leak not in body


# -- /api/v1/indicators/{id}/values ----------------------------------------------------------

VALUE_CASES = [
    ("leadership", "sgb2_quote", {}),
    ("leadership", "sgb2_quote", {"level": "subdistrict", "period": "2024"}),
    ("admin", "einwohner", {"level": "district"}),
    ("controlling", "anteil_duales_system", {}),
    ("controlling", "ergebnishaushalt_saldo_je_einwohner", {"period": "2020"}),
    ("admin", "wahlbeteiligung_kommunalwahl", {"period": "2020", "level": "city"}),
    ("committee", "sgb2_quote", {"area": "0503"}),
    ("committee", "einwohner", {"area": "03", "period": "2013"}),
    ("district", "sgb2_quote", {}),
    ("district", "hze_je_1000_unter_21", {}),
    ("district", "hze_je_1000_unter_21", {"area": "0102", "period": "2021"}),
    ("department", "hze_je_1000_unter_21", {"level": "subdistrict"}),
    ("department", SUPPRESSING, {"period": "2024"}),
    ("leadership", SUPPRESSING, {"period": "2024"}),
    ("leadership", SUPPRESSING, {"period": "2012", "level": "subdistrict"}),
    ("admin", SUPPRESSING, {"period": "2020", "area": "0102"}),
]


@pytest.mark.parametrize(("role", "indicator", "params"), VALUE_CASES)
def test_values_equal_the_gate(clients, gate: Gate, role: str, indicator: str,  # noqa: F811
                               params: dict[str, str]) -> None:
    rows = get_json(clients[role], values_url(indicator, **params))
    expected = gate.values(VIEWERS[role], indicator, **params)
    assert rows, "the case should have data"
    assert len(rows) == len(expected)
    for row, exp in zip(rows, expected.itertuples(), strict=True):
        assert set(row) == ROW_KEYS
        assert (row["area_code"], row["area_name"], row["level"], row["period"]) == (
            exp.area_code, exp.area_name, exp.level, exp.period)
        assert row["suppressed"] is bool(exp.suppressed)
        for key in ("value", "numerator", "denominator"):
            assert same_number(row[key], getattr(exp, key)), (row, key)
    if "level" in params:
        assert {r["level"] for r in rows} == {params["level"]}
    if "period" in params:
        assert {r["period"] for r in rows} == {params["period"]}
    if "area" in params:
        assert {r["area_code"] for r in rows} == {params["area"]}


@pytest.mark.parametrize(("role", "indicator"), [
    ("leadership", "sgb2_quote"),
    ("committee", "einwohner"),
    ("district", "hze_je_1000_unter_21"),
    ("admin", "wahlbeteiligung_bundestagswahl"),
    ("controlling", "investitionen_umsetzungsquote"),
])
def test_default_period_is_the_latest(clients, gate: Gate, role: str,  # noqa: F811
                                      indicator: str) -> None:
    client = clients[role]
    latest = gate.periods(VIEWERS[role], indicator)[-1]
    rows = get_json(client, values_url(indicator))
    assert {r["period"] for r in rows} == {latest}
    assert rows == get_json(client, values_url(indicator, period=latest))
    # without a level every level the viewer may see is present
    levels = set(gate.values(VIEWERS[role], indicator, period=latest)["level"])
    assert {r["level"] for r in rows} == levels
    assert len(levels) == (2 if role == "district" else len(gate.levels(VIEWERS[role], indicator)))


def suppressed_cells(gate: Gate, viewer: Viewer) -> list[tuple[str, str]]:
    """(period, area_code) of every suppressed cell of SUPPRESSING the viewer may see."""
    cells = []
    for period in gate.periods(viewer, SUPPRESSING):
        rows = gate.values(viewer, SUPPRESSING, period=period)
        cells += [(period, code) for code in rows.loc[rows["suppressed"], "area_code"]]
    return cells


@pytest.mark.parametrize("role", ["leadership", "admin", "controlling", "department",
                                  "district"])
def test_suppressed_cells_carry_no_numbers(clients, gate: Gate, role: str) -> None:  # noqa: F811
    cells = suppressed_cells(gate, VIEWERS[role])
    assert cells, "the demo data should have suppressed HzE cells for this role"
    raw = gate.values(Viewer("x", "admin", raw=True), SUPPRESSING, all_periods=True)
    raw = raw.set_index(["period", "area_code"])
    client = clients[role]
    for period, code in cells:
        secret_value = float(raw.loc[(period, code), "value"])
        secret_count = float(raw.loc[(period, code), "numerator"])
        assert not math.isnan(secret_value) and not math.isnan(secret_count)
        # the single cell: no trace of either number
        response = client.get(values_url(SUPPRESSING, period=period, area=code))
        assert response.status_code == 200
        [row] = response.json
        assert row["suppressed"] is True
        assert row["value"] is None and row["numerator"] is None
        text = response.get_data(as_text=True)
        assert not number_token(secret_value).search(text), (period, code)
        assert not number_token(secret_count).search(text), (period, code)
        # the whole period at every level: the exact value appears nowhere
        text = client.get(values_url(SUPPRESSING, period=period)).get_data(as_text=True)
        assert repr(secret_value) not in text, (period, code)


def test_api_never_serves_raw_values_even_to_admin(clients, gate: Gate) -> None:  # noqa: F811
    period, code = suppressed_cells(gate, VIEWERS["admin"])[0]
    rows = get_json(clients["admin"], values_url(SUPPRESSING, period=period))
    hidden = [r for r in rows if r["suppressed"]]
    assert code in {r["area_code"] for r in hidden}
    assert all(r["value"] is None and r["numerator"] is None for r in hidden)


@pytest.mark.parametrize("indicator", HZE)
@pytest.mark.parametrize("params", [{}, {"level": "subdistrict"}, {"period": "2020"},
                                    {"level": "district", "period": "2024"}])
def test_district_user_gets_restricted_rows_only_for_own_district(
        clients, indicator: str, params: dict[str, str]) -> None:  # noqa: F811
    rows = get_json(clients["district"], values_url(indicator, **params))
    expected = DISTRICT_01
    if "level" in params:
        expected = {c for c in DISTRICT_01 if (len(c) == 2) == (params["level"] == "district")}
    assert {r["area_code"] for r in rows} == expected
    body = response_text(clients["district"].get(values_url(indicator, **params)))
    for name in ("Musterstadt", "Nordstadt", "Ost", "Südstadt", "Weststadt"):
        assert f'"{name}"' not in body


@pytest.mark.parametrize("indicator", HZE)
@pytest.mark.parametrize("area", ["03", "0301", "0604", "00", "02"])
def test_district_user_is_refused_other_areas(clients, indicator: str,  # noqa: F811
                                              area: str) -> None:
    response = clients["district"].get(values_url(indicator, area=area))
    assert_error(response, 403, "Berechtigung")
    assert "value" not in response_text(response)


@pytest.mark.parametrize("area", ["0101", "0104", "01"])
def test_district_user_may_ask_for_own_areas(clients, area: str) -> None:  # noqa: F811
    rows = get_json(clients["district"], values_url("hze_je_1000_unter_21", area=area))
    assert [r["area_code"] for r in rows] == [area]


def test_district_user_sees_internal_data_everywhere(clients) -> None:  # noqa: F811
    client = clients["district"]
    codes = {r["area_code"] for r in get_json(client, values_url("sgb2_quote"))}
    assert len(codes) == 31 and {"00", "03", "0604"} <= codes
    for area in ("00", "03", "0301", "0604"):
        rows = get_json(client, values_url("sgb2_quote", area=area))
        assert [r["area_code"] for r in rows] == [area]


@pytest.mark.parametrize("indicator", HZE)
@pytest.mark.parametrize("params", [{}, {"area": "01"}, {"level": "city"},
                                    {"period": "2024", "level": "subdistrict"}])
def test_committee_is_refused_restricted_indicators(clients, gate: Gate, indicator: str,  # noqa: F811
                                                    params: dict[str, str]) -> None:
    response = clients["committee"].get(values_url(indicator, **params))
    # 404 like an unknown id: committee may not learn that restricted indicators exist
    assert_error(response, 404, "Unbekannter Indikator")
    text = response.get_data(as_text=True)
    secret = gate.values(VIEWERS["admin"], indicator, level="city")
    assert repr(float(secret["value"].iloc[0])) not in text


@pytest.mark.parametrize("indicator", HZE)
def test_department_sees_restricted_data_everywhere(clients, indicator: str) -> None:  # noqa: F811
    client = clients["department"]
    rows = get_json(client, values_url(indicator))
    assert len({r["area_code"] for r in rows}) == 31
    for area in ("00", "03", "0604"):
        assert [r["area_code"] for r in get_json(client, values_url(indicator, area=area))] == [
            area]


# -- errors --------------------------------------------------------------------------------

MALFORMED_AREA = "Ungültiger Gebietsschlüssel"
ERROR_CASES = [
    # (role, url, status, German words in the message)
    ("leadership", values_url("gibtsnicht"), 404, "Unbekannter Indikator"),
    ("leadership", values_url("gibtsnicht", level="bogus"), 404, "Unbekannter Indikator"),
    ("committee", values_url("SGB2_QUOTE"), 404, "Unbekannter Indikator"),
    ("leadership", values_url("sgb2_quote", level="bogus"), 400, "Ebene"),
    ("leadership", values_url("sgb2_quote", level="City"), 400, "Ebene"),
    ("leadership", values_url("anteil_duales_system", level="district"), 400, "Ebene"),
    ("leadership", values_url("sgb2_quote", period="2024-13"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period="2024-00"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period="2024-6"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period="abc"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period="20245"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period=" 2024"), 400, "Ungültiger Zeitraum"),
    ("leadership", values_url("sgb2_quote", period="1999"), 400, "1999"),
    ("leadership", values_url("sgb2_quote", period="2024-06"), 400, "2024-06"),
    ("district", values_url("wahlbeteiligung_kommunalwahl", period="2024"), 400, "2024"),
    ("leadership", values_url("sgb2_quote", area="9999"), 400, "Unbekanntes Gebiet"),
    ("department", values_url("hze_je_1000_unter_21", area="07"), 400, "Unbekanntes Gebiet"),
    ("leadership", values_url("sgb2_quote", area="'; DROP TABLE areas; --"), 400, MALFORMED_AREA),
    ("leadership", values_url("sgb2_quote", area="0" * 33), 400, MALFORMED_AREA),
    ("leadership", values_url("sgb2_quote", area="x" * 5000), 400, MALFORMED_AREA),
    ("leadership", values_url("sgb2_quote", area="<script>"), 400, MALFORMED_AREA),
    ("leadership", values_url("sgb2_quote", foo="1"), 400, "Parameter"),
    ("leadership", values_url("sgb2_quote", Level="city"), 400, "Parameter"),
    ("leadership", values_url("sgb2_quote", period="2024", all_periods="1"), 400, "Parameter"),
    ("committee", "/api/v1/indicators?topic=Soziales", 400, "Parameter"),
    ("admin", "/api/v1/areas?area=01", 400, "Parameter"),
    ("admin", "/api/v1/areas/geojson?area=01", 400, "Parameter"),
    ("admin", "/api/v1/areas?level=bogus", 400, "Ebene"),
    ("admin", "/api/v1/areas/geojson?level=bogus", 400, "Ebene"),
    ("committee", values_url("hze_je_1000_unter_21"), 404, "Unbekannter Indikator"),
    ("district", values_url("hze_stationaer_je_1000_unter_21", area="03"), 403, "Berechtigung"),
]


@pytest.mark.parametrize(("role", "url", "status", "words"), ERROR_CASES)
def test_errors_are_json_with_a_german_message(clients, role: str, url: str,  # noqa: F811
                                               status: int, words: str) -> None:
    response = clients[role].get(url)
    assert_error(response, status, words)
    assert len(response.get_data()) < 1000  # no data, no echo of a huge parameter


def test_unknown_long_indicator_id_is_not_echoed_in_full(clients) -> None:  # noqa: F811
    response = clients["admin"].get(values_url("a" * 5000))
    message = assert_error(response, 404, "Unbekannter Indikator")
    assert len(message) < 200


def test_errors_do_not_break_the_session(clients) -> None:  # noqa: F811
    client = clients["leadership"]
    assert_error(client.get(values_url("sgb2_quote", period="abc")), 400)
    assert get_json(client, values_url("sgb2_quote", area="00"))[0]["area_code"] == "00"


# -- /api/v1/areas -------------------------------------------------------------------------

@pytest.mark.parametrize("role", list(VIEWERS))
def test_areas_per_level(clients, gate: Gate, role: str) -> None:  # noqa: F811
    client = clients[role]
    everything = get_json(client, "/api/v1/areas")
    assert len(everything) == 31
    assert all(set(a) == {"code", "name", "level", "parent_code"} for a in everything)
    assert [a["code"] for a in everything] == list(gate.areas(VIEWERS[role])["code"])
    by_code = {a["code"]: a for a in everything}
    districts = get_json(client, "/api/v1/areas?level=district")
    assert len(districts) == 6
    assert {a["code"] for a in districts} == {"01", "02", "03", "04", "05", "06"}
    for area in districts:
        assert area == by_code[area["code"]]
        assert area["level"] == "district" and area["parent_code"] == "00"
        assert isinstance(area["name"], str) and area["name"]
    assert {a["name"] for a in districts} >= {"Mitte", "Süd"}
    [city] = get_json(client, "/api/v1/areas?level=city")
    assert (city["code"], city["name"], city["level"], city["parent_code"]) == (
        "00", "Musterstadt", "city", None)
    subdistricts = get_json(client, "/api/v1/areas?level=subdistrict")
    assert len(subdistricts) == 24
    for area in subdistricts:
        assert area["level"] == "subdistrict"
        assert by_code[area["parent_code"]]["level"] == "district"
        assert area["code"].startswith(area["parent_code"])


@pytest.mark.parametrize(("query", "level", "count"), [
    ("?level=subdistrict", "subdistrict", 24),
    ("", "subdistrict", 24),  # subdistricts by default
    ("?level=district", "district", 6),
])
def test_geojson(clients, query: str, level: str, count: int) -> None:  # noqa: F811
    collection = get_json(clients["committee"], f"/api/v1/areas/geojson{query}")
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == count
    codes = [f["properties"]["code"] for f in features]
    areas = get_json(clients["committee"], f"/api/v1/areas?level={level}")
    assert sorted(codes) == sorted(a["code"] for a in areas)
    assert {f["properties"]["level"] for f in features} == {level}
    for feature in features:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Polygon", feature["properties"]["code"]
        ring = geometry["coordinates"][0]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert all(len(point) == 2 for point in ring)


def test_geojson_carries_no_indicator_values(clients) -> None:  # noqa: F811
    features = get_json(clients["committee"], "/api/v1/areas/geojson?level=subdistrict")[
        "features"]
    for feature in features:
        assert set(feature["properties"]) <= {"code", "name", "level"}


# -- consistency with the pages ------------------------------------------------------------

COMPARE_OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                   "compare-grid.columnDefs", "compare-caption.children",
                   "compare-message.children"]


@pytest.mark.parametrize(("role", "indicator"), [("leadership", "sgb2_quote"),
                                                 ("district", "sgb2_quote"),
                                                 ("committee", "einwohner")])
def test_api_agrees_with_the_comparison_page(clients, demo, role: str,  # noqa: F811
                                             indicator: str) -> None:
    client = clients[role]
    response = callback(client, COMPARE_OUTPUTS, {
        "compare-indicator.value": indicator, "compare-period.value": "2024",
        "compare-level.value": "subdistrict", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": None,
    })
    assert response.status_code == 200
    grid = {r["area_code"]: r for r in response.json["response"]["compare-grid"]["rowData"]}
    api = {r["area_code"]: r for r in get_json(
        client, values_url(indicator, level="subdistrict", period="2024"))}
    assert len(api) == 24
    assert set(grid) == set(api)
    decimals = demo.registry.get(indicator).decimals
    for code, row in api.items():
        assert grid[code]["value"] == pytest.approx(round(row["value"], decimals)), code


# -- contract gaps ----------------------------------------------------------------------------

def test_openapi_description_exists(clients) -> None:  # noqa: F811
    spec = get_json(clients["admin"], "/api/v1/openapi.json")
    assert "/api/v1/indicators" in str(spec.get("paths", {})) or "/indicators" in spec["paths"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/indicators/"])
def test_unknown_api_path_is_a_json_404(clients, path: str) -> None:  # noqa: F811
    assert_error(clients["admin"].get(path), 404)


def test_write_methods_get_a_json_405(clients) -> None:  # noqa: F811
    assert_error(clients["admin"].post("/api/v1/indicators"), 405)
