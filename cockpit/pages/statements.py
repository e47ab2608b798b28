"""Kernaussagen: controlling (and admin) see the statements generated for an indicator, level
and period, hide or replace them, add their own and publish them with the indicator.

The page and every callback refuse every other role on the server (403); hiding the page
in their navigation is only a convenience. Everything the browser sends is checked in
cockpit/appdb/statements.py: a bad input gets a German message and changes nothing. The
generated statements shown here come from the gate for the person at the desk with
suppression on (cockpit/app/key_statements.py), exactly as a reader with the same scope
gets them; published hand-written texts are shown to everyone who may see the indicator.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.access.statement_check import cited_secrets
from cockpit.app.callback_inputs import Key, Text, validated
from cockpit.app.components import indicator_options, level_options, period_options, pick
from cockpit.app.controlling_desk import ROLES, current_editor, may_edit
from cockpit.app.formatting import format_period
from cockpit.app.i18n import register_strings, t
from cockpit.app.key_statements import (
    generated_statements,
    merge,
    statement_item,
    stored_statements,
)
from cockpit.app.session import current_gate, current_lang, current_viewer, level_label
from cockpit.appdb.statements import (
    MAX_TEXT,
    MESSAGES,
    StatementDraft,
    StatementError,
    StoredStatement,
    check_statement,
    delete_statement,
    get_statement,
    save_statement,
    statement_history,
)
from cockpit.indicators.statements import KEY_NAMES

dash.register_page(__name__, path="/kernaussagen", name="Kernaussagen", order=6,
                   label_key="nav.statements", title="Kernaussagen", roles=list(ROLES),
                   nav_group="admin")

INDICATOR = "statements-indicator"
LEVEL = "statements-level"
PERIOD = "statements-period"
GENERATED = "statements-generated"
STORED = "statements-stored"
PREVIEW = "statements-preview"
HISTORY = "statements-history"
MESSAGE = "statements-message"
FORM_HINT = "statements-form-hint"
TEXT_DE = "statements-text-de"
TEXT_EN = "statements-text-en"
PUBLISHED = "statements-published"
SAVE = "statements-save"
NEW = "statements-new"
EDITING = "statements-editing"  # the id of the entry in the form (None: a new one)
REPLACING = "statements-replacing"  # the generated key the form replaces (None: added)
EDIT = "statements-edit"  # pattern-matching ids: {"type": EDIT, "index": entry id}
DELETE = "statements-delete"
HIDE = "statements-hide"  # {"type": HIDE, "index": generated key}
REPLACE = "statements-replace"
HISTORY_ROWS = 20

register_strings({
    "nav.statements": {"de": "Kernaussagen", "en": "Key statements"},
    "statements.heading": {"de": "Kernaussagen", "en": "Key statements"},
    "statements.intro": {
        "de": "Kernaussagen entstehen aus den Daten nach festen Regeln (ohne Netz und ohne "
              "Sprachmodell). Hier können Sie erzeugte Aussagen ausblenden oder durch einen "
              "eigenen Text ersetzen und eigene Aussagen ergänzen. Veröffentlichte Einträge "
              "erscheinen im Stadtteilvergleich für alle, die den Indikator sehen dürfen, "
              "markiert als von Hand geschrieben. Ein Text, der einen geheim gehaltenen "
              "Wert nennt (eine Zahl beim Namen des Gebiets oder einen Anteil mit "
              "Nachkommastellen), wird nicht gespeichert. Jede Änderung wird mit Person und "
              "Zeitpunkt festgehalten.",
        "en": "Key statements are made from the data by fixed rules (no network, no language "
              "model). Here you can hide generated statements or replace them with your own "
              "text, and add statements of your own. Published entries appear in the area "
              "comparison for everyone who may see the indicator, marked as written by hand. "
              "A text that cites a value kept secret (a number beside the area's name, or a "
              "rate with decimals) is not saved. Every change is recorded "
              "with person and time."},
    "statements.rules_heading": {"de": "Nach welchen Regeln die Aussagen entstehen",
                                 "en": "The rules the statements follow"},
    "statements.rules": {
        "de": "Höchster und niedrigster Wert: nur über Gebiete mit ausgewiesenem Wert; die "
              "Zahl der Gebiete ohne Wert wird genannt. Veränderung: der Gesamtwert gegenüber "
              "der Vorperiode mit Werten und gegenüber dem Zeitraum fünf Schritte zuvor, dazu "
              "wie viele Gebiete gestiegen, gesunken oder gleich geblieben sind (gleich auf "
              "die angezeigten Stellen; nur Gebiete mit Wert in beiden Zeiträumen). "
              "Abweichung: Gebiete, deren Wert mehr als 1,5 Standardabweichungen (der "
              "ausgewiesenen Gebietswerte) vom Gesamtwert entfernt liegt. Trend: "
              "Ausgleichsgerade über die Gesamtwerte der letzten fünf Zeiträume (mindestens "
              "drei Werte); steigend oder sinkend, wenn sie sich über das Fenster um "
              "mindestens 2 % des mittleren Werts ändert, sonst annähernd gleich. Werte unter "
              "Geheimhaltung gehen in keine Aussage ein.",
        "en": "Highest and lowest value: over areas with a shown value only; the number of "
              "areas without a value is given. Change: the total against the previous period "
              "with values and against the period five steps earlier, plus how many areas "
              "rose, fell or stayed the same (equal at the shown places; only areas with a "
              "value in both periods). Deviation: areas whose value lies more than 1.5 "
              "standard deviations (of the shown area values) from the total. Trend: the "
              "least-squares line over the totals of the last five periods (at least three "
              "values); rising or falling when it changes by at least 2 % of the mean value "
              "over the window, else about level. Values under confidentiality go into no "
              "statement."},
    "statements.generated_heading": {"de": "Erzeugte Aussagen", "en": "Generated statements"},
    "statements.stored_heading": {"de": "Von Hand geschriebene Einträge",
                                  "en": "Hand-written entries"},
    "statements.preview_heading": {"de": "So erscheinen sie im Stadtteilvergleich",
                                   "en": "How they appear in the area comparison"},
    "statements.form_heading": {"de": "Eigene Aussage", "en": "Own statement"},
    "statements.text_de": {"de": "Text (deutsch)", "en": "Text (German)"},
    "statements.text_en": {"de": "Text (englisch, optional)", "en": "Text (English, optional)"},
    "statements.limit": {"de": "höchstens {limit} Zeichen", "en": "at most {limit} characters"},
    "statements.published": {"de": "Veröffentlichen (im Stadtteilvergleich zeigen)",
                             "en": "Publish (show in the area comparison)"},
    "statements.save": {"de": "Speichern", "en": "Save"},
    "statements.new": {"de": "Neue Aussage", "en": "New statement"},
    "statements.hide": {"de": "Ausblenden", "en": "Hide"},
    "statements.replace": {"de": "Ersetzen", "en": "Replace"},
    "statements.show_again": {"de": "Wieder anzeigen", "en": "Show again"},
    "statements.edit": {"de": "Bearbeiten", "en": "Edit"},
    "statements.delete": {"de": "Löschen", "en": "Delete"},
    "statements.state.shown": {"de": "wird angezeigt", "en": "shown"},
    "statements.state.hidden": {"de": "ausgeblendet", "en": "hidden"},
    "statements.state.replaced": {"de": "ersetzt", "en": "replaced"},
    "statements.state.draft": {"de": "Entwurf", "en": "draft"},
    "statements.state.published": {"de": "veröffentlicht", "en": "published"},
    "statements.kind.add": {"de": "ergänzt", "en": "added"},
    "statements.kind.replace": {"de": "ersetzt „{rule}“", "en": "replaces “{rule}”"},
    "statements.kind.hide": {"de": "blendet „{rule}“ aus", "en": "hides “{rule}”"},
    "statements.none_generated": {
        "de": "Für diese Auswahl lässt sich aus den sichtbaren Werten keine Aussage erzeugen.",
        "en": "No statement can be made from the visible values for this choice."},
    "statements.none_stored": {"de": "Noch keine eigenen Einträge.",
                               "en": "No entries of your own yet."},
    "statements.none_shown": {"de": "Im Stadtteilvergleich erscheint keine Kernaussage.",
                              "en": "No key statement appears in the area comparison."},
    "statements.form_new": {"de": "Neue eigene Aussage.", "en": "New statement of your own."},
    "statements.form_editing": {"de": "Sie bearbeiten Eintrag {id} ({kind}).",
                                "en": "You are editing entry {id} ({kind})."},
    "statements.form_replacing": {"de": "Ihr Text ersetzt die erzeugte Aussage „{rule}“.",
                                  "en": "Your text replaces the generated statement “{rule}”."},
    "statements.saved": {"de": "Kernaussage gespeichert.", "en": "Key statement saved."},
    "statements.hidden": {"de": "Die Aussage „{rule}“ ist ausgeblendet.",
                          "en": "The statement “{rule}” is hidden."},
    "statements.deleted": {"de": "Eintrag gelöscht (die Historie bleibt erhalten).",
                           "en": "Entry deleted (its history is kept)."},
    "statements.history_heading": {"de": "Letzte Änderungen", "en": "Recent changes"},
    "statements.col.when": {"de": "Zeitpunkt (UTC)", "en": "Time (UTC)"},
    "statements.col.who": {"de": "Person", "en": "Person"},
    "statements.col.action": {"de": "Änderung", "en": "Change"},
    "statements.col.what": {"de": "Indikator · Ebene · Zeitraum",
                            "en": "Indicator · level · period"},
    "statements.col.old": {"de": "vorher", "en": "before"},
    "statements.col.new": {"de": "nachher", "en": "after"},
    "statements.action.created": {"de": "angelegt", "en": "created"},
    "statements.action.changed": {"de": "geändert", "en": "changed"},
    "statements.action.deleted": {"de": "gelöscht", "en": "deleted"},
    "statements.not_allowed": {"de": "Kernaussagen pflegen nur Controlling und Administration.",
                               "en": "Key statements are maintained by controlling and "
                                     "administrators only."},
})
_ENGLISH_ERRORS = {
    "no_indicator": "Please choose an indicator.",
    "unknown_indicator": "Unknown indicator “{value}”.",
    "unknown_level": "Unknown area level “{value}” for this indicator.",
    "unknown_period": "The indicator has no values for the period “{value}”.",
    "bad_kind": "The kind must be “add”, “replace” or “hide”.",
    "unknown_key": "Unknown generated statement “{value}”.",
    "no_text": "Please enter a text.",
    "too_long": "The text is too long ({length} characters); at most {limit} are allowed.",
    "control_chars": "The text contains control characters that are not allowed.",
    "unknown_statement": "Unknown key statement (perhaps deleted meanwhile).",
    "secret_number": "The text cites {number}{area} – this value is kept secret (protection "
                     "of small counts) and must not appear in a key statement. Please "
                     "leave the number out.",
}
register_strings({f"statements.error.{key}": {"de": german, "en": _ENGLISH_ERRORS[key]}
                  for key, german in MESSAGES.items()})


# --- gate access ------------------------------------------------------------------------------


def _choices(gate: Gate, viewer: Viewer, indicator_id: str | None, level: str | None,
             period: str | None, lang: str) -> tuple:
    """Level options and value, period options and value the indicator has for the viewer
    (every level, the top one too: the city's own statements)."""
    if not indicator_id:
        return [], None, [], None
    try:
        levels = gate.levels(viewer, indicator_id)
        periods = gate.periods(viewer, indicator_id)
    except GateError:
        return [], None, [], None
    declared = gate.declared_levels()
    level_choices = level_options(levels, lang, declared, below_city=False)
    below = [lv for lv in levels if lv != declared.top.id]
    default = below[-1] if below else (levels[0] if levels else None)
    return (level_choices, pick(level, levels, default), period_options(periods, lang),
            pick(period, periods, periods[-1] if periods else None))


def _key_name(key: str | None, lang: str) -> str:
    names = KEY_NAMES.get(key or "", {})
    return names.get(lang) or names.get("de") or str(key)


# --- components -------------------------------------------------------------------------------


def _generated_list(gate: Gate, viewer: Viewer, indicator_id: str, level: str, period: str,
                    stored: list[StoredStatement], lang: str) -> html.Div:
    try:
        generated = generated_statements(gate, viewer, indicator_id, level, period, lang)
    except GateError as exc:
        return dbc.Alert(exc.message, color="warning")
    if not generated:
        return html.P(t("statements.none_generated", lang), className="text-body-secondary")
    by_key = {s.generated_key: s for s in stored if s.generated_key}
    items = []
    for statement in generated:
        entry = by_key.get(statement.key)
        if entry is None:
            state = t("statements.state.shown", lang)
        else:
            state = t(f"statements.state.{'hidden' if entry.kind == 'hide' else 'replaced'}",
                      lang)
            if not entry.published:
                state += f" ({t('statements.state.draft', lang)})"
        buttons = [html.Button(t("statements.replace", lang),
                               id={"type": REPLACE, "index": statement.key}, n_clicks=0,
                               type="button", className="btn btn-outline-primary btn-sm me-1")]
        if entry is not None and entry.kind == "hide":
            buttons.append(html.Button(t("statements.show_again", lang),
                                       id={"type": DELETE, "index": entry.id}, n_clicks=0,
                                       type="button", className="btn btn-outline-secondary "
                                                                "btn-sm"))
        else:
            buttons.append(html.Button(t("statements.hide", lang),
                                       id={"type": HIDE, "index": statement.key}, n_clicks=0,
                                       type="button", className="btn btn-outline-secondary "
                                                                "btn-sm"))
        items.append(html.Li([
            html.Div([html.Strong(_key_name(statement.key, lang)),
                      html.Span(f" · {state}", className="text-body-secondary")],
                     className="small"),
            html.Div(statement.text, className="mb-1"),
            html.Div(buttons, className="d-flex"),
        ], className="list-group-item", **{"data-statement": statement.key}))
    return html.Ul(items, className="list-group mb-2")


def _stored_list(stored: list[StoredStatement], lang: str) -> html.Div:
    if not stored:
        return html.P(t("statements.none_stored", lang), className="text-body-secondary")
    rows = []
    for entry in stored:
        kind = t(f"statements.kind.{entry.kind}", lang,
                 rule=_key_name(entry.generated_key, lang))
        state = t(f"statements.state.{'published' if entry.published else 'draft'}", lang)
        rows.append(html.Tr([
            html.Td(str(entry.id)), html.Td(kind), html.Td(entry.text(lang) or "–"),
            html.Td(state), html.Td(f"{entry.updated_by}, {_when(entry.updated_at)}"),
            html.Td(html.Div([
                html.Button(t("statements.edit", lang), id={"type": EDIT, "index": entry.id},
                            n_clicks=0, type="button",
                            className="btn btn-outline-primary btn-sm me-1"),
                html.Button(t("statements.delete", lang),
                            id={"type": DELETE, "index": entry.id}, n_clicks=0,
                            type="button", className="btn btn-outline-danger btn-sm"),
            ], className="d-flex")),
        ], **{"data-entry": str(entry.id)}))
    return html.Div(dbc.Table([html.Tbody(rows)], size="sm", className="align-middle small"),
                    className="table-responsive")


def _preview(gate: Gate, viewer: Viewer, indicator_id: str, level: str, period: str,
             stored: list[StoredStatement], lang: str) -> html.Div:
    try:
        generated = generated_statements(gate, viewer, indicator_id, level, period, lang)
    except GateError:
        generated = []
    shown = merge(generated, [s for s in stored if s.published], lang)
    if not shown:
        return html.P(t("statements.none_shown", lang), className="text-body-secondary")
    return html.Ul([statement_item(s, lang) for s in shown], className="small ps-3")


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _short(fields: dict | None) -> str:
    if not fields:
        return "–"
    text = fields.get("text_de") or f"({fields.get('kind')} {fields.get('generated_key')})"
    state = "✓" if fields.get("published") else "○"
    return f"{state} {text[:120]}{'…' if len(text) > 120 else ''}"


def _history_table(gate: Gate, lang: str) -> html.Div:
    conn = gate.inst.app_db()
    try:
        entries = statement_history(conn)[:HISTORY_ROWS]
    finally:
        conn.close()
    if not entries:
        return html.Div()
    head = [t(f"statements.col.{c}", lang) for c in ("when", "who", "action", "what", "old",
                                                      "new")]
    rows = [html.Tr([html.Td(_when(e.at)), html.Td(e.user_name),
                     html.Td(t(f"statements.action.{e.action}", lang)),
                     html.Td(f"{e.indicator_id} · {level_label(e.level, lang)} · "
                             f"{format_period(e.period, lang)}"),
                     html.Td(_short(e.old)), html.Td(_short(e.new))]) for e in entries]
    return html.Div([
        html.H2(t("statements.history_heading", lang), className="h5 mt-4"),
        html.Div(dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                            html.Tbody(rows)], size="sm", className="small statements-history"),
                 className="table-responsive"),
    ])


