"""The choropleth map as a plain figure dict that refers to its geometry by URL."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from cockpit.app.figures import SUPPRESSED_COLOUR, choropleth_map
from cockpit.app.formatting import SUPPRESSED_MARK
from tests.app.test_figures import SECRET_CODE, SECRET_NUMERATOR, SECRET_VALUE, _colour_at, _frame
from tests.app.test_figures import _assert_no_secrets as _assert_no_secrets_in_figure

URL = "/api/v1/areas/geojson?level=subdistrict&v=20261202T000000000000Z&period=2024"


def _map_frame(*, blank: bool = True) -> pd.DataFrame:
    rows = [(f"02{i:02d}", f"Gebiet {i}", float(150 * i), i, 100, False) for i in range(11)]
    rows.append((SECRET_CODE, "Kleinhausen", math.nan if blank else SECRET_VALUE,
                 None if blank else SECRET_NUMERATOR, None, True))
    rows.append(("0299", "Leerfeld", math.nan, None, None, False))  # no data, not hidden
    return _frame(rows)


def _map(**kwargs) -> dict:
    df = _map_frame(blank=kwargs.pop("blank", True))
    return choropleth_map(df, URL, unit="EUR", decimals=1, **kwargs)


def _class_traces(fig: dict) -> list[dict]:
    return [t for t in fig["data"] if t["name"] in ("Wert", "Value")]


def _located(fig: dict) -> dict[str, int]:
    """Class index per area code over the class traces."""
    return {code: z for t in _class_traces(fig)
            for code, z in zip(t["locations"], t["z"], strict=True)}


def test_map_is_a_plain_dict_that_plotly_accepts() -> None:
    fig = _map(highlight="0203")
    assert isinstance(fig, dict) and set(fig) == {"data", "layout"}
    json.dumps(fig)  # plain JSON, nothing plotly-specific left to encode
    go.Figure(fig)  # every attribute is a valid plotly attribute (raises otherwise)


def test_every_trace_refers_to_the_geometry_url_and_carries_no_geometry() -> None:
    fig = _map(highlight="0203")
    assert len(fig["data"]) >= 5
    for trace in fig["data"]:
        assert trace["type"] == "choropleth"
        assert trace["geojson"] == URL
        assert trace["featureidkey"] == "properties.code"
    text = json.dumps(fig)
    assert "coordinates" not in text and "Polygon" not in text and "Feature" not in text


def test_area_names_come_from_the_geometry_not_the_figure() -> None:
    fig = _map()
    for trace in fig["data"]:
        assert trace["hovertemplate"].startswith("<b>%{properties.name}</b>")
    assert "Gebiet 3" not in json.dumps(fig)  # names travel once, with the geometry


def test_geo_setup_without_base_map() -> None:
    geo = _map()["layout"]["geo"]
    assert geo["fitbounds"] == "locations"
    assert geo["visible"] is False
    assert geo["projection"] == {"type": "mercator"}


def test_five_discrete_classes_with_distinct_colours_and_one_colour_bar() -> None:
    fig = _map()
    classes = _class_traces(fig)
    assert len(classes) == 5
    located = _located(fig)
    assert sorted(set(located.values())) == [0, 1, 2, 3, 4]
    assert set(located) == {f"02{i:02d}" for i in range(11)}
    for trace in classes:
        assert (trace["zmin"], trace["zmax"]) == (-0.5, 4.5)
        assert len(set(trace["z"])) == 1  # one class per trace
    scales = {json.dumps(t["colorscale"]) for t in classes}
    assert len(scales) == 1  # the same scale: colours as of one trace with z = class
    scale = classes[0]["colorscale"]
    colours = [_colour_at(scale, (i + 0.5) / 5) for i in range(5)]
    assert len(set(colours)) == 5
    for i, colour in enumerate(colours):
        assert _colour_at(scale, i / 5 + 0.01) == colour
        assert _colour_at(scale, (i + 1) / 5 - 0.01) == colour
    assert [t["showscale"] for t in fig["data"]].count(True) == 1


def test_legend_shows_german_class_bounds_and_hover_the_class() -> None:
    fig = _map()
    bar = next(t for t in fig["data"] if t["showscale"])["colorbar"]
    assert bar["tickvals"] == [0, 1, 2, 3, 4]
    assert bar["ticktext"][0] == "0,0 – 300,0 EUR"
    assert bar["ticktext"][-1] == "1.200,0 – 1.500,0 EUR"
    assert bar["title"]["text"] == "Klassen (Quantile)"
    top = next(t for t in _class_traces(fig) if t["z"][0] == 4)
    assert top["hovertemplate"] == ("<b>%{properties.name}</b><br>%{customdata}<br>"
                                    "Klasse: 1.200,0 – 1.500,0 EUR<extra></extra>")
    hover = dict(zip(top["locations"], top["customdata"], strict=True))
    assert hover["0210"] == "1.500,0 EUR"


def test_english_legend_and_hover() -> None:
    fig = _map(lang="en")
    assert fig["layout"]["separators"] == ".,"
    bar = next(t for t in fig["data"] if t["showscale"])["colorbar"]
    assert bar["ticktext"][-1] == "1,200.0 – 1,500.0 EUR"
    assert bar["title"]["text"] == "Classes (quantiles)"
    names = {t["name"] for t in fig["data"]}
    assert {f"{SUPPRESSED_MARK} suppressed", "– no data", "Value"} <= names


def test_equal_intervals() -> None:
    df = _frame([(f"{i}", f"G{i}", v, 1, 1, False) for i, v in enumerate([0, 1, 2, 3, 100])])
    fig = choropleth_map(df, URL, unit="%", decimals=0, method="equal")
    assert _located(fig) == {"0": 0, "1": 0, "2": 0, "3": 0, "4": 4}


def test_suppressed_and_missing_areas_in_their_own_legend_entries() -> None:
    fig = _map()
    grey = next(t for t in fig["data"] if t["name"] == f"{SUPPRESSED_MARK} Geheimhaltung")
    assert grey["locations"] == [SECRET_CODE]
    assert {c for _, c in grey["colorscale"]} == {SUPPRESSED_COLOUR}
    assert grey["showlegend"] is True and grey["showscale"] is False
    assert grey["hovertemplate"] == (f"<b>%{{properties.name}}</b><br>{SUPPRESSED_MARK} "
                                     "Geheimhaltung<extra></extra>")
    assert "customdata" not in grey
    empty = next(t for t in fig["data"] if t["name"] == "– keine Daten")
    assert empty["locations"] == ["0299"]
    assert SECRET_CODE not in _located(fig) and "0299" not in _located(fig)


@pytest.mark.parametrize("blank", [True, False], ids=["blanked", "caller-forgot-to-blank"])
def test_does_not_contain_suppressed_numbers(blank: bool) -> None:
    _assert_no_secrets_in_figure(go.Figure(_map(blank=blank, highlight=SECRET_CODE)))


def test_highlight_draws_a_halo_over_the_same_geometry() -> None:
    plain, fig = _map(), _map(highlight="0203")
    assert len(fig["data"]) == len(plain["data"]) + 2
    halo, line = fig["data"][-2:]
    assert halo["locations"] == line["locations"] == ["0203"]
    assert halo["geojson"] == line["geojson"] == URL
    assert (halo["marker"]["line"], line["marker"]["line"]) == (
        {"color": "#ffffff", "width": 6}, {"color": "#000000", "width": 3})
    assert line["name"] == "Gebiet 3"
    assert "450,0 EUR<br>Klasse: " in line["hovertemplate"]
    assert max(t["marker"]["line"]["width"] for t in plain["data"]) < 3


def test_highlight_of_an_unknown_area_adds_nothing() -> None:
    assert len(_map(highlight="9999")["data"]) == len(_map()["data"])


def test_no_rows_shows_a_note() -> None:
    fig = choropleth_map(_map_frame().iloc[0:0], URL, unit="%", decimals=1)
    assert fig["data"] == []
    assert fig["layout"]["annotations"][0]["text"] == "Keine Daten vorhanden"


def test_without_a_url_it_refuses() -> None:
    with pytest.raises(ValueError, match="geometry_url"):
        choropleth_map(_map_frame(), {"type": "FeatureCollection"}, unit="%",  # type: ignore[arg-type]
                       decimals=1)


def test_the_values_of_11000_areas_stay_small() -> None:
    codes = [f"{i:06d}" for i in range(11_000)]
    df = pd.DataFrame({"area_code": codes, "area_name": [f"Gebiet {c}" for c in codes],
                       "period": "2024", "value": [float(i % 997) / 7 for i in range(11_000)],
                       "suppressed": [i % 50 == 0 for i in range(11_000)]})
    size = len(json.dumps(choropleth_map(df, URL, unit="%", decimals=1)))
    assert size < 350_000  # ~30 bytes per area: code, class and value text
