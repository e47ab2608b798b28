"""Computed value tables of the current data version as files that every worker maps.

Each gunicorn worker used to compute every indicator itself and keep its own copy
(at 11,000 areas ~0.6 GB per worker: the tables, the sandbox's copy of the
observations, what the computation left behind). Here the first process that
needs a table computes it under a file lock and writes it; the others wait for
the lock and map the file, so the pages exist once for all workers and the
second worker computes nothing.

A file is named by the data version (the snapshot file's identity) and a key
of everything else the table follows from: the indicator's definition, its
min_count, the correspondence tables, the tables it is derived from and the
cockpit code itself. Anything changed means another name, never a stale table.
The folder is 0700 and the files 0600: they hold what the snapshot holds
(values before suppression, with the flags), nothing of any viewer.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from cockpit.access.value_table import ValueTable, ValueTableFileError

logger = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent.parent  # cockpit/
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@functools.cache
def code_digest() -> str:
    """A digest of the cockpit's Python sources: an update means new tables."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def definition_key(indicator: object, min_count: int, correspondences: object,
                   sources: list[str]) -> str:
    """A digest of everything an indicator's table follows from besides the data: its
    definition, min_count, the correspondence tables, the keys of the tables it is
    derived from, and the code."""
    digest = hashlib.sha256()
    for part in (code_digest(), repr(indicator), str(min_count), repr(correspondences),
                 *sources):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class SharedTables:
    """Value tables on disk below `root`, one folder per data version."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder_of(self, version: str, snapshot: Path) -> Path:
        try:
            stat = snapshot.stat()
            identity = f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}"
        except OSError:
            identity = "unknown"
        return self.root / _SAFE.sub("_", f"{version}-{identity}")

    def find(self, version: str, snapshot: Path, name: str, key: str) -> ValueTable | None:
        """The table `name` with `key` of this data version if a worker has written it
        (mapped), else None; makes no folder and computes nothing."""
        path = self._folder_of(version, snapshot) / f"{_SAFE.sub('_', name)}.{key[:32]}.values"
        return _try_load(path)

    def folder(self, version: str, snapshot: Path) -> Path:
        """The folder of this data version (made 0700 on first use; older ones removed)."""
        folder = self._folder_of(version, snapshot)
        if not folder.is_dir():
            # Every folder made on the way is private too (mkdir's `mode` applies to the
            # last one only): home/cache would otherwise be 0755.
            for missing in reversed([self.root, *self.root.parents]):
                if not missing.exists():
                    missing.mkdir(mode=0o700)
                    os.chmod(missing, 0o700)
            os.chmod(self.root, 0o700)
            folder.mkdir(mode=0o700, exist_ok=True)
            self._remove_others(keep=folder)
        return folder

    def _remove_others(self, keep: Path) -> None:
        """Remove the folders of other data versions (a process still mapping one of
        their files keeps its pages until it lets go; unlinking is safe)."""
        for other in self.root.iterdir():
            if other != keep and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)

    def table(self, version: str, snapshot: Path, name: str, key: str,
              build: Callable[[], ValueTable]) -> ValueTable:
        """The table `name` with `key` of this data version (`snapshot` its file): mapped
        from its file, or built (by one process at a time) and written first. Any
        problem with the files (a read-only home, a full disk) falls back to `build`."""
        try:
            folder = self.folder(version, snapshot)
        except OSError as exc:
            logger.warning("Wertetabelle %s ohne gemeinsame Datei: %s", name, exc)
            return build()
        path = folder / f"{_SAFE.sub('_', name)}.{key[:32]}.values"
        found = _try_load(path)
        if found is not None:
            return found
        try:
            lock = _lock(folder / f"{_SAFE.sub('_', name)}.lock")
        except OSError as exc:  # a read-only or vanished folder: compute as before
            logger.warning("Wertetabelle %s ohne gemeinsame Datei: %s", name, exc)
            return build()
        try:
            found = _try_load(path)  # another worker may have written it meanwhile
            if found is not None:
                return found
            table = build()
            try:
                table.save(path)
            except OSError as exc:
                logger.warning("Wertetabelle %s nicht gespeichert: %s", name, exc)
                return table
            return _try_load(path) or table  # mapped: its pages shared from now on
        finally:
            os.close(lock)  # releases the lock


def _try_load(path: Path) -> ValueTable | None:
    """The table in `path`, or None when there is none (or none that can be read:
    a damaged file is removed and computed anew, never trusted)."""
    try:
        return ValueTable.load(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueTableFileError) as exc:
        logger.warning("Wertetabelle unlesbar, wird neu berechnet: %s", exc)
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def _lock(path: Path) -> int:
    """An open descriptor of `path` holding its exclusive lock (closing it releases it)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd
