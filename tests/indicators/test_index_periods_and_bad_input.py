"""An index over its periods through the API (each period's classes as the gate has
them, whether that period was computed alone or with the whole index), and bad input
naming an index: unknown ids in the API and in the Index-Zerlegung URL."""

from __future__ import annotations

import pytest

from cockpit.access import Gate, Viewer
from tests.app.conftest import app_server, clients, render_page, response_text  # noqa: F401

CONTROLLING = Viewer("t", "controlling")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.mark.parametrize("index_id", ["mss_status", "mss_dynamik", "mss_gesamtindex"])
def test_values_api_serves_every_period_of_an_index(clients, gate: Gate,  # noqa: F811
                                                    index_id: str) -> None:
    periods = gate.periods(CONTROLLING, index_id)
    assert len(periods) >= 3
    client = clients["controlling"]
    for period in (periods[0], periods[len(periods) // 2], periods[-1]):
        url = f"/api/v1/indicators/{index_id}/values?level=subdistrict&period={period}"
        rows = client.get(url).json
        expected = gate.index_rows(CONTROLLING, index_id, level="subdistrict", period=period)
        assert {r["period"] for r in rows} == {period}
        assert [(r["area_code"], r["class_label"]) for r in rows] == [
            (e.area_code, e.label) for e in expected]
    # One area over all periods: the latest by default, each period when asked.
    latest = client.get(f"/api/v1/indicators/{index_id}/values?area=0101").json
    assert [r["period"] for r in latest] == [periods[-1]]


def test_api_refuses_an_unknown_index(clients) -> None:  # noqa: F811
    for path in ("/api/v1/indicators/mss_unbekannt/values",
                 "/api/v1/indicators/mss_unbekannt/breakdown?area=0101"):
        response = clients["admin"].get(path)
        assert response.status_code == 404
        assert "Unbekannter Indikator" in response.json["error"]
    response = clients["admin"].get("/api/v1/indicators/mss_status/values?period=1999")
    assert response.status_code == 400


def test_breakdown_page_names_an_unknown_index(clients) -> None:  # noqa: F811
    response = render_page(clients["admin"], "/index-zerlegung",
                           "?index=mss_unbekannt&area=0101")
    body = response_text(response)
    assert response.status_code == 200
    assert "Unbekannter Indikator „mss_unbekannt“" in body
    response = render_page(clients["admin"], "/index-zerlegung", "?index=sgb2_quote")
    assert "„sgb2_quote“ ist kein Index" in response_text(response)
    response = render_page(clients["admin"], "/index-zerlegung", "?index=mss_status")
    assert "Unbekannter Indikator" not in response_text(response)
