"""The one delivery path: read -> validate -> plausibility -> publish, and its records.

`cockpit load`, `cockpit rollback` and the Datenlieferung page (through the gate's
`DeliveryDesk`) all deliver through `DeliveryRun`, so the three cannot drift apart:
the same reader call, the same checks, the same publish, and the same records - a
published delivery is a row of the store's import log and an archived reading record
(format, sheet, GENESIS mapping, dataset definition, source, user) beside the archived
file; every attempt, whatever its outcome, is a line of the delivery journal
(`logs/imports.jsonl`) and an audit entry (delivery_rejected, delivery_published,
rollback, delivery_failed) naming source and user. A rejected or failed delivery
changes nothing in the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cockpit.catalog import Dataset
from cockpit.context import Installation
from cockpit.ingest import delivery_log
from cockpit.ingest.checks import DeliveryCheck, run_checks
from cockpit.ingest.delivery_log import DeliveryRecord
from cockpit.ingest.problems import Report, info
from cockpit.ingest.publish import (
    ImportResult,
    Reading,
    archived_file,
    archived_reading,
    file_sha256,
    new_import_id,
    publish_delivery,
    reading_record,
)
from cockpit.ingest.reading import READABLE_FORMATS, guess_format, read_delivery
from cockpit.store.schema import IMPORT_LOG_DELIVERY_COLUMNS, import_log_columns

# (action, detail) -> None; the caller adds user and where it happened (cli / web).
AuditHook = Callable[[str, Mapping[str, object]], None]

# Exit codes as CONTRACT.md gives them for `cockpit load`.
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


class DeliveryError(Exception):
    """A delivery that cannot go on; `message` is German, `code` the CLI exit code
    (2 bad input or rejected, 1 other failure). The store is unchanged."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT,
                 report: Report | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.report = report  # the check report, when the checks refused the delivery


@dataclass(frozen=True)
class DeliveryOutcome:
    """What `DeliveryRun.run` did: the report, and the import when something was published
    (outcome: published, unchanged, rejected, unconfirmed)."""

    outcome: str
    check: DeliveryCheck
    result: ImportResult | None = None

    @property
    def report(self) -> Report:
        return self.check.report


def definition_sha256(dataset: Dataset) -> str | None:
    """SHA-256 of the dataset definition file the delivery is checked against."""
    try:
        return hashlib.sha256(dataset.path.read_bytes()).hexdigest()
    except OSError:
        return None


def reading_for(dataset: Dataset, path: Path, file_format: str | None = None,
                sheet: str | None = None) -> Reading:
    """How a new delivery of `dataset` is read: the format named or suggested by the file
    name, the sheet named (None: the first), and the dataset's GENESIS mapping."""
    file_format = file_format or guess_format(path)
    if file_format not in READABLE_FORMATS:
        raise DeliveryError(f"Unbekanntes Format {file_format}.", EXIT_FAILURE)
    return Reading(file_format, sheet if file_format == "xlsx" else None,
                   dict(dataset.genesis_columns) if file_format == "genesis" else None,
                   definition_sha256(dataset))


