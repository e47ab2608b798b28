"""Computing indicators: roll-up from summed parts, plausible values on the demo city."""

from __future__ import annotations

import math
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pytest

from cockpit.context import Installation
from cockpit.indicators.compute import ComputeError, compute_indicator, run_indicator_sql
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from cockpit.store.schema import create_schema

_IDS = sorted(Installation(load_settings()).registry.indicators)


@pytest.fixture(scope="module")
def results(demo: Installation) -> dict[str, pd.DataFrame]:
    conn = demo.store.read()
    return {ind.id: compute_indicator(conn, ind) for ind in demo.registry}


def test_registry_has_at_least_30_indicators() -> None:
    assert len(_IDS) >= 30


@pytest.mark.parametrize("indicator_id", _IDS)
def test_indicator_runs_on_the_demo_with_plausible_values(
    demo: Installation, results: dict[str, pd.DataFrame], indicator_id: str
) -> None:
    indicator = demo.registry.get(indicator_id)
    df = results[indicator_id]
    assert not df.empty
    assert df["value"].notna().all(), df[df["value"].isna()]
    assert np.isfinite(df["value"]).all()
    low, high = indicator.value_range
    if low is not None:
        assert df["value"].min() >= low, df.nsmallest(3, "value")
    if high is not None:
        assert df["value"].max() <= high, df.nlargest(3, "value")
    if indicator.unit == "%" and high == 100:
        # a share: the numerator is part of the denominator
        assert (df["numerator"] <= df["denominator"]).all()


@pytest.mark.parametrize("indicator_id", _IDS)
def test_module_value_matches_its_numerator_and_denominator(
    demo: Installation, results: dict[str, pd.DataFrame], indicator_id: str
) -> None:
    """The value a module returns agrees with the Steckbrief's factor and aggregation."""
    indicator = demo.registry.get(indicator_id)
    own = run_indicator_sql(demo.store.read(), indicator)
    merged = own.merge(results[indicator_id], on=["area_code", "period"], suffixes=("", "_c"))
    assert len(merged) == len(own)
    assert np.allclose(merged["value"], merged["value_c"], rtol=1e-9)


@pytest.mark.parametrize("indicator_id", _IDS)
def test_higher_levels_are_recomputed_from_summed_parts(
    demo: Installation, results: dict[str, pd.DataFrame], indicator_id: str
) -> None:
    indicator = demo.registry.get(indicator_id)
    df = results[indicator_id]
    if set(df["level"]) == {"city"}:
        pytest.skip("delivered for the city only")
    parents = dict(demo.store.read().execute("SELECT code, parent_code FROM areas").fetchall())
    sub = df[df.level == "subdistrict"].copy()
    sub["district"] = sub["area_code"].map(parents)
    pooled = sub.groupby(["district", "period"])[["numerator", "denominator"]].sum()
    districts = df[df.level == "district"].set_index(["area_code", "period"])
    for (district, period), parts in pooled.iterrows():
        row = districts.loc[(district, period)]
        assert row["numerator"] == pytest.approx(parts["numerator"])
        if indicator.aggregation == "ratio":
            expected = indicator.factor * parts["numerator"] / parts["denominator"]
        else:
            expected = parts["numerator"] * indicator.factor
        assert row["value"] == pytest.approx(expected, rel=1e-12)
    city = df[df.level == "city"].set_index("period")
    totals = sub.groupby("period")[["numerator", "denominator"]].sum()
    for period, parts in totals.iterrows():
        assert city.loc[period, "numerator"] == pytest.approx(parts["numerator"])


def test_rates_are_not_averaged(demo: Installation, results: dict[str, pd.DataFrame]) -> None:
    df = results["sgb2_quote"]
    sub = df[(df.level == "subdistrict") & (df.period == "2024")]
    city = df[(df.level == "city") & (df.period == "2024")]["value"].item()
    assert not math.isclose(city, sub["value"].mean(), rel_tol=1e-3)
    assert city == pytest.approx(100 * sub["numerator"].sum() / sub["denominator"].sum())


# -- a tiny store to provoke the edge cases -------------------------------------

