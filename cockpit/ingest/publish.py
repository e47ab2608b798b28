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
from cockpit.store.schema import OBSERVATION_COLUMNS


@dataclass(frozen=True)
class ImportResult:
    """What happened to one delivery."""

    import_id: str
    outcome: str  # published | unchanged
    rows: int
    sha256: str
    version: str | None
    message: str


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive_file(archive_dir: Path, source: Path, sha256: str) -> Path:
    """Keep the delivered file unchanged as archive/<dataset-free sha>/<name>."""
    target = archived_file(archive_dir, sha256, source.name)
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


def already_published(store: Store, dataset_id: str, sha256: str) -> str | None:
    """The import id under which this very file was published for this dataset, if any."""
    if not store.exists():
        return None
    row = store.read().execute(
        "SELECT import_id FROM import_log WHERE dataset_id = ? AND sha256 = ? "
        "AND outcome = 'published' ORDER BY finished_at DESC LIMIT 1",
        [dataset_id, sha256],
    ).fetchone()
    return row[0] if row else None


def publish_delivery(
    store: Store,
    archive_dir: Path,
    *,
    dataset: Dataset,
    observations: pd.DataFrame,
    source: Path,
    user: str,
    warnings: int = 0,
    restoring: str | None = None,
    reading: Mapping[str, str | None] | None = None,
) -> ImportResult:
    """Archive `source` and publish its observations, replacing the periods it covers.

    `restoring` names an earlier import whose archived file is published again
    (a rollback); then an identical earlier publication does not stop it.
    `reading` is how the file was read (format, sheet); it is archived with the
    import so that a rollback reads the file exactly the same way.
    """
    started = datetime.now(UTC).replace(tzinfo=None)
    sha256 = file_sha256(source)
    previous = already_published(store, dataset.id, sha256)
    if previous is not None and restoring is None:
        return ImportResult(previous, "unchanged", 0, sha256, store.current_version(),
                            "Diese Datei ist bereits veröffentlicht; nichts geändert.")
    archived = archive_file(archive_dir, source, sha256)
    import_id = f"{dataset.id}-{started:%Y%m%dT%H%M%S%f}"
    _write_reading(archived.parent / f"{import_id}.reading.json", reading or {})
    frame = observations[list(OBSERVATION_COLUMNS)]
    periods = sort_periods(frame["period"])
    with store.publish() as conn:
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
            "user_name, started_at, finished_at, outcome, warnings, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, 'published', ?, ?)",
            [import_id, dataset.id, source.name, sha256, len(frame), user, started, warnings,
             f"Zeiträume {', '.join(periods)}"
             + (f"; wiederhergestellt aus {restoring}" if restoring else "")],
        )
    return ImportResult(import_id, "published", len(frame), sha256, store.current_version(),
                        f"{len(frame)} Werte für {', '.join(periods)} veröffentlicht.")


def archived_file(archive_dir: Path, sha256: str, file_name: str) -> Path:
    """Where `archive_file` keeps a delivery."""
    return archive_dir / sha256[:2] / sha256 / file_name


def archived_reading(archive_dir: Path, sha256: str, import_id: str) -> dict[str, str | None]:
    """How the file of an import was read (format, sheet); empty for imports archived
    before this was recorded (their format then follows the file name)."""
    path = archive_dir / sha256[:2] / sha256 / f"{import_id}.reading.json"
    if not path.is_file():
        return {}
    recorded = json.loads(path.read_text(encoding="utf-8"))
    return {key: recorded.get(key) for key in ("format", "sheet")}


def _write_reading(path: Path, reading: Mapping[str, str | None]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({key: reading.get(key) for key in ("format", "sheet")},
                                  ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def log_rejection(log_dir: Path, *, dataset_id: str, source: Path, user: str,
                  errors: int, warnings: int) -> None:
    """Rejected deliveries never touch the store; they are logged beside it."""
    log_dir.mkdir(parents=True, exist_ok=True)
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"), "dataset": dataset_id,
        "file": source.name, "sha256": file_sha256(source), "user": user,
        "outcome": "rejected", "errors": errors, "warnings": warnings,
    }
    with open(log_dir / "imports.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
