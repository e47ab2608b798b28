"""Composite indices in the JSON API: listed with kind "index" and ordered classes,
values with their class, the breakdown, and the same scoping as an indicator."""

from __future__ import annotations

import pytest

from cockpit.access import Gate, Viewer
from tests.app.conftest import app_server, clients  # noqa: F401

INDICES = {"sozialraumindex", "bildungsteilhabeindex", "mss_status", "mss_dynamik",
           "mss_gesamtindex"}


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def test_indices_are_listed_with_kind_and_ordered_classes(clients) -> None:  # noqa: F811
    items = {i["id"]: i for i in clients["committee"].get("/api/v1/indicators").json}
    assert set(items) >= INDICES
    status = items["mss_status"]
    assert status["kind"] == "index"
    assert status["classes"] == ["hoch", "mittel", "niedrig", "sehr niedrig"]
    assert status["index_kind"] == "status"
    assert status["levels"] == ["district", "subdistrict"]
    assert [c["indicator"] for c in status["components"]] == [
        "arbeitslosenquote", "sgb2_quote", "kinderarmut"]
    assert "z-standardisiert" in status["method_note"]
    assert items["mss_dynamik"]["classes"] == ["positiv", "stabil", "negativ"]
    assert items["mss_dynamik"]["periods"][0] == "2014"
    assert len(items["mss_gesamtindex"]["classes"]) == 12
    assert items["sgb2_quote"]["kind"] == "indicator" and "classes" not in items["sgb2_quote"]


def test_index_values_carry_their_class(clients, gate: Gate) -> None:  # noqa: F811
    url = "/api/v1/indicators/mss_status/values?level=subdistrict&period=2024"
    rows = clients["controlling"].get(url).json
    expected = gate.index_rows(Viewer("t-controlling", "controlling"), "mss_status",
                               level="subdistrict", period="2024")
    assert [r["area_code"] for r in rows] == [e.area_code for e in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row["value"] == pytest.approx(want.value)
        assert row["class_label"] == want.label
        assert row["class"] == (want.klass if want.klass >= 0 else None)
        assert row["numerator"] is None and row["denominator"] is None


def test_breakdown(clients, gate: Gate) -> None:  # noqa: F811
    client = clients["leadership"]
    body = client.get("/api/v1/indicators/mss_status/breakdown?area=0101&period=2024").json
    assert body["label"] in body["classes"]
    assert body["cutoffs"] == [-1.0, 1.0, 1.5]
    parts = [c["standardised"] for c in body["components"]]
    assert len(parts) == 3 and all(isinstance(p, float) for p in parts)
    response = client.get("/api/v1/indicators/sgb2_quote/breakdown?area=0101")
    assert response.status_code == 400 and "nur für einen Index" in response.json["error"]
    response = client.get("/api/v1/indicators/mss_status/breakdown")
    assert response.status_code == 400 and "area" in response.json["error"]


def test_district_user_gets_an_index_of_internal_components_everywhere(clients) -> None:  # noqa: F811
    # Internal components: every role sees every area (as for the components).
    rows = clients["district"].get(
        "/api/v1/indicators/mss_status/values?level=subdistrict").json
    assert {r["area_code"][:2] for r in rows} > {"01"}
