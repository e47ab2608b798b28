"""Ansichten and Dashboards in the app: controlling builds, saves, versions and restores
views; a view never widens access (page and callback); menus only for shared roles;
forged callbacks from other roles are refused; bad input changes nothing."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import pytest

from cockpit.views.dashboards import list_dashboards
from cockpit.views.store import get_view, list_views, view_versions
from tests.app.conftest import ROLES, callback, render_page, response_text

EDITORS = ("admin", "controlling")
OTHERS = [role for role in ROLES if role not in EDITORS]
HZE = "hze_je_1000_unter_21"
HZE_TITLE = "Hilfen zur Erziehung"
FORM = ("vb-type", "vb-indicators", "vb-level", "vb-areas", "vb-periods", "vb-method",
        "vb-sort", "vb-index-base", "vb-title", "vb-description", "vb-roles")
ACT_OUTPUTS = ["vb-message.children", "vb-id.data", "vb-versions.children",
               "vb-list.children", "vb-editing.children", *[f"{f}.value" for f in FORM]]


def form(**values: Any) -> dict[str, Any]:
    base = {"vb-type": "table", "vb-indicators": ["einwohner", HZE], "vb-level": "district",
            "vb-areas": [], "vb-periods": [], "vb-method": None, "vb-sort": None,
            "vb-index-base": None, "vb-title": "Einwohner und HzE", "vb-description": "",
            "vb-roles": ["committee", "leadership"]}
    base.update({k.replace("_", "-") if k != "index_base" else "vb-index-base": v
                 for k, v in values.items()})
    return base


def act(client, changed: str, values: dict[str, Any], *, view_id: Any = None,
        clicks: int = 1, restores: list | None = None, upload: Any = None,
        filename: Any = None):
    button = {"vb-save": 0, "vb-save-new": 0, "vb-delete": 0}
    if changed in button:
        button[changed] = clicks
    inputs = [{"id": b, "property": "n_clicks", "value": v} for b, v in button.items()]
    inputs.append(restores or [])
    inputs.append({"id": "vb-upload", "property": "contents", "value": upload})
    state = [{"id": "vb-upload", "property": "filename", "value": filename},
             {"id": "vb-id", "property": "data", "value": view_id},
             *[{"id": f, "property": "value", "value": values[f]} for f in FORM]]
    changed_prop = changed if "." in changed else (
        f"{changed}.contents" if changed == "vb-upload" else f"{changed}.n_clicks")
    return client.post("/_dash-update-component", json={
        "output": ".." + "...".join(ACT_OUTPUTS) + "..",
        "outputs": [dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
                    for o in ACT_OUTPUTS],
        "inputs": inputs, "state": state, "changedPropIds": [changed_prop]})


def out(response, component: str, prop: str = "children") -> Any:
    assert response.status_code == 200, response_text(response)[:2000]
    return response.json["response"].get(component, {}).get(prop)


def show(client, view_id: Any):
    return callback(client, "view-content.children",
                    {"view-ref.data": {"id": str(view_id), "file": None}})


def saved_views(demo) -> list:
    with closing(demo.app_db()) as conn:
        return list_views(conn)


@pytest.fixture(autouse=True)
def no_views(demo):
    def clear() -> None:
        with closing(demo.app_db()) as conn, conn:
            conn.execute("DELETE FROM overview_dashboards")
            conn.execute("DELETE FROM dashboards")
            conn.execute("UPDATE views SET deleted_at = 'x', deleted_by = 'test'"
                         " WHERE deleted_at IS NULL")
    clear()
    yield
    clear()


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_have_the_builder(clients, role: str) -> None:
    page = response_text(render_page(clients[role], "/ansichten"))
    boards = response_text(render_page(clients[role], "/dashboards"))
    if role in EDITORS:
        assert "vb-save" in page and "db-save" in boards
    else:
        assert "Ansichten bauen nur Controlling und Administration." in page
        assert "vb-save" not in page and "db-save" not in boards


@pytest.mark.parametrize("role", OTHERS)
def test_forged_builder_callbacks_are_refused(clients, demo, role: str) -> None:
    client = clients[role]
    assert act(client, "vb-save", form()).status_code == 403
    assert act(client, "vb-save-new", form()).status_code == 403
    preview = callback(client, "vb-preview.children",
                       {f"{f}.value": v for f, v in form().items()})
    assert preview.status_code == 403
    assert saved_views(demo) == []


def test_save_version_restore_through_the_callbacks(clients, demo) -> None:
    editor = clients["controlling"]
    first = act(editor, "vb-save", form())
    assert "gespeichert (Version 1)" in response_text(first)
    view_id = out(first, "vb-id", "data")
    second = act(editor, "vb-save", form(vb_title="Neu betitelt", vb_type="bars",
                                         vb_indicators=["einwohner"]), view_id=view_id)
    assert "Version 2" in response_text(second)
    with closing(demo.app_db()) as conn:
        assert [v.definition.title for v in view_versions(conn, view_id)] == [
            "Neu betitelt", "Einwohner und HzE"]
    restore = {"id": {"type": "vb-restore", "index": 1}, "property": "n_clicks", "value": 1}
    restored = act(editor, '{"index":1,"type":"vb-restore"}.n_clicks', form(),
                   view_id=view_id, restores=[restore])
    assert "Version 1 wiederhergestellt (jetzt Version 3)" in response_text(restored)
    assert out(restored, "vb-title", "value") == "Einwohner und HzE"
    with closing(demo.app_db()) as conn:
        assert get_view(conn, view_id).definition.title == "Einwohner und HzE"
    copy = act(editor, "vb-save-new", form(vb_title="Kopie"), view_id=view_id)
    assert out(copy, "vb-id", "data") != view_id
    assert len(saved_views(demo)) == 2


def test_a_shared_view_never_widens_access(clients, demo) -> None:
    view_id = out(act(clients["controlling"], "vb-save", form()), "vb-id", "data")
    # the author sees the restricted indicator
    mine = response_text(show(clients["controlling"], view_id))
    assert HZE_TITLE in mine and "nicht freigegeben" not in mine
    # a committee member: a note, nothing of the restricted indicator, in the callback
    theirs = show(clients["committee"], view_id)
    text = response_text(theirs)
    assert theirs.status_code == 200
    assert "Eine Kennzahl dieser Ansicht ist für Ihre Rolle nicht freigegeben" in text
    assert HZE_TITLE not in text and HZE not in text
    assert "Einwohner" in text
    # and in the page itself: the definition never reaches the browser
    page = response_text(render_page(clients["committee"], "/ansicht", f"?id={view_id}"))
    assert HZE not in page and "view-content" in page


def test_views_open_and_show_in_the_menu_only_for_shared_roles(clients, demo) -> None:
    view_id = out(act(clients["controlling"], "vb-save", form(vb_roles=["committee"])),
                  "vb-id", "data")
    for role in ROLES:
        menu = response_text(clients[role].get("/_dash-layout"))
        page = show(clients[role], view_id)
        shared = role in ("admin", "controlling", "committee")
        assert ("Einwohner und HzE" in menu) == shared, role
        assert ("nicht für Ihre Rolle freigegeben" in response_text(page)) != shared, role


@pytest.mark.parametrize(("values", "message"), [
    ({"vb_title": "  "}, "Bitte einen Titel angeben."),
    ({"vb_indicators": ["gibt_es_nicht"]}, "Unbekannter Indikator „gibt_es_nicht“."),
    ({"vb_roles": ["committee", "gast"]}, "Unbekannte Rolle „gast“"),
    ({"vb_roles": []}, "Bitte mindestens eine Rolle wählen"),
    ({"vb_type": "pie"}, "Unbekannter Ansichtstyp „pie“"),
    ({"vb_level": "kontinent"}, "Unbekannte Gebietsebene „kontinent“"),
])
def test_bad_input_gets_a_german_message_and_saves_nothing(clients, demo, values,
                                                           message) -> None:
    response = act(clients["controlling"], "vb-save", form(**values))
    assert message in response_text(response)
    assert saved_views(demo) == []


def test_unknown_view_ids_get_a_german_message(clients) -> None:
    for ref in ("999999", "abc", "-3", "1 OR 1=1"):
        page = response_text(render_page(clients["committee"], "/ansicht", f"?id={ref}"))
        assert "Unbekannte Ansicht" in page
        assert "Unbekannte Ansicht" in response_text(show(clients["committee"], ref))
    builder = response_text(render_page(clients["controlling"], "/ansichten", "?id=424242"))
    assert "Unbekannte Ansicht „424242“" in builder
    saved = act(clients["controlling"], "vb-save", form(), view_id=424242)
    assert "Unbekannte Ansicht" in response_text(saved)


def test_a_yaml_file_loads_into_the_form_and_a_broken_one_is_refused(clients) -> None:
    import base64

    good = ("type: bars\ntitle: Aus Datei\nindicators: [einwohner]\nlevel: subdistrict\n"
            "roles: [committee]\n")
    data = "data:application/x-yaml;base64," + base64.b64encode(good.encode()).decode()
    loaded = act(clients["controlling"], "vb-upload", form(), upload=data,
                 filename="a.yaml")
    assert out(loaded, "vb-title", "value") == "Aus Datei"
    bad = "data:application/x-yaml;base64," + base64.b64encode(b"title: [").decode()
    refused = act(clients["controlling"], "vb-upload", form(), upload=bad, filename="b.yaml")
    assert "b.yaml: Die Datei ist kein gültiges YAML" in response_text(refused)


def test_dashboard_as_the_overview_of_a_role(clients, demo) -> None:
    editor = clients["controlling"]
    view_id = out(act(editor, "vb-save", form(vb_roles=["committee"])), "vb-id", "data")
    saved = callback(editor, ["db-message.children", "db-board.options", "db-board.value",
                              "db-list.children", "db-assigned-board.options"],
                     {"db-save.n_clicks": 1, "db-delete.n_clicks": 0},
                     {"db-board.value": "new", "db-title.value": "Ausschuss",
                      "db-description.value": "", "db-views.value": [str(view_id)],
                      "db-columns.value": 2, "db-roles.value": ["committee"]},
                     changed=["db-save.n_clicks"])
    assert "Dashboard „Ausschuss“ gespeichert." in response_text(saved)
    board_id = out(saved, "db-board", "value")
    forged = callback(clients["committee"], ["db-assign-message.children",
                                             "db-assignments.children"],
                      {"db-assign.n_clicks": 1},
                      {"db-kind.value": "role", "db-target.value": "committee",
                       "db-assigned-board.value": board_id})
    assert forged.status_code == 403
    assigned = callback(editor, ["db-assign-message.children", "db-assignments.children"],
                        {"db-assign.n_clicks": 1},
                        {"db-kind.value": "role", "db-target.value": "committee",
                         "db-assigned-board.value": board_id})
    assert "Übersicht für committee gespeichert." in response_text(assigned)
    overview = response_text(render_page(clients["committee"], "/"))
    assert "Ausschuss" in overview and "overview-dashboard" in overview
    assert HZE_TITLE not in overview and "nicht freigegeben" in overview
    assert "overview-dashboard" not in response_text(render_page(clients["leadership"], "/"))
    bad = callback(editor, ["db-assign-message.children", "db-assignments.children"],
                   {"db-assign.n_clicks": 1},
                   {"db-kind.value": "role", "db-target.value": "gast",
                    "db-assigned-board.value": board_id})
    assert "Unbekannte Rolle „gast“." in response_text(bad)
    with closing(demo.app_db()) as conn:
        assert [b.title for b in list_dashboards(conn)] == ["Ausschuss"]


def test_export_gives_the_yaml_that_loads_back_identically(clients, demo, app_server) -> None:
    from cockpit.app.session import GATE_KEY
    from cockpit.views.files import parse_yaml
    from cockpit.views.known import known_for

    editor = clients["controlling"]
    view_id = out(act(editor, "vb-save", form(vb_description="Mit „Umlauten“ äöü")),
                  "vb-id", "data")
    state = {"vb-id.data": view_id, **{f"{f}.value": v for f, v in form().items()}}
    response = callback(editor, ["vb-download.data", "vb-export-message.children"],
                        {"vb-export.n_clicks": 1}, state)
    download = out(response, "vb-download", "data")
    assert download["filename"] == f"ansicht_{view_id}.yaml"
    with closing(demo.app_db()) as conn:
        stored = get_view(conn, view_id).definition
    gate = app_server.extensions[GATE_KEY]
    assert parse_yaml(download["content"], known_for(gate)) == stored
    forged = callback(clients["committee"], ["vb-download.data",
                                             "vb-export-message.children"],
                      {"vb-export.n_clicks": 1}, state)
    assert forged.status_code == 403


def test_delete_through_the_builder(clients, demo) -> None:
    editor = clients["controlling"]
    view_id = out(act(editor, "vb-save", form()), "vb-id", "data")
    nothing = act(editor, "vb-delete", form(), view_id=None)
    assert "Bitte zuerst eine gespeicherte Ansicht öffnen." in response_text(nothing)
    assert len(saved_views(demo)) == 1
    assert act(clients["committee"], "vb-delete", form(), view_id=view_id).status_code == 403
    deleted = act(editor, "vb-delete", form(), view_id=view_id)
    assert "gelöscht" in response_text(deleted)
    assert saved_views(demo) == []
    assert "Unbekannte Ansicht" in response_text(show(clients["committee"], view_id))


def test_a_view_file_opens_for_its_roles(clients) -> None:
    committee = response_text(callback(clients["committee"], "view-content.children",
                                       {"view-ref.data": {"id": None,
                                                          "file": "sgb2_stadtteile"}}))
    assert "SGB-II-Quote je Stadtteil" in committee
    unknown = callback(clients["committee"], "view-content.children",
                       {"view-ref.data": {"id": None, "file": "../../etc/passwd"}})
    assert "Unbekannte Ansichtsdatei" in response_text(unknown)


def test_editing_opens_the_saved_definition_in_the_builder(clients) -> None:
    view_id = out(act(clients["controlling"], "vb-save", form(vb_title="Zum Bearbeiten")),
                  "vb-id", "data")
    page = response_text(render_page(clients["admin"], "/ansichten", f"?id={view_id}"))
    assert "Sie bearbeiten „Zum Bearbeiten“ (Version 1)." in page
    assert '"value": "Zum Bearbeiten"' in page and '"data": ' + str(view_id) in page
