"""Protokoll: the audit log for administrators - filter, page through, download as CSV.

Read-only: nothing on this page writes to the app database (the log is append-only in
the schema as well). The page and every callback refuse every role but admin on the
server; hiding it in the navigation is only a convenience.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.app.callback_inputs import Key, Text, validated
from cockpit.app.component_texts import grid_options
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.appdb.audit_log import (
    COLUMN_LABELS,
    COLUMNS,
    MAX_DOWNLOAD,
    AuditFilter,
    AuditFilterError,
    count_entries,
    entries_csv,
    known_actions,
    known_users,
    parse_filter,
    query_entries,
)

ROLES = ("admin",)
dash.register_page(__name__, nav_group="admin", path="/protokoll", name="Protokoll", order=9,
                   label_key="nav.audit", title="Protokoll", roles=list(ROLES))

DATES = "audit-dates"
USER = "audit-user"
ACTION = "audit-action"
TEXT = "audit-text"
GRID = "audit-grid"
PAGER = "audit-pager"
COUNT = "audit-count"
MESSAGE = "audit-message"
DOWNLOAD = "audit-download"
DOWNLOAD_BUTTON = "audit-download-button"
DOWNLOAD_NOTE = "audit-download-note"
PAGE_SIZE = 50

register_strings({
    "nav.audit": {"de": "Protokoll", "en": "Audit log"},
    "audit.heading": {"de": "Protokoll", "en": "Audit log"},
    "audit.intro": {
        "de": "Anmeldungen, Datenlieferungen, Benutzeränderungen, Ansichten ohne "
              "Geheimhaltung und Exporte, neueste zuerst. Einträge können nicht geändert "
              "oder gelöscht werden.",
        "en": "Sign-ins, data deliveries, user changes, views without confidentiality and "
              "exports, newest first. Entries cannot be changed or deleted.",
    },
    "audit.dates": {"de": "Zeitraum (UTC)", "en": "Time range (UTC)"},
    "audit.user": {"de": "Benutzer", "en": "User"},
    "audit.action": {"de": "Aktion", "en": "Action"},
    "audit.text": {"de": "Suchtext", "en": "Search text"},
    "audit.text_hint": {"de": "in Details, Benutzer, Aktion und Adresse",
                        "en": "in details, user, action and address"},
    "audit.any": {"de": "alle", "en": "all"},
    "audit.count": {"de": "{n} Einträge", "en": "{n} entries"},
    "audit.download": {"de": "Als CSV herunterladen", "en": "Download as CSV"},
    "audit.download_capped": {
        "de": "Die Datei enthält nur die neuesten {n} Einträge; bitte den Zeitraum eingrenzen.",
        "en": "The file holds only the newest {n} entries; please narrow the time range.",
    },
    "audit.not_allowed": {"de": "Das Protokoll ist nur für Administratoren zugänglich.",
                          "en": "The audit log is for administrators only."},
})


def _is_admin() -> bool:
    viewer = current_viewer()
    return viewer is not None and viewer.role in ROLES


def _require_admin() -> None:
    """Refuse a callback on the server, whatever the browser sent (403, no data)."""
    if not _is_admin():
        flask.abort(403)


@contextmanager
def _log() -> Iterator:
    """A connection to the app database for reading, closed afterwards."""
    conn = current_gate().inst.app_db()
    try:
        yield conn
    finally:
        conn.close()


def _number(value: int, lang: str) -> str:
    return f"{value:,}" if lang == "en" else f"{value:,}".replace(",", ".")


def layout(**_: str) -> html.Div:
    lang = current_lang()
    heading = html.H1(t("audit.heading", lang), className="h3")
    if not _is_admin():
        return html.Div([heading, dbc.Alert(t("audit.not_allowed", lang), color="warning")])
    with _log() as conn:
        users, actions = known_users(conn), known_actions(conn)
    labels = COLUMN_LABELS[lang]

    def field(label_key: str, control, target: str, **width) -> dbc.Col:  # noqa: ANN001
        return dbc.Col([dbc.Label(t(label_key, lang), html_for=target,
                                  className="fw-semibold small mb-1"), control], **width)

    return html.Div([
        heading,
        html.P(t("audit.intro", lang), className="text-body-secondary"),
        dbc.Row([
            field("audit.dates", dcc.DatePickerRange(
                id=DATES, display_format="DD.MM.YYYY", clearable=True,
                first_day_of_week=1, start_date_placeholder_text="von",
                end_date_placeholder_text="bis"), DATES, xs=12, lg=4),
            field("audit.user", dcc.Dropdown(
                id=USER, options=users, placeholder=t("audit.any", lang),
                searchable=True), USER, xs=12, md=4, lg=2),
            field("audit.action", dcc.Dropdown(
                id=ACTION, options=actions, placeholder=t("audit.any", lang),
                searchable=True), ACTION, xs=12, md=4, lg=2),
            field("audit.text", dbc.Input(
                id=TEXT, type="search", debounce=True, maxLength=200,
                placeholder=t("audit.text_hint", lang)), TEXT, xs=12, md=4, lg=4),
        ], className="g-2 mb-3"),
        html.Div(id=MESSAGE, role="status"),
        html.P(id=COUNT, className="small text-body-secondary mb-1", **{"aria-live": "polite"}),
        dag.AgGrid(
            id=GRID, rowData=[], columnSize="responsiveSizeToFit",
            getRowId="params.data.id",
            columnDefs=[{"field": name, "headerName": labels[name],
                         "minWidth": 320 if name == "detail" else 90,
                         "wrapText": name == "detail", "autoHeight": name == "detail"}
                        for name in COLUMNS],
            # Paging happens on the server: the browser gets one page at a time.
            dashGridOptions=grid_options(
                current_lang(), {"domLayout": "autoHeight", "suppressCellFocus": True})),
        dbc.Row([
            dbc.Col(dbc.Pagination(id=PAGER, max_value=1, active_page=1,
                                   fully_expanded=False, first_last=True,
                                   previous_next=True), xs="auto"),
            dbc.Col(dbc.Button(t("audit.download", lang), id=DOWNLOAD_BUTTON,
                               color="secondary", outline=True), xs="auto"),
            dbc.Col(html.Span(id=DOWNLOAD_NOTE, className="small"), xs="auto"),
        ], className="g-2 my-3 align-items-center"),
        dcc.Download(id=DOWNLOAD),
    ])


def _filter(dates_start: object, dates_end: object, user: object, action: object,
            text: object) -> AuditFilter:
    return parse_filter(since=dates_start, until=dates_end, user=user, action=action,
                        text=text)


def _row(entry) -> dict:  # noqa: ANN001 - an AuditEntry
    row = entry.as_dict()
    row["at"] = entry.at[:19].replace("T", " ")  # UTC, to the second
    return row


@callback(
    Output(GRID, "rowData"), Output(PAGER, "max_value"), Output(PAGER, "active_page"),
    Output(COUNT, "children"), Output(MESSAGE, "children"),
    Input(DATES, "start_date"), Input(DATES, "end_date"), Input(USER, "value"),
    Input(ACTION, "value"), Input(TEXT, "value"), Input(PAGER, "active_page"),
)
@validated
def show_entries(start: Key | None, end: Key | None, user: Key | None, action: Key | None,
                 text: Text | None, page: int | None) -> tuple:
    """One page of the entries that match the filters, newest first."""
    _require_admin()
    lang = current_lang()
    # A new filter starts at the first page; a page number must be a plain integer.
    if ctx.triggered_id != PAGER or not isinstance(page, int) or isinstance(page, bool):
        page = 1
    try:
        flt = _filter(start, end, user, action, text)
    except AuditFilterError as exc:
        return [], 1, 1, t("audit.count", lang, n="0"), dbc.Alert(str(exc), color="warning")
    with _log() as conn:
        total = count_entries(conn, flt)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        entries = query_entries(conn, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return ([_row(e) for e in entries], pages, page,
            t("audit.count", lang, n=_number(total, lang)), None)


@callback(
    Output(DOWNLOAD, "data"), Output(DOWNLOAD_NOTE, "children"),
    Input(DOWNLOAD_BUTTON, "n_clicks"),
    State(DATES, "start_date"), State(DATES, "end_date"), State(USER, "value"),
    State(ACTION, "value"), State(TEXT, "value"),
    prevent_initial_call=True,
)
@validated
def download_entries(clicks: int | None, start: Key | None, end: Key | None, user: Key | None,
                     action: Key | None, text: Text | None) -> tuple:
    """The filtered entries as CSV (UTF-8 with BOM, `;`, formula-safe cells)."""
    _require_admin()
    if not clicks:
        raise PreventUpdate
    lang = current_lang()
    try:
        flt = _filter(start, end, user, action, text)
    except AuditFilterError as exc:
        return None, str(exc)
    with _log() as conn:
        total = count_entries(conn, flt)
        entries = query_entries(conn, flt, limit=MAX_DOWNLOAD)
    note = (t("audit.download_capped", lang, n=_number(MAX_DOWNLOAD, lang))
            if total > MAX_DOWNLOAD else None)
    return {"content": entries_csv(entries, lang), "filename": "protokoll.csv",
            "type": "text/csv;charset=utf-8"}, note
