"""The comparison callback (ranking, map, table) at demo, 540 and 11,000 areas (issue 9).

Runs the real Flask/Dash stack in-process (Flask test client, no network, no
compression: the test client asks for none), logged in as `committee`, with the
gate warm (one values call first): median and p95 of the full update (all inputs
changed, as on a new indicator), of a highlight-only update (a click in the
map, the bars or the table), and at 540 areas the first call after a publish
(cold: a new snapshot, the gate computes again). Response bytes in total and per
output, so the map's share (s-map's part of issue 9) is visible.

Usage:
    python bench/bench_compare_scale.py --scale demo
    python bench/bench_compare_scale.py --scale 540 --home /tmp/x540   # built by scale_city.py
    python bench/bench_compare_scale.py --scale 11000 --home /tmp/x11k --runs 10
    python bench/bench_compare_scale.py --scale 540 --home /tmp/x540 --code /tmp/old-main
A home without app users gets the demo users (district user bound to "001"); in a home
that has them already, the committee user gets a new password for this run.
`--code` measures another checkout of the cockpit (e.g. a worktree of main) with this
same harness, so old and new can be run alternately on the same home.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--code" in sys.argv[:-1]:  # before any cockpit import: the checkout to measure
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
sys.path.insert(0, str(ROOT))

from cockpit.access import Gate, Viewer  # noqa: E402
from cockpit.app.server import create_server  # noqa: E402
from cockpit.appdb import create_demo_users, generate_password, set_password  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback, login  # noqa: E402

OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]


def _inputs(indicator: str, period: str, level: str, highlight: str | None) -> dict:
    return {"compare-indicator.value": indicator, "compare-period.value": period,
            "compare-level.value": level, "compare-method.value": "quantile",
            "compare-raw.value": False, "compare-highlight.data": highlight}


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _client(inst: Installation):
    with inst.app_db() as conn:
        users = conn.execute("SELECT name FROM users WHERE name = 'demo-committee'").fetchall()
        if users:
            name, password = "demo-committee", generate_password()
            set_password(conn, name, password)
        else:
            created = create_demo_users(conn, district_area="001", department="jugendamt")
            name, password = next((u.name, pw) for u, pw in created if u.role == "committee")
    server = create_server(inst, secret_key="bench", warm=False)
    client = server.test_client()
    assert login(client, name, password).status_code == 302
    return client


CPU: list[float] = []  # CPU time of each call (less disturbed by a shared machine)


def _call(client, indicator: str, period: str, level: str, highlight: str | None = None,
          changed: list[str] | None = None):
    start, cpu = time.perf_counter(), time.process_time()
    response = callback(client, OUTPUTS, _inputs(indicator, period, level, highlight),
                        changed=changed)
    elapsed = (time.perf_counter() - start) * 1000
    CPU.append((time.process_time() - cpu) * 1000)
    body = response.get_data()
    if response.status_code != 200 or b'"color":"warning"' in body:
        raise RuntimeError(f"HTTP {response.status_code}: {body[:300]!r}")
    return elapsed, body


def _sizes(body: bytes) -> dict[str, int]:
    sent = json.loads(body)["response"]
    return {key: len(json.dumps(value, separators=(",", ":"))) for key, value in sent.items()}


#: Functions whose cumulative time the breakdown shows: the gate's values and rows (and
#: its kept answers), the geometry, ranking, map, table rows and Dash's JSON encoding.
PARTS = ("values", "rows", "answer", "geometry_url", "ranking_bar", "choropleth_map",
         "table_rows", "to_json")
BREAKDOWN: list[str] = []


def _breakdown(client, indicator: str, period: str, level: str, label: str,
               calls: int = 5) -> None:
    """Where a warm full update spends its time: cumulative ms per call of PARTS (under
    cProfile, so the absolute figures are inflated; the shares are what counts; a
    function that calls another of them counts both)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        _call(client, indicator, period, level)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total: dict[str, float] = dict.fromkeys(PARTS, 0.0)
    for (filename, _, name), (_, _, _, cumulative, _) in stats.items():
        if name in total and ("cockpit" in filename or name == "to_json"):
            total[name] += cumulative
    BREAKDOWN.append(f"| {label} | " + " | ".join(f"{total[p] / calls * 1000:.1f}"
                                                  for p in PARTS) + " |")


