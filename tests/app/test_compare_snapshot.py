"""The comparison callbacks answer exactly as before the speed work (issue 9): every role,
indicator, level, highlight, language and raw switch of tests/app/compare_snapshot.py,
compared with the answers captured from the code before it (main at dac8439)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app.compare_snapshot import (
    DEMO_CASES,
    REFORM_CASES,
    REFORM_ROLES,
    answers,
    period_lookup,
    reference,
    role_clients,
    scale_answers,
    scale_city,
)


def _difference(found: Any, expected: Any, path: str = "") -> str | None:
    """Where two answers first differ (a readable path), or None when they are equal."""
    if type(found) is not type(expected) and not (
            isinstance(found, int | float) and isinstance(expected, int | float)):
        return f"{path}: {type(found).__name__} instead of {type(expected).__name__}"
    if isinstance(expected, dict):
        if set(found) != set(expected):
            return (f"{path}: keys {sorted(set(found) - set(expected))} added, "
                    f"{sorted(set(expected) - set(found))} missing")
        for key in expected:
            if (where := _difference(found[key], expected[key], f"{path}.{key}")) is not None:
                return where
        return None
    if isinstance(expected, list):
        if len(found) != len(expected):
            return f"{path}: {len(found)} items instead of {len(expected)}"
        for i, (a, b) in enumerate(zip(found, expected, strict=True)):
            if (where := _difference(a, b, f"{path}[{i}]")) is not None:
                return where
        return None
    return None if found == expected else f"{path}: {found!r} instead of {expected!r}"


def _assert_same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert set(found) == set(expected)
    problems = []
    for case, per_role in expected.items():
        for role, answer in per_role.items():
            where = _difference(found[case][role], answer)
            if where is not None:
                problems.append(f"{case} / {role}: {where[:300]}")
    assert not problems, "\n".join(problems)


def test_demo_answers_are_unchanged_for_every_role(clients, demo) -> None:
    found = answers(clients, DEMO_CASES, periods=period_lookup(demo))
    _assert_same(found, reference("demo"))


def test_demo_answers_do_not_depend_on_who_asked_first(clients, demo) -> None:
    """Cached per scope: the same answers when the restricted viewers ask first (their
    answer must not be served to the others) and when they ask last."""
    expected = reference("demo")
    cases = [c for c in DEMO_CASES if c[0] in ("hze_stationaer", "hze_restricted",
                                             "hauptschule_raw")]
    for order in (("district", "committee", "department", "admin", "leadership",
                   "controlling"),
                  ("leadership", "admin", "controlling", "department", "committee",
                   "district")):
        found = answers({role: clients[role] for role in order}, cases,
                        periods=period_lookup(demo))
        _assert_same(found, {name: expected[name] for name, *_ in cases})


def test_boundary_reform_answers_are_unchanged(tmp_path_factory) -> None:
    from tests.access.test_gate_validity import reform_installation
    from tests.boundary import RESIDENTS

    residents = dict(RESIDENTS)
    del residents[("1012", "2022")]
    inst = reform_installation(tmp_path_factory.mktemp("reform-snapshot"), residents)
    found = answers(role_clients(inst, "01", REFORM_ROLES), REFORM_CASES,
                    periods=period_lookup(inst))
    _assert_same(found, reference("reform"))


@pytest.mark.slow
def test_answers_at_540_areas_are_unchanged(tmp_path: Path) -> None:
    """Compact ranking, distribution, district user's own areas and server blocks."""
    _assert_same(scale_answers(scale_city(tmp_path / "scale")), reference("scale540"))
