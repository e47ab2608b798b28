"""All of Germany as the large case: 16 Länder > 401 Kreise > 10,997 Gemeinden from VG5000,
with the population of every Gemeinde from the unmodified Regionaldatenbank export.

Its key forms (10 digits in Rheinland-Pfalz, 11 in Niedersachsen, kreisfreie Städte with 5)
are placed on the 8-digit AGS. Building it takes a minute or two (slow, but run in CI).
"""

from __future__ import annotations

import re

import pytest

from tests.examples.setup import Example, logged_in_client, values

pytestmark = [pytest.mark.samples, pytest.mark.slow]


@pytest.fixture(scope="module")
def client(deutschland_example: Example):
    return logged_in_client(deutschland_example)


def test_territory_counts(client) -> None:
    counts = {level: len(client.get("/api/v1/areas", query_string={"level": level}).get_json())
              for level in ("land", "kreis", "gemeinde")}
    assert counts == {"land": 16, "kreis": 401, "gemeinde": 10_997}
    towns = client.get("/api/v1/areas", query_string={"level": "gemeinde"}).get_json()
    assert all(len(a["code"]) == 8 and a["parent_code"] == a["code"][:5] for a in towns)
    assert {a["code"]: a["name"] for a in towns}["01001000"] == "Flensburg"


def test_population_of_every_key_form(client) -> None:
    towns = values(client, "einwohner", level="gemeinde", period="2015")
    assert towns[("01001000", "2015")]["value"] == 85_942  # kreisfreie Stadt, key 01001
    assert towns[("10041100", "2015")]["value"] == 178_151  # 8 digits
    assert towns[("10041511", "2015")]["value"] == 10_280
    # The statistic's own key forms, placed on the 8-digit AGS (first 5 + last 3 digits):
    assert towns[("07131001", "2015")]["value"] == 2_947  # key 0713101001 (10 digits)
    assert towns[("03151002", "2015")]["value"] == 1_000  # key 03151401002 (11 digits)
    with_value = [row for row in towns.values() if row["value"] is not None]
    # 10,781 of 10,997 match a key; gemeindefreie Gebiete, the city states (Land rows only)
    # and Gemeinden formed after 2015 have none.
    assert 10_700 <= len(with_value) <= 10_781


def test_complete_laender_add_up_to_their_published_figures(client) -> None:
    lands = values(client, "einwohner", level="land", period="2015")
    assert lands[("10", "2015")]["value"] == 995_597  # Saarland
    assert lands[("05", "2015")]["value"] == 17_865_516  # Nordrhein-Westfalen
    # Berlin and Hamburg are delivered as Land rows only (no Gemeinde rows): no value.
    for city_state in ("11", "02"):
        row = lands.get((city_state, "2015"))
        assert row is None or row["value"] is None or row.get("incomplete") is True


def test_load_report(deutschland_example: Example) -> None:
    output = deutschland_example.outputs["1:load"].output
    assert "0 Fehler" in output
    assert re.search(r"347\.832 Datenzeilen, davon [\d.]+ übersprungen, 0 Fehler", output)
    assert "Werte für 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015 veröffentlicht" in output
