"""The asked period first: one period computed alone equals that period of the full table.

The gate computes only the period a request asks for (cockpit/access/gate.py
`_period_table`); every other period waits until it is asked for. These tests
compare, for every indicator and period, the rows and hidden cells of that lazy
computation with those of the full computation of all periods at once, whatever
order the periods (and the sources of derived indicators) are asked in: on the
demo, on a 540-area scale city, on a territory with a boundary reform and a
correspondence table, and with small counts that a derived indicator and the
converted rows inherit.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from cockpit.access import Gate, Viewer
from cockpit.access import gate as gate_module
from cockpit.context import Installation
from cockpit.periods import previous_in
from cockpit.settings import load_settings
from tests.access.test_gate_validity import reform_installation
from tests.boundary import RESIDENTS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from scale_city import build  # noqa: E402

COMMITTEE = Viewer("ausschuss", "committee")


def _plain(record: tuple) -> tuple:
    """A row with NaN as None, so that equal rows compare equal."""
    return tuple(None if isinstance(v, float) and math.isnan(v) else v for v in record)


def _full_periods(gate: Gate, indicator_id: str) -> dict[str, list[tuple]]:
    table = gate._table(gate.registry.get(indicator_id))
    return {p: [_plain(r) for r in table.records(np.arange(*table.period_rows[p]))]
            for p in table.periods}


def _lazy_rows(gate: Gate, indicator_id: str, period: str) -> list[tuple] | None:
    table = gate._period_table(gate.registry.get(indicator_id), period)
    if table is None:
        return None
    return [_plain(r) for r in table.records(np.arange(*table.period_rows[period]))]


def assert_lazy_equals_full(inst: Installation, seeds: tuple[int, ...] = (0,)) -> int:
    """For every indicator and every period its datasets hold: the lazy table of the
    period equals the full table's rows of it (None where the full table has none),
    for the periods asked in each seed's random order, all indicators mixed. Returns
    how many hidden cells were compared."""
    full = Gate(inst)
    expected = {ind.id: _full_periods(full, ind.id) for ind in full.registry}
    hidden = 0
    for seed in seeds:
        lazy = Gate(inst)
        asked = [(ind.id, period) for ind in lazy.registry
                 for period in lazy._period_candidates(ind)]
        random.Random(seed).shuffle(asked)
        for indicator_id, period in asked:
            got = _lazy_rows(lazy, indicator_id, period)
            want = expected[indicator_id].get(period)
            assert got == want, (indicator_id, period, seed)
            hidden += sum(1 for r in want or () if r[gate_module._SUPPRESSED])
        # Every period of every indicator came from its own computation, none from a
        # full table (indicators whose SQL takes no $period are computed whole).
        lazy_ids = {ind.id for ind in lazy.registry if "period" in ind.parameters}
        assert not lazy_ids & set(lazy._tables)
        for indicator_id, periods in expected.items():  # no period left out
            assert set(periods) <= set(lazy._period_candidates(
                lazy.registry.get(indicator_id)))
    return hidden


def test_lazy_periods_equal_the_full_table_on_the_demo(demo: Installation) -> None:
    assert assert_lazy_equals_full(demo, seeds=(0,)) > 0


def test_lazy_periods_equal_the_full_table_at_540_areas(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("scale540")
    inst = Installation(load_settings(home=str(home)))
    build(inst, districts=18, areas=540)
    inst = Installation(load_settings(home=str(home)))
    assert assert_lazy_equals_full(inst, seeds=(3,)) > 100


def test_lazy_periods_equal_the_full_table_across_a_boundary_reform(
        tmp_path: Path) -> None:
    # Small counts on old and new areas: hidden old cells hide the converted cells of
    # the new areas, and einwohner's hidden cells hide the derived
    # bevoelkerungsentwicklung in that period and the next one.
    residents = {**RESIDENTS, ("0101", "2019"): 2, ("0102", "2020"): 1,
                 ("1012", "2021"): 2, ("1022", "2022"): 1}
    inst = reform_installation(tmp_path, residents)
    assert assert_lazy_equals_full(inst, seeds=(0, 1)) > 0
    full = Gate(inst)
    einwohner = full._table(full.registry.get("einwohner"))
    change = full._table(full.registry.get("bevoelkerungsentwicklung"))
    converted = einwohner.column("converted", np.arange(len(einwohner))) & einwohner.suppressed
    assert converted.any()  # the case is really there
    derived = {cell for cell in change.hidden_cells()
               if cell not in einwohner.hidden_cells()}
    assert derived  # hidden only because the previous year's residents are


def test_a_derived_indicator_asked_first_equals_the_full_one(tmp_path: Path) -> None:
    residents = {**RESIDENTS, ("1011", "2021"): 2}
    inst = reform_installation(tmp_path, residents)
    full = _full_periods(Gate(inst), "bevoelkerungsentwicklung")
    lazy = Gate(inst)  # the source never asked for: its periods are computed on demand
    assert _lazy_rows(lazy, "bevoelkerungsentwicklung", "2022") == full["2022"]
    assert any(r[gate_module._SUPPRESSED] for r in full["2022"])
    assert "einwohner" not in lazy._tables


def test_a_second_period_does_not_recompute_the_first(
        demo: Installation, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    compute = gate_module.compute_indicator

    def counted(conn, indicator, period=None, correspondences=()):  # noqa: ANN001, ANN202
        calls.append(period)
        return compute(conn, indicator, period, correspondences=correspondences)

    monkeypatch.setattr(gate_module, "compute_indicator", counted)
    gate = Gate(demo)
    periods = gate._period_candidates(gate.registry.get("einwohner"))
    latest, earlier = periods[-1], periods[-2]
    first = gate.values(COMMITTEE, "einwohner", level="subdistrict")  # the latest
    assert calls == [latest] and set(first["period"]) == {latest}
    second = gate.values(COMMITTEE, "einwohner", level="subdistrict", period=earlier)
    assert calls == [latest, earlier] and set(second["period"]) == {earlier}
    again = gate.values(COMMITTEE, "einwohner", level="subdistrict", period=latest)
    assert calls == [latest, earlier]  # neither computed again
    assert again.equals(first)
    # A request for every period needs the full table: computed once, then it answers.
    gate.values(COMMITTEE, "einwohner", level="subdistrict", all_periods=True)
    gate.values(COMMITTEE, "einwohner", level="subdistrict", period=earlier)
    assert calls == [latest, earlier, None]


def test_answers_of_a_lazy_gate_equal_those_of_a_full_one(demo: Installation) -> None:
    full, lazy = Gate(demo), Gate(demo)
    full.warm()
    viewers = [COMMITTEE, Viewer("bezirk", "district", area_code="01"),
               Viewer("amt", "department", department="jugendamt")]
    for indicator in full.registry:
        periods = full.periods(COMMITTEE, indicator.id) if full.scope(
            COMMITTEE, indicator).allowed else []
        for viewer in viewers:
            if not full.scope(viewer, indicator).allowed:
                continue
            for level in (None, "district", "subdistrict"):
                for period in (None, *periods[-2:]):
                    try:
                        want = full.rows(viewer, indicator.id, level=level, period=period)
                    except Exception as exc:  # noqa: BLE001 - the same refusal expected
                        with pytest.raises(type(exc)):
                            lazy.rows(viewer, indicator.id, level=level, period=period)
                        continue
                    got = lazy.rows(viewer, indicator.id, level=level, period=period)
                    assert [_plain(r) for r in got] == [_plain(r) for r in want], (
                        indicator.id, viewer.role, level, period)


def test_an_unknown_period_is_refused_as_before(demo: Installation) -> None:
    gate = Gate(demo)
    with pytest.raises(gate_module.BadParameter, match="1850"):
        gate.values(COMMITTEE, "einwohner", period="1850")


def assert_period_answers_equal_full(inst: Installation) -> None:
    """`previous_period` and `period_levels` of a lazy gate equal what the full table
    says, for every indicator and period its datasets hold, and no full table is
    computed for them (the first comparison after a publish must not wait for it)."""
    full = Gate(inst)
    lazy = Gate(inst)
    admin = Viewer("admin", "admin")
    for indicator in full.registry:
        table = full._table(indicator)
        ids = full.declared_levels().ids
        for period in lazy._period_candidates(indicator):
            want_levels = []
            if period in table.periods:
                start, end = table.period_rows[period]
                present = {table.level_names[i] for i in table.level_idx[start:end]}
                want_levels = [lv for lv in ids if lv in present]
            assert lazy.period_levels(admin, indicator.id, period) == want_levels, (
                indicator.id, period)
            assert lazy.previous_period(admin, indicator.id, period) == previous_in(
                table.periods, period), (indicator.id, period)
        if "period" in indicator.parameters and indicator.kind != "index":
            assert indicator.id not in lazy._tables, indicator.id


@pytest.fixture
def always_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every period computed alone, however many (no full table after a few)."""
    monkeypatch.setattr(gate_module, "_LAZY_PERIODS", 10**6)


