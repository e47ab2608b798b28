"""Übersicht einrichten: controlling (and admin) choose and order the Übersicht cards per role.

The choice is stored in the app database (cockpit/appdb/overview_cards.py); a role
without one gets data/overview.yaml, and "Standard wiederherstellen" goes back to it.
Only indicators some viewer of the role may see can be chosen (checked on the server);
the gate still decides per viewer which cards are drawn. The page and every callback
refuse every other role on the server (403).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.app.callback_inputs import Key, validated
from cockpit.app.controlling_desk import ROLES, current_editor, may_edit
from cockpit.app.i18n import register_strings, t
from cockpit.app.overview_config import card_ids
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.appdb.overview_cards import (
    MAX_CARDS,
    MESSAGES,
    CardsError,
    chosen_roles,
    reset_cards,
    save_cards,
)
from cockpit.roles import ROLES as ALL_ROLES

# Not in the menu (it is full): linked from the pages Zielwerte and Übersicht for the
# roles that may use it.
dash.register_page(__name__, path="/uebersicht-einrichten", name="Übersicht einrichten",
                   order=6, label_key="nav.overview_cards", title="Übersicht einrichten",
                   roles=list(ROLES), hidden=True)

ROLE = "cards-role"
CARDS = "cards-choice"
ORDER = "cards-order"
SOURCE = "cards-source"
SAVE = "cards-save"
RESET = "cards-reset"
MESSAGE = "cards-message"
UP = "cards-up"  # pattern-matching ids: {"type": UP, "index": position}
DOWN = "cards-down"

register_strings({
    "nav.overview_cards": {"de": "Übersicht einrichten", "en": "Set up overview"},
    "cards.heading": {"de": "Übersicht einrichten", "en": "Set up the overview"},
    "cards.intro": {
        "de": "Welche Kennzahlen jede Rolle auf ihrer Übersicht sieht, in dieser "
              "Reihenfolge. Ohne Auswahl gilt die Datei overview.yaml. Angeboten werden "
              "nur Indikatoren, die die Rolle sehen darf; was ein einzelner Benutzer sieht, "
              "entscheidet weiterhin seine Berechtigung.",
        "en": "Which key figures each role sees on its overview, in this order. Without a "
              "choice the file overview.yaml applies. Only indicators the role may see are "
              "offered; what a single user sees is still decided by their permissions.",
    },
    "cards.role": {"de": "Rolle", "en": "Role"},
    "cards.choice": {"de": "Kennzahlen (höchstens {n})", "en": "Key figures (at most {n})"},
    "cards.order": {"de": "Reihenfolge", "en": "Order"},
    "cards.up": {"de": "nach oben", "en": "move up"},
    "cards.down": {"de": "nach unten", "en": "move down"},
    "cards.up_label": {"de": "„{title}“ nach oben", "en": "Move “{title}” up"},
    "cards.down_label": {"de": "„{title}“ nach unten", "en": "Move “{title}” down"},
    "cards.save": {"de": "Speichern", "en": "Save"},
    "cards.reset": {"de": "Standard wiederherstellen", "en": "Restore default"},
    "cards.from_file": {"de": "Derzeit gilt der Standard aus overview.yaml.",
                        "en": "The default from overview.yaml applies."},
    "cards.from_app": {"de": "In der App gewählt von {user} am {when} (UTC).",
                       "en": "Chosen in the app by {user} on {when} (UTC)."},
    "cards.saved": {"de": "Übersicht für die Rolle „{role}“ gespeichert.",
                    "en": "Overview for the role “{role}” saved."},
    "cards.was_reset": {"de": "Für die Rolle „{role}“ gilt wieder overview.yaml.",
                        "en": "The role “{role}” uses overview.yaml again."},
    "cards.not_allowed": {"de": "Die Übersicht richten nur Controlling und Administration ein.",
                          "en": "Only controlling and administrators set up the overview."},
    "role.admin": {"de": "Administration (admin)", "en": "Administration (admin)"},
    "role.controlling": {"de": "Controlling (controlling)", "en": "Controlling (controlling)"},
    "role.leadership": {"de": "Verwaltungsspitze (leadership)",
                        "en": "Leadership (leadership)"},
    "role.district": {"de": "Bezirksbürgermeister (district)", "en": "District (district)"},
    "role.committee": {"de": "Ausschussmitglieder (committee)", "en": "Committee (committee)"},
    "role.department": {"de": "Fachämter (department)", "en": "Departments (department)"},
})
_ENGLISH_ERRORS = {
    "unknown_role": "Unknown role “{value}”.",
    "not_a_list": "The key figures must be a list of indicators.",
    "empty": "Please choose at least one key figure (or restore the default).",
    "too_many": "At most {limit} key figures per role.",
    "unknown_indicator": "Unknown indicator “{value}”.",
    "duplicate": "The indicator “{value}” is chosen twice.",
    "not_visible": "The role “{role}” may not see the indicator “{value}”.",
}
register_strings({f"cards.error.{key}": {"de": german, "en": _ENGLISH_ERRORS[key]}
                  for key, german in MESSAGES.items()})


def role_visible(gate: Gate, role: str) -> list[str]:
    """Indicator ids that some viewer of `role` may see (catalogue order): a district user
    of any area, a department user of any department."""
    if role == "district":
        top = gate.areas_info().frame
        codes = [str(c) for c in top["code"]][:1]
        viewers = [Viewer("_", role, area_code=code) for code in codes]
    elif role == "department":
        viewers = [Viewer("_", role, department=d) for d in gate.inst.catalog.departments]
    else:
        viewers = [Viewer("_", role)]
    return [ind.id for ind in gate.registry
            if any(gate.scope(v, ind).allowed for v in viewers)]


def current_choice(gate: Gate, role: str) -> list[str]:
    """What the role sees now: the app's choice, else the file's."""
    return card_ids(gate, role)


def move(ids: list[str], index: int, step: int) -> list[str]:
    """`ids` with the entry at `index` moved by `step` (−1 up, +1 down), within bounds."""
    other = index + step
    if not 0 <= index < len(ids) or not 0 <= other < len(ids):
        return list(ids)
    moved = list(ids)
    moved[index], moved[other] = moved[other], moved[index]
    return moved


def _source_note(gate: Gate, role: str, lang: str) -> str:
    conn = gate.inst.app_db()
    try:
        chosen = chosen_roles(conn).get(role)
    finally:
        conn.close()
    if chosen is None:
        return t("cards.from_file", lang)
    return t("cards.from_app", lang, user=chosen[0], when=chosen[1][:16].replace("T", " "))


def layout(**_: str) -> html.Div:
    lang = current_lang()
    heading = html.H1(t("cards.heading", lang), className="h3")
    if not may_edit(current_viewer()):
        return html.Div([heading, dbc.Alert(t("cards.not_allowed", lang), color="warning")])
    return html.Div([
        heading,
        html.P(t("cards.intro", lang), className="text-body-secondary",
               style={"maxWidth": "60rem"}),
        dbc.Row([
            dbc.Col([dbc.Label(t("cards.role", lang), html_for=ROLE,
                               className="fw-semibold small mb-1"),
                     dcc.Dropdown(id=ROLE, value="leadership", clearable=False,
                                  options=[{"label": t(f"role.{r}", lang), "value": r}
                                           for r in ALL_ROLES])], xs=12, md=4),
            dbc.Col([dbc.Label(t("cards.choice", lang, n=MAX_CARDS), html_for=CARDS,
                               className="fw-semibold small mb-1"),
                     dcc.Dropdown(id=CARDS, multi=True, options=[], value=[])], xs=12, md=8),
        ], className="g-2 mb-2"),
        html.P(id=SOURCE, className="small text-body-secondary"),
        html.H2(t("cards.order", lang), className="h6"),
        html.Ol(id=ORDER, className="cards-order"),
        dbc.Row([
            dbc.Col(dbc.Button(t("cards.save", lang), id=SAVE, color="primary", n_clicks=0),
                    xs="auto"),
            dbc.Col(dbc.Button(t("cards.reset", lang), id=RESET, color="secondary",
                               outline=True, n_clicks=0), xs="auto"),
        ], className="g-2 mb-3"),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
    ], className="cards-page")


def _options(gate: Gate, viewer: Viewer, role: str, lang: str) -> tuple[list, list[str]]:
    """The dropdown options (what the role may see) and the role's current cards."""
    visible = role_visible(gate, role)
    titles = {ind.id: ind.title(lang) for ind in gate.visible_indicators(viewer)}
    options = [{"label": titles.get(i, i), "value": i} for i in visible]
    return options, [i for i in current_choice(gate, role) if i in visible]


