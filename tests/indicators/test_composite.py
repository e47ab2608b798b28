"""The index computation (cockpit/indicators/composite.py) on hand-made fixtures.

Every standardised value, sum and class below is written out by hand (the working is
in the comments), not computed by the code under test.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from cockpit.indicators.composite import (
    CLASSIFIED,
    EXCLUDED,
    MISSING_COMPONENT,
    SMALL_POPULATION,
    SUPPRESSED_COMPONENT,
    Method,
    change,
    classify,
    combine,
    compute_index,
    cutoffs_for,
)

NAN = float("nan")
BERLIN_STATUS = dict(standardisation="z_score", aggregation="weighted_sum",
                     restandardise="z_score", classification="fixed",
                     cutoffs=(-1.0, 1.0, 1.5), boundaries=("upper", "lower", "lower"))
BERLIN_DYNAMICS = dict(standardisation="z_score", aggregation="weighted_sum",
                       restandardise="z_score", classification="fixed",
                       cutoffs=(-1.0, 1.0), boundaries=("upper", "lower"))

# Areas A..E are the reference set; F is too small (population 100 < 300), G misses
# component 2, H has component 2 suppressed. F, G and H carry extreme values that
# would move every mean and standard deviation if they were counted.
COMPONENTS = np.array([
    [1.0, 10.0],     # A
    [2.0, 10.0],     # B
    [3.0, 20.0],     # C
    [4.0, 30.0],     # D
    [5.0, 30.0],     # E
    [500.0, 900.0],  # F (population 100)
    [400.0, NAN],    # G (component 2 missing)
    [300.0, 999.0],  # H (component 2 suppressed)
])
POPULATION = np.array([1000, 1000, 1000, 1000, 1000, 100, 1000, 1000], dtype=float)
SUPPRESSED = np.zeros((8, 2), dtype=bool)
SUPPRESSED[7, 1] = True
TWO = Method(signs=(1.0, -1.0), weights=(1.0, 1.0), ddof=0, min_population=300,
             **{**BERLIN_DYNAMICS, "cutoffs": (-1.0, 1.0)})


def test_hand_made_fixture_standardised_values_sums_and_classes() -> None:
    result = compute_index(TWO, COMPONENTS, POPULATION, SUPPRESSED)
    # Component 1 over A..E: mean 3, population SD sqrt(10/5) = sqrt(2):
    # z = (-2, -1, 0, 1, 2) / sqrt(2).
    r2 = math.sqrt(2)
    expected_z1 = [-2 / r2, -1 / r2, 0.0, 1 / r2, 2 / r2]
    # Component 2: mean 20, SD sqrt(400/5) = sqrt(80) = 4 sqrt(5): z = (-10, -10, 0, 10,
    # 10) / sqrt(80) = (-sqrt(5)/2, ...); direction negative: the signs turn.
    h5 = math.sqrt(5) / 2
    expected_z2 = [h5, h5, 0.0, -h5, -h5]
    assert result.standardised[:5, 0] == pytest.approx(expected_z1, abs=1e-15)
    assert result.standardised[:5, 1] == pytest.approx(expected_z2, abs=1e-15)
    # Sums: -1.4142135624 + 1.1180339887 = -0.2961795736; -0.7071067812 + 1.1180339887
    # = 0.4109272076; 0; and the same turned round.
    sums = [-0.2961795736, 0.4109272076, 0.0, -0.4109272076, 0.2961795736]
    assert result.aggregate[:5] == pytest.approx(sums, abs=1e-10)
    # Re-standardised: mean 0, SD sqrt((2 * 0.0877223388 + 2 * 0.1688611699) / 5)
    # = sqrt(0.1026334035) = 0.3203645; -0.2961795736 / 0.3203645 = -0.9245081.
    values = [-0.9245081, 1.2826865, 0.0, -1.2826865, 0.9245081]  # 0.4109272076 / 0.3203645
    assert result.value[:5] == pytest.approx(values, abs=1e-6)
    # Cut-offs -1 (a value on it belongs to the upper class) and 1 (to the lower one).
    assert result.klass.tolist() == [1, 2, 1, 0, 1, -1, -1, -1]
    assert result.reason.tolist() == [CLASSIFIED] * 5 + [
        SMALL_POPULATION, MISSING_COMPONENT, SUPPRESSED_COMPONENT]
    assert result.valid == 5
    assert np.isnan(result.value[5:]).all() and np.isnan(result.standardised[5:]).all()


def test_a_suppressed_value_changes_nothing() -> None:
    before = compute_index(TWO, COMPONENTS, POPULATION, SUPPRESSED)
    changed = COMPONENTS.copy()
    changed[7, 1] = -12345.0
    after = compute_index(TWO, changed, POPULATION, SUPPRESSED)
    for field in ("value", "aggregate", "standardised"):
        np.testing.assert_array_equal(getattr(before, field), getattr(after, field))
    np.testing.assert_array_equal(before.klass, after.klass)


def test_a_missing_component_is_never_counted_as_zero() -> None:
    # Were G's missing value taken as 0, it would be in the reference set and pull
    # component 2's mean below 20.
    result = compute_index(TWO, COMPONENTS, POPULATION, SUPPRESSED)
    assert result.klass[6] == -1 and result.reason[6] == MISSING_COMPONENT
    zero = COMPONENTS.copy()
    zero[6, 1] = 0.0
    counted = compute_index(TWO, zero, POPULATION, SUPPRESSED)
    assert counted.value[0] != result.value[0]


def test_population_threshold_is_inclusive_and_unknown_population_is_not_ranked() -> None:
    population = np.array([300, 299.999, NAN, 1000, 1000, 1000], dtype=float)
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
    method = Method(signs=(1.0,), weights=(1.0,), ddof=0, min_population=300,
                    classification="fixed", cutoffs=(0.0,))
    result = compute_index(method, x, population)
    assert result.reason.tolist() == [CLASSIFIED, SMALL_POPULATION, SMALL_POPULATION,
                                      CLASSIFIED, CLASSIFIED, CLASSIFIED]
    # Reference set 1, 4, 5, 6: mean 4, SD sqrt((9 + 0 + 1 + 4) / 4) = sqrt(3.5).
    assert result.value[[0, 3, 4, 5]] == pytest.approx(
        [-3 / math.sqrt(3.5), 0.0, 1 / math.sqrt(3.5), 2 / math.sqrt(3.5)])


def test_excluded_area_is_left_out_of_the_reference_set() -> None:
    x = np.array([[1.0], [2.0], [3.0], [100.0]])
    method = Method(signs=(1.0,), weights=(1.0,), ddof=0, classification="fixed",
                    cutoffs=(0.0,))
    result = compute_index(method, x, np.full(4, 1000.0), excluded=np.array(
        [False, False, False, True]))
    assert result.reason[3] == EXCLUDED
    # Mean 2, SD sqrt(2/3).
    assert result.value[:3] == pytest.approx([-1 / math.sqrt(2 / 3), 0.0,
                                              1 / math.sqrt(2 / 3)])


def test_classify_boundary_sides() -> None:
    values = np.array([-1.5, -1.0, 0.0, 1.0, 1.2, 1.5, 1.50001, NAN])
    # Berlin status: z < -1 hoch (0); -1 <= z <= 1 mittel (1); 1 < z <= 1.5 niedrig (2);
    # z > 1.5 sehr niedrig (3).
    assert classify(values, (-1.0, 1.0, 1.5), ("upper", "lower", "lower")).tolist() == [
        0, 1, 1, 1, 2, 2, 3, -1]
    assert classify(values, (-1.0, 1.0, 1.5), ("lower", "upper", "upper")).tolist() == [
        0, 0, 1, 2, 2, 3, 3, -1]


def test_ties_share_a_class_whatever_the_quantile() -> None:
    # Median of 1, 2, 2, 2, 3 is 2: with "lower" all three 2s are in the lower half,
    # with "upper" all three in the upper one; ties are never split.
    values = np.array([[1.0], [2.0], [2.0], [2.0], [3.0]])
    for side, expected in (("lower", [0, 0, 0, 0, 1]), ("upper", [0, 1, 1, 1, 1])):
        method = Method(signs=(1.0,), weights=(1.0,), standardisation="min_max",
                        classification="quantiles", classes=2, boundaries=(side,))
        result = compute_index(method, values, np.full(5, 1000.0))
        assert result.cutoffs == (0.5,)  # min-max: (2 - 1) / (3 - 1)
        assert result.klass.tolist() == expected


def test_min_max_inverts_within_zero_to_one_and_equal_intervals() -> None:
    # Augsburg style: x1 (0, 2, 5, 10) -> (0, 0.2, 0.5, 1); x2 negative (10, 8, 5, 0) ->
    # (max - x) / (max - min) = (0, 0.2, 0.5, 1) (not 1 - 0.8, which is 0.19999999999999996
    # and would fall below the boundary 0.2); mean = (0, 0.2, 0.5, 1).
    x = np.array([[0.0, 10.0], [2.0, 8.0], [5.0, 5.0], [10.0, 0.0]])
    method = Method(signs=(1.0, -1.0), weights=(1.0, 1.0), standardisation="min_max",
                    aggregation="weighted_mean", restandardise="min_max",
                    classification="equal_intervals", classes=5,
                    boundaries=("upper",) * 4, interval_range=(0.0, 1.0))
    result = compute_index(method, x, np.full(4, 1000.0))
    assert result.standardised[:, 1].tolist() == [0.0, 0.2, 0.5, 1.0]
    assert result.value.tolist() == [0.0, 0.2, 0.5, 1.0]
    assert result.cutoffs == pytest.approx((0.2, 0.4, 0.6, 0.8))
    # 0.2 lies on the first boundary and belongs to the upper class ("niedrig").
    assert result.klass.tolist() == [0, 1, 2, 4]


def test_weights_and_weighted_mean() -> None:
    # z1 = (-1, 0, 1) * sqrt(3/2) (population SD sqrt(2/3)), z2 = (1, 0, -1) * sqrt(3/2);
    # weights 3 and 1: (3 z1 + z2) / 4 = (-0.5, 0, 0.5) * sqrt(1.5).
    x = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    method = Method(signs=(1.0, 1.0), weights=(3.0, 1.0), ddof=0,
                    aggregation="weighted_mean", classification="fixed", cutoffs=(0.0,))
    result = compute_index(method, x, np.full(3, 1000.0))
    s = math.sqrt(1.5)
    assert result.value == pytest.approx([-0.5 * s, 0.0, 0.5 * s])
    assert result.klass.tolist() == [0, 0, 1]


def test_standard_deviation_classes() -> None:
    # Values 0, 2, 4, 6, 8: mean 4, population SD sqrt(8); cut-offs mean -/+ 1 SD.
    values = np.array([0.0, 2.0, 4.0, 6.0, 8.0])
    method = Method(signs=(1.0,), weights=(1.0,), ddof=0,
                    classification="standard_deviations", cutoffs=(-1.0, 1.0))
    assert cutoffs_for(method, values) == pytest.approx((4 - math.sqrt(8),
                                                         4 + math.sqrt(8)))


def test_constant_component_standardises_to_zero() -> None:
    x = np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]])
    method = Method(signs=(1.0, 1.0), weights=(1.0, 1.0), ddof=0, classification="fixed",
                    cutoffs=(0.0,))
    result = compute_index(method, x, np.full(3, 1000.0))
    assert result.standardised[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_change_and_combined_classes() -> None:
    assert change(np.array([12.5, NAN]), np.array([10.0, 3.0])).tolist()[0] == 2.5
    assert np.isnan(change(np.array([12.5, NAN]), np.array([10.0, 3.0]))[1])
    assert change(np.array([15.0]), np.array([10.0]), "percent").tolist() == [50.0]
    # status hoch (0) x dynamik negativ (2) = 2; sehr niedrig (3) x stabil (1) = 10.
    assert combine(np.array([0, 3, -1, 1]), np.array([2, 1, 0, -1]), 3).tolist() == [
        2, 10, -1, -1]


# -- Berlin MSS on real-shaped data ----------------------------------------------------
# Sixteen Planungsräume: residents 15-64, all residents, residents under 15, and the
# counts of unemployed (SGB II and III), SGB II/XII recipients and children under 15 in
# SGB II at 31.12. of the year and two years before (same residents, for brevity).
RESIDENTS_15_64 = [8548, 5925, 6410, 8157, 5541, 7160, 7635, 2646, 1255, 3261, 3137, 7963,
                   8283, 843, 4898, 7534]
RESIDENTS = [11539, 7998, 8653, 11011, 7480, 9666, 10307, 3572, 1694, 4402, 4234, 10750,
             11182, 1138, 6612, 10170]
UNDER_15 = [1570, 932, 924, 1160, 777, 1114, 1224, 434, 250, 598, 532, 1585, 1136, 111,
            827, 930]
UNEMPLOYED = [359, 484, 486, 1060, 529, 584, 607, 131, 26, 140, 323, 350, 532, 17, 585, 290]
TRANSFER = [602, 1398, 1272, 2757, 1382, 1621, 1360, 380, 101, 495, 774, 1079, 1184, 59,
            1372, 703]
CHILDREN = [242, 264, 300, 521, 269, 344, 375, 71, 27, 91, 185, 224, 329, 9, 352, 135]
UNEMPLOYED_BEFORE = [299, 433, 544, 1094, 443, 568, 601, 113, 28, 118, 308, 352, 517, 17,
                     640, 342]
TRANSFER_BEFORE = [550, 1481, 1371, 2528, 1106, 1927, 1250, 351, 116, 511, 765, 1196, 961,
                   63, 1302, 587]
CHILDREN_BEFORE = [257, 309, 264, 548, 247, 377, 408, 63, 30, 96, 198, 252, 319, 9, 405,
                   113]
STATUS_LABELS = ["hoch", "mittel", "niedrig", "sehr niedrig"]
DYNAMICS_LABELS = ["positiv", "stabil", "negativ"]


def _rates(unemployed: list[int], transfer: list[int], children: list[int]) -> np.ndarray:
    """Shares in % (full precision): unemployed / 15-64, transfer / all, children / <15."""
    return np.column_stack([
        100 * np.array(unemployed) / np.array(RESIDENTS_15_64),
        100 * np.array(transfer) / np.array(RESIDENTS),
        100 * np.array(children) / np.array(UNDER_15)])


def _reference_z(columns: list[list[float]]) -> list[float]:
    """The MSS steps with the standard library only: z per column (n - 1), sum, z again."""
    zs = []
    for col in columns:
        m, s = statistics.mean(col), statistics.stdev(col)
        zs.append([(v - m) / s for v in col])
    sums = [sum(parts) for parts in zip(*zs, strict=True)]
    m, s = statistics.mean(sums), statistics.stdev(sums)
    return [(v - m) / s for v in sums]


def _status(rates: np.ndarray, ddof: int = 1):
    method = Method(signs=(1.0, 1.0, 1.0), weights=(1.0, 1.0, 1.0), ddof=ddof,
                    min_population=300, **BERLIN_STATUS)
    return compute_index(method, rates, np.array(RESIDENTS, dtype=float))


def test_berlin_status_classification_reproduced_with_an_area_at_a_cut_off() -> None:
    rates = _rates(UNEMPLOYED, TRANSFER, CHILDREN)
    result = _status(rates)
    labels = [STATUS_LABELS[k] for k in result.klass]
    assert labels == ["mittel", "mittel", "mittel", "sehr niedrig", "mittel", "mittel",
                      "mittel", "mittel", "hoch", "mittel", "mittel", "mittel", "mittel",
                      "hoch", "niedrig", "mittel"]
    reference = _reference_z([list(c) for c in rates.T])
    assert result.value.tolist() == pytest.approx(reference, abs=1e-12)
    # Planungsraum 1 lies 0.0003 above the cut-off -1: "mittel" (-1 <= z).
    assert result.value[0] == pytest.approx(-0.99969, abs=5e-6)
    assert -1.0 < result.value[0] < -1.0 + 0.002
    # Planungsraum 15 lies 0.04 below 1.5: "niedrig", but only with n - 1 (see below).
    assert result.value[14] == pytest.approx(1.46067, abs=5e-6)


def test_rounded_inputs_would_flip_the_class() -> None:
    rates = _rates(UNEMPLOYED, TRANSFER, CHILDREN)
    rounded = _status(np.round(rates, 1))  # shares as published, one decimal
    assert rounded.value[0] < -1.0
    assert STATUS_LABELS[rounded.klass[0]] == "hoch"  # would be wrong
    assert STATUS_LABELS[_status(rates).klass[0]] == "mittel"


def test_the_standard_deviation_estimator_matters() -> None:
    # With the population SD (n) every final z grows by sqrt(16/15) = 1.0328: Planungsraum
    # 1 becomes "hoch" (-1.0325) and 15 "sehr niedrig" (1.5086). Hence ddof is declared.
    result = _status(_rates(UNEMPLOYED, TRANSFER, CHILDREN), ddof=0)
    assert result.value[0] == pytest.approx(-0.99969 * math.sqrt(16 / 15), abs=1e-5)
    assert STATUS_LABELS[result.klass[0]] == "hoch"
    assert STATUS_LABELS[result.klass[14]] == "sehr niedrig"


def test_berlin_dynamics_and_combined_classes() -> None:
    now = _rates(UNEMPLOYED, TRANSFER, CHILDREN)
    before = _rates(UNEMPLOYED_BEFORE, TRANSFER_BEFORE, CHILDREN_BEFORE)
    method = Method(signs=(1.0, 1.0, 1.0), weights=(1.0, 1.0, 1.0), ddof=1,
                    min_population=300, **BERLIN_DYNAMICS)
    dynamics = compute_index(method, change(now, before), np.array(RESIDENTS, dtype=float))
    assert [DYNAMICS_LABELS[k] for k in dynamics.klass] == [
        "stabil", "stabil", "stabil", "stabil", "negativ", "positiv", "stabil", "negativ",
        "stabil", "stabil", "stabil", "stabil", "stabil", "stabil", "positiv", "stabil"]
    reference = _reference_z([list(c) for c in (now - before).T])
    assert dynamics.value.tolist() == pytest.approx(reference, abs=1e-12)
    status = _status(now)
    combined = combine(status.klass, dynamics.klass, 3)
    # 4: sehr niedrig/stabil = 3 * 3 + 1 = 10; 5: mittel/negativ = 5; 15: niedrig/positiv
    # = 6; 9: hoch/stabil = 1.
    assert combined[[3, 4, 14, 8]].tolist() == [10, 5, 6, 1]