def _panels(gate: Gate, viewer: Viewer, indicator_id: str | None, level: str | None,
            period: str | None, lang: str) -> tuple:
    """Generated list, stored list and preview for the choice (empty without one)."""
    if not indicator_id or not level or not period:
        return html.Div(), html.Div(), html.Div()
    stored = stored_statements(gate, indicator_id, level, period, published_only=False)
    return (_generated_list(gate, viewer, indicator_id, level, period, stored, lang),
            _stored_list(stored, lang),
            _preview(gate, viewer, indicator_id, level, period, stored, lang))


def layout(indicator: str | None = None, level: str | None = None, period: str | None = None,
           **_: str) -> html.Div:
    lang = current_lang()
    viewer = current_viewer()
    heading = html.H1(t("statements.heading", lang), className="h3")
    if not may_edit(viewer):
        return html.Div([heading, dbc.Alert(t("statements.not_allowed", lang),
                                            color="warning")])
    assert viewer is not None
    gate = current_gate()
    try:
        options = indicator_options(gate, viewer, lang)
    except GateError as exc:
        return html.Div([heading, dbc.Alert(exc.message, color="warning")])
    ids = [o["value"] for o in options if not o.get("disabled")]
    indicator = indicator if indicator in ids else (ids[0] if ids else None)
    level_choices, level, period_choices, period = _choices(gate, viewer, indicator, level,
                                                            period, lang)
    generated, stored, preview = _panels(gate, viewer, indicator, level, period, lang)

    def label(key: str, target: str) -> dbc.Label:
        return dbc.Label(t(key, lang), html_for=target, className="fw-semibold small mb-1")

    return html.Div([
        heading,
        html.P(t("statements.intro", lang), className="text-body-secondary",
               style={"maxWidth": "60rem"}),
        html.Details([html.Summary(t("statements.rules_heading", lang)),
                      html.P(t("statements.rules", lang), className="small mt-2",
                             style={"maxWidth": "60rem"})], className="mb-3"),
        dbc.Row([
            dbc.Col([label("label.indicator", INDICATOR),
                     dcc.Dropdown(id=INDICATOR, options=options, value=indicator,
                                  clearable=False, searchable=True)], xs=12, lg=5),
            dbc.Col([label("label.level", LEVEL),
                     dcc.Dropdown(id=LEVEL, options=level_choices, value=level,
                                  clearable=False)], xs=6, lg=3),
            dbc.Col([label("label.period", PERIOD),
                     dcc.Dropdown(id=PERIOD, options=period_choices, value=period,
                                  clearable=False)], xs=6, lg=2),
        ], className="g-2 mb-3"),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
        dbc.Row([
            dbc.Col([html.H2(t("statements.generated_heading", lang), className="h5"),
                     html.Div(generated, id=GENERATED)], xs=12, xl=7),
            dbc.Col([html.H2(t("statements.preview_heading", lang), className="h5"),
                     html.Div(preview, id=PREVIEW, className="border rounded p-2 bg-light")],
                    xs=12, xl=5),
        ], className="g-3"),
        html.H2(t("statements.form_heading", lang), className="h5 mt-3"),
        html.P(t("statements.form_new", lang), id=FORM_HINT, className="small mb-1"),
        dbc.Row([
            dbc.Col([label("statements.text_de", TEXT_DE),
                     dbc.Textarea(id=TEXT_DE, rows=3, value=""),
                     dbc.FormText(t("statements.limit", lang, limit=MAX_TEXT))], xs=12, lg=6),
            dbc.Col([label("statements.text_en", TEXT_EN),
                     dbc.Textarea(id=TEXT_EN, rows=3, value="")], xs=12, lg=6),
        ], className="g-2 mb-2"),
        dbc.Checkbox(id=PUBLISHED, label=t("statements.published", lang), value=False,
                     className="mb-2"),
        dbc.Row([
            dbc.Col(dbc.Button(t("statements.save", lang), id=SAVE, color="primary",
                               n_clicks=0), xs="auto"),
            dbc.Col(dbc.Button(t("statements.new", lang), id=NEW, color="secondary",
                               outline=True, n_clicks=0), xs="auto"),
        ], className="g-2 mb-3"),
        dcc.Store(id=EDITING, data=None),
        dcc.Store(id=REPLACING, data=None),
        html.H2(t("statements.stored_heading", lang), className="h5 mt-3"),
        html.Div(stored, id=STORED),
        html.Div(_history_table(gate, lang), id=HISTORY),
    ], className="statements-page")


