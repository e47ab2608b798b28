"""Zeitreihe: real callback payloads per role; forbidden and suppressed values never leave."""

from __future__ import annotations

import importlib
import json
import math
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.figures import time_series
from cockpit.app.formatting import SUPPRESSED_TOOLTIP, format_number
from tests.app.conftest import ROLES, callback, render_page, response_text

PATH = "/zeitreihe"
HZE = "hze_je_1000_unter_21"
OUTPUTS = ["timeseries-graph.figure", "timeseries-table.children",
           "timeseries-caption.children", "timeseries-message.children"]
CHOICE_OUTPUTS = ["timeseries-areas.options", "timeseries-areas.value",
                  "timeseries-base.options", "timeseries-base.value"]
UNKNOWN = "Unbekannter Indikator"
VIEWERS = {
    "admin": Viewer("x", "admin"),
    "controlling": Viewer("x", "controlling"),
    "leadership": Viewer("x", "leadership"),
    "district": Viewer("x", "district", area_code="01"),
    "committee": Viewer("x", "committee"),
    "department": Viewer("x", "department", department="jugendamt"),
}


@pytest.fixture(scope="module")
def ts(app_server) -> ModuleType:
    """The page module; Dash imports it when the app is created (not importable before)."""
    return importlib.import_module("cockpit.pages.timeseries")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)  # no audit sink: expected values do not touch the app database


def series(client, indicator: str, areas: Any, *, indexed: bool = False,
           base: str | None = None, raw: bool = False):
    return callback(client, OUTPUTS, {
        "timeseries-indicator.value": indicator, "timeseries-areas.value": areas,
        "timeseries-index.value": indexed, "timeseries-base.value": base,
        "timeseries-raw.value": raw,
    })


def choose(client, indicator: str, areas: Any, base: str | None = None):
    return callback(client, CHOICE_OUTPUTS, {"timeseries-indicator.value": indicator},
                    state={"timeseries-areas.value": areas, "timeseries-base.value": base})


text = response_text


def traces(response) -> dict[str, dict]:
    """Traces of the figure by area code."""
    data = response.json["response"]["timeseries-graph"]["figure"]["data"]
    return {trace["legendgroup"]: trace for trace in data}


def _text_of(node: Any) -> str:
    if isinstance(node, dict):
        props = node.get("props", {})
        if "visually-hidden" in str(props.get("className", "")):
            return ""
        return _text_of(props.get("children"))
    if isinstance(node, list):
        return "".join(_text_of(child) for child in node)
    return "" if node is None else str(node)


def table_rows(response) -> dict[str, list[str]]:
    """Visible cell texts of the table by period (the row header)."""
    wrapper = response.json["response"]["timeseries-table"]["children"]
    table = wrapper["props"]["children"][0]["props"]["children"]
    body = table["props"]["children"][2]
    rows = {}
    for row in body["props"]["children"]:
        head, *cells = row["props"]["children"]
        assert head["type"] == "Th" and head["props"]["scope"] == "row"
        rows[_text_of(head)] = [_text_of(cell) for cell in cells]
    return rows


