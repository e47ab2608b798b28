"""The app database (password hashes, sessions, audit log) is readable by its owner only."""

from __future__ import annotations

import os
import stat
from contextlib import closing

from cockpit.appdb.database import connect


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_files_are_0600(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "app.sqlite"
        with closing(connect(path)) as conn, conn:
            conn.execute("CREATE TABLE probe (x)")
            assert _mode(path) == 0o600
            companions = [p for p in tmp_path.iterdir() if p.name != "app.sqlite"]
            assert companions  # WAL mode: -wal and -shm exist while open
            assert all(_mode(p) == 0o600 for p in companions), [(p, oct(_mode(p)))
                                                                for p in companions]
    finally:
        os.umask(old)


def test_an_older_world_readable_database_is_tightened(tmp_path) -> None:
    path = tmp_path / "app.sqlite"
    connect(path).close()
    path.chmod(0o644)
    connect(path).close()
    assert _mode(path) == 0o600


def test_the_schema_is_still_migrated(tmp_path) -> None:
    with closing(connect(tmp_path / "app.sqlite")) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
