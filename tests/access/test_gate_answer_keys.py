"""Gate.answer's `key`: different builds over the same rows are kept apart, and an
answer object counts against the cache's bytes by its `nbytes`."""

from __future__ import annotations

from cockpit.access import Gate, Viewer
from cockpit.access import gate as gate_module
from cockpit.context import Installation

LEADER = Viewer("chefin", "leadership")


def test_a_key_keeps_two_builds_over_the_same_rows_apart(demo: Installation) -> None:
    gate = Gate(demo)
    codes = gate.answer(LEADER, "sgb2_quote", lambda rows: [r.area_code for r in rows],
                        level="subdistrict", key="codes")
    count = gate.answer(LEADER, "sgb2_quote", len, level="subdistrict", key="count")
    assert count == len(codes) and isinstance(codes, list)
    # without a key: neither of the two (the values API's answers have none)
    names = gate.answer(LEADER, "sgb2_quote", lambda rows: {r.area_name for r in rows},
                        level="subdistrict")
    assert isinstance(names, set)
    again = gate.answer(LEADER, "sgb2_quote", lambda rows: "built anew", level="subdistrict",
                        key="codes")
    assert again is codes  # the same key: the kept answer


class _Sized:
    def __init__(self, nbytes: int) -> None:
        self.nbytes = nbytes


def test_answers_with_nbytes_count_against_the_cache_budget(demo: Installation,
                                                            monkeypatch) -> None:
    monkeypatch.setattr(gate_module, "_ANSWER_BYTES", 1000)
    gate = Gate(demo)
    first = gate.answer(LEADER, "sgb2_quote", lambda rows: _Sized(600), key=1)
    assert gate._answer_bytes == 600
    gate.answer(LEADER, "sgb2_quote", lambda rows: _Sized(600), key=2)
    assert gate._answer_bytes == 600  # the first was dropped to stay within 1000 bytes
    assert gate.answer(LEADER, "sgb2_quote", lambda rows: _Sized(1), key=1) is not first
