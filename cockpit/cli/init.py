"""`cockpit init --demo`: build the demo store and one demo user per role."""

from __future__ import annotations

import os

import click

from cockpit.appdb import AppDatabaseError, create_demo_users
from cockpit.catalog import DefinitionError
from cockpit.cli.main import cli, fail
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store

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


def print_logins(inst: Installation, logins: list[tuple[str, str, str]]) -> None:
    """Show the demo logins once, and where they are kept."""
    click.echo("Demo-Zugänge (Benutzer / Rolle / Passwort):")
    for name, role, password in logins:
        click.echo(f"  {name:<18} {role:<12} {password}")
    click.echo(f"Die Zugänge stehen auch in {inst.settings.home / LOGINS_FILE}.")


@cli.command()
@click.option("--demo", is_flag=True, help="Demo-Kommune „Musterstadt“ aufbauen.")
@click.option("--force", is_flag=True, help="Einen vorhandenen Datenbestand ersetzen.")
@click.pass_obj
def init(inst: Installation, demo: bool, force: bool) -> None:
    """Datenbestand anlegen (derzeit: die Demo-Kommune mit --demo)."""
    if not demo:
        fail("Bitte --demo angeben. Eigene Daten werden mit 'cockpit load' eingespielt, "
             "sobald die Gebiete geladen sind.", code=2)
    ensure_writable_home(inst)
    if inst.store.exists() and not force:
        fail(f"In {inst.settings.home} gibt es bereits einen Datenbestand "
             f"({inst.store.current_version()}). Mit --force neu aufbauen.")
    print_logins(inst, build_demo(inst))
