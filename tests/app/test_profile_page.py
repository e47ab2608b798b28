"""Stadtteilprofil: real layouts and callback payloads per role; forbidden values never leave."""

from __future__ import annotations

import importlib
import math
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.formatting import (
    MISSING,
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    format_number,
    format_value,
)
from cockpit.app.i18n import STRINGS
from tests.app.conftest import callback, render_page, response_text

HZE = ("hze_je_1000_unter_21", "hze_stationaer_je_1000_unter_21")
HZE_UNIT = "1.000 unter 21-Jährige"
CSS = Path(__file__).resolve().parents[2] / "assets" / "profile.css"
SPARK_OUTPUT = '{"indicator":["ALL"],"type":"profile-spark"}.figure'


# -- helpers -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.fixture(scope="module")
def profile(app_server):
    """The page module as Dash loaded it (it can only be imported once an app exists)."""
    return importlib.import_module("cockpit.pages.profile")


def show(client, area, raw=False):
    """The content callback, as the browser posts it after an area or raw change."""
    return callback(client, "profile-content.children",
                    {"profile-area.value": area, "profile-raw.value": raw})


def page_tree(response):
    return response.json["response"]["_pages_content"]["children"]


def content_tree(response):
    return response.json["response"]["profile-content"]["children"]


def find(tree, pred) -> list[dict]:
    """Every component in a layout tree for which pred(component) holds."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "props" in node and "type" in node and pred(node):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def text(node) -> str:
    """The visible text of a component (its string children, recursively)."""
    if isinstance(node, str):
        return node
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, list):
        return " ".join(text(n) for n in node)
    if isinstance(node, dict) and "props" in node:
        return text(node["props"].get("children"))
    return ""


def rows(tree) -> dict[str, dict]:
    return {n["props"]["data-indicator"]: n
            for n in find(tree, lambda n: "data-indicator" in n["props"])}


def cell(row: dict, label: str) -> dict:
    (found,) = find(row, lambda n: n["type"] == "Td" and n["props"].get("data-label") == label)
    return found


def series_store(tree) -> dict:
    (store,) = find(tree, lambda n: n["props"].get("id") == "profile-series")
    return store["props"]["data"]


def draw(client, store: dict, keys: list[str] | None = None):
    """The sparkline callback: the store's series in, one figure per row graph out."""
    ids = [{"type": "profile-spark", "indicator": key} for key in (keys or list(store))]
    return client.post("/_dash-update-component", json={
        "output": SPARK_OUTPUT,
        "outputs": [{"id": i, "property": "figure"} for i in ids],
        "inputs": [{"id": "profile-series", "property": "data", "value": store}],
        "state": [[{"id": i, "property": "id", "value": i} for i in ids]],
        "changedPropIds": ["profile-series.data"],
    })


def latest(gate: Gate, viewer: Viewer, indicator: str, area: str) -> tuple[str, float, float]:
    """Period, area value and city value as the gate hands them to this viewer."""
    frame = gate.values(viewer, indicator, all_periods=True)
    mine = frame[frame["area_code"] == area]
    period = mine["period"].max()
    value = mine.loc[mine["period"] == period, "value"].iloc[0]
    city = frame[(frame["area_code"] == "00") & (frame["period"] == period)]["value"]
    return period, float(value), float(city.iloc[0]) if len(city) else math.nan


def german(value: float, indicator: str, gate: Gate) -> str:
    ind = gate.registry.get(indicator)
    return format_value(value, ind.unit, ind.decimals, "de")


def standalone(number: str, body: str) -> bool:
    """Whether a formatted number occurs on its own (not as the tail of a longer one)."""
    return re.search(r"(?<![\d.,])" + re.escape(number) + r"(?![\d])", body) is not None


# -- page and controls ---------------------------------------------------------------------------

def test_page_renders_for_every_role_with_one_h1(clients) -> None:
    for role, client in clients.items():
        response = render_page(client, "/profil")
        assert response.status_code == 200, role
        tree = page_tree(response)
        (h1,) = find(tree, lambda n: n["type"] == "H1")
        assert text(h1) == "Stadtteilprofil Mitte", role  # default: the first Stadtbezirk
        assert len(rows(tree)) > 20, role
        assert find(tree, lambda n: n["props"].get("id") == "profile-print"), role
        assert "Drucken" in response_text(response)


