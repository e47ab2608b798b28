"""Zusammenhang: real callback payloads per role; forbidden or withheld values never leave."""

from __future__ import annotations

import inspect
import json
import re

import dash
import numpy as np
import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.formatting import format_number
from tests.app.conftest import callback, render_page, response_text

OUTPUTS = ["scatter-graph.figure", "scatter-highlight.options", "scatter-summary.children",
           "scatter-caption.children", "scatter-message.children"]
RESTRICTED = "hze_je_1000_unter_21"
WITH_SECRETS = "hze_stationaer_je_1000_unter_21"  # has suppressed cells in 2024


def relation(client, x: str | object, y: str | object, period: object = "2024",
             level: object = "subdistrict", highlight: object = None,
             bubbles: object = False):
    return callback(client, OUTPUTS, {
        "scatter-x.value": x, "scatter-y.value": y, "scatter-period.value": period,
        "scatter-level.value": level, "scatter-highlight.value": highlight,
        "scatter-bubbles.value": bubbles,
    })


def _sent(response) -> dict:
    return response.json["response"]


def _traces(response) -> dict[str, dict]:
    return {trace["name"]: trace for trace in _sent(response)["scatter-graph"]["figure"]["data"]}


def _points(response) -> dict[str, tuple[float, float]]:
    """Area code -> (x, y) of every drawn area (all groups)."""
    points = {}
    for trace in _sent(response)["scatter-graph"]["figure"]["data"]:
        for (code, *_), x, y in zip(trace.get("customdata") or [], trace["x"], trace["y"],
                                    strict=False):
            points[code] = (x, y)
    return points


def _summary(response) -> str:
    return json.dumps(_sent(response)["scatter-summary"], ensure_ascii=False)


def _values(gate: Gate, role: str, indicator: str, period: str = "2024",
            level: str = "subdistrict", **viewer: str):
    frame = gate.values(Viewer("x", role, **viewer), indicator, level=level, period=period)
    return frame.set_index("area_code")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def test_page_is_in_the_menu_between_time_series_and_profile(clients) -> None:
    render_page(clients["leadership"], "/zusammenhang")
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 99))
    paths = [p["path"] for p in pages if not p.get("hidden")]
    assert paths.index("/zeitreihe") < paths.index("/zusammenhang") < paths.index("/profil")
    page = next(p for p in pages if p["path"] == "/zusammenhang")
    assert page.get("nav_group") != "admin" and "roles" not in page


def test_layout_renders_for_every_role_with_labelled_controls(clients) -> None:
    for role, client in clients.items():
        response = render_page(client, "/zusammenhang",
                               "?x=sgb2_quote&y=arbeitslosenquote&level=district&period=2023")
        assert response.status_code == 200, role
        body = response_text(response)
        for control in ("scatter-x", "scatter-y", "scatter-period", "scatter-level",
                        "scatter-highlight"):
            assert f'"html_for": "{control}"' in body, (role, control)
        assert "Korrelation nach Pearson" in body, role
        assert '"value": "district"' in body and '"value": "2023"' in body


def test_points_r_and_line_match_the_gate_and_numpy(clients, gate: Gate) -> None:
    response = relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote")
    assert response.status_code == 200
    x = _values(gate, "leadership", "sgb2_quote")
    y = _values(gate, "leadership", "arbeitslosenquote")
    points = _points(response)
    assert set(points) == set(x.index) == set(y.index)
    for code, (px, py) in points.items():  # plotted to 4 places more than shown
        assert px == pytest.approx(x.loc[code, "value"], abs=1e-5)
        assert py == pytest.approx(y.loc[code, "value"], abs=1e-5)
    codes = sorted(points)
    r = np.corrcoef(x.loc[codes, "value"], y.loc[codes, "value"])[0, 1]
    assert f"r = {format_number(r, 2)}" in _summary(response)
    assert "n = 24 Gebiete" in _summary(response)
    line = _traces(response)["Trendlinie (kleinste Quadrate)"]
    slope, intercept = np.polyfit(x.loc[codes, "value"], y.loc[codes, "value"], 1)
    assert line["y"][0] == pytest.approx(intercept + slope * line["x"][0])
    assert line["x"] == [pytest.approx(x["value"].min()), pytest.approx(x["value"].max())]


