"""Stadtteilvergleich: real callback payloads per role; forbidden values never leave."""

from __future__ import annotations

import json

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.figures import BAR_COLOUR, HIGHLIGHT_COLOUR
from cockpit.app.formatting import SUPPRESSED_TOOLTIP
from tests.app.conftest import callback, render_page, response_text

OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]


def compare(client, indicator: str, period: str = "2024", level: str = "subdistrict",
            raw: bool = False, highlight: str | None = None):
    return callback(client, OUTPUTS, {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": level, "compare-method.value": "quantile",
        "compare-raw.value": raw, "compare-highlight.data": highlight,
    })


def _rows(response) -> list[dict]:
    return response.json["response"]["compare-grid"]["rowData"]


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def test_layout_renders_for_every_role(clients) -> None:
    for role, client in clients.items():
        response = render_page(client, "/vergleich", "?indicator=sgb2_quote&level=district")
        assert response.status_code == 200, role
        body = response_text(response)
        assert "compare-map" in body
        # only admin and controlling get a visible switch for raw values
        assert ("Unverfälschte" in body) is (role in ("admin", "controlling")), role


def test_values_match_the_gate(clients, gate: Gate) -> None:
    response = compare(clients["leadership"], "sgb2_quote")
    assert response.status_code == 200
    rows = {r["area_code"]: r for r in _rows(response)}
    expected = gate.values(Viewer("x", "leadership"), "sgb2_quote", level="subdistrict",
                           period="2024")
    assert set(rows) == set(expected["area_code"])
    for r in expected.itertuples():
        assert rows[r.area_code]["value"] == pytest.approx(round(r.value, 1))
        assert rows[r.area_code]["numerator"] == r.numerator
    ranks = sorted(rows.values(), key=lambda r: r["rank"])
    assert ranks[0]["value"] == max(r["value"] for r in rows.values())


def test_change_against_previous_period(clients, gate: Gate) -> None:
    rows = {r["area_code"]: r for r in _rows(compare(clients["admin"], "einwohner"))}
    viewer = Viewer("x", "admin")
    now = gate.values(viewer, "einwohner", level="subdistrict", period="2024")
    before = gate.values(viewer, "einwohner", level="subdistrict", period="2023")
    delta = float(now.set_index("area_code").loc["0503", "value"]
                  - before.set_index("area_code").loc["0503", "value"])
    assert rows["0503"]["change"] == pytest.approx(delta)


def test_committee_gets_no_restricted_indicator(clients, demo) -> None:
    response = compare(clients["committee"], "hze_je_1000_unter_21")
    assert response.status_code == 200
    body = response_text(response)
    assert "Unbekannter Indikator" in body  # as if it did not exist (finding 12)
    assert _rows(response) == []
    secret = Gate(demo).values(Viewer("x", "admin"), "hze_je_1000_unter_21",
                               level="subdistrict", period="2024")
    for value in secret["numerator"].dropna():
        assert f'"numerator": {value}' not in body


def test_committee_dropdown_lists_no_restricted_indicator(clients) -> None:
    body = response_text(render_page(clients["committee"], "/vergleich"))
    assert "hze_je_1000_unter_21" not in body
    assert "sgb2_quote" in body


def test_district_user_sees_restricted_data_only_for_own_district(clients, gate) -> None:
    response = compare(clients["district"], "hze_je_1000_unter_21")
    codes = {r["area_code"] for r in _rows(response)}
    assert codes == {"0101", "0102", "0103", "0104"}
    body = response_text(response)
    for name in ("Nordstadt", "Hafen", "Südstadt"):
        assert name not in body  # not even in the map or the bars


def test_district_user_sees_internal_data_everywhere(clients) -> None:
    codes = {r["area_code"] for r in _rows(compare(clients["district"], "sgb2_quote"))}
    assert len(codes) == 24


def test_suppressed_cells_carry_no_numbers(clients, demo) -> None:
    viewer = Viewer("x", "leadership")
    rows = Gate(demo).values(viewer, "hze_stationaer_je_1000_unter_21", level="subdistrict",
                             period="2024")
    hidden = rows[rows["suppressed"]]
    assert not hidden.empty
    raw = Gate(demo).values(Viewer("a", "admin", raw=True), "hze_stationaer_je_1000_unter_21",
                            level="subdistrict", period="2024").set_index("area_code")
    response = compare(clients["leadership"], "hze_stationaer_je_1000_unter_21")
    grid = {r["area_code"]: r for r in _rows(response)}
    figures = json.dumps([response.json["response"]["compare-bar"]["figure"],
                          response.json["response"]["compare-map"]["figure"]])
    for code in hidden["area_code"]:
        assert grid[code].get("value") is None and grid[code].get("numerator") is None
        assert grid[code]["suppressed"] is True
        secret = raw.loc[code, "value"]
        assert f"{secret:.1f}".replace(".", ",") not in figures
        assert repr(float(secret)) not in figures


def test_raw_switch_is_ignored_for_leadership_and_honoured_for_admin(clients) -> None:
    leadership = _rows(compare(clients["leadership"], "hze_stationaer_je_1000_unter_21",
                               raw=True))
    assert any(r.get("suppressed") for r in leadership)
    admin = _rows(compare(clients["admin"], "hze_stationaer_je_1000_unter_21", raw=True))
    assert not any(r.get("suppressed") for r in admin)