# --- callbacks --------------------------------------------------------------------------------


@callback(Output(LEVEL, "options"), Output(LEVEL, "value"),
          Output(PERIOD, "options"), Output(PERIOD, "value"),
          Input(INDICATOR, "value"), State(LEVEL, "value"), State(PERIOD, "value"),
          prevent_initial_call=True)
@validated
def choose_level_and_period(indicator_id: Key | None, level: Key | None,
                            period: Key | None) -> tuple:
    """The levels and periods the chosen indicator has; keep the choice if still valid."""
    viewer = current_editor()
    return _choices(current_gate(), viewer, indicator_id, level, period, current_lang())


def _clicked(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


_FORM_OUTPUTS = 6  # hint, text_de, text_en, published, editing, replacing
_UNCHANGED_FORM = (dash.no_update,) * _FORM_OUTPUTS


def _empty_form(lang: str) -> tuple:
    return (t("statements.form_new", lang), "", "", False, None, None)


def _form_of(entry: StoredStatement, lang: str) -> tuple:
    kind = t(f"statements.kind.{entry.kind}", lang, rule=_key_name(entry.generated_key, lang))
    return (t("statements.form_editing", lang, id=entry.id, kind=kind), entry.text_de,
            entry.text_en, entry.published, entry.id, entry.generated_key)


@callback(
    Output(GENERATED, "children"), Output(STORED, "children"), Output(PREVIEW, "children"),
    Output(HISTORY, "children"), Output(MESSAGE, "children"),
    Output(FORM_HINT, "children"), Output(TEXT_DE, "value"), Output(TEXT_EN, "value"),
    Output(PUBLISHED, "value"), Output(EDITING, "data"), Output(REPLACING, "data"),
    Input(INDICATOR, "value"), Input(LEVEL, "value"), Input(PERIOD, "value"),
    Input(SAVE, "n_clicks"), Input(NEW, "n_clicks"),
    Input({"type": EDIT, "index": ALL}, "n_clicks"),
    Input({"type": DELETE, "index": ALL}, "n_clicks"),
    Input({"type": HIDE, "index": ALL}, "n_clicks"),
    Input({"type": REPLACE, "index": ALL}, "n_clicks"),
    State(TEXT_DE, "value"), State(TEXT_EN, "value"),
    State(PUBLISHED, "value"), State(EDITING, "data"), State(REPLACING, "data"),
    prevent_initial_call=True,
)
@validated
def change_statements(indicator_id: Key | None, level: Key | None, period: Key | None,
                      save: int | None, new: int | None, edits: list[int | None],
                      deletes: list[int | None], hides: list[int | None],
                      replaces: list[int | None], text_de: Text | None, text_en: Text | None,
                      published: bool | None, editing: int | None,
                      replacing: Key | None) -> tuple:
    """Show the choice's statements; save, load, hide, replace or delete an entry."""
    viewer = current_editor()
    lang, gate, trigger = current_lang(), current_gate(), ctx.triggered_id
    if trigger not in (INDICATOR, LEVEL, PERIOD):
        clicked = ctx.triggered[0]["value"] if ctx.triggered else None
        if not _clicked(clicked):
            raise PreventUpdate  # e.g. the buttons of a freshly drawn list
    origin = {"source": "web", "address": flask.request.remote_addr}
    form: tuple = _UNCHANGED_FORM
    message = None
    indicators = {ind.id for ind in gate.visible_indicators(viewer)}

    def levels_of(i: str) -> list[str]:
        try:
            return gate.levels(viewer, i)
        except GateError:
            return []

    def periods_of(i: str) -> list[str]:
        try:
            return gate.periods(viewer, i)
        except GateError:
            return []

    def checked(kind: str, key: str | None, de: object, en: object, publish: object):
        return check_statement(
            {"indicator_id": indicator_id, "level": level, "period": period, "kind": kind,
             "generated_key": key, "text_de": de, "text_en": en, "published": publish},
            indicators=indicators, levels_of=levels_of, periods_of=periods_of)

    try:
        conn = gate.inst.app_db()
        try:
            if trigger in (INDICATOR, LEVEL, PERIOD):
                form = _empty_form(lang)
            elif trigger == SAVE:
                entry = get_statement(conn, editing) if editing is not None else None
                if editing is not None and entry is None:
                    raise StatementError("unknown_statement")
                key = entry.generated_key if entry is not None else replacing
                draft = checked("replace" if key else "add", key, text_de, text_en,
                                published is True)
                _refuse_secret_numbers(gate, viewer, draft, lang)
                save_statement(conn, viewer.name, draft, editing, **origin)
                message = dbc.Alert(t("statements.saved", lang), color="success",
                                    className="my-2")
                form = _empty_form(lang)
            elif trigger == NEW:
                form = _empty_form(lang)
            elif isinstance(trigger, dict) and trigger.get("type") == EDIT:
                entry = get_statement(conn, trigger.get("index"))
                if entry is None:
                    raise StatementError("unknown_statement")
                form = _form_of(entry, lang)
            elif isinstance(trigger, dict) and trigger.get("type") == DELETE:
                removed = delete_statement(conn, viewer.name, trigger.get("index"), **origin)
                message = dbc.Alert(t("statements.deleted", lang), color="info",
                                    className="my-2")
                if editing == removed.id:
                    form = _empty_form(lang)
            elif isinstance(trigger, dict) and trigger.get("type") == HIDE:
                key = trigger.get("index")
                save_statement(conn, viewer.name, checked("hide", key, "", "", True),
                               **origin)
                message = dbc.Alert(t("statements.hidden", lang,
                                      rule=_key_name(str(key), lang)),
                                    color="info", className="my-2")
            elif isinstance(trigger, dict) and trigger.get("type") == REPLACE:
                key = trigger.get("index")
                checked("hide", key, "", "", False)  # a known key for this choice
                form = _replacement_form(gate, viewer, conn, indicator_id, level, period,
                                         str(key), lang)
            else:
                raise PreventUpdate
        finally:
            conn.close()
    except StatementError as exc:
        text = t(f"statements.error.{exc.key}", lang, **exc.params)
        return (dash.no_update,) * 4 + (
            dbc.Alert(text, color="warning", className="my-2 statements-error"),
            *_UNCHANGED_FORM)
    generated, stored, preview = _panels(gate, viewer, indicator_id, level, period, lang)
    return (generated, stored, preview, _history_table(gate, lang), message, *form)


def _refuse_secret_numbers(gate: Gate, viewer: Viewer, draft: StatementDraft,
                           lang: str) -> None:
    """StatementError when either text cites a suppressed value (the readers of a
    published statement must not learn from it what the gate hides from them)."""
    for field, text in (("text_de", draft.text_de), ("text_en", draft.text_en)):
        cited = cited_secrets(gate, viewer, draft.indicator_id, draft.level, draft.period,
                              text)
        if cited:
            where = cited[0].area_name
            area = (f" für {where}" if lang != "en" else f" for {where}") if where else ""
            raise StatementError("secret_number", field, number=cited[0].number, area=area)


def _replacement_form(gate: Gate, viewer: Viewer, conn, indicator_id: str,  # noqa: ANN001
                      level: str, period: str, key: str, lang: str) -> tuple:
    """The form filled to replace generated statement `key`: the existing replacement's
    text, else the generated text in both languages to start from."""
    existing = next((s for s in stored_statements(gate, indicator_id, level, period,
                                                  published_only=False)
                     if s.generated_key == key), None)
    hint = t("statements.form_replacing", lang, rule=_key_name(key, lang))
    if existing is not None and existing.kind == "replace":
        return (hint, existing.text_de, existing.text_en, existing.published, existing.id,
                key)
    texts = {}
    for code in ("de", "en"):
        found = {s.key: s.text for s in generated_statements(gate, viewer, indicator_id, level,
                                                              period, code)}
        texts[code] = found.get(key, "")
    return (hint, texts["de"], texts["en"], False,
            existing.id if existing is not None else None, key)
