"""Sitzungsmodus against the comparison page: server time per answer (issue 11).

On a demo home (built in a temporary folder) or a home made by bench/scale_city.py, a
committee member's test client asks, in turns, the comparison callback and the meeting
page's slide callback for a saved bars view and a map view of the same indicator, level
and period (warm gate: every answer was asked once before). Prints wall and CPU median
and p95 of each and the ratio meeting / comparison.

Usage: python bench/bench_meeting.py [--home DIR] [--runs 30] [--indicator sgb2_quote]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_compare_scale import OUTPUTS, _client, _inputs, _p95  # noqa: E402

from cockpit.context import Installation  # noqa: E402
from cockpit.demo.build import build_demo_store  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from cockpit.views.known import known_for  # noqa: E402
from cockpit.views.store import save_view  # noqa: E402
from tests.app.conftest import callback  # noqa: E402

MEETING = ["meeting-body.children", "meeting-counter.children", "meeting-step.data",
           "meeting-version.data"]


def _timed(call) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    response = call()
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.get_data()[:200]!r}")
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def run(inst: Installation, runs: int, indicator: str, level: str, period: str) -> None:
    client = _client(inst)
    gate = client.application.extensions["cockpit_gate"]
    with closing(inst.app_db()) as conn:
        views = {kind: save_view(conn, "bench", {
            "type": kind, "title": f"Bench {kind}", "indicators": [indicator],
            "level": level, "periods": [period], "roles": ["committee"]}, known_for(gate))
            for kind in ("bars", "map")}

    def compare():
        return callback(client, OUTPUTS, _inputs(indicator, period, level, None))

    def meeting(kind: str):
        return lambda: callback(client, MEETING, {
            "meeting-prev.n_clicks": None, "meeting-next.n_clicks": 1,
            "meeting-area.value": None, "meeting-tick.n_intervals": None},
            state={"meeting-ref.data": {"id": str(views[kind].id)}, "meeting-step.data": 0,
                   "meeting-version.data": None}, changed=["meeting-next.n_clicks"])

    cases = {"comparison callback (bars, map, table)": compare,
             "meeting slide: bars view": meeting("bars"), "meeting slide: map view": meeting("map")}
    for call in cases.values():  # warm: every answer asked once
        call()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):  # in turns, so all see the same machine
        for name, call in cases.items():
            times[name].append(_timed(call))
    base = statistics.median(c for _, c in times["comparison callback (bars, map, table)"])
    print("| case | runs | wall median ms | wall p95 ms | CPU median ms | CPU / comparison |")
    print("|---|---|---|---|---|---|")
    for name, rows in times.items():
        wall = [w for w, _ in rows]
        cpu = statistics.median(c for _, c in rows)
        print(f"| {name} | {runs} | {statistics.median(wall):.1f} | {_p95(wall):.1f} | "
              f"{cpu:.1f} | {cpu / base:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--indicator", default="sgb2_quote")
    parser.add_argument("--level", default="subdistrict")
    parser.add_argument("--period", default="2024")
    args = parser.parse_args()
    if args.home is not None:
        run(Installation(load_settings(home=args.home)), args.runs, args.indicator,
            args.level, args.period)
        return
    with tempfile.TemporaryDirectory() as scratch:
        inst = Installation(load_settings(home=Path(scratch)))
        build_demo_store(inst.store, inst.catalog)
        run(inst, args.runs, args.indicator, args.level, args.period)


if __name__ == "__main__":
    main()