def test_raw_view_is_audited(clients, demo) -> None:
    compare(clients["controlling"], "hze_stationaer_je_1000_unter_21", raw=True)
    with demo.app_db() as conn:
        rows = conn.execute("SELECT user_name, action, detail FROM audit_log "
                            "WHERE action = 'raw_view'").fetchall()
    assert any(r["user_name"] == "demo-controlling" and "hze_stationaer" in r["detail"]
               for r in rows)


@pytest.mark.parametrize("search", ["?indicator=gibtsnicht", "?indicator=%3Cscript%3E",
                                    "?indicator=sgb2_quote&period=1999&level=quartier",
                                    "?area=%27%3B--"])
def test_bad_url_parameters_give_a_message_not_a_traceback(clients, search: str) -> None:
    response = render_page(clients["leadership"], "/vergleich", search)
    assert response.status_code == 200
    assert "Traceback" not in response_text(response)


def test_unknown_indicator_in_url_is_named(clients) -> None:
    body = response_text(render_page(clients["leadership"], "/vergleich",
                                     "?indicator=gibtsnicht"))
    assert "Unbekannter Indikator" in body


def test_tampered_callback_period_is_refused(clients) -> None:
    response = compare(clients["leadership"], "sgb2_quote", period="1999")
    assert response.status_code == 200
    assert "1999" in response_text(response)
    assert _rows(response) == []


@pytest.mark.parametrize("highlight", [None, "0203"])
def test_a_highlight_change_sends_ranking_map_and_table(clients, highlight) -> None:
    # The highlight store reports a change when it mounts, on a fresh page whose grid is
    # still empty: the table must come along, or the page shows no rows.
    response = callback(clients["admin"], OUTPUTS, {
        "compare-indicator.value": "sgb2_quote", "compare-period.value": "2024",
        "compare-level.value": "subdistrict", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": highlight,
    }, changed=["compare-highlight.data"])
    assert response.status_code == 200
    sent = response.json["response"]
    assert set(sent) == {o.split(".")[0] for o in OUTPUTS}
    assert len(_rows(response)) == 24
    bar = sent["compare-bar"]["figure"]["data"][0]
    colours = dict(zip(bar["y"], bar["marker"]["color"], strict=True))
    marked = {code for code, colour in colours.items() if colour == HIGHLIGHT_COLOUR}
    assert marked == ({highlight} if highlight else set())
    assert {c for code, c in colours.items() if code != highlight} == {BAR_COLOUR}


def test_full_update_sends_everything_and_rows_carry_no_highlight(clients) -> None:
    response = compare(clients["admin"], "sgb2_quote", highlight="0203")
    sent = response.json["response"]
    assert set(sent) == {o.split(".")[0] for o in OUTPUTS}
    rows = _rows(response)
    assert len(rows) == 24
    # the grid marks the highlighted row in the browser (assets/cockpit.js)
    assert not any("highlight" in r or "note" in r for r in rows)


def test_grid_marks_highlight_in_the_browser_and_grows_with_few_rows(clients) -> None:
    body = response_text(render_page(clients["admin"], "/vergleich", "?area=0203"))
    assert "cockpitIsHighlighted(params)" in body
    assert '"domLayout": "autoHeight"' in body or '"domLayout":"autoHeight"' in body
    assert "infinite" not in body  # 24 areas: every row in the browser


def test_suppressed_cells_get_one_tooltip_text_in_the_columns(clients) -> None:
    response = compare(clients["leadership"], "hze_stationaer_je_1000_unter_21")
    columns = {c["field"]: c for c in response.json["response"]["compare-grid"]["columnDefs"]}
    getter = columns["value"]["tooltipValueGetter"]["function"]
    assert "params.data.suppressed" in getter and SUPPRESSED_TOOLTIP["de"] in getter
    assert SUPPRESSED_TOOLTIP["de"] not in json.dumps(_rows(response), ensure_ascii=False)


def test_click_on_map_bar_or_table_sets_the_highlight(clients) -> None:
    client = clients["admin"]
    base = {"compare-bar.clickData": None, "compare-map.clickData": None,
            "compare-grid.cellClicked": None}
    map_click = {**base, "compare-map.clickData": {"points": [{"location": "0301"}]}}
    response = callback(client, "compare-highlight.data", map_click,
                        state={"compare-highlight.data": None},
                        changed=["compare-map.clickData"])
    assert response.json["response"]["compare-highlight"]["data"] == "0301"
    bar_click = {**base, "compare-bar.clickData": {"points": [{"customdata": ["0402", "x"]}]}}
    response = callback(client, "compare-highlight.data", bar_click,
                        state={"compare-highlight.data": "0301"},
                        changed=["compare-bar.clickData"])
    assert response.json["response"]["compare-highlight"]["data"] == "0402"
    cell = {**base, "compare-grid.cellClicked": {"rowId": "0402"}}
    response = callback(client, "compare-highlight.data", cell,
                        state={"compare-highlight.data": "0402"},
                        changed=["compare-grid.cellClicked"])
    assert response.json["response"]["compare-highlight"]["data"] is None
