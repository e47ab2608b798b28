"""The permission table of CONTRACT.md, row by row: role x classification x area."""

from __future__ import annotations

import pytest

from cockpit.access.policy import indicator_scope
from cockpit.access.viewer import Viewer

DESCENDANTS = {"00": {"01", "0101", "0102", "02", "0201"}, "01": {"0101", "0102"},
               "02": {"0201"}, "0101": set(), "0102": set(), "0201": set()}

VIEWERS = {
    "admin": Viewer("a", "admin"),
    "controlling": Viewer("c", "controlling"),
    "leadership": Viewer("l", "leadership"),
    "district": Viewer("d", "district", area_code="01"),
    "committee": Viewer("m", "committee"),
    "department": Viewer("j", "department", department="jugendamt"),
}

# (role, classification, owning department of restricted data, area) -> may see
ALL = ["00", "01", "0101", "02", "0201"]
CASES = []
for role in VIEWERS:
    for classification in ("public", "internal"):
        for area in ALL:
            CASES.append((role, classification, None, area, True))
for role in ("admin", "controlling", "leadership"):
    for area in ALL:
        CASES.append((role, "restricted", "jugendamt", area, True))
for area in ALL:
    CASES.append(("district", "restricted", "jugendamt", area, area in {"01", "0101"}))
    CASES.append(("committee", "restricted", "jugendamt", area, False))
    CASES.append(("department", "restricted", "jugendamt", area, True))
    CASES.append(("department", "restricted", "schulamt", area, False))


@pytest.mark.parametrize("role,classification,department,area,expected", CASES)
def test_permission_matrix(
    role: str, classification: str, department: str | None, area: str, expected: bool
) -> None:
    departments = {department} if department else set()
    scope = indicator_scope(VIEWERS[role], classification, departments, DESCENDANTS)
    assert scope.covers(area) is expected


def test_anonymous_sees_nothing() -> None:
    for classification in ("public", "internal", "restricted"):
        assert not indicator_scope(None, classification, set(), DESCENDANTS).allowed


def test_unknown_role_or_classification_is_denied() -> None:
    assert not indicator_scope(Viewer("x", "mayor"), "public", set(), DESCENDANTS).allowed
    assert not indicator_scope(VIEWERS["admin"], "secret", set(), DESCENDANTS).allowed


def test_district_user_without_area_sees_no_restricted_data() -> None:
    viewer = Viewer("d", "district", area_code=None)
    assert not indicator_scope(viewer, "restricted", {"jugendamt"}, DESCENDANTS).allowed


def test_department_needs_to_own_every_restricted_dataset() -> None:
    viewer = VIEWERS["department"]
    mixed = indicator_scope(viewer, "restricted", {"jugendamt", "sozialamt"}, DESCENDANTS)
    assert not mixed.allowed


@pytest.mark.parametrize("role,may", [("admin", True), ("controlling", True),
                                      ("leadership", False), ("district", False),
                                      ("committee", False), ("department", False)])
def test_only_admin_and_controlling_may_view_raw(role: str, may: bool) -> None:
    viewer = Viewer("x", role, raw=True)
    assert viewer.wants_raw is may
