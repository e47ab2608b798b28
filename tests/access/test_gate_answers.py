"""What issue 9 changed in the gate: the compact table, shared answers, boundary texts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.errors import AccessDenied
from cockpit.access.gate import VALUE_COLUMNS, Areas, ParsedOnRead
from cockpit.context import Installation
from cockpit.periods import sort_key

RESTRICTED = "hze_je_1000_unter_21"
LEADER = Viewer("chefin", "leadership")
DISTRICT = Viewer("bezirk", "district", area_code="01")


def _codes(rows: list) -> tuple[bytes, list[str]]:
    codes = [r.area_code for r in rows]
    return json.dumps(codes).encode(), codes


@pytest.mark.parametrize("indicator_id", ["sgb2_quote", "bevoelkerungsentwicklung",
                                          RESTRICTED, "wahlbeteiligung_kommunalwahl"])
def test_the_compact_table_holds_exactly_the_computed_rows(demo: Installation,
                                                           indicator_id: str) -> None:
    gate = Gate(demo)
    indicator = demo.registry.get(indicator_id)
    frame = gate._build_frame(indicator, gate.data_version)
    expected = sorted(frame.itertuples(index=False, name=None),
                      key=lambda r: (sort_key(r[4]), r[0]))
    table = gate._table(indicator)
    got = table.records(np.arange(len(table)))
    assert all(type(a) is type(b) or (a is None) == (b is None)
               for row_a, row_b in zip(got, expected, strict=True)
               for a, b in zip(row_a, row_b, strict=True))
    pd.testing.assert_frame_equal(pd.DataFrame(got, columns=VALUE_COLUMNS),
                                  pd.DataFrame(expected, columns=VALUE_COLUMNS))


def test_an_answer_is_shared_only_by_viewers_with_the_same_scope(demo: Installation) -> None:
    gate = Gate(demo)
    calls = []

    def build(rows: list) -> tuple[bytes, list[str]]:
        calls.append(len(rows))
        return _codes(rows)

    _, everything = gate.answer(LEADER, RESTRICTED, build, level="subdistrict")
    _, own = gate.answer(DISTRICT, RESTRICTED, build, level="subdistrict")
    assert len(calls) == 2  # another scope: built anew, never the leadership's answer
    assert set(own) < set(everything)
    assert all(gate.scope(DISTRICT, demo.registry.get(RESTRICTED)).covers(c) for c in own)
    again = gate.answer(Viewer("noch-eine", "leadership"), RESTRICTED, build,
                        level="subdistrict")
    assert len(calls) == 2 and again[1] == everything  # the same scope: shared
    assert own == [r.area_code for r in gate.rows(DISTRICT, RESTRICTED, level="subdistrict")]


def test_a_shared_answer_still_checks_the_area_and_the_role(demo: Installation) -> None:
    gate = Gate(demo)
    gate.answer(LEADER, RESTRICTED, _codes, area="0201")
    with pytest.raises(AccessDenied):  # cached for leadership, refused for the district
        gate.answer(DISTRICT, RESTRICTED, _codes, area="0201")
    with pytest.raises(AccessDenied):  # the committee never sees restricted indicators
        gate.answer(Viewer("ausschuss", "committee"), RESTRICTED, _codes)


def test_a_new_data_version_builds_the_answer_anew(demo: Installation) -> None:
    gate = Gate(demo)
    calls = []

    def build(rows: list) -> tuple[bytes, list[str]]:
        calls.append(1)
        return _codes(rows)

    gate.answer(LEADER, "sgb2_quote", build, level="district")
    gate.answer(LEADER, "sgb2_quote", build, level="district")
    assert len(calls) == 1
    gate._version = "a-version-before"  # the store now holds a newer one
    gate.answer(LEADER, "sgb2_quote", build, level="district")
    assert len(calls) == 2


def test_raw_views_are_built_and_audited_every_time(demo: Installation) -> None:
    audited = []
    gate = Gate(demo, audit=lambda name, action, detail: audited.append(action))
    admin = Viewer("admin", "admin", raw=True)
    first = gate.answer(admin, "sgb2_quote", _codes, level="subdistrict")
    second = gate.answer(admin, "sgb2_quote", _codes, level="subdistrict")
    assert first == second and audited == ["raw_view", "raw_view"]


def test_areas_keep_boundary_texts_and_parse_one_when_read(demo: Installation) -> None:
    gate = Gate(demo)
    areas = Areas.load(demo.store.read(gate.data_version))
    assert isinstance(areas.geometries, ParsedOnRead)
    assert areas.geometries.texts and all(isinstance(t, str)
                                          for t in areas.geometries.texts.values())
    code = next(iter(areas.geometries))
    assert areas.geometries[code] == json.loads(areas.geometries.texts[code])
    collection = gate.geojson(LEADER, "subdistrict")
    assert all(isinstance(f["geometry"], dict) for f in collection["features"])
