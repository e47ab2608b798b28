"""One saved view (/ansicht?id=12) or a view file (/ansicht?datei=sgb2_stadtteile), drawn for
the person looking at it.

Only roles the view is shared with may open it (admin and controlling always); the page
and its callback both check that on the server. The view is drawn by
cockpit/views/render.py with the viewer's own rights: a view never widens access. The
definition itself never reaches the browser; only the view's reference does.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate
from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from cockpit.access import Viewer
from cockpit.app.callback_inputs import Key, validated
from cockpit.app.controlling_desk import may_edit
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.views.files import FILE_ID, load_view_files
from cockpit.views.known import known_for
from cockpit.views.model import ViewDefinition
from cockpit.views.render import render_view
from cockpit.views.store import ViewNotFound, get_view

dash.register_page(__name__, path="/ansicht", name="Ansicht", order=90,
                   label_key="nav.view", title="Ansicht", hidden=True)

REF = "view-ref"
CONTENT = "view-content"

register_strings({
    "nav.view": {"de": "Ansicht", "en": "View"},
    "view.not_shared": {"de": "Diese Ansicht ist nicht für Ihre Rolle freigegeben.",
                        "en": "This view is not shared with your role."},
    "view.no_ref": {"de": "Bitte eine Ansicht wählen (Menü „Ansichten“).",
                    "en": "Please choose a view (menu “Views”)."},
    "view.unknown_file": {"de": "Unbekannte Ansichtsdatei „{value}“.",
                          "en": "Unknown view file “{value}”."},
    "view.edit": {"de": "Diese Ansicht bearbeiten", "en": "Edit this view"},
})


@with_config(ConfigDict(strict=True))
class ViewRef(TypedDict, total=False):
    """What the page hands its callback: a saved view's id or a view file's name."""

    id: Key | None
    file: Key | None


class ViewRefused(LookupError):
    """The view cannot be opened by this viewer; the message is one sentence."""


def find_view(viewer: Viewer | None, ref: dict, lang: str) -> ViewDefinition:
    """The definition `ref` names, if the viewer's role may open it; ViewRefused (with a
    German or English sentence) otherwise."""
    if viewer is None:
        raise ViewRefused(t("error.not_logged_in", lang))
    gate = current_gate()
    if ref.get("file"):
        name = str(ref["file"])
        views = {}
        if FILE_ID.match(name):
            views, _ = load_view_files(gate.inst.settings.queries_dir, known_for(gate))
        if name not in views:
            raise ViewRefused(t("view.unknown_file", lang, value=name[:64]))
        definition = views[name]
    elif ref.get("id") is not None:
        conn = gate.inst.app_db()
        try:
            definition = get_view(conn, ref["id"]).definition
        except ViewNotFound as exc:
            raise ViewRefused(str(exc)) from exc
        finally:
            conn.close()
    else:
        raise ViewRefused(t("view.no_ref", lang))
    if not definition.shared_with(viewer.role):
        raise ViewRefused(t("view.not_shared", lang))
    return definition


def layout(id: str | None = None, datei: str | None = None,  # noqa: A002 - URL names
           **_: str) -> html.Div:
    lang, viewer = current_lang(), current_viewer()
    ref = {"id": id, "file": datei}
    try:
        find_view(viewer, ref, lang)
    except ViewRefused as exc:
        return html.Div(dbc.Alert(str(exc), color="warning", className="my-3 view-refused"))
    root = flask.request.script_root
    meeting = f"{root}/sitzung?" + (f"datei={datei}" if datei else f"ansicht={id}")
    extra = [html.P(html.A(t("meeting.start", lang), href=meeting,
                           className="btn btn-outline-primary btn-sm meeting-start"),
                    className="no-print mb-2")]
    if may_edit(viewer) and id is not None:
        extra.append(html.P(html.A(t("view.edit", lang),
                                   href=f"{flask.request.script_root}/ansichten?id={id}"),
                            className="small no-print"))
    return html.Div([
        dcc.Store(id=REF, data={"id": id, "file": datei}),
        *extra,
        dcc.Loading(html.Div(id=CONTENT, **{"aria-live": "polite"})),
    ], className="view-page")


@callback(Output(CONTENT, "children"), Input(REF, "data"))
@validated
def show_view(ref: ViewRef | None) -> object:
    """Draw the view for the person looking at it (the gate decides each value)."""
    if not ref:
        raise PreventUpdate
    lang, viewer = current_lang(), current_viewer()
    if viewer is None:
        flask.abort(401)
    try:
        definition = find_view(viewer, dict(ref), lang)
    except ViewRefused as exc:
        return dbc.Alert(str(exc), color="warning", className="my-3 view-refused")
    return render_view(current_gate(), viewer, definition, lang, heading="h1")
