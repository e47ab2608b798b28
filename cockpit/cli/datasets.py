"""`cockpit datasets list`: what each dataset is and what a delivery must contain."""

from __future__ import annotations

import json

import click

from cockpit.catalog import DefinitionError
from cockpit.cli.main import cli, fail
from cockpit.context import Installation


@cli.group()
def datasets() -> None:
    """Datensätze anzeigen."""


@datasets.command("list")
@click.option("--json", "as_json", is_flag=True, help="Als JSON ausgeben.")
@click.pass_obj
def list_datasets(inst: Installation, as_json: bool) -> None:
    """Datensätze mit Einstufung, Fachbereich und Pflichtspalten auflisten."""
    try:
        catalog = inst.catalog
    except DefinitionError as exc:
        fail(str(exc))
    rows = [
        {"id": d.id, "title": d.title, "classification": d.classification,
         "department": d.department, "source": d.source, "unit": d.unit,
         "period_type": d.period_type, "key_date": d.key_date_text() or None,
         "columns": d.delivery_columns()}
        for d in catalog.datasets.values()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        columns = ", ".join(c["name"] for c in r["columns"])
        click.echo(f"{r['id']:<18} {r['classification']:<10} {r['department']:<10} "
                   f"{r['title']}\n{'':<18} Spalten: {columns}")
