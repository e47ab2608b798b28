"""Dashboards: controlling (and admin) put saved views into a grid and share it with roles,
and choose the dashboard that is the Übersicht of a role or of one user.

The page and every callback refuse every other role on the server (403). Input is checked
in cockpit/views/dashboards.py: a bad one gets a German message and changes nothing.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.app.callback_inputs import Key, Text, validated
from cockpit.app.controlling_desk import ROLES, current_editor, may_edit
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.appdb.users import list_users
from cockpit.roles import ROLES as ALL_ROLES
from cockpit.views.dashboards import (
    DashboardError,
    assign_overview,
    assignments,
    delete_dashboard,
    get_dashboard,
    list_dashboards,
    save_dashboard,
)
from cockpit.views.store import list_views

dash.register_page(__name__, path="/dashboards", name="Dashboards", order=8,
                   label_key="nav.dashboards", title="Dashboards", roles=list(ROLES),
                   nav_group="admin")

BOARD = "db-board"
TITLE = "db-title"
DESCRIPTION = "db-description"
VIEWS = "db-views"
COLUMNS = "db-columns"
BOARD_ROLES = "db-roles"
SAVE = "db-save"
DELETE = "db-delete"
MESSAGE = "db-message"
LIST = "db-list"
KIND = "db-kind"
TARGET = "db-target"
ASSIGNED = "db-assigned-board"
ASSIGN = "db-assign"
ASSIGN_MESSAGE = "db-assign-message"
ASSIGNMENTS = "db-assignments"
NEW = "new"
CARDS = "cards"  # "no dashboard": the Übersicht shows its cards

register_strings({
    "nav.dashboards": {"de": "Dashboards", "en": "Dashboards"},
    "db.heading": {"de": "Dashboards", "en": "Dashboards"},
    "db.intro": {"de": "Ein Dashboard zeigt mehrere gespeicherte Ansichten nebeneinander. "
                       "Es kann die Übersicht einer Rolle oder einer Person ersetzen.",
                 "en": "A dashboard shows several saved views side by side. It can replace "
                       "the overview of a role or a person."},
    "db.board": {"de": "Dashboard", "en": "Dashboard"},
    "db.new": {"de": "Neues Dashboard", "en": "New dashboard"},
    "db.title": {"de": "Titel", "en": "Title"},
    "db.description": {"de": "Beschreibung", "en": "Description"},
    "db.views": {"de": "Ansichten (in dieser Reihenfolge)", "en": "Views (in this order)"},
    "db.columns": {"de": "Spalten", "en": "Columns"},
    "db.roles": {"de": "Geteilt mit den Rollen", "en": "Shared with the roles"},
    "db.save": {"de": "Speichern", "en": "Save"},
    "db.delete": {"de": "Löschen", "en": "Delete"},
    "db.saved": {"de": "Dashboard „{title}“ gespeichert.", "en": "Dashboard “{title}” saved."},
    "db.deleted": {"de": "Dashboard „{title}“ gelöscht.", "en": "Dashboard “{title}” deleted."},
    "db.choose": {"de": "Bitte zuerst ein gespeichertes Dashboard wählen.",
                  "en": "Please choose a saved dashboard first."},
    "db.assign_heading": {"de": "Als Übersicht zuordnen", "en": "Assign as overview"},
    "db.kind": {"de": "Für", "en": "For"},
    "db.kind.role": {"de": "eine Rolle", "en": "a role"},
    "db.kind.user": {"de": "eine Person", "en": "a person"},
    "db.target": {"de": "Rolle oder Person", "en": "Role or person"},
    "db.assigned_to.role": {"de": "Rolle „{target}“ → {board}", "en": "Role “{target}” → {board}"},
    "db.assigned_to.user": {"de": "Person „{target}“ → {board}",
                            "en": "Person “{target}” → {board}"},
    "db.assigned_board": {"de": "Übersicht", "en": "Overview"},
    "db.cards": {"de": "Kennzahl-Karten (Standard)", "en": "Key figure cards (default)"},
    "db.assign": {"de": "Zuordnen", "en": "Assign"},
    "db.assigned": {"de": "Übersicht für {target} gespeichert.",
                    "en": "Overview for {target} saved."},
    "db.none_assigned": {"de": "Alle Rollen sehen die Kennzahl-Karten.",
                         "en": "Every role sees the key figure cards."},
    "db.open": {"de": "Öffnen", "en": "Open"},
    "db.not_allowed": {"de": "Dashboards stellen nur Controlling und Administration "
                             "zusammen.",
                       "en": "Only controlling and administrators compose dashboards."},
    "db.no_target": {"de": "Bitte eine Rolle oder Person wählen.",
                     "en": "Please choose a role or a person."},
})


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def _board_options(lang: str) -> list[dict]:
    conn = current_gate().inst.app_db()
    try:
        boards = list_dashboards(conn)
    finally:
        conn.close()
    return [{"label": t("db.new", lang), "value": NEW},
            *[{"label": b.title, "value": str(b.id)} for b in boards]]


def _list(lang: str) -> html.Ul:
    conn = current_gate().inst.app_db()
    try:
        boards = list_dashboards(conn)
    finally:
        conn.close()
    root = flask.request.script_root
    return html.Ul([html.Li([html.A(b.title, href=f"{root}/dashboard?id={b.id}"),
                             f" · {', '.join(b.roles)}"]) for b in boards],
                   className="db-boards")


def _assignments(lang: str) -> html.Div:
    conn = current_gate().inst.app_db()
    try:
        boards, assigned = list_dashboards(conn), assignments(conn)
    finally:
        conn.close()
    titles = {b.id: b.title for b in boards}
    rows = [html.Li(t(f"db.assigned_to.{a.kind}", lang, target=a.target,
                      board=titles.get(a.dashboard_id, a.dashboard_id))) for a in assigned]
    return html.Div(html.Ul(rows, className="db-assignments") if rows
                    else html.P(t("db.none_assigned", lang), className="small"))


def layout(**_: str) -> html.Div:
    lang = current_lang()
    heading = html.H1(t("db.heading", lang), className="h3")
    if not may_edit(current_viewer()):
        return html.Div([heading, dbc.Alert(t("db.not_allowed", lang), color="warning")])
    conn = current_gate().inst.app_db()
    try:
        views = list_views(conn)
    finally:
        conn.close()
    return html.Div([
        heading,
        html.P(t("db.intro", lang), className="text-body-secondary"),
        dbc.Row([
            dbc.Col([_label(t("db.board", lang), BOARD),
                     dcc.Dropdown(id=BOARD, options=_board_options(lang), value=NEW,
                                  clearable=False)], xs=12, md=4),
            dbc.Col([_label(t("db.title", lang), TITLE), dbc.Input(id=TITLE, maxLength=120)],
                    xs=12, md=5),
            dbc.Col([_label(t("db.columns", lang), COLUMNS),
                     dcc.Dropdown(id=COLUMNS, options=[1, 2, 3, 4], value=2,
                                  clearable=False)], xs=12, md=3),
        ], className="g-2 mb-2"),
        _label(t("db.views", lang), VIEWS),
        dcc.Dropdown(id=VIEWS, multi=True, value=[],
                     options=[{"label": v.definition.title, "value": str(v.id)}
                              for v in views], className="mb-2"),
        _label(t("db.roles", lang), BOARD_ROLES),
        dbc.Checklist(id=BOARD_ROLES, inline=True, value=[],
                      options=[{"label": t(f"role.{r}", lang), "value": r} for r in ALL_ROLES],
                      className="mb-2"),
        _label(t("db.description", lang), DESCRIPTION),
        dbc.Textarea(id=DESCRIPTION, maxLength=1000, rows=2, className="mb-2"),
        dbc.Row([
            dbc.Col(dbc.Button(t("db.save", lang), id=SAVE, color="primary", n_clicks=0),
                    xs="auto"),
            dbc.Col(dbc.Button(t("db.delete", lang), id=DELETE, color="danger", outline=True,
                               n_clicks=0), xs="auto"),
        ], className="g-2 mb-2"),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
        html.H2(t("db.assign_heading", lang), className="h5 mt-4"),
        dbc.Row([
            dbc.Col([_label(t("db.kind", lang), KIND),
                     dcc.Dropdown(id=KIND, value="role", clearable=False,
                                  options=[{"label": t(f"db.kind.{k}", lang), "value": k}
                                           for k in ("role", "user")])], xs=12, md=3),
            dbc.Col([_label(t("db.target", lang), TARGET), dcc.Dropdown(id=TARGET)],
                    xs=12, md=4),
            dbc.Col([_label(t("db.assigned_board", lang), ASSIGNED),
                     dcc.Dropdown(id=ASSIGNED, value=CARDS, clearable=False)], xs=12, md=3),
            dbc.Col(dbc.Button(t("db.assign", lang), id=ASSIGN, color="primary",
                               n_clicks=0, className="mt-4"), xs=12, md=2),
        ], className="g-2 mb-2"),
        html.Div(id=ASSIGN_MESSAGE, **{"aria-live": "polite"}),
        html.Div(_assignments(lang), id=ASSIGNMENTS),
        html.H2(t("db.heading", lang), className="h5 mt-4"),
        html.Div(_list(lang), id=LIST),
    ], className="db-page")


@callback(Output(TITLE, "value"), Output(DESCRIPTION, "value"), Output(VIEWS, "value"),
          Output(COLUMNS, "value"), Output(BOARD_ROLES, "value"), Input(BOARD, "value"),
          prevent_initial_call=True)
@validated
def load_board(board_id: Key | None) -> tuple:
    """Fill the form with a saved dashboard (or empty it for a new one)."""
    current_editor()
    if not board_id or board_id == NEW:
        return "", "", [], 2, []
    conn = current_gate().inst.app_db()
    try:
        board = get_dashboard(conn, board_id)
    except DashboardError:
        raise PreventUpdate from None
    finally:
        conn.close()
    return (board.title, board.description, [str(v) for v in board.view_ids], board.columns,
            list(board.roles))


@callback(Output(MESSAGE, "children"), Output(BOARD, "options"), Output(BOARD, "value"),
          Output(LIST, "children"), Output(ASSIGNED, "options"),
          Input(SAVE, "n_clicks"), Input(DELETE, "n_clicks"),
          State(BOARD, "value"), State(TITLE, "value"), State(DESCRIPTION, "value"),
          State(VIEWS, "value"), State(COLUMNS, "value"), State(BOARD_ROLES, "value"))
@validated
def act(save: int | None, delete: int | None, board_id: Key | None, title: Text | None,
        description: Text | None, views: list[Key] | None, columns: int | None,
        roles: list[Key] | None) -> tuple:
    """Save or delete a dashboard (and, on first call, offer the dashboards)."""
    viewer = current_editor()
    lang, trigger, keep = current_lang(), ctx.triggered_id, dash.no_update
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    if trigger not in (SAVE, DELETE):  # the page opened
        return None, keep, keep, keep, _assignable(lang)
    if not isinstance(clicked, int) or isinstance(clicked, bool) or clicked <= 0:
        raise PreventUpdate
    origin = {"source": "web", "address": flask.request.remote_addr}
    existing = None if board_id in (None, NEW) else board_id
    conn = current_gate().inst.app_db()
    try:
        if trigger == SAVE:
            board = save_dashboard(conn, viewer.name, title=title, description=description,
                                   view_ids=views or [], columns=columns, roles=roles or [],
                                   dashboard_id=existing, **origin)
            text, value = t("db.saved", lang, title=board.title), str(board.id)
        else:
            if existing is None:
                raise DashboardError("unknown_dashboard", value="–")
            board = get_dashboard(conn, existing)
            delete_dashboard(conn, viewer.name, existing, **origin)
            text, value = t("db.deleted", lang, title=board.title), NEW
    except DashboardError as exc:
        message = str(exc) if existing or trigger == SAVE else t("db.choose", lang)
        return (dbc.Alert(message, color="warning", className="my-2 db-error"), keep, keep,
                keep, keep)
    finally:
        conn.close()
    return (dbc.Alert(text, color="success", className="my-2"), _board_options(lang), value,
            _list(lang), _assignable(lang))


def _assignable(lang: str) -> list[dict]:
    return [{"label": t("db.cards", lang), "value": CARDS},
            *[o for o in _board_options(lang) if o["value"] != NEW]]


@callback(Output(TARGET, "options"), Output(TARGET, "value"), Input(KIND, "value"))
@validated
def offer_targets(kind: Key | None) -> tuple:
    """The roles, or the users, a dashboard can be the Übersicht of."""
    current_editor()
    lang = current_lang()
    if kind == "user":
        conn = current_gate().inst.app_db()
        try:
            users = list_users(conn)
        finally:
            conn.close()
        return [{"label": f"{u.name} ({u.role})", "value": u.name} for u in users], None
    return [{"label": t(f"role.{r}", lang), "value": r} for r in ALL_ROLES], None


@callback(Output(ASSIGN_MESSAGE, "children"), Output(ASSIGNMENTS, "children"),
          Input(ASSIGN, "n_clicks"), State(KIND, "value"), State(TARGET, "value"),
          State(ASSIGNED, "value"), prevent_initial_call=True)
@validated
def assign(clicks: int | None, kind: Key | None, target: Key | None,
           board_id: Key | None) -> tuple:
    """Make a dashboard (or the cards again) the Übersicht of a role or a person."""
    viewer = current_editor()
    lang = current_lang()
    if not clicks:
        raise PreventUpdate
    if not target:
        return dbc.Alert(t("db.no_target", lang), color="warning", className="db-error"), \
            dash.no_update
    conn = current_gate().inst.app_db()
    try:
        users = [u.name for u in list_users(conn)]
        assign_overview(conn, viewer.name, kind, target,
                        None if board_id in (None, CARDS) else board_id, users=users,
                        source="web", address=flask.request.remote_addr)
    except DashboardError as exc:
        return dbc.Alert(str(exc), color="warning", className="db-error"), dash.no_update
    finally:
        conn.close()
    return (dbc.Alert(t("db.assigned", lang, target=target), color="success"),
            _assignments(lang))
