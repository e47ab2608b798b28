"""Index declarations (queries/indices/*.yaml): the shipped ones load, broken ones are
refused with a German message naming file and line, and `cockpit check` reports them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.catalog import load_catalog
from cockpit.cli import cli
from cockpit.indicators.registry import check_registry, load_topics
from cockpit.resources import bundled_dir


@pytest.fixture(scope="module")
def shipped():
    data = bundled_dir("data")
    registry, problems = check_registry(bundled_dir("queries"), load_catalog(data),
                                        load_topics(data))
    return registry, problems


def test_the_shipped_indices_load(shipped) -> None:
    registry, problems = shipped
    assert problems == []
    assert set(registry.indices) == {"sozialraumindex", "bildungsteilhabeindex",
                                     "mss_status", "mss_dynamik", "mss_gesamtindex"}
    hagen = registry.get("sozialraumindex")
    assert hagen.kind == "index" and len(hagen.components) == 10 and len(hagen.classes) == 5
    augsburg = registry.get("bildungsteilhabeindex")
    assert augsburg.method.standardisation == "min_max"
    assert augsburg.method.interval_range == (0.0, 1.0)
    status = registry.get("mss_status")
    assert status.classes == ("hoch", "mittel", "niedrig", "sehr niedrig")
    assert status.method.cutoffs == (-1.0, 1.0, 1.5)
    assert status.method.boundaries == ("upper", "lower", "lower")
    assert status.method.ddof == 1
    assert registry.get("mss_dynamik").change_years == 2
    assert len(registry.get("mss_gesamtindex").classes) == 12
    # Iterating the registry still gives only the SQL indicators (computed from the store).
    assert all(ind.kind == "indicator" for ind in registry)
    assert [i.id for i in registry.everything() if i.kind == "index"]


def test_an_index_is_as_restricted_as_its_most_restricted_component(shipped) -> None:
    registry, _ = shipped
    # Components internal (SGB II, unemployment) and public (residents): internal.
    assert registry.get("mss_status").classification == "internal"
    assert "sgb2" in registry.get("mss_status").datasets
    assert "bevoelkerung" in registry.get("mss_status").datasets


def _queries_with(tmp_path: Path, name: str, edit) -> Path:
    queries = tmp_path / "queries"
    shutil.copytree(bundled_dir("queries"), queries)
    path = queries / "indices" / f"{name}.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return queries


def _problems(queries: Path) -> list[str]:
    data = bundled_dir("data")
    _, problems = check_registry(queries, load_catalog(data), load_topics(data))
    return [str(p) for p in problems]


def _line_of(queries: Path, name: str, text: str) -> int:
    lines = (queries / "indices" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize(("name", "old", "new", "message", "at"), [
    ("mss_status", "indicator: kinderarmut,", "indicator: kinderarmutt,",
     "Komponente 3: unbekannter Indikator 'kinderarmutt'", "kinderarmutt"),
    ("mss_status", "ddof: 1\n", "", "ddof muss bei z_score angegeben werden",
     "standardisation:"),
    ("mss_status", "cutoffs: [-1, 1, 1.5]", "cutoffs: [1, -1, 1.5]",
     "cutoffs müssen streng aufsteigend sein", "cutoffs:"),
    ("mss_status", "classes: [hoch, mittel, niedrig, sehr niedrig]",
     "classes: [hoch, mittel, niedrig]",
     "3 Klassennamen, aber die Klassifikation ergibt 4 Klassen", "classes:"),
    ("mss_status", "boundaries: [upper, lower, lower]", "boundaries: [upper, lower]",
     "boundaries: lower oder upper", "boundaries:"),
    ("mss_status", "direction: positive, weight: 1}\n  - {indicator: sgb2_quote",
     "direction: hoch, weight: 1}\n  - {indicator: sgb2_quote",
     "Komponente 1: direction muss positive", "arbeitslosenquote"),
    ("mss_status", "weight: 1}\n  - {indicator: sgb2_quote",
     "weight: 0}\n  - {indicator: sgb2_quote", "Komponente 1: weight muss eine Zahl > 0",
     "arbeitslosenquote"),
    ("mss_status", "min_population: 300", "min_population: -5",
     "min_population muss eine Zahl ≥ 0 sein", "min_population:"),
    ("mss_status", "kind: status", "kind: status\nfarbe: blau", "unbekanntes Feld 'farbe'",
     "farbe:"),
    ("mss_status", "id: mss_status", "id: mss_statusindex",
     "muss dem Dateinamen 'mss_status' entsprechen", "id:"),
    ("mss_status", "id: mss_status", "id: sgb2_quote", "ist schon ein Indikator", "id:"),
    ("mss_status", "method_note: |", "method_notiz: |", "Pflichtfeld 'method_note' fehlt",
     ""),
    ("mss_dynamik", "change: {years: 2, as: difference}", "change: {years: 0}",
     "ein Dynamikindex braucht change", "change:"),
    ("mss_dynamik", "change: {years: 2, as: difference}", "change: {years: 2, as: faktor}",
     "as muss difference oder percent sein", "change:"),
    ("bildungsteilhabeindex", "  range: [0, 1]", "  range: [1, 0]",
     "range: [von, bis] gibt es nur bei equal_intervals", "range:"),
    ("bildungsteilhabeindex", "method: equal_intervals", "method: jenks",
     "classification braucht method", "method: jenks"),
    ("mss_gesamtindex", "dynamics: mss_dynamik", "dynamics: mss_status",
     "dynamics: 'mss_status' ist kein gültiger Index mit kind: dynamics", "dynamics:"),
    ("mss_gesamtindex", "  - sehr niedrig / negativ\n", "",
     "ein kombinierter Index hat 12 Klassen", "classes:"),
    ("sozialraumindex", "topic: soziales", "topic: sport", "unbekanntes Thema 'sport'",
     "topic:"),
    ("sozialraumindex", "levels: [district, subdistrict]", "levels: district",
     "levels muss eine Liste von Ebenen sein", "levels:"),
])
def test_a_broken_declaration_is_named_with_file_line_and_problem(
        tmp_path: Path, name: str, old: str, new: str, message: str, at: str) -> None:
    queries = _queries_with(tmp_path, name, lambda text: _replace(text, old, new))
    problems = _problems(queries)
    path = queries / "indices" / f"{name}.yaml"
    line = _line_of(queries, name, at)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems), problems


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_not_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    queries = _queries_with(tmp_path, "mss_status", lambda text: text + "\nclasses: [a, b\n")
    problems = _problems(queries)
    assert any("mss_status.yaml" in p and "kein gültiges YAML" in p for p in problems)


def test_a_broken_index_is_not_used(tmp_path: Path) -> None:
    queries = _queries_with(tmp_path, "mss_status",
                            lambda text: text.replace("ddof: 1\n", ""))
    data = bundled_dir("data")
    registry, _ = check_registry(queries, load_catalog(data), load_topics(data))
    assert registry.get("mss_status") is None
    assert registry.get("mss_gesamtindex") is None  # built on it
    assert registry.get("mss_dynamik") is not None


def test_cockpit_check_names_a_broken_index(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert CliRunner().invoke(cli, ["--home", str(home), "init", "--demo"]).exit_code == 0
    ok = CliRunner().invoke(cli, ["--home", str(home), "check"])
    assert ok.exit_code == 0, ok.output
    assert "5 Indizes" in ok.output
    queries = _queries_with(tmp_path, "sozialraumindex", lambda text: text.replace(
        "levels: [district, subdistrict]", "levels: [district, planungsraum]"))
    result = CliRunner().invoke(cli, ["--home", str(home), "check"],
                                env={"COCKPIT_QUERIES_DIR": str(queries)})
    assert result.exit_code == 1
    assert "sozialraumindex.yaml" in result.output
    assert "Ebene 'planungsraum' gibt es im Datenbestand nicht" in result.output
