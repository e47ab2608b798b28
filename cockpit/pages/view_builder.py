"""Ansichten: controlling (and admin) build a view, see it live, save it with title,
description and roles; edit, copy, delete; every version kept and restorable; YAML export
and import (queries/views/*.yaml).

The page and every callback refuse every other role on the server (403), whatever the
browser sends. What is saved is checked in cockpit/views/model.py; a bad input gets a
German message and changes nothing. The preview is drawn for the person at the desk, with
their own rights (cockpit/views/render.py), exactly as any viewer's is.
"""

from __future__ import annotations

import base64
import binascii

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, Text, UploadData, validated
from cockpit.app.components import indicator_options, period_options
from cockpit.app.controlling_desk import ROLES, current_editor, may_edit
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer, level_label
from cockpit.periods import sort_periods
from cockpit.roles import ROLES as ALL_ROLES
from cockpit.views.files import dump_yaml, parse_yaml
from cockpit.views.form import FORM_FIELDS, definition_to_form, form_to_raw
from cockpit.views.known import known_for
from cockpit.views.model import TYPE_LABELS, VIEW_TYPES, ViewError, check_definition
from cockpit.views.render import render_view, type_available
from cockpit.views.store import (
    ViewNotFound,
    delete_view,
    get_view,
    list_views,
    restore_version,
    save_view,
    view_versions,
)

dash.register_page(__name__, path="/ansichten", name="Ansichten", order=7,
                   label_key="nav.views", title="Ansichten", roles=list(ROLES),
                   nav_group="admin")

ID = "vb-id"
TYPE = "vb-type"
INDICATORS = "vb-indicators"
LEVEL = "vb-level"
AREAS = "vb-areas"
PERIODS = "vb-periods"
METHOD = "vb-method"
SORT = "vb-sort"
INDEX_BASE = "vb-index-base"
TITLE = "vb-title"
DESCRIPTION = "vb-description"
VIEW_ROLES = "vb-roles"
PREVIEW = "vb-preview"
MESSAGE = "vb-message"
SAVE = "vb-save"
SAVE_NEW = "vb-save-new"
DELETE = "vb-delete"
EXPORT = "vb-export"
DOWNLOAD = "vb-download"
EXPORT_MESSAGE = "vb-export-message"
UPLOAD = "vb-upload"
VERSIONS = "vb-versions"
LIST = "vb-list"
EDITING = "vb-editing"
RESTORE = "vb-restore"  # pattern-matching id: {"type": RESTORE, "index": version}
FORM_IDS = {"type": TYPE, "indicators": INDICATORS, "level": LEVEL, "areas": AREAS,
            "periods": PERIODS, "method": METHOD, "sort": SORT, "index_base": INDEX_BASE,
            "title": TITLE, "description": DESCRIPTION, "roles": VIEW_ROLES}
FORM_PROPS = {name: "value" for name in FORM_IDS}

