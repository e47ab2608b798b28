"""The Zusammenhang (scatter) callback against the comparison callback, in one run (issue 10).

Runs the real Flask/Dash stack in-process (Flask test client, no network), logged in
as `committee`, with both indicators' values computed once first (warm gate). Each
round calls, one after the other: the comparison callback (full update, as on a new
indicator; the reference), the scatter callback (full update), the scatter with
bubbles by residents (a third indicator), and a scatter highlight change. Reported per
case: median and p95 of wall time and of CPU time (the process's, which a shared
machine disturbs less), the response size, and the ratio of the CPU medians to the
comparison's. With `--cold-runs`, the first call after a publish (a new snapshot: every
cache is stale) of each callback, alternating.

Usage:
    python bench/bench_scatter.py --scale demo --header
    python bench/scale_city.py --home /tmp/x540 --areas 540 --districts 20
    python bench/bench_scatter.py --scale 540 --home /tmp/x540 --cold-runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_compare_scale import OUTPUTS as COMPARE_OUTPUTS  # noqa: E402
from bench_compare_scale import _client, _p95  # noqa: E402

from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback  # noqa: E402

SCATTER_OUTPUTS = ["scatter-graph.figure", "scatter-highlight.options",
                   "scatter-summary.children", "scatter-caption.children",
                   "scatter-message.children"]


def _compare(client, x: str, y: str, period: str, level: str, **_: object):
    return callback(client, COMPARE_OUTPUTS, {
        "compare-indicator.value": x, "compare-period.value": period,
        "compare-level.value": level, "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": None})


def _scatter(client, x: str, y: str, period: str, level: str, *, bubbles: bool = False,
             highlight: str | None = None, changed: list[str] | None = None):
    return callback(client, SCATTER_OUTPUTS, {
        "scatter-x.value": x, "scatter-y.value": y, "scatter-period.value": period,
        "scatter-level.value": level, "scatter-highlight.value": highlight,
        "scatter-bubbles.value": bubbles}, changed=changed)


def _timed(call, *args, **kwargs) -> tuple[float, float, int]:
    """Wall ms, CPU ms and response bytes of one callback (refusals raise)."""
    start, cpu = time.perf_counter(), time.process_time()
    response = call(*args, **kwargs)
    wall = (time.perf_counter() - start) * 1000
    used = (time.process_time() - cpu) * 1000
    body = response.get_data()
    if response.status_code != 200 or b'"color":"warning"' in body:
        raise RuntimeError(f"HTTP {response.status_code}: {body[:300]!r}")
    return wall, used, len(body)


CASES = {
    "comparison callback, full update (reference)": (_compare, {}),
    "scatter callback, full update": (_scatter, {}),
    "scatter callback, bubbles by residents": (_scatter, {"bubbles": True}),
    "scatter callback, highlight change": (_scatter, {"highlight": "__first__",
                                                      "changed": ["scatter-highlight.value"]}),
}


def run(inst: Installation, *, label: str, x: str, y: str, period: str, level: str,
        runs: int, cold_runs: int) -> None:
    client = _client(inst)
    args = (client, x, y, period, level)
    figure = _scatter(*args).json["response"]["scatter-graph"]["figure"]
    first = figure["data"][-1]["customdata"][0][0]  # an area drawn, to highlight
    _compare(*args)
    _scatter(*args, bubbles=True)  # every value warm
    times: dict[str, tuple[list[float], list[float], int]] = {
        case: ([], [], 0) for case in CASES}
    for _ in range(runs):
        for case, (call, options) in CASES.items():
            options = {k: (first if v == "__first__" else v) for k, v in options.items()}
            wall, cpu, size = _timed(call, *args, **options)
            times[case][0].append(wall)
            times[case][1].append(cpu)
            times[case] = (times[case][0], times[case][1], size)
    reference = statistics.median(times[next(iter(CASES))][1])
    for case, (walls, cpus, size) in times.items():
        print(f"| {label} | {case} | {runs} | {statistics.median(walls):.1f} | "
              f"{_p95(walls):.1f} | {statistics.median(cpus):.1f} | {_p95(cpus):.1f} | "
              f"{statistics.median(cpus) / reference:.2f} | {size:,} |")
    if cold_runs:
        cold: dict[str, tuple[list[float], list[float]]] = {
            "comparison callback, first after a publish (cold)": ([], []),
            "scatter callback, first after a publish (cold)": ([], [])}
        for _ in range(cold_runs):
            for (walls, cpus), call in zip(cold.values(), (_compare, _scatter),
                                                   strict=True):
                with inst.store.publish():
                    pass  # a new snapshot of the same data: every cache is stale
                wall, cpu, _ = _timed(call, *args)
                walls.append(wall)
                cpus.append(cpu)
        reference = statistics.median(next(iter(cold.values()))[1])
        for case, (walls, cpus) in cold.items():
            print(f"| {label} | {case} | {cold_runs} | {statistics.median(walls):.1f} | "
                  f"{_p95(walls):.1f} | {statistics.median(cpus):.1f} | {_p95(cpus):.1f} | "
                  f"{statistics.median(cpus) / reference:.2f} | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["demo", "540", "11000"], required=True)
    parser.add_argument("--home", type=Path, help="a home built by bench/scale_city.py")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=0)
    parser.add_argument("--x", default="sgb2_quote")
    parser.add_argument("--y", default="arbeitslosenquote")
    parser.add_argument("--period", default="2024")
    parser.add_argument("--header", action="store_true", help="print the table header")
    args = parser.parse_args()
    if args.header:
        print(f"# {platform.node()} · {platform.processor() or platform.machine()} · "
              f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')} · "
              f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
        print("| areas | case | runs | median ms | p95 ms | CPU median ms | CPU p95 ms | "
              "CPU ratio to comparison | bytes |\n|---|---|---|---|---|---|---|---|---|")
    options = {"x": args.x, "y": args.y, "period": args.period, "level": "subdistrict",
               "runs": args.runs, "cold_runs": args.cold_runs}
    if args.scale == "demo":
        from cockpit.demo.build import build_demo_store
        with tempfile.TemporaryDirectory() as home:
            inst = Installation(load_settings(home=home))
            build_demo_store(inst.store, inst.catalog)
            run(inst, label="demo (24)", **options)
        return
    if args.home is None:
        raise SystemExit("--home is needed for 540 and 11000 (python bench/scale_city.py)")
    run(Installation(load_settings(home=str(args.home))), label=f"{int(args.scale):,}",
        **options)


if __name__ == "__main__":
    main()
