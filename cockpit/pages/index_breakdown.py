"""Index-Zerlegung: which components put an area into its class, and its class over time.

Everything comes from the gate (`Gate.index_breakdown`, `Gate.index_rows`): an area the
viewer may not see is refused there, and an unclassified area shows no component values.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, validated
from cockpit.app.components import error_notice, period_options
from cockpit.app.formatting import format_number, format_period
from cockpit.app.i18n import register_strings, t
from cockpit.app.index_figures import breakdown_figure
from cockpit.app.session import (
    current_gate,
    current_lang,
    current_viewer,
    graph_config,
    level_label,
)

dash.register_page(__name__, path="/index-zerlegung", name="Index-Zerlegung", order=4,
                   label_key="nav.index_breakdown", title="Index-Zerlegung",
                   # Not in the menu (it is full at 1440 px): linked from the comparison
                   # of an index, where the question "why this class?" arises.
                   hidden=True)

INDEX = "breakdown-index"
LEVEL = "breakdown-level"
PERIOD = "breakdown-period"
AREA = "breakdown-area"
GRAPH = "breakdown-graph"
DETAILS = "breakdown-details"
URL_SINK = "breakdown-url"

register_strings({
    "nav.index_breakdown": {"de": "Index-Zerlegung", "en": "Index breakdown"},
    "breakdown.heading": {"de": "Index-Zerlegung", "en": "Index breakdown"},
    "breakdown.index": {"de": "Index", "en": "Index"},
    "breakdown.level": {"de": "Ebene", "en": "Level"},
    "breakdown.period": {"de": "Zeitraum", "en": "Period"},
    "breakdown.area": {"de": "Gebiet", "en": "Area"},
    "breakdown.none": {"de": "Es gibt keinen Index, den Sie sehen dürfen.",
                       "en": "There is no index you may view."},
    "breakdown.class": {"de": "Klasse: {label}", "en": "Class: {label}"},
    "breakdown.reference": {"de": "Referenzmenge: {n} Gebiete dieser Ebene und dieses "
                                  "Zeitraums; Grenzen: {cutoffs}",
                            "en": "Reference set: {n} areas of this level and period; "
                                  "boundaries: {cutoffs}"},
    "breakdown.history": {"de": "Klasse im Zeitverlauf", "en": "Class over time"},
    "breakdown.class_column": {"de": "Klasse", "en": "Class"},
    "breakdown.method": {"de": "Methode", "en": "Method"},
    "breakdown.not_index": {"de": "„{id}“ ist kein Index; gezeigt wird der erste Index.",
                            "en": "“{id}” is not an index; the first index is shown."},
})


def _indices(gate: Gate, viewer: Viewer | None) -> list:
    return [ind for ind in gate.visible_indicators(viewer) if ind.kind == "index"]


def _unknown_index(gate: Gate, viewer: Viewer | None, index: object, lang: str) -> dbc.Alert:
    """Why the index of the URL is not shown: unknown (or not visible to this viewer,
    which must look the same) or an indicator that is no index."""
    try:
        gate.indicator(viewer, index)  # type: ignore[arg-type]
    except GateError as exc:
        return error_notice(exc, lang)
    return dbc.Alert(t("breakdown.not_index", lang, id=str(index)[:64]), color="warning",
                     className="my-3")


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def area_options(gate: Gate, viewer: Viewer | None, index_id: str, level: str,
                 period: str) -> list[dict]:
    """The areas of a level the viewer gets a row for (scoped by the gate)."""
    rows = gate.index_rows(viewer, index_id, level=level, period=period)
    return [{"label": row.area_name, "value": row.area_code} for row in rows]


def layout(index: str | None = None, area: str | None = None, period: str | None = None,
           level: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    heading = html.H1(t("breakdown.heading", lang), className="h3")
    try:
        indices = _indices(gate, viewer)
        if not indices:
            return html.Div([heading, html.P(t("breakdown.none", lang))])
        ids = [ind.id for ind in indices]
        notices = [] if index in (None, "") or index in ids else [_unknown_index(
            gate, viewer, index, lang)]
        index = index if index in ids else ids[0]
        levels = gate.levels(viewer, index)
        level = level if level in levels else levels[-1]
        periods = gate.periods(viewer, index)
        period = period if period in periods else periods[-1]
        areas = area_options(gate, viewer, index, level, period)
        codes = [a["value"] for a in areas]
        area = area if area in codes else (codes[0] if codes else None)
    except GateError as exc:
        return html.Div([heading, error_notice(exc, lang)])
    controls = dbc.Row([
        dbc.Col([_label(t("breakdown.index", lang), INDEX), dcc.Dropdown(
            id=INDEX, options=[{"label": i.title(lang), "value": i.id} for i in indices],
            value=index, clearable=False)], md=4),
        dbc.Col([_label(t("breakdown.level", lang), LEVEL), dcc.Dropdown(
            id=LEVEL, options=[{"label": level_label(lv, lang), "value": lv} for lv in levels],
            value=level, clearable=False)], md=2),
        dbc.Col([_label(t("breakdown.period", lang), PERIOD), dcc.Dropdown(
            id=PERIOD, options=period_options(periods, lang), value=period,
            clearable=False)], md=2),
        dbc.Col([_label(t("breakdown.area", lang), AREA), dcc.Dropdown(
            id=AREA, options=areas, value=area, clearable=False)], md=4),
    ], className="g-2 mb-3")
    return html.Div([
        heading, *notices, controls,
        dcc.Loading(html.Div([dcc.Graph(id=GRAPH, config=graph_config(lang)),
                              html.Div(id=DETAILS)])),
        dcc.Store(id=URL_SINK),
    ])


@callback(
    Output(AREA, "options"), Output(AREA, "value"), Output(PERIOD, "options"),
    Output(PERIOD, "value"), Output(LEVEL, "options"), Output(LEVEL, "value"),
    Input(INDEX, "value"), Input(LEVEL, "value"), Input(PERIOD, "value"),
    Input(AREA, "value"), prevent_initial_call=True,
)
@validated
def choose(index_id: Key | None, level: Key | None, period: Key | None,
           area: Key | None) -> tuple:
    """Keep level, period and area valid for the chosen index (same choice if possible)."""
    if not index_id:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    try:
        levels = gate.levels(viewer, index_id)
        level = level if level in levels else levels[-1]
        periods = gate.periods(viewer, index_id)
        period = period if period in periods else periods[-1]
        areas = area_options(gate, viewer, index_id, level, period)
    except GateError:
        raise PreventUpdate from None
    codes = [a["value"] for a in areas]
    area = area if area in codes else (codes[0] if codes else None)
    return (areas, area, period_options(periods, lang), period,
            [{"label": level_label(lv, lang), "value": lv} for lv in levels], level)


@callback(
    Output(GRAPH, "figure"), Output(DETAILS, "children"),
    Input(INDEX, "value"), Input(PERIOD, "value"), Input(AREA, "value"),
)
@validated
def show(index_id: Key | None, period: Key | None, area: Key | None) -> tuple:
    """The breakdown of one area, its class, the reference set and its class history."""
    if not index_id or not area:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    try:
        index = gate.indicator(viewer, index_id)
        found = gate.index_breakdown(viewer, index_id, area, period)
        history = gate.index_rows(viewer, index_id, area=area, all_periods=True)
    except GateError as exc:
        return {"data": [], "layout": {}}, error_notice(exc, lang)
    cutoffs = "; ".join(format_number(c, 3, lang) for c in found["cutoffs"]) or "–"
    summary = [
        html.P([html.Strong(f"{found['area_name']} · {format_period(found['period'], lang)}"),
                " — ", t("breakdown.class", lang, label=found["label"]),
                f" ({found['reason']})" if found["reason"] else ""], className="mb-1"),
        html.P(t("breakdown.reference", lang, n=found["reference_areas"], cutoffs=cutoffs),
               className="small text-body-secondary"),
    ]
    table = html.Table([
        html.Caption(t("breakdown.history", lang)),
        html.Thead(html.Tr([html.Th(t("col.period", lang), scope="col"),
                            html.Th(t("breakdown.index", lang), scope="col",
                                    className="text-end"),
                            html.Th(t("breakdown.class_column", lang), scope="col")])),
        html.Tbody([html.Tr([html.Th(format_period(r.period, lang), scope="row"),
                             html.Td(format_number(r.value, index.decimals, lang)
                                     if r.value is not None else "–", className="text-end"),
                             html.Td(r.label)]) for r in history]),
    ], className="table table-sm table-striped caption-top w-auto")
    method = html.Details([html.Summary(t("breakdown.method", lang)),
                           html.P(index.method_note, style={"whiteSpace": "pre-line"},
                                  className="small")])
    return breakdown_figure(found, lang), html.Div([*summary, table, method])


clientside_callback(
    """function(index, level, period, area) {
        return window.cockpitSetQuery({index: index, level: level, period: period,
                                       area: area});
    }""",
    Output(URL_SINK, "data"),
    Input(INDEX, "value"), Input(LEVEL, "value"), Input(PERIOD, "value"),
    Input(AREA, "value"),
)
