"""Zielwerte: controlling (and admin) list, add, change and delete targets per indicator and
area; the status rule is explained on the page.

The page and every callback refuse every other role on the server (403); hiding the page
in their navigation is only a convenience. Everything the browser sends is checked in
cockpit/appdb/targets.py: a bad input gets a German message and changes nothing. The base
values offered and the status shown come from the gate, for the person at the desk
(suppressed values stay hidden, and a hidden base period is not offered).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, Text, validated
from cockpit.app.components import indicator_options
from cockpit.app.controlling_desk import ROLES, current_editor, may_edit
from cockpit.app.formatting import format_period, format_value
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer, level_label
from cockpit.app.target_status import all_targets, series_status, status_badge, target_decimals
from cockpit.appdb.targets import (
    MESSAGES,
    Target,
    TargetError,
    check_target,
    delete_target,
    get_target,
    save_target,
    target_history,
)
from cockpit.indicators.targets import DIRECTIONS

dash.register_page(__name__, nav_group="admin", path="/zielwerte", name="Zielwerte", order=5,
                   label_key="nav.targets", title="Zielwerte", roles=list(ROLES))

INDICATOR = "targets-indicator"
AREA = "targets-area"
VALUE = "targets-value"
YEAR = "targets-year"
DIRECTION = "targets-direction"
CORRIDOR = "targets-corridor"
BASE = "targets-base"
SAVE = "targets-save"
NEW = "targets-new"
EDITING = "targets-editing"
MESSAGE = "targets-message"
LIST = "targets-list"
HISTORY = "targets-history"
EDIT = "targets-edit"  # pattern-matching id: {"type": EDIT, "index": target id}
DELETE = "targets-delete"
HISTORY_ROWS = 20

register_strings({
    "nav.targets": {"de": "Zielwerte", "en": "Targets"},
    "targets.heading": {"de": "Zielwerte", "en": "Targets"},
    "targets.intro": {
        "de": "Zielwerte je Indikator und Gebiet. Die Übersicht und das Stadtteilprofil "
              "zeigen Zielwert, Zieljahr und den Zielstatus. Jede Änderung wird mit Person "
              "und Zeitpunkt festgehalten.",
        "en": "Targets per indicator and area. The overview and the area profile show "
              "target value, target year and status. Every change is recorded with person "
              "and time.",
    },
    "targets.cards_link": {"de": "Welche Kennzahlen jede Rolle auf der Übersicht sieht, "
                                 "legen Sie unter „Übersicht einrichten“ fest.",
                           "en": "Which key figures each role sees on the overview is set "
                                 "under “Set up overview”."},
    "targets.rule_heading": {"de": "Wie der Zielstatus bestimmt wird",
                             "en": "How the target status is determined"},
    "targets.rule": {
        "de": "Der Zielpfad verläuft linear vom Wert des Basiszeitraums bis zum Zielwert "
              "am Ende des Zieljahres (Zeiträume zählen mit ihrem Ende: 1. Halbjahr 2024 = "
              "Mitte 2024). Der jüngste Wert wird mit dem Pfad zu seinem Zeitraum "
              "verglichen. „Steigen“: ein Wert unter dem Pfad liegt zurück; „sinken“: ein "
              "Wert über dem Pfad; „halten“: jede Abweichung vom Zielwert. ✔ auf Kurs: auf "
              "oder vor dem Pfad oder höchstens um den Korridor dahinter. ⚠ gefährdet: "
              "weiter zurück, aber nicht weiter vom Ziel entfernt als der Ausgangswert "
              "(plus Korridor), und das Zieljahr ist noch nicht erreicht. ✖ nicht auf Kurs: "
              "weiter vom Ziel entfernt als zu Beginn, oder das Zieljahr ist erreicht und "
              "das Ziel um mehr als den Korridor verfehlt. Ohne sichtbaren jüngsten Wert "
              "oder Ausgangswert (fehlend oder wegen Geheimhaltung verborgen) gibt es keinen "
              "Status.",
        "en": "The target path runs linearly from the value of the base period to the "
              "target value at the end of the target year (periods count by their end: "
              "first half of 2024 = mid 2024). The latest value is compared with the path "
              "at its period. “Rise”: a value below the path is behind; “fall”: a value "
              "above it; “keep”: any deviation from the target value. ✔ on track: on or "
              "ahead of the path, or behind by at most the corridor. ⚠ at risk: further "
              "behind, but no further from the target than the base value (plus corridor), "
              "and the target year is not reached yet. ✖ off track: further from the target "
              "than at the start, or the target year is reached and the target missed by "
              "more than the corridor. Without a visible latest or base value (missing or "
              "hidden for confidentiality) there is no status.",
    },
    "targets.indicator": {"de": "Indikator", "en": "Indicator"},
    "targets.area": {"de": "Gebiet", "en": "Area"},
    "targets.value": {"de": "Zielwert", "en": "Target value"},
    "targets.year": {"de": "Zieljahr", "en": "Target year"},
    "targets.direction": {"de": "Richtung", "en": "Direction"},
    "targets.corridor": {"de": "Korridor (Toleranz, optional)",
                         "en": "Corridor (tolerance, optional)"},
    "targets.base": {"de": "Basiszeitraum (Standard: jüngster Wert)",
                     "en": "Base period (default: latest value)"},
    "targets.save": {"de": "Speichern", "en": "Save"},
    "targets.new": {"de": "Neuer Zielwert", "en": "New target"},
    "targets.editing": {"de": "Sie bearbeiten den Zielwert für „{indicator}“, {area}.",
                        "en": "You are editing the target for “{indicator}”, {area}."},
    "targets.saved": {"de": "Zielwert für „{indicator}“, {area} gespeichert.",
                      "en": "Target for “{indicator}”, {area} saved."},
    "targets.deleted": {"de": "Zielwert für „{indicator}“, {area} gelöscht (die Historie "
                              "bleibt erhalten).",
                        "en": "Target for “{indicator}”, {area} deleted (its history is "
                              "kept)."},
    "targets.none": {"de": "Noch keine Zielwerte festgelegt.", "en": "No targets set yet."},
    "targets.list_heading": {"de": "Festgelegte Zielwerte", "en": "Targets set"},
    "targets.history_heading": {"de": "Letzte Änderungen", "en": "Recent changes"},
    "targets.col.base": {"de": "Basis", "en": "Base"},
    "targets.col.latest": {"de": "Jüngster Wert", "en": "Latest value"},
    "targets.col.status": {"de": "Status", "en": "Status"},
    "targets.col.set_by": {"de": "Gesetzt", "en": "Set"},
    "targets.col.changed_by": {"de": "Geändert", "en": "Changed"},
    "targets.col.when": {"de": "Zeitpunkt (UTC)", "en": "Time (UTC)"},
    "targets.col.who": {"de": "Person", "en": "Person"},
    "targets.col.action": {"de": "Änderung", "en": "Change"},
    "targets.col.old": {"de": "vorher", "en": "before"},
    "targets.col.new": {"de": "nachher", "en": "after"},
    "targets.action.created": {"de": "angelegt", "en": "created"},
    "targets.action.changed": {"de": "geändert", "en": "changed"},
    "targets.action.deleted": {"de": "gelöscht", "en": "deleted"},
    "targets.edit": {"de": "Bearbeiten", "en": "Edit"},
    "targets.delete": {"de": "Löschen", "en": "Delete"},
    "targets.edit_label": {"de": "Zielwert „{indicator}“, {area} bearbeiten",
                           "en": "Edit target “{indicator}”, {area}"},
    "targets.delete_label": {"de": "Zielwert „{indicator}“, {area} löschen",
                             "en": "Delete target “{indicator}”, {area}"},
    "targets.no_status": {"de": "nicht bewertbar", "en": "not available"},
    "targets.label.target_value": {"de": "Zielwert", "en": "Target value"},
    "targets.label.corridor": {"de": "Korridor", "en": "Corridor"},
    "targets.not_allowed": {"de": "Zielwerte pflegen nur Controlling und Administration.",
                            "en": "Targets are maintained by controlling and administrators "
                                  "only."},
})
_ENGLISH_ERRORS = {
    "no_indicator": "Please choose an indicator.",
    "unknown_indicator": "Unknown indicator “{value}”.",
    "no_area": "Please choose an area.",
    "unknown_area": "Unknown area “{value}”.",
    "no_values": "This indicator has no values for the chosen area; a target needs a base "
                 "value.",
    "no_value": "Please enter a target value.",
    "not_number": "{label}: “{value}” is not a number.",
    "no_year": "Please enter a target year.",
    "bad_year": "Target year: “{value}” is not a year (e.g. 2030).",
    "past_year": "The target year {year} lies in the past; {current} at the earliest.",
    "far_year": "The target year may be {limit} at the latest.",
    "year_not_after_base": "The target year must lie after the base period ({base}).",
    "bad_direction": "The direction must be “rise”, “fall” or “keep”.",
    "negative_corridor": "The corridor must not be negative.",
    "bad_base": "Base period “{value}”: there is no value for this area; possible are "
                "{periods}.",
    "rise_not_above": "For “rise” the target value must lie above the base value ({base}).",
    "fall_not_below": "For “fall” the target value must lie below the base value ({base}).",
    "duplicate": "There already is a target for this indicator and area; please edit it.",
    "unknown_target": "Unknown target (perhaps deleted meanwhile).",
}
register_strings({f"targets.error.{key}": {"de": german, "en": _ENGLISH_ERRORS[key]}
                  for key, german in MESSAGES.items()})


# --- permission -------------------------------------------------------------------------------




# --- gate access ------------------------------------------------------------------------------


def visible_values(gate: Gate, viewer: Viewer, indicator_id: str,
                   area: str) -> dict[str, float | None]:
    """The area's periods with a value the viewer sees (oldest first); hidden ones left out."""
    try:
        rows = gate.rows(viewer, indicator_id, area=area, all_periods=True)
    except GateError:
        return {}
    return {str(r.period): float(r.value) for r in rows
            if not r.suppressed and r.value is not None and r.value == r.value}


