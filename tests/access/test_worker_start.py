"""A worker opens its sandbox database when it starts, never before a fork."""

from __future__ import annotations

import pytest

from cockpit.access import Gate
from cockpit.context import Installation
from cockpit.indicators import sandbox


def test_a_gate_opens_no_database_until_its_worker_starts(
        demo: Installation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_database", None)
    gate = Gate(demo)  # built in gunicorn's master with preload: nothing to fork
    assert sandbox._database is None
    gate.start_worker()
    assert sandbox._database is not None
    assert sandbox._database[1].execute("SELECT 1").fetchone() == (1,)
