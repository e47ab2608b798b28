"""`cockpit indicators list` lists composite indices beside the indicators: kind
"index", their index kind and ordered classes, as text and as JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cockpit.cli import cli


def _run(demo, *args: str):
    return CliRunner().invoke(cli, ["--home", str(demo.settings.home), "indicators",
                                    "list", *args])


def test_json_lists_indices_with_kind_and_ordered_classes(demo) -> None:
    result = _run(demo, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by_id = {r["id"]: r for r in rows}
    assert by_id["sgb2_quote"]["kind"] == "indicator"
    assert "classes" not in by_id["sgb2_quote"]
    status = by_id["mss_status"]
    assert status["kind"] == "index"
    assert status["index_kind"] == "status"
    assert status["classes"] == ["hoch", "mittel", "niedrig", "sehr niedrig"]
    assert status["components"] == ["arbeitslosenquote", "sgb2_quote", "kinderarmut"]
    combined = by_id["mss_gesamtindex"]
    assert combined["index_kind"] == "combined"
    assert combined["components"] == ["mss_status", "mss_dynamik"]
    assert len(combined["classes"]) == 12
    indices = {r["id"] for r in rows if r["kind"] == "index"}
    assert indices == set(demo.registry.indices)
    # every id once, indices after the indicators of their topic
    assert len(rows) == len(by_id) == len(demo.registry) + len(demo.registry.indices)


def test_text_marks_indices_and_names_their_classes(demo) -> None:
    result = _run(demo)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    status = next(i for i, line in enumerate(lines) if line.startswith("mss_status "))
    assert "Index" in lines[status].split()
    assert lines[status + 1].strip() == ("Klassen (aufsteigender Indexwert): hoch, mittel, "
                                         "niedrig, sehr niedrig")
    sgb2 = next(line for line in lines if line.startswith("sgb2_quote "))
    assert "Indikator" in sgb2.split()
    n = len(demo.registry)
    assert lines[-1] == f"{n} Indikatoren, {len(demo.registry.indices)} Indizes."
