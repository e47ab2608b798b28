"""`cockpit check`: validate every definition and name file, line and problem."""

from __future__ import annotations

import json

import click

from cockpit.budget import check_produktrahmen
from cockpit.catalog import DefinitionError, undeclared_levels
from cockpit.cli.main import EXIT_BAD_INPUT, EXIT_FAILURE, cli, fail
from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator
from cockpit.indicators.registry import Registry, check_registry
from cockpit.territory.correspondence import check_correspondences
from cockpit.territory.levels import read_levels
from cockpit.views.files import load_view_files
from cockpit.views.known import known_of

AUDIT_ROLES = ("admin", "controlling", "leadership", "district", "committee", "department")


@cli.command()
@click.option("--suppression", is_flag=True,
              help="Geheimhaltung prüfen: kann eine Rolle eine verborgene kleine Fallzahl "
                   "eingrenzen? (lineare Optimierung je Rolle)")
@click.option("--role", type=click.Choice(AUDIT_ROLES), default=None,
              help="Nur diese Rolle prüfen (mit --suppression).")
@click.option("--area", default=None,
              help="Gebiet für die Rolle district, jeder Ebene (Standard: jedes Gebiet mit "
                   "Teilgebieten unterhalb der obersten Ebene nacheinander).")
@click.option("--department", default=None,
              help="Fachbereich für die Rolle department (Standard: jeder nacheinander).")
@click.option("--inequalities", is_flag=True,
              help="Auch Ungleichungen annehmen (Anteil ≤ Nenner, Teilmenge, Summe der "
                   "Geschwister ≤ Nenner), mit --suppression.")
@click.option("--json", "as_json", is_flag=True, help="Ergebnis als JSON (mit --suppression).")
@click.pass_obj
def check(inst: Installation, suppression: bool, role: str | None, area: str | None,
          department: str | None, inequalities: bool, as_json: bool) -> None:
    """Alle Indikator- und Datensatz-Definitionen prüfen (oder mit --suppression die
    Geheimhaltung)."""
    if suppression:
        check_suppression(inst, role, area, department, as_json, inequalities)
        return
    if role or area or department or as_json or inequalities:
        fail("--role, --area, --department, --inequalities und --json gehören zu "
             "--suppression.",
             EXIT_BAD_INPUT)
    try:
        catalog = inst.catalog
        topics = inst.topics
    except (DefinitionError, OSError) as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(EXIT_FAILURE) from exc
    registry, problems = check_registry(inst.settings.queries_dir, catalog, topics)
    # Correspondence tables (old -> new areas): weights, and codes against the territory.
    tables, found = check_correspondences(
        inst.settings.data_dir, inst.area_codes() if inst.store.exists() else None)
    problems += found
    problems += check_produktrahmen(inst.settings.data_dir, catalog.datasets)  # Haushalt
    if inst.store.exists():
        # Rules run against an empty schema; a run on the real data catches the rest.
        conn = inst.store.read()
        problems += undeclared_levels(catalog, read_levels(conn))
        problems += index_level_problems(registry, read_levels(conn).ids)
        for indicator in registry:
            try:
                compute_indicator(conn, indicator, correspondences=tables)
            except Exception as exc:  # noqa: BLE001 - report every failure, don't crash
                problems.append(f"{indicator.path}: Fehler bei der Berechnung: {exc}")
    if inst.store.exists() and not problems:
        problems += index_computation_problems(inst, registry)
    problems += view_file_problems(inst, registry)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} Problem(e) gefunden.", err=True)
        raise SystemExit(EXIT_FAILURE)
    click.echo(f"OK: {len(registry)} Indikatoren, {len(registry.indices)} Indizes und "
               f"{len(catalog.datasets)} Datensätze geprüft.")


def view_file_problems(inst: Installation, registry: Registry) -> list[str]:
    """Every queries/views/*.yaml against the registry (and the snapshot's levels and
    areas when there is one)."""
    levels = areas = None
    if inst.store.exists():
        levels, areas = read_levels(inst.store.read()).ids, inst.area_codes()
    _, found = load_view_files(inst.settings.queries_dir, known_of(registry, levels, areas))
    return [str(problem) for problem in found]


def index_level_problems(registry: Registry, levels: tuple[str, ...]) -> list[str]:
    """Every level an index is computed on is one of the snapshot's levels."""
    return [f"{index.path}: Ebene '{level}' gibt es im Datenbestand nicht (bekannt: "
            f"{', '.join(levels)})"
            for index in registry.indices.values() for level in index.levels
            if level not in levels]


def index_computation_problems(inst: Installation, registry: Registry) -> list[str]:
    """Compute every index on the real data through the gate (as it is served)."""
    from cockpit.access.gate import Gate

    gate = Gate(inst)
    gate.registry = registry
    problems = []
    for index in registry.indices.values():
        try:
            gate._index_parts(index)
        except Exception as exc:  # noqa: BLE001 - report every failure, don't crash
            problems.append(f"{index.path}: Fehler bei der Berechnung: {exc}")
    return problems


def check_suppression(inst: Installation, role: str | None, area: str | None,
                      department: str | None, as_json: bool,
                      inequalities: bool = False) -> None:
    """Audit the suppression for every role; exit 1 when any hidden small count is weak."""
    from cockpit.access.audit import audit_suppression, default_roles
    from cockpit.access.errors import BadParameter, NotFound
    from cockpit.access.gate import Gate

    if not inst.store.exists():
        fail("Es gibt noch keinen Datenbestand (zuerst cockpit init oder cockpit load).",
             EXIT_BAD_INPUT)
    gate = Gate(inst)
    try:
        if area is not None:
            gate.check_area(area)
        if department is not None and department not in inst.catalog.departments:
            raise BadParameter(f"Unbekannter Fachbereich „{department}“ (bekannt: "
                               f"{', '.join(sorted(inst.catalog.departments))}).")
        roles = default_roles(gate, role=role, area=area, department=department)
        report = audit_suppression(gate, roles, inequalities=inequalities)
    except (BadParameter, NotFound) as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for weak in report.weak:
            click.echo(f"SCHWACH {weak.describe()}")
        relations = ", ".join(f"{name}: {n}" for name, n in report.relations.items())
        click.echo(f"Rollen: {', '.join(report.roles)}")
        click.echo(f"Beziehungen: {relations}")
        click.echo(f"{report.checked} verborgene kleine Fallzahlen geprüft, "
                   f"{report.linear_programs} lineare Programme, {report.seconds:.1f} s.")
    if report.weak:
        click.echo(f"{len(report.weak)} schwach geschützte Zelle(n) gefunden.", err=True)
        raise SystemExit(EXIT_FAILURE)
    if not as_json:
        click.echo("OK: keine verborgene kleine Fallzahl lässt sich eingrenzen.")
