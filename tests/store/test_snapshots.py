"""Snapshots: publishing is all or nothing, readers see the new data afterwards."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cockpit.store import Store, StoreMissingError
from cockpit.store.checksum import data_checksum
from cockpit.store.snapshots import KEEP_SNAPSHOTS


def _publish_area(store: Store, code: str) -> None:
    with store.publish() as conn:
        conn.execute("INSERT INTO areas (code, name, level) VALUES (?, 'Stadt', 'city')", [code])


def test_empty_store_has_no_version(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.current_version() is None
    assert not store.exists()
    with pytest.raises(StoreMissingError, match="cockpit init --demo"):
        store.read()


def test_publish_makes_a_new_current_snapshot(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _publish_area(store, "00")
    first = store.current_version()
    assert first is not None
    assert store.read().execute("SELECT code FROM areas").fetchall() == [("00",)]
    _publish_area(store, "99")
    assert store.current_version() != first
    # the new snapshot starts as a copy of the old one
    codes = sorted(r[0] for r in store.read().execute("SELECT code FROM areas").fetchall())
    assert codes == ["00", "99"]
    version_in_data = store.read().execute(
        "SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
    assert version_in_data == store.current_version()


def test_failed_publish_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _publish_area(store, "00")
    version = store.current_version()
    checksum = data_checksum(store.read())
    files = store.snapshot_files()
    with pytest.raises(RuntimeError, match="boom"), store.publish() as conn:
        conn.execute("INSERT INTO areas (code, name, level) VALUES ('77', 'X', 'city')")
        raise RuntimeError("boom")
    assert store.current_version() == version
    assert data_checksum(store.read()) == checksum
    assert store.snapshot_files() == files
    assert not any((tmp_path / ".build").iterdir())


def test_readers_in_other_threads_get_their_own_cursor(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _publish_area(store, "00")
    cursors = []

    def read() -> None:
        cursors.append(store.read())

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in cursors}) == 3
    assert store.read() is store.read()


def test_publishing_keeps_only_the_newest_snapshots(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for code in ("00", "01", "02", "03", "04"):
        _publish_area(store, code)
    assert len(store.snapshot_files()) == KEEP_SNAPSHOTS
    assert store.snapshot_files()[-1] == store.current_path()
    removed = store.prune(keep=1)
    assert len(removed) == KEEP_SNAPSHOTS - 1
    assert store.snapshot_files() == [store.current_path()]


def test_readers_close_connections_to_superseded_snapshots(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for code in ("00", "01", "02", "03"):
        _publish_area(store, code)
        store.read().execute("SELECT count(*) FROM areas").fetchone()
    assert len(store._connections) == 2  # the current and the one before
    assert store.current_path() in store._connections


def test_unwritable_store_dir_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = Store(blocker / "store")
    with pytest.raises(PermissionError, match="nicht beschreibbar"), store.publish():
        pass
