"""Per-request context for pages and callbacks: who asks, in which language, via which gate."""

from __future__ import annotations

import flask
import flask_login

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from cockpit.territory.levels import Levels, demo_levels

GATE_KEY = "cockpit_gate"


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


def current_levels() -> Levels:
    """The installation's levels in the current snapshot, top first."""
    return current_gate().declared_levels()


def level_label(level: str, lang: str) -> str:
    """The installation's name of an area level (Stadtteil, Gemeinde, Planungsraum, …),
    as declared in the current snapshot."""
    if flask.has_app_context() and GATE_KEY in flask.current_app.extensions:
        try:
            return current_levels().label(level, lang)
        except GateError:  # no snapshot yet: nothing is shown that needs a level name
            pass
    return demo_levels().label(level, lang)
