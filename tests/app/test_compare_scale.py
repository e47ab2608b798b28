"""The comparison page on a 540-area territory (bench/scale_city.py): compact ranking,
distribution and server blocks, as a committee and a district user get them."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from cockpit.context import Installation
from cockpit.settings import load_settings
from tests.app.conftest import callback, login, render_page, response_text

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]
INDICATOR = "kinderarmut"  # many small counts: many suppressed areas


def _scale_city():
    spec = importlib.util.spec_from_file_location("scale_city", ROOT / "bench" / "scale_city.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_city", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    inst = Installation(load_settings(home=str(tmp_path_factory.mktemp("scale-540"))))
    _scale_city().build(inst, districts=18, areas=540)
    return inst


@pytest.fixture(scope="module")
def clients(city: Installation) -> dict:
    server = create_server(city, secret_key="scale-test", warm=False)
    server.config["TESTING"] = True
    with city.app_db() as conn:
        created = create_demo_users(conn, district_area="001", department="jugendamt")
    result = {}
    for user, password in created:
        if user.role in ("committee", "district", "admin"):
            client = server.test_client()
            assert login(client, user.name, password).status_code == 302
            result[user.role] = client
    return result


def compare(client, highlight: str | None = None, period: str = "2024"):
    return callback(client, OUTPUTS, {
        "compare-indicator.value": INDICATOR, "compare-period.value": period,
        "compare-level.value": "subdistrict", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": highlight,
    })


def _bar(response) -> dict:
    return response.json["response"]["compare-bar"]["figure"]


def test_committee_gets_a_compact_ranking_with_the_distribution(clients, city) -> None:
    response = compare(clients["committee"])
    assert response.status_code == 200
    fig = _bar(response)
    gated = Gate(city).values(Viewer("c", "committee"), INDICATOR, level="subdistrict",
                              period="2024")
    visible = gated[~gated["suppressed"]]
    assert 0 < len(visible) < len(gated)  # the case has suppressed areas
    bars = fig["data"][0]
    assert len(bars["y"]) == 50
    hist = next(t for t in fig["data"] if t.get("xaxis") == "x2")
    assert sum(hist["y"]) == len(visible)  # suppressed areas are not counted
    assert fig["layout"]["height"] < 2500
    # and the table still has every area
    assert len(response.json["response"]["compare-grid"]["rowData"]) == len(gated)


def test_no_hidden_value_in_ranking_or_distribution(clients, city) -> None:
    raw = Gate(city).values(Viewer("a", "admin", raw=True), INDICATOR, level="subdistrict",
                            period="2024").set_index("area_code")
    committee = Gate(city).values(Viewer("c", "committee"), INDICATOR, level="subdistrict",
                                  period="2024")
    hidden = committee.loc[committee["suppressed"], "area_code"].tolist()
    # highlight a suppressed area: it is shown (as ·) but its value is nowhere
    response = compare(clients["committee"], highlight=hidden[0])
    fig = _bar(response)
    marks = next(t for t in fig["data"] if t["type"] == "scatter")
    assert hidden[0] in marks["y"]
    visible = set(committee.loc[~committee["suppressed"], "value"])
    assert set(fig["data"][0]["x"]) <= visible  # every bar is a value the committee may see
    x2_lines = [s for s in fig["layout"]["shapes"] if s["xref"] == "x2"]
    city_value = next(s["x0"] for s in fig["layout"]["shapes"] if s["xref"] == "x")
    assert all(s["x0"] == city_value for s in x2_lines)  # no line at the hidden value
    text = json.dumps(fig)
    secrets = {float(raw.loc[code, "value"]) for code in hidden} - visible
    assert secrets  # (some hidden values equal a visible one, e.g. 1/3; those prove nothing)
    for secret in secrets:
        assert repr(secret) not in text


def test_district_user_finds_own_areas_in_the_ranking(clients, city) -> None:
    fig = _bar(compare(clients["district"]))
    own = set(Gate(city).areas(Viewer("d", "district", "001"), "subdistrict")
              .query("parent_code == '001'")["code"])
    assert own
    shown = set(fig["layout"]["yaxis"]["categoryarray"])
    assert own <= shown


def test_grid_scrolls_instead_of_growing(clients) -> None:
    body = response_text(render_page(clients["committee"], "/vergleich"))
    assert '"height": "560px"' in body or '"height":"560px"' in body
    assert "autoHeight" not in body


def test_server_blocks_filter_on_what_the_committee_may_see(clients, city) -> None:
    request = {"startRow": 0, "endRow": 100,
               "sortModel": [{"colId": "value", "sort": "asc"}],
               "filterModel": {"value": {"filterType": "number", "type": "greaterThanOrEqual",
                                         "filter": -1}}}
    response = callback(clients["committee"], "compare-grid.getRowsResponse",
                        {"compare-grid.getRowsRequest": request},
                        state={"compare-indicator.value": INDICATOR,
                               "compare-period.value": "2024",
                               "compare-level.value": "subdistrict",
                               "compare-raw.value": False})
    assert response.status_code == 200
    block = response.json["response"]["compare-grid"]["getRowsResponse"]
    committee = Gate(city).values(Viewer("c", "committee"), INDICATOR, level="subdistrict",
                                  period="2024")
    assert block["rowCount"] == int((~committee["suppressed"]).sum())
    values = [r["value"] for r in block["rowData"]]
    assert values == sorted(values) and len(values) == 100
    assert not any(r.get("suppressed") for r in block["rowData"])


def test_bad_block_request_is_refused_with_a_message(clients) -> None:
    response = callback(clients["committee"], "compare-grid.getRowsResponse",
                        {"compare-grid.getRowsRequest": {"startRow": "0; DROP"}},
                        state={"compare-indicator.value": INDICATOR,
                               "compare-period.value": "2024",
                               "compare-level.value": "subdistrict",
                               "compare-raw.value": False})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
