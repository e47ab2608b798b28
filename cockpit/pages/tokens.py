"""API-Tokens: every logged-in person creates, lists and revokes their own API tokens.

A new token is shown once, right after it is created; only its hash is kept (see
cockpit/appdb/tokens.py). A token acts with its owner's current role on /api/v1 only.
Everything the browser sends is checked here: a tampered request gets a German
message and changes nothing.
"""

from __future__ import annotations

import re
from contextlib import closing
from datetime import UTC, date, datetime

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.app.callback_inputs import Key, Text, validated
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.appdb.tokens import (
    MESSAGES,
    NAME_MAX,
    ApiToken,
    TokenError,
    create_token,
    list_tokens,
    revoke_token,
)

dash.register_page(__name__, nav_group="admin", path="/tokens", name="API-Tokens", order=9,
                   label_key="nav.tokens", title="API-Tokens")

NAME = "tokens-name"
EXPIRY = "tokens-expiry"
CREATE = "tokens-create"
CREATED = "tokens-created"
LIST = "tokens-list"
MESSAGE = "tokens-message"
REVOKE = "tokens-revoke"  # pattern-matching id: {"type": REVOKE, "index": token id}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

register_strings({
    "nav.tokens": {"de": "API-Tokens", "en": "API tokens"},
    "tokens.heading": {"de": "API-Tokens", "en": "API tokens"},
    "tokens.intro": {
        "de": "Mit einem persönlichen Token lesen Skripte und Programme (z. B. R, Python, "
              "Excel Power Query) die Daten über die JSON-API – mit genau Ihren Rechten. "
              "Senden Sie es im Kopf „Authorization: Bearer <Token>“. Die Beschreibung der "
              "API steht unter",
        "en": "With a personal token, scripts and programs (e.g. R, Python, Excel Power "
              "Query) read the data through the JSON API – with exactly your permissions. "
              "Send it in the header “Authorization: Bearer <token>”. The API is described "
              "at",
    },
    "tokens.name": {"de": "Name (wofür ist das Token?)", "en": "Name (what is it for?)"},
    "tokens.expiry": {"de": "Gültig bis einschließlich (optional)",
                      "en": "Valid until and including (optional)"},
    "tokens.create": {"de": "Token erstellen", "en": "Create token"},
    "tokens.created": {
        "de": "Token „{name}“ erstellt. Kopieren Sie es jetzt: Es wird nur dieses eine Mal "
              "angezeigt und ist nirgends gespeichert.",
        "en": "Token “{name}” created. Copy it now: it is shown only this once and is not "
              "stored anywhere.",
    },
    "tokens.revoked": {"de": "Token „{name}“ widerrufen; es funktioniert nicht mehr.",
                       "en": "Token “{name}” revoked; it no longer works."},
    "tokens.none": {"de": "Sie haben noch keine API-Tokens.",
                    "en": "You have no API tokens yet."},
    "tokens.col.name": {"de": "Name", "en": "Name"},
    "tokens.col.created": {"de": "Erstellt", "en": "Created"},
    "tokens.col.valid_until": {"de": "Gültig bis", "en": "Valid until"},
    "tokens.col.last_used": {"de": "Zuletzt benutzt", "en": "Last used"},
    "tokens.col.state": {"de": "Status", "en": "State"},
    "tokens.never": {"de": "nie", "en": "never"},
    "tokens.unlimited": {"de": "unbegrenzt", "en": "no expiry"},
    "tokens.active": {"de": "aktiv", "en": "active"},
    "tokens.expired": {"de": "abgelaufen", "en": "expired"},
    "tokens.revoke": {"de": "Widerrufen", "en": "Revoke"},
    "tokens.copy": {"de": "In die Zwischenablage kopieren", "en": "Copy to clipboard"},
    "tokens.revoke_label": {"de": "Token „{name}“ widerrufen", "en": "Revoke token “{name}”"},
})
_ENGLISH_ERRORS = {
    "too_many": "At most {limit} tokens per person; please revoke an old one first.",
    "duplicate": "There already is a token named “{name}”.",
    "unknown_token": "Unknown token.",
    "unknown_user": "Unknown person.",
    "no_name": "Please give the token a name (e.g. “R analysis”).",
    "bad_name": "The name may have at most {limit} characters and no control characters.",
    "bad_date": "Invalid expiry date.",
    "past_date": "The expiry date is in the past.",
    "far_date": "A token can be valid for at most three years.",
}
register_strings({f"tokens.error.{key}": {"de": german, "en": _ENGLISH_ERRORS[key]}
                  for key, german in MESSAGES.items()})


def _when(stamp: str | None, lang: str) -> str:
    """An ISO UTC timestamp as a short local-format date and time (UTC)."""
    if not stamp:
        return t("tokens.never", lang)
    moment = datetime.fromisoformat(stamp)
    text = moment.strftime("%d.%m.%Y %H:%M") if lang == "de" else moment.strftime(
        "%Y-%m-%d %H:%M")
    return f"{text} UTC"


def _day(day: date | None, lang: str) -> str:
    if day is None:
        return t("tokens.unlimited", lang)
    return day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()