def test_raw_switch_only_for_admin_and_controlling(clients) -> None:
    for role, client in clients.items():
        body = response_text(render_page(client, "/profil", "?area=0101&raw=1"))
        may = role in ("admin", "controlling")
        assert ("Unverfälschte" in body) is may, role
        assert ('"profile-raw"' in body) is may, role


def test_area_dropdown_offers_every_area_with_its_level(clients, gate: Gate) -> None:
    tree = page_tree(render_page(clients["committee"], "/profil", "?area=0203"))
    (dropdown,) = find(tree, lambda n: n["props"].get("id") == "profile-area")
    options = dropdown["props"]["options"]
    areas = gate.areas(Viewer("x", "committee"))
    assert [o["value"] for o in options] == list(areas["code"])
    labels = {o["value"]: o["label"] for o in options}
    assert labels["00"] == "Musterstadt (Stadt)"
    assert labels["01"] == "Mitte (Stadtbezirk)"
    assert labels["0203"] == "Kirchberg (Stadtteil)"
    assert dropdown["props"]["value"] == "0203"
    (label,) = find(tree, lambda n: n["type"] == "Label")
    assert label["props"]["html_for"] == "profile-area"


def test_headings_follow_the_topics(clients, gate: Gate) -> None:
    tree = page_tree(render_page(clients["leadership"], "/profil", "?area=0101"))
    (h1,) = find(tree, lambda n: n["type"] == "H1")
    assert text(h1) == "Stadtteilprofil Altstadt"
    assert "Stadtteil im Stadtbezirk Mitte" in text(tree)
    h2 = [text(n) for n in find(tree, lambda n: n["type"] == "H2")]
    topics = gate.registry.topics
    shown = list(dict.fromkeys(ind.topic for ind in gate.visible_indicators(
        Viewer("x", "leadership")) if ind.id in rows(tree)))
    assert h2 == [topics[topic]["de"] for topic in shown]
    assert "Finanzen" not in h2  # budget indicators exist for the city only
    assert "Datenstand" in text(tree)
    # every table has header cells
    assert len(find(tree, lambda n: n["type"] == "Th" and n["props"].get("scope") == "col")) \
        == 5 * len(h2)


# -- values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("indicator", ["sgb2_quote", "einwohner", "anteil_unter_18"])
def test_value_and_city_value_match_the_gate(profile, clients, gate: Gate, indicator: str) -> None:
    viewer = Viewer("x", "leadership")
    period, value, city = latest(gate, viewer, indicator, "0203")
    assert not math.isnan(value) and not math.isnan(city)
    response = show(clients["leadership"], "0203")
    assert response.status_code == 200
    row = rows(content_tree(response))[indicator]
    assert text(cell(row, "Wert")) == german(value, indicator, gate)
    assert text(cell(row, "Wert der Stadt")) == german(city, indicator, gate)
    decimals = gate.registry.get(indicator).decimals
    assert text(cell(row, "Abweichung von der Stadt")) == profile.deviation_text(
        value - city, decimals, "de")
    word = "über" if round(value - city, decimals) > 0 else "unter"
    assert f"{word} dem Stadtwert" in text(cell(row, "Abweichung von der Stadt"))
    assert period in text(row)


def test_layout_and_callback_show_the_same_profile(clients) -> None:
    from_url = page_tree(render_page(clients["committee"], "/profil", "?area=0402"))
    from_callback = content_tree(show(clients["committee"], "0402"))
    assert {k: text(v) for k, v in rows(from_url).items()} == \
        {k: text(v) for k, v in rows(from_callback).items()}


def test_city_profile_has_budget_rows_and_no_deviation(clients) -> None:
    tree = content_tree(show(clients["leadership"], "00"))
    found = rows(tree)
    assert "ergebnishaushalt_saldo_je_einwohner" in found
    assert "Finanzen" in [text(n) for n in find(tree, lambda n: n["type"] == "H2")]
    for row in found.values():
        assert text(cell(row, "Abweichung von der Stadt")) == MISSING
    subdistrict = rows(content_tree(show(clients["leadership"], "0101")))
    assert "ergebnishaushalt_saldo_je_einwohner" not in subdistrict


# -- permissions ----------------------------------------------------------------------------------

