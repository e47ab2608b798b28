"""The session lookup's kept connection: one per thread, never stale."""

from __future__ import annotations

import threading
from pathlib import Path

from cockpit.appdb.database import connect, thread_connection
from cockpit.appdb.users import add_user, get_user, remove_user


def test_one_connection_per_thread_that_sees_other_connections_commits(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    kept = thread_connection(path)
    assert thread_connection(path) is kept
    other: list[object] = []
    worker = threading.Thread(target=lambda: other.append(thread_connection(path)))
    worker.start()
    worker.join()
    assert other[0] is not kept  # sqlite3 connections belong to their thread

    assert get_user(kept, "anna") is None
    writer = connect(path)
    add_user(writer, "anna", "committee", "korrekt-Pferd-Batterie")
    assert get_user(kept, "anna") is not None  # no old snapshot held open
    remove_user(writer, "anna")
    assert get_user(kept, "anna") is None
    writer.close()
