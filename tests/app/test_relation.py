"""Statistics of the Zusammenhang page: r and the line against numpy, pairing rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cockpit.app.relation import Cell, least_squares, pair, pearson, strength


@pytest.mark.parametrize("seed", range(8))
def test_pearson_matches_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 400))
    x = rng.normal(50, 20, n)
    y = 0.3 * x + rng.normal(0, 10 * (seed + 1), n)
    assert pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)


def test_pearson_of_large_values_matches_numpy() -> None:
    # population counts: sums of squares near 1e14 must not lose r
    x = np.array([250_000.0, 251_000.0, 249_500.0, 260_000.0, 255_500.0])
    y = np.array([12.5, 12.9, 12.1, 15.0, 13.3])
    assert pearson(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-12)


def test_perfect_relations_are_plus_and_minus_one() -> None:
    x = [1.0, 2.0, 3.0, 4.0]
    assert pearson(x, [2.0, 4.0, 6.0, 8.0]) == 1.0
    assert pearson(x, [8.0, 6.0, 4.0, 2.0]) == -1.0


def test_fewer_than_three_pairs_give_no_r_and_no_line() -> None:
    assert pearson([], []) is None
    assert pearson([1.0], [2.0]) is None
    assert pearson([1.0, 2.0], [3.0, 5.0]) is None  # numpy says ±1; that means nothing
    assert least_squares([1.0, 2.0], [3.0, 5.0]) is None


def test_constant_values_give_no_r() -> None:
    assert pearson([3.0, 3.0, 3.0, 3.0], [1.0, 2.0, 3.0, 4.0]) is None
    assert pearson([1.0, 2.0, 3.0, 4.0], [7.5, 7.5, 7.5, 7.5]) is None
    # one tenth is not exact in binary: its mean differs from it in the last bit, and
    # numpy reports r = 0 from that rounding noise; a constant has no r
    assert np.corrcoef([0.1] * 3, [1.0, 2.0, 3.0])[0, 1] == 0.0
    assert pearson([0.1] * 3, [1.0, 2.0, 3.0]) is None
    assert least_squares([0.1] * 3, [1.0, 2.0, 3.0]) is None
    with np.errstate(invalid="ignore", divide="ignore"):
        assert math.isnan(np.corrcoef([3.0, 3.0, 3.0], [1.0, 2.0, 3.0])[0, 1])


def test_constant_x_has_no_line_constant_y_a_flat_one() -> None:
    assert least_squares([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]) is None
    assert least_squares([1.0, 2.0, 3.0], [5.0, 5.0, 5.0]) == pytest.approx((0.0, 5.0))


@pytest.mark.parametrize("seed", range(5))
def test_least_squares_matches_numpy_polyfit(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    x = rng.uniform(0, 30, 40)
    y = -1.7 * x + 12 + rng.normal(0, 3, 40)
    slope, intercept = least_squares(x, y)
    expected_slope, expected_intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(expected_slope, rel=1e-10)
    assert intercept == pytest.approx(expected_intercept, rel=1e-10)


def test_non_finite_values_are_refused_not_averaged() -> None:
    assert pearson([1.0, 2.0, float("nan"), 4.0], [1.0, 2.0, 3.0, 4.0]) is None
    with pytest.raises(ValueError):
        pearson([1.0, 2.0, 3.0], [1.0, 2.0])


def _cells(values: dict[str, tuple[float | None, bool]]) -> dict[str, Cell]:
    return {code: Cell(f"Gebiet {code}", value, hidden)
            for code, (value, hidden) in values.items()}


def test_pairing_leaves_out_missing_and_suppressed_and_counts_them() -> None:
    x = _cells({"a": (1.0, False), "b": (2.0, False), "c": (None, True), "d": (4.0, False),
                "e": (5.0, False), "f": (None, False)})
    # the suppressed cell of "b" carries a value the caller forgot to blank: never read
    y = _cells({"a": (2.0, False), "b": (999.0, True), "c": (3.0, False), "d": (8.0, False),
                "e": (float("nan"), False), "g": (7.0, False)})
    pairs = pair(x, y)
    assert pairs.codes == ["a", "d"]
    assert pairs.x.tolist() == [1.0, 4.0] and pairs.y.tolist() == [2.0, 8.0]
    # b and c withheld; e (NaN), f (no value) and g (no x row) without a value
    assert (pairs.left_out, pairs.secret) == (5, 2)
    assert pairs.left_out_names == ["Gebiet b", "Gebiet c", "Gebiet e", "Gebiet f",
                                    "Gebiet g"]
    assert pairs.fit().r is None  # two pairs only


def test_r_of_pairs_equals_numpy_on_the_kept_values_only() -> None:
    rng = np.random.default_rng(7)
    values_x, values_y = rng.normal(0, 1, 30), rng.normal(0, 1, 30)
    hidden = {3, 8, 21}
    x = {f"{i:02}": Cell(str(i), float(v), i in hidden) for i, v in enumerate(values_x)}
    y = {f"{i:02}": Cell(str(i), float(v), False) for i, v in enumerate(values_y)}
    fit = pair(x, y).fit()
    keep = [i for i in range(30) if i not in hidden]
    assert fit.n == 27
    assert fit.r == pytest.approx(np.corrcoef(values_x[keep], values_y[keep])[0, 1])
    slope, intercept = np.polyfit(values_x[keep], values_y[keep], 1)
    assert (fit.slope, fit.intercept) == (pytest.approx(slope), pytest.approx(intercept))


def test_pairing_follows_the_given_areas() -> None:
    x = _cells({"a": (1.0, False), "b": (2.0, False), "c": (3.0, False)})
    y = _cells({"a": (1.0, False), "b": (2.0, False), "c": (3.0, False)})
    pairs = pair(x, y, codes=["c", "a", "z"])
    assert pairs.codes == ["c", "a"] and pairs.left_out == 1 and pairs.secret == 0


@pytest.mark.parametrize(("r", "word"), [(0.05, "none"), (-0.2, "weak"), (0.45, "moderate"),
                                         (-0.9, "strong")])
def test_strength_words(r: float, word: str) -> None:
    assert strength(r) == word
