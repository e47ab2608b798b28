"""Zielwerte: controlling and admin only (on the server), checked input, status on the
Übersicht and in the profile, and no status from a hidden value."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date
from typing import Any

import pytest

from cockpit.access import Gate, Viewer
from cockpit.appdb.targets import TargetDraft, list_targets, save_target, target_history
from cockpit.indicators.targets import evaluate
from tests.app.conftest import ROLES, render_page, response_text

EDITORS = ("admin", "controlling")
OTHERS = [role for role in ROLES if role not in EDITORS]
OUTPUTS = ["targets-list.children", "targets-history.children", "targets-message.children",
           "targets-indicator.value", "targets-area.value", "targets-value.value",
           "targets-year.value", "targets-direction.value", "targets-corridor.value",
           "targets-editing.data"]
BASE_OUTPUTS = ["targets-base.options", "targets-base.value"]
SYMBOLS = ("✔", "⚠", "✖")
# Target years entered in the form must not lie in the past, whenever the tests run.
FUTURE, LATER = str(date.today().year + 4), str(date.today().year + 5)
WORDS = ("auf Kurs", "gefährdet", "nicht auf Kurs")


def post(client, changed: str, *, save: Any = 0, new: Any = 0, edits: list | None = None,
         deletes: list | None = None, editing: Any = None, **fields: Any):
    form = {"indicator": None, "area": None, "value": None, "year": None,
            "direction": "rise", "corridor": None, "base": None, **fields}
    return client.post("/_dash-update-component", json={
        "output": ".." + "...".join(OUTPUTS) + "..",
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                    for o in OUTPUTS],
        "inputs": [{"id": "targets-save", "property": "n_clicks", "value": save},
                   {"id": "targets-new", "property": "n_clicks", "value": new},
                   edits or [], deletes or []],
        "state": [{"id": f"targets-{name}", "property": "value", "value": form[name]}
                  for name in ("indicator", "area", "value", "year", "direction", "corridor",
                               "base")]
                 + [{"id": "targets-editing", "property": "data", "value": editing}],
        "changedPropIds": [changed],
    })


def save(client, **fields: Any):
    return post(client, "targets-save.n_clicks", save=1, **fields)


def button(kind: str, target_id: Any, clicks: Any = 1) -> tuple[str, list]:
    ident = {"index": target_id, "type": f"targets-{kind}"}
    changed = json.dumps(ident, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    return changed, [{"id": ident, "property": "n_clicks", "value": clicks}]


def out(response, component: str, prop: str) -> Any:
    assert response.status_code == 200, response_text(response)
    return response.json["response"][component][prop]


def card_of(page: str, indicator: str) -> str:
    """The JSON of one Übersicht card (a component's children come before its id)."""
    end = page.index(f'"id": "overview-card-{indicator}"')
    return page[page.rfind('"id": "overview-card-', 0, end) + 1:end]


def row_of(page: str, indicator: str) -> str:
    """The JSON of one profile row (its children come before its data-indicator)."""
    end = page.index(f'"data-indicator": "{indicator}"')
    return page[page.rfind('"data-indicator": ', 0, end) + 1:end]


def stored(demo) -> list:
    with closing(demo.app_db()) as conn:
        return list_targets(conn)


@pytest.fixture(autouse=True)
def no_targets_left(demo):
    """Each test starts and ends without targets (the history stays, append-only)."""
    def clear() -> None:
        with closing(demo.app_db()) as conn, conn:
            conn.execute("DELETE FROM targets")
    clear()
    yield
    clear()


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def put(demo, indicator: str, area: str, value: float, year: int, direction: str,
        base: str, corridor: float | None = None):
    with closing(demo.app_db()) as conn:
        return save_target(conn, "test", TargetDraft(indicator, area, value, year, direction,
                                                     corridor, base))


# --- permission -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_have_the_page_and_its_menu_entry(clients, role: str) -> None:
    page = response_text(render_page(clients[role], "/zielwerte"))
    shell = response_text(clients[role].get("/_dash-layout"))
    if role in EDITORS:
        assert "targets-save" in page and "Wie der Zielstatus bestimmt wird" in page
        assert '"href": "/zielwerte"' in shell and "Zielwerte" in shell
    else:
        assert "Zielwerte pflegen nur Controlling und Administration." in page
        assert "targets-save" not in page
        assert '"href": "/zielwerte"' not in shell


@pytest.mark.parametrize("role", OTHERS)
def test_every_callback_refuses_other_roles(clients, demo, role: str) -> None:
    client = clients[role]
    response = save(client, indicator="sgb2_quote", area="00", value="9", year=FUTURE,
                    direction="fall")
    assert response.status_code == 403
    put(demo, "sgb2_quote", "00", 9.0, 2030, "fall", "2020")
    target = stored(demo)[0]
    for kind in ("edit", "delete"):
        changed, buttons = button(kind, target.id)
        response = post(client, changed, **{f"{kind}s": buttons})
        assert response.status_code == 403
        assert "sgb2_quote" not in response.get_data(as_text=True)
    base = client.post("/_dash-update-component", json={
        "output": ".." + "...".join(BASE_OUTPUTS) + "..",
        "outputs": [{"id": "targets-base", "property": p} for p in ("options", "value")],
        "inputs": [{"id": "targets-indicator", "property": "value", "value": "sgb2_quote"},
                   {"id": "targets-area", "property": "value", "value": "00"},
                   {"id": "targets-editing", "property": "data", "value": target.id}],
        "state": [{"id": "targets-base", "property": "value", "value": None}],
        "changedPropIds": ["targets-area.value"]})
    assert base.status_code == 403
    assert stored(demo) == [target]


# --- saving, editing, deleting ----------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_save_edit_delete_with_history(app_server, clients, demo, role: str) -> None:
    client = clients[role]
    user = app_server.demo_passwords[role][0]
    response = save(client, indicator="sgb2_quote", area="00", value="9,5", year=FUTURE,
                    direction="fall", corridor="0,2", base="2020")
    assert "gespeichert" in response_text(response)
    [target] = stored(demo)
    assert (target.indicator_id, target.area_code, target.target_value, target.target_year,
            target.direction, target.corridor, target.base_period) == (
        "sgb2_quote", "00", 9.5, int(FUTURE), "fall", 0.2, "2020")
    assert target.created_by == user
    listing = response_text(response)
    assert "SGB-II-Quote" in listing and any(word in listing for word in WORDS)

    changed, edits = button("edit", target.id)
    response = post(client, changed, edits=edits)
    assert [out(response, f"targets-{n}", "value") for n in
            ("indicator", "area", "value", "year", "direction", "corridor")] == [
        "sgb2_quote", "00", "9,5", FUTURE, "fall", "0,2"]
    assert out(response, "targets-editing", "data") == target.id

    response = save(client, indicator="sgb2_quote", area="00", value="8", year=LATER,
                    direction="fall", base="2020", editing=target.id)
    assert "gespeichert" in response_text(response)
    [after] = stored(demo)
    assert (after.id, after.target_value, after.target_year, after.corridor) == (
        target.id, 8.0, int(LATER), None)

    changed, deletes = button("delete", target.id)
    response = post(client, changed, deletes=deletes)
    assert "gelöscht" in response_text(response)
    assert stored(demo) == []
    with closing(demo.app_db()) as conn:
        history = target_history(conn, target.id)
        audit = conn.execute("SELECT action FROM audit_log WHERE user_name = ? AND action"
                             " LIKE 'target_%' ORDER BY id DESC LIMIT 3", (user,)).fetchall()
    assert [h.action for h in history] == ["deleted", "changed", "created"]
    assert history[1].old["target_value"] == 9.5 and history[1].new["target_value"] == 8.0
    assert all(h.user_name == user for h in history)
    assert [row[0] for row in audit] == ["target_deleted", "target_changed", "target_created"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"indicator": "gibt_es_nicht"}, "Unbekannter Indikator „gibt_es_nicht“."),
    ({"area": "9999"}, "Unbekanntes Gebiet „9999“."),
    ({"value": "zehn"}, "Zielwert: „zehn“ ist keine Zahl."),
    ({"value": ""}, "Bitte einen Zielwert angeben."),
    ({"year": "2020"}, "Das Zieljahr 2020 liegt in der Vergangenheit"),
    ({"year": "nächstes"}, "Zieljahr: „nächstes“ ist keine Jahreszahl"),
    ({"corridor": "-1"}, "Der Korridor darf nicht negativ sein."),
    ({"corridor": "etwas"}, "Korridor: „etwas“ ist keine Zahl."),
    ({"direction": "hoch"}, "Die Richtung muss „steigen“, „sinken“ oder „halten“ sein."),
    ({"base": "1990"}, "Basiszeitraum „1990“"),
    ({"value": "20"}, "Bei „sinken“ muss der Zielwert unter dem Ausgangswert"),
])
def test_bad_input_gets_a_german_message_and_changes_nothing(clients, demo, fields: dict,
                                                             message: str) -> None:
    good = {"indicator": "sgb2_quote", "area": "00", "value": "9", "year": FUTURE,
            "direction": "fall", "base": "2020"}
    response = save(clients["controlling"], **{**good, **fields})
    text = response_text(response)
    assert message in text and "targets-error" in text
    assert stored(demo) == []
    # the same form without the fault is accepted
    assert "gespeichert" in response_text(save(clients["controlling"], **good))


