"""Figures of a composite index: the breakdown of one area's value (pure: data -> dict)."""

from __future__ import annotations

from typing import Any

from cockpit.app.figures import OKABE_ITO, _separators, index_colours
from cockpit.app.formatting import format_number

_TEXTS = {
    "de": {"components": "Standardisierte Komponenten (mit Vorzeichen, Gewicht)",
           "index": "Indexwert und Klassengrenzen", "weight": "Gewicht",
           "value": "Indexwert", "none": "ohne Zuordnung", "raises": "hebt den Index",
           "lowers": "senkt den Index"},
    "en": {"components": "Standardised components (signed, weight)",
           "index": "Index value and class boundaries", "weight": "weight",
           "value": "Index value", "none": "not classified", "raises": "raises the index",
           "lowers": "lowers the index"},
}


def breakdown_figure(breakdown: dict[str, Any], lang: str = "de") -> dict[str, Any]:
    """Two panels for one area: the signed standardised value of each component as a
    horizontal bar (which components push the area up or down), and the index value on
    its axis with the class bands and cut-offs of the reference set."""
    t = _TEXTS.get(lang, _TEXTS["de"])
    components = breakdown["components"]
    names = [f"{c['title']} ({t['weight']} {format_number(c['weight'], 0, lang)})"
             if c["weight"] != 1 else c["title"] for c in components]
    values = [c["standardised"] for c in components]
    shown = [v if v is not None else 0.0 for v in values]
    colours = [OKABE_ITO[1] if v > 0 else OKABE_ITO[0] for v in shown]
    texts = [format_number(v, 2, lang) if v is not None else "–" for v in values]
    hover = [f"{n}<br>{txt} ({t['raises'] if v > 0 else t['lowers']})"
             for n, txt, v in zip(names, texts, shown, strict=True)]
    data: list[dict[str, Any]] = [{
        "type": "bar", "orientation": "h", "y": names, "x": shown, "text": texts,
        "textposition": "outside", "marker": {"color": colours}, "hovertext": hover,
        "hoverinfo": "text", "xaxis": "x", "yaxis": "y", "showlegend": False,
        "cliponaxis": False,
    }]
    shapes: list[dict[str, Any]] = [{"type": "line", "xref": "x", "yref": "y domain",
                                     "x0": 0, "x1": 0, "y0": 0, "y1": 1,
                                     "line": {"color": "#444", "width": 1}}]
    cutoffs = list(breakdown["cutoffs"])
    classes = list(breakdown["classes"])
    value = breakdown["value"]
    if cutoffs:
        span = [v for v in (*cutoffs, value if value is not None else cutoffs[0])]
        width = max(max(span) - min(span), 1.0)
        low, high = min(span) - 0.35 * width, max(span) + 0.35 * width
        edges = [low, *cutoffs, high]
        colours5 = index_colours(len(classes))
        for i, label in enumerate(classes):
            shapes.append({"type": "rect", "xref": "x2", "yref": "y2 domain",
                           "x0": edges[i], "x1": edges[i + 1], "y0": 0, "y1": 1,
                           "fillcolor": colours5[i], "opacity": 0.55, "line": {"width": 0},
                           "layer": "below"})
            data.append({"type": "scatter", "mode": "text", "x": [(edges[i] + edges[i + 1]) / 2],
                         "y": [0.78], "text": [label], "xaxis": "x2", "yaxis": "y2",
                         "showlegend": False, "hoverinfo": "skip",
                         "textfont": {"size": 12}})
        for cut in cutoffs:
            shapes.append({"type": "line", "xref": "x2", "yref": "y2 domain", "x0": cut,
                           "x1": cut, "y0": 0, "y1": 1, "line": {"color": "#222", "width": 2,
                                                                   "dash": "dot"}})
        if value is not None:
            data.append({"type": "scatter", "mode": "markers+text", "x": [value], "y": [0.35],
                         "text": [f"{t['value']}: {format_number(value, 3, lang)}"],
                         "textposition": "middle right", "xaxis": "x2", "yaxis": "y2",
                         "marker": {"symbol": "diamond", "size": 16, "color": "#000"},
                         "showlegend": False, "hoverinfo": "text"})
    reach = max([abs(v) for v in shown] + [1.0]) * 1.2  # symmetric: 0 in the middle
    layout = {
        "height": 300 + 40 * len(components),
        "margin": {"l": 10, "r": 30, "t": 20, "b": 40},
        "xaxis": {"domain": [0, 1], "zeroline": False, "range": [-reach, reach],
                  "title": {"text": t["components"], "standoff": 4}, "automargin": True},
        "yaxis": {"domain": [0.45, 1], "automargin": True, "autorange": "reversed"},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "zeroline": False,
                   "title": {"text": t["index"], "standoff": 4}, "automargin": True},
        "yaxis2": {"domain": [0, 0.2], "visible": False, "range": [0, 1]},
        "shapes": shapes,
        "separators": _separators(lang),
        "plot_bgcolor": "#fff",
    }
    return {"data": data, "layout": layout}
