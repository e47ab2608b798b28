"""Composite indices in the app: the map's legend is the index's ordered classes, the
breakdown figure shows the standardised components and the cut-offs, and the pages
answer through the gate for every role."""

from __future__ import annotations

import json
import re

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.figures import CLASS_COLOURS, choropleth_map, index_colours
from cockpit.app.index_figures import breakdown_figure
from tests.app.conftest import app_server, callback, clients, render_page  # noqa: F401
from tests.app.test_compare_page import compare

LEADERSHIP = Viewer("t-leadership", "leadership")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def _legend(figure: dict) -> tuple[list[str], list[str]]:
    """(class labels of the colour bar, names of the extra legend entries)."""
    bar = next(tr for tr in figure["data"] if tr.get("showscale"))
    extras = [tr["name"] for tr in figure["data"] if tr.get("showlegend")]
    return bar["colorbar"]["ticktext"], extras


def test_map_legend_is_the_index_classes_in_order(gate: Gate) -> None:
    rows = gate.values(LEADERSHIP, "mss_status", level="subdistrict", period="2024")
    index = gate.registry.get("mss_status")
    classes = gate.index_classes(index, list(rows.itertuples(index=False)))
    class_of = {r.area_code: c[0] for r, c in zip(rows.itertuples(), classes, strict=True)}
    figure = choropleth_map(rows, "/geo", unit="z", decimals=2, classes=index.classes,
                            class_of=class_of)
    labels, _ = _legend(figure)
    assert labels == ["hoch", "mittel", "niedrig", "sehr niedrig"]
    # Every area sits in the trace of its own class (z = class number).
    for trace in figure["data"]:
        if trace["type"] == "choropleth" and trace.get("hovertemplate", "").count("Klasse"):
            for code, z in zip(trace["locations"], trace["z"], strict=True):
                assert class_of[code] == z


def test_unclassified_areas_have_their_own_legend_entry() -> None:
    import pandas as pd

    rows = pd.DataFrame({"area_code": ["a", "b", "c"], "area_name": ["A", "B", "C"],
                         "value": [0.5, None, None], "suppressed": [False, False, True]})
    figure = choropleth_map(rows, "/geo", unit="", decimals=2, classes=["x", "y"],
                            class_of={"a": 1, "b": -1, "c": -1})
    labels, extras = _legend(figure)
    assert labels == ["x", "y"]
    assert any("ohne Zuordnung" in name for name in extras)
    assert any("geheim" in name.lower() or "•" in name for name in extras)


def test_index_colours_are_ordered_and_colour_blind_safe() -> None:
    assert index_colours(5) == list(CLASS_COLOURS)  # ColorBrewer YlGnBu
    twelve = index_colours(12)
    assert len(set(twelve)) == 12  # viridis, sampled: one distinct colour per group


def test_breakdown_figure_bars_and_cut_offs() -> None:
    breakdown = {"classes": ["hoch", "mittel", "niedrig", "sehr niedrig"],
                 "cutoffs": [-1.0, 1.0, 1.5], "value": 1.2,
                 "components": [{"title": "A", "weight": 1.0, "standardised": 0.8},
                                {"title": "B", "weight": 2.0, "standardised": -0.3}]}
    figure = breakdown_figure(breakdown)
    bars = figure["data"][0]
    assert bars["x"] == [0.8, -0.3]
    assert bars["y"] == ["A", "B (Gewicht 2)"]
    lines = [s["x0"] for s in figure["layout"]["shapes"]
             if s["type"] == "line" and s["xref"] == "x2"]
    assert lines == [-1.0, 1.0, 1.5]
    bands = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    assert len(bands) == 4
    marker = figure["data"][-1]
    assert marker["x"] == [1.2]


def test_compare_page_draws_an_index_with_its_classes(clients) -> None:  # noqa: F811
    response = compare(clients["committee"], "mss_status")
    assert response.status_code == 200
    figure = response.json["response"]["compare-map"]["figure"]
    labels, _ = _legend(figure)
    assert labels == ["hoch", "mittel", "niedrig", "sehr niedrig"]


def test_comparison_of_an_index_links_to_its_breakdown_and_the_menu_does_not(
        clients) -> None:  # noqa: F811
    caption = str(compare(clients["committee"], "mss_status").json["response"][
        "compare-caption"]["children"])
    assert "/index-zerlegung?index=mss_status&level=subdistrict&period=2024" in caption
    plain = str(compare(clients["committee"], "sgb2_quote").json["response"][
        "compare-caption"]["children"])
    assert "index-zerlegung" not in plain
    shell = clients["admin"].get("/_dash-layout").get_data(as_text=True)
    links = {json.loads(f'"{href}"') for href in re.findall(r'"href":"([^"]*)"', shell)}
    assert "/haushalt" in links and "/index-zerlegung" not in links


def test_breakdown_page_for_every_role(clients) -> None:  # noqa: F811
    for role, client in clients.items():
        page = render_page(client, "/index-zerlegung", "?index=mss_status&area=0101")
        assert page.status_code == 200, role
        response = callback(client, ["breakdown-graph.figure", "breakdown-details.children"],
                            {"breakdown-index.value": "mss_status",
                             "breakdown-period.value": "2024",
                             "breakdown-area.value": "0101"})
        assert response.status_code == 200, role
        figure = response.json["response"]["breakdown-graph"]["figure"]
        assert len(figure["data"][0]["x"]) == 3
        text = str(response.json["response"]["breakdown-details"]["children"])
        assert "Klasse im Zeitverlauf" in text


def test_breakdown_page_refuses_what_the_committee_may_not_see(clients) -> None:  # noqa: F811
    # A restricted indicator is unknown to a committee: the page says so, no figure data.
    response = callback(clients["committee"],
                        ["breakdown-graph.figure", "breakdown-details.children"],
                        {"breakdown-index.value": "hze_je_1000_unter_21",
                         "breakdown-period.value": "2024", "breakdown-area.value": "0101"})
    assert response.status_code == 200
    assert response.json["response"]["breakdown-graph"]["figure"]["data"] == []
