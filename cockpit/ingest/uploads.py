"""Files uploaded on the Datenlieferung page, kept on the server between check and publish.

Each upload gets a folder named by a random token, holding the file and a small record of
who uploaded it and when. The browser only ever holds the token; a token is worth nothing
to another user (`UploadForeign`), and folders older than the configured age are deleted,
so uploads do not pile up.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_OWNER_FILE = "upload.json"
_FILE_DIR = "file"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(Exception):
    """The token names no upload this user may use; `message` is German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UploadMissing(UploadError):
    """No such upload (never existed, expired, or already published)."""


class UploadForeign(UploadError):
    """The upload belongs to another user."""


def safe_file_name(name: str, default: str = "lieferung.csv") -> str:
    """A file name without path, odd characters or a leading dot, at most 111 characters;
    the extension is kept, because it decides how the file is read."""
    cleaned = _SAFE_NAME.sub("_", Path(name).name).lstrip(".")
    stem, dot, suffix = cleaned.rpartition(".")
    cleaned = f"{stem[:100]}.{suffix[:10]}" if dot and suffix else cleaned[:111]
    return cleaned if cleaned.strip("._") else default


class Uploads:
    """The upload folders below `root`; folders older than `max_age` seconds expire."""

    def __init__(self, root: Path, max_age: float) -> None:
        self.root = root
        self.max_age = max_age

    def save(self, user: str, dataset_id: str, name: str, data: bytes) -> str:
        """Keep `data` for `user` and return the new token (expired folders go first)."""
        self.expire()
        token = secrets.token_urlsafe(24)
        folder = self.root / token
        (folder / _FILE_DIR).mkdir(parents=True)
        (folder / _FILE_DIR / safe_file_name(name)).write_bytes(data)
        record = {"user": user, "dataset": dataset_id, "created": time.time()}
        (folder / _OWNER_FILE).write_text(json.dumps(record, ensure_ascii=False),
                                          encoding="utf-8")
        return token

    def file(self, token: object, user: str) -> Path:
        """The uploaded file of `token`, if `user` uploaded it; else UploadError."""
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            raise UploadMissing("Unbekannte Lieferung; bitte die Datei erneut hochladen.")
        folder = self.root / token
        record = self._record(folder)
        if record is None or self._expired(folder, record):
            raise UploadMissing("Die Lieferung ist nicht mehr vorhanden; bitte erneut "
                                "hochladen.")
        if record.get("user") != user:
            raise UploadForeign("Diese Lieferung hat eine andere Person hochgeladen; nur sie "
                                "kann sie veröffentlichen oder ihren Prüfbericht laden.")
        files = sorted((folder / _FILE_DIR).iterdir())
        if len(files) != 1:
            raise UploadMissing("Die Lieferung ist unvollständig; bitte erneut hochladen.")
        return files[0]

    def remove(self, token: str) -> None:
        """Delete one upload (after it was published)."""
        if TOKEN_PATTERN.match(token):
            shutil.rmtree(self.root / token, ignore_errors=True)

    def expire(self, now: float | None = None) -> int:
        """Delete upload folders older than `max_age`; return how many were deleted."""
        if not self.root.is_dir():
            return 0
        now = time.time() if now is None else now
        removed = 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            if self._expired(folder, self._record(folder), now):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def _expired(self, folder: Path, record: dict | None, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        created = record.get("created") if record else None
        if not isinstance(created, int | float):
            # Folders without a record (older versions, broken writes): their age is the mtime.
            try:
                created = folder.stat().st_mtime
            except OSError:
                return False
        return now - created > self.max_age

    @staticmethod
    def _record(folder: Path) -> dict | None:
        try:
            record = json.loads((folder / _OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None
