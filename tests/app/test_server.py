"""The server answers its health check and shows no data before login exists."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cockpit import __version__
from cockpit.app.server import create_server
from cockpit.context import Installation


@pytest.fixture(scope="module")
def client(demo: Installation):
    return create_server(demo, secret_key="test-secret").test_client()


def test_healthz_says_only_that_the_service_is_up(client, demo: Installation) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    body = response.get_data(as_text=True)
    assert demo.store.current_version() not in body
    assert __version__ not in body


def test_healthz_without_store_is_503(fresh_home: Installation) -> None:
    response = create_server(fresh_home, secret_key="x").test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "no-data"}


def test_anonymous_visitors_are_sent_to_the_login(client) -> None:
    page = client.get("/vergleich?indicator=sgb2_quote")
    assert page.status_code == 302
    assert page.location.startswith("/login?next=")
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash",
                 "/api/v1/indicators", "/api/v1/areas"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "Musterstadt" not in response.get_data(as_text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_the_demo_and_answers_within_60_seconds(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "COCKPIT_SECRET_KEY"}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", str(tmp_path / "home"), "serve",
         "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        body = None
        while time.monotonic() - started < 60 and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert body is not None, "no answer within 60 s"
        assert '"status":"ok"' in body
    finally:
        # Stopped right after start, while the workers are still warming the gate.
        stopping = time.monotonic()
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert "demo-admin" in output
    assert (tmp_path / "home" / "demo-logins.txt").exists()
    # Workers end cleanly and at once: no abort inside DuckDB, no wait for a hung worker.
    assert time.monotonic() - stopping < 10
    assert "SIGABRT" not in output and "terminate called" not in output, output[-2000:]
    assert "SIGKILL" not in output, output[-2000:]


def test_language_switch_returns_to_the_page_shown(clients) -> None:
    client = clients["committee"]
    layout = json.dumps(client.get("/_dash-layout", headers={
        "Referer": "http://localhost/vergleich?indicator=sgb2_quote"}).json)
    assert "/lang/en?next=%2Fvergleich%3Findicator%3Dsgb2_quote" in layout
    response = client.get("/lang/en?next=/vergleich?indicator=sgb2_quote")
    assert response.status_code == 302
    assert response.location == "/vergleich?indicator=sgb2_quote"
    english = json.dumps(client.get("/_dash-layout").json)
    assert "Sign out" in english
    client.get("/lang/de?next=/")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "\\\\evil"])
def test_language_switch_never_redirects_off_site(clients, target: str) -> None:
    response = clients["committee"].get(f"/lang/de?next={target}")
    assert response.location == "/"
