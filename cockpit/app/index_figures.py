"""Figures of a composite index: the breakdown of one area's value, and the classes of
a few areas over time (pure: data -> dict)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cockpit.app.figures import (
    _DASHES,
    _SYMBOLS,
    FONT_SIZE,
    GRID_COLOUR,
    OKABE_ITO,
    OUTLINE_COLOUR,
    SMALL_FONT_SIZE,
    TEXT_COLOUR,
    _separators,
    index_colours,
)
from cockpit.app.formatting import SUPPRESSED_MARK, format_number, format_period
from cockpit.periods import sort_periods

_TEXTS = {
    "de": {"components": "Standardisierte Komponenten (mit Vorzeichen, Gewicht)",
           "index": "Indexwert und Klassengrenzen", "weight": "Gewicht",
           "value": "Indexwert", "none": "ohne Zuordnung", "raises": "hebt den Index",
           "lowers": "senkt den Index", "class": "Klasse", "of": "{n} von {k}",
           "class_axis": "Klasse", "value_axis": "Indexwert", "period": "Zeitraum",
           "suppressed": "Geheimhaltung", "empty": "Keine Daten"},
    "en": {"components": "Standardised components (signed, weight)",
           "index": "Index value and class boundaries", "weight": "weight",
           "value": "Index value", "none": "not classified", "raises": "raises the index",
           "lowers": "lowers the index", "class": "Class", "of": "{n} of {k}",
           "class_axis": "Class", "value_axis": "Index value", "period": "Period",
           "suppressed": "confidentiality", "empty": "No data"},
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


def class_position(klass: int, classes: Sequence[str], lang: str = "de") -> str:
    """"mittel (2 von 4)": the class label and its place among the ordered classes
    (ascending index value); "ohne Zuordnung" without a class."""
    t = _TEXTS.get(lang, _TEXTS["de"])
    if klass < 0 or klass >= len(classes):
        return t["none"]
    return f"{classes[klass]} ({t['of'].format(n=klass + 1, k=len(classes))})"


def class_series_figure(rows: Sequence[Any], classes: Sequence[str], *, decimals: int,
                        unit: str = "", with_value: bool = True, lang: str = "de"
                        ) -> dict[str, Any]:
    """The class of a few areas over time, and below it their index value.

    `rows` are the gate's index rows (`IndexRow`: area_code, area_name, period, value,
    suppressed, klass, label, reason) of the chosen areas, already scoped. The class
    panel has the ordered class labels on its y axis (lowest index value at the
    bottom), one step line per area with its own colour, marker symbol and dash (never
    colour alone) and faint class bands; areas in the same class sit slightly apart so
    no line hides another. An area without a class in a period ("ohne Zuordnung",
    suppressed component) is a hollow marker on its own row below, and its line breaks.
    `with_value` adds the panel of the index value (not for a combined index, whose
    value is only the group number)."""
    t = _TEXTS.get(lang, _TEXTS["de"])
    k = len(classes)
    periods = sort_periods({str(r.period) for r in rows})
    xs = [format_period(p, lang) for p in periods]
    at = {p: i for i, p in enumerate(periods)}
    areas: dict[str, str] = {}
    for r in rows:
        areas.setdefault(r.area_code, r.area_name)
    n = len(areas)
    step = min(0.5 / max(n - 1, 1), 0.12)  # vertical spread inside a class band
    any_unclassified = any(int(r.klass) < 0 for r in rows)
    class_domain = [0.42, 1.0] if with_value else [0.0, 1.0]
    data: list[dict[str, Any]] = []
    for i, (code, name) in enumerate(areas.items()):
        mine = {str(r.period): r for r in rows if r.area_code == code}
        offset = (i - (n - 1) / 2) * step
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        symbol = _SYMBOLS[i % len(_SYMBOLS)]
        dash = _DASHES[(i // len(OKABE_ITO)) % len(_DASHES)]
        ys: list[float | None] = [None] * len(periods)
        none_ys: list[float | None] = [None] * len(periods)
        values: list[float | None] = [None] * len(periods)
        hover = [""] * len(periods)
        for period, r in mine.items():
            j = at[period]
            klass = int(r.klass)
            value = None if r.value is None else float(r.value)
            if klass >= 0:
                ys[j] = klass + offset
                values[j] = value
                text = f"{t['class']}: {class_position(klass, classes, lang)}"
                if with_value and value is not None:
                    text += f"<br>{t['value']}: {format_number(value, decimals, lang)}"
            else:
                none_ys[j] = -1 + offset
                text = (f"{SUPPRESSED_MARK} {t['suppressed']}" if r.suppressed
                        else t["none"] + (f" ({r.reason})" if r.reason else ""))
            hover[j] = f"<b>{name}</b><br>{xs[j]}: {text}"
        common = {"x": xs, "legendgroup": code, "hovertext": hover, "hoverinfo": "text",
                  "xaxis": "x", "yaxis": "y"}
        data.append({**common, "type": "scatter", "mode": "lines+markers", "name": name,
                     "y": ys, "line": {"shape": "hv", "color": colour, "width": 2.5,
                                       "dash": dash},
                     "connectgaps": False,
                     "marker": {"size": 10, "symbol": symbol, "color": colour,
                                "line": {"width": 1, "color": TEXT_COLOUR}}})
        if any(y is not None for y in none_ys):
            data.append({**common, "type": "scatter", "mode": "markers", "name": name,
                         "y": none_ys, "showlegend": False,
                         "marker": {"size": 10, "symbol": f"{symbol}-open",
                                    "color": colour, "line": {"width": 2}}})
        if with_value:
            data.append({"type": "scatter", "mode": "lines+markers", "name": name,
                         "x": xs, "y": values, "legendgroup": code, "showlegend": False,
                         "connectgaps": False, "xaxis": "x2", "yaxis": "y2",
                         "hovertext": hover, "hoverinfo": "text",
                         "line": {"color": colour, "width": 2, "dash": dash},
                         "marker": {"size": 7, "symbol": symbol, "color": colour}})
    shapes: list[dict[str, Any]] = []
    colours = index_colours(k) if k else []
    for c in range(k):  # faint bands: the class is read from the axis text, not the colour
        shapes.append({"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                       "y0": c - 0.5, "y1": c + 0.5, "fillcolor": colours[c],
                       "opacity": 0.3, "line": {"width": 0}, "layer": "below"})
    tickvals = list(range(k))
    ticktext = list(classes)
    low = -0.5
    if any_unclassified:
        tickvals.insert(0, -1)
        ticktext.insert(0, t["none"])
        low = -1.5
        shapes.append({"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1,
                       "y0": -0.5, "y1": -0.5,
                       "line": {"color": OUTLINE_COLOUR, "width": 1, "dash": "dot"}})
    axis = {"showline": True, "linecolor": OUTLINE_COLOUR, "ticks": "outside",
            "tickfont": {"size": SMALL_FONT_SIZE}, "automargin": True}
    x_axis = {**axis, "type": "category", "categoryorder": "array", "categoryarray": xs,
              "showgrid": False}
    layout: dict[str, Any] = {
        "height": max(360, 60 + 34 * (k + any_unclassified)) + (200 if with_value else 0),
        "margin": {"l": 10, "r": 10, "t": 20, "b": 10},
        "font": {"size": FONT_SIZE, "color": TEXT_COLOUR},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "separators": _separators(lang),
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": TEXT_COLOUR},
        "legend": {"font": {"size": SMALL_FONT_SIZE}},
        "showlegend": True,
        "xaxis": {**x_axis, "anchor": "y", "showticklabels": not with_value,
                  **({} if with_value else {"title": {"text": t["period"]}})},
        "yaxis": {**axis, "domain": class_domain, "tickmode": "array",
                  "tickvals": tickvals, "ticktext": ticktext, "range": [low, k - 0.5],
                  "showgrid": False, "zeroline": False,
                  "title": {"text": t["class_axis"]}},
        "shapes": shapes,
    }
    if with_value:
        layout["xaxis2"] = {**x_axis, "anchor": "y2", "matches": "x",
                            "title": {"text": t["period"]}}
        layout["yaxis2"] = {**axis, "domain": [0.0, 0.32], "showgrid": True,
                            "gridcolor": GRID_COLOUR, "zeroline": True,
                            "zerolinecolor": OUTLINE_COLOUR,
                            "title": {"text": t["value_axis"] + (f" ({unit})" if unit else "")}}
    if not rows:
        layout["annotations"] = [{"text": t["empty"], "x": 0.5, "y": 0.5, "xref": "paper",
                                  "yref": "paper", "showarrow": False}]
    return {"data": data, "layout": layout}
