"""Wide deliveries (one column per year) are melted to the long layout."""

from __future__ import annotations

from pathlib import Path

from cockpit.catalog import load_catalog
from cockpit.ingest.csv_reader import Delivery
from cockpit.ingest.reading import read_delivery
from cockpit.ingest.validate import validate_delivery
from cockpit.resources import bundled_dir

HZE = load_catalog(bundled_dir("data")).datasets["hze"]
AREAS = {"00": "city", "01": "district", "0101": "subdistrict", "0102": "subdistrict"}


def test_wide_csv_becomes_long_with_original_lines(tmp_path: Path) -> None:
    source = tmp_path / "wide.csv"
    source.write_text("area_code;category;2022;2023;2024\n"
                      "0101;ambulant;5;6;\n"
                      "0102;ambulant;7;-1;9\n", encoding="utf-8")
    delivery = read_delivery(source)
    assert delivery.header == ["area_code", "category", "period", "value"]
    assert (2, ["0101", "ambulant", "2023", "6"]) in delivery.rows
    assert not any(cells[2] == "2024" and line == 2 for line, cells in delivery.rows)
    assert "breit (Spalten 2022–2024)" in delivery.detected["layout"]
    report, observations = validate_delivery(delivery, HZE, AREAS)
    (problem,) = report.errors
    assert problem.line == 3 and "negativ" in problem.message
    assert "Layout breit" in report.detected_text()
    assert sorted(observations["period"]) == ["2022", "2022", "2023", "2024"]


def test_long_delivery_is_left_alone(tmp_path: Path) -> None:
    source = tmp_path / "long.csv"
    source.write_text("area_code;period;category;value\n0101;2024;ambulant;5\n",
                      encoding="utf-8")
    delivery = read_delivery(source)
    assert isinstance(delivery, Delivery)
    assert delivery.header == ["area_code", "period", "category", "value"]
    assert "layout" not in delivery.detected