def test_suppressed_values_are_left_out_counted_and_never_sent(clients, gate: Gate,
                                                              demo) -> None:
    shown = _values(gate, "leadership", WITH_SECRETS)
    hidden = shown.index[shown["suppressed"]]
    assert len(hidden) > 0
    response = relation(clients["leadership"], "sgb2_quote", WITH_SECRETS, bubbles=True)
    points = _points(response)
    assert not set(hidden) & set(points)
    assert len(points) == 24 - len(hidden)
    k = len(hidden)
    expected = (f"{k} Gebiete ohne Wert ausgelassen, davon {k} geheim gehalten." if k > 1
                else "1 Gebiet ohne Wert ausgelassen, davon 1 geheim gehalten.")
    assert expected in _summary(response)
    raw = Gate(demo).values(Viewer("a", "admin", raw=True), WITH_SECRETS,
                            level="subdistrict", period="2024").set_index("area_code")
    figure = json.dumps(_sent(response)["scatter-graph"]["figure"])
    options = json.dumps(_sent(response)["scatter-highlight"]["options"])
    for code in hidden:
        secret = float(raw.loc[code, "value"])
        assert repr(secret) not in figure
        assert f"{secret:.1f}".replace(".", ",") not in figure
        assert code not in options  # a withheld area is not drawn, so not offered either


def test_r_is_computed_without_the_suppressed_areas(clients, gate: Gate) -> None:
    x = _values(gate, "leadership", "sgb2_quote")
    y = _values(gate, "leadership", WITH_SECRETS)
    kept = sorted(y.index[~y["suppressed"]])
    r = np.corrcoef(x.loc[kept, "value"], y.loc[kept, "value"])[0, 1]
    response = relation(clients["leadership"], "sgb2_quote", WITH_SECRETS)
    assert f"r = {format_number(r, 2)}" in _summary(response)
    assert f"n = {len(kept)} Gebiete" in _summary(response)


def test_committee_is_neither_offered_nor_answered_a_restricted_indicator(clients, demo
                                                                          ) -> None:
    body = response_text(render_page(clients["committee"], "/zusammenhang"))
    assert RESTRICTED not in body and "sgb2_quote" in body
    for x, y in ((RESTRICTED, "sgb2_quote"), ("sgb2_quote", RESTRICTED)):
        response = relation(clients["committee"], x, y)
        assert response.status_code == 200
        text = response_text(response)
        assert "Unbekannter Indikator" in text
        assert _sent(response)["scatter-graph"]["figure"]["data"] == []
        assert _sent(response)["scatter-summary"]["children"] is None
    secret = Gate(demo).values(Viewer("x", "admin"), RESTRICTED, level="subdistrict",
                               period="2024")
    for value in secret["value"].dropna():
        assert repr(float(value)) not in text


def test_without_period_a_restricted_id_is_still_refused_as_unknown(clients) -> None:
    response = relation(clients["committee"], RESTRICTED, "sgb2_quote", period=None,
                        level=None)
    assert "Unbekannter Indikator" in response_text(response)
    common = relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote",
                      period=None, level=None)
    assert "keinen gemeinsamen Zeitraum" in response_text(common)


def test_committee_gets_only_a_message_for_a_restricted_id_in_the_url(clients) -> None:
    response = render_page(clients["committee"], "/zusammenhang",
                           f"?x={RESTRICTED}&y=sgb2_quote&level=subdistrict&period=2024")
    assert response.status_code == 200
    body = response_text(response)
    assert "Unbekannter Indikator" in body
    assert "Korrelation nach Pearson" not in body  # nothing drawn, not even the defaults
    # the id appears only inside the message (neither offered nor chosen)
    assert RESTRICTED not in re.sub(r"(„|\\u201e)" + RESTRICTED, "", body)


