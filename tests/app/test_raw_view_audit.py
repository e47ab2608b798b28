"""Raw views through real page and callback requests: each page that can ask for
unsuppressed values leaves exact audit entries (finding 10 of issue 8)."""

from __future__ import annotations

import json

import pytest

from cockpit.access import Gate, Viewer
from tests.app.conftest import callback, render_page

HZE = "hze_stationaer_je_1000_unter_21"
COMPARE = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def _last_id(demo) -> int:
    with demo.app_db() as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


def _raw_views(demo, after: int) -> list[dict]:
    with demo.app_db() as conn:
        rows = conn.execute("SELECT user_name, detail, source FROM audit_log "
                            "WHERE id > ? AND action = 'raw_view' ORDER BY id",
                            [after]).fetchall()
    return [{"user": r["user_name"], "source": r["source"], **json.loads(r["detail"])}
            for r in rows]


def test_profile_raw_view_logs_the_profile_area(clients, demo) -> None:
    before = _last_id(demo)
    response = callback(clients["admin"], "profile-content.children",
                        {"profile-area.value": "0301", "profile-raw.value": True})
    assert response.status_code == 200
    entries = _raw_views(demo, before)
    assert entries, "a raw profile view must be audited"
    indicators = {e["indicator"] for e in entries}
    assert HZE in indicators and "einwohner" in indicators
    for entry in entries:
        assert entry["user"] == "demo-admin"
        assert entry["source"] == "web"
        # exactly what was returned: the profile's area and the city beside it (some
        # indicators exist for the city only, composite indices only below it); never
        # area=None
        assert entry["areas"] in ({"subdistrict": ["0301"], "city": ["00"]},
                                  {"city": ["00"]}, {"subdistrict": ["0301"]}), entry
        assert entry["period"]
    hze = [e for e in entries if e["indicator"] == HZE]
    assert hze[0]["areas"]["subdistrict"] == ["0301"]


def test_profile_layout_with_raw_in_the_url_is_audited_too(clients, demo) -> None:
    before = _last_id(demo)
    assert render_page(clients["controlling"], "/profil",
                       "?area=0102&raw=1").status_code == 200
    entries = _raw_views(demo, before)
    assert entries and all(e["areas"] in ({"subdistrict": ["0102"], "city": ["00"]},
                                          {"city": ["00"]}, {"subdistrict": ["0102"]})
                           for e in entries)
    assert any("subdistrict" in e["areas"] for e in entries)
    assert {e["user"] for e in entries} == {"demo-controlling"}


def test_raw_comparison_logs_level_and_real_period_without_suppressed_cells(
        clients, demo, gate: Gate) -> None:
    periods = gate.periods(Viewer("x", "admin"), "einwohner")
    period, previous = periods[-2], periods[-3]
    assert not any(r.suppressed for r in gate.rows(Viewer("x", "leadership"), "einwohner",
                                                   level="subdistrict", period=period))
    before = _last_id(demo)
    response = callback(clients["controlling"], COMPARE,
        {"compare-indicator.value": "einwohner", "compare-period.value": period,
         "compare-level.value": "subdistrict", "compare-method.value": "quantile",
         "compare-raw.value": True, "compare-highlight.data": None})
    assert response.status_code == 200
    entries = _raw_views(demo, before)
    shown = [e for e in entries if e["level"] == "subdistrict"]
    # the ranking of the chosen period and the change column's previous period
    assert sorted(e["period"] for e in shown) == [previous, period]
    assert all(e["areas"] == {"subdistrict": "all"} and e["suppressed_cells"] == 0
               and e["indicator"] == "einwohner" for e in shown)
    assert any(e["level"] == "city" and e["period"] == period for e in entries)


def test_raw_comparison_with_suppressed_cells_counts_them(clients, demo) -> None:
    before = _last_id(demo)
    callback(clients["admin"], COMPARE,
        {"compare-indicator.value": HZE, "compare-period.value": "2024",
         "compare-level.value": "subdistrict", "compare-method.value": "quantile",
         "compare-raw.value": True, "compare-highlight.data": None})
    entries = [e for e in _raw_views(demo, before) if e["period"] == "2024"
               and e["level"] == "subdistrict"]
    assert len(entries) == 1 and entries[0]["suppressed_cells"] > 0


def test_raw_time_series_logs_each_area(clients, demo, gate: Gate) -> None:
    before = _last_id(demo)
    response = callback(clients["admin"], [
        "timeseries-graph.figure", "timeseries-table.children",
        "timeseries-caption.children", "timeseries-message.children"],
        {"timeseries-indicator.value": HZE, "timeseries-areas.value": ["0301", "03"],
         "timeseries-index.value": False, "timeseries-base.value": None,
         "timeseries-raw.value": True})
    assert response.status_code == 200
    entries = _raw_views(demo, before)
    assert {json.dumps(e["areas"], sort_keys=True) for e in entries} == {
        '{"subdistrict": ["0301"]}', '{"district": ["03"]}'}
    assert all(e["period"] == gate.periods(Viewer("x", "admin"), HZE) for e in entries)


def test_raw_overview_cards_log_the_latest_period(clients, demo, gate: Gate) -> None:
    before = _last_id(demo)
    response = callback(clients["admin"], "overview-cards.children",
                        {"overview-raw.value": True})
    assert response.status_code == 200
    entries = _raw_views(demo, before)
    assert entries
    for entry in entries:
        assert entry["areas"] == {"city": ["00"]}
        assert entry["period"] == gate.periods(Viewer("x", "admin"), entry["indicator"])


@pytest.mark.parametrize("role", ["leadership", "district", "committee", "department"])
def test_roles_without_raw_rights_leave_no_raw_view(clients, demo, role: str) -> None:
    before = _last_id(demo)
    callback(clients[role], "profile-content.children",
             {"profile-area.value": "0101", "profile-raw.value": True})
    callback(clients[role], "overview-cards.children", {"overview-raw.value": True})
    assert _raw_views(demo, before) == []


def test_no_raw_switch_no_entry(clients, demo) -> None:
    before = _last_id(demo)
    callback(clients["admin"], "profile-content.children",
             {"profile-area.value": "0301", "profile-raw.value": False})
    assert _raw_views(demo, before) == []
