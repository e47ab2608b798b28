"""The Zusammenhang scatter as a plain figure dict: groups, line, labels, bubbles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cockpit.app.figures import HIGHLIGHT_COLOUR
from cockpit.app.relation import Cell, Fit, pair
from cockpit.app.relation_figure import LABEL_MAX, label_positions, relation_scatter


def _pairs(n: int, hidden: frozenset[int] = frozenset()):
    rng = np.random.default_rng(n)
    x = {f"{i:04}": Cell(f"Gebiet {i}", None if i in hidden else float(v), i in hidden)
         for i, v in enumerate(rng.uniform(0, 20, n))}
    y = {f"{i:04}": Cell(f"Gebiet {i}", float(v), False)
         for i, v in enumerate(rng.uniform(0, 10, n))}
    return pair(x, y)


def _figure(pairs, **kwargs):
    options = {"x_title": "Quote A", "y_title": "Quote B", "x_unit": "%", "y_unit": "%",
               "x_decimals": 1, "y_decimals": 1}
    return relation_scatter(pairs, pairs.fit(), **{**options, **kwargs})


def _by_name(figure) -> dict[str, dict]:
    return {trace["name"]: trace for trace in figure["data"]}


def test_plain_json_dict_with_scatter_traces_only() -> None:
    figure = _figure(_pairs(24))
    assert isinstance(figure, dict)
    json.dumps(figure)  # plain lists and numbers, no numpy
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}
    traces = _by_name(figure)
    assert len(traces["Gebiete"]["x"]) == 24
    assert traces["Trendlinie (kleinste Quadrate)"]["line"]["dash"] == "dash"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Quote A (%)"
    assert figure["layout"]["separators"] == ",."


def test_line_runs_over_the_x_range_on_the_fit() -> None:
    pairs = _pairs(30)
    fit = pairs.fit()
    line = _by_name(_figure(pairs))["Trendlinie (kleinste Quadrate)"]
    assert line["x"] == [pytest.approx(pairs.x.min()), pytest.approx(pairs.x.max())]
    assert line["y"][1] == pytest.approx(fit.intercept + fit.slope * pairs.x.max())


def test_no_line_without_a_fit_and_a_note_without_pairs() -> None:
    pairs = _pairs(2)
    assert "Trendlinie (kleinste Quadrate)" not in _by_name(_figure(pairs))
    empty = _pairs(3, hidden=frozenset({0, 1, 2}))
    figure = relation_scatter(empty, Fit(0, None, None, None), x_title="A", y_title="B",
                              x_unit="", y_unit="", x_decimals=0, y_decimals=0)
    assert figure["data"] == []
    assert "Keine Gebiete mit Werten" in figure["layout"]["annotations"][0]["text"]


def test_withheld_areas_are_not_in_the_figure() -> None:
    pairs = _pairs(10, hidden=frozenset({2, 5}))
    text = json.dumps(_figure(pairs))
    assert "Gebiet 2\"" not in text and "Gebiet 5\"" not in text
    assert "0002" not in text and "0005" not in text


def test_own_and_highlighted_areas_differ_in_shape_not_only_colour() -> None:
    traces = _by_name(_figure(_pairs(12), own={"0001", "0002"}, highlight="0002"))
    assert [c[0] for c in traces["Eigener Bezirk"]["customdata"]] == ["0001"]
    assert [c[0] for c in traces["Hervorgehoben"]["customdata"]] == ["0002"]
    symbols = {name: trace["marker"]["symbol"] for name, trace in traces.items()
               if "marker" in trace}
    assert len(set(symbols.values())) == 3
    assert traces["Hervorgehoben"]["marker"]["color"] == HIGHLIGHT_COLOUR
    assert traces["Hervorgehoben"]["text"] == ["<b>Gebiet 2</b>"]


def test_many_points_lose_their_labels_but_keep_hover() -> None:
    many = _figure(_pairs(LABEL_MAX + 1), own={"0003"})
    traces = _by_name(many)
    assert traces["Gebiete"]["mode"] == "markers" and "text" not in traces["Gebiete"]
    assert traces["Eigener Bezirk"]["mode"] == "markers+text"
    # every area in the one base trace; the own area drawn again on top, labelled
    assert len(traces["Gebiete"]["customdata"]) == LABEL_MAX + 1
    assert [c[0] for c in traces["Eigener Bezirk"]["customdata"]] == ["0003"]
    # thousands of points: plotly formats the values (layout separators), the own area
    # keeps the cockpit's texts
    assert all(len(point) == 2 for point in traces["Gebiete"]["customdata"])
    assert "Quote A: %{x:,.1f}\u202f%" in traces["Gebiete"]["hovertemplate"]
    assert len(traces["Eigener Bezirk"]["customdata"][0]) == 4
    few = _by_name(_figure(_pairs(LABEL_MAX)))
    assert few["Gebiete"]["mode"] == "markers+text"


def test_the_base_trace_of_many_points_is_kept_in_the_memo() -> None:
    pairs, memo = _pairs(LABEL_MAX + 40), {}
    first = _by_name(_figure(pairs, memo=memo))
    again = _by_name(_figure(pairs, memo=memo, highlight="0007"))
    assert again["Gebiete"] is first["Gebiete"]
    assert [c[0] for c in again["Hervorgehoben"]["customdata"]] == ["0007"]
    english = _by_name(_figure(pairs, memo=memo, lang="en"))["Areas"]
    assert english is not first["Gebiete"]
    sizes = {code: 100.0 for code in pairs.codes}
    bubbles = _by_name(_figure(pairs, memo=memo, sizes=sizes))["Gebiete"]
    assert bubbles is not first["Gebiete"] and bubbles["marker"]["sizemode"] == "area"


def test_units_are_in_the_hover_template_not_in_each_point() -> None:
    trace = _by_name(_figure(_pairs(5), y_unit="je 1.000 Einwohner"))["Gebiete"]
    assert "Quote A: %{customdata[2]}\u202f%" in trace["hovertemplate"]
    assert "Quote B: %{customdata[3]} je 1.000 Einwohner" in trace["hovertemplate"]
    assert all("%" not in text for point in trace["customdata"] for text in point[2:])


def test_bubbles_scale_by_area_with_the_largest_at_its_maximum() -> None:
    pairs = _pairs(5)
    sizes = {code: 1000.0 * (i + 1) for i, code in enumerate(pairs.codes)}
    del sizes[pairs.codes[0]]  # unknown population: drawn at the minimum size
    marker = _by_name(_figure(pairs, sizes=sizes))["Gebiete"]["marker"]
    assert marker["sizemode"] == "area" and marker["sizemin"] == 5
    assert marker["size"][0] == 0.0 and marker["size"][-1] == 5000.0
    assert marker["sizeref"] == pytest.approx(2 * 5000.0 / 42 ** 2)
    hover = _by_name(_figure(pairs, sizes=sizes))["Gebiete"]["customdata"]
    assert hover[0][4] == "–" and hover[-1][4] == "5.000"


def test_english_texts() -> None:
    traces = _by_name(_figure(_pairs(6), lang="en", highlight="0001"))
    assert {"Trend line (least squares)", "Areas", "Highlighted"} == set(traces)


def test_labels_of_neighbours_go_to_different_sides() -> None:
    x = np.array([1.0, 1.02, 5.0, 9.0])
    y = np.array([1.0, 1.0, 5.0, 9.0])
    places = label_positions(x, y, ["Altstadt", "Neustadt", "Hafen", "Mitte"])
    assert places[0] != places[1]
    assert places[2] == places[3] == "top center"  # alone: the preferred place
    assert label_positions(np.array([]), np.array([]), []) == []


def test_labels_keep_clear_of_big_bubbles() -> None:
    # a point just below another: its label goes below it; when the other is a big
    # bubble reaching below the point too, the label goes to a side
    x = np.array([5.0, 5.0, 0.0, 10.0])
    y = np.array([5.0, 5.3, 0.0, 10.0])
    names = ["Klein", "Groß", "Links", "Rechts"]
    assert label_positions(x, y, names)[0] == "bottom center"
    big = label_positions(x, y, names, radii=np.array([5.0, 40.0, 5.0, 5.0]))
    assert big[0] in ("middle right", "middle left")
