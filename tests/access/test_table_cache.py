"""Value tables written once and mapped by every worker (issue 9, memory): the same
answers as computed ones, one computation for all, a new file for anything changed."""

from __future__ import annotations

import dataclasses
import math
import os
import stat
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.gate import VALUE_COLUMNS
from cockpit.access.table_cache import SharedTables
from cockpit.access.value_table import ValueTable, ValueTableFileError
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings
from tests.access.test_gate_validity import reform_installation
from tests.boundary import RESIDENTS

LEADER = Viewer("chefin", "leadership")
COMMITTEE = Viewer("ausschuss", "committee")
RAW = Viewer("controlling", "controlling", raw=True)
DISTRICT = Viewer("bezirk", "district", area_code="01")


def _comparable(row: tuple) -> tuple:
    """A row whose NaN compares equal to NaN (a missing denominator is NaN)."""
    return tuple("NaN" if isinstance(v, float) and math.isnan(v) else v for v in row)


def _all_rows(gate: Gate, viewer: Viewer) -> dict[str, list]:
    return {ind.id: [_comparable(r) for r in gate.rows(viewer, ind.id, all_periods=True)]
            for ind in gate.visible_indicators(viewer)}


def _table_state(table: ValueTable) -> tuple:
    return ([_comparable(r) for r in table.records(np.arange(len(table)))],
            table.hidden_cells(), table.periods, table.levels, table.period_rows)


