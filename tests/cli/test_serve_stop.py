"""Stopping `cockpit serve` at any moment ends it cleanly (issue 9).

Starting, importing, validating, forking workers, warming the gate inside
DuckDB: a SIGTERM or SIGINT in any of these phases must end the server with
exit code 0, without an abort (SIGABRT, "FATAL: exception not rethrown"), a
traceback or a killed worker, and leave no process behind.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from cockpit.access.gate import Gate
from cockpit.app.server import _Warmer
from cockpit.cli import early_stop
from cockpit.context import Installation
from cockpit.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
COCKPIT = Path(sys.executable).with_name("cockpit")
# What an unclean end prints: glibc's and C++'s abort messages, gunicorn's killed
# worker, Python's traceback (e.g. KeyboardInterrupt while importing).
UNCLEAN = ("FATAL", "Abort", "SIGABRT", "terminate called", "SIGKILL", "Traceback",
           "exception not rethrown")


@pytest.fixture(scope="module")
def city_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with 540 areas (bench/scale_city.py), so warming takes a while."""
    spec = importlib.util.spec_from_file_location("scale_city", ROOT / "bench" / "scale_city.py")
    scale_city = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale_city)
    home = tmp_path_factory.mktemp("city540")
    scale_city.build(Installation(load_settings(home=home)), districts=18, areas=540)
    return home


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the 2nd field after the command name in parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture
def serve():
    """Start `cockpit serve` on a home and port; any server a failed test leaves is killed."""
    started: list[subprocess.Popen] = []

    def start(home: Path, port: int) -> subprocess.Popen:
        env = dict(os.environ, COCKPIT_HOME=str(home), COCKPIT_SECRET_KEY="s" * 32)
        proc = subprocess.Popen(
            [str(COCKPIT), "serve", "--port", str(port), "--workers", "2"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def _stop_and_check(proc: subprocess.Popen, sig: signal.Signals, moment: str) -> None:
    workers = _children(proc.pid)
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{sig.name} {moment}: the server did not stop within 30 s")
    assert proc.returncode == 0, f"{sig.name} {moment}: exit {proc.returncode}\n{err[-3000:]}"
    unclean = [line for line in err.splitlines() if any(word in line for word in UNCLEAN)]
    assert not unclean, f"{sig.name} {moment}:\n{err[-3000:]}"
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not left, f"{sig.name} {moment}: workers {left} still running"


def _caught(pid: int) -> set[signal.Signals]:
    """The signals the process has handlers for (/proc's SigCgt mask)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            mask = int(line.split()[1], 16)
            return {sig for sig in signal.Signals if mask & (1 << (sig - 1))}
    return set()


@pytest.mark.parametrize(("sig", "delay"), [
    # The first moment cockpit code runs (the interpreter itself starts before it):
    # the default action would exit with -15, SIGINT would print a traceback (-2).
    (signal.SIGTERM, 0.0),
    (signal.SIGINT, 0.0),
    (signal.SIGINT, 0.8),   # importing
    (signal.SIGTERM, 2.5),  # validating the registry, or gunicorn booting its workers
])
def test_a_stop_while_starting_ends_with_zero(city_home: Path, serve, sig: signal.Signals,
                                              delay: float) -> None:
    proc = serve(city_home, _free_port())
    deadline = time.monotonic() + 20
    while signal.SIGTERM not in (caught := _caught(proc.pid)):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.002)
    # Caught while cockpit still imports: gunicorn's arbiter (which catches SIGHUP
    # too) has not started yet; without the early handler SIGTERM is caught only by it.
    assert signal.SIGHUP not in caught
    time.sleep(delay)
    _stop_and_check(proc, sig, f"{delay} s after the handler")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_while_the_workers_warm_ends_cleanly(city_home: Path, serve,
                                                    sig: signal.Signals) -> None:
    port = _free_port()
    proc = serve(city_home, port)
    deadline = time.monotonic() + 45
    # The first answer comes from a worker whose warm-up thread has just started
    # (create_server starts it): stopping now stops it inside the computation.
    while not _healthy(port):
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the server did not answer within 45 s"
        time.sleep(0.05)
    while len(_children(proc.pid)) < 2:  # the second worker may fork a moment later
        assert time.monotonic() < deadline, "the second worker did not start"
        time.sleep(0.05)
    _stop_and_check(proc, sig, "while warming")


def test_stopping_the_warm_up_interrupts_the_query_it_is_inside(city_home: Path) -> None:
    """Outside gunicorn (atexit), the warm-up is interrupted inside DuckDB, not waited out."""
    inst = Installation(load_settings(home=city_home))
    inside = threading.Event()

    class SlowGate(Gate):  # the real warm-up, whose first indicator runs for minutes
        def _table(self, indicator):  # noqa: ANN001, ANN202 - Gate's signature
            inside.set()
            self.inst.store.read().execute(
                "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3"
            ).fetchall()

    warmer = _Warmer(SlowGate(inst))
    warmer.thread.start()
    assert inside.wait(10)
    time.sleep(0.3)  # inside the query
    started = time.monotonic()
    assert warmer.stop(timeout=10), "the warm-up thread did not end"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("argv", "installed"), [
    (["/venv/bin/cockpit", "serve", "--port", "8051"], True),
    (["/venv/bin/cockpit", "--home", "/srv/cockpit", "serve"], True),
    (["/repo/cockpit/__main__.py", "serve"], True),
    (["/venv/bin/cockpit", "load", "x.csv", "--dataset", "serve"], False),
    (["/venv/bin/cockpit", "--home", "serve", "check"], False),
    (["/venv/bin/pytest", "serve"], False),
])
def test_quiet_stop_handlers_only_for_serve(argv: list[str], installed: bool) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        assert early_stop.install(argv) is installed
        assert (signal.getsignal(signal.SIGTERM) is not before[0]) is installed
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])


def test_with_preload_the_master_builds_the_app_and_each_worker_warms_it(
        city_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The master (before the fork) starts no thread and keeps no DuckDB connection."""
    from types import SimpleNamespace

    from cockpit.app.server import WARMER_KEY
    from cockpit.app.session import GATE_KEY
    from cockpit.cli.serve import _Gunicorn, _start_worker

    monkeypatch.setenv("COCKPIT_SECRET_KEY", "s" * 32)
    app = _Gunicorn(str(city_home), {"workers": 2}, preload=True)
    assert app.cfg.preload_app
    server = app.load()
    assert WARMER_KEY not in server.extensions
    assert not [t for t in threading.enumerate() if t.name == "gate-warm"]
    store = server.extensions[GATE_KEY].inst.store
    assert not store._connections and not store._local.__dict__.get("cursors")
    _start_worker(SimpleNamespace(wsgi=server))  # what gunicorn calls in each worker
    warmer = server.extensions[WARMER_KEY]
    assert warmer.thread.name == "gate-warm"
    _start_worker(SimpleNamespace(wsgi=server))  # a second call starts no second warm-up
    assert server.extensions[WARMER_KEY] is warmer
    assert warmer.stop(timeout=30)


def test_a_query_interrupted_by_the_stop_signal_ends_with_zero(monkeypatch) -> None:
    """DuckDB turns the stop signal's SystemExit into "Query interrupted" (RuntimeError)
    when it arrives inside a query, e.g. the registry check before gunicorn starts."""
    import importlib

    from cockpit.cli import early_stop

    main_module = importlib.import_module("cockpit.cli.main")

    def interrupted(**_kwargs) -> None:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(main_module, "cli", interrupted)
    monkeypatch.setattr(early_stop, "_stopping", True)
    with pytest.raises(SystemExit) as stop:
        main_module.main()
    assert stop.value.code == 0
    monkeypatch.setattr(early_stop, "_stopping", False)
    with pytest.raises(RuntimeError):  # without a stop signal it is a real error
        main_module.main()
