"""What a worker keeps stays bounded (issue 9, memory): one-period tables go once the
full table is mapped, tables of one territory share their codes and names, and the
rows of some areas are found without an index kept per table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cockpit.access import Gate, Viewer
from cockpit.access.table_cache import SharedTables
from cockpit.access.value_table import ValueTable
from cockpit.context import Installation

LEADER = Viewer("chefin", "leadership")


def test_period_tables_go_when_another_worker_has_written_the_full_table(
    demo: Installation, tmp_path: Path,
) -> None:
    lazy = Gate(demo, shared=SharedTables(tmp_path))
    first = lazy.rows(LEADER, "sgb2_quote", level="subdistrict", period="2024")
    assert lazy._period_tables  # the asked period alone, computed in this worker
    Gate(demo, shared=SharedTables(tmp_path)).warm()  # another worker writes every table
    again = lazy.rows(LEADER, "sgb2_quote", level="subdistrict", period="2023")
    assert not [key for key in lazy._period_tables if key[0] == "sgb2_quote"]
    assert "sgb2_quote" in lazy._tables and again
    assert lazy.rows(LEADER, "sgb2_quote", level="subdistrict", period="2024") == first


def test_tables_of_one_territory_share_codes_and_names(demo: Installation,
                                                       tmp_path: Path) -> None:
    Gate(demo, shared=SharedTables(tmp_path)).warm()
    gate = Gate(demo, shared=SharedTables(tmp_path))
    one = gate._table(demo.registry.get("einwohner"))
    other = gate._table(demo.registry.get("anteil_65_plus"))
    assert list(one.codes) == list(other.codes)
    assert one.codes is other.codes and one.code_at is other.code_at
    assert one.names is other.names


def test_rows_of_areas_are_those_of_a_full_scan(demo: Installation) -> None:
    gate = Gate(demo)
    for indicator_id in ("einwohner", "sgb2_quote", "bevoelkerungsentwicklung"):
        table = gate._table(demo.registry.get(indicator_id))
        codes = list(table.codes)
        for asked in (codes[:1], codes[-2:], codes[3:9] + ["nope"], ["nope"], [],
                      [codes[5], codes[2], codes[5]]):
            expected = np.flatnonzero(np.isin(table.codes[table.area_idx], asked))
            assert table.of_areas(asked).tolist() == expected.tolist(), asked


def test_rows_of_areas_with_several_rows_in_a_period() -> None:
    base = {"level": "district", "parent_code": None, "value": 1.0, "numerator": 1.0,
            "denominator": np.nan, "suppressed": False, "incomplete": False, "missing": 0,
            "expected": 0, "converted": False}
    table = ValueTable(pd.DataFrame([{**base, "area_code": code, "area_name": code,
                                      "period": period}
                                     for period in ("2020", "2021")
                                     for code in ("01", "02", "02", "03")]))
    for asked in (["02"], ["01", "03"], ["02", "03"], ["x"], []):
        expected = np.flatnonzero(np.isin(table.codes[table.area_idx], asked))
        assert table.of_areas(asked).tolist() == expected.tolist(), asked