def run(inst: Installation, *, label: str, level: str, indicator: str, period: str,
        runs: int, cold_runs: int) -> None:
    client = _client(inst)
    # The gate warm: the values of this indicator computed once (s-values' part).
    client.get(f"/api/v1/indicators/{indicator}/values?level={level}&period={period}")
    _call(client, indicator, period, level)
    full, highlight, full_cpu, highlight_cpu = [], [], [], []
    body = b""
    codes: list[str] = []
    for i in range(runs):
        elapsed, body = _call(client, indicator, period, level)
        full.append(elapsed)
        full_cpu.append(CPU[-1])
        if not codes:
            codes = json.loads(body)["response"]["compare-bar"]["figure"]["data"][0]["y"]
        area = codes[(i * 7) % len(codes)]
        elapsed, _ = _call(client, indicator, period, level, highlight=area,
                           changed=["compare-highlight.data"])
        highlight.append(elapsed)
        highlight_cpu.append(CPU[-1])
    sizes = _sizes(body)
    rows = f"| {label} | full update (warm gate) | {runs} | {statistics.median(full):.1f} | " \
           f"{_p95(full):.1f} | {statistics.median(full_cpu):.1f} | {len(body):,} | " \
           f"{len(gzip.compress(body)):,} | " \
           + ", ".join(f"{k.removeprefix('compare-')} {v:,}" for k, v in sizes.items()) + " |"
    print(rows)
    print(f"| {label} | highlight click (warm gate) | {runs} | "
          f"{statistics.median(highlight):.1f} | {_p95(highlight):.1f} | "
          f"{statistics.median(highlight_cpu):.1f} | | | |")
    _breakdown(client, indicator, period, level, label)
    # Another period of the same indicator: the gate holds it already (it computes an
    # indicator's periods together), the comparison of that period is prepared now.
    periods = [p for p in reversed(Gate(inst).periods(Viewer("bench", "admin"), indicator))
               if p != period][:runs]
    other, other_cpu = [], []
    for other_period in periods:
        elapsed, _ = _call(client, indicator, other_period, level)
        other.append(elapsed)
        other_cpu.append(CPU[-1])
    if other:
        print(f"| {label} | full update, another period (warm gate, first view of it) | "
              f"{len(other)} | {statistics.median(other):.1f} | {_p95(other):.1f} | "
              f"{statistics.median(other_cpu):.1f} | | | |")
    if cold_runs:
        cold, cold_cpu = [], []
        for _ in range(cold_runs):
            with inst.store.publish():
                pass  # a new snapshot of the same data: every cache of the old one is stale
            elapsed, _ = _call(client, indicator, period, level)
            cold.append(elapsed)
            cold_cpu.append(CPU[-1])
        print(f"| {label} | full update, first after a publish (cold) | {cold_runs} | "
              f"{statistics.median(cold):.1f} | {_p95(cold):.1f} | "
              f"{statistics.median(cold_cpu):.1f} | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["demo", "540", "11000"], required=True)
    parser.add_argument("--home", type=Path, help="a home built by bench/scale_city.py")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=None)
    parser.add_argument("--indicator", default="sgb2_quote")
    parser.add_argument("--period", default="2024")
    parser.add_argument("--header", action="store_true", help="print the table header")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the cockpit checkout to measure (default: this one)")
    parser.add_argument("--tag", default="", help="added to the areas column (old, new)")
    args = parser.parse_args()
    if args.header:
        print(f"# {platform.node()} · {platform.processor() or platform.machine()} · "
              f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')} · "
              f"code {ROOT}")
        print("| areas | case | runs | median ms | p95 ms | CPU median ms | bytes | gzip bytes | "
              "bytes per output |\n|---|---|---|---|---|---|---|---|---|")
    cold_runs = args.cold_runs if args.cold_runs is not None else (
        5 if args.scale == "540" else 0)
    if args.scale == "demo":
        from cockpit.demo.build import build_demo_store
        with tempfile.TemporaryDirectory() as home:
            inst = Installation(load_settings(home=home))
            build_demo_store(inst.store, inst.catalog)
            run(inst, label=f"demo (24){args.tag}", level="subdistrict", indicator=args.indicator,
                period=args.period, runs=args.runs, cold_runs=cold_runs)
        _print_breakdown()
        return
    if args.home is None:
        raise SystemExit("--home is needed for 540 and 11000 (python bench/scale_city.py)")
    inst = Installation(load_settings(home=str(args.home)))
    run(inst, label=f"{int(args.scale):,}{args.tag}", level="subdistrict", indicator=args.indicator,
        period=args.period, runs=args.runs, cold_runs=cold_runs)
    _print_breakdown()


def _print_breakdown() -> None:
    print("\n| areas | ms per call (cProfile): " + " | ".join(PARTS) + " |\n|"
          + "---|" * (len(PARTS) + 1))
    print("\n".join(BREAKDOWN))


if __name__ == "__main__":
    main()
