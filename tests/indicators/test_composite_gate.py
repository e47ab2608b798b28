"""Composite indices through the gate: the same numbers as the pure computation,
suppressed components unreadable through the index, the classification of the most
restricted component, the population threshold, and one computation per data version."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from cockpit.access.errors import AccessDenied, NotFound
from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer
from cockpit.indicators.composite import UNCLASSIFIED_DE, Method, compute_index
from cockpit.indicators.index_spec import load_indices
from cockpit.indicators.registry import Registry

TEST_INDICES = {
    # Includes school leavers without a certificate, suppressed in many Stadtteile.
    "test_schule": """
id: test_schule
kind: status
title_de: Testindex Schule
title_en: Test index school
description: Test.
topic: schule
direction: lower_is_better
levels: [district, subdistrict]
components:
  - {indicator: abgaenger_ohne_abschluss, direction: positive}
  - {indicator: sgb2_quote, direction: positive, weight: 2}
standardisation: z_score
ddof: 0
aggregation: weighted_sum
restandardise: z_score
classification: {method: fixed, cutoffs: [-1, 1], boundaries: [upper, lower]}
classes: [gering, mittel, hoch]
reference: {min_population: 300, population: einwohner}
method_note: Test.
source: Test.
update_cycle: jährlich
""",
    # A restricted component (Hilfen zur Erziehung, Jugendamt) makes the index restricted.
    "test_hze": """
id: test_hze
kind: status
title_de: Testindex HzE
title_en: Test index HzE
description: Test.
topic: jugend
direction: lower_is_better
levels: [subdistrict]
components:
  - {indicator: hze_je_1000_unter_21, direction: positive}
  - {indicator: einwohner, direction: negative}
standardisation: z_score
ddof: 1
restandardise: none
classification: {method: quantiles, boundaries: lower}
classes: [unten, oben]
method_note: Test.
source: Test.
update_cycle: jährlich
""",
    # Only areas with at least 10,000 residents are ranked.
    "test_gross": """
id: test_gross
kind: status
title_de: Testindex große Gebiete
title_en: Test index large areas
description: Test.
topic: soziales
direction: lower_is_better
levels: [subdistrict]
components:
  - {indicator: sgb2_quote, direction: positive}
