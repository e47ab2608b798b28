"""The gate, the policy and the suppression audit with an installation's own levels."""

from __future__ import annotations

import pytest

from cockpit.access.audit import audit_suppression, default_roles, district_areas
from cockpit.access.errors import AccessDenied, BadParameter
from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer
from tests.territory.small_territory import Territory, four_levels, one_level

ADMIN = Viewer("a", "admin")
LEADERSHIP = Viewer("l", "leadership")


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Territory:
    return four_levels(tmp_path_factory.mktemp("four"))


@pytest.fixture(scope="module")
def gate(four: Territory) -> Gate:
    return Gate(four.inst)


def test_gate_exposes_the_snapshots_levels_top_first(gate: Gate) -> None:
    levels = gate.declared_levels()
    assert levels.ids == ("land", "bezirk", "region", "raum")
    assert levels.top.name_de == "Land" and levels.bottom.name_en == "Planning area"


def test_indicator_is_rolled_up_to_every_declared_level(gate: Gate, four: Territory) -> None:
    assert gate.levels(LEADERSHIP, "einwohnerzahl") == ["land", "bezirk", "region", "raum"]
    regions = gate.values(LEADERSHIP, "einwohnerzahl", level="region", period="2022")
    assert dict(zip(regions["area_code"], regions["value"], strict=True)) == {
        "0101": 800, "0102": 800, "0201": 930}
    land = gate.values(LEADERSHIP, "einwohnerzahl", level="land", period="2022")
    assert land["value"].tolist() == [sum(four.residents["2022"])]


def test_unknown_level_is_refused_naming_the_declared_ones(gate: Gate) -> None:
    for bad in ("subdistrict", "city", "Bezirk"):
        with pytest.raises(BadParameter, match="land, bezirk, region, raum"):
            gate.values(LEADERSHIP, "einwohnerzahl", level=bad)
        with pytest.raises(BadParameter, match="Unbekannte Ebene"):
            gate.areas(LEADERSHIP, bad)


def test_geojson_defaults_to_the_lowest_level(gate: Gate, four: Territory) -> None:
    codes = [f["properties"]["code"] for f in gate.geojson(LEADERSHIP)["features"]]
    assert codes == four.bottom_codes
    assert {f["properties"]["level"] for f in gate.geojson(LEADERSHIP, "bezirk")["features"]
            } == {"bezirk"}


def test_district_user_bound_to_a_level_2_area_sees_it_and_everything_below(
        gate: Gate) -> None:
    viewer = Viewer("d", "district", area_code="0101")  # a Bezirksregion
    rows = gate.values(viewer, "hilfequote", all_periods=True)
    assert set(rows["area_code"]) == {"0101", "010101", "010102"}
    # Public data: every area of every level.
    public = gate.values(viewer, "einwohnerzahl", all_periods=True)
    assert set(public["area_code"]) == {a for a, *_ in gate.areas_info().frame.itertuples(
        index=False)}
    for other in ("01", "11", "0102", "010201"):
        with pytest.raises(AccessDenied, match="Berechtigung"):
            gate.values(viewer, "hilfequote", area=other)


def test_district_user_bound_to_a_bezirk_sees_all_depths_below(gate: Gate) -> None:
    viewer = Viewer("d", "district", area_code="01")
    rows = gate.values(viewer, "hilfequote", all_periods=True)
    assert set(rows["area_code"]) == {"01", "0101", "0102", "010101", "010102", "010201",
                                      "010202"}


def test_small_counts_are_suppressed_at_every_level(gate: Gate) -> None:
    rows = gate.values(Viewer("d", "district", area_code="0101"), "hilfequote",
                       period="2022")
    hidden = rows.loc[rows["suppressed"], "area_code"].tolist()
    assert "010101" in hidden  # 2 cases
    assert rows.loc[rows["suppressed"], "numerator"].isna().all()


def test_audit_binds_district_roles_to_areas_of_every_level_with_sub_areas(
        gate: Gate) -> None:
    assert district_areas(gate) == ["01", "02", "0101", "0102", "0201"]
    labels = [role.label for role in default_roles(gate, role="district")]
    assert labels == [f"district {code}" for code in ("01", "02", "0101", "0102", "0201")]


def test_four_level_store_has_no_weak_cell_for_any_role(gate: Gate) -> None:
    report = audit_suppression(gate, default_roles(gate))
    assert report.checked > 0  # there are hidden small counts to attack
    assert report.weak == [], [w.describe() for w in report.weak]
    assert report.relations["Baum (Gebiet = Summe der Teilgebiete)"] > 0


def test_single_level_installation(tmp_path) -> None:  # noqa: ANN001
    gate = Gate(one_level(tmp_path).inst)
    assert gate.declared_levels().ids == ("gemeinde",)
    assert gate.levels(LEADERSHIP, "einwohnerzahl") == ["gemeinde"]
    rows = gate.values(LEADERSHIP, "einwohnerzahl", all_periods=True)
    assert rows["value"].tolist() == [1480, 1502]
    assert gate.geojson(LEADERSHIP)["features"][0]["properties"]["code"] == "09162000"
    assert district_areas(gate) == []
    hidden = gate.values(ADMIN, "hilfequote", period="2023")
    assert hidden["suppressed"].tolist() == [True]  # 2 cases, nothing to hide it among
    assert audit_suppression(gate, default_roles(gate)).weak == []
