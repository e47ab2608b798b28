"""Datenlieferung: a data steward uploads a file, reads the check report, publishes.

Controlling (and admin) may deliver any dataset, department users only their
own department's. The same reader, checks and publish path as `cockpit load`
are used, through the gate (`Gate.deliveries`): the report compares with
published data only for roles that may view raw values. The file is checked
again on the server before publishing, so nothing the browser sends back is
trusted; an upload token works only for the user who uploaded the file.
Checking, publishing and restoring an earlier delivery ("Frühere Lieferungen") run
through `cockpit.ingest.delivery`, the path of `cockpit load` and `cockpit rollback`;
rejected uploads are recorded there like rejected loads.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import TYPE_CHECKING

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, Text, UploadData, validated
from cockpit.app.component_texts import grid_options
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.ingest.delivery import DeliveryError, local_time
from cockpit.ingest.problems import COLUMN_LABELS_DE
from cockpit.ingest.uploads import UploadError, UploadForeign

if TYPE_CHECKING:
    from cockpit.access.delivery import DeliveryDesk
    from cockpit.catalog import Dataset

ROLES = ("admin", "controlling", "department")
dash.register_page(__name__, nav_group="admin", path="/lieferung", name="Datenlieferung", order=5,
                   label_key="nav.upload", title="Datenlieferung", roles=list(ROLES))

DATASET = "upload-dataset"
FILE = "upload-file"
REPORT = "upload-report"
GRID = "upload-grid"
TOKEN = "upload-token"
CONFIRM = "upload-confirm"
PUBLISH = "upload-publish"
RESULT = "upload-result"
DOWNLOAD = "upload-download"
DOWNLOAD_BUTTON = "upload-download-button"
HISTORY = "upload-history"
ROLLBACK_ID = "upload-rollback-id"
ROLLBACK = "upload-rollback"
ROLLBACK_RESULT = "upload-rollback-result"
MAX_BYTES = 50 * 1024 * 1024

register_strings({
    "upload.heading": {"de": "Datenlieferung", "en": "Data delivery"},
    "upload.intro": {
        "de": "Datei (CSV oder XLSX im Langformat) wählen: Sie wird sofort geprüft. "
              "Veröffentlicht wird erst nach Ihrer Bestätigung.",
        "en": "Choose a file (CSV or XLSX, long format): it is checked at once. "
              "It is published only after you confirm.",
    },
    "upload.dataset": {"de": "Datensatz", "en": "Dataset"},
    "upload.file": {"de": "Datei hierher ziehen oder auswählen",
                    "en": "Drop a file here or choose one"},
    "upload.confirm": {"de": "Warnungen gelesen – trotzdem veröffentlichen",
                       "en": "Warnings read – publish anyway"},
    "upload.publish": {"de": "Veröffentlichen", "en": "Publish"},
    "upload.download": {"de": "Prüfbericht als CSV", "en": "Check report as CSV"},
    "upload.not_allowed": {"de": "Für Datenlieferungen fehlt Ihnen die Berechtigung.",
                           "en": "You are not authorised to deliver data."},
    "upload.too_big": {"de": "Die Datei ist größer als 50 MB.",
                       "en": "The file is larger than 50 MB."},
    "upload.rejected": {"de": "Abgelehnt: Die Datei hat Fehler. Der Datenbestand bleibt "
                              "unverändert.",
                        "en": "Rejected: the file has errors. The published data stay "
                              "unchanged."},
    "upload.ready": {"de": "Geprüft: keine Fehler. Sie können veröffentlichen.",
                     "en": "Checked: no errors. You may publish."},
    "upload.history": {"de": "Frühere Lieferungen", "en": "Earlier deliveries"},
    "upload.history_intro": {
        "de": "Veröffentlichte, abgelehnte und fehlgeschlagene Lieferungen dieses Datensatzes, "
              "neueste zuerst. Eine veröffentlichte Lieferung lässt sich wiederherstellen: "
              "ihre Datei wird genau so gelesen wie damals (Format, Tabellenblatt, Zuordnung) "
              "und erneut geprüft.",
        "en": "Published, rejected and failed deliveries of this dataset, newest first. A "
              "published delivery can be restored: its file is read exactly as it was then "
              "(format, sheet, mapping) and checked again.",
    },
    "upload.rollback_choose": {"de": "Lieferung zum Wiederherstellen wählen",
                               "en": "Choose a delivery to restore"},
    "upload.rollback": {"de": "Wiederherstellen", "en": "Restore"},
    "upload.col.when": {"de": "Zeitpunkt", "en": "Time"},
    "upload.col.import": {"de": "Import", "en": "Import"},
    "upload.col.user": {"de": "Person", "en": "Person"},
    "upload.col.file": {"de": "Datei", "en": "File"},
    "upload.col.how": {"de": "Weg und Format", "en": "Route and format"},
    "upload.col.outcome": {"de": "Ergebnis", "en": "Outcome"},
    "upload.col.count": {"de": "Werte / Fehler", "en": "Values / errors"},
    "upload.outcome.published": {"de": "veröffentlicht", "en": "published"},
    "upload.outcome.rejected": {"de": "abgelehnt", "en": "rejected"},
    "upload.outcome.failed": {"de": "fehlgeschlagen", "en": "failed"},
    "upload.source.cli": {"de": "Kommandozeile", "en": "command line"},
    "upload.source.upload": {"de": "Datenlieferung", "en": "upload page"},
    "upload.source.rollback": {"de": "Wiederherstellung", "en": "restore"},
})

HISTORY_COLUMNS = ("when", "import", "user", "file", "how", "outcome", "count")


def layout(**_: str) -> html.Div:
    lang, viewer = current_lang(), current_viewer()
    if viewer is None or viewer.role not in ROLES:
        return html.Div([html.H1(t("upload.heading", lang), className="h3"),
                         dbc.Alert(t("upload.not_allowed", lang), color="warning")])
    datasets = current_gate().deliveries(viewer).datasets()
    return html.Div([
        html.H1(t("upload.heading", lang), className="h3"),
        html.P(t("upload.intro", lang), className="text-body-secondary"),
        dbc.Row([
            dbc.Col([dbc.Label(t("upload.dataset", lang), html_for=DATASET,
                               className="fw-semibold small mb-1"),
                     dcc.Dropdown(id=DATASET, clearable=False,
                                  value=datasets[0].id if datasets else None,
                                  options=[{"label": f"{d.title} ({d.id})", "value": d.id}
                                           for d in datasets])], xs=12, lg=6),
            dbc.Col(dcc.Upload(id=FILE, max_size=MAX_BYTES, multiple=False,
                               children=html.Div([html.I(className="bi bi-upload me-2"),
                                                  t("upload.file", lang)]),
                               className="upload-drop"), xs=12, lg=6),
        ], className="g-2 mb-3"),
        dcc.Loading(html.Div(id=REPORT, role="status")),
        dag.AgGrid(id=GRID, rowData=[], columnSize="responsiveSizeToFit",
                   columnDefs=[{"field": key, "headerName": label, "filter": True,
                                "sortable": True, "minWidth": 90 if key != "message" else 300,
                                "wrapText": key == "message", "autoHeight": key == "message"}
                               for key, label in COLUMN_LABELS_DE.items()],
                   dashGridOptions=grid_options(lang, {"domLayout": "autoHeight",
                                                         "pagination": True,
                                                         "paginationPageSize": 20})),
        dbc.Row([
            dbc.Col(dbc.Checkbox(id=CONFIRM, label=t("upload.confirm", lang), value=False),
                    xs=12, md="auto"),
            dbc.Col(dbc.Button(t("upload.publish", lang), id=PUBLISH, color="primary",
                               disabled=True), xs="auto"),
            dbc.Col(dbc.Button(t("upload.download", lang), id=DOWNLOAD_BUTTON,
                               color="secondary", outline=True, disabled=True), xs="auto"),
        ], className="g-2 my-3 align-items-center"),
        dcc.Loading(html.Div(id=RESULT, role="status")),
        html.H2(t("upload.history", lang), className="h5 mt-4"),
        html.P(t("upload.history_intro", lang), className="small text-body-secondary"),
        dag.AgGrid(id=HISTORY, rowData=[], columnSize="responsiveSizeToFit",
                   columnDefs=[{"field": key, "headerName": t(f"upload.col.{key}", lang),
                                "filter": True, "sortable": True, "minWidth": 90}
                               for key in HISTORY_COLUMNS],
                   dashGridOptions=grid_options(lang, {"domLayout": "autoHeight",
                                                         "pagination": True,
                                                         "paginationPageSize": 10})),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=ROLLBACK_ID, options=[], clearable=True,
                                 placeholder=t("upload.rollback_choose", lang)), xs=12, md=6),
            dbc.Col(dbc.Button(t("upload.rollback", lang), id=ROLLBACK, color="secondary"),
                    xs="auto"),
        ], className="g-2 my-3 align-items-center"),
        dcc.Loading(html.Div(id=ROLLBACK_RESULT, role="status")),
        dcc.Store(id=TOKEN),
        dcc.Download(id=DOWNLOAD),
    ])


def _desk() -> DeliveryDesk:
    try:
        return current_gate().deliveries(current_viewer())
    except GateError as exc:
        flask.abort(flask.Response(exc.message, status=exc.status, mimetype="text/plain"))


def _permitted_dataset(desk: DeliveryDesk, dataset_id: str | None) -> Dataset | None:
    try:
        return desk.dataset(dataset_id)
    except GateError:
        return None


def _decode(contents: str) -> bytes | None:
    """The bytes of a dcc.Upload data URL, or None when it is not one."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error, ValueError):
        return None


