from datetime import date

import pytest

from cockpit.periods import (
    PeriodError,
    is_period,
    latest,
    period_end,
    period_for_date,
    period_kind,
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
