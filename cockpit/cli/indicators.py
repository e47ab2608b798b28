"""`cockpit indicators list`: the indicator catalogue."""

from __future__ import annotations

import json

import click

from cockpit.cli.main import cli, fail
from cockpit.context import Installation
from cockpit.indicators.registry import RegistryError


@cli.group()
def indicators() -> None:
    """Indikatoren anzeigen."""


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True, help="Als JSON ausgeben.")
@click.pass_obj
def list_indicators(inst: Installation, as_json: bool) -> None:
    """Alle Indikatoren mit ID, Titel und Einstufung auflisten."""
    try:
        registry = inst.registry
    except RegistryError as exc:
        fail(f"Indikator-Definitionen fehlerhaft ('cockpit check' zeigt alle):\n{exc}")
    rows = [
        {"id": ind.id, "title": ind.title_de, "title_en": ind.title_en, "topic": ind.topic,
         "unit": ind.unit, "classification": ind.classification, "direction": ind.direction}
        for ind in registry
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['classification']:<10}  {r['title']}")
    click.echo(f"{len(rows)} Indikatoren.")
