from datetime import date

import pytest

from cockpit.periods import (
    PeriodError,
    is_period,
    latest,
    parse_key_date,
    period_end,
    period_for_date,
    period_kind,
    period_of_cell,
    previous_in,
    previous_period,
    same_period_year_before,
    sort_periods,
)


def test_half_years_sort_by_their_key_date() -> None:
    # 31.12. as "2024" and 30.06. as "2024-H1" must not zig-zag.
    periods = ["2024", "2023-H1", "2024-H1", "2023"]
    assert sort_periods(periods) == ["2023-H1", "2023", "2024-H1", "2024"]
    assert latest(periods) == "2024"


@pytest.mark.parametrize("period,end", [
    ("2024", date(2024, 12, 31)), ("2024-H1", date(2024, 6, 30)),
    ("2024-H2", date(2024, 12, 31)), ("2024-Q1", date(2024, 3, 31)),
    ("2024-Q3", date(2024, 9, 30)), ("2024-02", date(2024, 2, 29)),
    ("2023-02", date(2023, 2, 28)),
])
def test_period_end(period: str, end: date) -> None:
    assert period_end(period) == end


@pytest.mark.parametrize("bad", ["24", "2024-13", "2024-H3", "2024-Q5", "2024-00", "2024-h1",
                                 "2024/06", " 2024", "2024-1"])
def test_bad_periods_are_refused(bad: str) -> None:
    assert not is_period(bad)
    with pytest.raises(PeriodError):
        period_kind(bad)


def test_key_dates_map_to_periods() -> None:
    assert period_for_date(date(2024, 6, 30), "half") == "2024-H1"
    assert period_for_date(date(2024, 12, 31), "half") == "2024-H2"
    assert period_for_date(date(2024, 12, 31), "year") == "2024"
    assert period_for_date(date(2024, 9, 30), "quarter") == "2024-Q3"
    assert period_for_date(date(2024, 6, 30), "month") == "2024-06"
    assert latest([]) is None


def test_quarters_and_months_sort_by_end_date() -> None:
    periods = ["2024-Q1", "2024-03", "2024", "2023-12", "2024-Q2", "2024-H1", "2024-02"]
    assert sort_periods(periods) == ["2023-12", "2024-02", "2024-Q1", "2024-03", "2024-H1",
                                     "2024-Q2", "2024"]
    assert latest(["2024-Q3", "2024-Q4", "2024-Q1"]) == "2024-Q4"
    assert latest(["2024-09", "2024-10", "2024-12", "2024-11"]) == "2024-12"


@pytest.mark.parametrize("period,before", [
    ("2024", "2023"), ("2024-H1", "2023-H2"), ("2024-H2", "2024-H1"), ("2024-Q1", "2023-Q4"),
    ("2024-Q3", "2024-Q2"), ("2024-01", "2023-12"), ("2024-10", "2024-09"),
])
def test_previous_period_of_the_same_type(period: str, before: str) -> None:
    assert previous_period(period) == before


def test_previous_in_skips_other_types_and_gaps() -> None:
    periods = ["2022-H2", "2023", "2023-H1", "2024-H1"]
    assert previous_in(periods, "2024-H1") == "2023-H1"  # not the year, not a string max
    assert previous_in(periods, "2024") == "2023"
    assert previous_in(periods, "2022-H2") is None
    assert same_period_year_before("2024-H1") == "2023-H1"
    assert same_period_year_before("2024-06") == "2023-06"


@pytest.mark.parametrize("cell,kind,period", [
    ("2024", "year", "2024"), ("31.12.2024", "year", "2024"), ("2024-12-31", "year", "2024"),
    ("30.06.2024", "half", "2024-H1"), ("31.12.2024", "half", "2024-H2"),
    ("2024-H2", "half", "2024-H2"), ("30.9.2024", "quarter", "2024-Q3"),
    ("2024-03-31", "quarter", "2024-Q1"), ("29.02.2024", "month", "2024-02"),
    ("30.06.2024", "month", "2024-06"), ("2024-06", "month", "2024-06"),
])
def test_cells_map_to_the_datasets_period_type(cell: str, kind: str, period: str) -> None:
    assert period_of_cell(cell, kind) == period


@pytest.mark.parametrize("cell,kind,message", [
    ("30.06.2024", "year", "Stichtag 30.06.2024 ist nicht das Ende eines Zeitraums: der "
                           "Datensatz hat Jahreswerte (period_type: year), erwartet 31.12."),
    ("31.05.2024", "half", "erwartet 30.06. oder 31.12."),
    ("28.02.2024", "month", "Stichtag 28.02.2024 ist nicht das Ende eines Zeitraums"),
    ("2024-06", "year", "Zeitraum „2024-06“ ist ein Monat; der Datensatz hat Jahreswerte"),
    ("2024", "half", "Zeitraum „2024“ ist ein Jahr; der Datensatz hat Halbjahreswerte "
                     "(period_type: half, z. B. „2024-H1“)"),
    ("2024-H3", "half", "Zeitraum „2024-H3“ ist ungültig"),
    ("31.06.2024", "half", "„31.06.2024“ ist kein gültiges Datum"),
    ("01.06.2024", "month", "stand dort „2024-06“? Excel speichert das als Datum"),
])
def test_cells_of_another_type_are_refused_in_german(cell: str, kind: str,
                                                     message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        period_of_cell(cell, kind)
    assert message in str(caught.value)


def test_a_declared_key_date_maps_to_its_year() -> None:
    assert period_of_cell("30.06.2024", "year", (6, 30)) == "2024"
    with pytest.raises(PeriodError, match="passt nicht zum Stichtag des Datensatzes "
                                          r"\(30\.06\.; Jahreswerte\)"):
        period_of_cell("31.12.2024", "year", (6, 30))
    assert parse_key_date("31.12.") == (12, 31)
    assert parse_key_date("1.3") == (3, 1)
    for bad in ("31.11.", "29.02.", "Dezember", "12/31"):
        with pytest.raises(PeriodError):
            parse_key_date(bad)