standardisation: z_score
ddof: 0
classification: {method: fixed, cutoffs: [0]}
classes: [unter, über]
reference: {min_population: 10000, population: einwohner}
method_note: Test.
source: Test.
update_cycle: jährlich
""",
}

ADMIN = Viewer("a", "admin")
CONTROLLING = Viewer("c", "controlling")
LEADERSHIP = Viewer("l", "leadership")
COMMITTEE = Viewer("k", "committee")


@pytest.fixture(scope="module")
def registry(demo, tmp_path_factory: pytest.TempPathFactory) -> Registry:
    queries = tmp_path_factory.mktemp("queries")
    (queries / "indices").mkdir()
    for name, text in TEST_INDICES.items():
        (queries / "indices" / f"{name}.yaml").write_text(text, encoding="utf-8")
    for path in Path(demo.settings.queries_dir, "indices").glob("*.yaml"):
        (queries / "indices" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    indices, problems = load_indices(queries, demo.registry.indicators, demo.registry.topics)
    assert problems == []
    return Registry(demo.registry.indicators, demo.registry.topics, indices)


def _gate(demo, registry: Registry) -> Gate:
    gate = Gate(demo)
    gate.registry = registry
    return gate


@pytest.fixture(scope="module")
def gate(demo, registry: Registry) -> Gate:
    return _gate(demo, registry)


def _district_viewer(gate: Gate) -> Viewer:
    areas = gate.areas(CONTROLLING, "district")
    return Viewer("d", "district", area_code=str(areas["code"].iloc[0]))


def test_gate_serves_the_pure_computation(gate: Gate) -> None:
    index = gate.registry.get("mss_status")
    rows = gate.index_rows(CONTROLLING, "mss_status", level="subdistrict", period="2024")
    codes = [r.area_code for r in rows]
    values = []
    for component in ("arbeitslosenquote", "sgb2_quote", "kinderarmut"):
        frame = gate.values(CONTROLLING, component, level="subdistrict", period="2024")
        values.append(frame.set_index("area_code").loc[codes, "value"].to_numpy())
    population = gate.values(CONTROLLING, "einwohner", level="subdistrict", period="2024")
    expected = compute_index(index.method, np.column_stack(values),
                             population.set_index("area_code").loc[codes, "value"].to_numpy())
    assert [r.value for r in rows] == pytest.approx(expected.value.tolist(), abs=0)
    assert [r.label for r in rows] == [index.classes[k] for k in expected.klass]
    assert isinstance(index.method, Method) and index.method.ddof == 1


def test_an_index_is_listed_with_its_kind(gate: Gate) -> None:
    listed = {ind.id: ind for ind in gate.visible_indicators(COMMITTEE)}
    assert listed["mss_status"].kind == "index"
    assert listed["sgb2_quote"].kind == "indicator"
    assert "test_hze" not in listed  # restricted: a committee does not learn it exists
    assert gate.levels(CONTROLLING, "mss_status") == ["district", "subdistrict"]
    assert gate.periods(CONTROLLING, "mss_dynamik")[0] == "2014"  # 2012 + two years
    assert gate.periods(CONTROLLING, "mss_status")[0] == "2012"


def test_a_suppressed_component_leaves_the_area_unclassified(gate: Gate) -> None:
    hidden = gate.values(LEADERSHIP, "abgaenger_ohne_abschluss", level="subdistrict",
                         period="2024")
    hidden_codes = set(hidden.loc[hidden["suppressed"], "area_code"])
    assert hidden_codes  # the demo has suppressed school leaver counts
    rows = gate.index_rows(LEADERSHIP, "test_schule", level="subdistrict", period="2024")
    for row in rows:
        if row.area_code in hidden_codes:
            assert row.suppressed and row.value is None and row.klass == -1
            assert row.label == UNCLASSIFIED_DE
            assert row.reason == "Komponente unterliegt der Geheimhaltung"
        else:
            assert not row.suppressed and row.value is not None and row.klass >= 0
    breakdown = gate.index_breakdown(LEADERSHIP, "test_schule", sorted(hidden_codes)[0],
                                     "2024")
    assert breakdown["value"] is None
    assert all(c["standardised"] is None for c in breakdown["components"])


def _visible_outputs(gate: Gate, index_id: str, viewers: list[Viewer]) -> list:
    out = []
    for viewer in viewers:
        rows = gate.index_rows(viewer, index_id, all_periods=True)
        out.append(rows)
        for row in rows[:: max(1, len(rows) // 40)]:  # a sample of breakdowns
            out.append(gate.index_breakdown(viewer, index_id, row.area_code, row.period))
    return out


def test_changing_a_suppressed_value_changes_no_visible_index_output(demo,
                                                                     registry: Registry) -> None:
    viewers = [CONTROLLING, LEADERSHIP, COMMITTEE]
    plain = _gate(demo, registry)
    viewers.append(_district_viewer(plain))
    before = _visible_outputs(plain, "test_schule", viewers)
    altered = _gate(demo, registry)
    source = plain._table(registry.get("abgaenger_ohne_abschluss"))
    table = copy.copy(source)
    table.numbers = dict(source.numbers)
    hidden = source.suppressed
    assert hidden.sum() > 10
    values = source.numbers["value"].copy()
    values[hidden] = np.where(np.isnan(values[hidden]), 1.0, values[hidden] * 50.0 + 7.0)
    table.numbers["value"] = values
    altered._sync()
    altered._tables["abgaenger_ohne_abschluss"] = table
    after = _visible_outputs(altered, "test_schule", viewers)
    assert before == after
    # The index did read the altered table: a visible value changed there changes it.
    values[~hidden] += np.linspace(0, 1, int((~hidden).sum()))
    changed = _gate(demo, registry)
    changed._sync()
    changed._tables["abgaenger_ohne_abschluss"] = table
    assert _visible_outputs(changed, "test_schule", viewers) != before


def test_a_restricted_component_restricts_the_index(gate: Gate, demo) -> None:
    index = gate.registry.get("test_hze")
    assert index.classification == "restricted"
    with pytest.raises(NotFound):
        gate.index_rows(COMMITTEE, "test_hze")
    assert gate.index_rows(Viewer("j", "department", department="jugendamt"), "test_hze")
    with pytest.raises(NotFound):
        gate.index_rows(Viewer("s", "department", department="schulamt"), "test_hze")
    district = _district_viewer(gate)
    own = {district.area_code} | set(gate.areas_info().descendants[district.area_code])
    rows = gate.index_rows(district, "test_hze", all_periods=True)
    assert rows and {r.area_code for r in rows} <= own
    other = gate.areas(CONTROLLING, "subdistrict")
    outside = next(c for c in other["code"] if c not in own)
    with pytest.raises(AccessDenied):
        gate.index_rows(district, "test_hze", area=outside)
    with pytest.raises(AccessDenied):
        gate.index_breakdown(district, "test_hze", outside)


def test_areas_below_the_population_threshold_are_not_ranked(gate: Gate) -> None:
    rows = gate.index_rows(CONTROLLING, "test_gross", level="subdistrict", period="2024")
    residents = gate.values(CONTROLLING, "einwohner", level="subdistrict", period="2024")
    large = set(residents.loc[residents["value"] >= 10000, "area_code"])
    assert 2 <= len(large) < len(rows)
    for row in rows:
        if row.area_code in large:
            assert row.klass >= 0
        else:
            assert (row.klass, row.label, row.value, row.suppressed) == (
                -1, UNCLASSIFIED_DE, None, False)
            assert row.reason.startswith("Einwohnerzahl unter der Mindestgröße")
    some = next(iter(large))
    assert gate.index_breakdown(CONTROLLING, "test_gross", some, "2024")[
        "reference_areas"] == len(large)
    # Only the large areas form the reference set: their z-scores have mean 0.
    values = [r.value for r in rows if r.value is not None]
    assert np.mean(values) == pytest.approx(0, abs=1e-12)


def test_combined_classes_cross_status_and_dynamics(gate: Gate) -> None:
    combined = gate.index_rows(CONTROLLING, "mss_gesamtindex", level="subdistrict",
                               period="2024")
    status = {r.area_code: r for r in gate.index_rows(
        CONTROLLING, "mss_status", level="subdistrict", period="2024")}
    dynamics = {r.area_code: r for r in gate.index_rows(
        CONTROLLING, "mss_dynamik", level="subdistrict", period="2024")}
    assert combined
    for row in combined:
        assert row.label == f"{status[row.area_code].label} / {dynamics[row.area_code].label}"
        assert row.value == row.klass + 1


def test_computed_once_per_data_version(demo, registry: Registry, monkeypatch) -> None:
    from cockpit.access import index_values

    calls = []
    real = index_values.compute_details
    monkeypatch.setattr(index_values, "compute_details",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    gate = _gate(demo, registry)
    first = gate.index_rows(CONTROLLING, "sozialraumindex")  # the latest period alone
    assert gate.index_rows(LEADERSHIP, "sozialraumindex") == first
    assert len(calls) == 1
    gate.index_rows(CONTROLLING, "sozialraumindex", all_periods=True)  # the whole index
    gate.index_rows(LEADERSHIP, "sozialraumindex", all_periods=True)
    gate.index_rows(LEADERSHIP, "sozialraumindex", period="2020")  # the whole one answers
    assert len(calls) == 2
    # A new publish: what was computed for the older version is not used again.
    gate._index_cache = {k: ("an older version", v) for k, (_, v) in
                         gate._index_cache.items()}
    gate._index_period_cache = {k: ("an older version", v) for k, (_, v) in
                                gate._index_period_cache.items()}
    gate.index_rows(CONTROLLING, "sozialraumindex")
    assert len(calls) == 3