register_strings({
    "nav.views": {"de": "Ansichten bauen", "en": "Build views"},
    "vb.heading": {"de": "Ansichten bauen und teilen", "en": "Build and share views"},
    "vb.intro": {
        "de": "Ansichtstyp, Kennzahlen, Ebene, Gebiete und Zeitraum wählen; die Vorschau "
              "zeigt die Ansicht sofort. Gespeicherte Ansichten erscheinen im Menü der "
              "Rollen, mit denen sie geteilt sind. Jede Person sieht darin nur, was ihre "
              "eigene Berechtigung erlaubt.",
        "en": "Choose the view type, key figures, level, areas and period; the preview shows "
              "the view at once. Saved views appear in the menu of the roles they are shared "
              "with. Everyone sees in them only what their own permissions allow.",
    },
    "vb.type": {"de": "Ansichtstyp", "en": "View type"},
    "vb.indicators": {"de": "Kennzahlen", "en": "Key figures"},
    "vb.level": {"de": "Gebietsebene", "en": "Area level"},
    "vb.areas": {"de": "Gebiete (leer: alle bzw. Bezugsgebiet)",
                 "en": "Areas (empty: all or the reference area)"},
    "vb.periods": {"de": "Zeitraum (leer: jüngster)", "en": "Period (empty: latest)"},
    "vb.method": {"de": "Klassenbildung (Karte)", "en": "Classes (map)"},
    "vb.sort": {"de": "Sortierung (Tabelle)", "en": "Sort order (table)"},
    "vb.sort.value_desc": {"de": "Wert absteigend", "en": "Value, descending"},
    "vb.sort.value_asc": {"de": "Wert aufsteigend", "en": "Value, ascending"},
    "vb.sort.name": {"de": "Gebietsname", "en": "Area name"},
    "vb.index_base": {"de": "Indexbasis (Zeitreihe, optional)",
                      "en": "Index base (time series, optional)"},
    "vb.title": {"de": "Titel", "en": "Title"},
    "vb.description": {"de": "Beschreibung", "en": "Description"},
    "vb.roles": {"de": "Geteilt mit den Rollen", "en": "Shared with the roles"},
    "vb.save": {"de": "Speichern", "en": "Save"},
    "vb.save_new": {"de": "Als neue Ansicht speichern", "en": "Save as a new view"},
    "vb.delete": {"de": "Löschen", "en": "Delete"},
    "vb.export": {"de": "Als YAML exportieren", "en": "Export as YAML"},
    "vb.upload": {"de": "YAML-Datei laden", "en": "Load a YAML file"},
    "vb.preview": {"de": "Vorschau", "en": "Preview"},
    "vb.preview_title": {"de": "(ohne Titel)", "en": "(untitled)"},
    "vb.saved": {"de": "Ansicht „{title}“ gespeichert (Version {version}).",
                 "en": "View “{title}” saved (version {version})."},
    "vb.copied": {"de": "Als neue Ansicht „{title}“ gespeichert.",
                  "en": "Saved as the new view “{title}”."},
    "vb.deleted": {"de": "Ansicht „{title}“ gelöscht (ihre Versionen bleiben im Protokoll).",
                   "en": "View “{title}” deleted (its versions stay on record)."},
    "vb.restored": {"de": "Version {version} wiederhergestellt (jetzt Version {current}).",
                    "en": "Version {version} restored (now version {current})."},
    "vb.loaded": {"de": "Datei „{name}“ geladen; bitte prüfen und speichern.",
                  "en": "File “{name}” loaded; please check and save."},
    "vb.bad_file": {"de": "Die Datei ist keine UTF-8-Textdatei.",
                    "en": "The file is not a UTF-8 text file."},
    "vb.nothing_to_delete": {"de": "Bitte zuerst eine gespeicherte Ansicht öffnen.",
                             "en": "Please open a saved view first."},
    "vb.editing": {"de": "Sie bearbeiten „{title}“ (Version {version}).",
                   "en": "You are editing “{title}” (version {version})."},
    "vb.new": {"de": "Neue Ansicht", "en": "New view"},
    "vb.list": {"de": "Gespeicherte Ansichten", "en": "Saved views"},
    "vb.none": {"de": "Noch keine Ansicht gespeichert.", "en": "No view saved yet."},
    "vb.versions": {"de": "Versionen", "en": "Versions"},
    "vb.restore": {"de": "Wiederherstellen", "en": "Restore"},
    "vb.restore_label": {"de": "Version {version} wiederherstellen",
                         "en": "Restore version {version}"},
    "vb.current": {"de": "aktuell", "en": "current"},
    "vb.open": {"de": "Öffnen", "en": "Open"},
    "vb.edit": {"de": "Bearbeiten", "en": "Edit"},
    "vb.col.title": {"de": "Titel", "en": "Title"},
    "vb.col.type": {"de": "Typ", "en": "Type"},
    "vb.col.roles": {"de": "Rollen", "en": "Roles"},
    "vb.col.version": {"de": "Version", "en": "Version"},
    "vb.col.changed": {"de": "Geändert (UTC)", "en": "Changed (UTC)"},
    "vb.col.author": {"de": "Person", "en": "Person"},
    "vb.col.note": {"de": "Hinweis", "en": "Note"},
    "vb.unavailable": {"de": "noch nicht verfügbar", "en": "not available yet"},
    "vb.not_allowed": {"de": "Ansichten bauen nur Controlling und Administration.",
                       "en": "Only controlling and administrators build views."},
    "vb.dashboards_link": {"de": "Dashboards zusammenstellen", "en": "Compose dashboards"},
})


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _type_options(lang: str) -> list[dict]:
    return [{"label": TYPE_LABELS[k][lang] + ("" if type_available(k)
                                              else f" ({t('vb.unavailable', lang)})"),
             "value": k} for k in VIEW_TYPES]


