"""Every indicator has an expected value on a tiny fixture, written by hand.

The fixture (tests/fixtures/tiny) is one city "00" with one district "01" and
two Stadtteile "0101" and "0102". The expected values below are arithmetic on
the numbers in observations.csv, worked out by hand -- never by running SQL.

Residents (bevoelkerung) 2024, by age group; "nd" = nichtdeutsch, "w" = women:

    age group   0101                 0102
    00_02         30                   20
    03_05         30                   20 (nd)
    06_09         40                   20
    10_14         60 (10 nd)           20
    15_17         40 (w)               20
    18_20         30                   20 (w)
    21_24         50 (w)               20 (nd)
    25_44        350 (200 w, 50 nd w) 140 (80 w)
    45_64        200                   60
    65_79        120                   40
    80_PLUS       50                   20
    total       1000                  400

Residents 2023: 0101 = 400 + 400 = 800, 0102 = 250 + 250 = 500.

The two Stadtteile have different denominators almost everywhere, so the
district's pooled rate (sum of numerators / sum of denominators) differs from
the mean of the two Stadtteil rates.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.catalog import Catalog, load_catalog
from cockpit.indicators.compute import compute_indicator
from cockpit.indicators.registry import Registry, load_registry, load_topics
from cockpit.resources import bundled_dir
from cockpit.store.schema import DIMENSIONS, TOTAL, create_schema

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"

SUBDISTRICTS = ("0101", "0102")
DISTRICT = "01"
CITY = "00"

# Frequently used resident counts of 2024 (see the table in the module docstring).
# 0101: under 18 = 30+30+40+60+40 = 200, 18-64 = 30+50+350+200 = 630,
#       65+ = 120+50 = 170, under 15 = 30+30+40+60 = 160, 15-24 = 40+30+50 = 120,
#       15-64 = 40+30+50+350+200 = 670, under 21 = 200+30 = 230, 6-14 = 40+60 = 100,
#       women 15-44 = 40+50+150+50 = 290.
# 0102: under 18 = 5*20 = 100, 18-64 = 20+20+140+60 = 240, 65+ = 40+20 = 60,
#       under 15 = 4*20 = 80, 15-24 = 3*20 = 60, 15-64 = 3*20+140+60 = 260,
#       under 21 = 100+20 = 120, 6-14 = 20+20 = 40, women 15-44 = 20+80 = 100.

EXPECTED: dict[str, list[tuple[str, str, float]]] = {
    # --- demografie --------------------------------------------------------------
    "einwohner": [
        ("0101", "2024", 1000),  # sum of the 14 rows of 0101
        ("0102", "2024", 400),
        ("01", "2024", 1000 + 400),
        ("00", "2024", 1000 + 400),
        ("01", "2023", 800 + 500),
    ],
    "bevoelkerungsentwicklung": [
        ("0101", "2024", 100 * (1000 - 800) / 800),  # +25 %
        ("0102", "2024", 100 * (400 - 500) / 500),  # -20 %
        ("01", "2024", 100 * (1400 - 1300) / 1300),  # pooled, not (25 - 20) / 2
    ],
    "anteil_unter_18": [
        ("0101", "2024", 100 * 200 / 1000),
        ("0102", "2024", 100 * 100 / 400),
        ("01", "2024", 100 * (200 + 100) / (1000 + 400)),
    ],
    "anteil_65_plus": [
        ("0101", "2024", 100 * (120 + 50) / 1000),
        ("0102", "2024", 100 * (40 + 20) / 400),
        ("01", "2024", 100 * (170 + 60) / 1400),
    ],
    "anteil_80_plus": [
        ("0101", "2024", 100 * 50 / 1000),
        ("0102", "2024", 100 * 20 / 400),
        ("01", "2024", 100 * (50 + 20) / 1400),
    ],
    "auslaenderanteil": [
        ("0101", "2024", 100 * (10 + 50) / 1000),  # 10_14 nd + 25_44 nd
        ("0102", "2024", 100 * (20 + 20) / 400),  # 03_05 nd + 21_24 nd
        ("01", "2024", 100 * (60 + 40) / 1400),
    ],
    "auslaenderanteil_unter_18": [
        ("0101", "2024", 100 * 10 / 200),
        ("0102", "2024", 100 * 20 / 100),
        ("01", "2024", 100 * (10 + 20) / (200 + 100)),
    ],
    "jugendquotient": [
        ("0101", "2024", 100 * 200 / 630),
        ("0102", "2024", 100 * 100 / 240),
        ("01", "2024", 100 * (200 + 100) / (630 + 240)),
    ],
    "altenquotient": [
        ("0101", "2024", 100 * 170 / 630),
        ("0102", "2024", 100 * 60 / 240),
        ("01", "2024", 100 * (170 + 60) / (630 + 240)),
    ],
    "geburtenrate": [
        ("0101", "2024", 1000 * 12 / 1000),
        ("0102", "2024", 1000 * 3 / 400),
        ("01", "2024", 1000 * (12 + 3) / 1400),  # 10.71..., the mean would be 9.75
        ("00", "2024", 1000 * (12 + 3) / 1400),
    ],
    "fruchtbarkeitsziffer": [
        ("0101", "2024", 1000 * 12 / 290),  # women 15-44
        ("0102", "2024", 1000 * 3 / 100),
        ("01", "2024", 1000 * (12 + 3) / (290 + 100)),
    ],
    "wanderungssaldo_je_1000": [
        ("0101", "2024", 1000 * (80 - 60) / 1000),
        ("0102", "2024", 1000 * (20 - 30) / 400),
        ("01", "2024", 1000 * (20 - 10) / 1400),
    ],
    # --- soziales ----------------------------------------------------------------
    "arbeitslosenquote": [
        ("0101", "2024", 100 * (18 + 49) / 670),  # residents 15-64
        ("0102", "2024", 100 * (3 + 36) / 260),
        ("01", "2024", 100 * (67 + 39) / (670 + 260)),
    ],
    "jugendarbeitslosigkeit": [
        ("0101", "2024", 100 * 18 / 120),  # residents 15-24
        ("0102", "2024", 100 * 3 / 60),
        ("01", "2024", 100 * (18 + 3) / (120 + 60)),
    ],
    "kinderarmut": [
        ("0101", "2024", 100 * 40 / 160),  # residents under 15
        ("0102", "2024", 100 * 16 / 80),
        ("01", "2024", 100 * (40 + 16) / (160 + 80)),
    ],
    "sgb2_quote": [
        ("0101", "2024", 100 * (40 + 60) / (1000 - 170)),  # residents under 65
        ("0102", "2024", 100 * (16 + 24) / (400 - 60)),
        ("01", "2024", 100 * (100 + 40) / (830 + 340)),
    ],
    # --- fruehkindliche_bildung ---------------------------------------------------
    "betreuungsquote_u3": [
        ("0101", "2024", 100 * 9 / 30),
        ("0102", "2024", 100 * 8 / 20),
        ("01", "2024", 100 * (9 + 8) / (30 + 20)),
    ],
    "platzangebot_u3": [
        ("0101", "2024", 100 * 12 / 30),
        ("0102", "2024", 100 * 10 / 20),
        ("01", "2024", 100 * (12 + 10) / (30 + 20)),
    ],
    "betreuungsquote_3_6": [
        ("0101", "2024", 100 * 27 / 30),
        ("0102", "2024", 100 * 19 / 20),
        ("01", "2024", 100 * (27 + 19) / (30 + 20)),
    ],
    "platzangebot_3_6": [
        ("0101", "2024", 100 * 30 / 30),
        ("0102", "2024", 100 * 22 / 20),  # more places than children: 110
        ("01", "2024", 100 * (30 + 22) / (30 + 20)),
    ],
    # --- schule --------------------------------------------------------------------
    "abgaenger_hochschulreife": [
        ("0101", "2024", 100 * 20 / (2 + 8 + 20 + 20)),
        ("0102", "2024", 100 * 5 / (3 + 7 + 10 + 5)),
        ("01", "2024", 100 * (20 + 5) / (50 + 25)),
    ],
    "abgaenger_ohne_abschluss": [
        ("0101", "2024", 100 * 2 / 50),
        ("0102", "2024", 100 * 3 / 25),
        ("01", "2024", 100 * (2 + 3) / (50 + 25)),
    ],
    "uebergang_gymnasium": [
        ("0101", "2024", 100 * 20 / (20 + 10 + 6 + 2 + 2)),
        ("0102", "2024", 100 * 4 / (4 + 8 + 4 + 4)),
        ("01", "2024", 100 * (20 + 4) / (40 + 20)),  # 40, the mean would be 35
    ],
    "uebergang_gesamtschule": [
        ("0101", "2024", 100 * 10 / 40),
        ("0102", "2024", 100 * 8 / 20),
        ("01", "2024", 100 * (10 + 8) / (40 + 20)),
    ],
    "uebergang_hauptschule": [
        ("0101", "2024", 100 * 2 / 40),
        ("0102", "2024", 100 * 4 / 20),
        ("01", "2024", 100 * (2 + 4) / (40 + 20)),
    ],
    # --- berufliche_bildung (city only) ------------------------------------------
    "anteil_duales_system": [
        ("00", "2024", 100 * 600 / (600 + 250 + 150)),
    ],
    "anteil_uebergangsbereich": [
        ("00", "2024", 100 * 150 / (600 + 250 + 150)),
    ],
    # --- weiterbildung -------------------------------------------------------------
    "vhs_anteil_integration_grundbildung": [
        ("0101", "2024", 100 * (15 + 5) / (40 + 15 + 5 + 10 + 20 + 10)),
        ("0102", "2024", 100 * (12 + 3) / (10 + 12 + 3 + 5)),
        ("01", "2024", 100 * (20 + 15) / (100 + 30)),
    ],
    "vhs_belegungen_je_1000": [
        ("0101", "2024", 1000 * 100 / 1000),
        ("0102", "2024", 1000 * 30 / 400),
        ("01", "2024", 1000 * (100 + 30) / 1400),
    ],
    # --- jugend ----------------------------------------------------------------------
    "ferienprogramm_quote": [
        ("0101", "2024", 100 * (20 + 10) / 100),  # residents 6-14
        ("0102", "2024", 100 * (8 + 2) / 40),
        ("01", "2024", 100 * (30 + 10) / (100 + 40)),
    ],
    "hze_je_1000_unter_21": [
        ("0101", "2024", 1000 * (5 + 1 + 2) / 230),  # residents under 21
        ("0102", "2024", 1000 * (3 + 1 + 2) / 120),
        ("01", "2024", 1000 * (8 + 6) / (230 + 120)),
    ],
    "hze_stationaer_je_1000_unter_21": [
        ("0101", "2024", 1000 * 2 / 230),
        ("0102", "2024", 1000 * 2 / 120),
        ("01", "2024", 1000 * (2 + 2) / (230 + 120)),
    ],
    # --- beteiligung ---------------------------------------------------------------
    "wahlbeteiligung_bundestagswahl": [
        ("0101", "2024", 100 * 600 / 750),
        ("0102", "2024", 100 * 150 / 250),
        ("01", "2024", 100 * (600 + 150) / (750 + 250)),
    ],
    "wahlbeteiligung_kommunalwahl": [
        ("0101", "2024", 100 * 400 / 800),
        ("0102", "2024", 100 * 210 / 300),
        ("01", "2024", 100 * (400 + 210) / (800 + 300)),
    ],
    # --- finanzen (city only; residents are summed over both Stadtteile) -----------
    "ergebnishaushalt_planerfuellung_aufwand": [
        # Aufwendungen ist pb01+pb03+pb05+pb06 / plan of the same
        ("00", "2024", 100 * (280000 + 200000 + 770000 + 420000)
                       / (300000 + 220000 + 700000 + 400000)),
    ],
    "ergebnishaushalt_saldo_je_einwohner": [
        # (Erträge ist - Aufwendungen ist) / residents = (1600000 - 1670000) / 1400 = -50
        ("00", "2024", ((1400000 + 200000) - (280000 + 200000 + 770000 + 420000)) / 1400),
    ],
    "investitionen_umsetzungsquote": [
        ("00", "2024", 100 * (300000 + 50000) / (500000 + 100000)),  # auszahlungen_lfd ignored
    ],
    "jugendhilfe_aufwand_je_einwohner_unter_21": [
        ("00", "2024", 420000 / (230 + 120)),  # pb06 ist
    ],
    "schultraeger_aufwand_je_einwohner_6_17": [
        ("00", "2024", 200000 / ((40 + 60 + 40) + (20 + 20 + 20))),  # pb03 ist / 6-17
    ],
    "soziale_leistungen_aufwand_je_einwohner": [
        ("00", "2024", 770000 / 1400),  # pb05 ist
    ],
}

CASES = [
    pytest.param(ind_id, area, period, value, id=f"{ind_id}-{area}-{period}")
    for ind_id, rows in EXPECTED.items()
    for area, period, value in rows
]

ROLLED_UP = sorted(
    ind_id for ind_id, rows in EXPECTED.items() if any(area == DISTRICT for area, _, _ in rows)
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(bundled_dir("data"))


@pytest.fixture(scope="module")
def registry(catalog: Catalog) -> Registry:
    data_dir = bundled_dir("data")
    return load_registry(bundled_dir("queries"), catalog, load_topics(data_dir))


@pytest.fixture(scope="module")
def tiny_store() -> duckdb.DuckDBPyConnection:
    """The tiny fixture in an in-memory store with the real schema."""
    conn = duckdb.connect()
    create_schema(conn)
    areas = (FIXTURE_DIR / "areas.csv").as_posix()
    observations = (FIXTURE_DIR / "observations.csv").as_posix()
    conn.execute(
        "INSERT INTO areas (code, name, level, parent_code) "
        "SELECT code, name, level, NULLIF(parent_code, '') "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [areas],
    )
    dims = ", ".join(DIMENSIONS)
    conn.execute(
        f"INSERT INTO observations (dataset_id, area_code, period, {dims}, value) "
        f"SELECT dataset_id, area_code, period, {dims}, CAST(value AS DOUBLE) "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [observations],
    )
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def results(
    tiny_store: duckdb.DuckDBPyConnection, registry: Registry
) -> dict[str, pd.DataFrame]:
    """compute_indicator for every indicator, once per module."""
    return {ind.id: compute_indicator(tiny_store, ind) for ind in registry}


def _row(frame: pd.DataFrame, area: str, period: str) -> pd.Series:
    hit = frame[(frame["area_code"] == area) & (frame["period"] == period)]
    assert len(hit) == 1, f"expected one row for {area}/{period}, got {len(hit)}:\n{frame}"
    return hit.iloc[0]


def test_fixture_is_loaded(tiny_store: duckdb.DuckDBPyConnection) -> None:
    levels = dict(tiny_store.execute("SELECT code, level FROM areas").fetchall())
    assert levels == {"00": "city", "01": "district", "0101": "subdistrict",
                      "0102": "subdistrict"}
    total = tiny_store.execute(
        "SELECT sum(value) FROM observations "
        "WHERE dataset_id = 'bevoelkerung' AND period = '2024'"
    ).fetchone()[0]
    assert total == 1000 + 400


def test_fixture_uses_only_allowed_codes(
    tiny_store: duckdb.DuckDBPyConnection, catalog: Catalog, registry: Registry
) -> None:
    """Every dataset an indicator reads is present, with codes its YAML allows."""
    frame = tiny_store.execute("SELECT * FROM observations").df()
    needed = {ds for ind in registry for ds in ind.datasets}
    assert needed <= set(frame["dataset_id"])
    for dataset_id, rows in frame.groupby("dataset_id"):
        dataset = catalog.datasets[dataset_id]
        for dim in DIMENSIONS:
            allowed = set(dataset.dimensions.get(dim, (TOTAL,)))
            used = set(rows[dim])
            assert used <= allowed, f"{dataset_id}.{dim}: {sorted(used - allowed)}"


def test_every_indicator_has_an_expectation(registry: Registry) -> None:
    assert set(EXPECTED) == set(registry.indicators)


@pytest.mark.parametrize(("indicator_id", "area", "period", "expected"), CASES)
def test_expected_value(
    results: dict[str, pd.DataFrame], indicator_id: str, area: str, period: str,
    expected: float,
) -> None:
    row = _row(results[indicator_id], area, period)
    assert row["value"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("indicator_id", ROLLED_UP)
def test_district_pools_numerators_and_denominators(
    results: dict[str, pd.DataFrame], registry: Registry, indicator_id: str
) -> None:
    indicator = registry.get(indicator_id)
    frame = results[indicator_id]
    district = _row(frame, DISTRICT, "2024")
    children = [_row(frame, code, "2024") for code in SUBDISTRICTS]
    numerator = sum(child["numerator"] for child in children)
    assert district["numerator"] == pytest.approx(numerator, rel=1e-9)
    if indicator.aggregation == "ratio":
        denominator = sum(child["denominator"] for child in children)
        assert denominator != 0
        assert district["denominator"] == pytest.approx(denominator, rel=1e-9)
        pooled = indicator.factor * numerator / denominator
        assert district["value"] == pytest.approx(pooled, rel=1e-9)
    else:
        assert district["value"] == pytest.approx(numerator * indicator.factor, rel=1e-9)


def test_pooled_rate_differs_from_mean_of_rates(
    results: dict[str, pd.DataFrame], registry: Registry
) -> None:
    """The fixture must be able to tell pooling from averaging, and pooling must win."""
    # By hand: geburtenrate 0101 = 12, 0102 = 7.5; mean 9.75, pooled 1000 * 15 / 1400.
    by_area = {area: value for area, _, value in EXPECTED["geburtenrate"]}
    mean_of_rates = (by_area["0101"] + by_area["0102"]) / 2
    assert abs(by_area[DISTRICT] - mean_of_rates) > 0.5
    differing = []
    for indicator_id in ROLLED_UP:
        if registry.get(indicator_id).aggregation != "ratio":
            continue
        frame = results[indicator_id]
        mean = sum(_row(frame, code, "2024")["value"] for code in SUBDISTRICTS) / 2
        if _row(frame, DISTRICT, "2024")["value"] != pytest.approx(mean, rel=1e-6):
            differing.append(indicator_id)
    assert "geburtenrate" in differing
    assert len(differing) >= 1
