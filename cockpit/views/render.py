"""Draw a view from its definition, for the person looking at it — one function.

`render_view` is the only way a view becomes components: the builder's preview, the page
of a saved view, a dashboard (and a later meeting mode) all call it. It asks the gate with
the VIEWER's rights for every indicator and every value: a view never widens access, even
when its author saw more. An indicator the viewer may not see is left out with a German
note that does not name it (a committee member must not learn a restricted indicator's
title); suppressed values stay marks. Nothing here queries the store.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import AccessDenied, GateError, NotFound
from cockpit.api.geometry import geometry_url
from cockpit.app.city_only import city_only_note, note_figure
from cockpit.app.components import indicator_caption
from cockpit.app.figures import choropleth_map, ranking_bar, sparkline, time_series
from cockpit.app.formatting import (
    MISSING,
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    finite_number,
    format_change,
    format_number,
    format_period,
    format_value,
)
from cockpit.app.i18n import register_strings, t
from cockpit.app.index_figures import breakdown_figure
from cockpit.app.session import graph_config, level_label
from cockpit.indicators.model import Indicator
from cockpit.periods import previous_in
from cockpit.periods import sort_key as period_key
from cockpit.views.model import TYPE_LABELS, ViewDefinition

# Drawn by modules of their own (built beside this one); wired in when they exist. Each
# has `render(gate, viewer, definition, lang, *, period, area) -> component`.
OPTIONAL_RENDERERS = {"scatter": "cockpit.views.scatter_view",
                      "statements": "cockpit.views.statements_view"}
MAX_TABLE_ROWS = 300

register_strings({
    "views.hidden": {
        "de": "Eine Kennzahl dieser Ansicht ist für Ihre Rolle nicht freigegeben oder nicht "
              "mehr vorhanden; sie wird nicht angezeigt.",
        "en": "A key figure of this view is not released for your role or no longer "
              "exists; it is not shown.",
    },
    "views.nothing": {"de": "Diese Ansicht enthält nichts, was Sie sehen dürfen.",
                      "en": "This view contains nothing you may see."},
    "views.unavailable": {"de": "Der Ansichtstyp „{type}“ ist noch nicht verfügbar.",
                          "en": "The view type “{type}” is not available yet."},
    "views.no_values": {"de": "Für diese Auswahl gibt es keine Werte, die Sie sehen dürfen.",
                        "en": "There are no values for this choice that you may see."},
    "views.no_values_for": {"de": "„{title}“: keine Werte für diese Ebene und diesen "
                                  "Zeitraum.",
                            "en": "“{title}”: no values for this level and period."},
    "views.table_cut": {"de": "Gezeigt werden die ersten {n} von {total} Gebieten.",
                        "en": "The first {n} of {total} areas are shown."},
    "views.period": {"de": "Stand {period}", "en": "Period {period}"},
    "views.change": {"de": "{change} gegenüber {period}", "en": "{change} compared with {period}"},
    "views.breakdown_of": {"de": "{area} · {period} — Klasse: {label}",
                           "en": "{area} · {period} — class: {label}"},
})

Renderer = Callable[..., list]


def render_view(gate: Gate, viewer: Viewer | None, definition: ViewDefinition, lang: str,
                *, period: str | None = None, area: str | None = None,
                heading: str = "h2") -> html.Div:
    """The view as components for `viewer`; `period` and `area` override the definition's
    (a later meeting mode asks "and how does Stadtteil X look?"); `heading` "h1" when the
    view is the page."""
    title_tag = html.H1 if heading == "h1" else html.H2
    header = [title_tag(definition.title, className="h4 view-title")]
    if definition.description:
        header.append(html.P(definition.description, className="text-body-secondary "
                                                                "view-description"))
    indicators, hidden = _visible(gate, viewer, definition)
    body: list = []
    if hidden:
        body.append(dbc.Alert(t("views.hidden", lang), color="secondary",
                              className="view-hidden-note small py-2"))
    if not indicators:
        body.append(dbc.Alert(t("views.nothing", lang), color="info"))
    else:
        try:
            body.extend(_draw(gate, viewer, definition, indicators, lang, period, area))
        except GateError as exc:
            body.append(dbc.Alert(_gate_text(exc, lang), color="warning"))
    return html.Div([*header, *body], className=f"view view-{definition.type}")


def type_available(kind: str) -> bool:
    """Whether a view type can be drawn in this installation."""
    module = OPTIONAL_RENDERERS.get(kind)
    return module is None or importlib.util.find_spec(module) is not None


def _gate_text(exc: GateError, lang: str) -> str:
    if exc.status == 401:
        return t("error.not_logged_in", lang)
    if exc.status in (403, 404):
        return t("views.no_values", lang)
    return exc.message


def _visible(gate: Gate, viewer: Viewer | None, definition: ViewDefinition
             ) -> tuple[list[Indicator], int]:
    """The definition's indicators the viewer may see (asked of the gate one by one) and
    how many were left out."""
    shown: list[Indicator] = []
    for indicator_id in definition.indicators:
        try:
            shown.append(gate.indicator(viewer, indicator_id))
        except (AccessDenied, NotFound):
            continue
    return shown, len(definition.indicators) - len(shown)


def _draw(gate: Gate, viewer: Viewer | None, definition: ViewDefinition,
          indicators: list[Indicator], lang: str, period: str | None,
          area: str | None) -> list:
    kind = definition.type
    if kind in OPTIONAL_RENDERERS:
        if not type_available(kind):
            label = TYPE_LABELS[kind].get(lang, TYPE_LABELS[kind]["de"])
            return [dbc.Alert(t("views.unavailable", lang, type=label), color="info",
                              className="view-unavailable")]
        if len(indicators) < len(definition.indicators):
            # A scatter needs both of its indicators: with one hidden from this viewer it
            # draws nothing (the note above says something is not released).
            return []
        module = importlib.import_module(OPTIONAL_RENDERERS[kind])
        return [module.render(gate, viewer, definition, lang, period=period, area=area)]
    period = period or (definition.periods[0] if definition.periods else None)
    drawers: dict[str, Renderer] = {"bars": _bars, "map": _map, "table": _table,
                                    "timeseries": _timeseries, "kpi": _kpis,
                                    "index_breakdown": _breakdown}
    return drawers[kind](gate, viewer, definition, indicators, lang, period, area)


def _graph(figure: Any, lang: str, label: str, height: str = "460px") -> html.Div:
    return html.Div(dcc.Graph(figure=figure, config=graph_config(lang),
                              style={"height": height}, className="view-graph"),
                    role="img", **{"aria-label": label})


def _caption(indicator: Indicator, period: str | None, lang: str) -> list:
    line = [html.Strong(indicator.title(lang))]
    if period:
        line.append(f" · {format_period(period, lang)}")
    return [html.P(line, className="mb-0"), indicator_caption(indicator, lang)]


def _top_value(gate: Gate, viewer: Viewer | None, indicator: Indicator,
               period: str) -> float | None:
    top = gate.declared_levels().top.id
    if top not in gate.levels(viewer, indicator.id):
        return None
    try:
        rows = gate.rows(viewer, indicator.id, level=top, period=period)
    except GateError:
        return None
    first = rows[0] if rows else None
    return first.value if first is not None and not first.suppressed else None


def _level_frame(gate: Gate, viewer: Viewer | None, definition: ViewDefinition,
                 indicator: Indicator, period: str | None) -> pd.DataFrame:
    return gate.values(viewer, indicator.id, level=definition.level, period=period,
                       areas=list(definition.areas) or None)


def _own(gate: Gate, viewer: Viewer | None) -> set[str]:
    code = getattr(viewer, "area_code", None)
    return {code, *gate.areas_info().descendants.get(code, frozenset())} if code else set()


def _bars(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    indicator = indicators[0]
    frame = _level_frame(gate, viewer, definition, indicator, period)
    shown = str(frame["period"].iloc[0]) if not frame.empty else period
    top = gate.declared_levels().top
    figure = ranking_bar(frame, unit=indicator.unit, decimals=indicator.decimals,
                         city_value=_top_value(gate, viewer, indicator, shown) if shown
                         else None, highlight=area, lang=lang, city_label=top.name(lang),
                         own=_own(gate, viewer))
    return [_graph(figure, lang, indicator.title(lang), "560px"),
            *_caption(indicator, shown, lang)]


def _map(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    indicator = indicators[0]
    frame = _level_frame(gate, viewer, definition, indicator, period)
    shown = str(frame["period"].iloc[0]) if not frame.empty else period
    note = city_only_note(definition.level, gate.declared_levels(), lang)
    if note is not None:
        figure: dict = note_figure(note)
    else:
        legend: dict = {}
        if indicator.kind == "index" and not frame.empty:
            from types import SimpleNamespace

            found = [SimpleNamespace(area_code=c, period=shown) for c in frame["area_code"]]
            classes = gate.index_classes(indicator, found)
            legend = {"classes": indicator.classes,
                      "class_of": {r.area_code: c[0] for r, c in
                                   zip(found, classes, strict=True)}}
        figure = choropleth_map(frame, geometry_url(gate, viewer, definition.level, shown),
                                unit=indicator.unit, decimals=indicator.decimals,
                                method=definition.option("method", "quantile"),
                                highlight=area, lang=lang, **legend)
    return [_graph(figure, lang, indicator.title(lang), "560px"),
            *_caption(indicator, shown, lang)]


def _cell(row: Any, indicator: Indicator, lang: str) -> html.Td:
    if bool(row["suppressed"]):
        tooltip = SUPPRESSED_TOOLTIP.get(lang, SUPPRESSED_TOOLTIP["de"])
        return html.Td(SUPPRESSED_MARK, title=tooltip, className="text-end view-suppressed")
    value = finite_number(row["value"])
    # The unit is in the column head: a number per cell reads better in a long table.
    return html.Td(format_number(value, indicator.decimals, lang)
                   if value is not None else MISSING, className="text-end")


def _table(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    frames, missing = [], []
    for ind in list(indicators):
        try:  # one indicator without values at this level or period leaves the others
            frames.append(_level_frame(gate, viewer, definition, ind, period))
        except GateError:
            indicators = [i for i in indicators if i is not ind]
            missing.append(ind)
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], Any] = {}
    periods: list[str] = []
    for indicator, frame in zip(indicators, frames, strict=True):
        for row in frame.to_dict("records"):
            names.setdefault(row["area_code"], row["area_name"])
            cells[(indicator.id, row["area_code"])] = row
        if not frame.empty:
            periods.append(str(frame["period"].iloc[0]))
    notes = [html.P(t("views.no_values_for", lang, title=ind.title(lang)),
                    className="small text-body-secondary") for ind in missing]
    if not names:
        return [*notes, dbc.Alert(t("views.no_values", lang), color="info")]
    first = indicators[0]
    sort = definition.option("sort", "value_desc")

    def value_of(code: str) -> float:
        row = cells.get((first.id, code))
        value = None if row is None or row["suppressed"] else finite_number(row["value"])
        return value if value is not None else float("-inf")

    codes = list(names)
    if sort == "name":
        codes.sort(key=lambda c: names[c].casefold())
    else:
        codes.sort(key=value_of, reverse=sort == "value_desc")
        if sort == "value_asc":  # hidden and missing values last either way
            codes.sort(key=lambda c: value_of(c) == float("-inf"))
    total = len(codes)
    codes = codes[:MAX_TABLE_ROWS]
    head = html.Thead(html.Tr([html.Th(t("col.area", lang), scope="col"),
                               *[html.Th(f"{ind.title(lang)} ({ind.unit})", scope="col",
                                         className="text-end") for ind in indicators]]))
    rows = [html.Tr([html.Th(names[code], scope="row"),
                     *[_cell(cells[(ind.id, code)], ind, lang) if (ind.id, code) in cells
                       else html.Td(MISSING, className="text-end") for ind in indicators]])
            for code in codes]
    caption = " · ".join(sorted({format_period(p, lang) for p in periods}))
    parts: list = [html.Table([html.Caption(caption), head, html.Tbody(rows)],
                              className="table table-sm table-striped caption-top "
                                        "view-table")]
    if total > len(codes):
        parts.append(html.P(t("views.table_cut", lang, n=len(codes), total=total),
                            className="small text-body-secondary"))
    parts.extend(indicator_caption(ind, lang) for ind in indicators)
    return [*notes, html.Div(parts, className="table-responsive")]


def _reference(gate: Gate, viewer: Viewer | None) -> str:
    """A district user's own area, else the area of the top level."""
    if viewer is not None and viewer.role == "district" and viewer.area_code:
        return viewer.area_code
    frame = gate.areas_info().frame
    top = frame[frame["level"] == gate.declared_levels().top.id]
    return str(top["code"].iloc[0]) if not top.empty else ""