def test_tampered_ids_and_types_change_nothing(clients, demo) -> None:
    put(demo, "sgb2_quote", "00", 9.0, 2030, "fall", "2020")
    client = clients["controlling"]
    for bad in (999999, -1):
        changed, deletes = button("delete", bad)
        assert "Unbekannter Zielwert" in response_text(post(client, changed, deletes=deletes))
    assert save(client, indicator=["sgb2_quote"], area="00", value="9",
                year=FUTURE).status_code == 400
    assert save(client, indicator="sgb2_quote", area="00", value="9", year=FUTURE,
                direction="fall", base="2020", editing="1").status_code == 400
    changed, deletes = button("delete", stored(demo)[0].id, clicks=0)  # a fresh button
    assert post(client, changed, deletes=deletes).status_code == 204
    assert len(stored(demo)) == 1


def test_the_page_speaks_english_too(app_server, demo) -> None:
    from tests.app.conftest import login

    client = app_server.test_client()
    name, password = app_server.demo_passwords["controlling"]
    login(client, name, password)
    client.get("/lang/en")
    page = response_text(render_page(client, "/zielwerte"))
    assert "How the target status is determined" in page
    text = response_text(save(client, indicator="sgb2_quote", area="00", value="x",
                              year=FUTURE, direction="fall"))
    assert "Target value: “x” is not a number." in text


