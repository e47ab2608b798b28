"""`cockpit indicators list`: the indicator catalogue, composite indices included."""

from __future__ import annotations

import json
from typing import Any

import click

from cockpit.cli.main import cli, fail
from cockpit.context import Installation
from cockpit.indicators.model import Indicator
from cockpit.indicators.registry import RegistryError


@cli.group()
def indicators() -> None:
    """Indikatoren anzeigen."""


def describe_row(indicator: Indicator) -> dict[str, Any]:
    """One line of the list: every indicator's sheet fields, and for a composite index
    its kind (status, dynamics, combined), ordered classes and components."""
    row: dict[str, Any] = {
        "id": indicator.id, "kind": indicator.kind, "title": indicator.title_de,
        "title_en": indicator.title_en, "topic": indicator.topic, "unit": indicator.unit,
        "classification": indicator.classification, "direction": indicator.direction,
    }
    if indicator.kind == "index":
        index: Any = indicator
        row["index_kind"] = index.index_kind
        row["classes"] = list(index.classes)  # ascending index value
        row["components"] = ([c.indicator for c in index.components]
                             if index.index_kind != "combined"
                             else [index.status_id, index.dynamics_id])
    return row


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True, help="Als JSON ausgeben.")
@click.pass_obj
def list_indicators(inst: Installation, as_json: bool) -> None:
    """Alle Indikatoren und Indizes mit ID, Art, Titel und Einstufung auflisten
    (Indizes mit ihren geordneten Klassen)."""
    try:
        registry = inst.registry
    except RegistryError as exc:
        fail(f"Indikator-Definitionen fehlerhaft ('cockpit check' zeigt alle):\n{exc}")
    rows = [describe_row(ind) for ind in registry.everything()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        kind = "Index" if r["kind"] == "index" else "Indikator"
        click.echo(f"{r['id']:<{width}}  {kind:<9}  {r['classification']:<10}  {r['title']}")
        if r["kind"] == "index":
            click.echo(f"{'':<{width}}  {'':<9}  Klassen (aufsteigender Indexwert): "
                       f"{', '.join(r['classes'])}")
    indices = sum(1 for r in rows if r["kind"] == "index")
    click.echo(f"{len(rows) - indices} Indikatoren, {indices} Indizes.")