@callback(
    Output(REPORT, "children"), Output(GRID, "rowData"), Output(TOKEN, "data"),
    Output(PUBLISH, "disabled"), Output(DOWNLOAD_BUTTON, "disabled"),
    Input(FILE, "contents"), Input(DATASET, "value"),
    State(FILE, "filename"),
    prevent_initial_call=True,
)
@validated
def check_upload(contents: UploadData | None, dataset_id: Key | None,
                 filename: Text | None) -> tuple:
    """Store the uploaded file on the server (for this user only) and show the check report."""
    lang = current_lang()
    if not contents:
        raise PreventUpdate
    desk = _desk()
    dataset = _permitted_dataset(desk, dataset_id)
    if dataset is None:
        return dbc.Alert(t("upload.not_allowed", lang), color="warning"), [], None, True, True
    data = _decode(contents)
    if data is None:
        return dbc.Alert("Die Datei kam unvollständig an.", color="danger"), [], None, True, True
    if len(data) > MAX_BYTES:
        return dbc.Alert(t("upload.too_big", lang), color="danger"), [], None, True, True
    token = desk.uploads.save(desk.viewer.name, dataset.id, filename or "lieferung.csv", data)
    path = desk.uploads.file(token, desk.viewer.name)
    result = desk.check(dataset, path)
    desk.record_check(dataset, path, result)
    report = result.report
    verdict = (dbc.Alert(t("upload.ready", lang), color="success") if report.ok
               else dbc.Alert(t("upload.rejected", lang), color="danger"))
    summary = html.P([report.detected_text(), html.Br(), report.summary()], className="small")
    return [verdict, summary], report.to_rows(), token, not report.ok, False


