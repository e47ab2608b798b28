"""The scatter plot of the Zusammenhang page as a plain plotly figure dict.

Pure: from the pairs the statistics module made of gated values (cockpit/app/relation.py)
to the dict Dash sends; no ``go.Figure`` (its validation deep-copies every list). Plain
``scatter`` traces: the cockpit's partial plotly bundle has no ``scattergl``
(tools/plotly-bundle/build.js); above LABEL_MAX points the areas lose their text labels
(but keep their hover), which keeps SVG drawing affordable for a Land's Gemeinden.
Groups differ by shape and outline as well as colour (Okabe–Ito blue and vermillion),
so they are told apart without colour vision.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from cockpit.app.figures import (
    _TEMPLATE_DICT,
    BAR_COLOUR,
    FONT_SIZE,
    HIGHLIGHT_COLOUR,
    SMALL_FONT_SIZE,
    TEXT_COLOUR,
    _separators,
)
from cockpit.app.formatting import format_value, format_values
from cockpit.app.i18n import register_strings, t
from cockpit.app.relation import Fit, Pairs

__all__ = ["LABEL_MAX", "label_positions", "relation_scatter"]

#: Up to this many points each carries its area's name; above it only hover, the own
#: and the highlighted areas are labelled.
LABEL_MAX = 60
#: Marker sizes in px: a fixed one, and the largest bubble's diameter.
POINT_PX = 11
BUBBLE_MAX_PX = 42
BUBBLE_MIN_PX = 5

register_strings({
    "relation.areas": {"de": "Gebiete", "en": "Areas"},
    "relation.own": {"de": "Eigener Bezirk", "en": "Own district"},
    "relation.highlight": {"de": "Hervorgehoben", "en": "Highlighted"},
    "relation.trend": {"de": "Trendlinie (kleinste Quadrate)",
                       "en": "Trend line (least squares)"},
    "relation.population": {"de": "Einwohner", "en": "Residents"},
    "relation.no_pairs": {"de": "Keine Gebiete mit Werten für beide Indikatoren",
                          "en": "No areas with values for both indicators"},
})


def _axis(title: str, unit: str) -> dict[str, Any]:
    unit = (unit or "").strip()
    # "Hilfen je 1.000 unter 21-Jährige" names its unit already
    text = f"{title} ({unit})" if unit and unit not in title else title
    return {"title": {"text": text}, "zeroline": False, "showgrid": True}


def _customdata(codes: list[str], names: list[str], rows: list[int],
                population: list[str] | None,
                texts: tuple[Sequence[str], Sequence[str]] | None) -> list[list[str]]:
    """Per point: code and name, the x and y texts (unless plotly formats them), the
    residents (with bubbles)."""
    if texts is None:
        if population is None:
            return [[c, n] for c, n in zip(codes, names, strict=True)]
        return [[c, n, p] for c, n, p in zip(codes, names, population, strict=True)]
    x_texts, y_texts = texts
    if population is None:
        return [[c, n, x_texts[i], y_texts[i]] for c, n, i in zip(codes, names, rows,
                                                                   strict=True)]
    return [[c, n, x_texts[i], y_texts[i], p]
            for c, n, i, p in zip(codes, names, rows, population, strict=True)]


def _unit_suffix(unit: str, lang: str) -> str:
    """What format_value puts after a number for `unit` (" %" narrow, " EUR")."""
    return format_value(0.0, unit, 0, lang).removeprefix(format_value(0.0, "", 0, lang))


def _bubble_sizes(codes: list[str], sizes: Mapping[str, float]) -> tuple[list[float], float]:
    """Marker sizes (the population; 0 where unknown, drawn at the minimum size) and
    plotly's sizeref for `sizemode: "area"` (the largest bubble BUBBLE_MAX_PX wide)."""
    values = [float(sizes.get(code) or 0.0) for code in codes]
    values = [v if math.isfinite(v) and v > 0 else 0.0 for v in values]
    largest = max(sizes.values(), default=0.0) or 1.0
    return values, 2.0 * largest / BUBBLE_MAX_PX ** 2


#: Where a label may sit around its point, and its box's offset from the point in px
#: (plotly's textposition names), in order of preference.
_PLACES = (("top center", 0.0, 1.0), ("bottom center", 0.0, -1.0),
           ("middle right", 1.0, 0.0), ("middle left", -1.0, 0.0))
