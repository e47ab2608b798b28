"""The Zusammenhang view type: the scatter of the Zusammenhang page (two indicators across
the areas of one level and period) drawn for the viewer of the saved view."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.session import graph_config
from cockpit.pages.scatter import relation_view
from cockpit.views.model import ViewDefinition


def _period(gate: Gate, viewer: Viewer | None, definition: ViewDefinition) -> str | None:
    """The view's period, else the latest period both indicators have."""
    if definition.periods:
        return definition.periods[0]
    x, y = definition.indicators[:2]
    common = set(gate.periods(viewer, y))
    shared = [p for p in gate.periods(viewer, x) if p in common]
    return shared[-1] if shared else None


def render(gate: Gate, viewer: Viewer | None, definition: ViewDefinition, lang: str, *,
           period: str | None = None, area: str | None = None) -> html.Div:
    """Scatter, r and n, and what was left out, through the gate with the viewer's rights;
    `area` is highlighted."""
    x, y = definition.indicators[:2]
    level = definition.level or gate.declared_levels().bottom.id
    try:
        period = period or _period(gate, viewer, definition)
    except GateError as exc:
        return html.Div(dbc.Alert(exc.message, color="warning"))
    if period is None:
        return html.Div(dbc.Alert("–", color="info"))
    view = relation_view(x, y, period, level, area,
                         definition.option("bubbles") in ("1", "true", "ja"),
                         gate=gate, viewer=viewer, lang=lang)
    if view.message is not None:
        return html.Div(view.message)
    return html.Div([
        dcc.Graph(figure=view.figure, config=graph_config(lang), style={"height": "520px"}),
        view.summary, view.caption,
    ], className="view-scatter")
