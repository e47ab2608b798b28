"""Who may maintain what controlling sets up in the app (targets, Übersicht cards)."""

from __future__ import annotations

import flask

from cockpit.access.viewer import Viewer
from cockpit.app.session import current_viewer

# The roles that maintain targets and the Übersicht cards; every other role is refused on
# the server (the pages are not in their menu either).
ROLES = ("admin", "controlling")


def may_edit(viewer: Viewer | None) -> bool:
    """Whether the viewer may maintain targets and Übersicht cards (admin, controlling)."""
    return viewer is not None and viewer.role in ROLES


def current_editor() -> Viewer:
    """The person at the desk; refuse the request on the server for every other role."""
    viewer = current_viewer()
    if not may_edit(viewer):
        flask.abort(403)
    assert viewer is not None
    return viewer
