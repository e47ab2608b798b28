"""Profiles kept per scope (issue 9, speed): a viewer gets exactly the profile built for
it, never one of a viewer with another scope; raw views are built every time; bounded."""

from __future__ import annotations

import importlib
import json
from types import ModuleType

import pytest
from dash._utils import to_json

from cockpit.access import Gate, Viewer
from cockpit.context import Installation

LEADER = Viewer("chefin", "leadership")
COMMITTEE = Viewer("ausschuss", "committee")
COMMITTEE_TOO = Viewer("ausschuss2", "committee")
DISTRICT = Viewer("bezirk", "district", area_code="01")
RAW = Viewer("controlling", "controlling", raw=True)


@pytest.fixture(scope="module")
def profile(app_server) -> ModuleType:  # noqa: ANN001
    """The page module; Dash imports it when the app is created (not importable before)."""
    return importlib.import_module("cockpit.pages.profile")


@pytest.fixture(autouse=True)
def request_context(app_server):  # noqa: ANN001, ANN201 - the graphs' config reads it
    with app_server.test_request_context("/"):
        yield


def test_each_scope_gets_the_profile_built_for_it(demo: Installation,
                                                  profile: ModuleType) -> None:
    gate = Gate(demo)
    with_hze, without = set(), set()
    for viewer in (LEADER, COMMITTEE, DISTRICT, COMMITTEE, LEADER, DISTRICT):
        kept = to_json(profile.profile_content(gate, viewer, "0101", "de"))
        assert kept == to_json(profile._profile_content(gate, viewer, "0101", "de"))
        (with_hze if "hze_je_1000_unter_21" in kept else without).add(viewer.role)
    assert with_hze == {"leadership", "district"} and without == {"committee"}
    assert (to_json(profile.profile_content(gate, LEADER, "0101", "en"))
            != to_json(profile.profile_content(gate, LEADER, "0101", "de")))


def test_the_same_scope_shares_one_profile_and_raw_views_are_built_anew(
    demo: Installation, profile: ModuleType,
) -> None:
    gate = Gate(demo)
    first = profile.profile_content(gate, COMMITTEE, "0203", "de")
    assert profile.profile_content(gate, COMMITTEE_TOO, "0203", "de") is first
    assert profile.profile_content(gate, COMMITTEE, "0204", "de") is not first
    raw = profile.profile_content(gate, RAW, "0203", "de")
    assert profile.profile_content(gate, RAW, "0203", "de") is not raw
    assert to_json(profile.profile_content(gate, RAW, "0203", "de")) == to_json(raw)


def test_a_bad_area_is_explained_not_kept(demo: Installation, profile: ModuleType) -> None:
    gate = Gate(demo)
    text = json.dumps(json.loads(to_json(profile.profile_content(gate, COMMITTEE, "../x",
                                                                 "de"))), ensure_ascii=False)
    assert "Ungültiger Gebietsschlüssel" in text


def test_kept_profiles_are_bounded(profile: ModuleType) -> None:
    kept = profile._KeptProfiles(2)
    for n in range(4):
        kept.get(("k", n), lambda n=n: [n])
    assert list(kept.kept) == [("k", 2), ("k", 3)]
