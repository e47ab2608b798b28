"""`cockpit init`: the demo store with one user per role, or a real municipality's empty
store with its declared levels (and, from a territory file, its areas)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cockpit.appdb import AppDatabaseError, audit, create_demo_users, list_users, remove_user
from cockpit.appdb.users import DEMO_PREFIX
from cockpit.catalog import DefinitionError
from cockpit.cli.load import os_user
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.territory.levels import LevelError, Levels, parse_levels_option, write_levels
from cockpit.territory.spec import ImportSpec
from cockpit.territory.territory_file import (
    Territory,
    TerritoryEntry,
    TerritoryError,
    read_territory,
)

# The demo binds its district user to Mitte and its department user to the
# Jugendamt, whose HzE data is restricted, so both scopes can be tried out.
DEMO_DISTRICT = "01"
DEMO_DEPARTMENT = "jugendamt"
LOGINS_FILE = "demo-logins.txt"


def ensure_writable_home(inst: Installation) -> None:
    """Create COCKPIT_HOME or fail with a clear message if that is impossible."""
    home = inst.settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        fail(f"Datenverzeichnis {home} ist nicht beschreibbar ({exc.strerror}).")


def build_demo(inst: Installation) -> list[tuple[str, str, str]]:
    """Publish the demo store and (re)create demo users; return (user, role, password)."""
    try:
        catalog = inst.catalog
    except DefinitionError as exc:
        fail(f"Datensatz-Definitionen fehlerhaft: {exc}")
    click.echo("Baue Demodaten für Musterstadt …", err=True)
    try:
        version = build_demo_store(inst.store, catalog)
    except PermissionError as exc:
        fail(str(exc))
    click.echo(f"Datenstand {version} veröffentlicht.", err=True)
    try:
        with inst.app_db() as conn:
            created = create_demo_users(conn, district_area=DEMO_DISTRICT,
                                        department=DEMO_DEPARTMENT)
    except AppDatabaseError as exc:
        fail(str(exc))
    logins = [(user.name, user.role, password) for user, password in created]
    _write_logins_file(inst, logins)
    return logins


def _write_logins_file(inst: Installation, logins: list[tuple[str, str, str]]) -> None:
    path = inst.settings.home / LOGINS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# Demo-Zugänge (nur für die Demo-Installation)\n")
        for name, role, password in logins:
            fh.write(f"{name}\t{role}\t{password}\n")


# Who each demo login stands for, so a first visitor knows whose view to try.
DEMO_PERSONS = {
    "admin": "IT-Administration (alle Daten, Benutzer, Protokoll)",
    "controlling": "Controlling / Steuerungsunterstützung (Zielwerte, Ansichten)",
    "leadership": "Oberbürgermeisterin (Verwaltungsspitze)",
    "district": f"Bezirksbürgermeister des Stadtbezirks {DEMO_DISTRICT}",
    "committee": "Ausschussmitglied (öffentliche und interne Daten)",
    "department": "Jugendamt (liefert Daten, sieht eigene vertrauliche Daten)",
}


def print_logins(inst: Installation, logins: list[tuple[str, str, str]]) -> None:
    """Show the demo logins once, with the person each stands for, and where they are kept."""
    click.echo("Demo-Zugänge (Benutzer / Rolle / Passwort / steht für):")
    for name, role, password in logins:
        click.echo(f"  {name:<18} {role:<12} {password}  {DEMO_PERSONS.get(role, '')}".rstrip())
    click.echo(f"Die Zugänge stehen auch in {inst.settings.home / LOGINS_FILE}.")


class _Refused(Exception):
    """Raised inside a publish to discard the snapshot being built."""


def build_territory(inst: Installation, name: str, levels: Levels,
                    entries: list[TerritoryEntry]) -> str:
    """Publish an empty store with the declared levels and the area imports, all at once.

    Any refused import aborts the publish: nothing is created (exit 2).
    """
    from cockpit.territory.area_import import apply_plan, plan_import  # geometry libraries

    reports = []
    try:
        with inst.store.publish(start_empty=True) as conn:
            conn.execute("INSERT INTO meta VALUES ('municipality', ?)", [name])
            write_levels(conn, levels)
            for entry in entries:
                plan = plan_import(conn, levels, entry.spec, progress=_progress(entry.spec),
                                   inline=entry.inline)
                reports.append(plan.report)
                if plan.refused:
                    raise _Refused
                apply_plan(conn, plan)
    except _Refused:
        for report in reports:
            click.echo("\n".join(report.lines()))
        last = reports[-1]
        hint = "" if last.errors else " (Warnungen: im Eintrag yes: true setzen, wenn gewollt)"
        fail(f"Gebietsimport abgelehnt{hint}; es wurde nichts angelegt.", code=EXIT_BAD_INPUT)
    except PermissionError as exc:
        fail(str(exc))
    for report in reports:
        click.echo("\n".join(report.lines()))
    return inst.store.current_version() or ""


def _remove_demo_users(inst: Installation) -> None:
    """A real municipality replacing the demo must not keep the demo logins: their
    passwords sit in demo-logins.txt and the district user is bound to a demo area."""
    try:
        with inst.app_db() as conn:
            demo_users = [u.name for u in list_users(conn) if u.name.startswith(DEMO_PREFIX)]
            for name in demo_users:
                remove_user(conn, name)
            if demo_users:
                audit(conn, os_user(), "init.demo_users_removed",
                      {"users": ", ".join(demo_users)}, source="cli")
    except AppDatabaseError as exc:
        fail(f"{exc}; Demo-Zugänge bitte mit 'cockpit users remove' entfernen.")
    (inst.settings.home / LOGINS_FILE).unlink(missing_ok=True)
    if demo_users:
        click.echo(f"Demo-Zugänge entfernt: {', '.join(demo_users)}.")


def _progress(spec: ImportSpec):
    return lambda step: click.echo(f"{spec.label}: {step}", err=True)


@cli.command()
@click.option("--demo", is_flag=True, help="Demo-Kommune „Musterstadt“ aufbauen.")
@click.option("--name", default=None, help="Name der eigenen Kommune, z. B. „Stadt Köln“.")
@click.option("--levels", "levels_text", default=None, metavar="ID:NAME,...",
              help="Ebenen von oben nach unten, z. B. "
                   "stadt:Stadt,stadtbezirk:Stadtbezirk|District,stadtteil:Stadtteil "
                   "(Name deutsch|englisch).")
@click.option("--territory", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Gebietsdatei territory.yaml: Name, Ebenen und Gebietsimporte in einer "
                   "Datei (alles oder nichts).")
@click.option("--force", is_flag=True, help="Einen vorhandenen Datenbestand ersetzen.")
@click.pass_obj
def init(inst: Installation, demo: bool, name: str | None, levels_text: str | None,
         territory: Path | None, force: bool) -> None:
    """Datenbestand anlegen: die Demo-Kommune (--demo) oder eine eigene Kommune.

    \b
    Eigene Kommune:
      cockpit init --name "Stadt Köln" \\
          --levels stadt:Stadt,stadtbezirk:Stadtbezirk,stadtteil:Stadtteil
      cockpit init --territory examples/koeln/territory.yaml
    Danach Gebiete mit 'cockpit areas import' und Daten mit 'cockpit load' einspielen.
    """
    own = name is not None or levels_text is not None
    if sum((demo, own, territory is not None)) != 1:
        fail("Bitte genau eines angeben: --demo, --name NAME --levels ID:NAME,… oder "
             "--territory DATEI.yaml.", code=EXIT_BAD_INPUT)
    if own and (not name or not name.strip() or not levels_text):
        fail("Eine eigene Kommune braucht --name und --levels "
             "(z. B. --levels land:Land,kreis:Kreis,gemeinde:Gemeinde).", code=EXIT_BAD_INPUT)
    parsed: Territory | None = None
    if territory is not None:
        try:
            parsed = read_territory(territory)
        except TerritoryError as exc:
            fail(str(exc), code=EXIT_BAD_INPUT)
    elif own:
        try:
            parsed = Territory(name.strip(), parse_levels_option(levels_text), [])
        except LevelError as exc:
            fail(str(exc), code=EXIT_BAD_INPUT)
    ensure_writable_home(inst)
    if inst.store.exists() and not force:
        fail(f"In {inst.settings.home} gibt es bereits einen Datenbestand "
             f"({inst.store.current_version()}). Mit --force neu aufbauen.")
    if parsed is None:
        print_logins(inst, build_demo(inst))
        return
    version = build_territory(inst, parsed.name, parsed.levels, parsed.entries)
    _remove_demo_users(inst)
    click.echo(f"Datenbestand {version} für „{parsed.name}“ angelegt; Ebenen: "
               + ", ".join(f"{lv.id} ({lv.name_de})" for lv in parsed.levels) + ".")
    click.echo("Benutzer mit 'cockpit users add', Gebiete mit 'cockpit areas import', "
               "Daten mit 'cockpit load' anlegen.")
