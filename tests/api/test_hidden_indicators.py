"""Finding 12: a role that may never see an indicator cannot tell it from an unknown id.

Committee members never see restricted indicators, and a department user never sees
another department's restricted ones: for them the gate, the API and the pages answer a
forbidden indicator exactly like an id that does not exist (404, the same message with the
id echoed the same way). A district user may see restricted indicators for its own area,
so it may learn they exist and still gets 403 for another area.
"""

from __future__ import annotations

from typing import Any

import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.appdb import add_user
from tests.api.test_v1 import assert_error, values_url
from tests.app.conftest import callback, login

HZE = ("hze_je_1000_unter_21", "hze_stationaer_je_1000_unter_21")
# An id of the same shape that does not exist: the answers must differ only in the id.
UNKNOWN = "hze_je_1000_unter_22"
OTHER_DEPARTMENT = Viewer("t-schulamt", "department", department="schulamt")
BLIND = {
    "committee": Viewer("t-committee", "committee"),
    "other_department": OTHER_DEPARTMENT,
}
SEEING = {
    "admin": Viewer("t-admin", "admin"),
    "controlling": Viewer("t-controlling", "controlling"),
    "leadership": Viewer("t-leadership", "leadership"),
    "district": Viewer("t-district", "district", area_code="01"),
    "department": Viewer("t-department", "department", department="jugendamt"),
}
PASSWORD = "schulamt-passwort-42"


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.fixture(scope="module")
def role_clients(app_server, clients, demo) -> dict[str, Any]:
    """The per-role clients plus a department user of the Schulamt (owns no restricted data)."""
    with demo.app_db() as conn:
        add_user(conn, OTHER_DEPARTMENT.name, "department", PASSWORD, department="schulamt")
    client = app_server.test_client()
    assert login(client, OTHER_DEPARTMENT.name, PASSWORD).status_code == 302
    return {**clients, "other_department": client}


def refusal(gate: Gate, viewer: Viewer, indicator_id: str) -> GateError:
    with pytest.raises(GateError) as info:
        gate.indicator(viewer, indicator_id)
    return info.value


def anonymised(text: str, indicator_id: str) -> str:
    return text.replace(indicator_id, "<id>")


@pytest.mark.parametrize("role", list(BLIND))
@pytest.mark.parametrize("indicator", HZE)
def test_gate_answers_forbidden_like_unknown(gate: Gate, role: str, indicator: str) -> None:
    forbidden = refusal(gate, BLIND[role], indicator)
    unknown = refusal(gate, BLIND[role], UNKNOWN)
    assert forbidden.status == unknown.status == 404
    assert anonymised(forbidden.message, indicator) == anonymised(unknown.message, UNKNOWN)
    # every other way in asks the same question first
    for ask in (gate.periods, gate.levels):
        with pytest.raises(GateError) as info:
            ask(BLIND[role], indicator)
        assert (info.value.status, anonymised(info.value.message, indicator)) == (
            404, anonymised(unknown.message, UNKNOWN))


@pytest.mark.parametrize("role", list(SEEING))
def test_gate_still_hands_restricted_indicators_to_roles_that_see_them(
        gate: Gate, role: str) -> None:
    for indicator in HZE:
        assert gate.indicator(SEEING[role], indicator).id == indicator


@pytest.mark.parametrize("role", list(BLIND))
@pytest.mark.parametrize("indicator", HZE)
@pytest.mark.parametrize("params", [{}, {"area": "01"}, {"level": "city"},
                                    {"period": "2024", "level": "subdistrict"},
                                    {"level": "bogus"}, {"area": "9999"}])
def test_api_answers_forbidden_like_unknown(role_clients, role: str, indicator: str,
                                            params: dict[str, str]) -> None:
    client = role_clients[role]
    forbidden = client.get(values_url(indicator, **params))
    unknown = client.get(values_url(UNKNOWN, **params))
    message = assert_error(forbidden, 404, "Unbekannter Indikator")
    assert anonymised(message, indicator) == anonymised(assert_error(unknown, 404), UNKNOWN)
    assert forbidden.headers["Content-Type"] == unknown.headers["Content-Type"]
    assert len(forbidden.get_data()) - len(indicator) == len(unknown.get_data()) - len(UNKNOWN)


@pytest.mark.parametrize("role", list(SEEING))
def test_api_serves_restricted_indicators_to_roles_that_see_them(role_clients,
                                                                 role: str) -> None:
    for indicator in HZE:
        response = role_clients[role].get(values_url(indicator))
        assert response.status_code == 200, (role, indicator)
        assert response.json


@pytest.mark.parametrize("indicator", HZE)
@pytest.mark.parametrize("area", ["03", "0301", "00"])
def test_district_user_still_gets_403_for_another_area(role_clients, indicator: str,
                                                       area: str) -> None:
    assert_error(role_clients["district"].get(values_url(indicator, area=area)), 403,
                 "Berechtigung")


def test_indicator_list_of_blind_roles_names_no_restricted_indicator(role_clients) -> None:
    for role in BLIND:
        ids = {item["id"] for item in role_clients[role].get("/api/v1/indicators").json}
        assert ids and not ids & set(HZE), role


# -- the pages' callbacks ---------------------------------------------------------------------

COMPARE_OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                   "compare-grid.columnDefs", "compare-caption.children",
                   "compare-message.children"]
TIMESERIES_OUTPUTS = ["timeseries-graph.figure", "timeseries-table.children",
                      "timeseries-caption.children", "timeseries-message.children"]


def compare(client, indicator: str):
    return callback(client, COMPARE_OUTPUTS, {
        "compare-indicator.value": indicator, "compare-period.value": "2024",
        "compare-level.value": "subdistrict", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": None,
    })


def timeseries(client, indicator: str):
    # 01 and its Stadtteil: areas every role that sees HzE may see (the district user's own)
    return callback(client, TIMESERIES_OUTPUTS, {
        "timeseries-indicator.value": indicator, "timeseries-areas.value": ["01", "0101"],
        "timeseries-index.value": False, "timeseries-base.value": None,
        "timeseries-raw.value": False,
    })


PAGE_CALLBACKS = {"compare": (compare, "compare-message"),
                  "timeseries": (timeseries, "timeseries-message")}


@pytest.mark.parametrize("page", list(PAGE_CALLBACKS))
@pytest.mark.parametrize("role", list(BLIND))
@pytest.mark.parametrize("indicator", HZE)
def test_page_callbacks_answer_forbidden_like_unknown(role_clients, page: str, role: str,
                                                      indicator: str) -> None:
    ask, message_id = PAGE_CALLBACKS[page]
    forbidden = ask(role_clients[role], indicator)
    unknown = ask(role_clients[role], UNKNOWN)
    assert forbidden.status_code == unknown.status_code == 200
    assert "Unbekannter Indikator" in forbidden.get_data(as_text=True)
    assert "Berechtigung" not in forbidden.get_data(as_text=True)
    assert (anonymised(forbidden.get_data(as_text=True), indicator)
            == anonymised(unknown.get_data(as_text=True), UNKNOWN))
    assert forbidden.json["response"][message_id]["children"]


@pytest.mark.parametrize("page", list(PAGE_CALLBACKS))
@pytest.mark.parametrize("role", list(SEEING))
def test_page_callbacks_serve_roles_that_see_restricted_data(role_clients, page: str,
                                                             role: str) -> None:
    ask, message_id = PAGE_CALLBACKS[page]
    response = ask(role_clients[role], HZE[0])
    assert response.status_code == 200
    assert "Unbekannter Indikator" not in response.get_data(as_text=True)
    assert response.json["response"][message_id]["children"] is None
