"""The vectorised roll-up (issue 9) equals the row-by-row one it replaced, exactly.

tests/indicators/reference_compute.py is the roll-up as it was; every indicator of
the demo and the boundary reform (old and new areas, a gap, a correspondence table
with converted rows) must come out identical: values, levels, periods and the
incomplete / missing / expected / converted flags, dtypes included.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.settings import load_settings
from cockpit.store.schema import create_schema
from cockpit.territory.correspondence import read_correspondence
from tests.boundary import CORRESPONDENCE, RESIDENTS, write_reform
from tests.indicators import reference_compute

_IDS = sorted(Installation(load_settings()).registry.indicators)


def _same(conn: duckdb.DuckDBPyConnection, indicator, correspondences=()) -> pd.DataFrame:
    new = compute_indicator(conn, indicator, correspondences=correspondences)
    old = reference_compute.compute_indicator(conn, indicator,
                                              correspondences=correspondences)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    return new


@pytest.mark.parametrize("indicator_id", _IDS)
def test_every_demo_indicator_rolls_up_as_before(demo: Installation,
                                                 indicator_id: str) -> None:
    frame = _same(demo.store.read(), demo.registry.get(indicator_id))
    assert len(frame)


@pytest.mark.parametrize("gap", [None, ("1012", "2022"), ("0102", "2019")])
def test_the_boundary_reform_rolls_up_as_before(demo: Installation, tmp_path: Path,
                                                gap: tuple[str, str] | None) -> None:
    residents = dict(RESIDENTS)
    if gap:
        del residents[gap]
    conn = duckdb.connect()
    create_schema(conn)
    write_reform(conn, residents)
    path = tmp_path / "lor.csv"
    path.write_text(CORRESPONDENCE, encoding="utf-8")
    table, problems = read_correspondence(path)
    assert problems == []
    einwohner = demo.registry.get("einwohner")
    plain = _same(conn, einwohner)
    converted = _same(conn, einwohner, (table,))
    assert converted["converted"].any() and not plain["converted"].any()
    if gap:
        assert plain["incomplete"].any() or converted["incomplete"].any()


def test_a_cycle_in_the_parent_relation_ends_the_chain_as_before(demo: Installation) -> None:
    conn = duckdb.connect()
    create_schema(conn)
    write_reform(conn)
    # Two districts made each other's parent: the walk up must stop, not loop.
    conn.execute("UPDATE areas SET parent_code = '02' WHERE code = '01'")
    conn.execute("UPDATE areas SET parent_code = '01' WHERE code = '02'")
    _same(conn, demo.registry.get("einwohner"))
