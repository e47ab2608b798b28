"""One period of an index computed alone (a cold request for the map of the latest
period) gives exactly that period's rows and classes of the whole index, reads only
that period of its components (and the base period of a dynamics index), and is
scoped like the whole index."""

from __future__ import annotations

import pytest

from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer

CONTROLLING = Viewer("c", "controlling")
DISTRICT = Viewer("d", "district", area_code="01")
INDICES = ("mss_status", "mss_dynamik", "mss_gesamtindex", "sozialraumindex",
           "bildungsteilhabeindex")


@pytest.fixture(scope="module")
def whole(demo) -> Gate:
    gate = Gate(demo)
    for index_id in INDICES:
        gate.index_rows(CONTROLLING, index_id, all_periods=True)
    return gate


@pytest.mark.parametrize("index_id", INDICES)
def test_each_period_alone_equals_the_whole_index(demo, whole: Gate, index_id: str) -> None:
    periods = whole.periods(CONTROLLING, index_id)
    assert len(periods) >= 3
    alone = Gate(demo)  # nothing computed yet: each period is computed alone
    for period in reversed(periods):
        for viewer in (CONTROLLING, DISTRICT):
            rows = alone.index_rows(viewer, index_id, period=period)
            assert rows == whole.index_rows(viewer, index_id, period=period), period
    assert alone._index_lazy(alone.registry.get(index_id))  # never the whole index


def test_the_latest_period_reads_only_its_component_periods(demo) -> None:
    gate = Gate(demo)
    rows = gate.index_rows(CONTROLLING, "mss_dynamik", level="subdistrict")
    assert rows and any(r.klass >= 0 for r in rows)
    latest = rows[0].period
    base = f"{int(latest[:4]) - 2}{latest[4:]}"
    components = demo.registry.get("mss_dynamik").sources
    assert not set(components) & set(gate._tables)  # no component computed whole
    asked = {period for (source, period) in gate._period_tables if source in components}
    assert asked == {latest, base}
    # the population threshold is applied in the period itself: no base period of it
    assert {p for (source, p) in gate._period_tables if source == "einwohner"} == {latest}
    assert "mss_dynamik" not in getattr(gate, "_index_cache", {})


def test_breakdown_and_classes_of_a_period_alone(demo, whole: Gate) -> None:
    gate = Gate(demo)
    row = next(r for r in gate.index_rows(CONTROLLING, "mss_status", level="subdistrict")
               if r.klass >= 0)
    got = gate.index_breakdown(CONTROLLING, "mss_status", row.area_code, row.period)
    assert got == whole.index_breakdown(CONTROLLING, "mss_status", row.area_code, row.period)
    assert got["label"] == row.label
