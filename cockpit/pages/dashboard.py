"""One dashboard (/dashboard?id=3): several saved views in a grid, for the person looking.

Only roles the dashboard is shared with may open it (admin and controlling always), and
each view in it only for the roles that view is shared with; every value through the gate
with the viewer's own rights (cockpit/views/board.py).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import html

from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.views.board import render_dashboard
from cockpit.views.dashboards import DashboardError, get_dashboard

dash.register_page(__name__, path="/dashboard", name="Dashboard", order=91,
                   label_key="nav.dashboard", title="Dashboard", hidden=True)

register_strings({
    "nav.dashboard": {"de": "Dashboard", "en": "Dashboard"},
    "board.not_shared": {"de": "Dieses Dashboard ist nicht für Ihre Rolle freigegeben.",
                         "en": "This dashboard is not shared with your role."},
    "board.no_ref": {"de": "Bitte ein Dashboard wählen.", "en": "Please choose a dashboard."},
})


def layout(id: str | None = None, **_: str) -> html.Div:  # noqa: A002 - the URL's name
    lang, viewer, gate = current_lang(), current_viewer(), current_gate()
    if viewer is None:
        return html.Div(dbc.Alert(t("error.not_logged_in", lang), color="warning"))
    if id is None:
        return html.Div(dbc.Alert(t("board.no_ref", lang), color="warning"))
    conn = gate.inst.app_db()
    try:
        board = get_dashboard(conn, id)
    except DashboardError as exc:
        return html.Div(dbc.Alert(str(exc), color="warning", className="my-3 board-refused"))
    finally:
        conn.close()
    if not board.shared_with(viewer.role):
        return html.Div(dbc.Alert(t("board.not_shared", lang), color="warning",
                                  className="my-3 board-refused"))
    meeting = html.P(html.A(t("meeting.start", lang),
                            href=f"{flask.request.script_root}/sitzung?dashboard={board.id}",
                            className="btn btn-outline-primary btn-sm meeting-start"),
                     className="no-print mb-2")
    return html.Div([meeting, render_dashboard(gate, viewer, board, lang)],
                    className="dashboard-page")
