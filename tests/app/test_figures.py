"""Tests of the plotly figure builders (pure functions, no Dash)."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from cockpit.app.figures import (
    BAR_COLOUR,
    HIGHLIGHT_COLOUR,
    OKABE_ITO,
    assign_class,
    choropleth_map,
    class_breaks,
    sparkline,
    time_series,
)
from cockpit.app.figures import ranking_bar as ranking_dict
from cockpit.app.formatting import SUPPRESSED_MARK, format_value


def ranking_bar(*args: object, **kwargs: object) -> go.Figure:
    """The ranking is built as a plain dict (speed); plotly validates it here."""
    return go.Figure(ranking_dict(*args, **kwargs))

# The suppressed row's real figures.  A bare "2" occurs in any figure JSON, so the canaries are
# distinctive numbers; `test_*_independent_of_suppressed_numbers` additionally proves that the
# output does not depend on them at all (which covers small numbers such as 2 as well).
SECRET_VALUE = 0.7777
SECRET_NUMERATOR = 4711
SECRET_DENOMINATOR = 6058
SECRET_TEXTS = ("0.7777", "0,7777", "0,78", "0.78", "77,77", "77.77",
                "4711", "4.711", "6058", "6.058")
SECRET_CODE = "0104"
# The map's geometry is fetched by the browser from this route (cockpit/api/geometry.py).
GEOMETRY_URL = "/api/v1/areas/geojson?level=subdistrict&v=20261202T000000000000Z&period=2024"


# --- helpers --------------------------------------------------------------------------------


def _frame(rows: list[tuple], period: str = "2024") -> pd.DataFrame:
    """Build a gated frame from (code, name, value, numerator, denominator, suppressed)."""
    return pd.DataFrame(
        [
            {"area_code": code, "area_name": name, "level": "subdistrict", "period": period,
             "value": value, "numerator": num, "denominator": den, "suppressed": supp}
            for code, name, value, num, den, supp in rows
        ]
    )


def _districts(*, blank: bool, secret: tuple[float, int, int] | None = None) -> pd.DataFrame:
    """Four visible areas and one suppressed area; `blank=False` mimics a sloppy caller."""
    value, num, den = secret or (SECRET_VALUE, SECRET_NUMERATOR, SECRET_DENOMINATOR)
    rows = [
        ("0101", "Altstadt", 12.5, 25, 200, False),
        ("0102", "Nordviertel", 30.0, 60, 200, False),
        ("0103", "Südstadt", 1234.5, 2469, 200, False),
        (SECRET_CODE, "Kleinhausen", math.nan if blank else value,
         None if blank else num, None if blank else den, True),
        ("0105", "Westend", 20.25, 81, 400, False),
    ]
    return _frame(rows)


def _square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1],
                                                [x, y]]]}


def _geojson(codes: list[str]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": f"Gebiet {code}"},
         "geometry": _square(7 + i, 50)}
        for i, code in enumerate(codes)
    ]}


def _numbers(obj: object) -> list[float]:
    """All numbers in a figure dict, decoding plotly's base64 typed arrays."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            return np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"]).tolist()
        return [n for v in obj.values() for n in _numbers(v)]
    if isinstance(obj, list | tuple):
        return [n for v in obj for n in _numbers(v)]
    if isinstance(obj, bool):
        return []
    if isinstance(obj, int | float):
        return [obj]
    return []


def _assert_no_secrets(fig: go.Figure) -> None:
    text = fig.to_json()
    for secret in SECRET_TEXTS:
        assert secret not in text, f"{secret!r} leaked into the figure JSON"
    numbers = _numbers(json.loads(text))
    for secret in (SECRET_VALUE, SECRET_NUMERATOR, SECRET_DENOMINATOR):
        assert not any(math.isclose(n, secret, rel_tol=1e-9) for n in numbers
                       if isinstance(n, int | float) and math.isfinite(n)), secret


def _font_sizes(obj: object, key: str = "") -> list[float]:
    """Sizes of every font dict (keys ending in 'font') in a figure dict."""
    sizes: list[float] = []
    if isinstance(obj, dict):
        if key.endswith("font") and isinstance(obj.get("size"), int | float):
            sizes.append(obj["size"])
        for k, v in obj.items():
            sizes += _font_sizes(v, k)
    elif isinstance(obj, list):
        for v in obj:
            sizes += _font_sizes(v, key)
    return sizes


def _colour_at(scale: list, position: float) -> str:
    """The colour a stepped colourscale shows at a normalised position."""
    colour = scale[0][1]
    for stop, col in scale:
        if stop <= position:
            colour = col
    return colour


