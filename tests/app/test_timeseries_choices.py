"""The time series' area choices are kept per scope (issue 9, speed): what a viewer with
another scope gets is never served from them, and what is kept stays bounded."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from cockpit.access import Gate, Viewer
from cockpit.context import Installation

LEADER = Viewer("chefin", "leadership")
DISTRICT = Viewer("bezirk", "district", area_code="01")
OTHER_DISTRICT = Viewer("bezirk2", "district", area_code="02")


@pytest.fixture(scope="module")
def timeseries(app_server) -> ModuleType:  # noqa: ANN001
    """The page module; Dash imports it when the app is created (not importable before)."""
    return importlib.import_module("cockpit.pages.timeseries")


def test_kept_choices_are_those_computed_for_each_scope(demo: Installation,
                                                       timeseries: ModuleType) -> None:
    gate = Gate(demo)
    restricted = "hze_je_1000_unter_21"  # a district sees its own areas only
    for viewer in (LEADER, DISTRICT, OTHER_DISTRICT, DISTRICT, LEADER):
        for indicator_id in (restricted, "sgb2_quote"):
            kept = timeseries.area_choices(gate, viewer, indicator_id, "de")
            assert kept == timeseries._area_choices(gate, viewer, indicator_id, "de")
    district = {o["value"] for o in timeseries.area_choices(gate, DISTRICT, restricted, "de")}
    everything = {o["value"] for o in timeseries.area_choices(gate, LEADER, restricted, "de")}
    other = {o["value"] for o in timeseries.area_choices(gate, OTHER_DISTRICT, restricted,
                                                         "de")}
    assert district and district < everything and not district & other
    assert timeseries.area_choices(gate, LEADER, "sgb2_quote", "en") != \
        timeseries.area_choices(gate, LEADER, "sgb2_quote", "de")  # level names


def test_kept_choices_are_bounded_by_lists_and_options(timeseries: ModuleType) -> None:
    kept = timeseries._Kept(entries=3, options=10)
    for n in range(5):
        kept.get(("k", n), lambda: [{"value": "x"}])
    assert list(kept.kept) == [("k", 2), ("k", 3), ("k", 4)]
    kept.get(("big",), lambda: [{"value": "x"}] * 9)
    # Four lists were one too many, then 1 + 1 + 9 options more than 10.
    assert list(kept.kept) == [("k", 4), ("big",)]
    made = []
    kept.get(("big",), lambda: made.append(1) or [])
    assert made == []  # found, not made again
