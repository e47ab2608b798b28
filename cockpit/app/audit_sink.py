"""The gate's audit sink for the web app: entries of one request are written together.

A profile with raw values asks the gate once per indicator, and each answer is one
audit entry; opening the database and committing for each would cost more than the
profile itself. So entries made while a request is handled are kept on `flask.g` and
written in one transaction just before the response leaves. If that write fails, the
request fails (500) and the raw values are not sent: nothing is shown unaudited.
"""

from __future__ import annotations

from collections.abc import Callable

import flask

from cockpit.appdb.audit_log import PendingEntry, append_entries
from cockpit.context import Installation

_PENDING = "cockpit_audit_pending"


def _origin() -> tuple[str | None, str | None]:
    """Where the request came from: source (web / api / export) and client address."""
    if not flask.has_request_context():
        return None, None
    path = flask.request.path
    source = ("api" if path.startswith("/api/") else
              "export" if path.startswith("/export/") else "web")
    return source, flask.request.remote_addr


def install_audit_sink(server: flask.Flask, inst: Installation) -> Callable[[str, str, str],
                                                                             None]:
    """Return the sink for `Gate(audit=...)` and write its entries at the end of requests."""

    def write(entries: list[PendingEntry]) -> None:
        conn = inst.app_db()
        try:
            append_entries(conn, entries)
        finally:
            conn.close()

    def record(user_name: str, action: str, detail: str) -> None:
        source, address = _origin()
        entry = PendingEntry(user_name, action, detail, source, address)
        if flask.has_app_context() and flask.has_request_context():
            flask.g.setdefault(_PENDING, []).append(entry)
        else:  # outside a request (warm-up, scripts): at once
            write([entry])

    @server.after_request
    def flush(response: flask.Response) -> flask.Response:
        pending = flask.g.pop(_PENDING, None)
        if pending:
            write(pending)
        return response

    return record
