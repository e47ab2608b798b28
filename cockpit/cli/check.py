"""`cockpit check`: validate every definition and name file, line and problem."""

from __future__ import annotations

import click

from cockpit.catalog import DefinitionError
from cockpit.cli.main import EXIT_FAILURE, cli
from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.indicators.registry import check_registry


@cli.command()
@click.pass_obj
def check(inst: Installation) -> None:
    """Alle Indikator- und Datensatz-Definitionen prüfen."""
    try:
        catalog = inst.catalog
        topics = inst.topics
    except (DefinitionError, OSError) as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(EXIT_FAILURE) from exc
    registry, problems = check_registry(inst.settings.queries_dir, catalog, topics)
    if inst.store.exists():
        # Rules run against an empty schema; a run on the real data catches the rest.
        conn = inst.store.read()
        for indicator in registry:
            try:
                compute_indicator(conn, indicator)
            except Exception as exc:  # noqa: BLE001 - report every failure, don't crash
                problems.append(f"{indicator.path}: Fehler bei der Berechnung: {exc}")
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} Problem(e) gefunden.", err=True)
        raise SystemExit(EXIT_FAILURE)
    click.echo(f"OK: {len(registry)} Indikatoren und {len(catalog.datasets)} Datensätze geprüft.")
