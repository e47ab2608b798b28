"""Menu entries for saved views and dashboards: only those shared with the user's role."""

from __future__ import annotations

import logging
import sqlite3

import dash_bootstrap_components as dbc
import flask

from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate
from cockpit.appdb.database import AppDatabaseError
from cockpit.views.dashboards import list_dashboards
from cockpit.views.store import views_for_role

logger = logging.getLogger(__name__)

register_strings({"nav.saved_views": {"de": "Ansichten", "en": "Views"}})


def saved_view_menu(lang: str, role: str) -> list:
    """A dropdown of the dashboards and views shared with `role` (nothing if none)."""
    try:
        conn = current_gate().inst.app_db()
        try:
            views = views_for_role(conn, role)
            boards = [b for b in list_dashboards(conn) if b.shared_with(role)]
        finally:
            conn.close()
    except (AppDatabaseError, sqlite3.Error) as exc:
        logger.warning("Gespeicherte Ansichten nicht lesbar: %s", exc)
        return []
    if not views and not boards:
        return []
    root = flask.request.script_root
    items = [dbc.DropdownMenuItem(b.title, href=f"{root}/dashboard?id={b.id}",
                                  external_link=True) for b in boards]
    if boards and views:
        items.append(dbc.DropdownMenuItem(divider=True))
    items += [dbc.DropdownMenuItem(v.definition.title, href=f"{root}/ansicht?id={v.id}",
                                   external_link=True) for v in views]
    return [dbc.DropdownMenu(items, label=t("nav.saved_views", lang), nav=True,
                             in_navbar=True, id="nav-saved-views")]
