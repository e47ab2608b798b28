"""The registry accepts the real indicator folder and rejects each kind of broken file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cockpit.catalog import load_catalog
from cockpit.indicators.registry import RegistryError, check_registry, load_registry, load_topics
from cockpit.resources import bundled_dir

DATA = bundled_dir("data")
CATALOG = load_catalog(DATA)
TOPICS = load_topics(DATA)

GOOD = """/*
id: {id}
title_de: Testquote
title_en: Test rate
description: Eine Testquote.
unit: "%"
topic: soziales
direction: lower_is_better
classification: internal
aggregation: ratio
factor: 100
numerator: Zähler
denominator: Nenner
source: Test
update_cycle: jährlich
datasets: [sgb2, bevoelkerung]
parameters: [period]
*/
SELECT area_code, period, 1.0 AS value, 1.0 AS numerator, 2.0 AS denominator
FROM observations
WHERE dataset_id = 'sgb2' AND ($period IS NULL OR period = $period)
"""


def _check(tmp_path: Path, text: str, name: str = "test_quote") -> list[str]:
    folder = tmp_path / "queries" / "soziales"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.sql").write_text(text, encoding="utf-8")
    _, problems = check_registry(tmp_path / "queries", CATALOG, TOPICS)
    return [str(p) for p in problems]


def test_the_real_queries_folder_is_valid() -> None:
    registry = load_registry(bundled_dir("queries"), CATALOG, TOPICS)
    assert len(registry) >= 30
    assert {ind.topic for ind in registry} >= {
        "demografie", "soziales", "fruehkindliche_bildung", "schule", "berufliche_bildung",
        "weiterbildung", "jugend", "finanzen",
    }


def test_every_indicator_is_documented() -> None:
    for ind in load_registry(bundled_dir("queries"), CATALOG, TOPICS):
        assert ind.description and ind.unit and ind.source and ind.numerator, ind.id
        assert ind.path.stem == ind.id
        if ind.aggregation == "ratio":
            assert ind.denominator, ind.id


def test_a_good_file_passes(tmp_path: Path) -> None:
    assert _check(tmp_path, GOOD.format(id="test_quote")) == []


BROKEN = {
    "missing field": (GOOD.replace("source: Test\n", ""), r"Pflichtfeld 'source'"),
    "unknown classification": (
        GOOD.replace("classification: internal", "classification: geheim"),
        r"unbekannter Wert 'geheim' für 'classification'"),
    "weaker than its data": (
        GOOD.replace("datasets: [sgb2, bevoelkerung]", "datasets: [hze]"),
        r"schwächer als die des Datensatzes 'hze'"),
    "unknown dataset": (GOOD.replace("[sgb2, bevoelkerung]", "[sgb3]"),
                        r"unbekannter Datensatz 'sgb3'"),
    "sql error": (GOOD.replace("FROM observations", "FROM observationz"),
                  r"SQL-Fehler: .*observationz"),
    "wrong columns": (GOOD.replace("2.0 AS denominator", "2.0 AS nenner"),
                      r"erwartet werden genau"),
    "missing column": (GOOD.replace(", 2.0 AS denominator", ""), r"erwartet werden genau"),
    "id differs from file name": (GOOD.format(id="other"), r"id 'other' muss dem Dateinamen"),
    "undeclared parameter": (GOOD.replace("parameters: [period]\n", ""),
                             r"'\$period' wird im SQL benutzt"),
    "unknown parameter": (GOOD.replace("[period]", "[period, area]"),
                          r"Parameter 'area' ist unbekannt"),
    "no header": ("SELECT 1", r"Kopfblock fehlt"),
    "unclosed header": ("/* id: x\nSELECT 1", r"nicht mit \*/ geschlossen"),
    "bad yaml": (GOOD.replace("unit: \"%\"", "unit: [unclosed"), r"kein gültiges YAML"),
    "ratio without denominator": (GOOD.replace("denominator: Nenner\n", ""),
                                  r"'ratio' braucht das Feld 'denominator'"),
    "unknown field": (GOOD.replace("source: Test", "source: Test\nsorce: Tippfehler"),
                      r"unbekanntes Feld 'sorce'"),
    "bad min_count": (GOOD.replace("factor: 100", "factor: 100\nmin_count: 0"),
                      r"min_count muss eine ganze Zahl ab 1"),
    "bad range": (GOOD.replace("factor: 100", "factor: 100\nrange: [100, 0]"),
                  r"range muss \[min, max\]"),
    "unknown topic": (GOOD.replace("topic: soziales", "topic: sport"),
                      r"unbekannter Wert 'sport' für 'topic'"),
    "period cast to a number": (
        GOOD.replace("WHERE dataset_id", "WHERE CAST(period AS INTEGER) > 2000 AND dataset_id"),
        r"SQL rechnet mit dem Zeitraum als Zahl \(CAST\(period AS INTEGER\)\); Zeiträume "
        r"sind Text \(2024, 2024-H1, 2024-Q3, 2024-06\)"),
    "period arithmetic": (
        GOOD.replace("WHERE dataset_id", "WHERE o.period::INT - 1 > 0 AND dataset_id")
            .replace("FROM observations", "FROM observations o"),
        r"als Zahl \(period::INT\)"),
}


def test_period_text_functions_are_fine(tmp_path: Path) -> None:
    # left(period, 4) as a number is the year, valid for every period type.
    text = GOOD.format(id="test_quote").replace(
        "WHERE dataset_id", "WHERE CAST(left(period, 4) AS INTEGER) > 2000 AND dataset_id")
    assert _check(tmp_path, text) == []


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_files_are_rejected_with_file_and_problem(tmp_path: Path, kind: str) -> None:
    text, expected = BROKEN[kind]
    if "{id}" in text:
        text = text.format(id="test_quote")
    problems = _check(tmp_path, text)
    assert problems, kind
    assert any(re.search(expected, p) for p in problems), problems
    # every message names the file and a line number
    assert all(re.match(r".*test_quote\.sql:\d+: ", p) for p in problems), problems


def test_problem_lines_point_into_the_file(tmp_path: Path) -> None:
    text = GOOD.format(id="test_quote").replace("classification: internal",
                                                "classification: geheim")
    (problem,) = _check(tmp_path, text)
    line = int(problem.split(".sql:")[1].split(":")[0])
    assert text.splitlines()[line - 1] == "classification: geheim"


def test_sql_error_line_points_to_the_sql(tmp_path: Path) -> None:
    text = GOOD.format(id="test_quote").replace("FROM observations", "FROM observationz")
    (problem,) = _check(tmp_path, text)
    line = int(problem.split(".sql:")[1].split(":")[0])
    assert "observationz" in text.splitlines()[line - 1]


def test_duplicate_ids_in_two_folders_are_rejected(tmp_path: Path) -> None:
    _check(tmp_path, GOOD.format(id="test_quote"))
    other = tmp_path / "queries" / "jugend"
    other.mkdir()
    (other / "test_quote.sql").write_text(GOOD.format(id="test_quote"), encoding="utf-8")
    _, problems = check_registry(tmp_path / "queries", CATALOG, TOPICS)
    assert any("doppelt" in str(p) for p in problems)


def test_load_registry_raises_naming_every_broken_file(tmp_path: Path) -> None:
    _check(tmp_path, "SELECT 1", name="first_broken")
    _check(tmp_path, GOOD.format(id="wrong"), name="second_broken")
    with pytest.raises(RegistryError) as err:
        load_registry(tmp_path / "queries", CATALOG, TOPICS)
    assert "first_broken.sql" in str(err.value)
    assert "second_broken.sql" in str(err.value)


def test_an_empty_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "queries").mkdir()
    _, problems = check_registry(tmp_path / "queries", CATALOG, TOPICS)
    assert problems


def test_derived_from_must_name_existing_indicators(tmp_path: Path) -> None:
    derived = GOOD.replace("parameters: [period]", "derived_from: [gibt_es_nicht]\n"
                                                   "parameters: [period]")
    problems = _check(tmp_path, derived.format(id="test_quote"))
    assert any("derived_from: unbekannter Indikator 'gibt_es_nicht'" in p for p in problems)
    ok = GOOD.replace("parameters: [period]", "derived_from: [basis]\nparameters: [period]")
    _check(tmp_path, GOOD.format(id="basis"), name="basis")
    assert _check(tmp_path, ok.format(id="test_quote")) == []


def test_derived_from_must_be_a_list_of_other_ids(tmp_path: Path) -> None:
    for value, message in (("einwohner", "Liste von Indikator-IDs"),
                           ("[test_quote]", "nicht den Indikator selbst")):
        text = GOOD.replace("parameters: [period]", f"derived_from: {value}\n"
                                                    "parameters: [period]")
        assert any(message in p for p in _check(tmp_path, text.format(id="test_quote")))


def test_bevoelkerungsentwicklung_is_derived_from_einwohner() -> None:
    registry = load_registry(bundled_dir("queries"), CATALOG, TOPICS)
    assert registry.get("bevoelkerungsentwicklung").derived_from == ("einwohner",)
