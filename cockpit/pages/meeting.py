"""Sitzungsmodus (/sitzung?ansicht=12 or ?dashboard=3): a saved view or a dashboard as a
presentation for a committee meeting.

One view at a time in large type and high contrast, next/previous by button or arrow key,
the area picker at hand ("and how does Stadtteil X look?"), full screen on request, the
step and area in the address (a permalink), and the data drawn again when a newer
snapshot is published while the meeting runs. Every view is drawn by
cockpit/views/render.py with the viewer's own rights; the view and the dashboard must be
shared with the viewer's role, checked by the page and by its callback.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate
from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, validated
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.pages.view import ViewRefused, find_view
from cockpit.views.dashboards import DashboardError, get_dashboard
from cockpit.views.model import ViewDefinition
from cockpit.views.render import render_view
from cockpit.views.store import ViewNotFound, get_view

dash.register_page(__name__, path="/sitzung", name="Sitzungsmodus", order=93,
                   label_key="nav.meeting", title="Sitzungsmodus", hidden=True)

REF = "meeting-ref"
STEP = "meeting-step"
VERSION = "meeting-version"
PREV = "meeting-prev"
NEXT = "meeting-next"
AREA = "meeting-area"
BODY = "meeting-body"
COUNTER = "meeting-counter"
TICK = "meeting-tick"
FULL = "meeting-full"
URL_SINK = "meeting-url"
# How often the page asks whether a newer snapshot was published (ms).
REFRESH_MS = 30_000

register_strings({
    "nav.meeting": {"de": "Sitzungsmodus", "en": "Meeting mode"},
    "meeting.start": {"de": "Sitzungsmodus", "en": "Meeting mode"},
    "meeting.prev": {"de": "Zurück", "en": "Previous"},
    "meeting.next": {"de": "Weiter", "en": "Next"},
    "meeting.full": {"de": "Vollbild", "en": "Full screen"},
    "meeting.end": {"de": "Beenden", "en": "Leave"},
    "meeting.area": {"de": "Gebiet hervorheben", "en": "Highlight area"},
    "meeting.counter": {"de": "Ansicht {k} von {n}", "en": "View {k} of {n}"},
    "meeting.keys": {"de": "Pfeiltasten ← → blättern", "en": "Arrow keys ← → to page"},
    "meeting.no_ref": {"de": "Bitte eine Ansicht oder ein Dashboard wählen.",
                       "en": "Please choose a view or a dashboard."},
    "meeting.board_not_shared": {
        "de": "Dieses Dashboard ist nicht für Ihre Rolle freigegeben.",
        "en": "This dashboard is not shared with your role."},
    "meeting.empty": {"de": "Dieses Dashboard enthält keine Ansicht für Ihre Rolle.",
                      "en": "This dashboard holds no view for your role."},
})


@with_config(ConfigDict(strict=True))
class MeetingRef(TypedDict, total=False):
    """What the page hands its callback: a saved view, a view file or a dashboard."""

    id: Key | None
    file: Key | None
    board: Key | None


def slides(gate: Gate, viewer: Viewer | None, ref: dict, lang: str) -> list[ViewDefinition]:
    """The views of the presentation the viewer may open, in order; ViewRefused (one
    sentence) when the view or dashboard is not theirs to open."""
    if viewer is None:
        raise ViewRefused(t("error.not_logged_in", lang))
    if not ref.get("board"):
        if not ref.get("id") and not ref.get("file"):
            raise ViewRefused(t("meeting.no_ref", lang))
        return [find_view(viewer, ref, lang)]
    conn = gate.inst.app_db()
    try:
        try:
            board = get_dashboard(conn, ref["board"])
        except DashboardError as exc:
            raise ViewRefused(str(exc)) from exc
        if not board.shared_with(viewer.role):
            raise ViewRefused(t("meeting.board_not_shared", lang))
        shown = []
        for view_id in board.view_ids:
            try:
                definition = get_view(conn, view_id).definition
            except ViewNotFound:
                continue
            if definition.shared_with(viewer.role):
                shown.append(definition)
    finally:
        conn.close()
    if not shown:
        raise ViewRefused(t("meeting.empty", lang))
    return shown


def _area_options(gate: Gate, viewer: Viewer, definitions: list[ViewDefinition]) -> list[dict]:
    """The areas of the level the presentation shows (its first view's, else the lowest)."""
    level = next((d.level for d in definitions if d.level), None) or \
        gate.declared_levels().bottom.id
    key = (gate.data_version, level)
    kept = _AREAS.get(key)
    if kept is not None:
        return kept
    try:
        frame = gate.areas(viewer, level)  # names and codes are public to every login
    except GateError:
        return []
    options = [{"label": str(name), "value": str(code)}
               for code, name in zip(frame["code"], frame["name"], strict=True)]
    if len(_AREAS) >= 8:
        _AREAS.clear()
    _AREAS[key] = options
    return options


# Drawn slides kept per worker (least recently used dropped first): a meeting pages back
# and forth through the same few views, so each is drawn once per data version.
_KEPT: OrderedDict[tuple, Any] = OrderedDict()
_KEPT_MAX = 64
_KEPT_LOCK = threading.Lock()
# Area choices per data version and level (public names and codes).
_AREAS: dict[tuple, list[dict]] = {}


def drawn_view(gate: Gate, viewer: Viewer, definition: ViewDefinition, lang: str,
               area: str | None) -> Any:
    """The view drawn for the viewer, kept per data version, definition (a changed view
    is a new definition), language, area and what decides the viewer's scope (role, area,
    department). Raw views of unsuppressed values are drawn (and audited) every time."""
    if viewer.raw:
        return render_view(gate, viewer, definition, lang, area=area, heading="h1")
    key = (gate.data_version, definition, lang, area, viewer.role, viewer.area_code,
           viewer.department, flask.request.script_root)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept
    drawn = render_view(gate, viewer, definition, lang, area=area, heading="h1")
    with _KEPT_LOCK:
        _KEPT[key] = drawn
        while len(_KEPT) > _KEPT_MAX:
            _KEPT.popitem(last=False)
    return drawn


def _step(value: object, count: int) -> int:
    try:
        step = int(str(value))
    except (TypeError, ValueError):
        step = 1
    return min(max(step, 1), count) - 1


def layout(ansicht: str | None = None, datei: str | None = None,
           dashboard: str | None = None, schritt: str | None = None,
           gebiet: str | None = None, **_: str) -> html.Div:
    lang, viewer, gate = current_lang(), current_viewer(), current_gate()
    ref = {"id": ansicht, "file": datei, "board": dashboard}
    try:
        definitions = slides(gate, viewer, ref, lang)
    except ViewRefused as exc:
        return html.Div(dbc.Alert(str(exc), color="warning", className="my-3 meeting-refused"))
    assert viewer is not None
    options = _area_options(gate, viewer, definitions)
    area = gebiet if gebiet in {o["value"] for o in options} else None
    root = flask.request.script_root
    back = (f"{root}/dashboard?id={dashboard}" if dashboard
            else f"{root}/ansicht?{'datei=' + datei if datei else 'id=' + str(ansicht)}")
    controls = dbc.Row([
        dbc.Col(dbc.ButtonGroup([
            dbc.Button(["← ", t("meeting.prev", lang)], id=PREV, color="dark", outline=True,
                       size="lg"),
            dbc.Button([t("meeting.next", lang), " →"], id=NEXT, color="dark", size="lg"),
        ]), xs="auto"),
        dbc.Col(html.Span(id=COUNTER, className="meeting-counter fw-semibold",
                          **{"aria-live": "polite"}), xs="auto"),
        dbc.Col([dbc.Label(t("meeting.area", lang), html_for=AREA, className="visually-hidden"),
                 dcc.Dropdown(id=AREA, options=options, value=area, clearable=True,
                              placeholder=t("meeting.area", lang))], xs=12, md=4),
        dbc.Col(dbc.Button(t("meeting.full", lang), id=FULL, color="dark", outline=True,
                           size="lg"), xs="auto"),
        dbc.Col(html.A(t("meeting.end", lang), href=back, className="btn btn-lg btn-link"),
                xs="auto"),
        dbc.Col(html.Span(t("meeting.keys", lang), className="small"), xs="auto"),
    ], className="g-2 align-items-center mb-3 meeting-controls no-print")
    return html.Div([
        dcc.Store(id=REF, data=ref),
        dcc.Store(id=STEP, data=_step(schritt, len(definitions))),
        dcc.Store(id=VERSION, data=None),
        dcc.Interval(id=TICK, interval=REFRESH_MS),
        html.Div(id=URL_SINK, hidden=True),
        controls,
        html.Div(id=BODY, className="meeting-body"),
    ], className="meeting-mode")


@callback(Output(BODY, "children"), Output(COUNTER, "children"), Output(STEP, "data"),
          Output(VERSION, "data"),
          Input(PREV, "n_clicks"), Input(NEXT, "n_clicks"), Input(AREA, "value"),
          Input(TICK, "n_intervals"),
          State(REF, "data"), State(STEP, "data"), State(VERSION, "data"))
@validated
def show_slide(_prev: int | None, _next: int | None, area: Key | None, _tick: int | None,
               ref: MeetingRef | None, step: int | None, shown_version: Key | None) -> tuple:
    """Draw the current view for the person looking; a tick redraws only when a newer
    snapshot was published."""
    if not ref:
        raise PreventUpdate
    lang, viewer, gate = current_lang(), current_viewer(), current_gate()
    if viewer is None:
        flask.abort(401)
    version = gate.data_version
    if ctx.triggered_id == TICK and version == shown_version:
        raise PreventUpdate
    try:
        definitions = slides(gate, viewer, dict(ref), lang)
    except ViewRefused as exc:
        return (dbc.Alert(str(exc), color="warning", className="meeting-refused"), "",
                0, version)
    count = len(definitions)
    index = min(max(int(step or 0), 0), count - 1)
    if ctx.triggered_id == NEXT:
        index = min(index + 1, count - 1)
    elif ctx.triggered_id == PREV:
        index = max(index - 1, 0)
    known = {o["value"] for o in _area_options(gate, viewer, definitions)}
    area = area if area in known else None
    body = drawn_view(gate, viewer, definitions[index], lang, area)
    return body, t("meeting.counter", lang, k=index + 1, n=count), index, version


# The step and area go into the address (a permalink for the minutes); no reload.
clientside_callback(
    """function (step, area) {
        return window.cockpitSetQuery({schritt: (step || 0) + 1, gebiet: area});
    }""",
    Output(URL_SINK, "children"), Input(STEP, "data"), Input(AREA, "value"),
    prevent_initial_call=True,
)

clientside_callback(
    """function (clicks) {
        if (clicks && document.documentElement.requestFullscreen) {
            document.documentElement.requestFullscreen().catch(function () {});
        }
        return window.dash_clientside.no_update;
    }""",
    Output(FULL, "className"), Input(FULL, "n_clicks"), prevent_initial_call=True,
)