def _area_names(gate: Gate, viewer: Viewer, lang: str) -> dict[str, str]:
    frame = gate.all_areas(viewer)
    return {str(row.code): f"{row.name} ({level_label(row.level, lang)})"
            for row in frame.itertuples()}


# --- components -------------------------------------------------------------------------------


def _title(gate: Gate, viewer: Viewer, indicator_id: str, lang: str) -> str:
    try:
        return gate.indicator(viewer, indicator_id).title(lang)
    except GateError:
        return indicator_id  # e.g. removed from queries/ after the target was set


def _status_cell(gate: Gate, viewer: Viewer, target: Target, lang: str) -> tuple:
    """(latest value text, status component) from the gate, for the person at the desk."""
    try:
        indicator = gate.indicator(viewer, target.indicator_id)
        rows = gate.rows(viewer, target.indicator_id, area=target.area_code, all_periods=True)
    except GateError:
        return "–", t("targets.no_status", lang)
    periods = [str(r.period) for r in rows]
    values = [None if r.suppressed or r.value != r.value else r.value for r in rows]
    if not rows:
        return "–", t("targets.no_status", lang)
    latest_period, latest = periods[-1], values[-1]
    status = series_status(target, periods, values, latest_period, latest)
    latest_text = (f"{format_value(latest, indicator.unit, indicator.decimals, lang)} "
                   f"({format_period(latest_period, lang)})" if latest is not None else "–")
    badge = (status_badge(status.status, lang) if status is not None
             else t("targets.no_status", lang))
    return latest_text, badge


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _targets_table(gate: Gate, viewer: Viewer, targets: list[Target], lang: str) -> html.Div:
    if not targets:
        return html.P(t("targets.none", lang), className="text-body-secondary")
    names = _area_names(gate, viewer, lang)
    head = [t("targets.indicator", lang), t("targets.area", lang), t("targets.value", lang),
            t("targets.year", lang), t("targets.direction", lang),
            t("targets.label.corridor", lang),
            t("targets.col.base", lang), t("targets.col.latest", lang),
            t("targets.col.status", lang), t("targets.col.set_by", lang),
            t("targets.col.changed_by", lang)]
    rows = []
    for target in targets:
        title = _title(gate, viewer, target.indicator_id, lang)
        area = names.get(target.area_code, target.area_code)
        try:
            indicator = gate.indicator(viewer, target.indicator_id)
            unit, decimals = indicator.unit, indicator.decimals
        except GateError:
            unit, decimals = "", 2
        latest, status = _status_cell(gate, viewer, target, lang)
        rows.append(html.Tr([
            html.Th(title, scope="row"),
            html.Td(area),
            html.Td(format_value(target.target_value, unit,
                                 target_decimals(target.target_value, decimals), lang)),
            html.Td(str(target.target_year)),
            html.Td(t(f"target.direction.{target.direction}", lang)),
            html.Td("–" if target.corridor is None else format_value(
                target.corridor, unit, target_decimals(target.corridor, decimals), lang)),
            html.Td(format_period(target.base_period, lang)),
            html.Td(latest),
            html.Td(status),
            html.Td(f"{target.created_by}, {_when(target.created_at)}"),
            html.Td(f"{target.updated_by}, {_when(target.updated_at)}"),
            html.Td(html.Div([
                html.Button(t("targets.edit", lang), id={"type": EDIT, "index": target.id},
                            type="button", n_clicks=0,
                            className="btn btn-outline-primary btn-sm me-1",
                            **{"aria-label": t("targets.edit_label", lang, indicator=title,
                                               area=area)}),
                html.Button(t("targets.delete", lang), id={"type": DELETE, "index": target.id},
                            type="button", n_clicks=0, className="btn btn-outline-danger btn-sm",
                            **{"aria-label": t("targets.delete_label", lang, indicator=title,
                                               area=area)}),
            ], className="d-flex")),
        ], className="targets-row", **{"data-target": str(target.id)}))
    header = html.Thead(html.Tr([html.Th(h, scope="col") for h in head]
                                + [html.Th(html.Span(t("targets.edit", lang),
                                                     className="visually-hidden"), scope="col")]))
    return html.Div(dbc.Table([header, html.Tbody(rows)], hover=True, size="sm",
                              className="align-middle targets-table"),
                    className="table-responsive")