def _table(tokens: list[ApiToken], lang: str) -> html.Div:
    if not tokens:
        return html.P(t("tokens.none", lang), className="text-body-secondary")
    today = datetime.now(UTC).date()  # expiry is counted in UTC days
    header = html.Thead(html.Tr([html.Th(t(f"tokens.col.{key}", lang), scope="col") for key in
                                 ("name", "created", "valid_until", "last_used", "state")]
                                + [html.Th(html.Span(t("tokens.revoke", lang),
                                                     className="visually-hidden"),
                                           scope="col")]))
    rows = []
    for token in tokens:
        expired = token.valid_until is not None and token.valid_until < today
        rows.append(html.Tr([
            html.Th(token.name, scope="row"),
            html.Td(_when(token.created_at, lang)),
            html.Td(_day(token.valid_until, lang)),
            html.Td(_when(token.last_used_at, lang)),
            html.Td(dbc.Badge(t("tokens.expired" if expired else "tokens.active", lang),
                              color="secondary" if expired else "success")),
            html.Td(html.Button(t("tokens.revoke", lang), id={"type": REVOKE, "index": token.id},
                                className="btn btn-outline-danger btn-sm", n_clicks=0,
                                type="button", **{"aria-label": t("tokens.revoke_label", lang,
                                                                  name=token.name)})),
        ]))
    return html.Div(dbc.Table([header, html.Tbody(rows)], hover=True, size="sm",
                              className="align-middle"), className="table-responsive")


def _user_name() -> str | None:
    viewer = current_viewer()
    return viewer.name if viewer is not None else None


def _tokens(user_name: str) -> list[ApiToken]:
    with closing(current_gate().inst.app_db()) as conn:
        return list_tokens(conn, user_name)


def layout(**_: str) -> html.Div:
    lang = current_lang()
    user_name = _user_name()
    spec = flask.request.script_root + "/api/v1/openapi.json"
    return html.Div([
        html.H1(t("tokens.heading", lang), className="h3"),
        html.P([t("tokens.intro", lang), " ", html.A(spec, href=spec, target="_blank"), "."],
               className="text-body-secondary", style={"maxWidth": "60rem"}),
        dbc.Row([
            dbc.Col([dbc.Label(t("tokens.name", lang), html_for=NAME),
                     dbc.Input(id=NAME, type="text", maxLength=NAME_MAX, autoComplete="off")],
                    md=5),
            dbc.Col([dbc.Label(t("tokens.expiry", lang), html_for=EXPIRY),
                     dbc.Input(id=EXPIRY, type="date", min=date.today().isoformat())], md=3),
            dbc.Col(dbc.Button(t("tokens.create", lang), id=CREATE, color="primary",
                               n_clicks=0), md=2, className="d-flex align-items-end"),
        ], className="g-3 mb-3"),
        html.Div(id=MESSAGE, **{"aria-live": "polite"}),
        html.Div(id=CREATED, **{"aria-live": "polite"}),
        html.Div(_table(_tokens(user_name), lang) if user_name else None, id=LIST),
    ])


def _created_notice(token: ApiToken, secret: str, lang: str) -> dbc.Alert:
    return dbc.Alert([
        html.P(t("tokens.created", lang, name=token.name), className="mb-2"),
        html.Div([html.Code(secret, id="tokens-secret", className="user-select-all me-2"),
                  dcc.Clipboard(target_id="tokens-secret", title=t("tokens.copy", lang),
                                className="d-inline-block")]),
    ], color="success", className="my-3")


def _parse_expiry(value: object) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise TokenError("bad_date")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise TokenError("bad_date") from exc


def _clicked(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@callback(
    Output(CREATED, "children"), Output(LIST, "children"), Output(MESSAGE, "children"),
    Output(NAME, "value"),
    Input(CREATE, "n_clicks"), Input({"type": REVOKE, "index": ALL}, "n_clicks"),
    State(NAME, "value"), State(EXPIRY, "value"),
    prevent_initial_call=True,
)
@validated
def change_tokens(create_clicks: int | None, revoke_clicks: list[int | None],
                  name: Text | None, expiry: Key | None) -> tuple:
    """Create or revoke one token of the logged-in person; answer with the new list."""
    lang, user_name = current_lang(), _user_name()
    if user_name is None:
        raise PreventUpdate
    trigger = ctx.triggered_id
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    if not _clicked(clicked):
        raise PreventUpdate  # e.g. the revoke buttons of a freshly drawn list
    created = dash.no_update
    keep_name = dash.no_update
    origin = {"source": "web", "address": flask.request.remote_addr}
    try:
        with closing(current_gate().inst.app_db()) as conn:
            if trigger == CREATE:
                token, secret = create_token(conn, user_name, name, _parse_expiry(expiry),
                                             **origin)
                created, keep_name = _created_notice(token, secret, lang), ""
                message = None
            elif isinstance(trigger, dict) and trigger.get("type") == REVOKE:
                token = revoke_token(conn, user_name, trigger.get("index"), **origin)
                created = None  # a shown secret may belong to the revoked token
                message = dbc.Alert(t("tokens.revoked", lang, name=token.name), color="info",
                                    className="my-3")
            else:
                raise PreventUpdate  # no button of this page was clicked
            tokens = list_tokens(conn, user_name)
    except TokenError as exc:
        text = t(f"tokens.error.{exc.key}", lang, **exc.params)
        return (dash.no_update, dash.no_update,
                dbc.Alert(text, color="warning", className="my-3"), dash.no_update)
    return created, _table(tokens, lang), message, keep_name