@pytest.fixture(scope="module")
def reform(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """Renamed and merged areas (names per row), conversions and a partial sum."""
    residents = {**RESIDENTS, ("1011", "2022"): 2}
    del residents[("1012", "2022")]
    return reform_installation(tmp_path_factory.mktemp("reform"), residents)


@pytest.mark.parametrize("viewer", [LEADER, COMMITTEE, RAW, DISTRICT], ids=lambda v: v.role)
def test_mapped_tables_answer_exactly_as_computed_ones(demo: Installation, tmp_path: Path,
                                                       viewer: Viewer) -> None:
    computed = _all_rows(Gate(demo), viewer)
    Gate(demo, shared=SharedTables(tmp_path)).warm()  # the first worker writes them
    mapped = _all_rows(Gate(demo, shared=SharedTables(tmp_path)), viewer)
    assert mapped == computed


def test_the_reform_territory_keeps_names_conversions_and_partial_sums(
    reform: Installation, tmp_path: Path
) -> None:
    computed, writer = Gate(reform), Gate(reform, shared=SharedTables(tmp_path))
    writer.warm()
    reader = Gate(reform, shared=SharedTables(tmp_path))
    table = reader._table(reform.registry.get("einwohner"))
    # Conversions and the partial sum are kept.
    assert {"converted", "incomplete", "missing"} <= set(table.columns)
    for viewer in (LEADER, COMMITTEE, RAW):
        assert _all_rows(reader, viewer) == _all_rows(computed, viewer)


def test_a_single_territory_keeps_names_per_area_and_no_empty_columns(
    demo: Installation,
) -> None:
    table = Gate(demo)._table(demo.registry.get("einwohner"))
    assert "area_name" in table.columns and "name_idx" not in table.columns
    assert not {"converted", "incomplete", "missing"} & set(table.columns)
    assert table.column("missing", np.arange(3)).tolist() == [0, 0, 0]


def test_an_area_renamed_between_periods_keeps_its_names_per_row() -> None:
    base = {"area_code": "01", "level": "district", "parent_code": "00", "value": 1.0,
            "numerator": 1.0, "denominator": np.nan, "suppressed": False,
            "incomplete": False, "missing": 0, "expected": 0, "converted": False}
    frame = pd.DataFrame([{**base, "period": "2020", "area_name": "Alt"},
                          {**base, "period": "2021", "area_name": "Neu"},
                          {**base, "area_code": "02", "period": "2021", "area_name": "B",
                           "parent_code": None, "missing": 2}])
    table = ValueTable(frame[list(VALUE_COLUMNS)])
    assert "name_idx" in table.columns and "area_parent" in table.columns
    assert "missing" in table.columns and "converted" not in table.columns
    assert [(r[0], r[1], r[3], r[4], r[10]) for r in table.records(np.arange(3))] == [
        ("01", "Alt", "00", "2020", 0), ("01", "Neu", "00", "2021", 0),
        ("02", "B", None, "2021", 2)]


def test_a_table_file_maps_back_to_the_same_table(demo: Installation, tmp_path: Path) -> None:
    for indicator_id in ("sgb2_quote", "bevoelkerungsentwicklung", "hze_je_1000_unter_21"):
        table = Gate(demo)._table(demo.registry.get(indicator_id))
        path = tmp_path / f"{indicator_id}.values"
        table.save(path)
        mapped = ValueTable.load(path)
        assert _table_state(mapped) == _table_state(table)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not mapped.suppressed.flags.writeable  # a view of the read-only mapping
        rows = mapped.of_areas(["01", "0101"])
        assert [_comparable(r) for r in mapped.records(rows)] == [
            _comparable(r) for r in table.records(table.of_areas(["01", "0101"]))]


@pytest.mark.parametrize("damage", ["empty", "other", "truncated"])
def test_a_damaged_file_is_refused(demo: Installation, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "t.values"
    Gate(demo)._table(demo.registry.get("einwohner")).save(path)
    data = path.read_bytes()
    path.write_bytes({"empty": b"", "other": b"PAR1" + data[4:],
                      "truncated": data[:len(data) // 2]}[damage])
    with pytest.raises(ValueTableFileError):
        ValueTable.load(path)


def test_a_damaged_shared_file_is_computed_anew(demo: Installation, tmp_path: Path) -> None:
    shared = SharedTables(tmp_path)
    expected = _all_rows(Gate(demo), COMMITTEE)
    Gate(demo, shared=shared)._table(demo.registry.get("sgb2_quote"))
    (path,) = tmp_path.glob("*/sgb2_quote.*.values")
    path.write_bytes(path.read_bytes()[:100])
    assert _all_rows(Gate(demo, shared=shared), COMMITTEE) == expected
    assert ValueTable.load(path)  # rewritten whole


def test_the_second_worker_computes_nothing(demo: Installation, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    Gate(demo, shared=SharedTables(tmp_path)).warm()
    second = Gate(demo, shared=SharedTables(tmp_path))

    def refuse(*_args: object) -> None:
        raise AssertionError("computed although the file was there")

    monkeypatch.setattr(second, "_build_frame", refuse)
    assert second.rows(COMMITTEE, "sgb2_quote")


def test_workers_asking_at_once_compute_once(demo: Installation, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    gates = [Gate(demo, shared=SharedTables(tmp_path)) for _ in range(4)]
    builds: list[str] = []
    for gate in gates:
        original = gate._build_frame

        def counted(indicator, version, original=original):  # noqa: ANN001, ANN202
            builds.append(indicator.id)
            return original(indicator, version)

        monkeypatch.setattr(gate, "_build_frame", counted)
    results: list = [None] * len(gates)

    def ask(i: int) -> None:
        results[i] = gates[i].rows(LEADER, "sgb2_quote", all_periods=True)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(gates))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == ["sgb2_quote"]
    assert all(r == results[0] for r in results)


def test_folder_and_files_are_private(demo: Installation, tmp_path: Path) -> None:
    root = tmp_path / "cache" / "values"  # as shared_root: home/cache/values
    Gate(demo, shared=SharedTables(root))._table(demo.registry.get("einwohner"))
    (folder,) = root.iterdir()
    for path in (root.parent, root, folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_new_data_version_gets_new_files_and_the_old_go(tmp_path: Path) -> None:
    inst = Installation(load_settings(home=str(tmp_path / "home")))
    build_demo_store(inst.store, inst.catalog)
    root = tmp_path / "cache"
    gate = Gate(inst, shared=SharedTables(root))
    def latest(gate: Gate) -> tuple:
        # All periods: the full table is what is shared (one period asked alone is
        # computed by the worker itself, see test_lazy_periods).
        return _comparable(gate.rows(LEADER, "einwohner", area="01", all_periods=True)[-1])

    before = latest(gate)
    first = {p.name for p in root.iterdir()}
    with inst.store.publish() as conn:
        conn.execute("UPDATE observations SET value = value + 1000 WHERE dataset_id = ?",
                     [inst.registry.get("einwohner").datasets[0]])
    after = latest(Gate(inst, shared=SharedTables(root)))
    assert after == latest(Gate(inst))
    folders = {p.name for p in root.iterdir()}
    assert len(folders) == 1 and folders.isdisjoint(first)
    assert latest(gate) == after != before


def test_a_changed_definition_is_computed_anew(demo: Installation, tmp_path: Path) -> None:
    Gate(demo, shared=SharedTables(tmp_path)).warm()
    strict = Installation(load_settings(home=str(demo.settings.home)))
    indicator = strict.registry.get("sgb2_quote")
    strict.registry.indicators[indicator.id] = dataclasses.replace(indicator, min_count=10_000)
    shared = Gate(strict, shared=SharedTables(tmp_path)).rows(COMMITTEE, "sgb2_quote",
                                                               all_periods=True)
    assert [_comparable(r) for r in shared] == [
        _comparable(r) for r in Gate(strict).rows(COMMITTEE, "sgb2_quote", all_periods=True)]
    assert sum(r.suppressed for r in shared) > sum(
        r.suppressed for r in Gate(demo).rows(COMMITTEE, "sgb2_quote", all_periods=True))
    assert len(list(tmp_path.glob("*/sgb2_quote.*.values"))) == 2
    assert os.access(tmp_path, os.W_OK)


def test_without_a_writable_folder_the_gate_computes_as_before(demo: Installation,
                                                               tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the cache folder cannot be made below a file
    gate = Gate(demo, shared=SharedTables(blocked / "values"))
    assert [_comparable(r) for r in gate.rows(COMMITTEE, "sgb2_quote", all_periods=True)] == [
        _comparable(r) for r in Gate(demo).rows(COMMITTEE, "sgb2_quote", all_periods=True)]


def test_a_period_asked_alone_is_read_from_the_shared_file_when_there(
        demo: Installation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One worker has computed the full table; the other answers one period from its file
    # instead of computing that period itself.
    first = Gate(demo, shared=SharedTables(tmp_path))
    first.rows(LEADER, "sgb2_quote", all_periods=True)
    second = Gate(demo, shared=SharedTables(tmp_path))

    def no_computing(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("computed although the file was there")

    monkeypatch.setattr(second, "_build_frame", no_computing)
    period = first.periods(LEADER, "sgb2_quote")[-1]
    assert [_comparable(r) for r in second.rows(LEADER, "sgb2_quote", period=period)] == [
        _comparable(r) for r in first.rows(LEADER, "sgb2_quote", period=period)]
