"""Compute every value table in a short-lived child process (issue 9, memory).

A worker that computes the tables itself keeps what the computation needed long
after: the sandbox's copy of the snapshot's observations, pandas' intermediate
frames, a fragmented heap (at 11,000 areas ~0.4 GB per worker). A child process
computes them into the shared table files (table_cache) and exits, which returns
all of it; the worker then only maps the files. Each worker starts one child;
the two children take the indicators from opposite ends of the catalogue (each
table under its file lock), so together they finish in about half the time.

The worker starts it (`warm_in_child`); it is not a user command.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from cockpit.context import Installation

logger = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
# The child's first lines, before any import of the cockpit (pandas, DuckDB: seconds
# on a busy machine): end with the worker that starts it, even if that worker is
# gone already; a child that outlived it would hold the worker's output open.
_BOOT = ("import ctypes, os, sys; "
         f"ctypes.CDLL('libc.so.6').prctl({_PR_SET_PDEATHSIG}, 9); "
         "os.getppid() == int(sys.argv[1]) or os._exit(1); "
         "from cockpit.access.warm_child import main; main(sys.argv[2:])")


def shared_root(inst: Installation) -> Path:
    """Where `cockpit serve` keeps the value-table files of this installation."""
    return inst.settings.home / "cache" / "values"


def warm_in_child(inst: Installation, stop: threading.Event, timeout: float = 3600) -> bool:
    """Run the child and wait for it; True when it computed every table. `stop` ends
    it at once (the worker shuts down); so does the worker's death (PDEATHSIG)."""
    command = [sys.executable, "-c", _BOOT, str(os.getpid()),
               "--home", str(inst.settings.home),
               "--queries-dir", str(inst.settings.queries_dir),
               "--data-dir", str(inst.settings.data_dir)]
    try:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603 - our own module
    except OSError as exc:
        logger.warning("Vorberechnung im Kindprozess nicht gestartet: %s", exc)
        return False
    waited = 0.0
    while True:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return child.wait(timeout=0.2) == 0
        waited += 0.2
        if stop.is_set() or waited > timeout:
            child.kill()
            child.wait()
            return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cockpit.access.warm_child")
    parser.add_argument("--home", required=True)
    parser.add_argument("--queries-dir", required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args(argv)

    from cockpit.access.gate import Gate
    from cockpit.access.table_cache import SharedTables
    from cockpit.settings import load_settings

    inst = Installation(load_settings(home=args.home, queries_dir=args.queries_dir,
                                      data_dir=args.data_dir))
    root = shared_root(inst)
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        ahead = os.open(root / ".warm-front.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:  # a read-only home: the worker computes for itself
        logger.warning("Keine gemeinsamen Wertetabellen in %s: %s", root, exc)
        os._exit(2)
    gate = Gate(inst, shared=SharedTables(root))
    indicators = list(gate.registry)
    # The first child takes the catalogue from the front, the second from the back.
    try:
        fcntl.flock(ahead, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        indicators.reverse()
    failed = 0
    for indicator in indicators:
        try:
            gate._table(indicator)  # noqa: SLF001 - computes and writes the shared file
        except Exception:  # noqa: BLE001 - a broken indicator fails on request, loudly
            failed += 1
            logger.exception("Indikator %s konnte nicht berechnet werden", indicator.id)
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without the interpreter's clean-up (DuckDB's native destructors; nothing
    # is left to write): the files are complete, the locks go with the process.
    os._exit(1 if failed else 0)


if __name__ == "__main__":
    main()