@callback(
    Output(RESULT, "children"),
    Input(PUBLISH, "n_clicks"),
    State(TOKEN, "data"), State(DATASET, "value"), State(CONFIRM, "value"),
    prevent_initial_call=True,
)
@validated
def publish_upload(clicks: int | None, token: Key | None, dataset_id: Key | None,
                   confirmed: bool | None) -> dbc.Alert:
    """Check the stored file again and publish it all or nothing (publishing the same
    file twice changes nothing). Only the user who uploaded the file may publish it."""
    lang = current_lang()
    desk = _desk()
    dataset = _permitted_dataset(desk, dataset_id)
    if not clicks or not token or dataset is None:
        return dbc.Alert(t("upload.not_allowed", lang), color="warning")
    try:
        path = desk.uploads.file(token, desk.viewer.name)
    except UploadError as exc:
        return dbc.Alert(exc.message, color="warning")
    # The verdict only: the report itself was shown (and audited) when it was checked.
    result = desk.check(dataset, path, shown=False)
    if not result.report.ok:
        return dbc.Alert(t("upload.rejected", lang), color="danger")
    if result.report.warnings and not confirmed:
        return dbc.Alert("Bitte bestätigen Sie die Warnungen.", color="warning")
    try:
        outcome = desk.publish(dataset, path, result)
    except DeliveryError:
        # e.g. the same upload published from a second tab at the same moment; the failure
        # is recorded (journal, audit) like a failed `cockpit load`
        return dbc.Alert("Veröffentlichen ist fehlgeschlagen; der Datenbestand bleibt "
                         "unverändert. Bitte die Datei erneut hochladen.", color="danger")
    # A published upload is archived; its folder and any expired ones can go.
    desk.uploads.remove(token)
    desk.uploads.expire()
    return dbc.Alert(f"{outcome.message} (Import {outcome.import_id})", color="success")