def _all_figures(lang: str = "de") -> list[go.Figure]:
    df = _districts(blank=True)
    series = pd.concat([_districts(blank=True).assign(period=p) for p in ("2022", "2023")])
    return [
        ranking_bar(df, unit="%", decimals=1, city_value=12.3, lang=lang),
        go.Figure(choropleth_map(df, GEOMETRY_URL, unit="%", decimals=1, lang=lang)),
        time_series(series, unit="%", decimals=1, lang=lang),
        sparkline(["2022", "2023"], [1.0, 2.0], direction="neutral"),
    ]


# --- shared conventions ---------------------------------------------------------------------


def test_every_figure_uses_german_separators() -> None:
    for fig in _all_figures():
        assert fig.layout.separators == ",."


def test_english_figures_use_english_separators() -> None:
    figs = _all_figures("en")
    assert [f.layout.separators for f in figs[:3]] == [".,", ".,", ".,"]


def test_fonts_are_at_least_12_px() -> None:
    for fig in _all_figures():
        sizes = _font_sizes(fig.to_dict())
        assert sizes, "no explicit font sizes set"
        assert min(sizes) >= 12


# --- ranking --------------------------------------------------------------------------------


def test_ranking_highest_value_on_top() -> None:
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None)
    bar = fig.data[0]
    assert list(bar.y) == ["0103", "0102", "0105", "0101"]
    assert list(bar.x) == sorted(bar.x, reverse=True)
    yaxis = fig.layout.yaxis
    assert yaxis.autorange == "reversed"  # first category is drawn on top
    assert yaxis.categoryarray[0] == "0103"
    assert list(yaxis.ticktext)[0] == "Südstadt"


def test_ranking_suppressed_area_at_bottom_as_mark_without_bar() -> None:
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None)
    assert fig.layout.yaxis.categoryarray[-1] == SECRET_CODE
    assert list(fig.layout.yaxis.ticktext)[-1] == "Kleinhausen"
    assert SECRET_CODE not in fig.data[0].y  # no bar
    marks = fig.data[1]
    assert list(marks.y) == [SECRET_CODE]
    assert list(marks.text) == [SUPPRESSED_MARK]
    assert marks.customdata[0][0] == SECRET_CODE
    assert f"{SUPPRESSED_MARK} Geheimhaltung" in marks.customdata[0][2]


@pytest.mark.parametrize("blank", [True, False], ids=["blanked", "caller-forgot-to-blank"])
def test_ranking_does_not_contain_suppressed_numbers(blank: bool) -> None:
    fig = ranking_bar(_districts(blank=blank), unit="%", decimals=2, city_value=12.3,
                      highlight=SECRET_CODE)
    _assert_no_secrets(fig)


def test_ranking_independent_of_suppressed_numbers() -> None:
    kwargs = {"unit": "%", "decimals": 1, "city_value": 12.3}
    one = ranking_bar(_districts(blank=False, secret=(0.7, 2, 3)), **kwargs)
    other = ranking_bar(_districts(blank=False, secret=(999.0, 5000, 6000)), **kwargs)
    blanked = ranking_bar(_districts(blank=True), **kwargs)
    assert one.to_json() == other.to_json() == blanked.to_json()


def test_ranking_reference_line_at_city_value() -> None:
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=12.3)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1
    assert lines[0].x0 == lines[0].x1 == 12.3
    assert lines[0].xref == "x"
    texts = [a.text for a in fig.layout.annotations]
    assert f"Stadt: {format_value(12.3, '%', 1, 'de')}" in texts
    assert any(t.startswith("Stadt: 12,3") and t.endswith("%") for t in texts)
    x_range = fig.layout.xaxis.range
    assert x_range[0] <= 12.3 <= x_range[1]


def test_ranking_without_city_value_has_no_line() -> None:
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None)
    assert not fig.layout.shapes
    assert not any(str(a.text).startswith("Stadt") for a in fig.layout.annotations)


def test_ranking_labels_and_hover_in_german_format() -> None:
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None)
    bar = fig.data[0]
    assert bar.text[0].startswith("1.234,5")
    assert bar.customdata[0][0] == "0103"  # area code for click identification
    assert bar.customdata[0][2] == bar.text[0]
    assert "%{customdata[2]}" in bar.hovertemplate
    assert "%{customdata[1]}" in bar.hovertemplate  # area name
    assert ":." not in bar.hovertemplate and ":," not in bar.hovertemplate  # no d3 formats
    assert fig.layout.xaxis.title.text == "%"


def test_ranking_highlight_has_distinct_colour_and_bold_label() -> None:
    plain = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None)
    fig = ranking_bar(_districts(blank=True), unit="%", decimals=1, city_value=None,
                      highlight="0102")
    assert set(plain.data[0].marker.color) == {BAR_COLOUR}
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    assert colours.pop("0102") == HIGHLIGHT_COLOUR
    assert set(colours.values()) == {BAR_COLOUR}
    assert HIGHLIGHT_COLOUR != BAR_COLOUR
    ticks = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert ticks["0102"] == "<b>Nordviertel</b>"
    assert ticks["0101"] == "Altstadt"


