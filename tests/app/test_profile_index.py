"""Stadtteilprofil with composite indices: the class as text with its place among the
ordered classes (not a number against the city value), the index value where it means
something, a link to the Index-Zerlegung of that area, per role through real
callbacks; a restricted index only where the viewer may see it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.formatting import MISSING, SUPPRESSED_MARK, SUPPRESSED_TOOLTIP, format_number
from cockpit.app.session import GATE_KEY
from cockpit.indicators.index_spec import load_indices
from cockpit.indicators.registry import Registry
from tests.app.conftest import ROLES, response_text
from tests.app.test_profile_page import content_tree, find, rows, series_store, show, text
from tests.indicators.test_composite_gate import TEST_INDICES

VIEWERS = {
    "admin": Viewer("x", "admin"), "controlling": Viewer("x", "controlling"),
    "leadership": Viewer("x", "leadership"), "district": Viewer("x", "district", "01"),
    "committee": Viewer("x", "committee"),
    "department": Viewer("x", "department", department="jugendamt"),
}
INDICES = ("mss_status", "mss_dynamik", "mss_gesamtindex", "sozialraumindex",
           "bildungsteilhabeindex")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.fixture
def with_test_indices(app_server, demo, tmp_path: Path, monkeypatch) -> Registry:
    (tmp_path / "indices").mkdir()
    for name, body in TEST_INDICES.items():
        (tmp_path / "indices" / f"{name}.yaml").write_text(body, encoding="utf-8")
    indices, problems = load_indices(tmp_path, demo.registry.indicators,
                                     demo.registry.topics)
    assert problems == []
    registry = Registry(demo.registry.indicators, demo.registry.topics,
                        {**demo.registry.indices, **indices})
    monkeypatch.setattr(app_server.extensions[GATE_KEY], "registry", registry)
    return registry


def _latest(gate: Gate, viewer: Viewer, index_id: str, area: str):
    found = gate.index_rows(viewer, index_id, area=area, all_periods=True)
    return found[-1]


@pytest.mark.parametrize("role", ROLES)
def test_profile_shows_the_class_of_each_index(clients, gate: Gate, role: str) -> None:
    response = show(clients[role], "0101")
    assert response.status_code == 200
    tree = content_tree(response)
    by_id = rows(tree)
    for index_id in INDICES:
        index = gate.registry.get(index_id)
        latest = _latest(gate, VIEWERS[role], index_id, "0101")
        row = by_id[index_id]
        tds = find(row, lambda n: n["type"] == "Td")
        value = text(tds[0])
        if latest.klass >= 0:
            k = len(index.classes)
            assert value.startswith(f"{latest.label} ({latest.klass + 1} von {k})"), value
            if index.index_kind != "combined":
                assert f"Indexwert {format_number(latest.value, index.decimals, 'de')}" in value
            else:
                assert "Indexwert" not in value  # only the group number
        else:
            assert "ohne Zuordnung" in value or SUPPRESSED_MARK in value
        # No number compared with a city value: an index has none.
        assert text(tds[1]) == MISSING and text(tds[2]) == MISSING
        # The link to the breakdown of this area and period.
        (link,) = find(row, lambda n: n["type"] == "Link")
        url = urlparse(link["props"]["href"])
        assert url.path == "/index-zerlegung"
        assert parse_qs(url.query) == {"index": [index_id], "level": ["subdistrict"],
                                       "period": [latest.period], "area": ["0101"]}
        # the trend line is the class over time (1 = lowest index value)
        entry = series_store(tree)[index_id]
        history = gate.index_rows(VIEWERS[role], index_id, area="0101", all_periods=True)
        assert entry["periods"] == [r.period for r in history]
        assert entry["values"] == [r.klass + 1 if r.klass >= 0 else None for r in history]


def test_city_profile_has_no_index_rows(clients) -> None:
    by_id = rows(content_tree(show(clients["admin"], "00")))
    assert not set(INDICES) & set(by_id)


def test_district_level_area_links_to_its_level(clients, gate: Gate) -> None:
    row = rows(content_tree(show(clients["controlling"], "02")))["mss_status"]
    (link,) = find(row, lambda n: n["type"] == "Link")
    assert "level=district" in link["props"]["href"] and "area=02" in link["props"]["href"]


def test_restricted_index_only_where_the_viewer_may_see_it(clients,
                                                            with_test_indices) -> None:
    for role in ("admin", "controlling", "leadership", "department"):
        assert "test_hze" in rows(content_tree(show(clients[role], "0302"))), role
    assert "test_hze" not in rows(content_tree(show(clients["committee"], "0101")))
    assert "test_hze" not in response_text(show(clients["committee"], "0101"))
    assert "test_hze" in rows(content_tree(show(clients["district"], "0101")))  # own
    other = show(clients["district"], "0302")
    assert "test_hze" not in rows(content_tree(other))


def test_suppressed_component_shows_only_the_mark(clients, demo, with_test_indices) -> None:
    gate = Gate(demo)
    gate.registry = with_test_indices
    admin = Viewer("a", "admin")
    latest = {}
    for row in gate.index_rows(admin, "test_schule", level="subdistrict", all_periods=True):
        latest[row.area_code] = row
    hidden = [code for code, row in latest.items() if row.suppressed]
    assert hidden
    row = rows(content_tree(show(clients["admin"], hidden[0])))["test_schule"]
    value = text(find(row, lambda n: n["type"] == "Td")[0])
    # the mark and its spoken explanation only: no class, no number, no index value
    assert value.replace(SUPPRESSED_TOOLTIP["de"], "").strip() == SUPPRESSED_MARK


def test_unknown_area_in_url_gives_a_message(clients) -> None:
    response = show(clients["admin"], "9999")
    assert "Unbekanntes Gebiet" in response_text(response)
    assert not rows(content_tree(response))
