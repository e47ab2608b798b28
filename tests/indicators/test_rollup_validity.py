"""Roll-ups over the areas valid in each period (Gebietsstand), incomplete and converted."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.store.schema import create_schema
from cockpit.territory.correspondence import read_correspondence
from tests.boundary import CORRESPONDENCE, RESIDENTS, write_reform


def _store(residents: dict | None = None) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    create_schema(conn)
    write_reform(conn, residents)
    return conn


def _residents(demo: Installation, conn: duckdb.DuckDBPyConnection,
               correspondences: tuple = ()) -> pd.DataFrame:
    frame = compute_indicator(conn, demo.registry.get("einwohner"),
                              correspondences=correspondences)
    return frame.set_index(["area_code", "period"])


def _table(tmp_path: Path, text: str = CORRESPONDENCE):
    path = tmp_path / "lor.csv"
    path.write_text(text, encoding="utf-8")
    table, problems = read_correspondence(path)
    assert problems == []
    return table


def test_unchanged_levels_keep_one_series_across_the_reform(demo: Installation) -> None:
    df = _residents(demo, _store())
    nord = df.xs("01", level="area_code")
    assert nord["value"].to_dict() == {"2019": 300, "2020": 320, "2021": 320, "2022": 340}
    city = df.xs("0", level="area_code")
    assert city["value"].to_dict() == {"2019": 600, "2020": 630, "2021": 640, "2022": 680}
    assert not df["incomplete"].any()  # old areas are not "missing" after 2020, nor new before


def test_old_areas_keep_their_values_and_new_ones_start_with_the_reform(
    demo: Installation,
) -> None:
    df = _residents(demo, _store())
    assert df.loc[("0102", "2019"), "value"] == 200
    assert df.xs("0101", level="area_code").index.tolist() == ["2019", "2020"]
    assert df.xs("1022", level="area_code").index.tolist() == ["2021", "2022"]
    assert df.loc[("1022", "2021"), "level"] == "subdistrict"


def test_a_child_missing_in_one_period_gives_a_partial_sum_marked_incomplete(
    demo: Installation,
) -> None:
    residents = dict(RESIDENTS)
    del residents[("1012", "2022")]  # valid in 2022, but delivered nothing
    df = _residents(demo, _store(residents))
    nord = df.loc[("01", "2022")]
    assert nord["value"] == 160  # 1011 alone, not empty
    assert nord["incomplete"] and (nord["missing"], nord["expected"]) == (1, 2)
    city = df.loc[("0", "2022")]
    assert city["value"] == 500 and city["incomplete"]
    assert (city["missing"], city["expected"]) == (1, 4)
    assert not df.loc[("02", "2022"), "incomplete"]
    assert not df.loc[("01", "2021"), "incomplete"]


def test_a_child_valid_only_from_2019_does_not_make_2015_incomplete(
    demo: Installation,
) -> None:
    conn = duckdb.connect()
    create_schema(conn)
    conn.execute("""
        INSERT INTO areas (code, name, level, parent_code, valid_from) VALUES
        ('0', 'Stadt', 'city', NULL, '1900-01-01'),
        ('01', 'Nord', 'district', '0', '1900-01-01'),
        ('02', 'Süd', 'district', '0', '1900-01-01'),
        ('03', 'Neubaugebiet', 'district', '0', '2019-01-01')
    """)
    conn.execute("""
        INSERT INTO observations (dataset_id, area_code, period, age_group, value) VALUES
        ('bevoelkerung', '01', '2015', '25_44', 10), ('bevoelkerung', '02', '2015', '25_44', 20),
        ('bevoelkerung', '01', '2019', '25_44', 11), ('bevoelkerung', '02', '2019', '25_44', 21),
        ('bevoelkerung', '03', '2019', '25_44', 5)
    """)
    df = _residents(demo, conn)
    assert df.loc[("0", "2015"), "value"] == 30
    assert not df.loc[("0", "2015"), "incomplete"]
    assert df.loc[("0", "2015"), "expected"] == 2
    assert df.loc[("0", "2019"), "value"] == 37 and df.loc[("0", "2019"), "expected"] == 3


def test_rates_of_an_incomplete_parent_sum_only_complete_parts(demo: Installation) -> None:
    conn = _store()
    conn.execute("""
        INSERT INTO observations (dataset_id, area_code, period, age_group, value) VALUES
        ('sgb2', '1011', '2022', '15_64', 16), ('sgb2', '1021', '2022', '15_64', 20),
        ('sgb2', '1022', '2022', '15_64', 14)
    """)
    df = compute_indicator(conn, demo.registry.get("sgb2_quote")).set_index(
        ["area_code", "period"])
    nord = df.loc[("01", "2022")]  # 1012 has residents but no recipients: left out of both
    assert nord["numerator"] == 16 and nord["denominator"] == 160
    assert nord["value"] == pytest.approx(10.0) and nord["incomplete"]
    assert df.loc[("02", "2022"), "value"] == pytest.approx(100 * 34 / 340)


def test_a_correspondence_table_converts_the_old_series_onto_the_new_areas(
    demo: Installation, tmp_path: Path,
) -> None:
    df = _residents(demo, _store(), (_table(tmp_path),))
    # value_new = sum(weight * value_old): 1011 = 100 + 0.5 * 200
    assert df.loc[("1011", "2019"), "value"] == pytest.approx(200)
    assert df.loc[("1012", "2020"), "value"] == pytest.approx(105)
    assert df.loc[("1021", "2019"), "value"] == pytest.approx(180)
    assert df.loc[("1022", "2020"), "value"] == pytest.approx(124)
    assert df.loc[("1011", "2019"), "converted"]
    # From the reform on the new areas have their own, unconverted values
    assert df.loc[("1011", "2021"), "value"] == 150
    assert not df.loc[("1011", "2021"), "converted"]
    # The old areas and the districts are untouched
    assert df.loc[("0102", "2019"), "value"] == 200
    assert not df.loc[("0102", "2019"), "converted"]
    assert df.loc[("01", "2019"), "value"] == 300
    assert df["converted"].sum() == 8
    # The converted past of a new area sums to its district as before
    converted_2019 = df.xs("2019", level="period")
    new_nord = converted_2019.loc[["1011", "1012"], "value"].sum()
    assert new_nord == pytest.approx(df.loc[("01", "2019"), "value"])


def test_converted_rows_are_incomplete_when_an_old_area_lacks_a_value(
    demo: Installation, tmp_path: Path,
) -> None:
    residents = dict(RESIDENTS)
    del residents[("0102", "2019")]
    df = _residents(demo, _store(residents), (_table(tmp_path),))
    row = df.loc[("1011", "2019")]
    assert row["value"] == 100 and row["converted"] and row["incomplete"]
    assert (row["missing"], row["expected"]) == (1, 2)
    assert ("1012", "2019") not in df.index  # nothing to convert from
