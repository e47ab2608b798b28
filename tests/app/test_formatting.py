"""Tests for cockpit.app.formatting (German and English display formats)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cockpit.app.formatting import (
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    format_change,
    format_number,
    format_period,
    format_value,
    format_values,
)

MINUS = "\u2212"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "de", "en"),
    [
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (12345678, 0, "12.345.678", "12,345,678"),
        (999.95, 1, "1.000,0", "1,000.0"),
        (0.5, 0, "1", "1"),
        (2.675, 2, "2,68", "2.68"),  # half up on the decimal value, not the binary float
        (0.125, 2, "0,13", "0.13"),
        (7, 1, "7,0", "7.0"),
        (12.34, 0, "12", "12"),
    ],
)
def test_format_number_rounding_and_separators(value, decimals, de, en):
    assert format_number(value, decimals, "de") == de
    assert format_number(value, decimals, "en") == en


def test_format_number_defaults_to_german_one_decimal():
    assert format_number(1234.56) == "1.234,6"


MISSING_VALUES = [None, math.nan, float("nan"), np.nan, pd.NA, math.inf, -math.inf]


@pytest.mark.parametrize("value", MISSING_VALUES)
def test_format_number_missing(value):
    assert format_number(value) == "–"
    assert format_number(value, 2, "en") == "–"


def test_format_number_negative_uses_true_minus():
    assert format_number(-1234.5, 1) == MINUS + "1.234,5"
    assert format_number(-1234.5, 1, "en") == MINUS + "1,234.5"
    assert "-" not in format_number(-3.0, 1)


def test_format_number_negative_rounds_away_from_zero():
    assert format_number(-2.5, 0) == MINUS + "3"


@pytest.mark.parametrize("value", [-0.0, -0.04, -0.0001])
def test_format_number_negative_zero_has_no_sign(value):
    assert format_number(value, 1) == "0,0"
    assert format_number(value, 0, "en") == "0"


def test_format_number_accepts_numpy_and_decimal():
    assert format_number(np.float64(1234.25), 1) == "1.234,3"
    assert format_number(np.int64(5000), 0) == "5.000"
    assert format_number(Decimal("1.25"), 1, "en") == "1.3"


def test_format_number_very_large_value():
    assert format_number(10**30, 2, "en") == "1" + ",000" * 10 + ".00"


def test_format_number_rejects_negative_decimals():
    with pytest.raises(ValueError):
        format_number(1.0, -1)


def test_format_number_unknown_language_falls_back_to_german():
    assert format_number(1234.5, 1, "fr") == "1.234,5"


def test_format_value_percent_uses_narrow_no_break_space():
    assert format_value(12.345, "%", 1) == "12,3" + NNBSP + "%"
    assert format_value(12.345, "%", 1, "en") == "12.3" + NNBSP + "%"
    assert " " not in format_value(12.3, "%", 1)


def test_format_value_other_units_use_normal_space():
    assert format_value(1234.5, "EUR", 0) == "1.235 EUR"
    assert format_value(1.5, "je 1.000 EW", 1) == "1,5 je 1.000 EW"


def test_format_value_negative_and_missing():
    assert format_value(-4.25, "%", 1) == MINUS + "4,3" + NNBSP + "%"
    assert format_value(None, "%", 1) == "–"
    assert format_value(math.nan, "EUR", 0) == "–"


def test_format_value_without_unit_is_plain_number():
    assert format_value(3.0, "", 1) == "3,0"


def test_format_change_signs():
    assert format_change(1.23, 1) == "+1,2"
    assert format_change(-0.4, 1) == MINUS + "0,4"
    assert format_change(0.0, 1) == "±0"
    assert format_change(1234.5, 1, "en") == "+1,234.5"


def test_format_change_rounding_to_zero_is_plus_minus():
    assert format_change(-0.04, 1) == "±0"
    assert format_change(0.049, 1, "en") == "±0"
    assert format_change(0.05, 1) == "+0,1"


def test_format_change_missing():
    assert format_change(None) == "–"
    assert format_change(math.nan, 2, "en") == "–"


def test_format_period_year_and_month():
    assert format_period("2024") == "2024"
    assert format_period("2024-06") == "Juni 2024"
    assert format_period("2024-06", "en") == "June 2024"
    assert format_period("2024-03") == "März 2024"
    assert format_period("2024-12", "en") == "December 2024"
    assert format_period("2024-01", "de") == "Januar 2024"


def test_format_period_half_year():
    assert format_period("2024-H1") == "1. Hj. 2024"
    assert format_period("2024-H2") == "2. Hj. 2024"
    assert format_period("2024-H1", "en") == "H1 2024"


def test_format_period_quarter_and_day():
    assert format_period("2024-Q2") == "2. Quartal 2024"
    assert format_period("2024-Q2", "en") == "Q2 2024"
    assert format_period("2024-12-31") == "31.12.2024"
    assert format_period("2024-06-05", "en") == "5 June 2024"


@pytest.mark.parametrize("period", ["2024-13", "2023-02-30", "Sommer 2024", ""])
def test_format_period_unknown_is_returned_unchanged(period):
    assert format_period(period) == period


def test_suppression_constants():
    assert SUPPRESSED_MARK == "·"
    assert SUPPRESSED_TOOLTIP["de"] == "Geheimhaltung: weniger als 3 Fälle"
    assert SUPPRESSED_TOOLTIP["en"] == "Confidential: fewer than 3 cases"


def _many_values() -> list[object]:
    rng = np.random.default_rng(9)
    values: list[object] = [
        2.675, 0.125, 1.005, 1.015, 0.5, 1.5, 2.5, -0.5, -2.675, 0.05, -0.05, 0.0, -0.0,
        999.95, -999.95, 1234567.891, 1e15 + 0.5, 4.35, 8.345, -0.04, -0.049999, 1e-9,
        12, -7, True, None, math.nan, math.inf, -math.inf, pd.NA, np.float64(2.675),
        np.int64(1234), 2.0**53, -(2.0**60), 0.1 + 0.2, 1 / 3, 2 / 3]
    values += rng.normal(0, 50, 3000).tolist()
    values += (rng.integers(-100000, 100000, 2000) / 1000).tolist()  # many exact ties
    values += (rng.integers(-10000, 10000, 1000) * 0.005).tolist()
    values += rng.lognormal(5, 4, 1000).tolist()
    return values


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
@pytest.mark.parametrize("unit", ["%", " EUR ", "", "je 1.000"])
def test_format_values_gives_exactly_the_texts_of_format_value(decimals, unit):
    values = _many_values()
    for lang in ("de", "en"):
        assert format_values(values, unit, decimals, lang) == [
            format_value(v, unit, decimals, lang) for v in values]


def test_format_values_refuses_negative_decimals():
    with pytest.raises(ValueError):
        format_values([1.0], "%", -1)


@pytest.mark.parametrize("decimals", [0, 1, 2, 16])
def test_format_values_of_a_numpy_array_equal_those_of_a_list(decimals):
    values = [v for v in _many_values() if isinstance(v, float)]
    array = np.array(values, dtype=float)
    for lang in ("de", "en"):
        assert format_values(array, "%", decimals, lang) == [
            format_value(v, "%", decimals, lang) for v in values]