def test_committee_gets_no_hze_anywhere(clients) -> None:
    for response in (render_page(clients["committee"], "/profil", "?area=0101"),
                     show(clients["committee"], "0101")):
        assert response.status_code == 200
        body = response_text(response)
        assert "hze" not in body.lower()
        assert HZE_UNIT not in body
        assert "Erziehung" not in body
    tree = content_tree(show(clients["committee"], "0101"))
    assert len(rows(tree)) > 20  # the rest of the profile is there


def test_district_user_sees_hze_only_in_own_district(clients, gate: Gate) -> None:
    district = Viewer("x", "district", area_code="01")
    own = show(clients["district"], "0101")
    found = rows(content_tree(own))
    for indicator in HZE:
        assert indicator in found
        _, value, _ = latest(gate, district, indicator, "0101")
        row = found[indicator]
        shown = text(cell(row, "Wert"))
        if math.isnan(value):  # suppressed
            assert SUPPRESSED_MARK in shown
        else:
            assert shown == german(value, indicator, gate)
        # the city lies outside the district user's scope for restricted data
        assert text(cell(row, "Wert der Stadt")) == MISSING
        assert text(cell(row, "Abweichung von der Stadt")) == MISSING

    admin = Viewer("x", "admin", raw=True)
    for response in (show(clients["district"], "0301"),
                     render_page(clients["district"], "/profil", "?area=0301")):
        assert response.status_code == 200
        body = response_text(response)
        assert "hze" not in body.lower()
        assert HZE_UNIT not in body
        tree = content_tree(response) if "profile-content" in response.json["response"] \
            else page_tree(response)
        assert len(rows(tree)) > 20
        stored = [entry["values"] for entry in series_store(tree).values()]
        for indicator in HZE:
            secret = gate.values(admin, indicator, area="0301", all_periods=True)
            ind = gate.registry.get(indicator)
            for number in secret["value"].dropna():
                assert not re.search(r"(?<![\d.,])" + re.escape(
                    format_value(number, ind.unit, ind.decimals, "de")), body)
            digits = ind.decimals + 2
            assert [round(v, digits) for v in secret["value"]] not in stored


def test_district_default_area_is_their_own(profile, gate: Gate) -> None:
    codes = list(gate.areas(Viewer("x", "admin"))["code"])
    assert profile.default_area(Viewer("x", "district", area_code="03"), codes) == "03"
    assert profile.default_area(Viewer("x", "district", area_code="0302"), codes) == "0302"
    assert profile.default_area(Viewer("x", "district", area_code="77"), codes) == "01"
    assert profile.default_area(Viewer("x", "admin", area_code="03"), codes) == "01"
    assert profile.default_area(Viewer("x", "committee"), codes) == "01"


# -- suppression -----------------------------------------------------------------------------

SUPPRESSION_CANDIDATES = ("hze_stationaer_je_1000_unter_21", "abgaenger_ohne_abschluss",
                          "uebergang_hauptschule")


@pytest.fixture(scope="module")
def suppressed_case(gate: Gate) -> tuple[str, str, float]:
    """Indicator, Stadtteil and raw value of a suppressed latest value (admin without raw)."""
    for indicator in SUPPRESSION_CANDIDATES:
        frame = gate.values(Viewer("x", "admin"), indicator, level="subdistrict")
        hidden = frame[frame["suppressed"]]
        if not hidden.empty:
            area = str(hidden["area_code"].iloc[0])
            raw = gate.values(Viewer("x", "admin", raw=True), indicator, area=area)
            value = float(raw["value"].iloc[-1])
            assert not math.isnan(value)
            return indicator, area, value
    raise AssertionError("the demo data should suppress some latest Stadtteil value")


def test_suppressed_cell_shows_mark_and_no_number(clients, gate: Gate, suppressed_case) -> None:
    indicator, area, raw_value = suppressed_case
    ind = gate.registry.get(indicator)
    for role in ("admin", "controlling", "leadership"):
        response = show(clients[role], area)
        assert response.status_code == 200, role
        tree = content_tree(response)
        row = rows(tree)[indicator]
        value_cell = cell(row, "Wert")
        assert SUPPRESSED_MARK in text(value_cell), role
        (mark,) = find(value_cell, lambda n: n["props"].get("title") == SUPPRESSED_TOOLTIP["de"])
        assert text(value_cell) == f"{SUPPRESSED_MARK} {SUPPRESSED_TOOLTIP['de']}", role
        assert text(cell(row, "Abweichung von der Stadt")) == MISSING, role
        assert not standalone(format_number(raw_value, ind.decimals, "de"), text(row)), role
        body = response_text(response)
        assert repr(raw_value) not in body, role
        assert series_store(tree)[indicator]["values"][-1] is None, role
        assert "Geheimhaltung" in text(tree)  # legend under the tables


