"""Saarland from the BKG's VG5000 and the unmodified Regionaldatenbank export 12411-01-01-5.

Land > 6 Kreise > 52 Gemeinden; the Germany-wide population file is loaded as exported: the
rows of other levels and of the other Länder are skipped and counted, "-" is no figure.
"""

from __future__ import annotations

import pytest

from tests.examples.setup import Example, logged_in_client, values

pytestmark = pytest.mark.samples

SAARBRUECKEN = "10041100"


@pytest.fixture(scope="module")
def saarland(saarland_example: Example) -> Example:
    return saarland_example


@pytest.fixture(scope="module")
def client(saarland: Example):
    return logged_in_client(saarland)


def test_check_figures_come_out_of_the_api(client) -> None:
    land = values(client, "einwohner", level="land", period="2015")
    assert land[("10", "2015")]["value"] == 995_597
    assert land[("10", "2015")]["area_name"] == "Saarland"
    assert values(client, "einwohner", level="land", period="2009")[("10", "2009")][
        "value"] == 1_022_585
    towns = values(client, "einwohner", level="gemeinde", period="2015")
    assert len(towns) == 52
    assert towns[(SAARBRUECKEN, "2015")]["value"] == 178_151
    assert towns[("10041511", "2015")]["value"] == 10_280  # Friedrichsthal


def test_saarbruecken_2008_is_missing_not_zero(client) -> None:
    towns = values(client, "einwohner", level="gemeinde", period="2008")
    row = towns.get((SAARBRUECKEN, "2008"))
    assert row is None or row["value"] is None
    assert len([r for r in towns.values() if r["value"] is not None]) == 51
    assert all(r["value"] != 0 for r in towns.values())
    # The Kreis and the Land lack Saarbrücken in 2008: no total that looks complete.
    land = values(client, "einwohner", level="land", period="2008").get(("10", "2008"))
    assert land is None or land["value"] is None or land.get("incomplete") is True


def test_territory_from_vg5000(client) -> None:
    levels = client.get("/api/v1/levels").get_json()
    assert [level["id"] for level in levels] == ["land", "kreis", "gemeinde"]
    kreise = client.get("/api/v1/areas", query_string={"level": "kreis"}).get_json()
    assert sorted(a["code"] for a in kreise) == [f"1004{i}" for i in range(1, 7)]
    assert {a["parent_code"] for a in kreise} == {"10"}
    towns = client.get("/api/v1/areas", query_string={"level": "gemeinde"}).get_json()
    assert len(towns) == 52
    assert all(a["parent_code"] == a["code"][:5] for a in towns)
    names = {a["code"]: a["name"] for a in towns}
    assert names[SAARBRUECKEN] == "Saarbrücken"
    geo = client.get("/api/v1/areas/geojson", query_string={"level": "gemeinde"}).get_json()
    lons = [p[0] for f in geo["features"] for p in _points(f["geometry"])]
    lats = [p[1] for f in geo["features"] for p in _points(f["geometry"])]
    # The Saarland lies at about 6.36-7.41 E, 49.11-49.64 N (EPSG:31467 read from the .prj).
    assert min(lons) > 6.3 and max(lons) < 7.5
    assert min(lats) > 49.0 and max(lats) < 49.7


def test_load_report_counts_the_skipped_rows(saarland: Example) -> None:
    output = saarland.outputs["1:load"].output
    assert "0 Fehler, 0 Warnungen" in output
    assert "Übersprungen (Ebene nicht im Datensatz): 1 Deutschland, 16 Länder" in output
    assert "Übersprungen (außerhalb des Gebiets): 13.730 Gemeinden" in output
    assert "Saarbrücken" in output and "(2008)" in output
    assert "1245 Werte für 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015" in output


def test_every_kreis_adds_up_to_the_land(client) -> None:
    land = values(client, "einwohner", level="land", period="2015")[("10", "2015")]["value"]
    kreise = values(client, "einwohner", level="kreis", period="2015")
    assert sum(r["value"] for r in kreise.values()) == land
    share = values(client, "frauenanteil", level="land", period="2015")[("10", "2015")]
    assert share["numerator"] == 506_966 and share["denominator"] == 995_597


def _points(geometry: dict) -> list[list[float]]:
    coords = geometry["coordinates"]
    rings = coords if geometry["type"] == "Polygon" else [r for poly in coords for r in poly]
    return [point for ring in rings for point in ring]
