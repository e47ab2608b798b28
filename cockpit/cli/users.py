"""`cockpit users ...`: manage the people who may log in."""

from __future__ import annotations

import sys

import click

from cockpit.appdb import (
    AppDatabaseError,
    UserError,
    add_user,
    list_users,
    remove_user,
    set_password,
)
from cockpit.catalog import DefinitionError
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.roles import ROLES


def _read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        fail("Kein Passwort auf der Standardeingabe erhalten.", code=EXIT_BAD_INPUT)
    return line.rstrip("\r\n")


@cli.group()
def users() -> None:
    """Benutzerinnen und Benutzer verwalten."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help=f"Rolle: {', '.join(ROLES)}.")
@click.option("--area", default=None, help="Gebietsschlüssel (nur Rolle district).")
@click.option("--department", default=None, help="Fachbereich (nur Rolle department).")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Passwort aus der ersten Zeile der Standardeingabe lesen.")
@click.pass_obj
def add(inst: Installation, name: str, role: str, area: str | None, department: str | None,
        password_stdin: bool) -> None:
    """Benutzer anlegen."""
    try:
        departments = inst.catalog.departments
    except DefinitionError as exc:
        fail(str(exc))
    known_areas = inst.area_codes() if area is not None else None
    if area is not None and not known_areas:
        fail("Kein Datenbestand vorhanden – Gebiete können nicht geprüft werden. "
             "Zuerst Daten anlegen ('cockpit init --demo').", code=EXIT_BAD_INPUT)
    password = _read_password()
    try:
        with inst.app_db() as conn:
            user = add_user(conn, name, role, password, area_code=area, department=department,
                            known_areas=known_areas, known_departments=departments)
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    except AppDatabaseError as exc:
        fail(str(exc))
    click.echo(f"Benutzer „{user.name}“ mit Rolle {user.role} angelegt.")


@users.command("list")
@click.pass_obj
def list_(inst: Installation) -> None:
    """Benutzer auflisten."""
    try:
        with inst.app_db() as conn:
            rows = list_users(conn)
    except AppDatabaseError as exc:
        fail(str(exc))
    for user in rows:
        scope = user.area_code or user.department or ""
        click.echo(f"{user.name:<24} {user.role:<12} {scope}")
    click.echo(f"{len(rows)} Benutzer.")


@users.command("remove")
@click.argument("name")
@click.pass_obj
def remove(inst: Installation, name: str) -> None:
    """Benutzer löschen."""
    try:
        with inst.app_db() as conn:
            remove_user(conn, name)
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    click.echo(f"Benutzer „{name}“ gelöscht.")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Neues Passwort aus der ersten Zeile der Standardeingabe lesen.")
@click.pass_obj
def passwd(inst: Installation, name: str, password_stdin: bool) -> None:
    """Passwort eines Benutzers setzen."""
    password = _read_password()
    try:
        with inst.app_db() as conn:
            set_password(conn, name, password)
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    click.echo(f"Passwort für „{name}“ geändert.")