def test_suppressed_earlier_hze_value_is_a_gap_in_the_trend(clients, gate: Gate) -> None:
    """HzE stationär: a suppressed period (admin without raw) leaves a gap, never a number."""
    indicator = "hze_stationaer_je_1000_unter_21"
    frame = gate.values(Viewer("x", "admin"), indicator, all_periods=True)
    hidden = frame[frame["suppressed"] & (frame["level"] == "subdistrict")]
    assert not hidden.empty
    area, period = str(hidden["area_code"].iloc[-1]), str(hidden["period"].iloc[-1])
    raw = gate.values(Viewer("x", "admin", raw=True), indicator, area=area, period=period)
    raw_value = float(raw["value"].iloc[0])
    digits = gate.registry.get(indicator).decimals + 2
    for role in ("admin", "leadership", "department"):
        response = show(clients[role], area)
        tree = content_tree(response)
        entry = series_store(tree)[indicator]
        assert entry["values"][entry["periods"].index(period)] is None, role
        body = response_text(response)
        assert repr(raw_value) not in body and repr(round(raw_value, digits)) not in body
        figure = draw(clients[role], {indicator: entry}).json["response"]
        (spark,) = figure.values()
        assert round(raw_value, digits) not in spark["figure"]["data"][0]["y"]
    raw_tree = content_tree(show(clients["admin"], area, raw=True))
    entry = series_store(raw_tree)[indicator]
    assert entry["values"][entry["periods"].index(period)] == pytest.approx(raw_value, abs=1e-3)


def test_raw_switch_shows_the_number_only_to_raw_roles(clients, gate: Gate,
                                                       suppressed_case) -> None:
    indicator, area, raw_value = suppressed_case
    expected = german(raw_value, indicator, gate)
    admin_row = rows(content_tree(show(clients["admin"], area, raw=True)))[indicator]
    assert text(cell(admin_row, "Wert")) == expected
    from_url = rows(page_tree(render_page(clients["controlling"], "/profil",
                                          f"?area={area}&raw=1")))[indicator]
    assert text(cell(from_url, "Wert")) == expected
    for role in ("leadership", "district", "committee"):  # the gate ignores raw for them
        for response in (show(clients[role], area, raw=True),
                         render_page(clients[role], "/profil", f"?area={area}&raw=1")):
            tree = content_tree(response) if "profile-content" in response.json["response"] \
                else page_tree(response)
            row = rows(tree)[indicator]
            assert text(cell(row, "Wert")).startswith(SUPPRESSED_MARK), role
            assert repr(raw_value) not in response_text(response), role


# -- bad parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("search,message", [
    ("?area=9999", "Unbekanntes Gebiet „9999“"),
    ("?area=%3Cscript%3Ealert(1)%3C/script%3E", "Ungültiger Gebietsschlüssel"),
    ("?area=<script>", "Ungültiger Gebietsschlüssel"),
    ("?area=01'%20OR%201=1", "Ungültiger Gebietsschlüssel"),
])
def test_unknown_area_in_url_shows_message_and_no_profile(clients, search: str,
                                                          message: str) -> None:
    for role in ("admin", "district", "committee"):
        response = render_page(clients[role], "/profil", search)
        assert response.status_code == 200, role
        body = response_text(response)
        assert message in body, role
        assert "<script>" not in body
        tree = page_tree(response)
        assert rows(tree) == {}, role
        assert find(tree, lambda n: n["type"] == "H2") == []
        assert len(find(tree, lambda n: n["type"] == "H1")) == 1
        assert "Datenstand" not in body


@pytest.mark.parametrize("area", ["9999", "<script>", None, ""])
def test_bad_area_in_callback_shows_message(clients, area) -> None:
    response = show(clients["leadership"], area)
    assert response.status_code == 200
    tree = content_tree(response)
    assert rows(tree) == {}
    assert "Gebiet" in text(tree)


@pytest.mark.parametrize("area", [42, ["01"], {"code": "01"}])
def test_area_of_the_wrong_type_is_a_bad_request(clients, area) -> None:
    response = show(clients["leadership"], area)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


