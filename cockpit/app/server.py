"""Create the Flask server: auth guard, gate, JSON API, health check and the Dash cockpit."""

from __future__ import annotations

import atexit
import threading

import flask

from cockpit.access import Gate
from cockpit.api.v1 import api, install_error_handlers
from cockpit.app.audit_sink import install_audit_sink
from cockpit.app.auth import install_auth
from cockpit.app.compression import install_compression
from cockpit.app.dash_app import create_dash
from cockpit.app.security_headers import install_security
from cockpit.app.session import GATE_KEY
from cockpit.context import Installation


def create_server(inst: Installation, *, secret_key: str, warm: bool = True) -> flask.Flask:
    """Return the WSGI application serving the cockpit of this installation."""
    server = flask.Flask("cockpit")
    server.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    server.json.sort_keys = False  # keep the documented field order in API answers
    # Fail at start, not at the first request, when an indicator file is broken.
    inst.registry  # noqa: B018
    inst.correspondences  # noqa: B018 - and when a correspondence table is

    gate = Gate(inst, audit=install_audit_sink(server, inst))
    server.extensions[GATE_KEY] = gate
    install_auth(server, inst)
    server.register_blueprint(api)
    install_error_handlers(server)

    @server.get("/healthz")
    def healthz() -> tuple[flask.Response, int]:
        # Open to anyone, so it names no software or data version (finding 12).
        if inst.store.current_version():
            return flask.jsonify(status="ok"), 200
        return flask.jsonify(status="no-data"), 503

    dash_app = create_dash(server)
    install_security(server, dash_app, inst.settings)
    # After the security hooks, so it runs before them (Flask runs them in reverse).
    install_compression(server, enabled=inst.settings.compress)
    if warm and inst.store.exists():
        # Committee members should not wait for the first computation.
        _start_warming(gate)
    return server


def _start_warming(gate: Gate) -> None:
    """Warm the gate in the background and stop it cleanly when the process exits.

    A daemon thread still inside DuckDB while the interpreter shuts down aborts
    the process (SIGABRT, "exception not rethrown"); a gunicorn worker stopped
    soon after its start would die that way. So at exit the thread is told to
    stop after the indicator it is computing, and is waited for.
    """
    stop = threading.Event()
    thread = threading.Thread(target=gate.warm, args=(stop,), name="gate-warm", daemon=True)

    def finish() -> None:
        stop.set()
        thread.join(timeout=20)

    atexit.register(finish)
    thread.start()