@callback(Output(CARDS, "options"), Output(CARDS, "value"), Output(SOURCE, "children"),
          Output(MESSAGE, "children"),
          Input(ROLE, "value"), Input({"type": UP, "index": ALL}, "n_clicks"),
          Input({"type": DOWN, "index": ALL}, "n_clicks"), Input(SAVE, "n_clicks"),
          Input(RESET, "n_clicks"), State(CARDS, "value"))
@validated
def change_cards(role: Key | None, ups: list[int | None], downs: list[int | None],
                 save: int | None, reset: int | None, ids: list[Key] | None) -> tuple:
    """Show a role's cards, move one, store the choice, or go back to overview.yaml."""
    viewer = current_editor()
    if role not in ALL_ROLES:
        raise PreventUpdate
    gate, lang, trigger = current_gate(), current_lang(), ctx.triggered_id
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    is_click = isinstance(clicked, int) and not isinstance(clicked, bool) and clicked > 0
    keep = dash.no_update
    if isinstance(trigger, dict):  # ↑ / ↓
        index = trigger.get("index")
        if not is_click or not isinstance(index, int) or isinstance(index, bool):
            raise PreventUpdate  # e.g. the buttons of a freshly drawn list
        step = -1 if trigger.get("type") == UP else 1
        return keep, move(list(ids or []), index, step), keep, None
    if trigger not in (SAVE, RESET):  # the role was chosen (or the page opened)
        options, chosen = _options(gate, viewer, role, lang)
        return options, chosen, _source_note(gate, role, lang), None
    if not is_click:
        raise PreventUpdate
    origin = {"source": "web", "address": flask.request.remote_addr}
    try:
        conn = gate.inst.app_db()
        try:
            if trigger == SAVE:
                save_cards(conn, viewer.name, role, ids if ids is not None else [],
                           known={ind.id for ind in gate.registry},
                           visible=set(role_visible(gate, role)), **origin)
                text, value = t("cards.saved", lang, role=role), keep
            else:
                reset_cards(conn, viewer.name, role, **origin)
                text, value = t("cards.was_reset", lang, role=role), None
        finally:
            conn.close()
    except CardsError as exc:
        return (keep, keep, keep, dbc.Alert(t(f"cards.error.{exc.key}", lang, **exc.params),
                                            color="warning", className="my-2 cards-error"))
    if value is None:
        value = _options(gate, viewer, role, lang)[1]
    return (keep, value, _source_note(gate, role, lang),
            dbc.Alert(text, color="success", className="my-2"))


@callback(Output(ORDER, "children"), Input(CARDS, "value"))
@validated
def show_order(ids: list[Key] | None) -> list:
    """The chosen cards as an ordered list with buttons to move each."""
    viewer = current_editor()
    gate, lang = current_gate(), current_lang()
    titles = {ind.id: ind.title(lang) for ind in gate.visible_indicators(viewer)}
    ids = ids or []
    items = []
    for n, indicator_id in enumerate(ids):
        title = titles.get(indicator_id, indicator_id)
        items.append(html.Li([
            html.Span(title, className="me-2"),
            html.Button("↑", id={"type": UP, "index": n}, n_clicks=0, type="button",
                        disabled=n == 0, className="btn btn-outline-secondary btn-sm me-1",
                        title=t("cards.up", lang),
                        **{"aria-label": t("cards.up_label", lang, title=title)}),
            html.Button("↓", id={"type": DOWN, "index": n}, n_clicks=0, type="button",
                        disabled=n == len(ids) - 1,
                        className="btn btn-outline-secondary btn-sm", title=t("cards.down", lang),
                        **{"aria-label": t("cards.down_label", lang, title=title)}),
        ], className="mb-1"))
    return items