class DeliveryRun:
    """One delivery of one file into one dataset, by one user, from one source.

    `check()` reads and checks (no side effects), `reject()` records a rejected check,
    `publish()` publishes a clean check; `run(confirm=...)` does all of it in order.
    The page calls the steps one by one (check when the file arrives, publish when the
    button is pressed); the CLI asks for the confirmation between them.
    """

    def __init__(self, inst: Installation, dataset: Dataset, path: Path, reading: Reading, *,
                 user: str, source: str, audit: AuditHook | None = None,
                 compare_published: bool = True, restoring: str | None = None,
                 file_name: str | None = None, sha256: str | None = None) -> None:
        if source not in delivery_log.SOURCES:
            raise ValueError(f"unknown delivery source {source!r}")
        self.inst = inst
        self.dataset = dataset
        self.path = path
        self.reading = reading
        self.user = user
        self.source = source
        self.compare_published = compare_published
        self.restoring = restoring
        self.file_name = file_name or path.name
        self._audit = audit
        self._sha256 = sha256  # known for an archived file, else computed when needed

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path)
        return self._sha256

    # -- the steps -----------------------------------------------------------------------
    def check(self) -> DeliveryCheck:
        """Read the file as `reading` says and run every check; changes nothing."""
        delivery = read_delivery(self.path, self.reading.file_format, self.reading.sheet,
                                 self.reading.mapping or {})
        return run_checks(delivery, self.dataset, self.inst.store.read(),
                          compare_published=self.compare_published)

    def reject(self, checked: DeliveryCheck) -> DeliveryRecord:
        """Record a delivery whose check found errors (journal and audit); the store
        stays unchanged."""
        report = checked.report
        record = self._record("rejected", report, message="; ".join(
            p.to_text() for p in report.sorted_problems()[:3] if p.severity == "error"))
        self._note("delivery_rejected", record)
        return record

    def publish(self, checked: DeliveryCheck, *, confirmed: bool) -> ImportResult:
        """Publish a clean check all or nothing; warnings need `confirmed`.

        Raises DeliveryError (code 2) for errors or unconfirmed warnings and (code 1)
        when publishing fails; a failure is recorded like a rejection.
        """
        report = checked.report
        if not report.ok:
            raise DeliveryError("Die Lieferung hat Fehler und wird nicht veröffentlicht.")
        if report.warnings and not confirmed:
            raise DeliveryError("Nicht veröffentlicht: Die Warnungen sind nicht bestätigt.")
        try:
            result = publish_delivery(
                self.inst.store, self.inst.settings.archive_dir, dataset=self.dataset,
                observations=checked.observations, source=self.path, user=self.user,
                reading=self.reading, channel=self.source, warnings=len(report.warnings),
                restoring=self.restoring, file_name=self.file_name)
        except (OSError, duckdb.Error) as exc:
            self.fail(f"Veröffentlichen fehlgeschlagen: {exc}", report)
            raise DeliveryError(f"Fehler beim Veröffentlichen: {exc}. Der Datenbestand "
                                "bleibt unverändert.", EXIT_FAILURE, report) from exc
        record = self._record(result.outcome, report, import_id=result.import_id,
                              rows=result.rows, message=result.message,
                              data_version=result.version)
        if result.outcome == "published":
            self._note("rollback" if self.restoring else "delivery_published", record)
        return result

    def fail(self, message: str, report: Report | None = None) -> DeliveryRecord:
        """Record a delivery that could not be completed (journal and audit)."""
        record = self._record("failed", report, message=message)
        self._note("delivery_failed", record)
        return record

    def run(self, *, confirm: bool) -> DeliveryOutcome:
        """Read, check and - when there are no errors and the warnings are confirmed (or
        there are none) - publish; a rejection is recorded."""
        checked = self.check()
        if not checked.report.ok:
            self.reject(checked)
            return DeliveryOutcome("rejected", checked)
        if checked.report.warnings and not confirm:
            return DeliveryOutcome("unconfirmed", checked)
        result = self.publish(checked, confirmed=True)
        return DeliveryOutcome(result.outcome, checked, result)

    # -- records -------------------------------------------------------------------------
    def _record(self, outcome: str, report: Report | None, *, import_id: str | None = None,
                rows: int | None = None, message: str = "",
                data_version: str | None = None) -> DeliveryRecord:
        now = datetime.now(UTC).replace(tzinfo=None)
        record = DeliveryRecord(
            import_id=import_id or new_import_id(self.dataset.id, now),
            dataset_id=self.dataset.id, file_name=self.file_name, sha256=self.sha256,
            user_name=self.user, source=self.source, file_format=self.reading.file_format,
            sheet=self.reading.sheet, mapping=self.reading.mapping_json(),
            definition_sha256=self.reading.definition_sha256, restored_from=self.restoring,
            started_at=now, finished_at=now, outcome=outcome,
            rows=rows if rows is not None else (report.counts.get("rows", 0) if report else 0),
            errors=len(report.errors) if report else 0,
            warnings=len(report.warnings) if report else 0,
            message=message, data_version=data_version)
        delivery_log.append(self.inst.settings.log_dir, record)
        return record

    def _note(self, action: str, record: DeliveryRecord) -> None:
        if self._audit is None:
            return
        detail: dict[str, object] = {
            "dataset": record.dataset_id, "import_id": record.import_id,
            "file": record.file_name, "sha256": record.sha256,
            "delivery_source": record.source, "format": record.file_format,
            "errors": record.errors, "warnings": record.warnings, "outcome": record.outcome,
        }
        if record.sheet is not None:
            detail["sheet"] = record.sheet
        if record.outcome == "published":
            detail.update(rows=record.rows, data_version=record.data_version)
        if record.restored_from:
            detail["restored_import_id"] = record.restored_from
        if record.outcome == "failed":
            detail["message"] = record.message
        self._audit(action, detail)


# -- rollback ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PublishedImport:
    """One published import as its import log row has it."""

    import_id: str
    dataset_id: str
    sha256: str
    file_name: str


def published_import(inst: Installation, import_id: str) -> PublishedImport:
    """The published import `import_id`, or DeliveryError (2) when there is none with an
    archived file."""
    if not inst.store.exists():
        raise DeliveryError("Kein Datenbestand vorhanden.", EXIT_FAILURE)
    row = inst.store.read().execute(
        "SELECT dataset_id, sha256, file_name FROM import_log WHERE import_id = ? "
        "AND outcome = 'published'", [import_id]).fetchone()
    if row is None or row[1] is None or row[2] is None:
        raise _unknown_import(import_id)
    return PublishedImport(import_id, *row)


def _unknown_import(import_id: str) -> DeliveryError:
    # Unknown, unrestorable and foreign imports answer alike.
    return DeliveryError(f"Unbekannter oder nicht wiederherstellbarer Import "
                         f"„{import_id[:80]}“.")


