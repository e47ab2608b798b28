"""`cockpit history` and `cockpit rollback`: earlier deliveries and restoring one."""

from __future__ import annotations

import click

from cockpit.cli.load import audit_cli, open_audit_log, os_user
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.ingest.checks import check_delivery
from cockpit.ingest.publish import archived_file, archived_reading, publish_delivery
from cockpit.ingest.reading import read_delivery


@cli.command()
@click.option("--dataset", "dataset_id", required=True, help="ID des Datensatzes.")
@click.pass_obj
def history(inst: Installation, dataset_id: str) -> None:
    """Veröffentlichte Lieferungen eines Datensatzes auflisten (neueste zuerst)."""
    if dataset_id not in inst.catalog.datasets:
        fail(f"Unbekannter Datensatz „{dataset_id}“.", code=EXIT_BAD_INPUT)
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden.")
    rows = inst.store.read().execute(
        "SELECT import_id, strftime(finished_at, '%d.%m.%Y %H:%M'), user_name, file_name, "
        "rows, message FROM import_log WHERE dataset_id = ? AND outcome = 'published' "
        "ORDER BY finished_at DESC", [dataset_id]).fetchall()
    for import_id, when, user, file_name, count, message in rows:
        click.echo(f"{import_id}  {when}  {user or '–'}  {file_name or '–'}  "
                   f"{count} Werte  {message or ''}")
    click.echo(f"{len(rows)} Lieferung(en).")


@cli.command()
@click.argument("import_id")
@click.pass_obj
def rollback(inst: Installation, import_id: str) -> None:
    """Die Werte einer früheren Lieferung wiederherstellen (ihre Zeiträume)."""
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden.")
    row = inst.store.read().execute(
        "SELECT dataset_id, sha256, file_name FROM import_log WHERE import_id = ? "
        "AND outcome = 'published'", [import_id]).fetchone()
    if row is None or row[1] is None:
        fail(f"Unbekannter oder nicht wiederherstellbarer Import „{import_id[:80]}“ "
             "('cockpit history --dataset ID' zeigt alle).", code=EXIT_BAD_INPUT)
    dataset_id, sha256, file_name = row
    dataset = inst.catalog.datasets.get(dataset_id)
    source = archived_file(inst.settings.archive_dir, sha256, file_name)
    if dataset is None or not source.is_file():
        fail(f"Die archivierte Datei von {import_id} fehlt ({source}).")
    user = os_user()
    audit_log = open_audit_log(inst)
    # Read exactly as when it was published: same format, same sheet, same mapping.
    reading = archived_reading(inst.settings.archive_dir, sha256, import_id)
    delivery = read_delivery(source, reading.get("format"), reading.get("sheet"),
                             dataset.genesis_columns)
    report, observations = check_delivery(delivery, dataset, inst.store.read())
    if not report.ok:
        click.echo(report.to_text())
        fail("Die archivierte Lieferung besteht die heutigen Prüfungen nicht; nichts geändert.",
             code=EXIT_BAD_INPUT)
    result = publish_delivery(inst.store, inst.settings.archive_dir, dataset=dataset,
                              observations=observations, source=source,
                              user=user, restoring=import_id, reading=reading)
    audit_cli(audit_log, user, "rollback", dataset=dataset.id, restored_import_id=import_id,
              import_id=result.import_id, file=file_name, sha256=result.sha256,
              rows=result.rows, data_version=result.version)
    click.echo(f"{result.message} Wiederhergestellt aus {import_id} "
               f"(neuer Import {result.import_id}).")
