"""The prepared comparison (cockpit/app/comparison.py): kept per scope through the gate,
never handed to another scope or kept for a raw view, and drawing exactly what the
figures and the table draw from the gate's data frames."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.compare_table import compact_rows, table_frame
from cockpit.app.comparison import CityRows, Comparison, PreviousValues
from cockpit.app.figures import BAR_COLOUR, choropleth_map, ranking_bar
from cockpit.context import Installation
from cockpit.periods import previous_in

RESTRICTED = "hze_stationaer_je_1000_unter_21"  # suppressed cells in 2020
LEADER = Viewer("chefin", "leadership")
DISTRICT = Viewer("bezirk", "district", area_code="01")
COMMITTEE = Viewer("ausschuss", "committee")


def _prepared(gate: Gate, viewer: Viewer, indicator: str, period: str,
              level: str = "subdistrict") -> Comparison:
    return gate.answer(viewer, indicator, Comparison, level=level, period=period,
                       key="comparison")


def test_a_comparison_is_shared_by_one_scope_only(demo: Installation) -> None:
    gate = Gate(demo)
    own = _prepared(gate, DISTRICT, RESTRICTED, "2020")  # the restricted viewer first
    everything = _prepared(gate, LEADER, RESTRICTED, "2020")
    assert own is not everything
    scope = gate.scope(DISTRICT, demo.registry.get(RESTRICTED))
    assert own.ranked.codes and all(scope.covers(code) for code in own.ranked.codes)
    assert set(own.ranked.codes) < set(everything.ranked.codes)
    assert _prepared(gate, Viewer("noch-eine", "leadership"), RESTRICTED, "2020") is everything
    assert _prepared(gate, Viewer("bezirk-2", "district", area_code="01"), RESTRICTED,
                     "2020") is own
    other = _prepared(gate, Viewer("bezirk-3", "district", area_code="02"), RESTRICTED, "2020")
    assert other is not own and not set(other.ranked.codes) & set(own.ranked.codes)
    # an internal indicator: the committee and a district user share the whole level
    assert _prepared(gate, COMMITTEE, "sgb2_quote", "2024") is _prepared(
        gate, DISTRICT, "sgb2_quote", "2024")


def test_a_raw_view_is_built_each_time_and_never_kept(demo: Installation) -> None:
    audited = []
    gate = Gate(demo, audit=lambda name, action, detail: audited.append(action))
    admin = Viewer("admin", "admin", raw=True)
    first = _prepared(gate, admin, RESTRICTED, "2020")
    assert _prepared(gate, admin, RESTRICTED, "2020") is not first
    assert audited == ["raw_view", "raw_view"]
    assert not first.ranked.hidden.any()  # raw: every value
    shown = _prepared(gate, LEADER, RESTRICTED, "2020")
    assert shown.ranked.hidden.any()  # the leadership's own answer, not the raw one
    hidden = shown.ranked.hidden
    assert np.isnan(shown.numbers["value"][hidden]).all()
    assert np.isnan(shown.numbers["numerator"][hidden]).all()
    assert np.isnan(shown.ranked.value[hidden]).all()


@pytest.mark.parametrize(("indicator", "period", "viewer"), [
    ("sgb2_quote", "2024", COMMITTEE),
    ("uebergang_hauptschule", "2024", LEADER),
    (RESTRICTED, "2020", DISTRICT),
    ("einwohner", "2012", LEADER),
])
def test_figures_and_table_equal_those_drawn_from_the_gates_frames(
        demo: Installation, indicator: str, period: str, viewer: Viewer) -> None:
    gate = Gate(demo)
    comparison = _prepared(gate, viewer, indicator, period)
    frame = gate.values(viewer, indicator, level="subdistrict", period=period)
    frame = frame[~frame["converted"]].reset_index(drop=True)
    before = previous_in(gate.periods(viewer, indicator), period)
    previous_frame = (gate.values(viewer, indicator, level="subdistrict", period=before)
                      if before else None)
    previous = (PreviousValues(before, gate.rows(viewer, indicator, level="subdistrict",
                                                 period=before)) if before else None)
    codes = list(frame["area_code"])
    for lang in ("de", "en"):
        assert comparison.table_rows(previous, lang, 1) == compact_rows(
            table_frame(frame, previous_frame, lang, 1))
        for highlight, own in ((None, ()), (codes[3], ()), (codes[-1], set(codes[:4]))):
            options = {"unit": "%", "decimals": 1, "highlight": highlight, "lang": lang}
            assert ranking_bar(comparison.ranked, city_value=12.5, own=own, **options) == \
                ranking_bar(frame, city_value=12.5, own=own, **options)
            for method in ("quantile", "equal"):
                assert choropleth_map(comparison.ranked, "/geo?v=1", method=method,
                                      **options) == choropleth_map(frame, "/geo?v=1",
                                                                   method=method, **options)


def test_kept_parts_do_not_change_between_calls(demo: Installation) -> None:
    """A highlight is added to a copy: the kept map and ranking stay as they were."""
    comparison = _prepared(Gate(demo), LEADER, "sgb2_quote", "2024")
    plain = json.dumps(choropleth_map(comparison.ranked, "/geo", unit="%", decimals=1))
    code = comparison.ranked.codes[5]
    marked = choropleth_map(comparison.ranked, "/geo", unit="%", decimals=1, highlight=code)
    assert len(marked["data"]) == len(json.loads(plain)["data"]) + 2
    assert json.dumps(choropleth_map(comparison.ranked, "/geo", unit="%", decimals=1)) == plain
    ranking_bar(comparison.ranked, unit="%", decimals=1, city_value=None, highlight=code)
    again = ranking_bar(comparison.ranked, unit="%", decimals=1, city_value=None)
    assert not any("<b>" in text for text in again["data"][0]["text"])
    assert set(again["data"][0]["marker"]["color"]) == {BAR_COLOUR}


def test_city_rows_hide_a_suppressed_value() -> None:
    from cockpit.access.gate import ValueRow

    shown = ValueRow("00", "Stadt", "city", None, "2024", 12.5, 5.0, 40.0, False)
    hidden = shown._replace(value=None, numerator=None, denominator=None, suppressed=True)
    assert CityRows([shown]).value == 12.5
    assert CityRows([hidden]).value is None and CityRows([]).value is None


def test_a_comparison_says_its_size_for_the_gates_cache(demo: Installation) -> None:
    comparison = _prepared(Gate(demo), LEADER, "sgb2_quote", "2024")
    assert comparison.nbytes >= 500 * len(comparison.ranked) > 0
