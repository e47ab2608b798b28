"""Publishing while the app serves: every answer is fully old or fully new; kill -9 is safe."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cockpit.context import Installation
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum

AREAS = [f"0{d}0{s}" for d in range(1, 7) for s in range(1, 5)]
GROUPS = ["00_02", "03_05", "06_09", "10_14", "15_17", "18_20", "21_24", "25_44", "45_64",
          "65_79", "80_PLUS"]


def _delivery(path: Path, value: int) -> None:
    lines = ["area_code;period;sex;age_group;nationality;value"]
    lines += [f"{a};2024;{s};{g};{n};{value}" for a in AREAS for s in ("m", "w")
              for g in GROUPS for n in ("deutsch", "nichtdeutsch")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cockpit(home: Path, *args: str, log: Path | None = None, **kwargs) -> subprocess.Popen:
    # A server's access log would fill an unread pipe and block it: log to a file.
    out = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "cockpit", "--home", str(home), *args],
                            stdout=out, stderr=subprocess.STDOUT, text=True, **kwargs)


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("concurrent")
    assert _cockpit(home, "init", "--demo").wait(timeout=120) == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _cockpit(home, "serve", "--port", str(port), "--workers", "2",
                      log=home / "server.log",
                      env={**os.environ, "COCKPIT_SECRET_KEY": "concurrency-test"})
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield home, base
    server.terminate()
    server.wait(timeout=30)


def test_readers_see_old_or_new_never_half(serving, tmp_path: Path) -> None:
    home, base = serving
    # A session through the real server: log in with the demo admin.
    name, _, password = next(
        line.split("\t") for line in (home / "demo-logins.txt").read_text().splitlines()
        if "\tadmin\t" in line)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": name, "password": password,
                                   "csrf_token": token}).encode()
    opener.open(base + "/login", data=data)
    url = base + "/api/v1/indicators/einwohner/values?area=00&period=2024"
    old = json.loads(opener.open(url).read())[0]["value"]
    new = float(len(AREAS) * 2 * len(GROUPS) * 2 * 7)
    assert old != new
    seen, errors, stop = [], [], threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                seen.append(json.loads(opener.open(url, timeout=10).read())[0]["value"])
            except Exception as exc:  # noqa: BLE001 - every failure counts
                errors.append(repr(exc))

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    source = tmp_path / "bevoelkerung_2024.csv"
    _delivery(source, 7)
    loader = _cockpit(home, "load", str(source), "--dataset", "bevoelkerung", "--yes")
    output, _ = loader.communicate(timeout=120)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join()
    assert loader.returncode == 0, output
    assert errors == []
    assert set(seen) <= {old, new}, set(seen)
    assert seen[-1] == new  # picked up without restart


def test_kill_9_during_publish_leaves_the_store_unchanged(serving, tmp_path: Path) -> None:
    home, _ = serving
    inst = Installation(load_settings(home=str(home)))
    before = (data_checksum(inst.store.read()), inst.store.current_version())
    inst.store.close()
    source = tmp_path / "big.csv"
    lines = ["area_code;period;sex;age_group;nationality;value"]
    # Every year the validator accepts (1990-2100) and both nationalities: bevoelkerung
    # is yearly, so months would be refused before anything is published.
    lines += [f"{a};{1990 + m // 2};{s};{g};{('deutsch', 'nichtdeutsch')[m % 2]};{m}"
              for m in range(222) for a in AREAS for s in ("m", "w") for g in GROUPS]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loader = _cockpit(home, "load", str(source), "--dataset", "bevoelkerung", "--yes")
    build = home / "store" / ".build"
    deadline = time.monotonic() + 120
    # Wait until the new snapshot is being written, then kill the loader mid-publish.
    while not (build.is_dir() and any(build.iterdir())):
        assert loader.poll() is None, "the load finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    inst = Installation(load_settings(home=str(home)))
    assert (data_checksum(inst.store.read()), inst.store.current_version()) == before
    inst.store.close()
    # the lock died with the process: the next publish works
    small = tmp_path / "small.csv"
    _delivery(small, 9)
    result = _cockpit(home, "load", str(small), "--dataset", "bevoelkerung", "--yes")
    output, _ = result.communicate(timeout=120)
    assert result.returncode == 0, output
    assert not any((home / "store" / ".build").iterdir())
