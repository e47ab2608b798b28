"""Datenlieferung: a data steward uploads a file, reads the check report, publishes.

Controlling (and admin) may deliver any dataset, department users only their
own department's. The same reader, checks and publish path as `cockpit load`
are used; the file is checked again on the server before publishing, so
nothing the browser sends back is trusted.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
import secrets
from pathlib import Path

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access.policy import may_deliver
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.ingest.checks import check_delivery
from cockpit.ingest.problems import COLUMN_LABELS_DE, Report
from cockpit.ingest.publish import publish_delivery
from cockpit.ingest.reading import READABLE_FORMATS, guess_format, read_delivery

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
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

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


def _allowed_datasets(viewer, catalog) -> list:  # noqa: ANN001
    return [d for d in catalog.datasets.values() if may_deliver(viewer, d.department)]


def _uploads_dir() -> Path:
    return current_gate().inst.settings.home / "uploads"


def layout(**_: str) -> html.Div:
    lang, viewer = current_lang(), current_viewer()
    if viewer is None or viewer.role not in ROLES:
        return html.Div([html.H1(t("upload.heading", lang), className="h3"),
                         dbc.Alert(t("upload.not_allowed", lang), color="warning")])
    datasets = _allowed_datasets(viewer, current_gate().inst.catalog)
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


def _check(token: str, dataset_id: str) -> tuple[Report, object, Path]:
    """Read and check the stored upload of `token` (server side, never from the browser)."""
    inst = current_gate().inst
    (path,) = list((_uploads_dir() / token).iterdir())
    dataset = inst.catalog.datasets[dataset_id]
    # Ingest reads the store to compare with what is published (the writer's path).
    report, observations = check_delivery(read_delivery(path, guess_format(path)), dataset,
                                          inst.store.read())
    return report, observations, path


def _permitted_dataset(dataset_id: str | None):  # noqa: ANN202
    viewer = current_viewer()
    dataset = current_gate().inst.catalog.datasets.get(dataset_id or "")
    if viewer is None or dataset is None or not may_deliver(viewer, dataset.department):
        return None
    return dataset


@callback(
    Output(REPORT, "children"), Output(GRID, "rowData"), Output(TOKEN, "data"),
    Output(PUBLISH, "disabled"), Output(DOWNLOAD_BUTTON, "disabled"),
    Input(FILE, "contents"), Input(DATASET, "value"),
    State(FILE, "filename"),
    prevent_initial_call=True,
)
def check_upload(contents: str | None, dataset_id: str | None, filename: str | None) -> tuple:
    """Store the uploaded file on the server and show the check report."""
    lang = current_lang()
    if not contents:
        raise PreventUpdate
    if _permitted_dataset(dataset_id) is None:
        return dbc.Alert(t("upload.not_allowed", lang), color="warning"), [], None, True, True
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error, ValueError):
        return dbc.Alert("Die Datei kam unvollständig an.", color="danger"), [], None, True, True
    if len(data) > MAX_BYTES:
        return dbc.Alert(t("upload.too_big", lang), color="danger"), [], None, True, True
    name = _SAFE_NAME.sub("_", Path(filename or "lieferung.csv").name)[:120] or "lieferung.csv"
    if guess_format(Path(name)) not in READABLE_FORMATS:
        name += ".csv"
    token = secrets.token_urlsafe(24)
    folder = _uploads_dir() / token
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data)
    report, _, _ = _check(token, dataset_id)
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
def publish_upload(clicks: int | None, token: str | None, dataset_id: str | None,
                   confirmed: bool | None) -> dbc.Alert:
    """Check the stored file again and publish it all or nothing (publishing the same
    file twice changes nothing)."""
    lang = current_lang()
    dataset = _permitted_dataset(dataset_id)
    if not clicks or not token or not _TOKEN.match(token) or dataset is None:
        return dbc.Alert(t("upload.not_allowed", lang), color="warning")
    if not (_uploads_dir() / token).is_dir():
        return dbc.Alert("Die Lieferung ist nicht mehr vorhanden; bitte erneut hochladen.",
                         color="warning")
    report, observations, path = _check(token, dataset.id)
    if not report.ok:
        return dbc.Alert(t("upload.rejected", lang), color="danger")
    if report.warnings and not confirmed:
        return dbc.Alert("Bitte bestätigen Sie die Warnungen.", color="warning")
    gate = current_gate()
    result = publish_delivery(gate.inst.store, gate.inst.settings.archive_dir, dataset=dataset,
                              observations=observations, source=path,
                              user=current_viewer().name, warnings=len(report.warnings))
    return dbc.Alert(f"{result.message} (Import {result.import_id})", color="success")


@callback(
    Output(DOWNLOAD, "data"), Input(DOWNLOAD_BUTTON, "n_clicks"),
    State(TOKEN, "data"), State(DATASET, "value"),
    prevent_initial_call=True,
)
def download_report(clicks: int | None, token: str | None, dataset_id: str | None) -> dict:
    """The check report as a CSV file (German column names, formula-safe cells)."""
    if (not clicks or not token or not _TOKEN.match(token)
            or _permitted_dataset(dataset_id) is None
            or not (_uploads_dir() / token).is_dir()):
        raise PreventUpdate
    report, _, _ = _check(token, dataset_id)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_LABELS_DE), delimiter=";")
    buffer.write(";".join(COLUMN_LABELS_DE.values()) + "\n")
    writer.writerows(report.to_rows())
    return {"content": buffer.getvalue(), "filename": "pruefbericht.csv",
            "type": "text/csv"}
