"""`cockpit users ...`: manage the people who may log in.

Every change is written to the audit log with the operating-system user who
ran the command as the actor, and every session it ends is recorded too.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys

import click

from cockpit.appdb import (
    AppDatabaseError,
    UserError,
    add_user,
    audit,
    get_user,
    list_users,
    remove_user,
    set_password,
    set_role,
)
from cockpit.appdb.lockout import clear_failures
from cockpit.catalog import DefinitionError
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.roles import ROLES


def _read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        fail("Kein Passwort auf der Standardeingabe erhalten.", code=EXIT_BAD_INPUT)
    return line.rstrip("\r\n")


def operator() -> str:
    """The operating-system user running the command (the actor in the audit log)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (containers)
        return "unbekannt"


def _audit(conn, action: str, **fields: object) -> None:  # noqa: ANN001
    audit(conn, operator(), action, {"via": "cli", **fields})


def _audit_revoked(conn, name: str, ended: int, reason: str) -> None:  # noqa: ANN001
    if ended:
        _audit(conn, "session_revoked", user=name, sessions=ended, reason=reason)


def _known(inst: Installation, area: str | None) -> tuple[set[str] | None, object]:
    try:
        departments = inst.catalog.departments
    except DefinitionError as exc:
        fail(str(exc))
    known_areas = inst.area_codes() if area is not None else None
    if area is not None and not known_areas:
        fail("Kein Datenbestand vorhanden – Gebiete können nicht geprüft werden. "
             "Zuerst Daten anlegen ('cockpit init --demo').", code=EXIT_BAD_INPUT)
    if area is not None:
        ended = _ended_areas(inst).get(area)
        if ended is not None:
            # A user bound to an area that no longer exists would see only old periods
            # and no current data: bind them to the area that replaced it instead.
            fail(f"Gebiet {area} gilt nur bis {ended:%d.%m.%Y} (Gebietsreform) – "
                 "bitte ein heute gültiges Gebiet angeben ('cockpit areas list').",
                 code=EXIT_BAD_INPUT)
    return known_areas, departments


def _ended_areas(inst: Installation) -> dict[str, dt.date]:
    """Codes of areas whose every version has ended before today, with their last day."""
    rows = inst.store.read().execute(
        "SELECT code, max(valid_to) FROM areas GROUP BY code "
        "HAVING count(*) = count(valid_to) AND max(valid_to) < current_date").fetchall()
    return {code: last for code, last in rows}


@cli.group()
def users() -> None:
    """Benutzerinnen und Benutzer verwalten."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help=f"Rolle: {', '.join(ROLES)}.")
@click.option("--area", default=None,
              help="Gebietsschlüssel eines Gebiets beliebiger Ebene (nur Rolle district; "
                   "sieht vertrauliche Daten dieses Gebiets und aller Gebiete darunter).")
@click.option("--department", default=None, help="Fachbereich (nur Rolle department).")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Passwort aus der ersten Zeile der Standardeingabe lesen.")
@click.pass_obj
def add(inst: Installation, name: str, role: str, area: str | None, department: str | None,
        password_stdin: bool) -> None:
    """Benutzer anlegen."""
    known_areas, departments = _known(inst, area)
    password = _read_password()
    try:
        with inst.app_db() as conn:
            user = add_user(conn, name, role, password, area_code=area, department=department,
                            known_areas=known_areas, known_departments=departments)
            _audit(conn, "user_added", user=user.name, role=user.role,
                   area=user.area_code, department=user.department)
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
    """Benutzer löschen (beendet alle seine Sitzungen)."""
    try:
        with inst.app_db() as conn:
            user = get_user(conn, name)
            ended = remove_user(conn, name)
            _audit(conn, "user_removed", user=user.name if user else name)
            _audit_revoked(conn, user.name if user else name, ended, "user_removed")
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    except AppDatabaseError as exc:
        fail(str(exc))
    click.echo(f"Benutzer „{name}“ gelöscht.")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Neues Passwort aus der ersten Zeile der Standardeingabe lesen.")
@click.pass_obj
def passwd(inst: Installation, name: str, password_stdin: bool) -> None:
    """Passwort eines Benutzers setzen (beendet alle seine Sitzungen)."""
    password = _read_password()
    try:
        with inst.app_db() as conn:
            ended = set_password(conn, name, password)
            user = get_user(conn, name)
            shown = user.name if user else name
            _audit(conn, "password_changed", user=shown)
            _audit_revoked(conn, shown, ended, "password_changed")
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    except AppDatabaseError as exc:
        fail(str(exc))
    click.echo(f"Passwort für „{name}“ geändert.")


@users.command("role")
@click.argument("name")
@click.option("--role", required=True, help=f"Neue Rolle: {', '.join(ROLES)}.")
@click.option("--area", default=None,
              help="Gebietsschlüssel eines Gebiets beliebiger Ebene (nur Rolle district).")
@click.option("--department", default=None, help="Fachbereich (nur Rolle department).")
@click.pass_obj
def role_(inst: Installation, name: str, role: str, area: str | None,
          department: str | None) -> None:
    """Rolle eines Benutzers ändern (beendet alle seine Sitzungen)."""
    known_areas, departments = _known(inst, area)
    try:
        with inst.app_db() as conn:
            before = get_user(conn, name)
            user, ended = set_role(conn, name, role, area_code=area, department=department,
                                   known_areas=known_areas, known_departments=departments)
            _audit(conn, "role_changed", user=user.name, role=user.role, area=user.area_code,
                   department=user.department,
                   previous={"role": before.role, "area": before.area_code,
                             "department": before.department} if before else None)
            _audit_revoked(conn, user.name, ended, "role_changed")
    except UserError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    except AppDatabaseError as exc:
        fail(str(exc))
    scope = f" ({user.area_code or user.department})" if user.area_code or user.department else ""
    click.echo(f"Benutzer „{user.name}“ hat jetzt die Rolle {user.role}{scope}; "
               f"{ended} Sitzung(en) beendet.")


@users.command("unlock")
@click.argument("name")
@click.pass_obj
def unlock(inst: Installation, name: str) -> None:
    """Sperre nach zu vielen Fehlanmeldungen aufheben."""
    try:
        with inst.app_db() as conn:
            was_locked = clear_failures(conn, name)
            if was_locked:
                _audit(conn, "lockout_lifted", user=name, by="admin")
    except AppDatabaseError as exc:
        fail(str(exc))
    if was_locked:
        click.echo(f"Sperre für „{name}“ aufgehoben.")
    else:
        click.echo(f"„{name}“ war nicht gesperrt; Fehlversuche zurückgesetzt.")
