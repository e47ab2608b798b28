"""Primary and secondary suppression on crafted small counts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from cockpit.access.suppression import Equation, is_small, protect, suppress_area_frame

PARENTS = {"00": None, "01": "00", "02": "00", "0101": "01", "0102": "01", "0103": "01",
           "0201": "02", "0202": "02"}


def _frame(counts: dict[str, float], period: str = "2024") -> pd.DataFrame:
    return pd.DataFrame({"area_code": list(counts), "period": period,
                         "numerator": list(counts.values())})


def _with_totals(leaves: dict[str, float]) -> dict[str, float]:
    counts = dict(leaves)
    counts["01"] = sum(v for k, v in leaves.items() if k.startswith("01"))
    counts["02"] = sum(v for k, v in leaves.items() if k.startswith("02"))
    counts["00"] = counts["01"] + counts["02"]
    return counts


def _hidden(counts: dict[str, float], min_count: int = 3) -> set[str]:
    frame = _frame(counts)
    flags = suppress_area_frame(frame, PARENTS, min_count)
    return set(frame.loc[flags, "area_code"])


EQUATIONS = [("01", ["0101", "0102", "0103"]), ("02", ["0201", "0202"]), ("00", ["01", "02"])]


def _solvable(counts: dict[str, float], hidden: set[str]) -> set[str]:
    """Hidden cells whose value the visible cells and the totals fix.

    Up to four hidden cells: brute force over 0..24 per cell. Always also: a cell
    is fixed when every vector of the null space of the hidden system is zero there.
    """
    cells = sorted(hidden)
    fixed = set()
    if len(cells) <= 4:
        solutions = []
        for guess in itertools.product(range(0, 25), repeat=len(cells)):
            trial = {**counts, **dict(zip(cells, guess, strict=True))}
            if all(trial[t] == sum(trial[p] for p in parts) for t, parts in EQUATIONS):
                solutions.append(guess)
        fixed |= {cell for i, cell in enumerate(cells) if len({s[i] for s in solutions}) == 1}
    matrix = np.array([[(c == t) - (c in parts) for c in cells] for t, parts in EQUATIONS],
                      dtype=float)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    fixed |= {c for i, c in enumerate(cells) if np.allclose(null_space[:, i], 0)}
    return fixed


@pytest.mark.parametrize("count,small", [(0, False), (1, True), (2, True), (3, False),
                                         (None, False), (np.nan, False), (-1, False)])
def test_small_counts(count: float | None, small: bool) -> None:
    assert is_small(count, 3) is small


def test_nothing_hidden_without_small_counts() -> None:
    assert _hidden(_with_totals({"0101": 10, "0102": 0, "0103": 7, "0201": 4, "0202": 9})) == set()


def test_single_small_cell_gets_a_complementary_cell() -> None:
    counts = _with_totals({"0101": 2, "0102": 40, "0103": 7, "0201": 5, "0202": 9})
    hidden = _hidden(counts)
    assert "0101" in hidden
    assert hidden == {"0101", "0103"}  # the smallest other part, not the total
    assert _solvable(counts, hidden) == set()


def test_small_district_total_is_protected_across_levels() -> None:
    # 01 = 1 + 0 + 1 is small itself; hiding 0101, 0103 and 01 must not let the
    # city total minus district 02 reveal district 01.
    counts = _with_totals({"0101": 1, "0102": 0, "0103": 1, "0201": 10, "0202": 9})
    hidden = _hidden(counts)
    assert {"0101", "0103", "01"} <= hidden
    assert "00" not in hidden  # the city total stays visible
    assert len(hidden) == 5
    assert _solvable(counts, hidden) == set()


def test_secondary_suppression_needs_more_than_one_cell_in_every_relation() -> None:
    counts = _with_totals({"0101": 2, "0102": 3, "0103": 4, "0201": 1, "0202": 15})
    hidden = _hidden(counts)
    assert {"0101", "0201"} <= hidden
    assert _solvable(counts, hidden) == set()


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_never_reveal_a_hidden_cell(seed: int) -> None:
    rng = np.random.default_rng(seed)
    leaves = {code: int(rng.choice([0, 1, 2, 3, 4, 8, 12])) for code in
              ("0101", "0102", "0103", "0201", "0202")}
    counts = _with_totals(leaves)
    hidden = _hidden(counts)
    assert {c for c, v in counts.items() if 0 < v < 3} <= hidden
    assert _solvable(counts, hidden) == set()


def test_breakdown_total_equals_sum_of_categories() -> None:
    counts = {"total": 30, "ambulant": 20, "teilstationaer": 2, "stationaer": 8}
    hidden = protect(counts, [Equation("total", ("ambulant", "teilstationaer",
                                                 "stationaer"))], 3)
    assert hidden == {"teilstationaer", "stationaer"}


def test_min_count_is_configurable() -> None:
    counts = _with_totals({"0101": 4, "0102": 40, "0103": 7, "0201": 5, "0202": 9})
    assert "0101" in _hidden(counts, min_count=5)
    assert "0101" not in _hidden(counts, min_count=3)


def test_periods_are_protected_independently() -> None:
    a = _frame(_with_totals({"0101": 2, "0102": 40, "0103": 7, "0201": 5, "0202": 9}), "2023")
    b = _frame(_with_totals({"0101": 20, "0102": 40, "0103": 7, "0201": 5, "0202": 9}), "2024")
    frame = pd.concat([a, b], ignore_index=True)
    flags = suppress_area_frame(frame, PARENTS, 3)
    assert set(frame.loc[flags, "period"]) == {"2023"}


def test_incomplete_parent_is_not_used_as_equation() -> None:
    counts = _with_totals({"0101": 2, "0102": 40, "0103": 7, "0201": 5, "0202": 9})
    counts["01"] = np.nan  # a child was missing, so the district has no value
    hidden = _hidden(counts)
    assert "0101" in hidden
