"""Immutable DuckDB snapshots: readers open the current one, publishers add a new one.

DuckDB lets only one process write a file, and a writer blocks readers in other
processes. So nothing ever writes the file that readers use: a publisher builds a
new snapshot file beside it and then switches the CURRENT pointer atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cockpit.store.schema import create_schema

_POINTER = "CURRENT"
_SNAPSHOT_DIR = "snapshots"
_BUILD_DIR = ".build"
_LOCK = ".publish.lock"
# Readers in other processes may still be on the previous snapshots; on POSIX a
# deleted file stays readable for whoever has it open.
KEEP_SNAPSHOTS = 3


class StoreMissingError(RuntimeError):
    """Raised when no snapshot has been published yet."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """The analytic store below one directory; the only code that knows its file names."""

    def __init__(self, store_dir: Path) -> None:
        self.store_dir = Path(store_dir)
        self._lock = threading.Lock()
        self._connections: dict[Path, duckdb.DuckDBPyConnection] = {}
        self._local = threading.local()
        self._pointer_seen: tuple[tuple[int, int, int, int], str | None] | None = None

    # -- reading -----------------------------------------------------------
    def current_version(self) -> str | None:
        """Return the version id of the current snapshot, or None if there is none.

        Asked several times per gate call (a profile: ~250 times per page), so the
        pointer is read again only when its file has changed: a publish replaces it
        (os.replace: another inode), which its stat tells at once.
        """
        pointer = self.store_dir / _POINTER
        try:
            stat = os.stat(pointer)
        except FileNotFoundError:
            return None
        identity = (stat.st_ino, stat.st_dev, stat.st_mtime_ns, stat.st_size)
        seen = self._pointer_seen
        if seen is not None and seen[0] == identity:
            return seen[1]
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        version = name.removesuffix(".duckdb") or None
        self._pointer_seen = (identity, version)
        return version

    def exists(self) -> bool:
        """Tell whether a snapshot has been published."""
        return self.current_version() is not None

    def current_path(self) -> Path:
        """Return the file of the current snapshot."""
        version = self.current_version()
        if version is None:
            raise StoreMissingError(
                f"Kein Datenbestand in {self.store_dir} – zuerst 'cockpit init --demo' "
                "ausführen oder Daten laden."
            )
        return self.store_dir / _SNAPSHOT_DIR / f"{version}.duckdb"

    def snapshot_path(self, version: str) -> Path:
        """The file of one published snapshot (it may have been pruned since)."""
        path = self.store_dir / _SNAPSHOT_DIR / f"{version}.duckdb"
        if not path.is_file():
            raise StoreMissingError(f"Datenstand {version} ist nicht mehr vorhanden.")
        return path

    def read(self, version: str | None = None) -> duckdb.DuckDBPyConnection:
        """Return this thread's read-only cursor on the current (or a given) snapshot.

        Pinning a version lets one computation read a single snapshot even if
        a new one is published meanwhile.
        """
        path = self.current_path() if version is None else self.snapshot_path(version)
        cursors: dict[Path, duckdb.DuckDBPyConnection] = self._local.__dict__.setdefault(
            "cursors", {}
        )
        cursor = cursors.get(path)
        if cursor is None:
            # A connection is shared per snapshot; DuckDB cursors are per thread.
            with self._lock:
                conn = self._connections.get(path)
                if conn is None:
                    conn = duckdb.connect(str(path), read_only=True)
                    self._connections[path] = conn
                    self._close_superseded(opened=path)
            cursor = conn.cursor()
            cursors.clear()
            cursors[path] = cursor
        return cursor

    def _close_superseded(self, opened: Path, keep: int = 2) -> None:
        # A request may still finish on the previous snapshot; anything older than
        # that is no longer used, and holding it would keep deleted files alive.
        for old in sorted(self._connections)[:-keep]:
            if old != opened:
                self._connections.pop(old).close()

    def close(self) -> None:
        """Close every connection this object opened."""
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- publishing --------------------------------------------------------
    @contextlib.contextmanager
    def publish(self, *, start_empty: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a writable connection to a new snapshot that becomes current on success.

        The new snapshot starts as a copy of the current one (or empty when
        `start_empty` or when there is none). If the block raises, the new file
        is discarded and the current snapshot stays untouched.
        """
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            (self.store_dir / _SNAPSHOT_DIR).mkdir(exist_ok=True)
            build_dir = self.store_dir / _BUILD_DIR
            build_dir.mkdir(exist_ok=True)
            lock_file = open(self.store_dir / _LOCK, "a+")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise PermissionError(
                f"Datenverzeichnis {self.store_dir} ist nicht beschreibbar: {exc.strerror}"
            ) from exc
        with lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            # Holding the lock, anything left in .build is from a publisher that died
            # (e.g. kill -9); it was never visible to readers and can go.
            for leftover in build_dir.iterdir():
                leftover.unlink(missing_ok=True)
            version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            tmp = build_dir / f"{version}.duckdb"
            current = None if start_empty else self._current_path_or_none()
            if current is not None:
                shutil.copyfile(current, tmp)
                conn = duckdb.connect(str(tmp))
            else:
                conn = duckdb.connect(str(tmp))
                create_schema(conn)
            try:
                yield conn
                conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", [version]
                )
                conn.execute("CHECKPOINT")
                conn.close()
                self._switch_to(tmp, version)
                self.prune(keep=KEEP_SNAPSHOTS)
            except BaseException:
                conn.close()
                tmp.unlink(missing_ok=True)
                Path(f"{tmp}.wal").unlink(missing_ok=True)
                raise

    def _current_path_or_none(self) -> Path | None:
        try:
            return self.current_path()
        except StoreMissingError:
            return None

    def _switch_to(self, built: Path, version: str) -> None:
        final = self.store_dir / _SNAPSHOT_DIR / f"{version}.duckdb"
        with open(built, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(built, final)
        pointer_tmp = self.store_dir / f"{_POINTER}.tmp"
        with open(pointer_tmp, "w", encoding="utf-8") as fh:
            fh.write(final.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer_tmp, self.store_dir / _POINTER)
        _fsync_dir(self.store_dir)

    def snapshot_files(self) -> list[Path]:
        """Return all published snapshot files, oldest first."""
        folder = self.store_dir / _SNAPSHOT_DIR
        return sorted(folder.glob("*.duckdb")) if folder.is_dir() else []

    def prune(self, keep: int = 3) -> list[Path]:
        """Delete all but the newest `keep` snapshots (never the current one)."""
        current = self._current_path_or_none()
        removed = []
        for path in self.snapshot_files()[:-keep] if keep > 0 else self.snapshot_files():
            if path != current:
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed
