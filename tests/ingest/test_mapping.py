"""Declared GENESIS mappings: keep a total, rename and recode a dimension."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.catalog import DefinitionError, load_catalog
from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.mapping import apply_mapping
from cockpit.resources import bundled_dir


def _delivery() -> Delivery:
    rows = [(5, ["0101", "2015", "Insgesamt", "Insgesamt", "10"]),
            (5, ["0101", "2015", "Deutsche", "männlich", "4"]),
            (5, ["0101", "2015", "Ausländer(innen)", "weiblich", "3"]),
            (6, ["0102", "2015", "Deutsche", "Insgesamt", "8"])]
    return Delivery(["area_code", "period", "merkmal_1", "merkmal_2", "value"], rows, {})


def test_dimensions_are_renamed_recoded_and_totals_dropped() -> None:
    columns = load_catalog(bundled_dir("data")).datasets["bevoelkerung"].genesis_columns
    mapped = apply_mapping(_delivery(), columns)
    assert mapped.header == ["area_code", "period", "nationality", "sex", "value"]
    assert mapped.rows == [(5, ["0101", "2015", "deutsch", "m", "4"]),
                           (5, ["0101", "2015", "nichtdeutsch", "w", "3"])]


def test_keep_selects_one_label_and_drops_the_column() -> None:
    mapped = apply_mapping(_delivery(), {"merkmal_2": {"keep": "Insgesamt"},
                                         "merkmal_1": {"keep": "Insgesamt"}})
    assert mapped.header == ["area_code", "period", "value"]
    assert mapped.rows == [(5, ["0101", "2015", "10"])]


@pytest.mark.parametrize("block,message", [
    ("genesis: {columns: {merkmal_1: {keep: a, dimension: sex}}}", "genau eines"),
    ("genesis: {columns: {merkmal_1: {dimension: farbe}}}", "keine Dimension"),
    ("genesis: {columns: {merkmal_1: {dimension: sex, codes: {männlich: x}}}}", "Codes"),
    ("genesis: [1, 2]", "columns"),
])
def test_broken_mappings_are_named(tmp_path: Path, block: str, message: str) -> None:
    data = tmp_path / "data"
    (data / "datasets").mkdir(parents=True)
    (data / "departments.yaml").write_text("statistik: Statistikstelle\n", encoding="utf-8")
    source = (bundled_dir("data") / "datasets" / "wahlen.yaml").read_text(encoding="utf-8")
    source = source.replace("  variant: [kommunalwahl, bundestagswahl]",
                            "  variant: [kommunalwahl, bundestagswahl]\n  sex: [m, w]")
    (data / "datasets" / "wahlen.yaml").write_text(source + block + "\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=message):
        load_catalog(data)


def test_check_thresholds_come_from_the_dataset_file(tmp_path: Path) -> None:
    datasets = load_catalog(bundled_dir("data")).datasets
    assert datasets["haushalt_ergebnis"].jump_threshold == 1.0
    assert datasets["hze"].jump_threshold == 0.5  # the default
    data = tmp_path / "data"
    (data / "datasets").mkdir(parents=True)
    (data / "departments.yaml").write_text("statistik: Statistikstelle\n", encoding="utf-8")
    source = (bundled_dir("data") / "datasets" / "wahlen.yaml").read_text(encoding="utf-8")
    (data / "datasets" / "wahlen.yaml").write_text(
        source + "checks: {jump_threshold: -1}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="jump_threshold"):
        load_catalog(data)
