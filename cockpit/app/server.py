"""Create the Flask server: auth guard, gate, JSON API, health check and the Dash cockpit."""

from __future__ import annotations

import atexit
import threading

import flask

from cockpit.access import Gate
from cockpit.access.table_cache import SharedTables
from cockpit.access.warm_child import shared_root, warm_in_child
from cockpit.api.v1 import api, install_error_handlers
from cockpit.app.audit_sink import install_audit_sink
from cockpit.app.auth import install_auth
from cockpit.app.compression import install_compression
from cockpit.app.dash_app import create_dash
from cockpit.app.not_found import install_not_found
from cockpit.app.security_headers import install_security
from cockpit.app.session import GATE_KEY
from cockpit.context import Installation
from cockpit.export.routes import exports

# server.extensions key of the warm-up (_Warmer) of this process, if any.
WARMER_KEY = "cockpit.warmer"
# server.config key: value tables are shared files, computed by a child process.
SHARE_TABLES_KEY = "COCKPIT_SHARE_TABLES"


def create_server(inst: Installation, *, secret_key: str, warm: bool = True,
                  share_tables: bool = False) -> flask.Flask:
    """Return the WSGI application serving the cockpit of this installation.

    `share_tables`: computed value tables go to files below COCKPIT_HOME/cache that
    every worker maps, so they are computed once and held once, by a child process
    that exits afterwards (`cockpit serve`).
    """
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

    server.config[SHARE_TABLES_KEY] = share_tables
    shared = SharedTables(shared_root(inst)) if share_tables else None
    gate = Gate(inst, audit=install_audit_sink(server, inst), shared=shared)
    server.extensions[GATE_KEY] = gate
    install_auth(server, inst)
    server.register_blueprint(api)
    server.register_blueprint(exports)  # CSV, XLSX, PDF: before Dash's catch-all route
    install_error_handlers(server)

    @server.get("/healthz")
    def healthz() -> tuple[flask.Response, int]:
        # Open to anyone, so it names no software or data version (finding 12).
        if inst.store.current_version():
            return flask.jsonify(status="ok"), 200
        return flask.jsonify(status="no-data"), 503

    dash_app = create_dash(server)
    install_not_found(server, dash_app)
    install_security(server, dash_app, inst.settings)
    # After the security hooks, so it runs before them (Flask runs them in reverse).
    install_compression(server, enabled=inst.settings.compress)
    if warm and inst.store.exists():
        # Committee members should not wait for the first computation.
        server.extensions[WARMER_KEY] = _start_warming(gate, in_child=share_tables)
    return server


class _Warmer:
    """The background warm-up of this process's gate, and how to stop it at any moment.

    A daemon thread still inside DuckDB while the interpreter shuts down aborts
    the process (SIGABRT, "FATAL: exception not rethrown"): finalisation ends
    the thread with a forced unwind that DuckDB's C++ swallows. So before the
    interpreter tears down, the thread is told to stop, the query it is running
    is interrupted, and it is waited for. (gunicorn workers leave earlier still,
    through serve's worker_exit hook, without any finalisation.)
    """

    def __init__(self, gate: Gate, *, in_child: bool = False) -> None:
        self.gate = gate
        self.in_child = in_child
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._warm, name="gate-warm", daemon=True)

    def _warm(self) -> None:
        # With shared tables a child process computes them and exits (returning what
        # the computation held); the gate then maps the files, or computes what is left.
        if self.in_child:
            warm_in_child(self.gate.inst, self.stopping)
        self.gate.warm(self.stopping)

    def start(self) -> None:
        atexit.register(self.stop)
        self.thread.start()

    def stop(self, timeout: float = 20.0) -> bool:
        """Stop warming and wait for the thread; True when it has ended."""
        self.stopping.set()
        if self.thread.is_alive():
            self.gate.interrupt_warming()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout)
        return not self.thread.is_alive()


def _start_warming(gate: Gate, *, in_child: bool = False) -> _Warmer:
    """Warm the gate in the background; stopped cleanly when the process exits."""
    gate.start_worker()  # in the worker (after a fork), before its first request
    warmer = _Warmer(gate, in_child=in_child)
    warmer.start()
    return warmer


def start_warming(server: flask.Flask) -> None:
    """Start warming the gate of an app created with warm=False (in this process).

    For an app built before a fork (gunicorn's preload_app): a thread does not
    survive the fork, so each worker starts its own warm-up after it.
    """
    gate = server.extensions[GATE_KEY]
    if WARMER_KEY not in server.extensions and gate.inst.store.exists():
        server.extensions[WARMER_KEY] = _start_warming(
            gate, in_child=bool(server.config.get(SHARE_TABLES_KEY)))