def _saved_list(lang: str) -> html.Div:
    conn = current_gate().inst.app_db()
    try:
        views = list_views(conn)
    finally:
        conn.close()
    if not views:
        return html.Div(html.P(t("vb.none", lang), className="text-body-secondary"))
    root = flask.request.script_root
    rows = [html.Tr([
        html.Td(v.definition.title),
        html.Td(TYPE_LABELS[v.definition.type][lang]),
        html.Td(", ".join(v.definition.roles)),
        html.Td(str(v.version), className="text-end"),
        html.Td(f"{_when(v.updated_at)} · {v.updated_by}"),
        html.Td([html.A(t("vb.open", lang), href=f"{root}/ansicht?id={v.id}",
                        className="me-2"),
                 html.A(t("vb.edit", lang), href=f"{root}/ansichten?id={v.id}")]),
    ]) for v in views]
    head = html.Thead(html.Tr([html.Th(t(f"vb.col.{c}", lang), scope="col")
                               for c in ("title", "type", "roles", "version", "changed")]
                              + [html.Th("")]))
    return html.Div(html.Table([head, html.Tbody(rows)],
                               className="table table-sm table-striped vb-list"),
                    className="table-responsive")


def _versions(view_id: int | None, lang: str) -> list:
    if view_id is None:
        return []
    conn = current_gate().inst.app_db()
    try:
        versions = view_versions(conn, view_id)
    except ViewNotFound:
        return []
    finally:
        conn.close()
    rows = []
    for n, version in enumerate(versions):
        action = (html.Span(t("vb.current", lang), className="badge text-bg-secondary")
                  if n == 0 else
                  html.Button(t("vb.restore", lang), id={"type": RESTORE,
                                                         "index": version.version},
                              n_clicks=0, type="button",
                              className="btn btn-outline-secondary btn-sm",
                              **{"aria-label": t("vb.restore_label", lang,
                                                 version=version.version)}))
        rows.append(html.Tr([html.Td(str(version.version), className="text-end"),
                             html.Td(version.definition.title),
                             html.Td(_when(version.at)), html.Td(version.author),
                             html.Td(version.note or ""), html.Td(action)]))
    head = html.Thead(html.Tr([html.Th(t(f"vb.col.{c}", lang), scope="col") for c in
                               ("version", "title", "changed", "author", "note")]
                              + [html.Th("")]))
    return [html.H2(t("vb.versions", lang), className="h6 mt-3"),
            html.Table([head, html.Tbody(rows)], className="table table-sm vb-versions")]


def _editing_note(view_id: int | None, lang: str) -> str:
    if view_id is None:
        return t("vb.new", lang)
    conn = current_gate().inst.app_db()
    try:
        view = get_view(conn, view_id)
    except ViewNotFound:
        return t("vb.new", lang)
    finally:
        conn.close()
    return t("vb.editing", lang, title=view.definition.title, version=view.version)


