"""Composite indices at 11,000 areas (issue 10): one index over all areas of a level,
cold, components included.

The target: "an index over all areas of a level computes in at most 1 s cold for
11,000 areas and is cached per data version like any indicator". Measured here as a
user meets it: a fresh gate (nothing computed: no component, no index) is asked for
the index of all 11,000 Stadtteile in the latest period (`Gate.index_rows(viewer,
index, level="subdistrict")`, what the map, the ranking and the values API ask). That
computes the latest period of each component (and, for a dynamics index, its base
period two years earlier) through the gate — SQL, roll-up, suppression — and then the
index of that period; the other 14 periods are not computed.

Printed per index, over `--runs` fresh gates in one process:
- cold, wall and CPU time of the process (time.process_time: all threads; the
  figure to read on a shared machine), and how much of the CPU went into the
  components (the gate's `_build_frame` and value tables) and into the index itself;
- again (cached per data version): the same call on the same gate (nothing is
  computed again; the time is building the 11,000 rows with their classes);
- before (the whole index as the gate computed it until now for the same call: every
  component's full table of all 15 periods, then the index over all periods and both
  levels), cold, in the same window, so old/new compares like with like.

The process fetches a snapshot's observation tables once for every indicator (the
sandbox, cockpit/indicators/sandbox.py); that is done before the runs and reported
once, as it is not a cost of any one index.

Usage: python bench/bench_index_period.py --home /tmp/scale-11k [--runs 3] [--before 1]
(a home built by bench/scale_city.py; built here when missing)
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

INDICES = ("mss_status", "mss_dynamik", "mss_gesamtindex")
_cpu: collections.Counter = collections.Counter()
_depth: collections.Counter = collections.Counter()


def _count(owner: object, name: str, label: str) -> None:
    """Add the CPU time spent in owner.name to `label` (outermost calls only)."""
    real = getattr(owner, name)

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        _depth[label] += 1
        start = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            _depth[label] -= 1
            if not _depth[label]:
                _cpu[label] += time.process_time() - start

    setattr(owner, name, counted)


def _instrument() -> None:
    from cockpit.access import index_values
    from cockpit.access.gate import Gate

    _count(Gate, "_build_frame", "components")  # SQL, roll-up, suppression, names
    _count(Gate, "_computed", "components")  # (full tables: the same, as a table)
    _count(index_values, "compute_details", "index")
    _count(index_values, "combine_details", "index")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--areas", type=int, default=11_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=int, default=1,
                        help="runs of the whole-index computation (the old path)")
    args = parser.parse_args()
    from cockpit.access.gate import Gate
    from cockpit.access.viewer import Viewer
    from cockpit.context import Installation
    from cockpit.settings import load_settings

    home = args.home
    if home is None or not (home / "store").exists():
        from scale_city import build

        home = home or Path(tempfile.mkdtemp(prefix="bench-index-"))
        build(Installation(load_settings(home=str(home))), areas=args.areas)
    inst = Installation(load_settings(home=str(home)))
    viewer = Viewer("bench", "committee")
    _instrument()
    print(f"load average before: {os.getloadavg()}")
    start, cpu = time.perf_counter(), time.process_time()
    warm = Gate(inst)
    warm._period_candidates(inst.registry.get("sgb2_quote"))
    warm._period_candidates(inst.registry.get("arbeitslosenquote"))
    print(f"observation tables of the snapshot fetched once per process: "
          f"{(time.perf_counter() - start) * 1000:.0f} ms wall, "
          f"{(time.process_time() - cpu) * 1000:.0f} ms CPU")
    results: dict[str, dict[str, list[float]]] = {i: collections.defaultdict(list)
                                                  for i in INDICES}
    for _ in range(args.runs):
        for index_id in INDICES:
            gate = Gate(inst)
            gate.areas_info()  # the territory: loaded by any first request
            _cpu.clear()
            start, cpu = time.perf_counter(), time.process_time()
            rows = gate.index_rows(viewer, index_id, level="subdistrict")
            wall, used = time.perf_counter() - start, time.process_time() - cpu
            out = results[index_id]
            out["wall"].append(wall * 1000)
            out["cpu"].append(used * 1000)
            out["components"].append(_cpu["components"] * 1000)
            out["index"].append(_cpu["index"] * 1000)
            out["areas"].append(len(rows))
            out["classified"].append(sum(1 for r in rows if r.klass >= 0))
            start, cpu = time.perf_counter(), time.process_time()
            again = gate.index_rows(viewer, index_id, level="subdistrict")
            assert again == rows
            out["again"].append((time.perf_counter() - start) * 1000)
            out["again_cpu"].append((time.process_time() - cpu) * 1000)
    for _ in range(args.before):
        for index_id in INDICES:
            gate = Gate(inst)
            gate.areas_info()
            index = inst.registry.get(index_id)
            start, cpu = time.perf_counter(), time.process_time()
            gate._index_parts(index)  # the whole index: what the same call cost before
            gate.index_rows(viewer, index_id, level="subdistrict")
            results[index_id]["before_wall"].append((time.perf_counter() - start) * 1000)
            results[index_id]["before_cpu"].append((time.process_time() - cpu) * 1000)
    print(f"load average after: {os.getloadavg()}")
    for index_id, out in results.items():
        print(f"{index_id}: {out['areas'][0]} Stadtteile in the latest period, "
              f"{out['classified'][0]} classified")
        for label, key in (("cold, wall", "wall"), ("cold, CPU", "cpu"),
                           ("  of it components (CPU)", "components"),
                           ("  of it the index itself (CPU)", "index"),
                           ("again, cached (wall)", "again"),
                           ("again, cached (CPU)", "again_cpu"),
                           ("before: whole index cold, wall", "before_wall"),
                           ("before: whole index cold, CPU", "before_cpu")):
            values = out.get(key)
            if values:
                print(f"  {label:34s} median {statistics.median(values):9.1f} ms   "
                      f"min {min(values):9.1f}   max {max(values):9.1f}   n={len(values)}")


if __name__ == "__main__":
    main()
