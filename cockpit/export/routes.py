"""GET /export/indicators/{id}.csv|.xlsx and /export/profile/{area}.pdf, through the gate.

Every route asks the gate exactly as the JSON API does (cockpit/api/v1.py): unknown or
unseen indicator 404, out of scope 403, bad parameter 400, each with a German message
as JSON; only a logged-in session gets here (the auth guard answers 401 otherwise).
Restricted data leaving the cockpit is written to the audit log.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime
from urllib.parse import quote

import flask

from cockpit.access import Gate, Viewer
from cockpit.access.errors import AccessDenied, BadParameter, GateError, NotFound, NotLoggedIn
from cockpit.access.gate import AREA_PATTERN
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.appdb import audit
from cockpit.export import csv_export, xlsx_export
from cockpit.export.profile_data import profile_data
from cockpit.export.profile_sheet import profile_sheet
from cockpit.export.table import ExportTable, export_table, file_stem

exports = flask.Blueprint("export", __name__, url_prefix="/export")

ALLOWED_PARAMS = {
    "indicator": {"level", "period", "area", "areas", "raw"},
    "profile": {"raw"},
}
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                        "ß": "ss"})
ALL_PERIODS = "all"  # period=all: every period (the time series' data)
MAX_AREAS = 100
FORMATS = {"csv": (csv_export.csv_bytes, csv_export.MEDIA_TYPE),
           "xlsx": (xlsx_export.xlsx_bytes, xlsx_export.MEDIA_TYPE)}


@exports.errorhandler(GateError)
def _refused(exc: GateError) -> tuple[flask.Response, int]:
    return flask.jsonify(error=exc.message), exc.status


@exports.before_request
def _reject_unknown_parameters() -> tuple[flask.Response, int] | None:
    endpoint = (flask.request.endpoint or "").removeprefix("export.")
    unknown = set(flask.request.args) - ALLOWED_PARAMS.get(endpoint, set())
    if unknown:
        return flask.jsonify(error=f"Unbekannter Parameter: {', '.join(sorted(unknown))}"), 400
    return None


def _raw_flag() -> bool:
    raw = flask.request.args.get("raw")
    if raw not in (None, "", "0", "1"):
        raise BadParameter("Parameter raw ist 1 (Rohwerte) oder 0.")
    return raw == "1"


def _requested_areas(gate: Gate, viewer: Viewer, indicator_id: str) -> list[str] | None:
    """`area` (one) or `areas` (comma list): each must exist and be in the viewer's scope."""
    args = flask.request.args
    if args.get("area") and args.get("areas"):
        raise BadParameter("Bitte entweder area oder areas angeben, nicht beide.")
    text = args.get("area") or args.get("areas")
    if not text:
        return None
    codes = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    if not codes:
        raise BadParameter("Parameter areas enthält kein Gebiet.")
    if len(codes) > MAX_AREAS:
        raise BadParameter(f"Höchstens {MAX_AREAS} Gebiete je Export.")
    scope = gate.scope(viewer, gate.indicator(viewer, indicator_id))
    for code in codes:
        gate.check_area(code)
        if not scope.covers(code):
            raise AccessDenied("Für dieses Gebiet fehlt Ihnen die Berechtigung.")
    return codes


def attachment(body: bytes, media_type: str, filename: str) -> flask.Response:
    """A download: the German file name for every browser (RFC 6266 with an ASCII
    fallback), never cached, never sniffed."""
    fallback = filename.translate(_ASCII).encode("ascii", "replace").decode().replace("?", "_")
    response = flask.Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def indicator_filename(table: ExportTable, fmt: str) -> str:
    """"Altenquotient_Stadtteil_2024.csv"."""
    period = "alle_Zeitraeume" if len(table.periods) > 1 else (table.periods or [""])[0]
    level = table.level_label if "," not in table.level_label else ""
    return f"{file_stem(table.indicator.title(table.lang), level, period)}.{fmt}"


