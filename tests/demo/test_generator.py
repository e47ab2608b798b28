"""The demo city: reproducible, plausible, and with the relations reports rely on."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.demo.generator import YEARS, generate_observations
from cockpit.indicators.compute import compute_indicator
from cockpit.store.checksum import data_checksum


def _bytes_of(rows: list[tuple]) -> bytes:
    return "\n".join(repr(r) for r in rows).encode()


def test_generator_returns_the_same_bytes_every_run() -> None:
    first = hashlib.sha256(_bytes_of(generate_observations("00"))).hexdigest()
    second = hashlib.sha256(_bytes_of(generate_observations("00"))).hexdigest()
    assert first == second


def test_two_demo_builds_have_identical_data(demo: Installation, fresh_home) -> None:
    build_demo_store(fresh_home.store, fresh_home.catalog)
    assert data_checksum(fresh_home.store.read()) == data_checksum(demo.store.read())
    assert fresh_home.store.current_version() != demo.store.current_version()


def test_demo_has_the_expected_territory(demo: Installation) -> None:
    levels = dict(demo.store.read().execute(
        "SELECT level, count(*) FROM areas GROUP BY level").fetchall())
    assert levels == {"city": 1, "district": 6, "subdistrict": 24}
    geometries = demo.store.read().execute("SELECT count(*) FROM area_geometries").fetchone()[0]
    assert geometries == 31


def test_every_dataset_has_data_for_every_year(demo: Installation) -> None:
    rows = demo.store.read().execute(
        "SELECT dataset_id, count(DISTINCT period) FROM observations GROUP BY 1").fetchall()
    periods = dict(rows)
    assert set(periods) == set(demo.catalog.datasets)
    # elections happen only in some years; everything else is yearly
    assert periods.pop("wahlen") == 6  # 2013, 2014, 2017, 2020, 2021, 2025
    assert set(periods.values()) == {len(YEARS)}


def test_observation_codes_are_allowed_by_the_dataset_definitions(demo: Installation) -> None:
    conn = demo.store.read()
    for dataset in demo.catalog.datasets.values():
        for dim, codes in dataset.dimensions.items():
            found = {r[0] for r in conn.execute(
                f"SELECT DISTINCT {dim} FROM observations WHERE dataset_id = ?",
                [dataset.id]).fetchall()}
            assert found <= set(codes), (dataset.id, dim, found - set(codes))


def _latest(demo: Installation, indicator_id: str, period: str = "2024") -> pd.Series:
    df = compute_indicator(demo.store.read(), demo.registry.get(indicator_id))
    df = df[(df.level == "subdistrict") & (df.period == period)]
    return df.set_index("area_code")["value"]


@pytest.mark.parametrize(
    "left,right,sign",
    [
        ("sgb2_quote", "auslaenderanteil", +1),
        ("uebergang_gymnasium", "sgb2_quote", -1),
        ("ferienprogramm_quote", "sgb2_quote", -1),
        ("abgaenger_ohne_abschluss", "kinderarmut", +1),
        ("wahlbeteiligung_bundestagswahl", "sgb2_quote", -1),
    ],
)
def test_indicators_show_the_usual_social_gradient(
    demo: Installation, left: str, right: str, sign: int
) -> None:
    period = "2025" if left.startswith("wahl") else "2024"
    corr = _latest(demo, left, period).corr(_latest(demo, right, period))
    assert sign * corr > 0.6, corr


def test_new_build_quarter_grows_fast(demo: Installation) -> None:
    df = compute_indicator(demo.store.read(), demo.registry.get("einwohner"))
    garden = df[df.area_code == "0503"].set_index("period")["value"]
    assert garden["2025"] > 4 * garden["2012"]
    city = df[df.area_code == "00"].set_index("period")["value"]
    assert 0.9 < city["2025"] / city["2012"] < 1.2


def test_ageing_quarters_get_older(demo: Installation) -> None:
    df = compute_indicator(demo.store.read(), demo.registry.get("anteil_65_plus"))
    share = df[df.level == "subdistrict"].pivot(index="area_code", columns="period",
                                                 values="value")
    rise = share["2025"] - share["2012"]
    assert (rise > 4).sum() >= 4
    assert rise["0203"] > 4  # Kirchberg is one of them


def test_restricted_data_contains_small_counts(demo: Installation) -> None:
    small = demo.store.read().execute(
        "SELECT count(*) FROM observations o JOIN datasets d ON d.id = o.dataset_id "
        "WHERE d.classification = 'restricted' AND o.value BETWEEN 1 AND 2").fetchone()[0]
    assert small >= 10
