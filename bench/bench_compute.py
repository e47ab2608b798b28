"""Cold computation of every indicator on the demo store (roll-up included, no suppression).

Each run opens a fresh connection to the demo snapshot and computes all
indicators once, as the gate does after a new data version. Runs alternate
between the sandbox (issue 8: indicator SQL sees only its declared datasets)
and the SQL run directly on the snapshot, so the machine's noise hits both.
"cold" empties the sandbox's table cache before the run (first computation
after a new data version), "warm" keeps it.
Usage: python bench/bench_compute.py [--runs 7] [--home DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from cockpit.context import Installation  # noqa: E402
from cockpit.demo.build import build_demo_store  # noqa: E402
from cockpit.indicators import compute, sandbox  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--home", default=None)
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="bench-compute-")
    inst = Installation(load_settings(home=home))
    if not inst.store.exists():
        build_demo_store(inst.store, inst.catalog)
    path = str(inst.store.current_path())
    indicators = list(inst.registry)
    sandboxed = compute.run_sandboxed

    def direct(conn, sql, datasets, params=None):  # noqa: ANN001, ANN202 - the old way
        return conn.execute(sql, params).df()

    variants = {"direct (no sandbox)": (direct, False), "sandbox, cold": (sandboxed, True),
                "sandbox, warm": (sandboxed, False)}
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, (runner, clear) in variants.items():
            compute.run_sandboxed = runner
            if clear:
                sandbox._sources.clear()
            conn = duckdb.connect(path, read_only=True)
            start, start_cpu = time.perf_counter(), time.process_time()
            for indicator in indicators:
                compute.compute_indicator(conn, indicator)
            times[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.process_time() - start_cpu) * 1000)
            conn.close()
    # CPU time (all threads) is less disturbed by other processes on a shared machine.
    base = statistics.median(times["direct (no sandbox)"])
    base_cpu = statistics.median(cpu["direct (no sandbox)"])
    print(f"{len(indicators)} indicators, {args.runs} runs each")
    print("| variant | wall median ms | wall min ms | vs direct | CPU median ms | vs direct |")
    print("|---|---|---|---|---|---|")
    for name, values in times.items():
        median, cpu_median = statistics.median(values), statistics.median(cpu[name])
        print(f"| {name} | {median:.0f} | {min(values):.0f} | {median / base - 1:+.0%} "
              f"| {cpu_median:.0f} | {cpu_median / base_cpu - 1:+.0%} |")


if __name__ == "__main__":
    main()