@callback(
    Output(DOWNLOAD, "data"), Input(DOWNLOAD_BUTTON, "n_clicks"),
    State(TOKEN, "data"), State(DATASET, "value"),
    prevent_initial_call=True,
)
@validated
def download_report(clicks: int | None, token: Key | None, dataset_id: Key | None) -> dict:
    """The check report as a CSV file (German column names, formula-safe cells)."""
    if not clicks or not token:
        raise PreventUpdate
    desk = _desk()
    dataset = _permitted_dataset(desk, dataset_id)
    if dataset is None:
        raise PreventUpdate
    try:
        path = desk.uploads.file(token, desk.viewer.name)
    except UploadForeign as exc:
        flask.abort(flask.Response(exc.message, status=403, mimetype="text/plain"))
    except UploadError:
        raise PreventUpdate from None
    report = desk.check(dataset, path).report
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_LABELS_DE), delimiter=";")
    buffer.write(";".join(COLUMN_LABELS_DE.values()) + "\n")
    writer.writerows(report.to_rows())
    return {"content": buffer.getvalue(), "filename": "pruefbericht.csv",
            "type": "text/csv"}


def history_rows(rows: list[dict], lang: str) -> list[dict[str, object]]:
    """The grid rows of `DeliveryDesk.history`: who delivered what, when and how, and the
    outcome - counts only, never values or report texts (those may quote published data)."""
    shown = []
    for row in rows:
        outcome = str(row.get("outcome"))
        how = [t(f"upload.source.{row['source']}", lang) if row.get("source") else ""]
        if row.get("file_format"):
            how.append(str(row["file_format"]) + (f" „{row['sheet']}“" if row.get("sheet")
                                                  else ""))
        count = row.get("rows") if outcome == "published" else row.get("errors")
        shown.append({
            "when": f"{local_time(row['finished_at']):%d.%m.%Y %H:%M}",
            "import": row.get("import_id"),
            "user": row.get("user_name"), "file": row.get("file_name"),
            "how": ", ".join(part for part in how if part),
            "outcome": t(f"upload.outcome.{outcome}", lang) if outcome in (
                "published", "rejected", "failed") else outcome,
            "count": count,
        })
    return shown


@callback(
    Output(HISTORY, "rowData"), Output(ROLLBACK_ID, "options"),
    Input(DATASET, "value"), Input(RESULT, "children"), Input(ROLLBACK_RESULT, "children"),
)
@validated
def show_history(dataset_id: Key | None, _published: object, _restored: object) -> tuple:
    """The earlier deliveries of the chosen dataset (again after publishing or restoring)."""
    lang = current_lang()
    desk = _desk()
    dataset = _permitted_dataset(desk, dataset_id)
    if dataset is None:
        return [], []
    rows = desk.history(dataset)
    options = [{"label": f"{local_time(row['finished_at']):%d.%m.%Y %H:%M} – {row['file_name']} "
                         f"({row['import_id']})", "value": row["import_id"]}
               for row in rows if row.get("outcome") == "published" and row.get("sha256")]
    return history_rows(rows, lang), options


@callback(
    Output(ROLLBACK_RESULT, "children"),
    Input(ROLLBACK, "n_clicks"), State(ROLLBACK_ID, "value"),
    prevent_initial_call=True,
)
@validated
def rollback_delivery(clicks: int | None, import_id: Key | None) -> dbc.Alert:
    """Restore an earlier delivery exactly as `cockpit rollback` does (same code); only for
    datasets this user may deliver."""
    if not clicks or not import_id:
        raise PreventUpdate
    desk = _desk()
    try:
        result = desk.rollback(import_id)
    except DeliveryError as exc:
        return dbc.Alert(exc.message, color="warning")
    return dbc.Alert(f"{result.message} Wiederhergestellt aus {import_id} "
                     f"(neuer Import {result.import_id}).", color="success")
