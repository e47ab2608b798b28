"""Musterstadt's budget by Produktgruppe agrees with its Produktbereich totals."""

from __future__ import annotations

import pandas as pd
import pytest

from cockpit.demo.budget import budget_rows, split
from cockpit.demo.generator import LAST_CLOSED_BUDGET_YEAR, YEARS, generate_observations
from cockpit.store.schema import OBSERVATION_COLUMNS


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return pd.DataFrame(generate_observations("00"), columns=list(OBSERVATION_COLUMNS))


def test_split_gives_whole_euros_that_add_up() -> None:
    assert split(1000.0, [1, 1, 1]) == [334, 333, 333]
    assert split(0.0, [1, 2]) == [0, 0]
    assert sum(split(12_345_678.0, [0.3, 0.2, 0.5])) == 12_345_678


def test_produktgruppen_add_up_to_the_produktbereich_totals(observations) -> None:
    groups = observations[observations["dataset_id"] == "haushalt"]
    totals = observations[observations["dataset_id"].isin(
        ["haushalt_ergebnis", "haushalt_finanz"])]
    by_bereich = (groups.assign(pb=groups["category"].str[:2])
                  .groupby(["period", "pb", "measure", "variant"])["value"].sum())
    old = totals.assign(pb=totals["category"].str[2:],
                        variant=totals["variant"].map({"plan": "ansatz", "ist": "ergebnis"}))
    expected = old.groupby(["period", "pb", "measure", "variant"])["value"].sum()
    joined = pd.concat([expected, by_bereich], axis=1, keys=["old", "new"], join="inner")
    assert len(joined) == len(expected)  # every plan and actual total is covered
    assert (joined["old"] == joined["new"]).all()


def test_shape_of_the_demo_budget(observations) -> None:
    groups = observations[observations["dataset_id"] == "haushalt"]
    assert set(groups["category"].str[:2]) == {f"{n:02d}" for n in range(1, 18)}
    assert set(groups["period"]) == {str(y) for y in YEARS}
    assert (groups["value"] >= 0).all()
    actual = groups[groups["variant"] == "ergebnis"]
    assert max(actual["period"]) == str(LAST_CLOSED_BUDGET_YEAR)  # the last year is open
    plan = groups.pivot_table(index=["period", "category", "measure"], columns="variant",
                              values="value")
    # Carry-overs raise the spending authorisations, never lower them; income keeps its
    # Ansatz; investments flow out well below their fortgeschriebener Ansatz.
    assert (plan["fortgeschrieben"] >= plan["ansatz"]).all()
    income = plan.xs("ertraege", level="measure")
    assert (income["fortgeschrieben"] == income["ansatz"]).all()
    invest = plan.xs("auszahlungen_invest", level="measure").dropna()
    assert invest["ergebnis"].sum() < 0.85 * invest["fortgeschrieben"].sum()


def test_budget_rows_are_deterministic(observations) -> None:
    totals = [tuple(r) for r in observations[observations["dataset_id"].isin(
        ["haushalt_ergebnis", "haushalt_finanz"])].itertuples(index=False)]
    assert list(budget_rows(totals)) == list(budget_rows(totals))
