"""Köln from its own open data, set up as README "Eine echte Kommune einrichten" says.

9 Stadtbezirke and 86 Stadtteile from the city's Shapefiles, population 31.12.2005-2012
from its long table with its own row codes; the published figures must come out of the API.
"""

from __future__ import annotations

import pytest

from tests.examples.setup import Example, logged_in_client, values

pytestmark = pytest.mark.samples

INDICATORS = ("einwohner", "auslaenderanteil", "anteil_unter_18", "anteil_ab_65",
              "jugendquotient", "altenquotient", "bevoelkerungsentwicklung")


@pytest.fixture(scope="module")
def koeln(koeln_example: Example) -> Example:
    return koeln_example


@pytest.fixture(scope="module")
def client(koeln: Example):
    return logged_in_client(koeln)


def test_published_figures_come_out_of_the_api(client) -> None:
    einwohner = {**values(client, "einwohner", period="2005"),
                 **values(client, "einwohner", period="2009"),
                 **values(client, "einwohner", period="2012")}
    assert einwohner[("000", "2005")]["value"] == 1_023_101
    assert einwohner[("000", "2012")]["value"] == 1_044_555
    assert einwohner[("000", "2009")]["value"] == 1_020_303
    assert einwohner[("001", "2005")]["value"] == 129_496
    assert einwohner[("001", "2005")]["area_name"] == "Innenstadt"
    assert einwohner[("101", "2012")]["value"] == 27_515
    assert einwohner[("101", "2012")]["area_name"] == "Altstadt/Süd"
    foreigners = values(client, "auslaenderanteil", level="stadt", period="2012")
    assert foreigners[("000", "2012")]["numerator"] == 180_415
    assert foreigners[("000", "2012")]["value"] == pytest.approx(100 * 180_415 / 1_044_555)


def test_every_indicator_has_values_on_every_level_and_year(client) -> None:
    catalogue = {row["id"]: row for row in client.get("/api/v1/indicators").get_json()}
    assert set(INDICATORS) <= set(catalogue)
    for indicator in INDICATORS:
        for level, count in (("stadt", 1), ("stadtbezirk", 9), ("stadtteil", 86)):
            rows = values(client, indicator, level=level, period="2012")
            assert len(rows) == count, (indicator, level)
            assert all(row["value"] is not None for row in rows.values()), (indicator, level)
    first = client.get("/api/v1/indicators/bevoelkerungsentwicklung/values",
                       query_string={"level": "stadt", "period": "2005"})
    assert first.status_code == 400  # no previous year, so no value
    assert "2005 gibt es keine Werte" in first.get_json()["error"]
    development = values(client, "bevoelkerungsentwicklung", level="stadt", period="2012")
    residents = values(client, "einwohner", level="stadt", period="2011")[("000", "2011")]
    assert development[("000", "2012")]["numerator"] == 1_044_555 - residents["value"]
    assert development[("000", "2012")]["denominator"] == residents["value"]


def test_quotients_follow_the_age_bands(client) -> None:
    young = values(client, "jugendquotient", level="stadt", period="2012")[("000", "2012")]
    old = values(client, "altenquotient", level="stadt", period="2012")[("000", "2012")]
    under_18 = values(client, "anteil_unter_18", level="stadt", period="2012")[("000", "2012")]
    over_65 = values(client, "anteil_ab_65", level="stadt", period="2012")[("000", "2012")]
    working = young["denominator"]
    assert old["denominator"] == working
    assert under_18["numerator"] == young["numerator"]
    assert over_65["numerator"] == old["numerator"]
    # The age bands add up to the Einwohner (the city's file agrees in every area and year).
    assert young["numerator"] + working + old["numerator"] == 1_044_555
    assert 10 < under_18["value"] < 25 and 10 < over_65["value"] < 25


def test_territory_levels_names_and_parents(client) -> None:
    levels = client.get("/api/v1/levels").get_json()
    assert [level["id"] for level in levels] == ["stadt", "stadtbezirk", "stadtteil"]
    districts = client.get("/api/v1/areas", query_string={"level": "stadtbezirk"}).get_json()
    assert sorted(a["code"] for a in districts) == [f"00{i}" for i in range(1, 10)]
    assert "Mülheim" in {a["name"] for a in districts}  # Windows-1252 .dbf without .cpg
    parts = client.get("/api/v1/areas", query_string={"level": "stadtteil"}).get_json()
    assert len(parts) == 86
    # --parent-within agrees with the key: the first digit of STT_NR is the Stadtbezirk.
    assert all(a["parent_code"] == "00" + a["code"][0] for a in parts)


def test_boundaries_are_in_koeln(client) -> None:
    collection = client.get("/api/v1/areas/geojson", query_string={"level": "stadtteil"})
    features = collection.get_json()["features"]
    assert len(features) == 86
    points = [point for feature in features for point in _points(feature["geometry"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    # Köln lies at about 6.77-7.17 E, 50.83-51.09 N (not 2,000 km away: the .prj's false
    # easting of 2,500,000 was read, not assumed away).
    assert min(lons) > 6.7 and max(lons) < 7.2
    assert min(lats) > 50.8 and max(lats) < 51.1


def test_load_report_names_what_was_skipped_and_checked(koeln: Example) -> None:
    output = koeln.outputs["1:load"].output
    assert "13.072 von 29.135 Zeilen übernommen" in output
    assert "14.543 Zeilen mit Zeilencodes ohne Zuordnung übersprungen" in output
    assert "152 Zeilen der Ebene Stadt nicht gespeichert" in output
    assert "1.368 Zeilen der Ebene Stadtbezirk nicht gespeichert" in output
    assert "0 Fehler" in output


def _points(geometry: dict) -> list[list[float]]:
    coords = geometry["coordinates"]
    rings = coords if geometry["type"] == "Polygon" else [r for poly in coords for r in poly]
    return [point for ring in rings for point in ring]