def _change_text(fields: dict | None) -> str:
    if not fields:
        return "–"
    return ", ".join(f"{key}={value}" for key, value in fields.items()
                     if key not in ("indicator_id", "area_code") and value is not None)


def _history_table(gate: Gate, lang: str) -> html.Div:
    conn = gate.inst.app_db()
    try:
        entries = target_history(conn)[:HISTORY_ROWS]
    finally:
        conn.close()
    if not entries:
        return html.Div()
    head = [t("targets.col.when", lang), t("targets.col.who", lang),
            t("targets.col.action", lang), t("targets.indicator", lang),
            t("targets.area", lang), t("targets.col.old", lang), t("targets.col.new", lang)]
    rows = [html.Tr([html.Td(_when(e.at)), html.Td(e.user_name),
                     html.Td(t(f"targets.action.{e.action}", lang)), html.Td(e.indicator_id),
                     html.Td(e.area_code), html.Td(_change_text(e.old)),
                     html.Td(_change_text(e.new))]) for e in entries]
    return html.Div([
        html.H2(t("targets.history_heading", lang), className="h5 mt-4"),
        html.Div(dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                            html.Tbody(rows)], size="sm", className="small targets-history"),
                 className="table-responsive"),
    ])


def _field(label_key: str, control, target: str, lang: str, **width) -> dbc.Col:  # noqa: ANN001
    return dbc.Col([dbc.Label(t(label_key, lang), html_for=target,
                              className="fw-semibold small mb-1"), control], **width)


