"""Composite indices kept compactly and shared between workers (issue 9, memory): the
same rows, classes and breakdowns as computed in the worker, one computation for all
workers, and the combined index equal to the frame-based reference computation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cockpit.access import Gate, Viewer, index_values
from cockpit.access.index_values import (
    _NamesAt,
    combine_details,
    combine_kept,
    compute_details,
    keep,
)
from cockpit.access.table_cache import SharedTables
from cockpit.context import Installation

CONTROLLING = Viewer("controlling", "controlling")
COMMITTEE = Viewer("ausschuss", "committee")


def _same(value: object) -> object:
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


def _answers(gate: Gate, viewer: Viewer) -> dict[str, tuple]:
    """Every index's rows with classes (all periods) and a few breakdowns."""
    out = {}
    for index in gate.registry.indices.values():
        try:
            rows = gate.index_rows(viewer, index.id, all_periods=True)
        except Exception as exc:  # noqa: BLE001 - an index the viewer may not see
            out[index.id] = type(exc).__name__
            continue
        codes = sorted({r.area_code for r in rows})[:6]
        breakdowns = [gate.index_breakdown(viewer, index.id, code) for code in codes]
        out[index.id] = ([tuple(_same(v) for v in r) for r in rows], breakdowns)
    return out


@pytest.mark.parametrize("viewer", [CONTROLLING, COMMITTEE], ids=lambda v: v.role)
def test_shared_indices_answer_exactly_as_computed_ones(demo: Installation, tmp_path: Path,
                                                        viewer: Viewer) -> None:
    computed = _answers(Gate(demo), viewer)
    assert any(isinstance(v, tuple) and v[0] for v in computed.values())
    writer = Gate(demo, shared=SharedTables(tmp_path))
    assert _answers(writer, viewer) == computed  # the first worker writes the files
    reader = Gate(demo, shared=SharedTables(tmp_path))
    assert _answers(reader, viewer) == computed  # the second maps them


def test_a_second_worker_computes_no_index(demo: Installation, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The warm-up (Gate.warm, in the serving child) computes the whole index once ...
    Gate(demo, shared=SharedTables(tmp_path))._table(demo.registry.get("mss_gesamtindex"))
    calls = []
    real = index_values.compute_details
    monkeypatch.setattr(index_values, "compute_details",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    # ... and a worker asking for one period maps that file instead of computing it.
    reader = Gate(demo, shared=SharedTables(tmp_path))
    assert reader.index_rows(CONTROLLING, "mss_gesamtindex")
    assert calls == []
    kept, table = reader._index_parts(demo.registry.get("mss_gesamtindex"))
    # Mapped from the file: no copy of the class columns on the worker's heap.
    assert table is kept.table and not kept.klass.flags.writeable
    assert not kept.standardised.flags.owndata
    files = sorted(p.name.split(".")[1] for p in tmp_path.glob("*/index.*.values"))
    assert files == ["mss_dynamik", "mss_gesamtindex", "mss_status"]


def test_kept_indices_hold_no_frame(demo: Installation) -> None:
    kept, table = Gate(demo)._index_parts(demo.registry.get("mss_status"))
    assert not hasattr(kept, "frame") and not hasattr(kept, "lookup")
    assert len(kept.klass) == len(kept.reason) == len(kept.standardised) == len(table)


def test_the_combined_index_equals_the_reference_computation(demo: Installation) -> None:
    gate = Gate(demo)
    combined = demo.registry.get("mss_gesamtindex")
    status, dynamics = (demo.registry.get(combined.status_id),
                        demo.registry.get(combined.dynamics_id))
    names_at = _NamesAt(gate.areas_info())

    def details(index):  # noqa: ANN001, ANN202
        return compute_details(index, [gate._table(gate.registry.get(s))
                                       for s in index.sources], names_at)

    s_details, d_details = details(status), details(dynamics)
    reference = keep(combine_details(s_details, d_details, len(dynamics.classes)))
    kept = combine_kept(keep(s_details), keep(d_details), len(dynamics.classes))
    rows = np.arange(len(reference.table))
    assert ([tuple(_same(v) for v in r) for r in kept.table.records(rows)]
            == [tuple(_same(v) for v in r) for r in reference.table.records(rows)])
    assert kept.klass.tolist() == reference.klass.tolist()
    assert kept.reason.tolist() == reference.reason.tolist()
    np.testing.assert_array_equal(kept.standardised, reference.standardised)
    assert kept.cutoffs == reference.cutoffs and kept.valid == reference.valid


def test_positions_find_rows_and_miss_unknown_pairs(demo: Installation) -> None:
    kept, table = Gate(demo)._index_parts(demo.registry.get("mss_status"))
    rows = [0, len(table) // 2, len(table) - 1]
    codes = [table.codes[table.area_idx[r]] for r in rows]
    periods = [table.periods[table.period_idx[r]] for r in rows]
    assert kept.positions(codes, periods).tolist() == rows
    assert kept.positions(["nope", codes[0]], [periods[0], "1900"]).tolist() == [-1, -1]
    assert kept.positions([], []).tolist() == []
