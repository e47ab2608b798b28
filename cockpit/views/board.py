"""Draw a dashboard: its views in a grid, each for the person looking at it."""

from __future__ import annotations

import logging
import sqlite3

import dash_bootstrap_components as dbc
from dash import html

from cockpit.access import Gate, Viewer
from cockpit.app.i18n import register_strings, t
from cockpit.appdb.database import AppDatabaseError
from cockpit.views.dashboards import Dashboard, DashboardError, overview_dashboard
from cockpit.views.render import render_view
from cockpit.views.store import ViewNotFound, get_view

register_strings({
    "board.view_not_shared": {"de": "Eine Ansicht dieses Dashboards ist nicht für Ihre "
                                    "Rolle freigegeben.",
                              "en": "A view of this dashboard is not shared with your role."},
    "board.view_gone": {"de": "Eine Ansicht dieses Dashboards wurde gelöscht.",
                        "en": "A view of this dashboard was deleted."},
})


def render_dashboard(gate: Gate, viewer: Viewer, board: Dashboard, lang: str) -> html.Div:
    """The dashboard's title, description and views in `board.columns` columns; a view
    not shared with the viewer's role is replaced by a note (it is not drawn at all)."""
    width = 12 // board.columns
    cells = []
    conn = gate.inst.app_db()
    try:
        views = []
        for view_id in board.view_ids:
            try:
                views.append(get_view(conn, view_id).definition)
            except ViewNotFound:
                views.append(None)
    finally:
        conn.close()
    for definition in views:
        if definition is None:
            content = dbc.Alert(t("board.view_gone", lang), color="secondary")
        elif not definition.shared_with(viewer.role):
            content = dbc.Alert(t("board.view_not_shared", lang), color="secondary",
                                className="board-not-shared")
        else:
            content = render_view(gate, viewer, definition, lang)
        cells.append(dbc.Col(html.Div(content, className="board-cell border rounded p-2 "
                                                         "h-100"),
                             xs=12, lg=width, className="mb-3"))
    header = [html.H1(board.title, className="h3 board-title")]
    if board.description:
        header.append(html.P(board.description, className="text-body-secondary"))
    return html.Div([*header, dbc.Row(cells, className="g-3")], className="board")


def assigned_dashboard(gate: Gate, viewer: Viewer) -> Dashboard | None:
    """The dashboard controlling made this viewer's Übersicht (their own, else their
    role's), or None: the Übersicht shows its cards."""
    try:
        conn = gate.inst.app_db()
        try:
            return overview_dashboard(conn, viewer.name, viewer.role)
        finally:
            conn.close()
    except (AppDatabaseError, sqlite3.Error, DashboardError) as exc:
        logging.getLogger(__name__).warning("Dashboard der Übersicht nicht lesbar: %s", exc)
        return None
