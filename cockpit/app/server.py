"""Create the Flask server with its health check and the Dash cockpit."""

from __future__ import annotations

import dash
import flask
from dash import html

from cockpit import __version__
from cockpit.context import Installation
from cockpit.resources import bundled_dir


def create_server(inst: Installation, *, secret_key: str) -> flask.Flask:
    """Return the WSGI application serving the cockpit of this installation."""
    server = flask.Flask("cockpit")
    server.config.update(SECRET_KEY=secret_key, SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax")
    # Fail at start, not at the first request, when an indicator file is broken.
    registry = inst.registry

    @server.get("/healthz")
    def healthz() -> flask.Response:
        version = inst.store.current_version()
        status = 200 if version else 503
        return flask.jsonify(status="ok" if version else "no-data", data_version=version,
                             indicators=len(registry), version=__version__), status

    app = dash.Dash(
        "cockpit",
        server=server,
        title="Cockpit",
        assets_folder=str(bundled_dir("assets")),
        serve_locally=True,
        update_title=None,
    )
    # Until login and the access gate exist, the page shows no data at all.
    app.layout = html.Main(
        [
            html.H1("Kommunales Analyse-Cockpit"),
            html.P("Der Datenbestand ist geladen. Anmeldung und Auswertungsseiten folgen."),
        ],
        lang="de",
        className="placeholder",
    )
    return server