def _form(values: dict, lang: str) -> list:
    gate, viewer = current_gate(), current_viewer()
    levels = gate.declared_levels()
    return [
        dbc.Row([
            dbc.Col([_label(t("vb.type", lang), TYPE),
                     dcc.Dropdown(id=TYPE, options=_type_options(lang), clearable=False,
                                  value=values.get("type") or "bars")], xs=12, md=4),
            dbc.Col([_label(t("vb.indicators", lang), INDICATORS),
                     dcc.Dropdown(id=INDICATORS, multi=True,
                                  options=indicator_options(gate, viewer, lang),
                                  value=values.get("indicators") or [])], xs=12, md=8),
        ], className="g-2 mb-2"),
        dbc.Row([
            dbc.Col([_label(t("vb.level", lang), LEVEL),
                     dcc.Dropdown(id=LEVEL, value=values.get("level"),
                                  options=[{"label": level_label(lv, lang), "value": lv}
                                           for lv in levels.ids])], xs=12, md=3),
            dbc.Col([_label(t("vb.areas", lang), AREAS),
                     dcc.Dropdown(id=AREAS, multi=True, options=[],
                                  value=values.get("areas") or [])], xs=12, md=5),
            dbc.Col([_label(t("vb.periods", lang), PERIODS),
                     dcc.Dropdown(id=PERIODS, multi=True, options=[],
                                  value=values.get("periods") or [])], xs=12, md=4),
        ], className="g-2 mb-2"),
        dbc.Row([
            dbc.Col([_label(t("vb.method", lang), METHOD),
                     dcc.Dropdown(id=METHOD, value=values.get("method"),
                                  options=[{"label": t(f"classes.{m}", lang), "value": m}
                                           for m in ("quantile", "equal")])], xs=12, md=4),
            dbc.Col([_label(t("vb.sort", lang), SORT),
                     dcc.Dropdown(id=SORT, value=values.get("sort"),
                                  options=[{"label": t(f"vb.sort.{s}", lang), "value": s}
                                           for s in ("value_desc", "value_asc", "name")])],
                    xs=12, md=4),
            dbc.Col([_label(t("vb.index_base", lang), INDEX_BASE),
                     dcc.Dropdown(id=INDEX_BASE, value=values.get("index_base"),
                                  options=[])], xs=12, md=4),
        ], className="g-2 mb-3"),
        dbc.Row([
            dbc.Col([_label(t("vb.title", lang), TITLE),
                     dbc.Input(id=TITLE, value=values.get("title") or "", maxLength=120,
                               debounce=True)], xs=12, md=6),
            dbc.Col([_label(t("vb.roles", lang), VIEW_ROLES),
                     dbc.Checklist(id=VIEW_ROLES, inline=True, value=values.get("roles") or [],
                                   options=[{"label": t(f"role.{r}", lang), "value": r}
                                            for r in ALL_ROLES])], xs=12, md=6),
        ], className="g-2 mb-2"),
        _label(t("vb.description", lang), DESCRIPTION),
        dbc.Textarea(id=DESCRIPTION, value=values.get("description") or "", maxLength=1000,
                     debounce=True, rows=2, className="mb-3"),
    ]


def layout(id: str | None = None, **_: str) -> html.Div:  # noqa: A002 - the URL's name
    lang = current_lang()
    heading = html.H1(t("vb.heading", lang), className="h3")
    if not may_edit(current_viewer()):
        return html.Div([heading, dbc.Alert(t("vb.not_allowed", lang), color="warning")])
    values: dict = {}
    view_id: int | None = None
    notice = None
    if id is not None:
        conn = current_gate().inst.app_db()
        try:
            view = get_view(conn, id)
            view_id, values = view.id, definition_to_form(view.definition)
        except ViewNotFound as exc:
            notice = dbc.Alert(str(exc), color="warning", className="vb-error")
        finally:
            conn.close()
    try:
        form = _form(values, lang)
    except GateError as exc:
        return html.Div([heading, dbc.Alert(exc.message, color="warning")])
    root = flask.request.script_root
    return html.Div([
        heading,
        html.P(t("vb.intro", lang), className="text-body-secondary", style={"maxWidth": "60rem"}),
        html.P(html.A(t("vb.dashboards_link", lang), href=f"{root}/dashboards"),
               className="small"),
        notice,
        dcc.Store(id=ID, data=view_id),
        html.P(_editing_note(view_id, lang), id=EDITING, className="fw-semibold"),
        *form,
        dbc.Row([
            dbc.Col(dbc.Button(t("vb.save", lang), id=SAVE, color="primary", n_clicks=0),
                    xs="auto"),
            dbc.Col(dbc.Button(t("vb.save_new", lang), id=SAVE_NEW, color="secondary",
                               outline=True, n_clicks=0), xs="auto"),
            dbc.Col(dbc.Button(t("vb.delete", lang), id=DELETE, color="danger", outline=True,
                               n_clicks=0), xs="auto"),
            dbc.Col(dbc.Button(t("vb.export", lang), id=EXPORT, color="secondary",
                               outline=True, n_clicks=0), xs="auto"),
            dbc.Col(dcc.Upload(dbc.Button(t("vb.upload", lang), color="secondary",
                                          outline=True), id=UPLOAD, accept=".yaml,.yml",
                               max_size=200_000), xs="auto"),
        ], className="g-2 mb-2"),
        dcc.Download(id=DOWNLOAD),
        html.Div(id=EXPORT_MESSAGE, **{"aria-live": "polite"}),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
        html.Div(_versions(view_id, lang), id=VERSIONS),
        html.H2(t("vb.preview", lang), className="h5 mt-4"),
        dcc.Loading(html.Div(id=PREVIEW, className="vb-preview border rounded p-3 mb-4")),
        html.H2(t("vb.list", lang), className="h5"),
        html.Div(_saved_list(lang), id=LIST),
    ], className="vb-page")


