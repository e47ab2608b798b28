"""The catalogue links an indicator into the saved views shared with the viewer's role."""

from __future__ import annotations

from contextlib import closing, suppress

import pytest

from cockpit.app.session import GATE_KEY
from cockpit.views.known import known_for
from cockpit.views.store import ViewNotFound, delete_view, save_view
from tests.app.conftest import render_page, response_text


@pytest.fixture
def two_views(app_server):
    gate = app_server.extensions[GATE_KEY]
    with closing(gate.inst.app_db()) as conn:
        known = known_for(gate)
        shared = save_view(conn, "demo-controlling", {
            "type": "bars", "title": "Einwohner im Ausschuss", "indicators": ["einwohner"],
            "level": "subdistrict", "roles": ["committee"]}, known)
        private = save_view(conn, "demo-controlling", {
            "type": "bars", "title": "Einwohner für die Spitze", "indicators": ["einwohner"],
            "level": "subdistrict", "roles": ["leadership"]}, known)
    yield shared, private
    with closing(gate.inst.app_db()) as conn:
        for view in (shared, private):
            with suppress(ViewNotFound):  # the test may have deleted it already
                delete_view(conn, "demo-controlling", view.id)


def _catalogue(client) -> str:
    return response_text(render_page(client, "/indikatoren"))


def test_views_shared_with_the_role_are_linked(clients, two_views) -> None:
    shared, private = two_views
    committee = _catalogue(clients["committee"])
    assert f"/ansicht?id={shared.id}" in committee and "Einwohner im Ausschuss" in committee
    assert f"/ansicht?id={private.id}" not in committee
    leadership = _catalogue(clients["leadership"])
    assert f"/ansicht?id={private.id}" in leadership
    assert f"/ansicht?id={shared.id}" not in leadership


def test_a_deleted_view_is_no_longer_linked(app_server, clients, two_views) -> None:
    shared, _ = two_views
    gate = app_server.extensions[GATE_KEY]
    with closing(gate.inst.app_db()) as conn:
        delete_view(conn, "demo-controlling", shared.id)
    assert f"/ansicht?id={shared.id}" not in _catalogue(clients["committee"])
