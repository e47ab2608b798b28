"""Run `cockpit serve` as a real server for the load and memory benchmarks (issue 9).

Homes for three scales (the demo, 540 and 11,000 areas from scale_city.py),
a server in its own process group on a free loopback port, the wait until its
workers have finished warming (their CPU time stops growing), the memory of
master and workers from /proc, and committee logins for simulated members.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cockpit.appdb import add_user, get_user  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402

SCALES = {"demo": None, "540": (540, 18), "11000": (11_000, 400)}
PASSWORD = "Ausschuss-Bench-2026!"  # only ever on a throw-away home on loopback
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def make_home(scale: str, home: Path) -> Path:
    """Build the home for `scale` at `home` unless it has a store already."""
    inst = Installation(load_settings(home=home))
    if inst.store.exists():
        return home
    if scale == "demo":
        from cockpit.cli.init import build_demo
        build_demo(inst)
    else:
        from scale_city import build
        areas, districts = SCALES[scale]
        build(inst, districts=districts, areas=areas)
    return home


def ensure_committee(home: Path, count: int) -> list[str]:
    """`count` committee members bench-ausschuss-001.. with PASSWORD; their names."""
    inst = Installation(load_settings(home=home))
    names = [f"bench-ausschuss-{i:03d}" for i in range(1, count + 1)]
    with inst.app_db() as conn:
        for name in names:
            if get_user(conn, name) is None:
                add_user(conn, name, "committee", PASSWORD)
    return names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (gunicorn's workers of its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MiB; PSS splits pages shared after the fork."""
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1]) * 1024
    return rss / 2**20, pss / 2**20


class Server:
    """`cockpit serve` on a free loopback port; a context manager that stops it."""

    def __init__(self, home: Path, *, workers: int = 2, log: Path | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.home, self.workers, self.port = home, workers, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log or home / "bench-serve.log"
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = dict(os.environ, COCKPIT_HOME=str(self.home),
                   COCKPIT_SECRET_KEY="bench-" + "k" * 32, **self.extra_env)
        cockpit = Path(sys.executable).with_name("cockpit")
        self._log = open(self.log, "w")  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(
            [str(cockpit), "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while not self._healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {self.log}")
            time.sleep(0.2)
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def pids(self) -> list[int]:
        return [self.proc.pid, *children(self.proc.pid)]

    def wait_idle(self, quiet: float = 3.0, limit: float = 600.0) -> float:
        """Wait until no process of the server used CPU for `quiet` seconds
        (the warm-up has ended); return the seconds waited."""
        start = time.monotonic()
        last, since = None, time.monotonic()
        while time.monotonic() - start < limit:
            used = sum(cpu_seconds(p) for p in self.pids())
            if last is None or used - last > 0.05:
                last, since = used, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
            time.sleep(0.5)
        return time.monotonic() - start - quiet

    def memory(self) -> dict[str, float]:
        """RSS and PSS (MiB) of the master, each worker and their sums."""
        result: dict[str, float] = {}
        master, *workers = self.pids()
        rss, pss = memory_mib(master)
        result.update(master_rss=rss, master_pss=pss)
        for i, pid in enumerate(sorted(workers), 1):
            rss, pss = memory_mib(pid)
            result[f"worker{i}_rss"], result[f"worker{i}_pss"] = rss, pss
        result["sum_rss"] = sum(v for k, v in result.items() if k.endswith("_rss"))
        result["sum_pss"] = sum(v for k, v in result.items() if k.endswith("_pss"))
        return result

    def __exit__(self, *_exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
