"""The Kernaussagen card's callback beside the comparison callback (issue 10).

Runs the real Flask/Dash stack in-process (Flask test client), logged in as `committee`,
on the demo (24 areas) or a home built by bench/scale_city.py (11,000 areas): median and
p95 of the card's callback (`compare-statements.children`) warm, its first call for
another period (the gate's rows are warm, the statements are made anew), and the
comparison callback in the same window, so the ratio card / comparison is comparable
under load. Also the pure generation (cockpit/indicators/statements.py) on the rows.

Usage:
    python bench/bench_statements.py --scale demo
    python bench/scale_city.py --home /tmp/x11k --areas 11000
    python bench/bench_statements.py --scale 11000 --home /tmp/x11k
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

from bench_compare_scale import _call, _client, _p95  # noqa: E402

from cockpit.access import Gate, Viewer  # noqa: E402
from cockpit.app.key_statements import statement_input  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.indicators.statements import generate  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback  # noqa: E402


def _card(client, indicator: str, period: str, level: str) -> tuple[float, float, int]:
    start, cpu = time.perf_counter(), time.process_time()
    response = callback(client, "compare-statements.children", {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": level})
    elapsed = (time.perf_counter() - start) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    body = response.get_data()
    if response.status_code != 200 or b"Unter den" not in body:
        raise RuntimeError(f"HTTP {response.status_code}: {body[:300]!r}")
    return elapsed, cpu_ms, len(body)


def _row(label: str, case: str, times: list[float], cpu: list[float], size: int = 0) -> str:
    return (f"| {label} | {case} | {len(times)} | {statistics.median(times):.1f} | "
            f"{_p95(times):.1f} | {statistics.median(cpu):.1f} | "
            f"{f'{size:,}' if size else ''} |")


def run(inst: Installation, label: str, indicator: str, level: str, runs: int) -> None:
    client = _client(inst)
    periods = Gate(inst).periods(Viewer("bench", "committee"), indicator)
    period = periods[-1]
    _call(client, indicator, period, level)  # the gate and the comparison warm
    _card(client, indicator, period, level)
    card, card_cpu, compare, compare_cpu = [], [], [], []
    size = 0
    for _ in range(runs):
        elapsed, cpu, size = _card(client, indicator, period, level)
        card.append(elapsed)
        card_cpu.append(cpu)
        start, before = time.perf_counter(), time.process_time()
        _call(client, indicator, period, level)
        compare.append((time.perf_counter() - start) * 1000)
        compare_cpu.append((time.process_time() - before) * 1000)
    print(_row(label, "Kernaussagen callback (warm)", card, card_cpu, size))
    print(_row(label, "comparison callback, same window (warm)", compare, compare_cpu))
    other, other_cpu = [], []
    for earlier in list(reversed(periods[:-1]))[:min(runs, 8)]:
        _call(client, indicator, earlier, level)  # as on the page: the comparison first
        elapsed, cpu, _ = _card(client, indicator, earlier, level)
        other.append(elapsed)
        other_cpu.append(cpu)
    if other:
        print(_row(label, "Kernaussagen callback, first view of another period", other,
                   other_cpu))
    gate, viewer = Gate(inst), Viewer("bench", "committee")
    data, available = statement_input(gate, viewer, indicator, level, period)
    pure = []
    for _ in range(runs):
        start = time.perf_counter()
        generate(data, "de", available)
        pure.append((time.perf_counter() - start) * 1000)
    print(_row(label, f"generate() alone ({len(data.areas):,} areas)", pure, pure))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["demo", "11000"], required=True)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--indicator", default="sgb2_quote")
    args = parser.parse_args()
    print(f"# {platform.node()} · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M')} · load {os.getloadavg()[0]:.1f}")
    print("| areas | case | runs | median ms | p95 ms | CPU median ms | bytes |\n"
          "|---|---|---|---|---|---|---|")
    if args.scale == "demo":
        from cockpit.demo.build import build_demo_store
        with tempfile.TemporaryDirectory() as home:
            inst = Installation(load_settings(home=home))
            build_demo_store(inst.store, inst.catalog)
            run(inst, "demo (24)", args.indicator, "subdistrict", args.runs)
    else:
        if args.home is None:
            raise SystemExit("--home is needed for 11000 (python bench/scale_city.py)")
        run(Installation(load_settings(home=str(args.home))), "11,000", args.indicator,
            "subdistrict", args.runs)
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
