"""A German (or English) 404 page for paths that are no page of the cockpit.

Dash answers every unknown path with its app shell and status 200, then shows an
English "404 - Page not found" inside it. A mistyped or outdated link should get a
real 404 that says what happened in the user's language and leads back.
"""

from __future__ import annotations

import dash
import flask
from dash._pages import _path_to_page
from markupsafe import escape

from cockpit.app.auth import plain_page
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_lang

register_strings({
    "not_found.title": {"de": "Seite nicht gefunden", "en": "Page not found"},
    "not_found.text": {
        "de": "Die Adresse {path} gibt es im Cockpit nicht. Vielleicht ist der Link "
              "veraltet oder falsch abgeschrieben.",
        "en": "There is no page at {path} in the cockpit. The link may be outdated or "
              "mistyped.",
    },
    "not_found.back": {"de": "Zur Übersicht", "en": "To the overview"},
})

# Dash serves its index page for any path through this catch-all rule.
_CATCH_ALL = "<path:path>"


def not_found_page() -> flask.Response:
    lang = current_lang()
    root = escape(flask.request.script_root)
    body = (f'<p>{t("not_found.text", lang, path=escape(flask.request.path))}</p>'
            f'<p><a class="btn btn-primary" href="{root}/">{t("not_found.back", lang)}</a></p>')
    return plain_page(t("not_found.title", lang), body, 404)


def is_page(app: dash.Dash, path: str) -> bool:
    """Whether `path` (without the app's prefix) names a registered page."""
    page, _ = _path_to_page(app.strip_relative_path(path) or "")
    return bool(page)


def install_not_found(server: flask.Flask, app: dash.Dash) -> None:
    """Answer 404 for paths that reach Dash's catch-all but name no page."""

    @server.before_request
    def unknown_page() -> flask.Response | None:
        rule = flask.request.url_rule
        if rule is None or not rule.rule.endswith(_CATCH_ALL):
            return None
        if flask.request.method not in ("GET", "HEAD") or is_page(app, flask.request.path):
            return None
        return not_found_page()

    @server.get("/favicon.ico")
    def favicon() -> flask.Response:
        # Browsers ask for /favicon.ico on their own; Dash serves its icon elsewhere.
        return flask.redirect(flask.request.script_root + "/_favicon.ico", code=301)

    @server.errorhandler(404)
    def not_found(_error: Exception) -> flask.Response | tuple:
        # The API answers JSON (its own handlers); every other 404 is this page.
        if flask.request.path.startswith("/api/"):
            return flask.jsonify(error="Nicht gefunden."), 404
        return not_found_page()
