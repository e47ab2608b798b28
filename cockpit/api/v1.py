"""GET /api/v1/indicators, /indicators/{id}/values, /areas, /areas/geojson, /levels."""

from __future__ import annotations

import math
import re
from contextlib import closing

import flask

from cockpit.access import Gate, Viewer
from cockpit.access.errors import BadParameter, GateError
from cockpit.access.gate import require_login
from cockpit.api.geometry import IMMUTABLE, encoded_geojson, not_modified
from cockpit.api.openapi import build_spec
from cockpit.app.api_tokens import token_name
from cockpit.app.compression import CONTENT_HASH
from cockpit.app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from cockpit.app.session import current_gate, current_viewer
from cockpit.appdb import audit
from cockpit.catalog import Catalog
from cockpit.indicators.model import Indicator
from cockpit.periods import latest

api = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
# A data version as the store names snapshots (e.g. 20261202T062435123456Z).
_VERSION = re.compile(r"^[0-9A-Za-z._-]{1,64}$")

# Allowed query parameters per endpoint (view function name).
_ALLOWED_PARAMS = {
    "values": {"level", "period", "area"},
    "breakdown": {"period", "area"},
    "areas": {"level", "period"},
    "areas_geojson": {"level", "period", "v"},
    "levels": set(),
    "indicators": set(),
    "openapi": set(),
}


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@api.errorhandler(GateError)
def _refused(exc: GateError) -> tuple[flask.Response, int]:
    return flask.jsonify(error=exc.message), exc.status


@api.before_request
def _reject_unknown_parameters() -> tuple[flask.Response, int] | None:
    endpoint = (flask.request.endpoint or "").removeprefix("api_v1.")
    unknown = set(flask.request.args) - _ALLOWED_PARAMS.get(endpoint, set())
    if unknown:
        return flask.jsonify(error=f"Unbekannter Parameter: {', '.join(sorted(unknown))}"), 400
    return None


def describe(indicator: Indicator, levels: list[str], periods: list[str],
             catalog: Catalog | None = None) -> dict:
    """The public description of an indicator (its Steckbrief plus coverage); the period
    type and key dates are inherited from its datasets in `catalog`."""
    return {
        "id": indicator.id,
        "kind": indicator.kind,
        "title": indicator.title_de,
        "title_en": indicator.title_en,
        "description": indicator.description,
        "unit": indicator.unit,
        "decimals": indicator.decimals,
        "topic": indicator.topic,
        "classification": indicator.classification,
        "direction": indicator.direction,
        "numerator": indicator.numerator,
        "denominator": indicator.denominator,
        "source": indicator.source,
        "update_cycle": indicator.update_cycle,
        "min_count": indicator.min_count,
        "levels": levels,
        "periods": periods,
        "period_type": catalog.period_type(indicator.datasets) if catalog else None,
        "key_dates": catalog.key_dates(indicator.datasets) if catalog else [],
        **(describe_index(indicator) if indicator.kind == "index" else {}),
    }


def describe_index(index: Indicator) -> dict:
    """What an index adds to its description: ordered classes (ascending index value),
    its kind (status, dynamics, combined), components and method note."""
    return {
        "classes": list(index.classes),  # type: ignore[attr-defined]
        "index_kind": index.index_kind,  # type: ignore[attr-defined]
        "components": [{"indicator": c.indicator, "direction": c.direction,
                        "weight": c.weight}
                       for c in index.components],  # type: ignore[attr-defined]
        "method_note": index.method_note,  # type: ignore[attr-defined]
    }


@api.get("/indicators")
def indicators() -> flask.Response:
    gate, viewer = current_gate(), current_viewer()
    return flask.jsonify([
        describe(ind, gate.levels(viewer, ind.id), gate.periods(viewer, ind.id),
                 gate.inst.catalog)
        for ind in gate.visible_indicators(viewer)
    ])


@api.get("/indicators/<indicator_id>/values")
def values(indicator_id: str) -> flask.Response:
    args = flask.request.args
    gate, viewer = current_gate(), current_viewer()
    # Serialised once per data version, scope and parameters (the gate keeps it): a warm
    # ranking of 11,000 areas is then sent, not rebuilt and re-encoded per request.
    indicator = gate.indicator(viewer, indicator_id)
    encode = _encode_values if indicator.kind != "index" else (
        lambda rows: _encode_values(rows, gate.index_classes(indicator, rows)))
    body, count, periods = gate.answer(viewer, indicator_id, encode,
                                       level=args.get("level"), period=args.get("period"),
                                       area=args.get("area"))
    if gate.registry.get(indicator_id).classification == "restricted":
        _audit_restricted_export(gate, viewer, indicator_id, count, periods)
    return flask.current_app.response_class(body, mimetype=flask.current_app.json.mimetype)