def test_district_user_sees_own_areas_highlighted(clients) -> None:
    response = relation(clients["district"], "sgb2_quote", "arbeitslosenquote")
    traces = _traces(response)
    own = {c[0] for c in traces["Eigener Bezirk"]["customdata"]}
    assert own == {"0101", "0102", "0103", "0104"}
    assert traces["Eigener Bezirk"]["marker"]["symbol"] == "diamond"  # not colour alone
    assert len(_points(response)) == 24
    district_level = _traces(relation(clients["district"], "sgb2_quote", "arbeitslosenquote",
                                      level="district"))
    assert [c[0] for c in district_level["Eigener Bezirk"]["customdata"]] == ["01"]
    assert "Eigener Bezirk" not in _traces(relation(clients["leadership"], "sgb2_quote",
                                                    "arbeitslosenquote"))


def test_district_user_sees_a_restricted_indicator_only_in_own_district(clients) -> None:
    response = relation(clients["district"], "sgb2_quote", RESTRICTED)
    assert set(_points(response)) <= {"0101", "0102", "0103", "0104"}
    body = response_text(response)
    for name in ("Nordstadt", "Hafen", "Südstadt"):
        assert name not in body
    assert "20 Gebiete fehlen, weil Sie einen der Indikatoren dort nicht sehen dürfen." \
        in _summary(response)


def test_highlight_picker_marks_one_area(clients) -> None:
    response = relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote",
                        highlight="0503")
    traces = _traces(response)
    assert [c[0] for c in traces["Hervorgehoben"]["customdata"]] == ["0503"]
    assert traces["Hervorgehoben"]["marker"]["symbol"] == "star"
    assert "0503" not in {c[0] for c in traces["Gebiete"]["customdata"]}
    options = _sent(response)["scatter-highlight"]["options"]
    assert len(options) == 24 and {"0503"} <= {o["value"] for o in options}
    # a highlight alone leaves the picker's options where they are
    click = callback(clients["leadership"], OUTPUTS, {
        "scatter-x.value": "sgb2_quote", "scatter-y.value": "arbeitslosenquote",
        "scatter-period.value": "2024", "scatter-level.value": "subdistrict",
        "scatter-highlight.value": "0101", "scatter-bubbles.value": False},
        changed=["scatter-highlight.value"])
    assert "scatter-highlight" not in _sent(click)
    assert [c[0] for c in _traces(click)["Hervorgehoben"]["customdata"]] == ["0101"]
    # an area that is not drawn (unknown, or of another level) highlights nothing
    for code in ("9999", "03", "<script>"):
        traces = _traces(relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote",
                                  highlight=code))
        assert "Hervorgehoben" not in traces


