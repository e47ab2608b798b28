"""Every response carries the security headers; data is never cached; big bodies get 413
(findings 6 and 8)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from cockpit.app.security_headers import MAX_REQUEST_BYTES
from cockpit.appdb import add_user
from tests.app.conftest import callback
from tests.app.security_helpers import post_login, server_on

PASSWORD = "kopfzeilen-passwort"


@pytest.fixture(scope="module")
def setup(demo, tmp_path_factory):
    server, _, inst = server_on(demo, tmp_path_factory.mktemp("headers") / "home")
    clients = {}
    with inst.app_db() as conn:
        for role, extra in (("committee", {}), ("controlling", {}),
                            ("department", {"department": "jugendamt"})):
            name = f"kopf-{role}"
            add_user(conn, name, role, PASSWORD, **extra)
    for role in ("committee", "controlling", "department"):
        client = server.test_client()
        assert post_login(client, f"kopf-{role}", PASSWORD).status_code == 302
        clients[role] = client
    return server, clients


def _data_responses(server, clients):
    committee = clients["committee"]
    anonymous = server.test_client()
    return {
        "login": anonymous.get("/login"),
        "login-redirect": anonymous.get("/vergleich"),
        "page": committee.get("/vergleich?indicator=sgb2_quote"),
        "layout": committee.get("/_dash-layout"),
        "callback": callback(committee, ["_pages_content.children", "_pages_store.data"],
                             {"_pages_location.pathname": "/vergleich",
                              "_pages_location.search": "?indicator=sgb2_quote"}),
        "api": committee.get("/api/v1/indicators/sgb2_quote/values"),
        "api-401": anonymous.get("/api/v1/indicators"),
        "healthz": anonymous.get("/healthz"),
        "logout": committee.get("/logout"),
    }


def test_every_response_carries_the_security_headers(setup) -> None:
    server, clients = setup
    responses = _data_responses(server, clients)
    responses["asset"] = clients["committee"].get("/assets/cockpit.css")
    for name, response in responses.items():
        headers = response.headers
        assert response.status_code < 500, name
        csp = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, name
        assert "default-src 'self'" in csp, name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("Referrer-Policy") == "same-origin", name


def test_responses_with_data_are_never_stored(setup) -> None:
    server, clients = setup
    for name, response in _data_responses(server, clients).items():
        assert response.headers.get("Cache-Control") == "no-store", name


def test_static_assets_may_be_cached(setup) -> None:
    _, clients = setup
    response = clients["committee"].get("/assets/cockpit.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_policy_allows_no_other_host_and_no_inline_script(setup) -> None:
    server, clients = setup
    page = clients["committee"].get("/vergleich")
    csp = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    for directive, sources in directives.items():
        assert "http" not in sources and "*" not in sources, directive
    script = directives["script-src"].split()
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    # Every inline script of the page is allowed by its hash.
    # Scripts inside HTML comments (Dash's "<!--[if IE]>" warning) never run.
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        html, flags=re.S)
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script


def test_session_cookie_is_secure_over_https(demo, tmp_path: Path) -> None:
    plain, *_ = server_on(demo, tmp_path / "plain")
    assert "Secure" not in _login_cookie(plain.test_client())
    configured, *_ = server_on(demo, tmp_path / "https", https="1")
    client = configured.test_client()
    assert "Secure" in _login_cookie(client)
    assert configured.test_client().get("/login").headers["Strict-Transport-Security"]


def test_a_declared_proxy_may_say_https_an_undeclared_one_may_not(demo, tmp_path: Path) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"}
    untrusted, *_ = server_on(demo, tmp_path / "untrusted")
    assert "Secure" not in _login_cookie(untrusted.test_client(), forwarded)
    proxied, *_ = server_on(demo, tmp_path / "proxied", proxy_hops="1")
    assert "Secure" in _login_cookie(proxied.test_client(), forwarded)


def _login_cookie(client, headers: dict | None = None) -> str:
    response = client.get("/login", headers=headers or {})
    return "; ".join(response.headers.getlist("Set-Cookie"))


def test_an_oversized_request_gets_413_in_german(setup) -> None:
    server, clients = setup
    big = b"x" * (MAX_REQUEST_BYTES + 1)
    for client in (server.test_client(), clients["committee"]):
        response = client.post("/login", data={"username": "a", "password": big.decode()})
        assert response.status_code == 413
        assert "zu groß" in response.get_data(as_text=True)
    response = clients["committee"].post("/_dash-update-component", data=big,
                                         content_type="application/json")
    assert response.status_code == 413
    assert "zu groß" in response.json["error"]


def _upload_payload(size: int) -> bytes:
    contents = "data:text/csv;base64," + base64.b64encode(b"a" * size).decode()
    payload = {
        "output": "..upload-report.children...upload-grid.rowData...upload-token.data..."
                  "upload-publish.disabled...upload-download-button.disabled..",
        "outputs": [{"id": i, "property": p} for i, p in (
            ("upload-report", "children"), ("upload-grid", "rowData"), ("upload-token", "data"),
            ("upload-publish", "disabled"), ("upload-download-button", "disabled"))],
        "inputs": [{"id": "upload-file", "property": "contents", "value": contents},
                   {"id": "upload-dataset", "property": "value", "value": "hze"}],
        "state": [{"id": "upload-file", "property": "filename", "value": "x.csv"}],
        "changedPropIds": ["upload-file.contents"],
    }
    return json.dumps(payload).encode()


def test_only_the_upload_callback_may_send_a_large_body(setup) -> None:
    _, clients = setup
    body = _upload_payload(3 * 1024 * 1024)
    accepted = clients["department"].post("/_dash-update-component", data=body,
                                          content_type="application/json")
    assert accepted.status_code == 200, accepted.get_data(as_text=True)[:300]
    # Roles that may not deliver data never get the large limit.
    refused = clients["committee"].post("/_dash-update-component", data=body,
                                        content_type="application/json")
    assert refused.status_code == 413
    # A large body that is not the file upload is refused as well.
    other = json.loads(body)
    other["inputs"][0]["id"] = "compare-indicator"
    refused = clients["controlling"].post("/_dash-update-component",
                                          data=json.dumps(other).encode(),
                                          content_type="application/json")
    assert refused.status_code == 413
