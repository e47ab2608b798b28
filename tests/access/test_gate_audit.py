"""Every raw view leaves one exact audit entry: indicator, level, real period, areas."""

from __future__ import annotations

import json

import pytest

from cockpit.access import Gate, Viewer

HZE = "hze_stationaer_je_1000_unter_21"
RAW_ADMIN = Viewer("anna", "admin", raw=True)


@pytest.fixture(scope="module")
def recorded(demo) -> tuple[Gate, list[tuple[str, str, dict]]]:
    entries: list[tuple[str, str, dict]] = []
    gate = Gate(demo, audit=lambda user, action, detail: entries.append(
        (user, action, json.loads(detail))))
    return gate, entries


def _one(recorded, call) -> dict:  # noqa: ANN001
    gate, entries = recorded
    entries.clear()
    call(gate)
    assert len(entries) == 1, entries
    user, action, detail = entries[0]
    assert action == "raw_view"
    return detail


def _subdistricts(gate: Gate) -> list[str]:
    frame = gate.areas_info().frame
    return sorted(frame.loc[frame["level"] == "subdistrict", "code"])


def test_latest_period_is_recorded_as_the_period_returned(recorded) -> None:
    gate = recorded[0]
    latest = gate.periods(RAW_ADMIN, "einwohner")[-1]
    detail = _one(recorded, lambda g: g.rows(RAW_ADMIN, "einwohner", level="subdistrict"))
    assert detail["period"] == latest
    assert detail["level"] == "subdistrict"
    assert detail["areas"] == {"subdistrict": "all"}
    assert detail["indicator"] == "einwohner"
    assert detail["suppressed_cells"] == 0  # audited although nothing was hidden
    assert detail["cells"] == len(_subdistricts(gate))
    assert detail["data_version"] == gate.data_version


def test_one_area_over_all_periods(recorded) -> None:
    gate = recorded[0]
    detail = _one(recorded, lambda g: g.rows(RAW_ADMIN, HZE, area="0301", all_periods=True))
    assert detail["areas"] == {"subdistrict": ["0301"]}
    assert detail["period"] == list(gate.periods(RAW_ADMIN, HZE))
    assert detail["level"] == "subdistrict"


def test_areas_of_several_levels_are_listed_per_level(recorded) -> None:
    detail = _one(recorded, lambda g: g.rows(RAW_ADMIN, HZE, areas=["0301", "00", "03"],
                                             period="2020"))
    assert detail["areas"] == {"city": ["00"], "district": ["03"], "subdistrict": ["0301"]}
    assert detail["level"] == ["city", "district", "subdistrict"]
    assert detail["period"] == "2020"


def test_nearly_a_whole_level_is_recorded_by_its_exceptions(recorded) -> None:
    gate = recorded[0]
    codes = _subdistricts(gate)
    detail = _one(recorded, lambda g: g.rows(RAW_ADMIN, "einwohner", areas=codes[1:],
                                             period="2020"))
    assert detail["areas"] == {"subdistrict": {"all_except": [codes[0]]}}


def test_suppressed_cells_are_counted(recorded) -> None:
    gate = recorded[0]
    hidden = sum(r.suppressed for r in gate.rows(Viewer("l", "leadership"), HZE,
                                                 level="subdistrict", period="2024"))
    assert hidden > 0
    detail = _one(recorded, lambda g: g.rows(RAW_ADMIN, HZE, level="subdistrict",
                                             period="2024"))
    assert detail["suppressed_cells"] == hidden


@pytest.mark.parametrize("viewer", [Viewer("anna", "admin"), Viewer("c", "controlling"),
                                    Viewer("l", "leadership", raw=True),
                                    Viewer("k", "committee", raw=True)])
def test_no_entry_without_a_raw_view(recorded, viewer: Viewer) -> None:
    gate, entries = recorded
    entries.clear()
    gate.rows(viewer, "einwohner", level="subdistrict")
    assert entries == []


def test_an_empty_answer_is_no_raw_view(recorded) -> None:
    gate, entries = recorded
    entries.clear()
    gate.rows(RAW_ADMIN, "einwohner", areas=[])
    assert entries == []