def test_anonymous_callback_gets_401_and_no_data(app_server) -> None:
    response = show(app_server.test_client(), "0101")
    assert response.status_code == 401
    assert "Altstadt" not in response.get_data(as_text=True)


# -- trend lines ----------------------------------------------------------------------------------

def test_sparklines_draw_the_series_of_the_table(clients, gate: Gate) -> None:
    tree = content_tree(show(clients["leadership"], "0203"))
    store = series_store(tree)
    assert set(store) == set(rows(tree))
    graphs = find(tree, lambda n: n["type"] == "Graph")
    assert len(graphs) == len(store)
    assert all(g["props"]["config"]["staticPlot"] for g in graphs)
    response = draw(clients["leadership"], store)
    assert response.status_code == 200
    figures = response.json["response"]
    frame = gate.values(Viewer("x", "leadership"), "einwohner", all_periods=True)
    expected = frame[frame["area_code"] == "0203"]["value"].tolist()
    figure = figures['{"indicator":"einwohner","type":"profile-spark"}']["figure"]
    assert figure["data"][0]["y"] == pytest.approx(expected, abs=0.01)
    assert figure["data"][0]["x"] == sorted(set(frame["period"]))


def test_malformed_series_give_blank_figures(clients) -> None:
    store = {
        "a": {"periods": ["2024", "2025"], "values": [1.0], "direction": "neutral"},
        "b": {"periods": ["2024"], "values": [1.0], "direction": "bogus"},
        "c": "nonsense",
        "d": {"periods": [str(y) for y in range(500)], "values": [1.0] * 500,
              "direction": "neutral"},
        "e": {"periods": ["2024", "2025"], "values": ["x", 2], "direction": "neutral"},
    }
    response = draw(clients["committee"], store, keys=[*store, "missing"])
    assert response.status_code == 200
    for figure in response.json["response"].values():
        assert figure["figure"]["data"] == []


def test_one_gate_call_per_indicator_and_fast(clients, app_server, monkeypatch) -> None:
    app_gate = app_server.extensions["cockpit_gate"]
    show(clients["leadership"], "0101")  # warm the gate's frames
    calls: list[str] = []
    original = app_gate.rows

    def counting(viewer, indicator_id, **kwargs):
        calls.append(indicator_id)
        # all periods, only the area and the city: never a wider scan
        assert kwargs["all_periods"] is True
        assert set(kwargs) == {"all_periods", "areas"} and kwargs["areas"][-1] == "00"
        assert len(kwargs["areas"]) == 2
        return original(viewer, indicator_id, **kwargs)

    monkeypatch.setattr(app_gate, "rows", counting)
    started = time.perf_counter()
    response = show(clients["leadership"], "0204")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    visible = [ind.id for ind in app_gate.visible_indicators(Viewer("x", "leadership"))]
    assert len(visible) >= 35
    assert sorted(calls) == sorted(visible)
    assert elapsed < 1.0, f"profile took {elapsed:.2f} s"


# -- pure functions -------------------------------------------------------------------------------

def _frame(records: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["area_code", "period", "value", "suppressed"])


def test_profile_row_picks_latest_known_value_and_city_of_that_period(profile) -> None:
    frame = _frame([
        ("00", "2023", 10.0, False), ("00", "2024", 11.0, False), ("00", "2025", 12.0, False),
        ("0101", "2023", 5.0, False), ("0101", "2024", 6.0, False),
        ("0101", "2025", float("nan"), False),
    ])
    row = profile.profile_row(frame, "0101", "00")
    assert (row.period, row.value, row.city_value) == ("2024", 6.0, 11.0)
    assert row.deviation == -5.0
    assert row.periods == ["2023", "2024", "2025"]
    assert row.series == [5.0, 6.0, None]
    assert profile.profile_row(frame, "0102", "00") is None


def test_profile_row_keeps_suppression(profile) -> None:
    frame = _frame([
        ("00", "2025", float("nan"), True), ("0101", "2024", 2.0, False),
        ("0101", "2025", float("nan"), True),
    ])
    row = profile.profile_row(frame, "0101", "00")
    assert row.period == "2025" and row.suppressed and row.value is None
    assert row.city_suppressed and row.city_value is None and row.deviation is None
    assert row.series == [2.0, None]
    no_city = profile.profile_row(frame[frame["area_code"] != "00"], "0101", "00")
    assert no_city.city_value is None and not no_city.city_suppressed


