"""The ranking at scale: which areas get a bar, the gaps, the distribution, no secrets."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from cockpit.app.figures import BAR_COLOUR, HIGHLIGHT_COLOUR, ranking_bar
from cockpit.app.formatting import SUPPRESSED_MARK
from cockpit.app.ranking import FULL_MAX, HEAD, TAIL, Gap, histogram, select_positions, with_gaps

# --- selection --------------------------------------------------------------------------------


def test_small_levels_show_every_position() -> None:
    assert select_positions(20, 24) == list(range(24))
    assert select_positions(FULL_MAX, FULL_MAX) == list(range(FULL_MAX))


def test_long_ranking_shows_top_and_bottom_of_the_values_only() -> None:
    positions = select_positions(1000, 1100)  # 100 areas without a value at the end
    assert positions == [*range(HEAD), *range(1000 - TAIL, 1000)]
    assert not any(p >= 1000 for p in positions)  # no suppressed area crowds the list


def test_kept_positions_join_at_their_rank_and_out_of_range_ones_are_ignored() -> None:
    positions = select_positions(1000, 1100, [500, 1050, 5000, -1])
    assert 500 in positions and 1050 in positions
    assert positions == sorted(positions)
    assert len(positions) == HEAD + TAIL + 2


def test_fewer_values_than_head_and_tail() -> None:
    # 70 areas, only 30 with a value: all 30 shown once, the 40 without only if kept
    assert select_positions(30, 70) == list(range(30))
    assert select_positions(30, 70, [69]) == [*range(30), 69]


def test_gaps_count_every_area_left_out() -> None:
    items = with_gaps([0, 1, 5, 9], 20)
    assert items == [0, 1, Gap(3), 5, Gap(3), 9, Gap(10)]
    assert sum(int(i) for i in items if isinstance(i, Gap)) + 4 == 20
    assert with_gaps([0, 1, 2], 3) == [0, 1, 2]
    assert with_gaps([2], 3) == [Gap(2), 2]


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        select_positions(5, 3)


def test_histogram_counts_every_finite_value_once() -> None:
    edges, counts = histogram([1.0, 2.0, 2.0, 3.0, math.nan, 10.0])
    assert sum(counts) == 5
    assert len(edges) == len(counts) + 1
    assert edges[0] == 1.0 and edges[-1] == 10.0
    assert histogram([]) == ([], [])
    edges, counts = histogram([4.0, 4.0])
    assert counts == [2] and edges[0] < 4.0 < edges[1]


# --- the figure -------------------------------------------------------------------------------

SECRET = 987.654321


def _many(n: int = 300, *, secret: float | None = SECRET, ties: bool = False) -> pd.DataFrame:
    """n areas: values 1..n-ish, every 10th suppressed (its value kept by a sloppy caller)."""
    rows = []
    for i in range(n):
        hidden = i % 10 == 9
        value = float(i % 7 if ties else i) + 0.5
        rows.append({"area_code": f"{i:06d}", "area_name": f"Gebiet {i:04d}",
                     "level": "subdistrict", "period": "2024",
                     "value": (secret if secret is not None else math.nan) if hidden else value,
                     "numerator": 1.0 if hidden else value, "denominator": 100.0,
                     "suppressed": hidden, "parent_code": f"{i // 30:03d}"})
    return pd.DataFrame(rows)


def _bars(fig: dict) -> dict:
    return next(t for t in fig["data"] if t["type"] == "bar" and t.get("orientation") == "h")


def _histogram(fig: dict) -> dict:
    return next(t for t in fig["data"] if t.get("xaxis") == "x2")


def test_figure_is_a_plain_dict_that_plotly_accepts() -> None:
    for df in (_many(24), _many(300)):
        fig = ranking_bar(df, unit="%", decimals=1, city_value=50.0)
        assert type(fig) is dict
        json.dumps(fig)  # plain JSON, nothing plotly-specific left inside
        go.Figure(fig)  # and a valid plotly figure (validation raises otherwise)


def test_small_level_keeps_every_bar_and_no_distribution() -> None:
    fig = ranking_bar(_many(24), unit="%", decimals=1, city_value=None)
    categories = fig["layout"]["yaxis"]["categoryarray"]
    assert len(categories) == 24
    assert not any(t.get("xaxis") == "x2" for t in fig["data"])
    assert "…" not in json.dumps(fig, ensure_ascii=False)


def test_long_level_shows_top_bottom_gap_and_distribution() -> None:
    df = _many(300)
    fig = ranking_bar(df, unit="%", decimals=1, city_value=150.0)
    bars = _bars(fig)
    visible = df[~df["suppressed"]].sort_values("value", ascending=False)
    assert bars["y"][:HEAD] == visible["area_code"].head(HEAD).tolist()
    assert bars["y"][-TAIL:] == visible["area_code"].tail(TAIL).tolist()
    assert len(bars["y"]) == HEAD + TAIL
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    left_out = len(df) - HEAD - TAIL
    assert f"<i>… {left_out - 30} weitere Gebiete (vollständige Liste in der Tabelle)</i>" \
        in texts  # the middle gap: 300 - 50 shown - 30 suppressed at the end
    assert "<i>… 30 weitere Gebiete (vollständige Liste in der Tabelle)</i>" in texts
    # ranks in front of the names (the reader sees where the gap is)
    assert fig["layout"]["yaxis"]["ticktext"][0] == "1. Gebiet 0298"
    hist = _histogram(fig)
    assert sum(hist["y"]) == len(visible)  # every visible value counted, no suppressed one
    assert fig["layout"]["xaxis2"]["title"]["text"] == "%"
    assert fig["layout"]["yaxis2"]["title"]["text"] == "Anzahl Gebiete"
    assert any(str(t).startswith("<b>Verteilung aller 270 Gebiete") for t in texts)
    # the city line in the ranking and in the distribution
    assert {s["xref"] for s in fig["layout"]["shapes"]} == {"x", "x2"}


def test_english_texts() -> None:
    fig = ranking_bar(_many(300), unit="%", decimals=1, city_value=None, lang="en")
    texts = " ".join(str(a["text"]) for a in fig["layout"]["annotations"])
    assert "more areas (full list in the table)" in texts
    assert "Distribution of all 270 areas with a value" in texts
    assert fig["layout"]["yaxis2"]["title"]["text"] == "Number of areas"


def test_highlighted_and_own_areas_are_always_shown() -> None:
    df = _many(300)
    middle, own = "000150", {"000120", "000121", "000129"}  # 000129 is suppressed
    fig = ranking_bar(df, unit="%", decimals=1, city_value=None, highlight=middle, own=own)
    bars = _bars(fig)
    assert middle in bars["y"] and {"000120", "000121"} <= set(bars["y"])
    colours = dict(zip(bars["y"], bars["marker"]["color"], strict=True))
    assert colours.pop(middle) == HIGHLIGHT_COLOUR
    assert set(colours.values()) == {BAR_COLOUR}
    marks = next(t for t in fig["data"] if t["type"] == "scatter")
    assert marks["y"] == ["000129"] and marks["text"] == [SUPPRESSED_MARK]
    ticks = dict(zip(fig["layout"]["yaxis"]["tickvals"], fig["layout"]["yaxis"]["ticktext"],
                     strict=True))
    visible = df[~df["suppressed"]]
    rank = int((visible["value"] > 150.5).sum()) + 1  # suppressed areas take no rank
    assert ticks[middle] == f"<b>{rank}. Gebiet 0150</b>"
    # the highlighted area is marked in the distribution too
    marked = [s for s in fig["layout"]["shapes"] if s["xref"] == "x2"]
    assert [s["x0"] for s in marked] == [150.5]
    assert marked[0]["line"]["color"] == HIGHLIGHT_COLOUR


def test_ties_get_the_same_rank_and_a_stable_order() -> None:
    df = _many(300, ties=True)  # values 0.5 .. 6.5, many areas each
    fig = ranking_bar(df, unit="%", decimals=1, city_value=None)
    again = ranking_bar(df.sample(frac=1.0, random_state=3), unit="%", decimals=1,
                        city_value=None)
    assert fig == again  # the input order does not matter
    bars = _bars(fig)
    assert len(bars["y"]) == HEAD + TAIL
    ticks = fig["layout"]["yaxis"]["ticktext"]
    assert all(t.startswith("1. ") for t in ticks[:HEAD])  # all tie at 6.5: rank 1
    names = [t.split(". ", 1)[1] for t in ticks[:HEAD]]
    assert names == sorted(names)  # ties ordered by name
    visible = df[~df["suppressed"]]
    lowest_rank = int((visible["value"] > 0.5).sum()) + 1
    assert ticks[-2].startswith(f"{lowest_rank}. ")  # last bar before the trailing gap


def test_long_ranking_carries_no_suppressed_value_and_does_not_depend_on_it() -> None:
    one = ranking_bar(_many(300, secret=SECRET), unit="%", decimals=1, city_value=150.0,
                      highlight="000009")
    other = ranking_bar(_many(300, secret=0.25), unit="%", decimals=1, city_value=150.0,
                        highlight="000009")
    blank = ranking_bar(_many(300, secret=None), unit="%", decimals=1, city_value=150.0,
                        highlight="000009")
    assert one == other == blank
    text = json.dumps(one)
    assert "987" not in text and "987,7" not in text
    # the suppressed highlighted area appears as a mark, not a bar, and not in the histogram
    assert "000009" not in _bars(one)["y"]
    assert not [s for s in one["layout"]["shapes"] if s["xref"] == "x2" and s["x0"] != 150.0]


def test_building_does_not_change_the_callers_frame() -> None:
    df = _many(300)
    before = copy.deepcopy(df)
    ranking_bar(df, unit="%", decimals=1, city_value=None)
    pd.testing.assert_frame_equal(df, before)


def test_eleven_thousand_areas_make_a_small_figure() -> None:
    rng = np.random.default_rng(9)
    n = 11_000
    df = pd.DataFrame({"area_code": [f"{i:06d}" for i in range(n)],
                       "area_name": [f"Gemeinde {i}" for i in range(n)],
                       "value": rng.random(n) * 40, "suppressed": rng.random(n) < 0.2})
    fig = ranking_bar(df, unit="%", decimals=1, city_value=20.0)
    assert len(json.dumps(fig)) < 40_000
    assert fig["layout"]["height"] < 3000  # not 308,128 px
