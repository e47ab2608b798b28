"""The target status rule, on cases computed by hand (see cockpit/indicators/targets.py)."""

from __future__ import annotations

import pytest

from cockpit.indicators.targets import evaluate, position


@pytest.mark.parametrize(("period", "expected"), [
    ("2024", 2024.0), ("2024-H1", 2023.5), ("2024-H2", 2024.0), ("2024-Q1", 2023.25),
    ("2024-Q3", 2023.75), ("2024-06", 2023.5), ("2024-12", 2024.0),
])
def test_position_is_the_end_of_the_period_in_years(period: str, expected: float) -> None:
    assert position(period) == pytest.approx(expected)


# rise: base 2020 = 10, target 20 in 2025; in 2022 the path stands at 10 + 10 * 2/5 = 14.
@pytest.mark.parametrize(("value", "corridor", "status", "shortfall"), [
    (14.0, None, "on_track", 0.0),      # exactly on the path
    (15.0, None, "on_track", -1.0),     # ahead of it
    (13.5, 0.5, "on_track", 0.5),       # behind by exactly the corridor
    (13.4, 0.5, "at_risk", 0.6),        # behind, but above the base value 10 - 0.5
    (9.5, 0.5, "at_risk", 4.5),         # exactly the base value minus the corridor
    (9.4, 0.5, "off_track", 4.6),       # worse than where it started
    (13.9, None, "at_risk", 0.1),       # no corridor: any shortfall is at risk
    (10.0, None, "at_risk", 4.0),       # no progress at all, but no loss either
    (9.99, None, "off_track", 4.01),
])
def test_rise(value: float, corridor: float | None, status: str, shortfall: float) -> None:
    result = evaluate("rise", 20.0, 2025, corridor, "2020", 10.0, "2022", value)
    assert result is not None
    assert result.status == status
    assert result.path_value == pytest.approx(14.0)
    assert result.shortfall == pytest.approx(shortfall)
    assert result.target_reached is False


# fall: base 2019 = 12, target 9 in 2027; in 2023 the path stands at 12 - 3 * 4/8 = 10.5.
@pytest.mark.parametrize(("value", "corridor", "status"), [
    (10.5, None, "on_track"),
    (10.0, None, "on_track"),
    (10.8, 0.3, "on_track"),
    (11.0, 0.3, "at_risk"),
    (12.0, None, "at_risk"),
    (12.3, 0.3, "at_risk"),
    (12.31, 0.3, "off_track"),
])
def test_fall(value: float, corridor: float | None, status: str) -> None:
    result = evaluate("fall", 9.0, 2027, corridor, "2019", 12.0, "2023", value)
    assert result is not None
    assert result.path_value == pytest.approx(10.5)
    assert result.status == status


@pytest.mark.parametrize(("latest", "value", "corridor", "status"), [
    ("2024", 19.0, None, "off_track"),   # target year reached, target missed
    ("2024", 19.0, 1.0, "on_track"),     # missed by no more than the corridor
    ("2024", 20.0, None, "on_track"),
    ("2025", 21.0, None, "on_track"),    # after the target year the path stays at 20
    ("2025", 15.0, None, "off_track"),   # would be "at risk" before the target year
])
def test_target_year_reached(latest: str, value: float, corridor: float | None,
                             status: str) -> None:
    result = evaluate("rise", 20.0, 2024, corridor, "2020", 10.0, latest, value)
    assert result is not None
    assert result.target_reached is True
    assert result.path_value == 20.0
    assert result.status == status


def test_sub_year_periods_use_their_end() -> None:
    # base 2024-H1 (2023.5) = 100, target 50 in 2026 (2026.0); latest 2025-H1 (2024.5):
    # path = 100 - 50 * 1/2.5 = 80.
    on = evaluate("fall", 50.0, 2026, None, "2024-H1", 100.0, "2025-H1", 80.0)
    behind = evaluate("fall", 50.0, 2026, None, "2024-H1", 100.0, "2025-H1", 80.5)
    assert on is not None and behind is not None
    assert on.path_value == pytest.approx(80.0)
    assert (on.status, behind.status) == ("on_track", "at_risk")
    # a month: 2024-09 ends at 2024 - 1 + 9/12 = 2023.75 -> path 100 - 50 * 0.25/2.5 = 95
    month = evaluate("fall", 50.0, 2026, None, "2024-H1", 100.0, "2024-09", 95.0)
    assert month is not None and month.path_value == pytest.approx(95.0)
    assert month.status == "on_track"


# keep: target 5.0 with corridor 0.5, base 2021 = 5.2 (0.2 away from the target).
@pytest.mark.parametrize(("value", "latest", "status"), [
    (5.0, "2023", "on_track"),
    (4.5, "2023", "on_track"),     # |4.5 - 5| = 0.5, the corridor
    (5.6, "2023", "at_risk"),      # 0.6 > 0.5 but not beyond 0.2 + 0.5
    (4.3, "2023", "at_risk"),      # 0.7 = 0.2 + 0.5
    (5.8, "2023", "off_track"),    # 0.8 > 0.7
    (5.6, "2030", "off_track"),    # target year: outside the corridor is off track
    (5.4, "2030", "on_track"),
])
def test_keep(value: float, latest: str, status: str) -> None:
    result = evaluate("keep", 5.0, 2030, 0.5, "2021", 5.2, latest, value)
    assert result is not None
    assert result.path_value == 5.0
    assert result.status == status


def test_latest_period_equal_to_the_base_period_is_on_the_path() -> None:
    result = evaluate("rise", 20.0, 2025, None, "2022", 11.0, "2022", 11.0)
    assert result is not None
    assert (result.status, result.path_value) == ("on_track", 11.0)


@pytest.mark.parametrize(("base", "latest_period", "value"), [
    (None, "2022", 14.0),          # base value missing or suppressed
    (10.0, "2022", None),          # latest value suppressed
    (10.0, None, None),            # no value at all
    (10.0, "2019", 14.0),          # latest period before the base period
    (float("nan"), "2022", 14.0),  # not a number
])
def test_no_status_without_both_values(base: float | None, latest_period: str | None,
                                       value: float | None) -> None:
    assert evaluate("rise", 20.0, 2025, None, "2020", base, latest_period, value) is None


def test_a_target_year_not_after_the_base_period_gives_no_status() -> None:
    assert evaluate("rise", 20.0, 2020, None, "2020", 10.0, "2020", 10.0) is None


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="direction"):
        evaluate("up", 20.0, 2025, None, "2020", 10.0, "2022", 14.0)
