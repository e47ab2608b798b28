"""`cockpit history` and `cockpit rollback`: earlier deliveries and restoring one."""

from __future__ import annotations

import click

from cockpit.cli.load import cli_audit_hook, open_audit_log, os_user
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.ingest.delivery import (
    DeliveryError,
    import_log_rows,
    local_time,
    published_import,
    rollback,
)

_OUTCOMES_DE = {"published": "veröffentlicht", "rejected": "abgelehnt",
                "failed": "fehlgeschlagen"}
_SOURCES_DE = {"cli": "Kommandozeile", "upload": "Datenlieferung", "rollback": "Wiederherstellung"}


def _how(row: dict) -> str:
    """'Datenlieferung, xlsx Blatt „Final“' – where a delivery came from and how it was read."""
    parts = [_SOURCES_DE.get(str(row.get("source")), "")]
    if row.get("file_format"):
        sheet = f" Blatt „{row['sheet']}“" if row.get("sheet") else ""
        parts.append(f"{row['file_format']}{sheet}")
    return ", ".join(part for part in parts if part)


@cli.command()
@click.argument("dataset_arg", metavar="[DATASET]", required=False)
@click.option("--dataset", "dataset_id", default=None, help="ID des Datensatzes.")
@click.pass_obj
def history(inst: Installation, dataset_arg: str | None, dataset_id: str | None) -> None:
    """Lieferungen eines Datensatzes auflisten, neueste zuerst: veröffentlichte sowie
    abgelehnte und fehlgeschlagene (diese ändern den Datenbestand nicht)."""
    dataset_id = dataset_id or dataset_arg
    if not dataset_id:
        fail("Bitte einen Datensatz angeben: 'cockpit history --dataset ID'.",
             code=EXIT_BAD_INPUT)
    if dataset_id not in inst.catalog.datasets:
        fail(f"Unbekannter Datensatz „{dataset_id}“.", code=EXIT_BAD_INPUT)
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden.")
    rows = import_log_rows(inst, dataset_id)
    for row in rows:
        outcome = str(row["outcome"])
        if outcome == "published":
            what = f"{row['rows']} Werte  {row['message'] or ''}"
        else:
            what = (f"{_OUTCOMES_DE.get(outcome, outcome).upper()}: {row.get('errors') or 0} "
                    f"Fehler  {row['message'] or ''}")
        how = _how(row)
        click.echo(f"{row['import_id'] or '–'}  {local_time(row['finished_at']):%d.%m.%Y %H:%M}  "
                   f"{row['user_name'] or '–'}  {row['file_name'] or '–'}"
                   f"{f'  [{how}]' if how else ''}  {what}".rstrip())
    published = sum(row["outcome"] == "published" for row in rows)
    click.echo(f"{published} veröffentlichte Lieferung(en), "
               f"{len(rows) - published} abgelehnt oder fehlgeschlagen.")


@cli.command("rollback")
@click.argument("import_id")
@click.pass_obj
def rollback_command(inst: Installation, import_id: str) -> None:
    """Die Werte einer früheren Lieferung wiederherstellen (ihre Zeiträume), genau so
    gelesen wie damals veröffentlicht (Format, Tabellenblatt, Zuordnung)."""
    try:
        published_import(inst, import_id)  # unknown ids: bad input, before anything else
    except DeliveryError as exc:
        fail(f"{exc.message} 'cockpit history --dataset ID' zeigt alle.", code=exc.code)
    user = os_user()
    audit_log = open_audit_log(inst)
    try:
        checked, result = rollback(inst, import_id, user=user,
                                   audit=cli_audit_hook(audit_log, user))
    except DeliveryError as exc:
        if exc.report is not None:
            click.echo(exc.report.to_text())
        fail(exc.message, code=exc.code)
    if checked.report.problems:
        click.echo(checked.report.to_text())
    click.echo(f"{result.message} Wiederhergestellt aus {import_id} "
               f"(neuer Import {result.import_id}).")
