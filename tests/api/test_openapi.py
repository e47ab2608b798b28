"""/api/v1/openapi.json: complete, derived from the handlers, and true of the live app.

schemathesis generates requests from the description and sends them to the WSGI app
with a committee member's and a controlling user's Bearer token; every answer must be
no server error and conform to the description (status, content type, body, headers).
"""

from __future__ import annotations

import re
from contextlib import closing
from typing import Any

import flask
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cockpit.access.gate import AREA_PATTERN, PERIOD_PATTERN
from cockpit.api import openapi
from cockpit.api.v1 import _ALLOWED_PARAMS, api
from cockpit.appdb.tokens import create_token
from cockpit.territory.levels import demo_levels
from tests.api.test_v1 import assert_error

SPEC_URL = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
# Bounded and repeatable: about 30 requests per operation and mode, the same ones each run.
RUN_SETTINGS = hypothesis.settings(
    max_examples=30, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
)


def api_rules(server: flask.Flask) -> list:
    return [rule for rule in server.url_map.iter_rules()
            if rule.endpoint.startswith(f"{api.name}.")
            and rule.endpoint != f"{api.name}.not_found"]


@pytest.fixture(scope="module")
def spec(clients) -> dict[str, Any]:
    response = clients["admin"].get(SPEC_URL)
    assert response.status_code == 200 and response.is_json
    return response.json


@pytest.fixture(scope="module")
def tokens(app_server, demo) -> dict[str, str]:
    """A Bearer token of the demo committee member and of the controlling user."""
    secrets = {}
    with closing(demo.app_db()) as conn:
        for role in ("committee", "controlling"):
            name, _ = app_server.demo_passwords[role]
            _, secrets[role] = create_token(conn, name, f"schemathesis-{role}")
    return secrets


def test_every_registered_route_and_method_is_described(app_server, spec) -> None:
    rules = api_rules(app_server)
    assert len(rules) >= 5
    for rule in rules:
        path = openapi.openapi_path(rule.rule.removeprefix(api.url_prefix))
        assert path in spec["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (rule.rule, method)
    assert len(spec["paths"]) == len({r.rule for r in rules})
    assert spec["servers"] == [{"url": "/api/v1"}]


def test_query_parameters_are_the_handlers_allow_list(app_server, spec) -> None:
    for rule in api_rules(app_server):
        view = rule.endpoint.rpartition(".")[2]
        operation = spec["paths"][openapi.openapi_path(
            rule.rule.removeprefix(api.url_prefix))]["get"]
        described = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert described == _ALLOWED_PARAMS[view], view
        assert {p["name"] for p in operation["parameters"] if p["in"] == "path"} == set(
            rule.arguments)


def test_parameters_carry_the_gates_allowed_values(spec) -> None:
    values = spec["paths"]["/indicators/{indicator_id}/values"]["get"]
    schemas = {p["name"]: p["schema"] for p in values["parameters"]}
    assert schemas["level"]["enum"] == list(demo_levels().ids)
    assert schemas["period"]["pattern"] == PERIOD_PATTERN.pattern
    period = re.compile(schemas["period"]["pattern"])
    assert all(period.fullmatch(p) for p in ("2024", "2024-H1", "2024-H2", "2024-Q3", "2024-06"))
    assert not any(period.fullmatch(p) for p in ("2024-H3", "2024-Q5", "2024-13", "24"))
    assert "Halbjahr (2024-H1" in schemas["period"]["description"]
    assert schemas["area"]["pattern"] == AREA_PATTERN.pattern
    assert set(values["responses"]) == {"200", "400", "401", "403", "404", "405", "429"}
    for status in ("400", "401", "403", "404", "405", "429"):
        error = spec["components"]["responses"][status]["content"]["application/json"]
        assert error["schema"] == {"$ref": "#/components/schemas/Error"}
    assert spec["openapi"].startswith("3.1")
    assert {"bearerToken", "sessionCookie"} == set(spec["components"]["securitySchemes"])


def test_an_undescribed_route_or_parameter_fails_loudly() -> None:
    blueprint = flask.Blueprint("drift", __name__, url_prefix="/api/v1")
    blueprint.add_url_rule("/indicators", "indicators", lambda: "")
    blueprint.add_url_rule("/brandneu", "brandneu", lambda: "")
    app = flask.Flask("drift")
    app.register_blueprint(blueprint)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("drift.")]
    with pytest.raises(LookupError, match="brandneu"):
        openapi.build_spec(rules, "/api/v1", {}, "/api/v1")
    known = [r for r in rules if r.endpoint == "drift.indicators"]
    with pytest.raises(LookupError, match="sortierung"):
        openapi.build_spec(known, "/api/v1", {"indicators": {"sortierung"}}, "/api/v1")


def test_description_is_reachable_by_session_and_token_but_not_anonymously(
        app_server, clients, tokens) -> None:
    by_token = app_server.test_client().get(
        SPEC_URL, headers={"Authorization": f"Bearer {tokens['committee']}"})
    assert by_token.status_code == 200
    assert by_token.json == clients["committee"].get(SPEC_URL).json
    assert_error(app_server.test_client().get(SPEC_URL), 401)
    assert_error(clients["admin"].get(f"{SPEC_URL}?format=yaml"), 400, "Parameter")


def test_description_names_no_indicator(clients) -> None:
    # The same document for every role: it must not reveal which restricted ids exist.
    text = clients["committee"].get(SPEC_URL).get_data(as_text=True)
    assert "hze" not in text
    assert text == clients["admin"].get(SPEC_URL).get_data(as_text=True)


@pytest.mark.parametrize("role", ["committee", "controlling"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
        app_server, demo, tokens, role: str) -> None:
    # schemathesis offers requests' encodings (zstd among them) but its WSGI transport
    # does not decode them; compression is tested in tests/app/test_compression.py.
    headers = {"Authorization": f"Bearer {tokens[role]}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi(SPEC_URL, app_server, headers=headers)
    # Real ids besides generated ones, so values of every indicator (restricted ones too,
    # which the committee must get as 404) are exercised, not only unknown ids.
    ids = [indicator.id for indicator in demo.registry]
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            if "{indicator_id}" in operation.path:
                strategy = st.one_of(strategy, st.sampled_from(ids).flatmap(
                    lambda i, op=operation, m=mode: op.as_strategy(
                        generation_mode=m, path_parameters={"indicator_id": i})))

            @RUN_SETTINGS
            @given(case=strategy)
            def check(case) -> None:
                nonlocal calls
                calls += 1
                # raises with schemathesis' report (and a curl line) on the first failure
                case.call_and_validate(headers=headers, checks=CHECKS)

            check()
    assert calls >= 5 * 2 * 20  # every operation really ran, in both modes