def rollback(inst: Installation, import_id: str, *, user: str, audit: AuditHook | None = None,
             allowed: Callable[[Dataset], bool] | None = None,
             compare_published: bool = True) -> tuple[DeliveryCheck, ImportResult]:
    """Publish the archived file of `import_id` again, read exactly as it was published.

    The file and its reading record (format, sheet, mapping) must be in the archive; if
    either is missing the rollback fails (code 1) and is recorded, the store unchanged.
    The file must pass today's checks (code 2 otherwise, recorded as rejected). Warnings
    were confirmed when it was first published. `allowed` may refuse the dataset (the
    page passes the viewer's delivery permission).
    """
    imported = published_import(inst, import_id)
    dataset = inst.catalog.datasets.get(imported.dataset_id)
    if dataset is None or (allowed is not None and not allowed(dataset)):
        raise _unknown_import(import_id)
    archive = inst.settings.archive_dir
    source = archived_file(archive, imported.sha256, imported.file_name)
    reading = archived_reading(archive, imported.sha256, import_id)
    run = DeliveryRun(inst, dataset, source, reading or Reading(guess_format(source)),
                      user=user, source="rollback", audit=audit, restoring=import_id,
                      compare_published=compare_published, file_name=imported.file_name,
                      sha256=imported.sha256)
    # The messages name no server path (the page shows them); the journal does.
    missing = where = None
    if not source.is_file():
        missing, where = f"Die archivierte Datei von {import_id} fehlt", source
    elif reading is None:
        missing = (f"Die Leseangaben (Format, Tabellenblatt, Zuordnung) von {import_id} "
                   "fehlen im Archiv")
        where = reading_record(archive, imported.sha256, import_id)
    elif file_sha256(source) != imported.sha256:
        missing, where = f"Die archivierte Datei von {import_id} wurde verändert", source
    if missing:
        run.fail(f"{missing} ({where})")
        raise DeliveryError(f"{missing}, die Lieferung lässt sich so nicht genau "
                            "wiederherstellen. Der Datenbestand bleibt unverändert.",
                            EXIT_FAILURE)
    if reading.mapping is None and reading.file_format == "genesis":
        # Archived before the mapping was recorded: the dataset's mapping then applied.
        run.reading = replace(reading, mapping=dict(dataset.genesis_columns))
    outcome = run.run(confirm=True)  # its warnings were confirmed when first published
    if reading.definition_sha256 not in (None, definition_sha256(dataset)):
        outcome.report.problems.append(info(
            f"Die Definition des Datensatzes {dataset.id} hat sich seit der Lieferung "
            "geändert; geprüft wurde nach der heutigen, gelesen wie damals."))
    if outcome.result is None:
        raise DeliveryError("Die archivierte Lieferung besteht die heutigen Prüfungen nicht; "
                            "der Datenbestand bleibt unverändert.", report=outcome.report)
    return outcome.check, outcome.result


def local_time(utc: datetime) -> datetime:
    """A naive UTC time of the import log or journal in the server's time zone, for display."""
    return utc.replace(tzinfo=UTC).astimezone()


def import_log_rows(inst: Installation, dataset_id: str) -> list[dict[str, object]]:
    """The deliveries of one dataset, newest first: published imports from the store's
    import log, rejected and failed attempts from the journal (they never reach the store).
    `finished_at` is naive UTC."""
    rows: list[dict[str, object]] = []
    if inst.store.exists():
        conn = inst.store.read()
        present = import_log_columns(conn)  # older snapshots lack the delivery columns
        extra = [c for c, _ in IMPORT_LOG_DELIVERY_COLUMNS if c in present]
        names = ["import_id", "dataset_id", "file_name", "sha256", "rows", "user_name",
                 "finished_at", "outcome", "warnings", "message", *extra]
        cursor = conn.execute(f"SELECT {', '.join(names)} FROM import_log WHERE dataset_id = ? "
                              "AND outcome = 'published'", [dataset_id])
        rows += [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for entry in delivery_log.entries(inst.settings.log_dir, dataset_id,
                                      outcomes=("rejected", "failed")):
        finished = entry.get("finished_at") or entry.get("at")
        try:
            when = datetime.fromisoformat(str(finished)).replace(tzinfo=None)
        except ValueError:
            continue
        rows.append({"import_id": entry.get("import_id"), "dataset_id": dataset_id,
                     "file_name": entry.get("file_name", entry.get("file")),
                     "sha256": entry.get("sha256"), "rows": entry.get("rows"),
                     "user_name": entry.get("user_name", entry.get("user")),
                     "finished_at": when, "outcome": entry.get("outcome"),
                     "warnings": entry.get("warnings"), "errors": entry.get("errors"),
                     "message": entry.get("message"),
                     **{c: entry.get(c) for c, _ in IMPORT_LOG_DELIVERY_COLUMNS}})
    rows.sort(key=lambda row: row["finished_at"], reverse=True)
    return rows
