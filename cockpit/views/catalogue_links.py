"""Links from the catalogue into the saved views that show an indicator.

Only views shared with the viewer's role are offered, and only for indicators the gate
lets the viewer see (the catalogue lists nothing else); opening a view asks the gate
again for each of its indicators.
"""

from __future__ import annotations

import logging
import sqlite3

import flask

from cockpit.access import Gate, Viewer
from cockpit.app.i18n import register_strings, t
from cockpit.app.indicator_links import register_link_provider
from cockpit.appdb.database import AppDatabaseError, thread_connection
from cockpit.views.store import SavedView, views_for_role

logger = logging.getLogger(__name__)

register_strings({"links.view": {"de": "Ansicht „{title}“", "en": "View “{title}”"}})

_KEY = "cockpit_views_for_role"


def _shared_views(gate: Gate, role: str) -> list[SavedView]:
    """The views shared with `role`, read once per request (the catalogue asks per
    indicator)."""
    kept = flask.g.setdefault(_KEY, {}) if flask.has_app_context() else {}
    if role not in kept:
        try:
            kept[role] = views_for_role(thread_connection(gate.inst.settings.app_db_path),
                                        role)
        except (AppDatabaseError, sqlite3.Error) as exc:
            logger.warning("Gespeicherte Ansichten nicht lesbar: %s", exc)
            kept[role] = []
    return kept[role]


@register_link_provider
def view_links(gate: Gate, viewer: Viewer | None, indicator_id: str,
               lang: str) -> list[tuple[str, str]]:
    """(label, href) of the saved views shared with the viewer that show the indicator."""
    if viewer is None:
        return []
    root = flask.request.script_root if flask.has_request_context() else ""
    return [(t("links.view", lang, title=view.definition.title), f"{root}/ansicht?id={view.id}")
            for view in _shared_views(gate, viewer.role)
            if indicator_id in view.definition.indicators]