def test_every_refusal_has_an_english_text() -> None:
    from cockpit.app.i18n import STRINGS
    from cockpit.appdb.targets import MESSAGES

    for key in MESSAGES:
        assert STRINGS[f"targets.error.{key}"]["en"]


# --- status on the Übersicht and in the profile -----------------------------------------------


def _city_series(gate: Gate, indicator: str) -> dict[str, float]:
    rows = gate.rows(Viewer("x", "leadership"), indicator, area="00", all_periods=True)
    return {str(r.period): float(r.value) for r in rows}


def test_leadership_sees_target_and_status_on_the_overview(clients, demo) -> None:
    put(demo, "sgb2_quote", "00", 8.0, 2030, "fall", "2020", corridor=0.1)
    page = response_text(render_page(clients["leadership"], "/"))
    card = card_of(page, "sgb2_quote")
    assert "Ziel 2030: 8,0" in card and "(sinken)" in card
    # cards without a target show none
    other = card_of(page, "arbeitslosenquote")
    assert "Ziel 2030" not in other and not any(s in other for s in SYMBOLS)


# The demo city's values: arbeitslosenquote 2020 5,20 → 2025 4,99; sgb2_quote 2020 10,88 →
# 2025 11,42. Targets "fall" by 2030 (path at 2025 = halfway):
#   arbeitslosenquote to 5,0: path 5,10, 4,99 is below it → on track
#   arbeitslosenquote to 4,0: path 4,60, 4,99 is above it but below 5,20 → at risk
#   sgb2_quote to 9,0: path 9,94, 11,42 is above 10,88, worse than at the start → off track
@pytest.mark.parametrize(("indicator", "value", "status"), [
    ("arbeitslosenquote", 5.0, "on_track"),
    ("arbeitslosenquote", 4.0, "at_risk"),
    ("sgb2_quote", 9.0, "off_track"),
])
def test_the_overview_status_follows_the_rule(clients, demo, gate, indicator: str,
                                              value: float, status: str) -> None:
    series = _city_series(gate, indicator)
    latest = list(series)[-1]
    assert latest == "2025"
    result = evaluate("fall", value, 2030, None, "2020", series["2020"], latest,
                      series[latest])
    assert result is not None and result.status == status
    put(demo, indicator, "00", value, 2030, "fall", "2020")
    card = card_of(response_text(render_page(clients["leadership"], "/")), indicator)
    symbol, word = dict(zip(("on_track", "at_risk", "off_track"),
                            zip(SYMBOLS, WORDS, strict=True), strict=True))[status]
    assert symbol in card and f'"{word}"' in card
    assert [s for s in SYMBOLS if s in card] == [symbol]  # one status, not three
    assert f"target-{status}" in card


