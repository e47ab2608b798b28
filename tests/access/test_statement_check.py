"""Hand-written Kernaussagen must not cite a value that suppression hides (demo data:
hze_stationaer_je_1000_unter_21, Stadtteile, 2024 has hidden cells)."""

from __future__ import annotations

import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.statement_check import Citation, cited_secrets
from cockpit.app.formatting import format_number

INDICATOR, LEVEL, PERIOD = "hze_stationaer_je_1000_unter_21", "subdistrict", "2024"
CONTROLLING = Viewer("controlling", "controlling")


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.fixture(scope="module")
def cells(gate: Gate):
    shown = gate.values(CONTROLLING, INDICATOR, level=LEVEL, period=PERIOD)
    raw = gate.values(Viewer("controlling", "controlling", raw=True), INDICATOR,
                      level=LEVEL, period=PERIOD)
    merged = shown[["area_code", "area_name", "suppressed"]].merge(
        raw[["area_code", "value", "numerator", "denominator"]], on="area_code")
    hidden, visible = merged[merged["suppressed"]], merged[~merged["suppressed"]]
    assert len(hidden) >= 2 and len(visible) >= 2  # the demo's fixture property
    return hidden, visible


def _check(gate: Gate, text: str, viewer: Viewer = CONTROLLING) -> list[Citation]:
    return cited_secrets(gate, viewer, INDICATOR, LEVEL, PERIOD, text)


def test_a_hidden_count_next_to_its_area_is_a_citation(gate: Gate, cells) -> None:
    hidden, _ = cells
    row = hidden.iloc[0]
    count = int(row.numerator)
    text = f"In {row.area_name} wurden 2024 nur {count} junge Menschen stationär betreut."
    assert _check(gate, text) == [Citation(str(count), row.area_name)]


def test_a_hidden_rate_is_found_at_the_precision_written(gate: Gate, cells) -> None:
    hidden, visible = cells
    row = hidden.iloc[-1]
    written = format_number(float(row.value), 1)  # German: decimal comma
    assert "," in written
    if any(round(v, 1) == round(float(row.value), 1) for v in visible["value"]):
        pytest.skip("a shown value has the same rounded rate")
    # Without the area's name: a rate with decimals is specific enough on its own.
    assert _check(gate, f"Der niedrigste Wert liegt bei {written} je 1.000.") == [
        Citation(written, "")]


def test_the_area_code_counts_as_naming_it(gate: Gate, cells) -> None:
    hidden, _ = cells
    row = hidden.iloc[0]
    assert _check(gate, f"Gebiet {row.area_code}: {int(row.numerator)} Fälle")


def test_shown_figures_whole_numbers_without_a_name_and_years_pass(gate: Gate, cells) -> None:
    hidden, visible = cells
    shown = visible.iloc[0]
    assert _check(gate, f"In {shown.area_name} waren es {int(shown.numerator)} Fälle.") == []
    # A small whole number without an area name is far too common to refuse.
    assert _check(gate, f"In {int(hidden.iloc[0].numerator)} Stadtteilen stieg der Wert "
                        "seit 2020.") == []
    assert _check(gate, "Keine Zahl, nur Text über " + hidden.iloc[0].area_name) == []


def test_a_thousands_separated_base_of_a_hidden_cell_is_a_citation(gate: Gate, cells) -> None:
    hidden, _ = cells
    row = hidden.iloc[0]
    base = format_number(float(row.denominator), 0)
    assert _check(gate, f"{row.area_name} hat {base} Einwohner unter 21.") == [
        Citation(base, row.area_name)]


def test_roles_without_raw_values_get_no_check_and_no_raw_view(gate: Gate, cells) -> None:
    hidden, _ = cells
    row = hidden.iloc[0]
    committee = Viewer("ausschuss", "committee")
    assert _check(gate, f"{row.area_name}: {int(row.numerator)}", committee) == []
