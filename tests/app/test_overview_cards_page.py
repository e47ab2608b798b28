"""Übersicht einrichten: controlling and admin choose the cards per role (server-side
permission, checked ids); the Übersicht follows; a reset goes back to overview.yaml."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Any

import pytest

from cockpit.access import Gate
from cockpit.appdb.overview_cards import get_cards
from tests.app.conftest import ROLES, render_page, response_text

EDITORS = ("admin", "controlling")
OTHERS = [role for role in ROLES if role not in EDITORS]
OUTPUTS = ["cards-choice.options", "cards-choice.value", "cards-source.children",
           "cards-message.children"]
HZE = "hze_je_1000_unter_21"


def post(client, changed: str, *, role: Any = "leadership", ids: Any = None, save: Any = 0,
         reset: Any = 0, ups: list | None = None, downs: list | None = None):
    return client.post("/_dash-update-component", json={
        "output": ".." + "...".join(OUTPUTS) + "..",
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                    for o in OUTPUTS],
        "inputs": [{"id": "cards-role", "property": "value", "value": role}, ups or [],
                   downs or [], {"id": "cards-save", "property": "n_clicks", "value": save},
                   {"id": "cards-reset", "property": "n_clicks", "value": reset}],
        "state": [{"id": "cards-choice", "property": "value", "value": ids}],
        "changedPropIds": [changed],
    })


def out(response, component: str, prop: str) -> Any:
    assert response.status_code == 200, response_text(response)
    return response.json["response"][component].get(prop)


def chosen(demo, role: str) -> list[str] | None:
    with closing(demo.app_db()) as conn:
        return get_cards(conn, role)


def card_ids(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('"id": "overview-card-')[1:]]


@pytest.fixture(autouse=True)
def file_defaults(demo):
    def clear() -> None:
        with closing(demo.app_db()) as conn, conn:
            conn.execute("DELETE FROM overview_cards")
    clear()
    yield
    clear()


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_have_the_page_and_links_to_it(clients, role: str) -> None:
    page = response_text(render_page(clients[role], "/uebersicht-einrichten"))
    shell = response_text(clients[role].get("/_dash-layout"))
    overview = response_text(render_page(clients[role], "/"))
    targets = response_text(render_page(clients[role], "/zielwerte"))
    assert '"href": "/uebersicht-einrichten"' not in shell  # linked, not in the menu
    if role in EDITORS:
        assert "cards-save" in page
        assert '"href": "/uebersicht-einrichten"' in overview
        assert '"href": "/uebersicht-einrichten"' in targets
    else:
        assert "Die Übersicht richten nur Controlling und Administration ein." in page
        assert "cards-save" not in page
        assert "/uebersicht-einrichten" not in overview + targets


@pytest.mark.parametrize("role", OTHERS)
def test_every_callback_refuses_other_roles(clients, demo, role: str) -> None:
    client = clients[role]
    assert post(client, "cards-role.value").status_code == 403
    assert post(client, "cards-save.n_clicks", save=1, ids=["einwohner"]).status_code == 403
    assert post(client, "cards-reset.n_clicks", reset=1).status_code == 403
    order = client.post("/_dash-update-component", json={
        "output": "cards-order.children", "outputs": {"id": "cards-order",
                                                      "property": "children"},
        "inputs": [{"id": "cards-choice", "property": "value", "value": ["einwohner"]}],
        "changedPropIds": ["cards-choice.value"]})
    assert order.status_code == 403
    assert chosen(demo, "leadership") is None


def test_a_role_shows_the_file_default_and_only_what_it_may_see(clients, demo) -> None:
    response = post(clients["controlling"], "cards-role.value", role="committee")
    offered = [o["value"] for o in out(response, "cards-choice", "options")]
    assert "einwohner" in offered and HZE not in offered  # restricted: never for committee
    # overview.yaml lists HZE for committee; it is not shown as chosen either
    assert out(response, "cards-choice", "value")[:2] == ["einwohner", "sgb2_quote"]
    assert HZE not in out(response, "cards-choice", "value")
    assert "overview.yaml" in str(out(response, "cards-source", "children"))
    department = post(clients["controlling"], "cards-role.value", role="department")
    assert HZE in [o["value"] for o in out(department, "cards-choice", "options")]


def test_save_changes_the_overview_and_reset_restores_the_file(app_server, clients,
                                                              demo) -> None:
    before = card_ids(response_text(render_page(clients["leadership"], "/")))
    assert before[:2] == ["einwohner", "sgb2_quote"]
    response = post(clients["controlling"], "cards-save.n_clicks", save=1,
                    ids=["kinderarmut", "einwohner"])
    assert "gespeichert" in response_text(response)
    assert chosen(demo, "leadership") == ["kinderarmut", "einwohner"]
    user = app_server.demo_passwords["controlling"][0]
    assert user in str(out(response, "cards-source", "children"))
    assert card_ids(response_text(render_page(clients["leadership"], "/"))) == [
        "kinderarmut", "einwohner"]
    # other roles keep theirs
    assert card_ids(response_text(render_page(clients["committee"], "/")))[0] == "einwohner"
    response = post(clients["admin"], "cards-reset.n_clicks", reset=1)
    assert out(response, "cards-choice", "value")[:2] == ["einwohner", "sgb2_quote"]
    assert chosen(demo, "leadership") is None
    assert card_ids(response_text(render_page(clients["leadership"], "/"))) == before
    with closing(demo.app_db()) as conn:
        rows = conn.execute("SELECT action, detail FROM audit_log WHERE action LIKE"
                            " 'overview_cards_%' ORDER BY id DESC LIMIT 2").fetchall()
    assert [r[0] for r in rows] == ["overview_cards_reset", "overview_cards_changed"]
    assert json.loads(rows[1][1])["new"] == ["kinderarmut", "einwohner"]


@pytest.mark.parametrize(("role", "ids", "message"), [
    ("committee", ["einwohner", HZE], f"Die Rolle „committee“ darf den Indikator „{HZE}“ "
                                      "nicht sehen."),
    ("leadership", ["gibt_es_nicht"], "Unbekannter Indikator „gibt_es_nicht“."),
    ("leadership", [], "Bitte mindestens eine Kennzahl wählen"),
    ("leadership", ["einwohner", "einwohner"], "Der Indikator „einwohner“ ist doppelt gewählt."),
])
def test_bad_choices_get_a_german_message_and_change_nothing(clients, demo, role: str,
                                                             ids: list, message: str) -> None:
    response = post(clients["controlling"], "cards-save.n_clicks", role=role, ids=ids, save=1)
    assert message in response_text(response)
    assert chosen(demo, role) is None


def test_tampered_requests_change_nothing(clients, demo) -> None:
    client = clients["controlling"]
    assert post(client, "cards-save.n_clicks", role="mayor", save=1,
                ids=["einwohner"]).status_code == 204
    assert post(client, "cards-save.n_clicks", save=1, ids="einwohner").status_code == 400
    assert post(client, "cards-save.n_clicks", save=1, ids=[1]).status_code == 400
    assert chosen(demo, "leadership") is None


def test_moving_a_card(clients) -> None:
    ident = {"index": 1, "type": "cards-up"}
    changed = json.dumps(ident, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    response = post(clients["controlling"], changed, ids=["a_id", "b_id", "c_id"],
                    ups=[{"id": {"index": n, "type": "cards-up"}, "property": "n_clicks",
                          "value": 1 if n == 1 else 0} for n in range(3)],
                    downs=[{"id": {"index": n, "type": "cards-down"}, "property": "n_clicks",
                            "value": 0} for n in range(3)])
    assert out(response, "cards-choice", "value") == ["b_id", "a_id", "c_id"]


def test_the_district_role_is_offered_restricted_indicators(demo) -> None:
    import sys

    module = sys.modules["cockpit.pages.overview_cards"]
    gate = Gate(demo)
    assert HZE in module.role_visible(gate, "district")
    assert HZE in module.role_visible(gate, "leadership")
    assert HZE not in module.role_visible(gate, "committee")
    assert module.move(["a", "b"], 0, -1) == ["a", "b"]
    assert module.move(["a", "b"], 0, 1) == ["b", "a"]
