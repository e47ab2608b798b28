"""Per-request context for pages and callbacks: who asks, in which language, via which gate."""

from __future__ import annotations

import flask
import flask_login

from cockpit.access import Gate, Viewer
from cockpit.app.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

GATE_KEY = "cockpit_gate"
LEVEL_LABELS_KEY = "COCKPIT_LEVEL_LABELS"


def current_gate() -> Gate:
    """The gate of the running app."""
    return flask.current_app.extensions[GATE_KEY]


def current_viewer(raw: bool = False) -> Viewer | None:
    """The logged-in user as a Viewer (None when nobody is logged in).

    `raw` asks for unsuppressed values; the gate honours it only for roles
    that may see them.
    """
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return None
    return Viewer(user.name, user.role, user.area_code, user.department, raw=bool(raw))


def current_lang() -> str:
    """The interface language chosen in this session (German by default)."""
    lang = flask.session.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def graph_config(lang: str) -> dict:
    """dcc.Graph config: local locale and topojson, no cloud upload, no plotly logo."""
    return {
        "locale": lang,
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "topojsonURL": flask.request.script_root + "/assets/vendor/topojson/",
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def level_label(level: str, lang: str) -> str:
    """The installation's name of an area level (Stadtteil, Gemeinde, …)."""
    if flask.has_app_context():
        names = flask.current_app.config.get(LEVEL_LABELS_KEY, {}).get(level, {})
        if names:
            return names.get(lang) or names.get(DEFAULT_LANGUAGE) or level
    return t(f"level.{level}", lang)