@pytest.fixture
def tiny() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    create_schema(conn)
    conn.execute("""
        INSERT INTO areas (code, name, level, parent_code) VALUES
        ('00', 'Stadt', 'city', NULL), ('01', 'Bezirk', 'district', '00'),
        ('0101', 'A', 'subdistrict', '01'), ('0102', 'B', 'subdistrict', '01')
    """)
    conn.execute("""
        INSERT INTO observations (dataset_id, area_code, period, age_group, value) VALUES
        ('sgb2', '0101', '2024', '15_64', 10), ('sgb2', '0102', '2024', '15_64', 30),
        ('bevoelkerung', '0101', '2024', '25_44', 100),
        ('bevoelkerung', '0102', '2024', '25_44', 300),
        ('sgb2', '0101', '2023', '15_64', 5), ('bevoelkerung', '0101', '2023', '25_44', 50)
    """)
    return conn


def test_parent_of_incomplete_children_gets_the_partial_sum_marked_incomplete(
    demo: Installation, tiny: duckdb.DuckDBPyConnection
) -> None:
    df = compute_indicator(tiny, demo.registry.get("sgb2_quote")).set_index(
        ["area_code", "period"])
    assert df.loc[("01", "2024"), "value"] == pytest.approx(100 * 40 / 400)
    assert not df.loc[("01", "2024"), "incomplete"]
    assert df.loc[("0101", "2023"), "value"] == pytest.approx(10.0)
    # 0102 delivered nothing for 2023: district and city get what is there, marked
    for parent in ("01", "00"):
        row = df.loc[(parent, "2023")]
        assert row["value"] == pytest.approx(10.0)
        assert row["numerator"] == 5 and row["denominator"] == 50
        assert row["incomplete"] and (row["missing"], row["expected"]) == (1, 2)
    assert not df["converted"].any()


def test_period_parameter_is_bound(demo: Installation, tiny: duckdb.DuckDBPyConnection) -> None:
    df = compute_indicator(tiny, demo.registry.get("sgb2_quote"), period="2023")
    assert set(df["period"]) == {"2023"}
    injected = compute_indicator(tiny, demo.registry.get("sgb2_quote"),
                                 period="2024' OR '1'='1")
    assert injected.empty


def test_rows_on_several_levels_are_refused(
    demo: Installation, tiny: duckdb.DuckDBPyConnection
) -> None:
    tiny.execute("INSERT INTO observations (dataset_id, area_code, period, age_group, value) "
                 "VALUES ('sgb2', '01', '2024', '00_14', 1), "
                 "('bevoelkerung', '01', '2024', '00_02', 1)")
    with pytest.raises(ComputeError, match="mehreren Ebenen"):
        compute_indicator(tiny, demo.registry.get("sgb2_quote"))


def test_indicator_without_rows_gives_an_empty_result(demo: Installation) -> None:
    conn = duckdb.connect()
    create_schema(conn)
    assert compute_indicator(conn, demo.registry.get("einwohner")).empty


def test_queries_folder_is_bundled() -> None:
    assert any(bundled_dir("queries").rglob("*.sql"))


def test_sum_indicator_with_factor(demo: Installation, tiny: duckdb.DuckDBPyConnection) -> None:
    doubled = replace(demo.registry.get("einwohner"), factor=2.0)
    df = compute_indicator(tiny, doubled).set_index(["area_code", "period"])
    assert df.loc[("01", "2024"), "value"] == 800


def test_population_change_of_half_years_is_on_the_same_half_year_before(
        demo: Installation) -> None:
    # The SQL used to CAST(period AS INTEGER) and failed on any sub-year period.
    conn = duckdb.connect()
    create_schema(conn)
    conn.execute("""
        INSERT INTO areas (code, name, level, parent_code) VALUES
        ('00', 'Stadt', 'city', NULL), ('01', 'Bezirk', 'district', '00'),
        ('0101', 'A', 'subdistrict', '01')
    """)
    conn.execute("""
        INSERT INTO observations (dataset_id, area_code, period, value) VALUES
        ('bevoelkerung', '0101', '2023-H1', 1000), ('bevoelkerung', '0101', '2023-H2', 1010),
        ('bevoelkerung', '0101', '2024-H1', 1050), ('bevoelkerung', '0101', '2024-H2', 1111),
        ('bevoelkerung', '0101', '2023', 500), ('bevoelkerung', '0101', '2024', 550)
    """)
    rows = run_indicator_sql(conn, demo.registry.get("bevoelkerungsentwicklung"))
    got = {r.period: (r.numerator, r.denominator) for r in rows.itertuples()}
    assert got == {"2024-H1": (50, 1000), "2024-H2": (101, 1010), "2024": (50, 500)}
