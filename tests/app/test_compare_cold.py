"""The first comparison after a publish computes only the periods it shows (issue 9).

The callback needs the asked period, the one before it (the change column) and the
top level's row of the period; it must not wait for the indicator's whole series,
and what it sends must be exactly what a gate with the full table sends.
"""

from __future__ import annotations

import pytest

from cockpit.access import gate as gate_module
from cockpit.app.server import create_server
from cockpit.app.session import GATE_KEY
from cockpit.context import Installation
from tests.app.conftest import callback, login

OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]


def _client(demo: Installation, app_server):
    server = create_server(demo, secret_key="cold-test", warm=False)
    server.config["TESTING"] = True
    client = server.test_client()
    name, password = app_server.demo_passwords["committee"]
    assert login(client, name, password).status_code == 302
    return server.extensions[GATE_KEY], client


def _compare(client, indicator: str, period: str):
    response = callback(client, OUTPUTS, {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": "subdistrict", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": "",
    })
    assert response.status_code == 200
    return response.json


@pytest.mark.parametrize("indicator", ["wahlbeteiligung_kommunalwahl", "einwohner",
                                       "bevoelkerungsentwicklung", "kinderarmut"])
def test_first_comparison_computes_only_its_periods_and_equals_the_full_one(
        demo: Installation, app_server, monkeypatch: pytest.MonkeyPatch,
        indicator: str) -> None:
    full_gate, full = _client(demo, app_server)
    lazy_gate, lazy = _client(demo, app_server)
    periods = full_gate._table(full_gate.registry.get(indicator)).periods
    asked: list[str | None] = []
    compute = gate_module.compute_indicator

    def counted(conn, ind, period=None, correspondences=()):  # noqa: ANN001, ANN202
        if ind.id == indicator:
            asked.append(period)
        return compute(conn, ind, period, correspondences=correspondences)

    monkeypatch.setattr(gate_module, "compute_indicator", counted)
    for period in (periods[-1], periods[1]):
        asked.clear()
        got = _compare(lazy, indicator, period)
        assert got == _compare(full, indicator, period)
        assert "warning" not in str(got["response"]["compare-message"])
        assert None not in asked and len(asked) <= 3, asked  # this period and earlier ones
        assert indicator not in lazy_gate._tables
