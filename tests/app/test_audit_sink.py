"""The web app's audit sink: one write per request, and no response without its entries."""

from __future__ import annotations

import sqlite3

import flask
import pytest

from cockpit.app import audit_sink
from cockpit.app.audit_sink import install_audit_sink
from cockpit.context import Installation


@pytest.fixture
def app(fresh_home: Installation) -> tuple[flask.Flask, Installation, list]:
    server = flask.Flask("sink-test")
    server.config["PROPAGATE_EXCEPTIONS"] = False  # a failure becomes a 500, as in production
    record = install_audit_sink(server, fresh_home)
    seen: list = []

    @server.get("/api/v1/thing")
    @server.get("/page")
    def page() -> str:
        record("anna", "raw_view", '{"n": 1}')
        record("anna", "raw_view", '{"n": 2}')
        # nothing is written while the request is still being handled
        conn = fresh_home.app_db()
        seen.append(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        conn.close()
        return "raw value 12345"

    server.record = record
    return server, fresh_home, seen


def _entries(inst: Installation) -> list[tuple]:
    conn = inst.app_db()
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT at, user_name, action, detail, source, address FROM audit_log ORDER BY id")]
    finally:
        conn.close()


def test_entries_of_a_request_are_written_together_before_the_response(app) -> None:
    server, inst, seen = app
    response = server.test_client().get("/page", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 200
    assert seen == [0]
    entries = _entries(inst)
    assert [e[1:] for e in entries] == [
        ("anna", "raw_view", '{"n": 1}', "web", "10.0.0.9"),
        ("anna", "raw_view", '{"n": 2}', "web", "10.0.0.9")]
    assert entries[0][0] == entries[1][0]  # one transaction, one time stamp


def test_api_requests_are_marked_as_such(app) -> None:
    server, inst, _ = app
    assert server.test_client().get("/api/v1/thing").status_code == 200
    assert {e[4] for e in _entries(inst)} == {"api"}


def test_outside_a_request_the_entry_is_written_at_once(app) -> None:
    server, inst, _ = app
    server.record("system", "raw_view", "{}")
    assert [e[1:] for e in _entries(inst)] == [("system", "raw_view", "{}", None, None)]


def test_no_response_when_the_entries_cannot_be_written(app, monkeypatch) -> None:
    server, inst, _ = app

    def broken(conn, entries) -> None:  # noqa: ANN001
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(audit_sink, "append_entries", broken)
    response = server.test_client().get("/page")
    assert response.status_code == 500
    assert "12345" not in response.get_data(as_text=True)