def layout(**_: str) -> html.Div:
    lang = current_lang()
    viewer = current_viewer()
    heading = html.H1(t("targets.heading", lang), className="h3")
    if not may_edit(viewer):
        return html.Div([heading, dbc.Alert(t("targets.not_allowed", lang), color="warning")])
    assert viewer is not None
    gate = current_gate()
    try:
        options = indicator_options(gate, viewer, lang)
        areas = [{"label": label, "value": code}
                 for code, label in _area_names(gate, viewer, lang).items()]
        listing = _targets_table(gate, viewer, all_targets(gate), lang)
    except GateError as exc:
        return html.Div([heading, dbc.Alert(exc.message, color="warning")])
    directions = [{"label": t(f"target.direction.{d}", lang), "value": d} for d in DIRECTIONS]
    return html.Div([
        heading,
        html.P([t("targets.intro", lang), " ",
                dcc.Link(t("targets.cards_link", lang),
                         href=dash.get_relative_path("/uebersicht-einrichten"))],
               className="text-body-secondary", style={"maxWidth": "60rem"}),
        html.Details([html.Summary(t("targets.rule_heading", lang)),
                      html.P(t("targets.rule", lang), className="small mt-2 targets-rule",
                             style={"maxWidth": "60rem"})], className="mb-3", open=True),
        dbc.Row([
            _field("targets.indicator", dcc.Dropdown(id=INDICATOR, options=options,
                                                     searchable=True), INDICATOR, lang,
                   xs=12, lg=4),
            _field("targets.area", dcc.Dropdown(id=AREA, options=areas, searchable=True),
                   AREA, lang, xs=12, md=6, lg=3),
            _field("targets.base", dcc.Dropdown(id=BASE, options=[], searchable=False),
                   BASE, lang, xs=12, md=6, lg=3),
        ], className="g-2 mb-2"),
        dbc.Row([
            _field("targets.value", dbc.Input(id=VALUE, type="text", inputMode="decimal",
                                              maxLength=40, autoComplete="off"),
                   VALUE, lang, xs=6, md=3, lg=2),
            _field("targets.year", dbc.Input(id=YEAR, type="text", inputMode="numeric",
                                             maxLength=4, autoComplete="off"),
                   YEAR, lang, xs=6, md=3, lg=2),
            _field("targets.corridor", dbc.Input(id=CORRIDOR, type="text", inputMode="decimal",
                                                 maxLength=40, autoComplete="off"),
                   CORRIDOR, lang, xs=6, md=3, lg=2),
            dbc.Col(html.Fieldset([
                html.Legend(t("targets.direction", lang), className="fw-semibold small mb-1"),
                dbc.RadioItems(id=DIRECTION, options=directions, value="rise", inline=True),
            ]), xs=12, md=3, lg=3),
        ], className="g-2 mb-2"),
        dbc.Row([
            dbc.Col(dbc.Button(t("targets.save", lang), id=SAVE, color="primary",
                               n_clicks=0), xs="auto"),
            dbc.Col(dbc.Button(t("targets.new", lang), id=NEW, color="secondary", outline=True,
                               n_clicks=0), xs="auto"),
        ], className="g-2 mb-3"),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
        dcc.Store(id=EDITING, data=None),
        html.H2(t("targets.list_heading", lang), className="h5 mt-3"),
        html.Div(listing, id=LIST),
        html.Div(_history_table(gate, lang), id=HISTORY),
    ], className="targets-page")


