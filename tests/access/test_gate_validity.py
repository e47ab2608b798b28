"""The gate across a boundary reform: areas, names, geometry and suppression per period."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.access import gate as gate_module
from cockpit.access.audit import audit_suppression, default_roles
from cockpit.access.errors import BadParameter
from cockpit.access.policy import indicator_scope
from cockpit.catalog import DefinitionError
from cockpit.context import Installation
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from tests.boundary import CORRESPONDENCE, RESIDENTS, write_reform

LEADERSHIP = Viewer("chefin", "leadership")


def reform_installation(base: Path, residents: dict | None = None,
                        correspondence: str | None = CORRESPONDENCE) -> Installation:
    """An installation whose store holds the reform territory of tests/boundary.py."""
    data = base / "data"
    shutil.copytree(bundled_dir("data"), data)
    if correspondence is not None:
        (data / "correspondences").mkdir()
        (data / "correspondences" / "lor.csv").write_text(correspondence, encoding="utf-8")
    inst = Installation(load_settings(home=str(base / "home"), data_dir=str(data)))
    with inst.store.publish(start_empty=True) as conn:
        write_reform(conn, residents)
    return inst


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> Gate:
    return Gate(reform_installation(tmp_path_factory.mktemp("reform")))


def test_areas_of_a_period_are_those_valid_on_its_key_date(gate: Gate) -> None:
    old = gate.areas(LEADERSHIP, "subdistrict", period="2020")
    assert dict(zip(old["code"], old["name"], strict=True)) == {
        "0101": "Altes Nordviertel", "0102": "Alter Hafen", "0201": "Alte Südstadt"}
    assert list(gate.areas(LEADERSHIP, "subdistrict", period="2021")["code"]) == [
        "1011", "1012", "1021", "1022"]
    assert list(gate.areas(LEADERSHIP, "subdistrict")["code"]) == [
        "1011", "1012", "1021", "1022"]  # without a period: today's areas
    assert list(gate.areas(LEADERSHIP, "district", period="2019")["code"]) == ["01", "02"]


def test_geometry_of_a_period_is_the_boundary_valid_then(gate: Gate) -> None:
    old = gate.geojson(LEADERSHIP, "subdistrict", period="2019")
    assert [f["id"] for f in old["features"]] == ["0101", "0102", "0201"]
    assert old["features"][1]["properties"]["name"] == "Alter Hafen"
    districts_then = gate.geojson(LEADERSHIP, "district", period="2019")["features"]
    districts_now = gate.geojson(LEADERSHIP, "district")["features"]
    assert districts_then[0]["geometry"]["coordinates"][0][0] == [0.02, 0.0]
    assert districts_now[0]["geometry"]["coordinates"][0][0] == [5.0, 5.0]
    assert gate.geojson(LEADERSHIP, "district", period="2022") == {
        "type": "FeatureCollection", "features": districts_now}


def test_old_areas_stay_known_with_their_values(gate: Gate) -> None:
    assert gate.check_area("0102") == "0102"
    rows = gate.values(LEADERSHIP, "einwohner", area="0102", all_periods=True)
    assert list(rows["period"]) == ["2019", "2020"]
    assert set(rows["area_name"]) == {"Alter Hafen"}
    assert set(rows["parent_code"]) == {"01"}
    with pytest.raises(BadParameter):
        gate.check_area("9999")


def test_district_series_runs_unbroken_through_the_reform(gate: Gate) -> None:
    rows = gate.values(LEADERSHIP, "einwohner", area="01", all_periods=True)
    assert list(rows["value"]) == [300, 320, 320, 340]
    assert not rows["incomplete"].any() and not rows["converted"].any()


def test_converted_rows_carry_the_mark_and_the_new_name(gate: Gate) -> None:
    rows = gate.values(LEADERSHIP, "einwohner", area="1011", all_periods=True)
    assert list(rows["converted"]) == [True, True, False, False]
    assert list(rows["value"]) == [200, 215, 150, 160]
    assert set(rows["area_name"]) == {"Nordviertel"}


def test_a_district_user_keeps_the_old_areas_of_the_district(gate: Gate) -> None:
    viewer = Viewer("bezirk", "district", area_code="01")
    scope = indicator_scope(viewer, "restricted", set(), gate.areas_info().descendants)
    assert scope.covers("0102") and scope.covers("1012")
    assert not scope.covers("0201")


def test_a_small_old_count_hides_the_converted_value_built_from_it(tmp_path: Path) -> None:
    residents = {**RESIDENTS, ("0101", "2019"): 2}
    gate = Gate(reform_installation(tmp_path, residents))
    rows = gate.values(LEADERSHIP, "einwohner", period="2019", level="subdistrict")
    hidden = dict(zip(rows["area_code"], rows["suppressed"], strict=True))
    assert hidden["0101"]  # the small count
    assert hidden["1011"]  # 2 + 0.5 * 200: would give the small count away
    assert rows.loc[rows["suppressed"], "value"].isna().all()
    # The other converted areas are built from visible cells only
    shown = rows[~rows["suppressed"]]
    assert all(shown["value"].notna())


def test_a_broken_correspondence_table_stops_the_computation(tmp_path: Path) -> None:
    inst = reform_installation(tmp_path, correspondence="old_code;new_code;weight\n"
                                                        "0101;1011;0,7\n")
    with pytest.raises(DefinitionError, match="ergeben zusammen 0,7 statt 1"):
        Gate(inst).values(LEADERSHIP, "einwohner")


def test_the_suppression_audit_uses_old_trees_and_conversions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = reform_installation(tmp_path, {**RESIDENTS, ("0101", "2019"): 2})
    gate = Gate(inst)
    assert audit_suppression(gate, default_roles(gate, role="committee")).weak == []
    # Without hiding the converted cell, the audit sees 0101 = 1011 - 0.5 * 0102
    monkeypatch.setattr(gate_module, "converted_hidden",
                        lambda frame, hidden, tables: pd.Series(False, index=frame.index))
    weak_gate = Gate(inst)
    weak = audit_suppression(weak_gate, default_roles(weak_gate, role="committee")).weak
    # (reported once per series: einwohner 2019 is bevoelkerungsentwicklung's base 2020)
    assert {w.area for w in weak} == {"0101"}


def test_a_hidden_partial_sum_keeps_its_mark_but_no_counts(tmp_path: Path) -> None:
    residents = {**RESIDENTS, ("1011", "2022"): 2}
    del residents[("1012", "2022")]
    gate = Gate(reform_installation(tmp_path, residents))
    row = gate.values(LEADERSHIP, "einwohner", area="01", period="2022").iloc[0]
    assert row["suppressed"] and row["incomplete"]  # 01 = 1011 alone: as secret as 1011
    assert (row["missing"], row["expected"]) == (0, 0)
    raw = gate.values(Viewer("c", "controlling", raw=True), "einwohner", area="01",
                      period="2022").iloc[0]
    assert (raw["value"], raw["missing"], raw["expected"]) == (2, 1, 2)