def test_ranking_height_grows_with_bars() -> None:
    many = _frame([(f"{i:04d}", f"Gebiet {i}", float(i), i, 100, False) for i in range(24)])
    few = _frame([(f"{i:04d}", f"Gebiet {i}", float(i), i, 100, False) for i in range(5)])
    tall = ranking_bar(many, unit="%", decimals=1, city_value=None).layout.height
    short = ranking_bar(few, unit="%", decimals=1, city_value=None).layout.height
    assert tall >= 24 * 28
    assert tall - short == 19 * 28


# --- class breaks ---------------------------------------------------------------------------


def test_quantile_breaks_on_known_input() -> None:
    assert class_breaks([float(v) for v in range(11)], "quantile") == pytest.approx(
        [0, 2, 4, 6, 8, 10])
    skewed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]
    assert class_breaks(skewed, "quantile") == pytest.approx([1, 2.8, 4.6, 6.4, 8.2, 100])


def test_equal_breaks_on_known_input() -> None:
    skewed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100]
    assert class_breaks(skewed, "equal") == pytest.approx([1, 20.8, 40.6, 60.4, 80.2, 100])
    assert class_breaks([0, 3, 7, 10, 2, 5], "equal", k=5) == pytest.approx(
        [0, 2, 4, 6, 8, 10])


@pytest.mark.parametrize("method", ["quantile", "equal"])
def test_breaks_with_fewer_distinct_values_than_classes(method: str) -> None:
    bounds = class_breaks([1, 1, 2, 2, 3, 3, 3], method, k=5)
    assert len(bounds) == 4  # three classes
    assert bounds[0] == 1 and bounds[-1] == 3
    assert all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
    assert sorted({assign_class(v, bounds) for v in (1, 2, 3)}) == [0, 1, 2]


def test_quantile_breaks_with_ties_have_no_duplicates() -> None:
    values = [1.0] * 10 + [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    bounds = class_breaks(values, "quantile", k=5)
    assert bounds[0] == 1.0 and bounds[-1] == 7.0
    assert all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
    assert len(bounds) < 6  # the tied quantiles collapsed


def test_breaks_ignore_nan_and_handle_degenerate_input() -> None:
    assert class_breaks([math.nan, None, math.nan]) == []
    assert class_breaks([]) == []
    assert class_breaks([5.0, math.nan, 5.0]) == [5.0, 5.0]
    assert assign_class(5.0, [5.0, 5.0]) == 0
    with_nan = class_breaks([0.0, math.nan, 10.0, 5.0, None, 2.5, 7.5], "quantile", k=4)
    assert with_nan == pytest.approx([0, 2.5, 5, 7.5, 10])


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError):
        class_breaks([1, 2, 3], "jenks")


def test_assign_class_edges() -> None:
    breaks = [0, 2, 4, 6, 8, 10]
    assert assign_class(0, breaks) == 0  # the minimum belongs to the first class
    assert assign_class(2, breaks) == 0  # upper bounds are inclusive
    assert assign_class(2.0001, breaks) == 1
    assert assign_class(5, breaks) == 2
    assert assign_class(9.99, breaks) == 4
    assert assign_class(10, breaks) == 4  # the maximum belongs to the last class
    assert assign_class(-1, breaks) == 0 and assign_class(11, breaks) == 4  # clamped
    assert assign_class(None, breaks) is None
    assert assign_class(math.nan, breaks) is None
    assert assign_class(3, []) is None


# --- time series ----------------------------------------------------------------------------


def _series(rows: list[tuple]) -> pd.DataFrame:
    """Frame from (code, name, period, value, suppressed)."""
    return pd.DataFrame([
        {"area_code": c, "area_name": n, "level": "district", "period": p, "value": v,
         "numerator": None if s else 1, "denominator": None if s else 1, "suppressed": s}
        for c, n, p, v, s in rows
    ])


def test_time_series_gap_stays_gap() -> None:
    df = _series([("a", "Nord", "2015", 1.0, False), ("a", "Nord", "2016", None, False),
                  ("a", "Nord", "2017", 3.0, False)])
    trace = time_series(df, unit="%", decimals=1).data[0]
    assert list(trace.x) == ["2015", "2016", "2017"]
    assert list(trace.y) == [1.0, None, 3.0]
    assert trace.connectgaps is False
    assert "markers" in trace.mode


