"""Sitzungsmodus: a view or dashboard as a presentation, drawn for the viewer; the page
and its callback refuse what the viewer's role may not open; next/previous; a tick
redraws only after a new data version."""

from __future__ import annotations

from contextlib import closing, suppress

import pytest

from cockpit.app.session import GATE_KEY
from cockpit.views.dashboards import delete_dashboard, save_dashboard
from cockpit.views.known import known_for
from cockpit.views.store import ViewNotFound, delete_view, save_view
from tests.app.conftest import callback, render_page, response_text

HZE = "hze_je_1000_unter_21"
HZE_TITLE = "Hilfen zur Erziehung"
OUTPUTS = ["meeting-body.children", "meeting-counter.children", "meeting-step.data",
           "meeting-version.data"]


@pytest.fixture(scope="module")
def deck(app_server):
    """Two views shared with the committee (one with a restricted indicator), one shared
    with the leadership only, and a dashboard of all three shared with the committee."""
    gate = app_server.extensions[GATE_KEY]
    with closing(gate.inst.app_db()) as conn:
        known = known_for(gate)

        def view(title: str, indicators: list[str], roles: list[str]):
            return save_view(conn, "demo-controlling", {
                "type": "bars", "title": title, "indicators": indicators,
                "level": "subdistrict", "roles": roles}, known)

        first = view("Einwohner je Stadtteil", ["einwohner"], ["committee"])
        second = view("Jugendhilfe je Stadtteil", [HZE], ["committee"])
        private = view("Nur für die Spitze", ["sgb2_quote"], ["leadership"])
        board = save_dashboard(conn, "demo-controlling", title="Ausschuss", description="",
                               view_ids=[first.id, second.id, private.id], columns=2,
                               roles=["committee"])
    yield {"first": first, "second": second, "private": private, "board": board}
    with closing(gate.inst.app_db()) as conn:
        delete_dashboard(conn, "demo-controlling", board.id)
        for saved in (first, second, private):
            with suppress(ViewNotFound):
                delete_view(conn, "demo-controlling", saved.id)


def slide(client, ref: dict, step: int = 0, changed: str = "meeting-next.n_clicks",
          area=None, version=None):
    return callback(client, OUTPUTS, {
        "meeting-prev.n_clicks": 1 if "prev" in changed else None,
        "meeting-next.n_clicks": 1 if "next" in changed else None,
        "meeting-area.value": area, "meeting-tick.n_intervals": 1 if "tick" in changed else None,
    }, state={"meeting-ref.data": ref, "meeting-step.data": step,
              "meeting-version.data": version}, changed=[changed])


def test_a_dashboard_is_presented_one_view_at_a_time(clients, deck) -> None:
    ref = {"board": str(deck["board"].id)}
    page = response_text(render_page(clients["committee"], "/sitzung",
                                     f"?dashboard={deck['board'].id}"))
    assert "meeting-mode" in page and "Weiter" in page and "Vollbild" in page
    first = slide(clients["committee"], ref, step=0, changed="meeting-area.value")
    assert first.status_code == 200
    text = response_text(first)
    assert "Einwohner je Stadtteil" in text and "Ansicht 1 von 2" in text
    second = response_text(slide(clients["committee"], ref, step=0))
    assert "Jugendhilfe je Stadtteil" in second and "Ansicht 2 von 2" in second
    # the restricted indicator never reaches the committee, and the leadership's view
    # is not one of the committee's slides at all
    assert HZE_TITLE not in second and HZE not in second
    assert "Nur für die Spitze" not in second
    last = response_text(slide(clients["committee"], ref, step=1))  # stays on the last
    assert "Ansicht 2 von 2" in last
    back = response_text(slide(clients["committee"], ref, step=1,
                               changed="meeting-prev.n_clicks"))
    assert "Ansicht 1 von 2" in back


def test_the_leadership_sees_its_own_view_in_the_deck_only_when_shared(clients, deck) -> None:
    page = response_text(render_page(clients["leadership"], "/sitzung",
                                     f"?dashboard={deck['board'].id}"))
    assert "nicht für Ihre Rolle freigegeben" in page and "meeting-body" not in page
    forged = response_text(slide(clients["leadership"], {"board": str(deck["board"].id)}))
    assert "nicht für Ihre Rolle freigegeben" in forged and "Einwohner je" not in forged


def test_a_single_view_and_a_view_not_shared(clients, deck) -> None:
    own = response_text(slide(clients["leadership"], {"id": str(deck["private"].id)},
                              changed="meeting-area.value"))
    assert "Nur für die Spitze" in own and "Ansicht 1 von 1" in own
    refused = response_text(slide(clients["committee"], {"id": str(deck["private"].id)},
                                  changed="meeting-area.value"))
    assert "nicht für Ihre Rolle freigegeben" in refused and "Nur für die Spitze" not in refused


def test_a_tick_redraws_only_after_a_new_data_version(app_server, clients, deck) -> None:
    ref = {"id": str(deck["first"].id)}
    version = app_server.extensions[GATE_KEY].data_version
    same = slide(clients["committee"], ref, changed="meeting-tick.n_intervals",
                 version=version)
    assert same.status_code == 204  # nothing new: the meeting's slide stays as it is
    newer = slide(clients["committee"], ref, changed="meeting-tick.n_intervals",
                  version="20200101T000000000000Z")
    assert newer.status_code == 200 and "Einwohner je Stadtteil" in response_text(newer)
    assert version in response_text(newer)


@pytest.mark.parametrize("query", ["", "?ansicht=999999", "?dashboard=abc",
                                   "?ansicht=1%20OR%201=1", "?datei=../../etc/passwd"])
def test_bad_references_get_a_german_message(clients, query: str) -> None:
    page = response_text(render_page(clients["committee"], "/sitzung", query))
    assert "meeting-refused" in page and "meeting-body" not in page


def test_an_unknown_area_is_ignored_and_a_bad_one_refused(clients, deck) -> None:
    ref = {"id": str(deck["first"].id)}
    ok = slide(clients["committee"], ref, changed="meeting-area.value", area="zz-unbekannt")
    assert ok.status_code == 200 and "Einwohner je Stadtteil" in response_text(ok)
    bad = slide(clients["committee"], ref, changed="meeting-area.value", area="x" * 500)
    assert bad.status_code == 400


def test_views_and_dashboards_link_into_meeting_mode(clients, deck) -> None:
    view = response_text(render_page(clients["committee"], "/ansicht",
                                     f"?id={deck['first'].id}"))
    assert f"/sitzung?ansicht={deck['first'].id}" in view
    board = response_text(render_page(clients["committee"], "/dashboard",
                                      f"?id={deck['board'].id}"))
    assert f"/sitzung?dashboard={deck['board'].id}" in board


def test_a_kept_slide_is_never_shown_to_a_role_that_sees_less(clients, deck) -> None:
    ref = {"id": str(deck["second"].id)}
    seen = response_text(slide(clients["controlling"], ref, changed="meeting-area.value"))
    assert HZE_TITLE in seen  # drawn (and kept) with controlling's rights
    again = response_text(slide(clients["committee"], ref, changed="meeting-area.value"))
    assert HZE_TITLE not in again and HZE not in again
    assert "nicht freigegeben" in again