def test_bubbles_follow_the_residents(clients, gate: Gate) -> None:
    residents = _values(gate, "leadership", "einwohner")
    traces = _traces(relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote",
                              bubbles=True))
    areas = traces["Gebiete"]
    sizes = dict(zip((c[0] for c in areas["customdata"]), areas["marker"]["size"],
                     strict=True))
    for code, size in sizes.items():
        assert size == residents.loc[code, "value"]
    assert areas["marker"]["sizemode"] == "area"
    assert areas["marker"]["sizeref"] == pytest.approx(
        2 * residents["value"].max() / 42 ** 2)
    plain = _traces(relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote"))
    assert plain["Gebiete"]["marker"]["size"] == 11


def test_index_values_can_be_related(clients, gate: Gate) -> None:
    index = _values(gate, "leadership", "sozialraumindex")
    response = relation(clients["leadership"], "sozialraumindex", "sgb2_quote")
    assert response.status_code == 200
    points = _points(response)
    shown = index[index["value"].notna() & ~index["suppressed"]]
    assert set(points) == set(shown.index) and points
    for code, (x, _) in points.items():
        assert x == pytest.approx(shown.loc[code, "value"], abs=10 ** -(4 + 2))


def test_too_few_pairs_and_constant_values_give_no_r(clients) -> None:
    response = relation(clients["district"], "sgb2_quote", WITH_SECRETS)
    summary = _summary(response)
    n = len(_points(response))
    if n < 3:
        assert "Zu wenige Gebiete mit beiden Werten" in summary
        assert "Trendlinie (kleinste Quadrate)" not in _traces(response)
    # the same indicator twice: r = 1 exactly
    same = relation(clients["leadership"], "sgb2_quote", "sgb2_quote")
    assert "r = 1,00 (starker positiver Zusammenhang)" in _summary(same)


@pytest.mark.parametrize(("x", "period", "level", "message"), [
    ("no_such_indicator", "2024", "subdistrict", "Unbekannter Indikator"),
    ("sgb2_quote", "1999", "subdistrict", "1999"),
    ("sgb2_quote", "2024", "planet", "planet"),
    ("sgb2_quote", "'; DROP TABLE x; --", "subdistrict", "Zeitraum"),
])
def test_bad_choices_get_a_german_message_and_nothing_else(clients, x, period, level,
                                                           message) -> None:
    response = relation(clients["leadership"], x, "arbeitslosenquote", period=period,
                        level=level)
    assert response.status_code == 200
    sent = _sent(response)
    assert sent["scatter-graph"]["figure"]["data"] == []
    assert sent["scatter-highlight"]["options"] == []
    assert sent["scatter-summary"]["children"] is None
    text = json.dumps(sent["scatter-message"], ensure_ascii=False)
    assert message in text and '"color": "warning"' in text
    assert "Traceback" not in response_text(response)


@pytest.mark.parametrize("inputs", [
    {"x": 5, "y": "sgb2_quote"},
    {"x": ["sgb2_quote"], "y": "sgb2_quote"},
    {"x": "sgb2_quote", "y": "a" * 500},
    {"x": "sgb2_quote", "y": "sgb2_quote", "bubbles": "yes"},
    {"x": "sgb2_quote", "y": "sgb2_quote", "highlight": {"code": "0101"}},
])
def test_malformed_callback_input_is_a_400_in_german(clients, inputs) -> None:
    response = relation(clients["leadership"], **inputs)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


def test_unknown_id_in_the_url_gets_the_gate_message(clients) -> None:
    body = response_text(render_page(clients["leadership"], "/zusammenhang",
                                     "?x=gibt_es_nicht&y=sgb2_quote"))
    assert "Unbekannter Indikator „gibt_es_nicht“" in body
    assert "Korrelation nach Pearson" not in body


def test_not_logged_in_gets_nothing(app_server) -> None:
    anonymous = app_server.test_client()
    response = relation(anonymous, "sgb2_quote", "arbeitslosenquote")
    assert response.status_code == 401
    assert "Altstadt" not in response.get_data(as_text=True)


def test_click_on_a_point_picks_and_clears_the_highlight(clients) -> None:
    def click(point: dict, current: str | None):
        return callback(clients["leadership"], "scatter-highlight.value",
                        {"scatter-graph.clickData": {"points": [point]}},
                        state={"scatter-highlight.value": current})

    picked = click({"customdata": ["0305", "Name", "1", "2", ""]}, None)
    assert picked.json["response"]["scatter-highlight"]["value"] == "0305"
    cleared = click({"customdata": ["0305", "Name", "1", "2", ""]}, "0305")
    assert cleared.json["response"]["scatter-highlight"]["value"] is None
    assert click({"customdata": ["<b>x</b>"]}, None).status_code == 204  # nothing changes


def test_choices_are_the_periods_and_levels_both_indicators_have(clients, gate) -> None:
    response = callback(clients["leadership"],
                        ["scatter-period.options", "scatter-period.value",
                         "scatter-level.options", "scatter-level.value"],
                        {"scatter-x.value": "sozialraumindex", "scatter-y.value": "sgb2_quote"},
                        state={"scatter-period.value": "1990", "scatter-level.value": "city"})
    sent = response.json["response"]
    periods = [o["value"] for o in sent["scatter-period"]["options"]]
    viewer = Viewer("x", "leadership")
    both = set(gate.periods(viewer, "sozialraumindex")) & set(gate.periods(viewer, "sgb2_quote"))
    assert set(periods) == both
    assert sent["scatter-period"]["value"] == max(both)  # 1990 is not common: the newest
    levels = [o["value"] for o in sent["scatter-level"]["options"]]
    assert "city" not in levels and sent["scatter-level"]["value"] == "subdistrict"


def test_english_strings(clients, app_server) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["leadership"]
    from tests.app.conftest import login
    login(client, name, password)
    with client.session_transaction() as session:
        session["lang"] = "en"
    text = _summary(relation(client, "sgb2_quote", "arbeitslosenquote"))
    assert re.search(r"Pearson correlation: r = \d\.\d\d", text)
    assert "n = 24 areas" in text


def _search_output() -> str:
    """The search callback's output as Dash names it (options@<hash>: a second writer)."""
    return next(key for key in dash.get_app().callback_map
                if key.startswith("scatter-highlight.options@"))


def _served_globals(app_server, key_start: str) -> dict:
    """The module namespace of the callback the app really serves (a page module
    imported again in a test would be a second copy)."""
    app = dash.get_app()
    assert app.server is app_server
    spec = next(spec for key, spec in app.callback_map.items() if key.startswith(key_start))
    return inspect.unwrap(spec["callback"]).__globals__


def test_above_picker_max_the_picker_is_filled_by_search(app_server, clients,
                                                         monkeypatch) -> None:
    monkeypatch.setitem(_served_globals(app_server, "scatter-highlight.options@"),
                        "PICKER_MAX", 10)

    def search(text: str, current: str | None = None, role: str = "leadership",
               y: str = "arbeitslosenquote"):
        return callback(clients[role], _search_output(),
                        {"scatter-highlight.search_value": text},
                        state={"scatter-x.value": "sgb2_quote", "scatter-y.value": y,
                               "scatter-period.value": "2024",
                               "scatter-level.value": "subdistrict",
                               "scatter-highlight.value": current})

    full = relation(clients["leadership"], "sgb2_quote", "arbeitslosenquote",
                    highlight="0503")
    assert [o["value"] for o in _sent(full)["scatter-highlight"]["options"]] == ["0503"]
    assert len(_points(full)) == 24  # every area still drawn
    found = search("stadt", current="0503").json["response"]["scatter-highlight"]["options"]
    assert "0503" in [o["value"] for o in found]  # the highlighted one stays choosable
    matches = [o for o in found if o["value"] != "0503"]
    assert matches and all("stadt" in o["label"].casefold() for o in matches)
    assert len(found) < 24
    # the committee searching through a restricted indicator gets nothing
    hidden = search("stadt", role="committee", y=RESTRICTED)
    assert hidden.json["response"]["scatter-highlight"]["options"] == []


def test_below_picker_max_a_search_changes_nothing(clients) -> None:
    response = callback(clients["leadership"], _search_output(),
                        {"scatter-highlight.search_value": "stadt"},
                        state={"scatter-x.value": "sgb2_quote",
                               "scatter-y.value": "arbeitslosenquote",
                               "scatter-period.value": "2024",
                               "scatter-level.value": "subdistrict",
                               "scatter-highlight.value": None})
    assert response.status_code == 204


def _component_value(tree: object, component_id: str) -> object:
    """The `value` of the component with this id anywhere in a layout's JSON."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props.get("value")
        children = list(tree.values())
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = _component_value(child, component_id)
        if found is not None:
            return found
    return None


def test_first_pair_comes_from_two_topics(clients, gate: Gate) -> None:
    response = render_page(clients["leadership"], "/zusammenhang")
    layout = response.json["response"]["_pages_content"]["children"]
    x, y = _component_value(layout, "scatter-x"), _component_value(layout, "scatter-y")
    assert x and y
    assert gate.registry.get(x).topic != gate.registry.get(y).topic