def audit_export(gate: Gate, viewer: Viewer, detail: dict) -> None:
    """Restricted data leaving the cockpit as a file: who, what, how much (source export)."""
    with closing(gate.inst.app_db()) as conn:
        audit(conn, viewer.name, "restricted_export", {**detail, "via": "session"},
              source="export", address=flask.request.remote_addr)


@exports.get("/indicators/<indicator_id>.<fmt>")
def indicator(indicator_id: str, fmt: str) -> flask.Response:
    """The data of one indicator as CSV or XLSX, as the API would answer it."""
    if fmt not in FORMATS:
        raise NotFound(f"Unbekanntes Exportformat „{fmt[:16]}“ (csv oder xlsx).")
    gate = current_gate()
    viewer = current_viewer(raw=_raw_flag())
    if viewer is None:
        raise NotLoggedIn("Bitte melden Sie sich an.")  # the guard answers first
    gate.indicator(viewer, indicator_id)  # 404 before any parameter is judged
    args = flask.request.args
    period = args.get("period") or None
    all_periods = period == ALL_PERIODS
    areas = _requested_areas(gate, viewer, indicator_id)
    table = export_table(gate, viewer, indicator_id, level=args.get("level") or None,
                         period=None if all_periods else period, areas=areas,
                         all_periods=all_periods, lang=current_lang())
    if args.get("area") and not table.rows:
        raise BadParameter("Für dieses Gebiet gibt es keine Werte.")
    write, media_type = FORMATS[fmt]
    body = write(table.sheet())
    if table.indicator.classification == "restricted":
        audit_export(gate, viewer, {
            "indicator": table.indicator.id, "format": fmt,
            "level": args.get("level") or None,
            "period": ALL_PERIODS if all_periods else (period or ", ".join(table.periods)),
            "areas": areas, "rows": len(table.rows), "raw": viewer.wants_raw})
    return attachment(body, media_type, indicator_filename(table, fmt))


@exports.get("/profile/<area_code>.<fmt>")
def profile(area_code: str, fmt: str) -> flask.Response:
    """The Stadtteilprofil of one area: a PDF made on the server, or its table as CSV or
    XLSX."""
    from cockpit.export.pdf_profile import render_profile  # reportlab only when asked

    if fmt != "pdf" and fmt not in FORMATS:
        raise NotFound(f"Unbekanntes Exportformat „{fmt[:16]}“ (pdf, csv oder xlsx).")
    gate = current_gate()
    viewer = current_viewer(raw=_raw_flag())
    if viewer is None:
        raise NotLoggedIn("Bitte melden Sie sich an.")
    if not AREA_PATTERN.match(area_code):
        raise BadParameter("Ungültiger Gebietsschlüssel.")
    if area_code not in gate.areas_info().codes:
        raise NotFound(f"Unbekanntes Gebiet „{area_code}“.")
    lang, made = current_lang(), datetime.now()
    data = profile_data(gate, viewer, area_code)
    levels = gate.declared_levels()
    if fmt == "pdf":
        body, media_type = render_profile(data, levels, lang, made, raw=viewer.wants_raw), \
            "application/pdf"
    else:
        write, media_type = FORMATS[fmt]
        body = write(profile_sheet(data, levels, lang, made, raw=viewer.wants_raw))
    restricted = [e.indicator.id for e in data.entries()
                  if e.indicator.classification == "restricted"]
    if restricted:
        audit_export(gate, viewer, {"profile": area_code, "format": fmt,
                                    "indicators": restricted, "raw": viewer.wants_raw})
    name = f"{file_stem('Stadtteilprofil', data.area_name, area_code)}.{fmt}"
    return attachment(body, media_type, name)


@exports.get("/<path:unknown>")
def not_found(unknown: str) -> tuple[flask.Response, int]:
    # Without this, Dash's catch-all page route would answer with the app page.
    return flask.jsonify(error="Unbekannte Export-Adresse."), 404