def _timeseries(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    indicator = indicators[0]
    codes = [area] if area else (list(definition.areas) or [_reference(gate, viewer)])
    frame = gate.values(viewer, indicator.id, areas=codes, all_periods=True)
    if definition.periods:
        frame = frame[frame["period"].isin(definition.periods)]
    if frame.empty:
        return [dbc.Alert(t("views.no_values", lang), color="info")]
    base = definition.option("index_base")
    base = base if base in set(frame["period"]) else None
    figure = time_series(frame, unit=indicator.unit, decimals=indicator.decimals,
                         index_base=base, lang=lang)
    return [_graph(figure, lang, indicator.title(lang)), *_caption(indicator, None, lang)]


def _kpi_card(indicator: Indicator, frame: pd.DataFrame, lang: str) -> dbc.Card:
    rows = frame.sort_values("period", key=lambda c: c.map(lambda p: period_key(str(p))))
    periods = [str(p) for p in rows["period"]]
    values = [None if bool(s) else finite_number(v)
              for s, v in zip(rows["suppressed"], rows["value"], strict=True)]
    body: list = [html.H3(indicator.title(lang), className="h6 card-title mb-1")]
    if not periods:
        body.append(html.P(t("views.no_values", lang), className="small"))
        return dbc.Card(dbc.CardBody(body), className="h-100 view-kpi")
    body.append(html.P(str(rows["area_name"].iloc[-1]), className="small "
                                                              "text-body-secondary mb-1"))
    latest = values[-1]
    if bool(rows["suppressed"].iloc[-1]):
        tooltip = SUPPRESSED_TOOLTIP.get(lang, SUPPRESSED_TOOLTIP["de"])
        body.append(html.P(SUPPRESSED_MARK, title=tooltip, className="view-kpi-value "
                                                                     "view-suppressed"))
    else:
        body.append(html.P(format_value(latest, indicator.unit, indicator.decimals, lang)
                           if latest is not None else MISSING, className="view-kpi-value"))
    before = previous_in(periods[:-1], periods[-1])
    if before is not None and latest is not None and values[periods.index(before)] is not None:
        change = format_change(latest - values[periods.index(before)], indicator.decimals,
                               lang)
        body.append(html.P(t("views.change", lang, change=change,
                             period=format_period(before, lang)), className="small mb-1"))
    body.append(html.P(t("views.period", lang, period=format_period(periods[-1], lang)),
                       className="small text-body-secondary mb-1"))
    if sum(v is not None for v in values) > 1:
        body.append(dcc.Graph(figure=sparkline(periods, values,
                                               direction=indicator.direction),
                              config={**graph_config(lang), "staticPlot": True},
                              style={"height": "40px"}))
    return dbc.Card(dbc.CardBody(body), className="h-100 view-kpi")


def _kpis(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    code = area or (definition.areas[0] if definition.areas else _reference(gate, viewer))
    cards = []
    for indicator in indicators:
        try:
            frame = gate.values(viewer, indicator.id, areas=[code], all_periods=True)
        except GateError:
            continue
        if period:
            frame = frame[frame["period"].map(lambda p: period_key(str(p)))
                          <= period_key(period)]
        cards.append(dbc.Col(_kpi_card(indicator, frame, lang), xs=12, md=6, lg=4,
                             className="mb-3"))
    return [dbc.Row(cards, className="g-3")]


def _breakdown(gate, viewer, definition, indicators, lang, period, area) -> list:  # noqa: ANN001
    index = indicators[0]
    code = area or (definition.areas[0] if definition.areas else None)
    if code is None:  # the first area of the level the viewer may see
        frame = gate.values(viewer, index.id, level=definition.level, period=period)
        if frame.empty:
            return [dbc.Alert(t("views.no_values", lang), color="info")]
        code = str(frame["area_code"].iloc[0])
    found = gate.index_breakdown(viewer, index.id, code, period)
    summary = html.P(t("views.breakdown_of", lang, area=found["area_name"],
                       period=format_period(found["period"], lang), label=found["label"]),
                     className="mb-1")
    level = level_label(definition.level, lang) if definition.level else ""
    return [summary, _graph(breakdown_figure(found, lang), lang,
                            f"{index.title(lang)} {level}".strip()),
            *_caption(index, found["period"], lang)]