def test_time_series_reindexes_missing_periods() -> None:
    df = _series([("a", "Nord", "2015", 1.0, False), ("a", "Nord", "2016", 2.0, False),
                  ("a", "Nord", "2017", 3.0, False), ("b", "Süd", "2017", 6.0, False),
                  ("b", "Süd", "2015", 4.0, False)])
    fig = time_series(df, unit="%", decimals=1)
    south = next(t for t in fig.data if t.name == "Süd")
    assert list(south.x) == ["2015", "2016", "2017"]
    assert list(south.y) == [4.0, None, 6.0]
    assert list(fig.layout.xaxis.categoryarray) == ["2015", "2016", "2017"]
    assert fig.layout.xaxis.type == "category"


@pytest.mark.parametrize("blank", [True, False], ids=["blanked", "caller-forgot-to-blank"])
def test_time_series_suppressed_point_is_a_gap_without_numbers(blank: bool) -> None:
    df = _series([("a", "Nord", "2015", 10.0, False),
                  ("a", "Nord", "2016", math.nan if blank else SECRET_VALUE, True),
                  ("a", "Nord", "2017", 30.0, False)])
    if not blank:
        df.loc[1, ["numerator", "denominator"]] = [SECRET_NUMERATOR, SECRET_DENOMINATOR]
    fig = time_series(df, unit="%", decimals=2)
    assert list(fig.data[0].y) == [10.0, None, 30.0]
    _assert_no_secrets(fig)
    assert SUPPRESSED_MARK in fig.data[0].customdata[1][1]


def test_time_series_index_base_is_exactly_100() -> None:
    df = _series([("a", "Nord", "2014", 3.3, False), ("a", "Nord", "2015", 7.3, False),
                  ("a", "Nord", "2016", 8.76, False), ("b", "Süd", "2015", 0.3, False),
                  ("b", "Süd", "2016", 0.6, False)])
    fig = time_series(df, unit="%", decimals=1, index_base="2015")
    north, south = fig.data
    assert north.y[1] == 100.0 and south.y[1] == 100.0
    assert north.y[2] == pytest.approx(8.76 / 7.3 * 100)
    assert north.y[0] == pytest.approx(3.3 / 7.3 * 100)
    assert south.y[2] == pytest.approx(200.0)
    assert fig.layout.yaxis.title.text == "Index (2015 = 100)"


def test_time_series_axis_titles_and_palette() -> None:
    rows = [(f"c{i}", f"Gebiet {i}", p, float(i), False) for i in range(5)
            for p in ("2020", "2021")]
    fig = time_series(_series(rows), unit="je 1.000 Einwohner", decimals=1)
    colours = [t.line.color for t in fig.data]
    assert len(set(colours)) == 5 and set(colours) <= set(OKABE_ITO)
    assert [t.name for t in fig.data] == [f"Gebiet {i}" for i in range(5)]
    assert fig.layout.yaxis.title.text == "je 1.000 Einwohner"
    assert fig.layout.xaxis.title.text == "Jahr"
    assert fig.data[0].customdata[1][1] == "0,0 je 1.000 Einwohner"


# --- sparkline ------------------------------------------------------------------------------


def test_sparkline_is_tiny_without_axes() -> None:
    fig = sparkline(["2020", "2021", "2022", "2023"], [1.0, None, 3.0, None],
                    direction="higher_is_better")
    layout = fig.layout
    assert layout.height <= 50
    assert (layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) == (0, 0, 0, 0)
    assert layout.xaxis.visible is False and layout.yaxis.visible is False
    assert layout.xaxis.showgrid is False and layout.yaxis.showgrid is False
    assert layout.paper_bgcolor == "rgba(0,0,0,0)" and layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert layout.showlegend is False
    line = fig.data[0]
    assert line.connectgaps is False
    assert list(line.y) == [1.0, None, 3.0, None]
    last = fig.data[1]
    assert list(last.x) == ["2022"] and list(last.y) == [3.0]  # last known point marked


def test_sparkline_marks_the_direction_of_the_last_change() -> None:
    up_good = sparkline(["1", "2"], [1.0, 2.0], direction="higher_is_better")
    up_bad = sparkline(["1", "2"], [1.0, 2.0], direction="lower_is_better")
    neutral = sparkline(["1", "2"], [1.0, 2.0], direction="neutral")
    colours = {f.data[1].marker.color for f in (up_good, up_bad, neutral)}
    assert len(colours) == 3


def test_sparkline_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        sparkline(["2020"], [1.0], direction="up")
    with pytest.raises(ValueError):
        sparkline(["2020", "2021"], [1.0], direction="neutral")


def test_sparkline_without_values_has_no_marker() -> None:
    fig = sparkline(["2020", "2021"], [None, None], direction="neutral")
    assert len(fig.data) == 1