def test_previous_period_and_period_levels_equal_the_full_table_on_the_demo(
        demo: Installation, always_alone: None) -> None:
    assert_period_answers_equal_full(demo)


def test_previous_period_and_period_levels_across_a_boundary_reform(
        tmp_path: Path, always_alone: None) -> None:
    residents = {**RESIDENTS, ("0101", "2019"): 2, ("1012", "2021"): 2}
    assert_period_answers_equal_full(reform_installation(tmp_path, residents))


def test_previous_period_skips_periods_without_values(demo: Installation) -> None:
    # The election datasets hold years in which this election did not take place: the
    # previous period with values is the last election, not the year before.
    gate = Gate(demo)
    indicator = gate.registry.get("wahlbeteiligung_kommunalwahl")
    candidates = gate._period_candidates(indicator)
    periods = Gate(demo).periods(COMMITTEE, indicator.id)
    assert set(candidates) - set(periods)  # the case is really there
    latest = periods[-1]
    before = gate.previous_period(COMMITTEE, indicator.id, latest)
    assert before == periods[-2]
    assert before != candidates[candidates.index(latest) - 1]
    assert indicator.id not in gate._tables


def test_previous_period_refuses_a_bad_period(demo: Installation) -> None:
    gate = Gate(demo)
    for bad in ("2024-13", "20x4", "", None):
        with pytest.raises(gate_module.BadParameter):
            gate.previous_period(COMMITTEE, "einwohner", bad)
        with pytest.raises(gate_module.BadParameter):
            gate.period_levels(COMMITTEE, "einwohner", bad)