# --- callbacks --------------------------------------------------------------------------------


@callback(Output(BASE, "options"), Output(BASE, "value"),
          Input(INDICATOR, "value"), Input(AREA, "value"), Input(EDITING, "data"),
          State(BASE, "value"))
@validated
def base_options(indicator_id: Key | None, area: Key | None, editing: int | None,
                 base: Key | None) -> tuple:
    """The periods with a value the person at the desk sees, newest first; the stored base
    period when a target was just loaded for editing."""
    viewer = current_editor()
    if not indicator_id or not area:
        return [], None
    gate = current_gate()
    try:
        gate.check_area(area)
    except GateError:
        return [], None
    periods = list(visible_values(gate, viewer, indicator_id, area))
    lang = current_lang()
    options = [{"label": format_period(p, lang), "value": p} for p in reversed(periods)]
    if ctx.triggered_id == EDITING and editing is not None:
        conn = gate.inst.app_db()
        try:
            target = get_target(conn, editing)
        finally:
            conn.close()
        base = target.base_period if target is not None else base
    return options, base if base in periods else None


def _clicked(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _label(gate: Gate, viewer: Viewer, target: Target, lang: str) -> dict[str, str]:
    names = _area_names(gate, viewer, lang)
    return {"indicator": _title(gate, viewer, target.indicator_id, lang),
            "area": names.get(target.area_code, target.area_code)}


def _form_of(target: Target) -> tuple:
    """The form fields filled with a stored target (numbers in German notation)."""
    def german(number: float | None) -> str:
        return "" if number is None else f"{number:.10g}".replace(".", ",")

    return (target.indicator_id, target.area_code, german(target.target_value),
            str(target.target_year), target.direction, german(target.corridor))


_UNCHANGED_FORM = (dash.no_update,) * 6
_EMPTY_FORM = (None, None, "", "", "rise", "")


@callback(
    Output(LIST, "children"), Output(HISTORY, "children"), Output(MESSAGE, "children"),
    Output(INDICATOR, "value"), Output(AREA, "value"), Output(VALUE, "value"),
    Output(YEAR, "value"), Output(DIRECTION, "value"), Output(CORRIDOR, "value"),
    Output(EDITING, "data"),
    Input(SAVE, "n_clicks"), Input(NEW, "n_clicks"),
    Input({"type": EDIT, "index": ALL}, "n_clicks"),
    Input({"type": DELETE, "index": ALL}, "n_clicks"),
    State(INDICATOR, "value"), State(AREA, "value"), State(VALUE, "value"),
    State(YEAR, "value"), State(DIRECTION, "value"), State(CORRIDOR, "value"),
    State(BASE, "value"), State(EDITING, "data"),
    prevent_initial_call=True,
)
@validated
def change_targets(save: int | None, new: int | None, edits: list[int | None],
                   deletes: list[int | None], indicator_id: Key | None, area: Key | None,
                   value: Text | float | None, year: Text | int | None,
                   direction: Key | None, corridor: Text | float | None, base: Key | None,
                   editing: int | None) -> tuple:
    """Save, load into the form, or delete one target; answer with the new list."""
    viewer = current_editor()
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    if not _clicked(clicked):
        raise PreventUpdate  # e.g. the buttons of a freshly drawn list
    lang, gate, trigger = current_lang(), current_gate(), ctx.triggered_id
    origin = {"source": "web", "address": flask.request.remote_addr}
    form: tuple = _UNCHANGED_FORM
    keep_editing = dash.no_update
    try:
        conn = gate.inst.app_db()
        try:
            if trigger == SAVE:
                draft = check_target(
                    {"indicator_id": indicator_id, "area_code": area, "target_value": value,
                     "target_year": year, "direction": direction, "corridor": corridor,
                     "base_period": base},
                    indicators={ind.id for ind in gate.visible_indicators(viewer)},
                    areas=set(gate.all_areas(viewer)["code"].astype(str)),
                    values_of=lambda i, a: visible_values(gate, viewer, i, a))
                saved = save_target(conn, viewer.name, draft, editing, **origin)
                message = dbc.Alert(t("targets.saved", lang, **_label(gate, viewer, saved, lang)),
                                    color="success", className="my-2")
                form, keep_editing = _EMPTY_FORM, None
            elif trigger == NEW:
                form, keep_editing, message = _EMPTY_FORM, None, None
            elif isinstance(trigger, dict) and trigger.get("type") == EDIT:
                target = get_target(conn, trigger.get("index"))
                if target is None:
                    raise TargetError("unknown_target")
                form, keep_editing = _form_of(target), target.id
                message = dbc.Alert(t("targets.editing", lang,
                                      **_label(gate, viewer, target, lang)),
                                    color="info", className="my-2")
            elif isinstance(trigger, dict) and trigger.get("type") == DELETE:
                removed = delete_target(conn, viewer.name, trigger.get("index"), **origin)
                message = dbc.Alert(t("targets.deleted", lang,
                                      **_label(gate, viewer, removed, lang)),
                                    color="info", className="my-2")
                if editing == removed.id:
                    form, keep_editing = _EMPTY_FORM, None
            else:
                raise PreventUpdate
        finally:
            conn.close()
    except TargetError as exc:
        params = dict(exc.params)
        if "label" in params:  # the field's name in the page's language
            params["label"] = t(f"targets.label.{exc.field}", lang)
        text = t(f"targets.error.{exc.key}", lang, **params)
        return (dash.no_update, dash.no_update,
                dbc.Alert(text, color="warning", className="my-2 targets-error"),
                *_UNCHANGED_FORM, dash.no_update)
    return (_targets_table(gate, viewer, all_targets(gate), lang), _history_table(gate, lang),
            message, *form, keep_editing)