#: The drawing area the label placement assumes (px); labels are 7 px per letter, 15 high.
_PLOT_PX = (1000.0, 480.0)
_LETTER_PX, _LINE_PX, _MARK_PX = 7.0, 15.0, 12.0


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Overlap in px² of each box (…, 4: x0, y0, x1, y1) with each of `others` (m, 4):
    shape (…, m)."""
    width = (np.minimum(boxes[..., None, 2], others[:, 2])
             - np.maximum(boxes[..., None, 0], others[:, 0]))
    height = (np.minimum(boxes[..., None, 3], others[:, 3])
              - np.maximum(boxes[..., None, 1], others[:, 1]))
    return np.clip(width, 0, None) * np.clip(height, 0, None)


def label_positions(x: np.ndarray, y: np.ndarray, names: list[str],
                    radii: np.ndarray | None = None) -> list[str]:
    """A textposition per point that keeps labels off each other and off the points
    where it can: greedy, each label at the place of least overlap with the markers and
    the labels placed before it (for at most LABEL_MAX points). `radii` are the markers'
    half sizes in px (bubbles), else all are POINT_PX wide."""
    n = len(names)
    if n == 0:
        return []

    def scaled(values: np.ndarray, px: float) -> np.ndarray:
        span = float(np.ptp(values)) or 1.0
        return (np.asarray(values, dtype=float) - float(np.min(values))) / span * px

    px, py = scaled(x, _PLOT_PX[0]), scaled(y, _PLOT_PX[1])
    mark = (np.full(n, _MARK_PX / 2) if radii is None
            else np.maximum(np.asarray(radii, dtype=float), _MARK_PX / 2))
    marks = np.stack([px - mark, py - mark, px + mark, py + mark], axis=1)
    mark = mark[:, None]
    half_width = _LETTER_PX * np.array([len(name) for name in names], dtype=float) / 2
    half = _LINE_PX / 2
    steps = np.array([(dx, dy) for _, dx, dy in _PLACES])  # (4, 2)
    cx = px[:, None] + steps[None, :, 0] * (half_width[:, None] + mark + 2)
    cy = py[:, None] + steps[None, :, 1] * (half + mark + 1)
    boxes = np.stack([cx - half_width[:, None], cy - half, cx + half_width[:, None],
                      cy + half], axis=2)  # (n, 4 places, 4)
    on_marks = _overlaps(boxes, marks)  # (n, 4, n)
    on_marks[np.arange(n), :, np.arange(n)] = 0.0  # a label beside its own point
    cost = on_marks.sum(axis=2) + np.arange(len(_PLACES))  # preference breaks ties
    placed = np.empty((0, 4))
    chosen = np.zeros(n, dtype=int)
    for i in sorted(range(n), key=lambda k: (-py[k], px[k])):  # top of the plot first
        total = cost[i] + _overlaps(boxes[i], placed).sum(axis=1)
        chosen[i] = int(np.argmin(total))
        placed = np.vstack([placed, boxes[i, chosen[i]]])
    return [_PLACES[c][0] for c in chosen]


def relation_scatter(
    pairs: Pairs,
    fit: Fit,
    *,
    x_title: str,
    y_title: str,
    x_unit: str,
    y_unit: str,
    x_decimals: int,
    y_decimals: int,
    lang: str = "de",
    highlight: str | None = None,
    own: Collection[str] = (),
    sizes: Mapping[str, float] | None = None,
    places: list[str] | None = None,
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
    size_texts: Mapping[str, str] | None = None,
    memo: dict | None = None,
) -> dict[str, Any]:
    """The two indicators of the areas in `pairs` as points, with the least-squares line
    of `fit`; `own` areas (a district user's) and the `highlight`ed one stand out, and
    with `sizes` (residents by area code) each point's area follows the population.
    `places` (label_positions), `texts` (the formatted x and y values) and
    `size_texts` (the formatted residents by area) may come prepared from a cache.

    Above LABEL_MAX points every area is in one unlabelled trace, kept in `memo` (per
    language, texts and sizes) when given, and the own and highlighted areas are drawn
    again on top of it: a click then sends the few points that changed, not thousands."""
    layout: dict[str, Any] = {
        "template": _TEMPLATE_DICT, "separators": _separators(lang),
        "xaxis": _axis(x_title, x_unit), "yaxis": _axis(y_title, y_unit),
        "margin": {"l": 10, "r": 20, "t": 20, "b": 10}, "height": 560,
        "hovermode": "closest", "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.14,
                   "yanchor": "top"},
    }
    if pairs.n == 0:
        layout.update(xaxis={"visible": False}, yaxis={"visible": False}, showlegend=False,
                      annotations=[{"text": t("relation.no_pairs", lang), "x": 0.5, "y": 0.5,
                                    "xref": "paper", "yref": "paper", "showarrow": False,
                                    "font": {"size": FONT_SIZE}}])
        return {"data": [], "layout": layout}

    x_texts, y_texts = texts if texts is not None else (
        format_values(pairs.x, "", x_decimals, lang),
        format_values(pairs.y, "", y_decimals, lang))
    # Plotted positions need no more than a pixel's precision: fewer digits to send for
    # thousands of points (r and the line come from the full values).
    x_at, y_at = pairs.x.round(x_decimals + 4), pairs.y.round(y_decimals + 4)
    size_of = None if sizes is None else _bubble_sizes(pairs.codes, sizes)
    own_set = set(own)
    many = pairs.n > LABEL_MAX
    groups: dict[str, list[int]] = {"areas": [], "own": [], "highlight": []}
    for i, code in enumerate(pairs.codes):
        group = "highlight" if code == highlight else "own" if code in own_set else "areas"
        if group != "areas" or not many:
            groups[group].append(i)
    if many:
        groups["areas"] = list(range(pairs.n))

    # The units once in the template, not in each point's texts.
    def hover(x_ref: str, y_ref: str, residents_ref: str) -> str:
        text = (f"<b>%{{customdata[1]}}</b><br>{x_title}: {x_ref}{_unit_suffix(x_unit, lang)}"
                f"<br>{y_title}: {y_ref}{_unit_suffix(y_unit, lang)}")
        if sizes is not None:
            text += f"<br>{t('relation.population', lang)}: {residents_ref}"
        return text + "<extra></extra>"

    # Each point's texts as the cockpit formats them (half up); thousands of points in
    # one trace are formatted by plotly instead (d3, with the layout's separators; a
    # value exactly on a rounding tie may then differ in its last place), which halves
    # what is sent.
    full_hover = hover("%{customdata[2]}", "%{customdata[3]}", "%{customdata[4]}")
    compact_hover = hover(f"%{{x:,.{x_decimals}f}}", f"%{{y:,.{y_decimals}f}}",
                          "%{customdata[2]}")
    styles = {
        "areas": {"symbol": "circle", "color": BAR_COLOUR, "opacity": 0.75,
                  "line": {"color": "#ffffff", "width": 1}},
        "own": {"symbol": "diamond", "color": HIGHLIGHT_COLOUR, "opacity": 0.9,
                "line": {"color": TEXT_COLOUR, "width": 1}},
        "highlight": {"symbol": "star", "color": HIGHLIGHT_COLOUR, "opacity": 1.0,
                      "line": {"color": TEXT_COLOUR, "width": 2}},
    }
    labelled_all = pairs.n <= LABEL_MAX
    if not labelled_all:
        places = ["top center"] * pairs.n
    elif size_of is not None:  # labels clear of the bubbles, kept per residents' column
        known = memo.get("bubble places") if memo is not None else None
        if known is not None and known[0] is sizes:
            places = known[1]
        else:
            diameters = np.sqrt(np.array(size_of[0]) / size_of[1])
            places = label_positions(pairs.x, pairs.y, pairs.names,
                                     np.maximum(diameters, BUBBLE_MIN_PX) / 2)
            if memo is not None:
                memo["bubble places"] = (sizes, places)
    elif places is None:
        places = label_positions(pairs.x, pairs.y, pairs.names)
    data: list[dict[str, Any]] = []
    for group, rows in groups.items():
        if not rows:
            continue
        compact = many and group == "areas"
        key = ("areas", lang, compact_hover)
        known = memo.get(key) if many and group == "areas" and memo is not None else None
        if known is not None and known[0] is sizes:  # the same residents' column
            data.append(known[1])
            continue
        codes = [pairs.codes[i] for i in rows]
        names = [pairs.names[i] for i in rows]
        if size_of is None:
            population = None
        elif size_texts is not None:
            population = [size_texts.get(code, "–") for code in codes]
        else:
            known = np.array([size_of[0][i] for i in rows], dtype=float)
            population = [text if size else "–" for text, size in zip(
                format_values(known, "", 0, lang), known, strict=True)]
        marker: dict[str, Any] = dict(styles[group])
        if size_of is not None:
            marker.update(size=[size_of[0][i] for i in rows], sizemode="area",
                          sizeref=size_of[1], sizemin=BUBBLE_MIN_PX)
        else:
            marker["size"] = POINT_PX + (6 if group == "highlight" else 0)
        labelled = labelled_all or group != "areas"
        trace: dict[str, Any] = {
            "type": "scatter", "mode": "markers+text" if labelled else "markers",
            "x": x_at[rows].tolist(), "y": y_at[rows].tolist(),
            "name": t(f"relation.{group}", lang), "marker": marker,
            "customdata": _customdata(codes, names, rows, population,
                                      None if compact else (x_texts, y_texts)),
            "hovertemplate": compact_hover if compact else full_hover, "cliponaxis": False,
        }
        if labelled:
            trace.update(text=[f"<b>{n}</b>" if group != "areas" else n for n in names],
                         textposition=[places[i] for i in rows],
                         textfont={"size": SMALL_FONT_SIZE - 1, "color": TEXT_COLOUR})
        data.append(trace)
        if many and group == "areas" and memo is not None:
            if len(memo) > 8:  # languages × with and without sizes
                memo.clear()
            memo[key] = (sizes, trace)
    if fit.slope is not None and fit.intercept is not None:
        low, high = float(np.min(pairs.x)), float(np.max(pairs.x))
        data.insert(0, {
            "type": "scatter", "mode": "lines", "x": [low, high],
            "y": [fit.intercept + fit.slope * low, fit.intercept + fit.slope * high],
            "name": t("relation.trend", lang), "hoverinfo": "skip",
            "line": {"color": TEXT_COLOUR, "width": 2, "dash": "dash"},
        })
    return {"data": data, "layout": layout}
