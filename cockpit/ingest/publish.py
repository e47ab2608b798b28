"""Publish a validated delivery: archive the file, replace its periods, log the import.

Publishing goes through `Store.publish`, so it is all or nothing: readers see
either the old snapshot or the new one. The original file is archived
unchanged under its SHA-256 before anything is published.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from cockpit.catalog import Dataset
from cockpit.periods import sort_periods
from cockpit.store import Store
from cockpit.store.schema import OBSERVATION_COLUMNS, import_log_columns, upgrade_import_log


@dataclass(frozen=True)
class ImportResult:
    """What happened to one delivery."""

    import_id: str
    outcome: str  # published | unchanged
    rows: int
    sha256: str
    version: str | None
    message: str


@dataclass(frozen=True)
class Reading:
    """How a delivery file is read: with these, the same file gives the same observations.

    `mapping` is the GENESIS column mapping applied (None for CSV and XLSX); recording it
    keeps a rollback exact even after the dataset's definition changed.
    `definition_sha256` names the dataset definition the delivery was checked against.
    """

    file_format: str
    sheet: str | None = None
    mapping: dict[str, dict] | None = None
    definition_sha256: str | None = None

    def mapping_json(self) -> str | None:
        """The mapping as the JSON text the import log keeps."""
        if self.mapping is None:
            return None
        return json.dumps(self.mapping, ensure_ascii=False, sort_keys=True)

    def to_json(self) -> dict[str, object]:
        # "format" is the key the archive used before the mapping was recorded.
        return {"format": self.file_format, "sheet": self.sheet, "mapping": self.mapping,
                "definition_sha256": self.definition_sha256}

    @classmethod
    def from_json(cls, recorded: Mapping[str, object]) -> Reading:
        """A reading from its archived record (records of earlier versions lack the
        mapping and definition; the caller then uses the dataset's)."""
        file_format = recorded.get("format")
        sheet = recorded.get("sheet")
        mapping = recorded.get("mapping")
        definition = recorded.get("definition_sha256")
        if not isinstance(file_format, str) or not file_format:
            raise ValueError("Format fehlt")
        return cls(file_format,
                   sheet if isinstance(sheet, str) else None,
                   mapping if isinstance(mapping, dict) else None,
                   definition if isinstance(definition, str) else None)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def new_import_id(dataset_id: str, started: datetime) -> str:
    """The id of one delivery attempt: dataset and start time to the microsecond."""
    return f"{dataset_id}-{started:%Y%m%dT%H%M%S%f}"


def archive_file(archive_dir: Path, source: Path, sha256: str,
                 file_name: str | None = None) -> Path:
    """Keep the delivered file unchanged as archive/<dataset-free sha>/<name>."""
    target = archived_file(archive_dir, sha256, file_name or source.name)
    target_dir = target.parent
    if target.exists():
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return target


def already_published(store: Store, dataset_id: str, sha256: str,
                      reading: Reading | None = None) -> str | None:
    """The import id under which this very file, read the same way, was published for this
    dataset, if any (another sheet of the same workbook is another delivery)."""
    if not store.exists():
        return None
    conn = store.read()
    sql = ("SELECT import_id FROM import_log WHERE dataset_id = ? AND sha256 = ? "
           "AND outcome = 'published'")
    params: list[object] = [dataset_id, sha256]
    if reading is not None and "file_format" in import_log_columns(conn):
        # Rows from before the reading was logged (NULL) match on the file alone.
        sql += (" AND (file_format IS NULL OR (file_format = ? AND sheet IS NOT DISTINCT "
                "FROM ? AND mapping IS NOT DISTINCT FROM ?))")
        params += [reading.file_format, reading.sheet, reading.mapping_json()]
    row = conn.execute(sql + " ORDER BY finished_at DESC LIMIT 1", params).fetchone()
    return row[0] if row else None


def publish_delivery(
    store: Store,
    archive_dir: Path,
    *,
    dataset: Dataset,
    observations: pd.DataFrame,
    source: Path,
    user: str,
    reading: Reading | None = None,
    channel: str = "cli",
    warnings: int = 0,
    restoring: str | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Archive `source` and publish its observations, replacing the periods it covers.

    `restoring` names an earlier import whose archived file is published again
    (a rollback); then an identical earlier publication does not stop it.
    `reading` is how the file was read (format, sheet, mapping, definition) and `channel`
    where it came from (cli, upload, rollback); both are archived with the import and
    written to its import log row, so that a rollback reads the file exactly the same way.
    Call it through `cockpit.ingest.delivery.DeliveryRun`, which also logs the outcome.
    """
    if reading is None:  # callers outside the delivery path (benchmarks): by file name
        reading = Reading("xlsx" if source.suffix.lower() == ".xlsx" else "csv")
    started = datetime.now(UTC).replace(tzinfo=None)
    sha256 = file_sha256(source)
    previous = already_published(store, dataset.id, sha256, reading)
    if previous is not None and restoring is None:
        return ImportResult(previous, "unchanged", 0, sha256, store.current_version(),
                            "Diese Datei ist bereits veröffentlicht; nichts geändert.")
    archived = archive_file(archive_dir, source, sha256, file_name or source.name)
    import_id = new_import_id(dataset.id, started)
    _write_reading(archived.parent / f"{import_id}.reading.json", reading, channel, user)
    frame = observations[list(OBSERVATION_COLUMNS)]
    periods = sort_periods(frame["period"])
    with store.publish() as conn:
        upgrade_import_log(conn)  # a snapshot from before the delivery columns
        conn.execute(
            "INSERT OR REPLACE INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [dataset.id, dataset.title, dataset.description, dataset.source,
             dataset.department, dataset.classification, dataset.unit, dataset.licence,
             started],
        )
        conn.execute(
            "DELETE FROM observations WHERE dataset_id = ? AND list_contains(?, period)",
            [dataset.id, periods],
        )
        conn.register("delivery", frame)
        conn.execute(f"INSERT INTO observations ({', '.join(OBSERVATION_COLUMNS)}) "
                     f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM delivery")
        conn.unregister("delivery")
        conn.execute(
            "INSERT INTO import_log (import_id, dataset_id, file_name, sha256, rows, "
            "user_name, started_at, finished_at, outcome, warnings, message, source, "
            "file_format, sheet, mapping, definition_sha256, restored_from) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?, ?)",
            # UTC like started_at and the journal (now() would be the server's local time)
            [import_id, dataset.id, file_name or source.name, sha256, len(frame), user,
             started, datetime.now(UTC).replace(tzinfo=None), warnings,
             f"Zeiträume {', '.join(periods)}"
             + (f"; wiederhergestellt aus {restoring}" if restoring else ""),
             channel, reading.file_format, reading.sheet, reading.mapping_json(),
             reading.definition_sha256, restoring],
        )
    return ImportResult(import_id, "published", len(frame), sha256, store.current_version(),
                        f"{len(frame)} Werte für {', '.join(periods)} veröffentlicht.")


def archived_file(archive_dir: Path, sha256: str, file_name: str) -> Path:
    """Where `archive_file` keeps a delivery."""
    return archive_dir / sha256[:2] / sha256 / file_name


def reading_record(archive_dir: Path, sha256: str, import_id: str) -> Path:
    """Where the reading of one import is archived, beside its file."""
    return archive_dir / sha256[:2] / sha256 / f"{import_id}.reading.json"


def archived_reading(archive_dir: Path, sha256: str, import_id: str) -> Reading | None:
    """How the file of an import was read, or None when no (readable) record is archived."""
    path = reading_record(archive_dir, sha256, import_id)
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        return Reading.from_json(recorded) if isinstance(recorded, dict) else None
    except (OSError, ValueError):
        return None


def _write_reading(path: Path, reading: Reading, channel: str, user: str) -> None:
    partial = path.with_name(path.name + ".partial")
    record = {**reading.to_json(), "source": channel, "user": user}
    partial.write_text(json.dumps(record, ensure_ascii=False, sort_keys=True),
                       encoding="utf-8")
    os.replace(partial, path)