def test_profile_shows_target_and_status(clients, demo, gate) -> None:
    put(demo, "einwohner", "0103", 1.0, 2030, "keep", "2020", corridor=1e9)
    page = response_text(render_page(clients["leadership"], "/profil", "?area=0103"))
    row = row_of(page, "einwohner")
    assert "Ziel 2030" in row and "(halten)" in row and "✔" in row and "auf Kurs" in row


def test_no_status_from_a_suppressed_value(clients, demo, gate) -> None:
    """abgaenger_ohne_abschluss is suppressed in 0103 in the latest period: the target is
    shown, its status is not (it would narrow the hidden value); a raw view shows it."""
    rows = gate.rows(Viewer("x", "leadership"), "abgaenger_ohne_abschluss", area="0103",
                     all_periods=True)
    assert rows[-1].suppressed
    base = next(str(r.period) for r in reversed(rows) if not r.suppressed)
    put(demo, "abgaenger_ohne_abschluss", "0103", 1.0, 2030, "fall", base, corridor=1e9)
    for role in ("leadership", "controlling"):
        page = response_text(render_page(clients[role], "/profil", "?area=0103"))
        row = row_of(page, "abgaenger_ohne_abschluss")
        assert "Ziel 2030" in row and "Zielstatus nicht bewertbar" in row
        assert not any(word in row for word in WORDS) and not any(s in row for s in SYMBOLS)
        assert "Zielpfad" not in row
    raw = response_text(render_page(clients["controlling"], "/profil", "?area=0103&raw=1"))
    assert "auf Kurs" in row_of(raw, "abgaenger_ohne_abschluss")


def test_no_target_out_of_scope(clients, demo) -> None:
    """A committee member never sees HzE (restricted), so neither its target; a district
    user sees none for another Stadtbezirk's restricted value."""
    put(demo, "hze_je_1000_unter_21", "00", 20.0, 2030, "fall", "2020")
    put(demo, "hze_je_1000_unter_21", "0201", 20.0, 2030, "fall", "2020")
    for role, path, search in (("committee", "/", ""), ("committee", "/profil", "?area=00"),
                               ("district", "/profil", "?area=0201")):
        page = response_text(render_page(clients[role], path, search))
        assert "hze_je_1000_unter_21" not in page
        assert "Ziel 2030" not in page