@callback(Output(AREAS, "options"), Output(PERIODS, "options"),
          Output(INDEX_BASE, "options"),
          Input(INDICATORS, "value"), Input(LEVEL, "value"))
@validated
def offer_choices(indicators: list[Key] | None, level: Key | None) -> tuple:
    """The areas of the chosen level and the periods of the chosen key figures."""
    viewer = current_editor()
    gate, lang = current_gate(), current_lang()
    try:
        frame = gate.areas(viewer, level or None)
    except GateError:
        frame = gate.areas(viewer, None)
    areas = [{"label": f"{name} ({code})", "value": code}
             for code, name in zip(frame["code"], frame["name"], strict=True)]
    periods: set[str] = set()
    for indicator_id in indicators or []:
        try:
            periods.update(gate.periods(viewer, indicator_id))
        except GateError:
            continue
    offered = period_options(sort_periods(periods), lang)
    return areas, offered, offered


def _form_values(args: tuple) -> dict:
    return dict(zip(FORM_FIELDS, args, strict=True))


@callback(Output(PREVIEW, "children"),
          *[Input(FORM_IDS[name], "value") for name in FORM_FIELDS])
@validated
def preview(kind: Key | None, indicators: list[Key] | None, level: Key | None,
            areas: list[Key] | None, periods: list[Key] | None, method: Key | None,
            sort: Key | None, index_base: Key | None, title: Text | None,
            description: Text | None, roles: list[Key] | None) -> object:
    """The view as it would be saved, drawn with the editor's own rights."""
    viewer = current_editor()
    gate, lang = current_gate(), current_lang()
    values = _form_values((kind, indicators, level, areas, periods, method, sort,
                           index_base, title, description, roles))
    raw = form_to_raw(values)
    raw["title"] = raw["title"] or t("vb.preview_title", lang)
    raw["roles"] = raw["roles"] or ["controlling"]
    try:
        definition = check_definition(raw, known_for(gate))
    except ViewError as exc:
        return dbc.Alert(_error_text(exc, lang), color="info", className="vb-preview-note")
    return render_view(gate, viewer, definition, lang)


def _error_text(exc: ViewError, lang: str) -> str:
    return str(exc)  # German; the model's sentences name the field and the value


def _outputs() -> list:
    return [Output(MESSAGE, "children"), Output(ID, "data"), Output(VERSIONS, "children"),
            Output(LIST, "children"), Output(EDITING, "children"),
            *[Output(FORM_IDS[name], "value") for name in FORM_FIELDS]]


@callback(*_outputs(),
          Input(SAVE, "n_clicks"), Input(SAVE_NEW, "n_clicks"), Input(DELETE, "n_clicks"),
          Input({"type": RESTORE, "index": ALL}, "n_clicks"), Input(UPLOAD, "contents"),
          State(UPLOAD, "filename"), State(ID, "data"),
          *[State(FORM_IDS[name], "value") for name in FORM_FIELDS],
          prevent_initial_call=True)