def _encode_values(rows: list, classes: list | None = None) -> tuple[bytes, int, list[str]]:
    """The values answer as JSON bytes (as `jsonify` writes it), its row count and periods;
    an index's rows also carry their class (`classes`: number, label, reason per row)."""
    data = [
        {"area_code": r.area_code, "area_name": r.area_name, "level": r.level,
         "period": r.period, "value": _number(r.value), "numerator": _number(r.numerator),
         "denominator": _number(r.denominator), "suppressed": bool(r.suppressed),
         "incomplete": bool(r.incomplete), "missing": int(r.missing),
         "expected": int(r.expected), "converted": bool(r.converted)}
        for r in rows
    ]
    for item, (klass, label, reason) in zip(data, classes or (), strict=False):
        item.update({"class": klass if klass >= 0 else None, "class_label": label,
                     "class_reason": reason})
    body = flask.current_app.json.response(data).get_data()  # exactly what jsonify sends
    return body, len(rows), sorted({r.period for r in rows})


@api.get("/indicators/<indicator_id>/breakdown")
def breakdown(indicator_id: str) -> flask.Response:
    """Which components put an area into its class (an index only)."""
    args = flask.request.args
    gate, viewer = current_gate(), current_viewer()
    if gate.indicator(viewer, indicator_id).kind != "index":
        raise BadParameter("Eine Zerlegung gibt es nur für einen Index.")
    area = args.get("area")
    if not area:
        raise BadParameter("Parameter area fehlt (Gebietsschlüssel).")
    answer = gate.index_breakdown(viewer, indicator_id, area, args.get("period"))
    if gate.registry.get(indicator_id).classification == "restricted":
        _audit_restricted_export(gate, viewer, indicator_id, 1, [answer["period"]])
    return flask.jsonify(answer)


def _audit_restricted_export(gate: Gate, viewer: Viewer, indicator_id: str,
                             count: int, periods: list[str]) -> None:
    """Restricted data leaving the cockpit: who, what, how much, via session or which token."""
    args = flask.request.args
    name = token_name()
    detail = {
        "indicator": indicator_id,
        "level": args.get("level") or None,
        "period": args.get("period") or latest(periods),
        "area": args.get("area") or None,
        "rows": count,
        "via": "token" if name else "session",
        "token": name,
    }
    with closing(gate.inst.app_db()) as conn:
        audit(conn, viewer.name, "restricted_export", detail,
              source="api", address=flask.request.remote_addr)


@api.get("/areas")
def areas() -> flask.Response:
    args = flask.request.args
    frame = current_gate().areas(current_viewer(), args.get("level"), args.get("period"))
    return flask.jsonify([
        {"code": r.code, "name": r.name, "level": r.level,
         "parent_code": r.parent_code if isinstance(r.parent_code, str) else None}
        for r in frame.itertuples()
    ])


@api.get("/levels")
def levels() -> flask.Response:
    """The installation's levels, top first, named in the request's language."""
    gate = current_gate()
    require_login(current_viewer())
    lang = flask.request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    return flask.jsonify([{"id": lv.id, "name": lv.name(lang), "depth": lv.depth}
                          for lv in gate.declared_levels()])


@api.get("/openapi.json")
def openapi() -> flask.Response:
    app = flask.current_app
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(f"{api.name}.")]
    prefix = api.url_prefix or ""
    try:  # the level ids of this installation; without a snapshot only their form
        level_ids: tuple[str, ...] | None = current_gate().declared_levels().ids
    except GateError:
        level_ids = None
    return flask.jsonify(build_spec(rules, prefix, _ALLOWED_PARAMS,
                                    flask.request.script_root + prefix, level_ids))


@api.get("/<path:unknown>")
def not_found(unknown: str) -> tuple[flask.Response, int]:
    # Without this, Dash's catch-all page route would answer with HTML.
    return flask.jsonify(error="Unbekannte API-Adresse."), 404


def install_error_handlers(server: flask.Flask) -> None:
    """Answer errors under /api/ as JSON, never as an HTML page."""

    @server.errorhandler(405)
    def method_not_allowed(exc: Exception) -> flask.Response | tuple[flask.Response, int]:
        if flask.request.path.startswith(api.url_prefix or "/api/"):
            return flask.jsonify(error="Die API ist nur lesbar (GET)."), 405
        return exc  # type: ignore[return-value]


@api.get("/areas/geojson")
def areas_geojson() -> flask.Response:
    """The boundaries of a level; with `v` (the data version, cockpit/api/geometry.py)
    cached by the browser for as long as that version is current."""
    args = flask.request.args
    # Without a level: the lowest level of the installation (the gate decides).
    level = args.get("level") or None
    gate = current_gate()
    encoded = encoded_geojson(gate, current_viewer(), level, args.get("period"))
    version = args.get("v")
    if version is None:  # the plain API answer: not cached, as every data answer
        return flask.Response(encoded.body, mimetype="application/json")
    if not _VERSION.match(version):
        return flask.jsonify(error="Ungültige Datenversion (Parameter v)."), 400
    if version != gate.data_version:
        # An address from before the last publish: send the browser to the current one,
        # which it may then keep (this answer itself is not cached).
        current = {**args.to_dict(), "v": gate.data_version}
        return flask.redirect(flask.url_for("api_v1.areas_geojson", **current))
    if not_modified(encoded.etag):
        response = flask.Response(status=304)
    else:
        response = flask.Response(encoded.body, mimetype="application/json")
    response.headers["ETag"] = encoded.etag
    flask.g.setdefault(CONTENT_HASH, encoded.etag)  # compressed once per content
    response.headers["Cache-Control"] = IMMUTABLE
    return response
