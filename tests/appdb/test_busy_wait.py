"""A login waits for another worker's write instead of failing (issue 9 load test).

100 committee members logging in at once made some logins fail with 500
("database is locked"): their write waited longer than sqlite's default 5 s.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from cockpit.appdb.database import connect
from cockpit.appdb.lockout import clear_failures, expired_lockout


def test_a_write_waits_for_a_lock_held_longer_than_five_seconds(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    holder = connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another worker's transaction holds the write lock
    holder.execute("INSERT INTO login_failures VALUES ('x', 1, '2026-01-01', NULL)")
    outcome: list[object] = []

    def login_writes() -> None:
        try:
            with connect(path) as conn:
                expired_lockout(conn, "ausschuss", datetime.now(UTC))
                clear_failures(conn, "ausschuss")
            outcome.append("ok")
        except Exception as exc:  # noqa: BLE001 - the failure is what is asserted
            outcome.append(exc)

    thread = threading.Thread(target=login_writes)
    thread.start()
    time.sleep(6.0)
    holder.commit()
    thread.join(30)
    holder.close()
    assert outcome == ["ok"]
