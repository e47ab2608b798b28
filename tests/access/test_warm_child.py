"""The value tables computed by a child process that exits (issue 9, memory): the
worker maps the files and computes nothing; the child ends with the worker."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.table_cache import SharedTables
from cockpit.access.warm_child import shared_root, warm_in_child
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings

COMMITTEE = Viewer("ausschuss", "committee")


def _comparable(rows: list) -> list[tuple]:
    return [tuple("NaN" if isinstance(v, float) and math.isnan(v) else v for v in r)
            for r in rows]


@pytest.fixture
def home(tmp_path: Path) -> Installation:
    inst = Installation(load_settings(home=str(tmp_path / "home")))
    build_demo_store(inst.store, inst.catalog)
    return inst


def _warm_children() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "cockpit.access.warm_child" in command:
                found.append(command)
    return found


def test_two_children_compute_every_table_once_and_the_worker_nothing(
    home: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    results: list[bool] = []
    workers = [threading.Thread(target=lambda: results.append(warm_in_child(home, stop)))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert results == [True, True]
    files = list(shared_root(home).glob("*/*.values"))
    assert len(files) == len(home.registry)  # one file per indicator, none twice
    gate = Gate(home, shared=SharedTables(shared_root(home)))

    def refuse(*_args: object) -> None:
        raise AssertionError("the worker computed a table")

    monkeypatch.setattr(gate, "_build_frame", refuse)
    gate.warm()
    for indicator in gate.visible_indicators(COMMITTEE):
        assert _comparable(gate.rows(COMMITTEE, indicator.id, all_periods=True)) == \
            _comparable(Gate(home).rows(COMMITTEE, indicator.id, all_periods=True))


def test_stopping_ends_the_child_at_once(home: Installation) -> None:
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    assert warm_in_child(home, stop) is False
    assert time.monotonic() - started < 5
    assert not [c for c in _warm_children() if str(home.settings.home) in c]


def test_the_child_ends_with_the_worker_that_started_it(home: Installation) -> None:
    # A worker that leaves with os._exit (gunicorn's worker_exit) runs no clean-up.
    script = (
        "import os, threading, time\n"
        "from cockpit.access.warm_child import warm_in_child\n"
        "from cockpit.context import Installation\n"
        "from cockpit.settings import load_settings\n"
        f"inst = Installation(load_settings(home={str(home.settings.home)!r}))\n"
        "threading.Thread(target=warm_in_child, args=(inst, threading.Event()),"
        " daemon=True).start()\n"
        "time.sleep(1.5)\n"
        "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    deadline = time.monotonic() + 10
    while [c for c in _warm_children() if str(home.settings.home) in c]:
        assert time.monotonic() < deadline, "the child outlived its worker"
        time.sleep(0.1)
