"""The Haushalt page: every role's view, server-side refusal, drill-down, per inhabitant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from tests.access.test_budget import restricted_installation
from tests.app.conftest import ROLES, callback, login, render_page, response_text

OUTPUTS = [
    "budget-chart-ergebnis.figure", "budget-grid-ergebnis.rowData",
    "budget-grid-ergebnis.columnDefs", "budget-grid-ergebnis.dashGridOptions",
    "budget-chart-finanz.figure", "budget-grid-finanz.rowData",
    "budget-grid-finanz.columnDefs", "budget-grid-finanz.dashGridOptions",
    "budget-grid-ergebnis.style", "budget-grid-finanz.style", "budget-caption.children",
    "budget-message.children", "budget-back.style",
]


def show(client, year: str = "2024", basis: str = "fortgeschrieben", view: str = "eur",
         bereich: str = "") -> Any:
    return callback(client, OUTPUTS, {"budget-year.value": year, "budget-basis.value": basis,
                                      "budget-view.value": view,
                                      "budget-bereich.value": bereich})


def drill(client, row_id: str, current: str = "") -> Any:
    return callback(client, "budget-bereich.value",
                    {"budget-grid-ergebnis.cellClicked": {"rowId": row_id},
                     "budget-grid-finanz.cellClicked": None, "budget-back.n_clicks": None},
                    state={"budget-bereich.value": current},
                    changed=["budget-grid-ergebnis.cellClicked"])


def _rows(response, statement: str) -> list[dict]:
    return response.json["response"][f"budget-grid-{statement}"]["rowData"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_internal_budget(clients, role: str) -> None:
    page = render_page(clients[role], "/haushalt")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ergebnishaushalt" in text and "Finanzhaushalt" in text
    assert "Haushaltsjahr" in text and "Produktbereich" in text  # labelled controls
    response = show(clients[role])
    assert response.status_code == 200
    ergebnis, finanz = _rows(response, "ergebnis"), _rows(response, "finanz")
    assert len(ergebnis) == 34  # 17 Produktbereiche × Erträge, Aufwendungen
    assert {r["measure"] for r in finanz} == {"einzahlungen_lfd", "auszahlungen_lfd",
                                              "einzahlungen_invest", "auszahlungen_invest"}


def test_the_menu_offers_the_page(clients) -> None:
    layout = response_text(clients["committee"].get("/_dash-layout")).replace("\\u002f", "/")
    assert '"href":"/haushalt"' in layout and '"Haushalt"' in layout


def test_anonymous_callback_and_page_get_nothing(app_server) -> None:
    client = app_server.test_client()
    response = show(client)
    assert response.status_code in (401, 302, 403)
    assert "Innere Verwaltung" not in response.get_data(as_text=True)


def test_deviation_and_totals_as_the_grid_shows_them(clients, demo) -> None:
    response = show(clients["controlling"])
    rows = {(r["code"], r["measure"]): r for r in _rows(response, "ergebnis")}
    lines = demo.store.read().execute(
        "SELECT sum(value) FILTER (WHERE variant = 'fortgeschrieben'), "
        "sum(value) FILTER (WHERE variant = 'ergebnis') FROM observations "
        "WHERE dataset_id = 'haushalt' AND period = '2024' AND category LIKE '06%' "
        "AND measure = 'aufwendungen'").fetchone()
    row = rows[("06", "aufwendungen")]
    assert (row["fortgeschrieben"], row["ergebnis"]) == lines
    assert row["deviation"] == lines[1] - lines[0]
    assert row["deviation_pct"] == pytest.approx(100 * (lines[1] - lines[0]) / lines[0])
    options = response.json["response"]["budget-grid-ergebnis"]["dashGridOptions"]
    total = {r["measure"]: r for r in options["pinnedBottomRowData"]}["aufwendungen"]
    assert total["ergebnis"] == sum(r["ergebnis"] for r in rows.values()
                                    if r["measure"] == "aufwendungen")


def test_drill_down_to_produktgruppen(clients) -> None:
    response = drill(clients["committee"], "06:aufwendungen")
    assert response.json["response"]["budget-bereich"]["value"] == "06"
    # A Produktgruppe or the total row has nothing below it.
    assert drill(clients["committee"], "0601:aufwendungen", current="06").status_code == 204
    assert drill(clients["committee"], "total:aufwendungen").status_code == 204
    groups = show(clients["committee"], bereich="06")
    rows = _rows(groups, "ergebnis")
    assert {r["code"] for r in rows} == {"0601", "0602", "0603", "0604"}
    whole = {r["measure"]: r for r in _rows(show(clients["committee"]), "ergebnis")
             if r["code"] == "06"}
    for measure in ("ertraege", "aufwendungen"):
        assert sum(r["ergebnis"] for r in rows if r["measure"] == measure) == pytest.approx(
            whole[measure]["ergebnis"])
    caption = json.dumps(groups.json["response"]["budget-caption"]["children"],
                         ensure_ascii=False)
    assert "Produktgruppen des Produktbereichs 06 Kinder-, Jugend- und Familienhilfe" in caption
    assert groups.json["response"]["budget-back"]["style"] == {}
    # Eight rows grow with the page; the 68 Finanzhaushalt rows scroll in a fixed height.
    assert groups.json["response"]["budget-grid-ergebnis"]["style"] == {}
    whole_page = show(clients["committee"]).json["response"]
    assert whole_page["budget-grid-finanz"]["style"] == {"height": "620px"}
    assert whole_page["budget-grid-finanz"]["dashGridOptions"]["domLayout"] == "normal"


def test_per_inhabitant_view(clients, demo) -> None:
    euro = {(r["code"], r["measure"]): r for r in _rows(show(clients["leadership"]),
                                                         "finanz")}
    response = show(clients["leadership"], view="per_inhabitant")
    per_head = {(r["code"], r["measure"]): r for r in _rows(response, "finanz")}
    residents = demo.store.read().execute(
        "SELECT sum(value) FROM observations WHERE dataset_id = 'bevoelkerung' "
        "AND period = '2024'").fetchone()[0]
    key = ("03", "auszahlungen_invest")
    assert per_head[key]["ergebnis"] == pytest.approx(euro[key]["ergebnis"] / residents)
    assert per_head[key]["deviation_pct"] == pytest.approx(euro[key]["deviation_pct"])
    caption = json.dumps(response.json["response"]["budget-caption"]["children"],
                         ensure_ascii=False)
    assert f"{residents:,.0f}".replace(",", ".") in caption


def test_an_open_year_has_no_ergebnis_and_says_so(clients) -> None:
    response = show(clients["controlling"], year="2025")
    assert all(r["ergebnis"] is None for r in _rows(response, "ergebnis"))
    caption = json.dumps(response.json["response"]["budget-caption"]["children"],
                         ensure_ascii=False)
    assert "Für 2025 liegt noch kein Jahresabschluss vor" in caption


def test_tampered_inputs_are_refused_or_ignored(clients) -> None:
    assert show(clients["committee"], year=2024).status_code == 400  # not a text
    odd = show(clients["committee"], basis="ist", view="x", bereich="99")
    assert odd.status_code == 200 and len(_rows(odd, "ergebnis")) == 34


# --- the budget classified restricted: committee gets nothing ----------------------------


@pytest.fixture(scope="module")
def restricted_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    inst = restricted_installation(Path(tmp_path_factory.mktemp("budget-page")))
    server = create_server(inst, secret_key="test-secret-key", warm=False)
    server.config["TESTING"] = True
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="kaemmerei")
    server.test_client().get("/login")
    result = {}
    for user, password in created:
        client = server.test_client()
        assert login(client, user.name, password).status_code == 302
        result[user.role] = client
    return result


EXPECTED = {"admin": True, "controlling": True, "leadership": True, "district": False,
            "committee": False, "department": True}  # department = Kämmerei here


@pytest.mark.parametrize("role", ROLES)
def test_restricted_budget_per_role(restricted_clients, role: str) -> None:
    response = show(restricted_clients[role])
    assert response.status_code == 200
    text = json.dumps(response.json, ensure_ascii=False)
    page = json.dumps(render_page(restricted_clients[role], "/haushalt").json,
                      ensure_ascii=False)
    if EXPECTED[role]:
        assert len(_rows(response, "ergebnis")) == 34
    else:
        assert _rows(response, "ergebnis") == [] and _rows(response, "finanz") == []
        assert "Innere Verwaltung" not in text and "Innere Verwaltung" not in page
        assert "Für diese Daten fehlt Ihnen die Berechtigung." in text
        assert "Für diese Daten fehlt Ihnen die Berechtigung." in page
        assert drill(restricted_clients[role], "06:aufwendungen").status_code == 204
