"""Helpers for the login, session and header tests: a movable clock and a server per module."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask

from cockpit.app.auth import CLOCK_KEY
from cockpit.app.server import create_server
from cockpit.context import Installation
from cockpit.settings import load_settings


class FakeClock:
    """A clock the test moves forward instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def server_on(demo: Installation, home: Path,
              **settings: str) -> tuple[flask.Flask, FakeClock, Installation]:
    """A server on the demo store with its own app database, settings and clock.

    Its own app database, because a clock moved by hours would expire the
    sessions of the shared test clients, and lockouts must not leak between tests.
    """
    home.mkdir(parents=True, exist_ok=True)
    (home / "store").symlink_to(demo.settings.store_dir, target_is_directory=True)
    inst = Installation(load_settings(home=str(home), **settings))
    server = create_server(inst, secret_key="security-test", warm=False)
    server.config["TESTING"] = True
    clock = FakeClock()
    server.config[CLOCK_KEY] = clock
    return server, clock, inst


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def post_login(client, name: str, password: str, **extra: str) -> Any:
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": csrf_token(client), **extra})


def audit_rows(inst: Installation, action: str, since_id: int = 0) -> list[dict]:
    with inst.app_db() as conn:
        rows = conn.execute("SELECT id, user_name, action, detail, source, address"
                            " FROM audit_log"
                            " WHERE action = ? AND id > ? ORDER BY id",
                            (action, since_id)).fetchall()
    return [dict(row) for row in rows]


def last_audit_id(inst: Installation) -> int:
    with inst.app_db() as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
