"""Issue 8, findings 9 and 8: malformed callback input is a 400, never a 500; caches stay bounded.

The callbacks are taken from the registered Dash app's callback map, so a
callback added later is covered without touching this file.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import dash
import pytest

from tests.app.conftest import callback, login, render_page

# Every server-side callback is covered; nothing is checked elsewhere.
ELSEWHERE: tuple[str, ...] = ()

MALFORMED: dict[str, Any] = {
    "number": 1,
    "float": 2.5,
    "bool": True,
    "list": [1, "a", None],
    "list of dicts": [{"x": 1}],
    "dict": {"a": [1], "points": {"x": 1}},
    "none": None,
    "100 kB string": "/" + "x" * 100_000,
    "deep": [[[[[[[[[[1]]]]]]]]]],
    "long list": list(range(5000)),
}


def _concrete(component_id: str) -> str | dict:
    """A wildcard id ({"indicator": ["ALL"], ...}) as one concrete id; plain ids unchanged."""
    if not component_id.startswith("{"):
        return component_id
    return {k: ("x" if v == ["ALL"] else v) for k, v in json.loads(component_id).items()}


def _item(spec: dict, value: Any) -> dict | list:
    component_id = _concrete(spec["id"])
    item = {"id": component_id, "property": spec["property"], "value": value}
    return [item] if isinstance(component_id, dict) else item  # ALL hands over a list


def _outputs(output: str) -> list | dict:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    specs: list = []
    for part in parts:
        component_id, prop = part.rsplit(".", 1)
        concrete = _concrete(component_id)
        spec = {"id": concrete, "property": prop}
        specs.append([spec] if isinstance(concrete, dict) else spec)
    return specs if output.startswith("..") else specs[0]


def _server_callbacks(app_server) -> list[tuple[str, dict]]:
    app = dash.get_app()
    assert app.server is app_server
    return [(output, spec) for output, spec in app.callback_map.items()
            if "callback" in spec and not any(name in output for name in ELSEWHERE)]


def _cases(app_server) -> list[tuple[str, dict, int, str]]:
    return [(output, spec, n, kind)
            for output, spec in _server_callbacks(app_server)
            for n in range(len(spec["inputs"]) + len(spec["state"]))
            for kind in MALFORMED]


def _post(client, output: str, spec: dict, target: int, value: Any):
    inputs, state = spec["inputs"], spec["state"]
    payload = {
        "output": output,
        "outputs": _outputs(output),
        "inputs": [_item(s, value if i == target else None) for i, s in enumerate(inputs)],
        "state": [_item(s, value if len(inputs) + i == target else None)
                  for i, s in enumerate(state)],
    }
    every = inputs + state
    payload["changedPropIds"] = [f"{every[target]['id']}.{every[target]['property']}"]
    return client.post("/_dash-update-component", json=payload)


def test_the_callback_map_is_enumerated(app_server) -> None:
    outputs = {output for output, _ in _server_callbacks(app_server)}
    # the callbacks named in the finding are among them
    assert "compare-highlight.data" in outputs
    assert "catalogue-results.children" in outputs
    assert any("profile-spark" in output for output in outputs)
    assert any("_pages_content.children" in output for output in outputs)
    assert len(outputs) >= 10


def test_every_malformed_input_of_every_callback_is_400_or_answered(clients,
                                                                   app_server) -> None:
    client = clients["admin"]
    failures = []
    for output, spec, target, kind in _cases(app_server):
        try:
            response = _post(client, output, spec, target, MALFORMED[kind])
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - the test client re-raises what would be a 500
            status = f"{type(exc).__name__}: {str(exc)[:80]}"
        if status not in (200, 204, 400):
            every = spec["inputs"] + spec["state"]
            failures.append(f"{output[:60]} {every[target]['id'][:40]}."
                            f"{every[target]['property']} = {kind}: {status}")
    assert not failures, "\n".join(failures)


def test_every_page_callback_declares_its_input_types(app_server) -> None:
    for output, spec in _server_callbacks(app_server):
        if "_pages_" in output:
            continue  # Dash's own router: checked by the request guard
        assert getattr(spec["callback"], "__cockpit_validated__", False), output


@pytest.mark.parametrize("outputs, inputs, state, field", [
    (["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
      "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"],
     {"compare-indicator.value": "sgb2_quote", "compare-period.value": "2024",
      "compare-level.value": "subdistrict", "compare-method.value": "quantile",
      "compare-raw.value": False, "compare-highlight.data": []}, None, "highlight"),
    ("compare-highlight.data", {"compare-bar.clickData": {"points": {"0": 1}},
                                "compare-map.clickData": None,
                                "compare-grid.cellClicked": None},
     {"compare-highlight.data": None}, "bar_click"),
    ("catalogue-results.children", {"catalogue-search.value": 1}, None, "query"),
    ("catalogue-results.children", {"catalogue-search.value": "x" * 100_000}, None, "query"),
    ("overview-cards.children", {"overview-raw.value": "1"}, None, "raw"),
    ("profile-content.children", {"profile-area.value": ["0101"],
                                  "profile-raw.value": None}, None, "area"),
])
def test_examples_from_the_finding_get_a_german_400(clients, outputs, inputs, state,
                                                    field) -> None:
    response = callback(clients["committee"], outputs, inputs, state)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Ungültige Anfrage" in text and f"„{field}“" in text


@pytest.mark.parametrize("pathname, search", [
    (1, ""), (["/"], ""), ({"a": 1}, ""), ("/vergleich", 5), ("/vergleich", ["?a=1"]),
    ("/" + "x" * 100_000, ""), ("vergleich", ""), ("/vergleich", "a=1"),
])
def test_pages_router_refuses_wrong_types(clients, pathname, search) -> None:
    response = render_page(clients["committee"], pathname, search)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


def test_pages_router_still_renders_pages(clients) -> None:
    response = render_page(clients["committee"], "/vergleich", "?indicator=sgb2_quote")
    assert response.status_code == 200


@pytest.mark.parametrize("payload", [
    [], "text", {"output": 1}, {"output": "no-such.thing", "inputs": []},
    {"output": "compare-url.data", "inputs": []},  # runs in the browser only
    {"output": "catalogue-results.children", "inputs": {"a": 1}},
    {"output": "catalogue-results.children", "inputs": [1]},
    {"output": "compare-highlight.data", "inputs": [
        {"id": "compare-bar", "property": "clickData", "value": None}]},  # too few
    {"output": "catalogue-results.children",
     "inputs": [{"id": "catalogue-search", "property": "value", "value": "a"}],
     "changedPropIds": "catalogue-search.value"},
])
def test_malformed_requests_are_400(clients, payload) -> None:
    response = clients["committee"].post("/_dash-update-component", json=payload)
    assert response.status_code == 400


_SEARCH = {"output": "catalogue-results.children",
           "outputs": {"id": "catalogue-results", "property": "children"},
           "inputs": [{"id": "catalogue-search", "property": "value", "value": "a"}],
           "changedPropIds": ["catalogue-search.value"]}
_SPARK_ID = {"type": "profile-spark", "indicator": "einwohner"}
_SPARK = {"output": '{"indicator":["ALL"],"type":"profile-spark"}.figure',
          "outputs": [{"id": _SPARK_ID, "property": "figure"}],
          "inputs": [{"id": "profile-series", "property": "data", "value": {}}],
          "state": [[{"id": _SPARK_ID, "property": "id", "value": _SPARK_ID}]],
          "changedPropIds": ["profile-series.data"]}


@pytest.mark.parametrize("name, payload", [
    ("outputs missing", {**_SEARCH, "outputs": None}),
    ("outputs a number", {**_SEARCH, "outputs": 1}),
    ("outputs of another callback", {**_SEARCH, "outputs": {"id": "x", "property": "y"}}),
    ("more outputs than declared", {**_SEARCH, "outputs": [_SEARCH["outputs"]] * 2}),
    ("no sparkline outputs", {**_SPARK, "outputs": []}),
    ("foreign wildcard id", {**_SPARK, "outputs": [
        {"id": {"type": "other", "indicator": "a"}, "property": "figure"}]}),
    ("more ids than graphs", {**_SPARK, "state": [_SPARK["state"][0] * 3]}),
])
def test_requests_whose_shape_dash_cannot_handle_are_400(clients, name, payload) -> None:
    for good in (_SEARCH, _SPARK):
        assert clients["committee"].post("/_dash-update-component",
                                          json=good).status_code == 200
    response = clients["committee"].post("/_dash-update-component", json=payload)
    assert response.status_code == 400, name


# -- finding 8: caches keyed only by bounded, validated values ---------------------------------

def _draw(client, store: dict):
    ids = [{"type": "profile-spark", "indicator": key} for key in store]
    return client.post("/_dash-update-component", json={
        "output": '{"indicator":["ALL"],"type":"profile-spark"}.figure',
        "outputs": [{"id": i, "property": "figure"} for i in ids],
        "inputs": [{"id": "profile-series", "property": "data", "value": store}],
        "state": [[{"id": i, "property": "id", "value": i} for i in ids]],
        "changedPropIds": ["profile-series.data"],
    })


def test_oversized_or_unknown_sparkline_keys_do_not_grow_the_cache(clients,
                                                                  app_server) -> None:
    profile = importlib.import_module("cockpit.pages.profile")
    cache = profile._sparkline_json
    before = cache.cache_info().currsize
    big = "2" * 1_000_000
    attempts = [
        {"a": {"periods": [big], "values": [1.0], "direction": "neutral"}},
        {"a": {"periods": ["2024"], "values": [1.0], "direction": big}},
        {"a": {"periods": ["2024", big[:7]], "values": [1.0, 2.0], "direction": "neutral"}},
        {"a": {"periods": [f"x{n}" for n in range(100)], "values": [1.0] * 100,
               "direction": "neutral"}},
        {big[:150]: {"periods": ["20240"], "values": [1.0], "direction": "neutral"}},
        {"a": {"periods": ["2024"], "values": [big], "direction": "neutral"}},
    ]
    for n, store in enumerate(attempts * 3):
        response = _draw(clients["committee"], store)
        assert response.status_code in (200, 400), n
        if response.status_code == 200:
            assert all(f["figure"]["data"] == []
                       for f in response.json["response"].values())
    assert cache.cache_info().currsize == before


def test_sparkline_cache_is_bounded(app_server) -> None:
    profile = importlib.import_module("cockpit.pages.profile")
    assert profile._sparkline_json.cache_info().maxsize <= 4096
    # the largest key a validated entry can make: MAX_PERIODS periods of 7 characters
    entry = {"periods": [f"{2000 + n % 100}-{n % 12 + 1:02d}" for n in range(
        profile.MAX_PERIODS)], "values": [1.0] * profile.MAX_PERIODS, "direction": "neutral"}
    assert profile.sparkline_figure(entry)["data"]
    too_long = {**entry, "periods": [*entry["periods"], "2099"], "values": [1.0] * (
        profile.MAX_PERIODS + 1)}
    assert profile.sparkline_figure(too_long) == profile.BLANK_FIGURE


def test_sparkline_takes_half_years_and_quarters_but_not_h3(app_server) -> None:
    profile = importlib.import_module("cockpit.pages.profile")
    entry = {"periods": ["2023-H2", "2024-H1", "2024-Q3", "2024-H2"],
             "values": [1.0, 2.0, 2.5, 3.0], "direction": "neutral"}
    assert profile.sparkline_figure(entry)["data"]
    bad = {**entry, "periods": ["2023-H2", "2024-H3", "2024-Q3", "2024-H2"]}
    assert profile.sparkline_figure(bad) == profile.BLANK_FIGURE


def test_the_message_follows_the_chosen_language(app_server) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["committee"]
    assert login(client, name, password).status_code == 302
    client.get("/lang/en?next=/")
    response = callback(client, "catalogue-results.children", {"catalogue-search.value": 1})
    assert response.status_code == 400
    assert "Invalid request: “query” must be a text." in response.get_data(as_text=True)
