"""The OpenAPI 3.1 description of /api/v1, built from the registered routes.

Drift between description and handlers is prevented by construction where possible:
paths and methods come from Flask's URL map, query parameters from the API's own
allow-list, and parameter patterns and value sets from the gate's validators
(`PERIOD_PATTERN`, `AREA_PATTERN`) and the level ids from the installation's current
snapshot (any installation declares its own levels). What cannot be derived (what an endpoint
answers) is declared here per endpoint, and building the description fails loudly for a
route or parameter that has none, so a new endpoint cannot ship undescribed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from werkzeug.routing import Rule

from cockpit import __version__
from cockpit.access.gate import AREA_PATTERN, PERIOD_PATTERN
from cockpit.indicators.model import DIRECTIONS
from cockpit.periods import KINDS
from cockpit.roles import CLASSIFICATIONS
from cockpit.territory.levels import LEVEL_ID

OPENAPI_VERSION = "3.1.0"
# Routes that are not endpoints of the API: the JSON 404 for unknown API paths.
UNDESCRIBED_ENDPOINTS = frozenset({"not_found"})
_METHODS = ("get", "post", "put", "patch", "delete")
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


_PERIOD = {"type": "string", "pattern": PERIOD_PATTERN.pattern,
           "description": "Jahr (2024), Halbjahr (2024-H1, 2024-H2), Quartal (2024-Q1 bis "
                          "2024-Q4) oder Monat (2024-06). Zeiträume sind nach ihrem Enddatum "
                          "geordnet (2024-H1 endet am 30.06.2024, 2024 am 31.12.2024)."}
# Without a snapshot the level ids are not known: their form is. `build_spec` replaces
# this schema (by identity) with the enum of the installation's levels.
_LEVEL = {"type": "string", "pattern": f"^{LEVEL_ID.pattern}$",
          "description": "Kennung einer Gebietsebene dieser Installation (GET /levels)."}

QUERY_PARAMETERS: dict[str, dict[str, Any]] = {
    "level": {"description": "Kennung einer Gebietsebene dieser Installation (siehe GET "
                             "/levels; leer: alle Ebenen des Indikators, bei Grenzen die "
                             "unterste Ebene).",
              "schema": _LEVEL},
    "period": {"description": "Zeitraum: Jahr (2024), Halbjahr (2024-H1), Quartal (2024-Q3) "
                              "oder Monat (2024-06). Werte: leer = der jüngste mit Werten, "
                              "d. h. der Zeitraum mit dem spätesten Enddatum; Gebiete und "
                              "Geometrie: die an seinem Stichtag gültigen Gebiete, leer = "
                              "der heutige Gebietsstand.", "schema": _PERIOD},
    "v": {"description": "Datenversion (von der Vergleichsseite gesetzt): stimmt sie mit der "
                         "aktuellen überein, darf der Browser die Antwort behalten (ETag, "
                         "ein Jahr); eine ältere leitet auf die aktuelle um.",
          "schema": {"type": "string", "pattern": "^[0-9A-Za-z._-]{1,64}$"}},
    "area": {"description": "Schlüssel eines einzelnen Gebiets.",
             "schema": {"type": "string", "pattern": AREA_PATTERN.pattern}},
}
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "indicator_id": {
        "description": "Kennung des Indikators. Unbekannte Kennungen und Indikatoren, "
                       "deren Existenz die Rolle nicht erfahren darf, ergeben 404.",
        "schema": {"type": "string", "minLength": 1},
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "minLength": 1,
                                 "description": "Meldung auf Deutsch."}},
        "additionalProperties": False,
    },
    "Indicator": {
        "type": "object",
        "required": ["id", "kind", "title", "title_en", "description", "unit", "decimals",
                     "topic", "classification", "direction", "numerator", "denominator",
                     "source", "update_cycle", "min_count", "levels", "periods"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["indicator", "index"]},
            "title": {"type": "string"},
            "title_en": {"type": "string"},
            "description": {"type": "string"},
            "unit": {"type": "string"},
            "decimals": {"type": "integer", "minimum": 0},
            "topic": {"type": "string"},
            "classification": {"type": "string", "enum": list(CLASSIFICATIONS)},
            "direction": {"type": "string", "enum": list(DIRECTIONS)},
            "numerator": {"type": "string"},
            "denominator": _nullable({"type": "string"}),
            "source": {"type": "string"},
            "update_cycle": {"type": "string"},
            "min_count": {"type": "integer", "minimum": 1},
            "levels": {"type": "array", "items": _LEVEL, "uniqueItems": True},
            "periods": {"type": "array", "items": _PERIOD, "uniqueItems": True,
                        "description": "Zeiträume mit Werten, ältester zuerst (nach Enddatum)."},
            "period_type": {**_nullable({"type": "string", "enum": list(KINDS)}),
                            "description": "Zeitraumart der Datensätze (year, half, quarter, "
                                           "month); null, wenn sie sich unterscheiden."},
            "key_dates": {"type": "array", "items": {"type": "string"},
                          "description": "Stichtage der Bestandsdatensätze, z. B. „31.12.“."},
            "classes": {"type": "array", "items": {"type": "string"},
                        "description": "Nur bei einem Index: die Klassen, aufsteigend nach "
                                       "Indexwert."},
            "index_kind": {"type": "string", "enum": ["status", "dynamics", "combined"]},
            "components": {"type": "array", "items": {
                "type": "object", "required": ["indicator", "direction", "weight"],
                "properties": {"indicator": {"type": "string"},
                               "direction": {"type": "string",
                                             "enum": ["positive", "negative"]},
                               "weight": {"type": "number"}},
                "additionalProperties": False}},
            "method_note": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "Breakdown": {
        "type": "object",
        "description": "Zerlegung eines Indexwerts: standardisierte Komponenten (mit "
                       "Vorzeichen), Indexwert, Klasse und Klassengrenzen der Referenzmenge.",
        "required": ["index", "area_code", "area_name", "level", "period", "value", "class",
                     "label", "reason", "classes", "cutoffs", "reference_areas",
                     "standardisation", "components"],
        "properties": {
            "index": {"type": "string"},
            "area_code": {"type": "string"},
            "area_name": {"type": "string"},
            "level": _LEVEL,
            "period": _PERIOD,
            "value": _nullable({"type": "number"}),
            "class": {"type": "integer", "minimum": -1},
            "label": {"type": "string"},
            "reason": _nullable({"type": "string"}),
            "classes": {"type": "array", "items": {"type": "string"}},
            "cutoffs": {"type": "array", "items": {"type": "number"}},
            "reference_areas": {"type": "integer", "minimum": 0},
            "standardisation": _nullable({"type": "string"}),
            "components": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "title", "weight", "direction", "standardised"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                               "weight": {"type": "number"},
                               "direction": _nullable({"type": "string"}),
                               "standardised": _nullable({"type": "number"})},
                "additionalProperties": False}},
        },
        "additionalProperties": False,
    },
    "Value": {
        "type": "object",
        "description": "Ein Wert; ein geheim gehaltener Wert hat value und numerator null. "
                       "incomplete: Summe nur der Teilgebiete mit Wert (missing von "
                       "expected fehlen; beide 0, wenn der Wert vollständig oder geheim "
                       "ist); converted: über eine Zuordnungstabelle aus den Werten der "
                       "alten Gebiete umgerechnet.",
        "required": ["area_code", "area_name", "level", "period", "value", "numerator",
                     "denominator", "suppressed", "incomplete", "missing", "expected",
                     "converted"],
        "properties": {
            "area_code": {"type": "string"},
            "area_name": {"type": "string"},
            "level": _LEVEL,
            "period": _PERIOD,
            "value": _nullable({"type": "number"}),
            "numerator": _nullable({"type": "number"}),
            "denominator": _nullable({"type": "number"}),
            "suppressed": {"type": "boolean"},
            "incomplete": {"type": "boolean"},
            "missing": {"type": "integer", "minimum": 0},
            "expected": {"type": "integer", "minimum": 0},
            "converted": {"type": "boolean"},
            "class": {**_nullable({"type": "integer", "minimum": 0}),
                      "description": "Nur bei einem Index: Nummer der Klasse (0 = erste in "
                                     "classes); null ohne Zuordnung."},
            "class_label": {"type": "string"},
            "class_reason": _nullable({"type": "string"}),
        },
        "additionalProperties": False,
    },
    "Area": {
        "type": "object",
        "required": ["code", "name", "level", "parent_code"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "level": _LEVEL,
            "parent_code": _nullable({"type": "string"}),
        },
        "additionalProperties": False,
    },
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": {
                "type": "object",
                "required": ["type", "id", "properties", "geometry"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "string"},
                    "properties": {
                        "type": "object",
                        "required": ["code", "name", "level"],
                        "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                       "level": _LEVEL},
                        "additionalProperties": False,
                    },
                    "geometry": {
                        "type": "object", "required": ["type", "coordinates"],
                        "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]},
                                       "coordinates": {"type": "array"}},
                    },
                },
            }},
        },
        "additionalProperties": False,
    },
    "Level": {
        "type": "object",
        "description": "Eine Gebietsebene; Tiefe 0 ist die oberste (die ganze Kommune).",
        "required": ["id", "name", "depth"],
        "properties": {
            "id": _LEVEL,
            "name": {"type": "string", "minLength": 1},
            "depth": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": False,
    },
    "OpenApi": {"type": "object", "required": ["openapi", "info", "paths"]},
}

ERRORS: dict[str, str] = {
    "400": "Ungültiger oder unbekannter Parameter.",
    "401": "Nicht angemeldet, oder das API-Token ist ungültig, abgelaufen oder widerrufen.",
    "403": "Für dieses Gebiet fehlt die Berechtigung.",
    "404": "Unbekannter Indikator (oder einer, den die Rolle nicht kennen darf).",
    "405": "Die API ist nur lesbar (GET).",
    "429": "Zu viele ungültige API-Tokens von dieser Adresse; später erneut versuchen.",
}


def _array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


# Every operation can answer these: bad or unknown parameter, no login or a bad token,
# another method than GET, too many bad tokens from one address.
COMMON_ERRORS = ("400", "401", "405", "429")
# What each endpoint (view function name) answers: summary, 200 body, its own errors.
OPERATIONS: dict[str, dict[str, Any]] = {
    "indicators": {"summary": "Indikatoren, die die angemeldete Person sehen darf.",
                   "body": _array_of("Indicator"), "errors": ()},
    "values": {"summary": "Werte eines Indikators, gefiltert und geheim gehalten wie für "
                          "die angemeldete Person; Abrufe vertraulicher Daten werden "
                          "protokolliert.",
               "body": _array_of("Value"), "errors": ("403", "404")},
    "breakdown": {"summary": "Nur für einen Index: welche Komponenten ein Gebiet in seine "
                             "Klasse bringen (Parameter area nötig).",
                  "body": _ref("Breakdown"), "errors": ("403", "404")},
    "areas": {"summary": "Gebiete, optional einer Ebene.", "body": _array_of("Area"),
              "errors": ()},
    "levels": {"summary": "Die Gebietsebenen dieser Installation, oberste zuerst; Namen in "
                          "der Sprache der Anfrage (Accept-Language, sonst Deutsch).",
               "body": _array_of("Level"), "errors": ()},
    "areas_geojson": {"summary": "Gebietsgrenzen einer Ebene als GeoJSON (Standard: die "
                                 "unterste Ebene).",
                      "body": _ref("FeatureCollection"), "errors": (),
                      # With `v`: the browser cache's answers.
                      "answers": {
                          "302": {"description": "`v` ist nicht die aktuelle Datenversion: "
                                                 "Umleitung auf die aktuelle."},
                          "304": {"description": "Unverändert (If-None-Match trifft das "
                                                 "ETag der aktuellen Datenversion)."}}},
    "openapi": {"summary": "Diese Beschreibung der API (OpenAPI 3.1).", "body": _ref("OpenApi"),
                "errors": ()},
}


def openapi_path(rule: str) -> str:
    """Flask's `/x/<indicator_id>/values` as OpenAPI's `/x/{indicator_id}/values`."""
    return _CONVERTER.sub(r"{\1}", rule)


def build_spec(rules: Iterable[Rule], prefix: str, allowed_params: Mapping[str, Iterable[str]],
               server_url: str, levels: Sequence[str] | None = None) -> dict[str, Any]:
    """The OpenAPI document for the rules of one blueprint (endpoint names `<bp>.<view>`).

    `prefix` is the blueprint's URL prefix (paths are relative to `server_url`, which ends
    with it); `allowed_params` maps view names to their accepted query parameters.
    `levels` are the installation's level ids (an enum then; a pattern without them).
    Raises LookupError for a route or parameter that has no description here.
    """
    level = ({"type": "string", "enum": list(levels)} if levels else _LEVEL)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(rules, key=lambda r: r.rule):
        view = rule.endpoint.rpartition(".")[2]
        if view in UNDESCRIBED_ENDPOINTS:
            continue
        if view not in OPERATIONS:
            raise LookupError(f"API-Route {rule.rule} ({view}) ist nicht beschrieben.")
        methods = sorted(m.lower() for m in rule.methods or () if m.lower() in _METHODS)
        item = paths.setdefault(openapi_path(rule.rule.removeprefix(prefix) or "/"), {})
        for method in methods:
            item[method] = _with_level(_operation(view, rule, allowed_params.get(view, ())),
                                       level)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Kommunales Datencockpit – API",
            "version": __version__,
            "description": (
                "Nur lesende JSON-API. Anmeldung über die Sitzung der Weboberfläche oder "
                "mit einem persönlichen API-Token (Seite „API-Tokens“) im Kopf "
                "`Authorization: Bearer <Token>`. Jede Antwort enthält nur, was die Rolle "
                "der Person sehen darf; kleine Fallzahlen sind geheim gehalten."),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerToken": []}, {"sessionCookie": []}],
        "paths": paths,
        "components": {
            "schemas": _with_level(SCHEMAS, level),
            "responses": {status: {"description": text, "content": {
                "application/json": {"schema": _ref("Error")}}} for status, text in
                ERRORS.items()},
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "Persönliches API-Token (beginnt mit ck_)."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def _operation(view: str, rule: Rule, allowed: Iterable[str]) -> dict[str, Any]:
    spec = OPERATIONS[view]
    parameters = []
    for name in sorted(rule.arguments):
        if name not in PATH_PARAMETERS:
            raise LookupError(f"Pfadparameter {name} von {rule.rule} ist nicht beschrieben.")
        parameters.append({"name": name, "in": "path", "required": True,
                           **PATH_PARAMETERS[name]})
    for name in sorted(allowed):
        if name not in QUERY_PARAMETERS:
            raise LookupError(f"Parameter {name} von {rule.rule} ist nicht beschrieben.")
        parameters.append({"name": name, "in": "query", "required": False,
                           **QUERY_PARAMETERS[name]})
    responses: dict[str, Any] = {"200": {"description": "Erfolg.", "content": {
        "application/json": {"schema": spec["body"]}}}}
    for status in sorted({*COMMON_ERRORS, *spec["errors"]}):
        responses[status] = {"$ref": f"#/components/responses/{status}"}
    responses.update(spec.get("answers", {}))
    return {"operationId": view, "summary": spec["summary"], "parameters": parameters,
            "responses": responses}


def _with_level(node: Any, level: dict[str, Any]) -> Any:
    """A copy of `node` in which every occurrence of the generic level schema is `level`."""
    if node is _LEVEL:
        return level
    if isinstance(node, dict):
        return {key: _with_level(value, level) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_level(value, level) for value in node]
    return node
