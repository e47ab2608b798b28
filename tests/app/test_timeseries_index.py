"""Zeitreihe of a composite index: the class of each area over time (ordered class
labels on the axis, text in the table, never colour alone) and the index value, per
role through real callbacks; a restricted component restricts the index; a suppressed
component shows no class and no value; bad input gives a German message."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.formatting import SUPPRESSED_MARK, format_number
from cockpit.app.session import GATE_KEY
from cockpit.indicators.index_spec import load_indices
from cockpit.indicators.registry import Registry
from tests.app.conftest import ROLES, callback, render_page, response_text
from tests.app.test_timeseries_page import OUTPUTS, VIEWERS, _text_of, find, page, series
from tests.indicators.test_composite_gate import TEST_INDICES

CLASSES = ["hoch", "mittel", "niedrig", "sehr niedrig"]
AREAS = ["01", "0101", "0302"]


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.fixture
def with_test_indices(app_server, demo, tmp_path: Path, monkeypatch) -> Registry:
    """The app's gate with the test indices of test_composite_gate besides the shipped
    ones (test_hze has a restricted component, test_schule a often suppressed one)."""
    (tmp_path / "indices").mkdir()
    for name, text in TEST_INDICES.items():
        (tmp_path / "indices" / f"{name}.yaml").write_text(text, encoding="utf-8")
    indices, problems = load_indices(tmp_path, demo.registry.indicators,
                                     demo.registry.topics)
    assert problems == []
    registry = Registry(demo.registry.indicators, demo.registry.topics,
                        {**demo.registry.indices, **indices})
    monkeypatch.setattr(app_server.extensions[GATE_KEY], "registry", registry)
    return registry


def _figure(response) -> dict:
    return response.json["response"]["timeseries-graph"]["figure"]


def _class_traces(figure: dict) -> dict[str, dict]:
    """The step line of each area in the class panel, by area code."""
    return {tr["legendgroup"]: tr for tr in figure["data"]
            if tr.get("yaxis") == "y" and tr["mode"] == "lines+markers"}


def _table(response) -> dict[str, list[str]]:
    wrapper = response.json["response"]["timeseries-table"]["children"]
    table = wrapper["props"]["children"][0]["props"]["children"]
    body = table["props"]["children"][2]
    out = {}
    for row in body["props"]["children"]:
        head, *cells = row["props"]["children"]
        out[_text_of(head)] = [_text_of(cell) for cell in cells]
    return out


@pytest.mark.parametrize("role", ROLES)
def test_class_series_per_role_match_the_gate(clients, gate: Gate, role: str) -> None:
    response = series(clients[role], "mss_status", AREAS)
    assert response.status_code == 200
    figure = _figure(response)
    axis = figure["layout"]["yaxis"]
    # The ordered class labels on the axis (lowest index value at the bottom).
    assert [t for t in axis["ticktext"] if t != "ohne Zuordnung"] == CLASSES
    assert axis["tickvals"][-4:] == [0, 1, 2, 3]
    expected_areas = AREAS  # an internal index: every role sees every area
    traces = _class_traces(figure)
    assert sorted(traces) == sorted(expected_areas)
    table = _table(response)
    for column, code in enumerate(expected_areas):
        rows = gate.index_rows(VIEWERS[role], "mss_status", area=code, all_periods=True)
        assert rows
        trace = traces[code]
        got = dict(zip(trace["x"], trace["y"], strict=True))
        for row in rows:
            label = row.period  # years: shown as they are
            if row.klass >= 0:
                # Areas in the same class sit a little apart, within the class band.
                assert abs(got[label] - row.klass) < 0.3, (code, row.period)
                cell = table[label][column]
                assert cell.startswith(f"{CLASSES[row.klass]} ({row.klass + 1} von 4)")
                assert cell.endswith(f" · {format_number(row.value, 2, 'de')}")
            else:
                assert got[label] is None
                assert "ohne Zuordnung" in table[label][column] or "•" in \
                    table[label][column]
    # the index value panel: the same values as the gate (status index: meaningful)
    values = [tr for tr in figure["data"] if tr.get("yaxis") == "y2"]
    assert len(values) == len(expected_areas)
    for trace in values:
        want = {r.period: r.value for r in gate.index_rows(
            VIEWERS[role], "mss_status", area=trace["legendgroup"], all_periods=True)}
        assert dict(zip(trace["x"], trace["y"], strict=True)) == want


def test_combined_index_shows_classes_only(clients, gate: Gate) -> None:
    response = series(clients["controlling"], "mss_gesamtindex", ["0101", "0302"])
    figure = _figure(response)
    ticks = [t for t in figure["layout"]["yaxis"]["ticktext"] if t != "ohne Zuordnung"]
    assert ticks == list(gate.registry.get("mss_gesamtindex").classes)
    assert "yaxis2" not in figure["layout"]  # its value is only the group number
    caption = _text_of(response.json["response"]["timeseries-caption"]["children"])
    assert "Klassen in aufsteigender Reihenfolge des Indexwerts" in caption
    assert "Index-Zerlegung" in caption


def test_base_period_is_refused_for_an_index(clients) -> None:
    response = series(clients["admin"], "mss_status", ["0101"], indexed=True, base="2015")
    assert "nicht auf einen Basiszeitraum bezogen" in response_text(response)
    assert _class_traces(_figure(response))  # the classes are still shown


def test_unknown_index_in_url_gives_a_message(clients) -> None:
    response, tree = page(clients["admin"], "?indicator=mss_unbekannt&areas=0101")
    assert "Unbekannter Indikator „mss_unbekannt“" in response_text(response)
    assert find(tree, "timeseries-indicator")["value"] != "mss_unbekannt"
    response = series(clients["admin"], "mss_unbekannt", ["0101"])
    assert "Unbekannter Indikator" in response_text(response)
    assert _figure(response)["data"] == []


def test_a_restricted_component_restricts_the_index(clients, with_test_indices) -> None:
    assert with_test_indices.get("test_hze").classification == "restricted"
    for role in ("committee",):
        response = series(clients[role], "test_hze", ["0101"])
        assert "Unbekannter Indikator" in response_text(response)
        assert _figure(response)["data"] == []
        response, tree = page(clients[role], "?indicator=test_hze")
        options = [o["value"] for o in find(tree, "timeseries-indicator")["options"]]
        assert "test_hze" not in options
    for role in ("admin", "controlling", "leadership", "department"):  # jugendamt
        response = series(clients[role], "test_hze", ["0101", "0302"])
        assert sorted(_class_traces(_figure(response))) == ["0101", "0302"], role
    # The district user (Mitte, 01) gets its own Stadtteile only, and is told why.
    response = series(clients["district"], "test_hze", ["0101", "0302"])
    assert sorted(_class_traces(_figure(response))) == ["0101"]
    assert "0302" not in str(_figure(response))
    assert "Für das Gebiet „Eichenau (0302)“ fehlt Ihnen" in response_text(response)


def test_a_suppressed_component_shows_neither_class_nor_value(clients, demo,
                                                              with_test_indices) -> None:
    gate = Gate(demo)
    gate.registry = with_test_indices
    admin = Viewer("a", "admin")
    hidden = [r for r in gate.index_rows(admin, "test_schule", level="subdistrict",
                                         all_periods=True) if r.suppressed]
    assert hidden
    row = hidden[0]
    response = series(clients["admin"], "test_schule", [row.area_code])
    trace = _class_traces(_figure(response))[row.area_code]
    assert dict(zip(trace["x"], trace["y"], strict=True))[row.period] is None
    values = next(tr for tr in _figure(response)["data"] if tr.get("yaxis") == "y2")
    assert dict(zip(values["x"], values["y"], strict=True))[row.period] is None
    assert _table(response)[row.period] == [SUPPRESSED_MARK]


def test_bad_callback_input_for_an_index(clients) -> None:
    response = callback(clients["admin"], OUTPUTS, {
        "timeseries-indicator.value": "mss_status", "timeseries-areas.value": "0101",
        "timeseries-index.value": False, "timeseries-base.value": None,
        "timeseries-raw.value": False})
    assert response.status_code == 400
    response = render_page(clients["admin"], "/zeitreihe", "?indicator=mss_status&areas=xx!!")
    assert "Ungültiger Gebietsschlüssel" in response_text(response)