def find(node: Any, component_id: str) -> dict | None:
    """Props of the component with this id in a serialised layout."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        values = node.values()
    elif isinstance(node, list):
        values = node
    else:
        return None
    for child in values:
        found = find(child, component_id)
        if found is not None:
            return found
    return None


def page(client, search: str = "") -> tuple[Any, dict]:
    response = render_page(client, PATH, search)
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)
    return response, response.json["response"]["_pages_content"]["children"]


def expected(gate: Gate, role: str, indicator: str, code: str,
             raw: bool = False) -> dict[str, float | None]:
    viewer = VIEWERS[role]
    if raw:
        viewer = Viewer(viewer.name, viewer.role, viewer.area_code, viewer.department, raw=True)
    rows = gate.values(viewer, indicator, area=code, all_periods=True)
    return {r.period: (None if r.suppressed else float(r.value)) for r in rows.itertuples()}


def assert_series(trace: dict, want: dict[str, float | None]) -> None:
    got = dict(zip(trace["x"], trace["y"], strict=True))
    assert set(got) >= set(want)
    for period, value in got.items():
        if want.get(period) is None:
            assert value is None, period
        else:
            assert value == pytest.approx(want[period], rel=1e-12), period


def secrets(gate: Gate, indicator: str, codes: list[str]) -> list[float]:
    """Unsuppressed values (as the admin sees them with raw on) of some areas."""
    viewer = Viewer("x", "admin", raw=True)
    rows = gate.values(viewer, indicator, all_periods=True)
    return [float(v) for v in rows[rows["area_code"].isin(codes)]["value"].dropna()]


# --- layout ------------------------------------------------------------------------------


def test_page_renders_for_every_role(clients) -> None:
    for role in ROLES:
        response, tree = page(clients[role])
        body = text(response)
        assert "Zeitreihe" in body, role
        for component in ("timeseries-indicator", "timeseries-areas", "timeseries-index",
                          "timeseries-base", "timeseries-graph", "timeseries-table"):
            assert find(tree, component) is not None, (role, component)
        # every control has a visible label pointing at it
        for component in ("timeseries-indicator", "timeseries-areas", "timeseries-base"):
            assert f'"html_for": "{component}"' in body, (role, component)
        assert find(tree, "timeseries-index")["label"] == "Index: Basisjahr = 100"
        # only admin and controlling get a visible switch for raw values
        assert ("Unverfälschte" in body) is (role in ("admin", "controlling")), role
        assert find(tree, "timeseries-areas")["value"] == ["00", "01"], role


@pytest.mark.parametrize("role,areas", [("admin", ["00", "01"]), ("leadership", ["00", "01"]),
                                        ("department", ["00", "01"]), ("district", ["01"])])
def test_default_areas_for_a_restricted_indicator(clients, role: str, areas: list) -> None:
    _, tree = page(clients[role], f"?indicator={HZE}")
    assert find(tree, "timeseries-indicator")["value"] == HZE
    props = find(tree, "timeseries-areas")
    assert props["value"] == areas
    codes = [o["value"] for o in props["options"]]
    if role == "district":  # only Mitte and its Stadtteile are offered
        assert codes == ["01", "0101", "0102", "0103", "0104"]
    else:
        assert len(codes) == 31 and codes[0] == "00"
    labels = {o["value"]: o["label"] for o in props["options"]}
    assert labels["01"] == "Mitte (Stadtbezirk)"


def test_url_reproduces_the_view(clients) -> None:
    _, tree = page(clients["admin"], "?indicator=sgb2_quote&areas=0101,02&index=2015&raw=1")
    assert find(tree, "timeseries-indicator")["value"] == "sgb2_quote"
    assert find(tree, "timeseries-areas")["value"] == ["0101", "02"]
    assert find(tree, "timeseries-index")["value"] is True
    assert find(tree, "timeseries-base")["value"] == "2015"
    assert find(tree, "timeseries-base")["disabled"] is False
    assert find(tree, "timeseries-raw")["value"] is True
    # raw=1 does nothing for a role that may not switch suppression off
    _, tree = page(clients["leadership"], "?raw=1")
    assert find(tree, "timeseries-raw")["value"] is False


def test_bad_url_parameters_give_a_message_and_fall_back(clients) -> None:
    client = clients["admin"]
    response, tree = page(client, "?indicator=unknown")
    assert "Unbekannter Indikator" in text(response)
    assert find(tree, "timeseries-indicator")["value"] == "altenquotient"

    response, tree = page(client, "?areas=xx!!")
    assert "Ungültiger Gebietsschlüssel" in text(response)
    assert find(tree, "timeseries-areas")["value"] == ["00", "01"]

    response, tree = page(client, "?areas=9999,0101")
    assert "Unbekanntes Gebiet „9999“" in text(response)
    assert find(tree, "timeseries-areas")["value"] == ["0101"]

    # a Stadtteil for an indicator that exists for the whole city only
    response, tree = page(client, "?indicator=ergebnishaushalt_saldo_je_einwohner&areas=0101")
    assert "keine Werte" in text(response)
    assert find(tree, "timeseries-areas")["value"] == ["00"]

    for index in ("1999", "abc", "2024-13"):
        response, tree = page(client, f"?index={index}")
        assert "Basiszeitraum" in text(response) and "absolute Werte" in text(response)
        assert find(tree, "timeseries-index")["value"] is False

    response, _ = page(client, "?indicator=unknown&areas=xx!!&index=1999&raw=yes")
    body = text(response)
    assert "Unbekannter Indikator" in body and "Ungültiger Gebietsschlüssel" in body


def test_layout_for_forbidden_indicator_or_area(clients) -> None:
    response, tree = page(clients["committee"], f"?indicator={HZE}")
    assert UNKNOWN in text(response)  # as if it did not exist (finding 12)
    assert find(tree, "timeseries-indicator")["value"] == "altenquotient"
    options = [o["value"] for o in find(tree, "timeseries-indicator")["options"]]
    assert HZE not in options and "altenquotient" in options

    response, tree = page(clients["district"], f"?indicator={HZE}&areas=01,03")
    assert "Für das Gebiet „Ost (03)“ fehlt Ihnen" in text(response)
    assert find(tree, "timeseries-areas")["value"] == ["01"]


# --- callbacks: values per role ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_series_match_the_gate(clients, gate: Gate, role: str) -> None:
    areas = ["00", "01", "0302"]
    response = series(clients[role], "sgb2_quote", areas)
    assert response.status_code == 200
    got = traces(response)
    assert list(got) == areas
    for code in areas:
        assert_series(got[code], expected(gate, role, "sgb2_quote", code))
    assert got["01"]["name"] == "Mitte"
    # the table shows the same numbers, German formatted
    table = json.dumps(response.json["response"]["timeseries-table"], ensure_ascii=False)
    want = {code: expected(gate, role, "sgb2_quote", code) for code in areas}
    assert table_rows(response)["2024"] == [format_number(want[c]["2024"], 1) for c in areas]
    assert '"Mitte (Stadtbezirk)"' in table and '"scope": "col"' in table


@pytest.mark.parametrize("role", ["admin", "controlling", "leadership", "department"])
def test_restricted_series_for_allowed_roles(clients, gate: Gate, role: str) -> None:
    areas = ["00", "03", "0303"]
    got = traces(series(clients[role], HZE, areas))
    assert list(got) == areas
    for code in areas:
        assert_series(got[code], expected(gate, role, HZE, code))


def test_committee_gets_no_hze_data(clients, gate: Gate) -> None:
    response = series(clients["committee"], HZE, ["00", "01"])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert UNKNOWN in text(response)  # as if it did not exist (finding 12)
    assert response.json["response"]["timeseries-graph"]["figure"]["data"] == []
    assert response.json["response"]["timeseries-table"]["children"] is None
    for value in secrets(gate, HZE, ["00", "01"]):
        assert repr(value) not in body
    # switching to it offers nothing either
    response = choose(clients["committee"], HZE, ["00", "01"], "2015")
    assert response.status_code == 200
    assert response.json["response"]["timeseries-areas"] == {"options": [], "value": []}
    assert response.json["response"]["timeseries-base"] == {"options": [], "value": None}


@pytest.mark.parametrize("raw", [False, True])
def test_district_gets_no_other_district(clients, gate: Gate, raw: bool) -> None:
    response = series(clients["district"], HZE, ["01", "03", "0301", "0101"], raw=raw)
    assert response.status_code == 200
    got = traces(response)
    assert list(got) == ["01", "0101"]
    assert_series(got["01"], expected(gate, "district", HZE, "01"))
    body, readable = response.get_data(as_text=True), text(response)
    assert "Ost (03)" in readable and "Oststadt (0301)" in readable  # the message names them
    own = {format_number(v, 1) for v in secrets(gate, HZE, ["01", "0101"])}
    for value in secrets(gate, HZE, ["03", "0301", "00"]):
        assert repr(value) not in body
        if format_number(value, 1) not in own:
            assert f'"{format_number(value, 1)}"' not in readable
    table = json.dumps(response.json["response"]["timeseries-table"], ensure_ascii=False)
    assert "Ost" not in table


def test_district_switching_to_hze_keeps_own_areas_only(clients) -> None:
    response = choose(clients["district"], HZE, ["00", "01", "0101", "0301"], "2013")
    result = response.json["response"]
    assert result["timeseries-areas"]["value"] == ["01", "0101"]
    assert all(o["value"].startswith("01") for o in result["timeseries-areas"]["options"])
    assert result["timeseries-base"]["value"] == "2013"


def test_indicator_change_keeps_available_areas(clients) -> None:
    result = choose(clients["admin"], "ergebnishaushalt_saldo_je_einwohner",
                    ["00", "01", "0101"], "2025").json["response"]
    assert result["timeseries-areas"]["options"] == [
        {"label": "Musterstadt (Stadt)", "value": "00"}]
    assert result["timeseries-areas"]["value"] == ["00"]
    assert result["timeseries-base"]["value"] == "2012"  # 2025 has no values: first period
    result = choose(clients["admin"], "wahlbeteiligung_kommunalwahl", ["0101", "02"],
                    "2020").json["response"]
    assert result["timeseries-areas"]["value"] == ["0101", "02"]
    assert [o["value"] for o in result["timeseries-base"]["options"]] == ["2014", "2020", "2025"]
    assert result["timeseries-base"]["value"] == "2020"
    # nothing left: fall back to the defaults of the new indicator
    result = choose(clients["district"], HZE, ["00"]).json["response"]
    assert result["timeseries-areas"]["value"] == ["01"]


# --- suppression, index, gaps -------------------------------------------------------------


def test_suppressed_cell_is_a_gap_with_a_mark(clients, gate: Gate) -> None:
    # The first Stadtteil whose first year is suppressed (which cells the
    # secondary suppression picks is the suppression module's business).
    rows = gate.values(VIEWERS["admin"], HZE, level="subdistrict", all_periods=True)
    first = rows[rows["period"] == "2012"]
    area = first.loc[first["suppressed"], "area_code"].iloc[0]
    hidden = expected(gate, "admin", HZE, area, raw=True)["2012"]
    assert hidden is not None and expected(gate, "admin", HZE, area)["2012"] is None
    response = series(clients["admin"], HZE, [area])
    trace = traces(response)[area]
    assert trace["x"][0] == "2012" and trace["y"][0] is None
    assert repr(hidden) not in response.get_data(as_text=True)
    first_row = response.json["response"]["timeseries-table"]["children"]
    readable = json.dumps(first_row, ensure_ascii=False)
    assert f'"title": "{SUPPRESSED_TOOLTIP["de"]}"' in readable
    assert '"children": "·"' in readable
    assert table_rows(response)["2012"] == ["·"]
    assert table_rows(response)["2013"] == [format_number(expected(gate, "admin", HZE,
                                                                   area)["2013"], 1)]

    # admin with raw on sees the number; the department's raw switch does nothing
    assert traces(series(clients["admin"], HZE, [area], raw=True))[area]["y"][0] == \
        pytest.approx(hidden)
    response = series(clients["department"], HZE, [area], raw=True)
    assert traces(response)[area]["y"][0] is None
    assert repr(hidden) not in response.get_data(as_text=True)


def test_index_base_period_is_exactly_100(clients, gate: Gate) -> None:
    areas = ["00", "01", "0101"]
    response = series(clients["admin"], "altenquotient", areas, indexed=True, base="2015")
    figure = response.json["response"]["timeseries-graph"]["figure"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Index (2015 = 100)"
    for code, trace in traces(response).items():
        at = trace["x"].index("2015")
        assert trace["y"][at] == 100.0
        want = expected(gate, "admin", "altenquotient", code)
        assert trace["y"][-1] == pytest.approx(want["2025"] / want["2015"] * 100)
    rows = table_rows(response)
    assert rows["2015"] == ["100,0"] * len(areas)
    last = [traces(response)[code]["y"][-1] for code in areas]
    assert rows["2025"] == [format_number(y, 1) for y in last]
    assert "Index (2015 = 100)" in json.dumps(response.json["response"]["timeseries-table"])
    # switched off, the same base gives absolute values
    response = series(clients["admin"], "altenquotient", areas, indexed=False, base="2015")
    assert traces(response)["00"]["y"][0] == pytest.approx(
        expected(gate, "admin", "altenquotient", "00")["2012"])


def test_election_years_only(clients, gate: Gate) -> None:
    response = series(clients["committee"], "wahlbeteiligung_kommunalwahl", ["00", "0101"])
    for code, trace in traces(response).items():
        assert trace["x"] == ["2014", "2020", "2025"]
        assert trace["connectgaps"] is False
        assert_series(trace, expected(gate, "committee", "wahlbeteiligung_kommunalwahl", code))
    assert list(table_rows(response)) == ["2014", "2020", "2025"]


def test_missing_period_is_null_in_figure_and_dash_in_table(ts) -> None:
    df = pd.DataFrame({
        "area_code": ["00", "00", "00", "01", "01"],
        "area_name": ["Stadt", "Stadt", "Stadt", "Mitte", "Mitte"],
        "period": ["2014", "2020", "2025", "2014", "2025"],
        "value": [50.0, 60.0, 55.0, 40.0, math.nan],
        "suppressed": [False, False, False, False, True],
    })
    figure = time_series(df, unit="%", decimals=1).to_plotly_json()
    mitte = figure["data"][1]
    assert list(mitte["x"]) == ["2014", "2020", "2025"]
    assert list(mitte["y"]) == [40.0, None, None]
    table = json.dumps(ts.series_table(df, [("00", "Stadt"), ("01", "Mitte")], caption="c",
                                    decimals=1, index_base=None, lang="de").to_plotly_json(),
                       default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert '"50,0"' in table and '"40,0"' in table and '"–"' in table
    assert SUPPRESSED_TOOLTIP["de"] in table


# --- callbacks: untrusted input -------------------------------------------------------------


@pytest.mark.parametrize("indicator,areas,indexed,base,message", [
    ("unknown", ["00"], False, None, "Unbekannter Indikator"),
    ("../etc", ["00"], False, None, "Unbekannter Indikator"),
    ("sgb2_quote", ["xx!!"], False, None, "Ungültiger Gebietsschlüssel"),
    ("sgb2_quote", ["9999"], False, None, "Unbekanntes Gebiet"),
    ("sgb2_quote", [], False, None, "mindestens ein Gebiet"),
    ("sgb2_quote", ["00"], True, "1999", "absolute Werte"),
    ("sgb2_quote", ["00"], True, "20'15", "absolute Werte"),
    ("sgb2_quote", ["00"], True, None, "absolute Werte"),
])
def test_bad_callback_input_gives_a_message(clients, indicator, areas, indexed, base,
                                            message) -> None:
    response = series(clients["leadership"], indicator, areas, indexed=indexed, base=base)
    assert response.status_code == 200
    body = text(response)
    assert "Traceback" not in body
    assert message in json.dumps(response.json["response"]["timeseries-message"],
                                 ensure_ascii=False)
    figure = response.json["response"]["timeseries-graph"]["figure"]
    assert "Index" not in json.dumps(figure.get("layout", {}).get("yaxis", {}))


@pytest.mark.parametrize("areas", ["00", [None, 5, {"a": 1}], {"00": 1}, ["x" * 100_000]])
def test_areas_of_the_wrong_type_are_a_bad_request(clients, areas) -> None:
    response = series(clients["leadership"], "sgb2_quote", areas)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


def test_too_many_areas_are_capped(clients) -> None:
    codes = ["00", "01", "02", "03", "04", "05", "06", "0101", "0102", "0103", "0104",
             "0201", "0202", "0203"]
    response = series(clients["admin"], "einwohner", codes)
    assert list(traces(response)) == codes[:12]
    assert "höchstens 12 Gebiete" in text(response)
    # a flood of junk codes gives a bounded answer, a larger one is refused
    response = series(clients["admin"], "einwohner", [f"x{i}!" for i in range(400)])
    assert response.status_code == 200
    assert text(response).count("Ungültiger Gebietsschlüssel") == 48
    response = series(clients["admin"], "einwohner", [f"x{i}!" for i in range(2000)])
    assert response.status_code == 400


def test_anonymous_callback_gets_401_and_no_data(app_server) -> None:
    response = series(app_server.test_client(), "einwohner", ["00"])
    assert response.status_code == 401
    assert "Musterstadt" not in response.get_data(as_text=True)


# --- pure helpers ------------------------------------------------------------------------------


def test_parse_and_keep_areas(ts) -> None:
    parse_areas, dedupe, keep_areas = ts.parse_areas, ts.dedupe, ts.keep_areas
    assert parse_areas("00, 01,,01 ,0101") == ["00", "01", "0101"]
    assert parse_areas(None) == [] and parse_areas(["00"]) == []
    assert len(parse_areas(",".join(str(i) for i in range(500)))) == 48
    assert dedupe(["a", None, 3, "a", ""]) == ["a"] and dedupe("00") == []
    assert keep_areas(["03", "01", "00"], ["00", "01", "0101"]) == ["01", "00"]
    assert keep_areas(None, ["00"]) == []


def test_default_areas(ts) -> None:
    default_areas = ts.default_areas
    allowed = ["00", "01", "02", "0201"]
    assert default_areas(allowed, "00", None, "01") == ["00", "01"]
    assert default_areas(allowed, "00", "02", "01") == ["00", "02"]
    assert default_areas(["0201", "02"], "00", "02", "01") == ["02"]
    assert default_areas(["0201"], "00", "02", "01") == ["0201"]
    assert default_areas([], "00", None, "01") == []


def test_index_series_and_pivot(ts) -> None:
    index_series, pivot = ts.index_series, ts.pivot
    assert index_series([50.0, None, 75.0], 50.0) == [100.0, None, 150.0]
    assert index_series([50.0, 75.0], None) == [None, None]
    assert index_series([50.0], 0.0) == [None]
    df = pd.DataFrame({"area_code": ["01", "01", "02"], "period": ["2020", "2021", "2021"],
                       "value": [1.5, 7.0, 2.0], "suppressed": [False, True, False]})
    periods, cells = pivot(df, ["02", "01"])
    assert periods == ["2020", "2021"]
    assert cells == {"02": {"2021": (2.0, False)},
                     "01": {"2020": (1.5, False), "2021": (None, True)}}


def test_table_in_english_and_indexed(ts) -> None:
    series_table = ts.series_table
    df = pd.DataFrame({"area_code": ["01", "01"], "area_name": ["Mitte", "Mitte"],
                       "period": ["2020", "2021"], "value": [1234.5, 2469.0],
                       "suppressed": [False, False]})
    plain = json.dumps(series_table(df, [("01", "Mitte")], caption="c", decimals=1,
                                    index_base=None, lang="en").to_plotly_json(),
                       default=lambda c: c.to_plotly_json())
    assert '"1,234.5"' in plain and '"2,469.0"' in plain and '"Period"' in plain
    indexed = json.dumps(series_table(df, [("01", "Mitte")], caption="c", decimals=1,
                                      index_base="2020", lang="de").to_plotly_json(),
                         default=lambda c: c.to_plotly_json())
    assert '"100,0"' in indexed and '"200,0"' in indexed and "1.234,5" not in indexed