@validated
def act(save: int | None, save_new: int | None, delete: int | None,
        restores: list[int | None], upload: UploadData | None, filename: Text | None,
        view_id: int | None, kind: Key | None, indicators: list[Key] | None,
        level: Key | None, areas: list[Key] | None, periods: list[Key] | None,
        method: Key | None, sort: Key | None, index_base: Key | None, title: Text | None,
        description: Text | None, roles: list[Key] | None) -> tuple:
    """Save, save as new, delete, restore a version or load a YAML file."""
    viewer = current_editor()  # 403 for every other role, whatever the browser sends
    gate, lang, trigger = current_gate(), current_lang(), ctx.triggered_id
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    is_click = isinstance(clicked, int) and not isinstance(clicked, bool) and clicked > 0
    keep = dash.no_update
    unchanged = [keep] * len(FORM_FIELDS)
    values = _form_values((kind, indicators, level, areas, periods, method, sort,
                           index_base, title, description, roles))
    origin = {"source": "web", "address": flask.request.remote_addr}
    known = known_for(gate)

    def refused(text: str) -> tuple:
        return (dbc.Alert(text, color="warning", className="my-2 vb-error"), keep, keep, keep,
                keep, *unchanged)

    if trigger == UPLOAD:
        if not upload:
            raise PreventUpdate
        try:
            text = base64.b64decode(upload.split(",", 1)[-1], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return refused(t("vb.bad_file", lang))
        try:
            definition = parse_yaml(text, known)
        except ViewError as exc:
            return refused(f"{filename or 'YAML'}: {exc}")
        form = definition_to_form(definition)
        return (dbc.Alert(t("vb.loaded", lang, name=filename or "YAML"), color="info",
                          className="my-2"), keep, keep, keep, keep,
                *[form[name] for name in FORM_FIELDS])
    if not is_click:
        raise PreventUpdate
    conn = gate.inst.app_db()
    try:
        if trigger == SAVE:
            saved = save_view(conn, viewer.name, form_to_raw(values), known,
                              view_id=view_id, **origin)
            text = t("vb.saved", lang, title=saved.definition.title, version=saved.version)
        elif trigger == SAVE_NEW:
            saved = save_view(conn, viewer.name, form_to_raw(values), known,
                              note=(f"Kopie von Ansicht {view_id}" if view_id else None),
                              **origin)
            text = t("vb.copied", lang, title=saved.definition.title)
        elif trigger == DELETE:
            if view_id is None:
                return refused(t("vb.nothing_to_delete", lang))
            title_before = get_view(conn, view_id).definition.title
            delete_view(conn, viewer.name, view_id, **origin)
            return (dbc.Alert(t("vb.deleted", lang, title=title_before), color="success",
                              className="my-2"), None, [], _saved_list(lang),
                    t("vb.new", lang), *unchanged)
        elif isinstance(trigger, dict) and trigger.get("type") == RESTORE:
            version = trigger.get("index")
            if view_id is None:
                return refused(t("vb.nothing_to_delete", lang))
            saved = restore_version(conn, viewer.name, view_id, version, **origin)
            form = definition_to_form(saved.definition)
            return (dbc.Alert(t("vb.restored", lang, version=version, current=saved.version),
                              color="success", className="my-2"), saved.id,
                    _versions(saved.id, lang), _saved_list(lang),
                    _editing_note(saved.id, lang), *[form[name] for name in FORM_FIELDS])
        else:
            raise PreventUpdate
    except (ViewError, ViewNotFound) as exc:
        return refused(str(exc))
    finally:
        conn.close()
    return (dbc.Alert(text, color="success", className="my-2 vb-saved"), saved.id,
            _versions(saved.id, lang), _saved_list(lang), _editing_note(saved.id, lang),
            *unchanged)


@callback(Output(DOWNLOAD, "data"), Output(EXPORT_MESSAGE, "children"),
          Input(EXPORT, "n_clicks"), State(ID, "data"),
          *[State(FORM_IDS[name], "value") for name in FORM_FIELDS],
          prevent_initial_call=True)
@validated
def export(clicks: int | None, view_id: int | None, kind: Key | None,
           indicators: list[Key] | None, level: Key | None, areas: list[Key] | None,
           periods: list[Key] | None, method: Key | None, sort: Key | None,
           index_base: Key | None, title: Text | None, description: Text | None,
           roles: list[Key] | None) -> tuple:
    """The saved view (or, before saving, the form) as a queries/views/*.yaml file."""
    current_editor()
    if not clicks:
        raise PreventUpdate
    gate = current_gate()
    try:
        if view_id is not None:
            conn = gate.inst.app_db()
            try:
                definition = get_view(conn, view_id).definition
            finally:
                conn.close()
            name = f"ansicht_{view_id}.yaml"
        else:
            values = _form_values((kind, indicators, level, areas, periods, method, sort,
                                   index_base, title, description, roles))
            definition = check_definition(form_to_raw(values), known_for(gate))
            name = "ansicht.yaml"
    except (ViewError, ViewNotFound) as exc:
        return dash.no_update, dbc.Alert(str(exc), color="warning", className="my-2 vb-error")
    return {"content": dump_yaml(definition), "filename": name,
            "type": "application/yaml"}, None

