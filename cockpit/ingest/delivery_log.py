"""The delivery journal beside the store: one line per delivery attempt, whatever its outcome.

A published delivery is also a row of the store's `import_log`; a rejected or failed one
must change nothing in the store (no new snapshot), so this journal (`logs/imports.jsonl`)
is where it is recorded - with the same fields as an `import_log` row, for every source
(`cockpit load`, the Datenlieferung page, `cockpit rollback`). `cockpit history` shows both.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

JOURNAL = "imports.jsonl"
SOURCES = ("cli", "upload", "rollback")
OUTCOMES = ("published", "unchanged", "rejected", "failed")


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery attempt; the field names are the store's `import_log` column names."""

    import_id: str
    dataset_id: str
    file_name: str
    sha256: str
    user_name: str
    source: str  # one of SOURCES
    file_format: str
    sheet: str | None
    mapping: str | None  # JSON of the GENESIS mapping applied, None for CSV/XLSX
    definition_sha256: str | None
    restored_from: str | None
    started_at: datetime
    finished_at: datetime
    outcome: str  # one of OUTCOMES
    rows: int
    errors: int
    warnings: int
    message: str
    data_version: str | None = None

    def to_json(self) -> dict[str, object]:
        """The journal line; the short keys of earlier versions (at, dataset, file, user)
        are kept, so older readers of the journal keep working."""
        fields = asdict(self)
        fields["started_at"] = self.started_at.isoformat(timespec="seconds")
        fields["finished_at"] = self.finished_at.isoformat(timespec="seconds")
        return {"at": fields["finished_at"], "dataset": self.dataset_id,
                "file": self.file_name, "user": self.user_name, **fields}


def append(log_dir: Path, record: DeliveryRecord) -> None:
    """Append one record; an exclusive lock keeps lines of parallel workers whole."""
    log_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record.to_json(), ensure_ascii=False) + "\n"
    with open(log_dir / JOURNAL, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line)
        fh.flush()


def entries(log_dir: Path, dataset_id: str | None = None,
            outcomes: tuple[str, ...] = OUTCOMES) -> Iterator[Mapping[str, object]]:
    """Journal lines (oldest first) of one dataset and the given outcomes; lines that are
    no JSON object (a torn write, an edit by hand) are skipped."""
    path = log_dir / JOURNAL
    if not path.is_file():
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict) or entry.get("outcome") not in outcomes:
                continue
            if dataset_id is None or entry.get("dataset_id", entry.get("dataset")) == dataset_id:
                yield entry
