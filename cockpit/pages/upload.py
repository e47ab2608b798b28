"""Datenlieferung: a data steward uploads a file, reads the check report, publishes.

Controlling (and admin) may deliver any dataset, department users only their
own department's. The same reader, checks and publish path as `cockpit load`
are used, through the gate (`Gate.deliveries`): the report compares with
published data only for roles that may view raw values. The file is checked
again on the server before publishing, so nothing the browser sends back is
trusted; an upload token works only for the user who uploaded the file.
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
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.ingest.delivery import DeliveryError
from cockpit.ingest.problems import COLUMN_LABELS_DE
from cockpit.ingest.uploads import UploadError, UploadForeign

if TYPE_CHECKING:
    from cockpit.access.delivery import DeliveryDesk
    from cockpit.catalog import Dataset

ROLES = ("admin", "controlling", "department")
dash.register_page(__name__, path="/lieferung", name="Datenlieferung", order=5,
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
})


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
                   dashGridOptions={"domLayout": "autoHeight", "pagination": True,
                                    "paginationPageSize": 20}),
        dbc.Row([
            dbc.Col(dbc.Checkbox(id=CONFIRM, label=t("upload.confirm", lang), value=False),
                    xs=12, md="auto"),
            dbc.Col(dbc.Button(t("upload.publish", lang), id=PUBLISH, color="primary",
                               disabled=True), xs="auto"),
            dbc.Col(dbc.Button(t("upload.download", lang), id=DOWNLOAD_BUTTON,
                               color="secondary", outline=True, disabled=True), xs="auto"),
        ], className="g-2 my-3 align-items-center"),
        dcc.Loading(html.Div(id=RESULT, role="status")),
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
