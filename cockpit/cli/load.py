"""`cockpit load FILE --dataset ID`: check a delivery and publish it all or nothing."""

from __future__ import annotations

import getpass
import sqlite3
import sys
import time
from pathlib import Path

import click

from cockpit.appdb import AppDatabaseError, audit
from cockpit.catalog import DefinitionError
from cockpit.cli.main import EXIT_BAD_INPUT, EXIT_FAILURE, cli, fail
from cockpit.context import Installation
from cockpit.ingest.delivery import AuditHook, DeliveryError, DeliveryRun, reading_for

FORMATS = ("csv", "xlsx", "genesis")


def os_user() -> str:
    """The operating-system user running the command (recorded in import and audit log)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "unbekannt"


def open_audit_log(inst: Installation) -> sqlite3.Connection:
    """The app database, opened before anything changes: a change that cannot be audited
    is not made."""
    try:
        return inst.app_db()
    except AppDatabaseError as exc:
        click.echo(f"Fehler: {exc}. Ohne Protokoll wird nichts veröffentlicht.", err=True)
        raise SystemExit(EXIT_FAILURE) from exc


def cli_audit_hook(conn: sqlite3.Connection, user: str) -> AuditHook:
    """Audit entries of a command-line action, e.g. a delivery or an area import
    (source `cli`)."""
    return lambda action, detail: audit(conn, user, action, detail, source="cli")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dataset", "dataset_id", required=True,
              help="ID des Datensatzes ('cockpit datasets list').")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default=None,
              help="Dateiformat (Standard: nach Dateiendung).")
@click.option("--sheet", default=None, help="Tabellenblatt einer XLSX-Datei (Standard: das erste).")
@click.option("--yes", is_flag=True, help="Warnungen bestätigen und trotzdem veröffentlichen.")
@click.pass_obj
def load(inst: Installation, file: Path, dataset_id: str, file_format: str | None,
         sheet: str | None, yes: bool) -> None:
    """Eine Lieferung prüfen und veröffentlichen (Exit 0 veröffentlicht, 2 abgelehnt)."""
    try:
        dataset = inst.catalog.datasets.get(dataset_id)
    except DefinitionError as exc:
        fail(str(exc))
    if dataset is None:
        fail(f"Unbekannter Datensatz „{dataset_id}“; 'cockpit datasets list' zeigt alle.",
             code=EXIT_BAD_INPUT)
    if not file.is_file():
        fail(f"Datei {file} nicht gefunden.", code=EXIT_BAD_INPUT)
    try:
        reading = reading_for(dataset, file, file_format, sheet)
    except DeliveryError as exc:
        fail(exc.message, code=exc.code)
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden – zuerst 'cockpit init --demo' ausführen.")
    user = os_user()
    audit_log = open_audit_log(inst)
    run = DeliveryRun(inst, dataset, file, reading, user=user, source="cli",
                      audit=cli_audit_hook(audit_log, user))
    started = time.monotonic()
    click.echo(f"{file.name} → „{dataset.title}“: lesen, prüfen"
               f"{' und veröffentlichen' if yes else ''} …", err=True)
    try:
        # Warnings are confirmed by --yes; on a terminal they can be confirmed below.
        outcome = run.run(confirm=yes)
    except DeliveryError as exc:  # publishing failed (recorded); the store is unchanged
        if exc.report is not None:
            click.echo(exc.report.to_text())
        click.echo(exc.message, err=True)
        raise SystemExit(exc.code) from exc
    click.echo(f"Fertig in {time.monotonic() - started:.1f} s.", err=True)
    click.echo(outcome.report.to_text())
    if outcome.outcome == "rejected":
        click.echo("Abgelehnt: Der Datenbestand bleibt unverändert.", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    result = outcome.result
    if result is None:  # warnings, not yet confirmed
        if not (sys.stdin.isatty() and click.confirm("Trotz Warnungen veröffentlichen?")):
            click.echo("Nicht veröffentlicht: Warnungen mit --yes bestätigen. Der Datenbestand "
                       "bleibt unverändert.", err=True)
            raise SystemExit(EXIT_BAD_INPUT)
        try:
            result = run.publish(outcome.check, confirmed=True)
        except DeliveryError as exc:
            click.echo(exc.message, err=True)
            raise SystemExit(exc.code) from exc
    click.echo(f"{result.message} (Import {result.import_id}, Datenstand {result.version})")