def test_profile_row_latest_half_year_is_december(profile) -> None:
    # As strings "2024-H1" > "2023-H2" but also "2024-06" > "2024": the end date decides.
    frame = _frame([
        ("00", "2024-H1", 20.0, False), ("00", "2024-H2", 21.0, False),
        ("0101", "2024-H2", 7.0, False), ("0101", "2023-H2", 5.0, False),
        ("0101", "2024-H1", 6.0, False),
    ])
    row = profile.profile_row(frame, "0101", "00")
    assert (row.period, row.value, row.city_value) == ("2024-H2", 7.0, 21.0)
    assert row.periods == ["2023-H2", "2024-H1", "2024-H2"]
    assert row.series == [5.0, 6.0, 7.0]


def test_deviation_text(profile) -> None:
    assert profile.deviation_text(1.23, 1, "de") == "+1,2 über dem Stadtwert"
    assert profile.deviation_text(-0.44, 1, "de") == "\u22120,4 unter dem Stadtwert"
    assert profile.deviation_text(0.01, 1, "de") == "±0 wie der Stadtwert"
    assert profile.deviation_text(-1234.0, 0, "de") == "\u22121.234 unter dem Stadtwert"
    assert profile.deviation_text(2.0, 1, "en") == "+2.0 above the city value"
    assert profile.deviation_text(None, 1, "de") == MISSING


def test_area_options_version_and_period_texts(profile) -> None:
    areas = pd.DataFrame({"code": ["00", "01", "0101"], "name": ["Stadt X", "Mitte", "Alt"],
                          "level": ["city", "district", "subdistrict"]})
    assert [o["label"] for o in profile.area_options(areas, "de")] == [
        "Stadt X (Stadt)", "Mitte (Stadtbezirk)", "Alt (Stadtteil)"]
    assert profile.area_options(areas, "en")[2]["label"] == "Alt (Neighbourhood)"
    assert profile.version_text("20261126T074023841180Z", "de") == "26.11.2026"
    assert profile.version_text("20261126T074023841180Z", "en") == "26 November 2026"
    assert profile.version_text("v7", "de") == "v7"
    assert profile.periods_text(["2024", "2025", "2025"], "de") == "2025, 2024"


def test_sparkline_figure_from_series(profile) -> None:
    figure = profile.sparkline_figure({"periods": ["2024", "2025"], "values": [1.0, None],
                                       "direction": "lower_is_better"})
    assert figure["data"][0]["y"] == [1.0, None]
    assert profile.sparkline_figure({"periods": ["2024"], "values": [float("inf")],
                                     "direction": "neutral"})["data"][0]["y"] == [None]
    assert profile.sparkline_figure(None) == profile.BLANK_FIGURE


def test_strings_exist_in_german_and_english(profile) -> None:
    keys = [key for key in STRINGS if key.startswith("profile.")]
    assert len(keys) >= 10
    for key in keys:
        assert STRINGS[key].get("de") and STRINGS[key].get("en"), key


# -- print and URL --------------------------------------------------------------------------------

def test_print_css_hides_controls_and_keeps_rows_together() -> None:
    css = CSS.read_text(encoding="utf-8")
    screen, _, printed = css.partition("@media print")
    assert printed, "no print rules"
    for rule in ("size: A4 portrait", ".navbar", ".no-print", ".profile-controls",
                 "break-inside: avoid", "color: #000", "background: #fff"):
        assert rule in printed, rule
    # the phone layout must not apply to paper (A4 is narrower than the breakpoint)
    assert "@media screen and (max-width" in screen
    assert "@media (max-width" not in css


def test_print_button_and_url_sync_are_clientside(clients) -> None:
    dependencies = clients["committee"].get("/_dash-dependencies").json
    by_output = {d["output"]: d for d in dependencies}
    printing = by_output["profile-print-sink.data"]
    assert [i["id"] for i in printing["inputs"]] == ["profile-print"]
    url = by_output["profile-url.data"]
    assert [i["id"] for i in url["inputs"]] == ["profile-area", "profile-raw"]
    # inline clientside functions are served with the page's HTML
    index = clients["committee"].get("/profil").get_data(as_text=True)
    assert printing["clientside_function"]["function_name"] in index
    assert "window.print()" in index
    assert 'cockpitSetQuery({area: area, raw: raw ? "1" : null})' in index