def test_going_through_the_years_builds_the_full_table_once(
        demo: Installation, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    compute = gate_module.compute_indicator

    def counted(conn, indicator, period=None, correspondences=()):  # noqa: ANN001, ANN202
        if indicator.id == "einwohner":
            calls.append(period)
        return compute(conn, indicator, period, correspondences=correspondences)

    full = Gate(demo)
    full._table(full.registry.get("einwohner"))  # the reference, before counting
    monkeypatch.setattr(gate_module, "compute_indicator", counted)
    gate = Gate(demo)
    periods = list(reversed(gate._period_candidates(gate.registry.get("einwohner"))))
    for i, period in enumerate(periods[:gate_module._LAZY_PERIODS + 2]):
        got = gate.values(COMMITTEE, "einwohner", period=period)
        assert got.equals(full.values(COMMITTEE, "einwohner", period=period)), period
        if i < gate_module._LAZY_PERIODS:
            assert calls[-1] == period and "einwohner" not in gate._tables
    # The first periods alone, then the whole series once: it answers the rest.
    assert calls[:gate_module._LAZY_PERIODS] == periods[:gate_module._LAZY_PERIODS]
    assert calls[gate_module._LAZY_PERIODS:] == [None]
    assert "einwohner" in gate._tables


def test_previous_period_after_a_few_periods_uses_the_full_table(demo: Installation) -> None:
    gate = Gate(demo)
    indicator = gate.registry.get("einwohner")
    periods = gate._period_candidates(indicator)
    want = Gate(demo).periods(COMMITTEE, "einwohner")
    for period in reversed(periods[-gate_module._LAZY_PERIODS:]):
        gate.values(COMMITTEE, "einwohner", period=period)
    assert "einwohner" not in gate._tables
    assert gate.previous_period(COMMITTEE, "einwohner", periods[1]) == previous_in(
        want, periods[1])
    assert "einwohner" in gate._tables  # built once instead of a fifth period alone
