"""Composite indices at 11,000 areas (issue 10): cold computation time.

Builds (or reuses, `--home`) the synthetic territory of bench/scale_city.py: 11,000
Stadtteile under 400 Bezirke, 15 years, residents, SGB II and unemployment counts,
i.e. the components of the shipped Berlin-style indices (mss_status: Arbeitslosenquote,
SGB-II-Quote, Kinderarmut, population threshold from einwohner; mss_dynamik: their
two-year changes; mss_gesamtindex: status x dynamics).

Wall-clock times on a shared machine grow with its load; the process's CPU time
(time.process_time) is printed beside the cold index times as the less load-dependent
figure (numpy/pandas here run single-threaded).

Per run, with a fresh gate (nothing cached):
- components: the component tables as the gate computes them for any indicator
  (SQL, roll-up, suppression) — shared with every other use of those indicators;
- index cold: the index over both levels and all 15 periods from those tables
  (what the issue's "an index ... computes in at most 1 s cold" is about), and
  again with the index cache dropped (`--repeat` times: the index alone);
- first rows: the first `index_rows` call for all Stadtteile of the latest period.

Usage: python bench/bench_index.py [--home DIR] [--runs 5] [--repeat 5] [--areas 11000]
"""

from __future__ import annotations

import argparse
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


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _cpu_ms(start: float) -> float:
    return (time.process_time() - start) * 1000


def run_once(home: str, repeat: int) -> dict[str, dict[str, float | list[float]]]:
    from cockpit.access.gate import Gate
    from cockpit.access.viewer import Viewer
    from cockpit.context import Installation
    from cockpit.settings import load_settings

    inst = Installation(load_settings(home=home))
    gate = Gate(inst)
    gate.areas_info()  # territory loaded: not part of any index
    viewer = Viewer("bench", "committee")
    out: dict[str, dict[str, float | list[float]]] = {}
    for index_id in INDICES:
        index = inst.registry.get(index_id)
        parts = [index] if index.index_kind != "combined" else [
            inst.registry.get(index.status_id), inst.registry.get(index.dynamics_id)]
        start = time.perf_counter()
        for part in parts:
            for source in part.sources:
                gate._table(inst.registry.get(source))
        components = _ms(start)
        start, cpu = time.perf_counter(), time.process_time()
        details, _ = gate._index_parts(index)
        cold, cold_cpu = _ms(start), _cpu_ms(cpu)
        rows = len(details.table) if details.table is not None else 0
        start = time.perf_counter()
        first = gate.index_rows(viewer, index_id, level="subdistrict")
        first_rows = _ms(start)
        again, again_cpu = [], []
        for _ in range(repeat):
            gate._index_cache.pop(index_id, None)
            start, cpu = time.perf_counter(), time.process_time()
            gate._index_parts(index)
            again.append(_ms(start))
            again_cpu.append(_cpu_ms(cpu))
        out[index_id] = {"components_ms": components, "index_cold_ms": cold,
                         "index_cold_cpu_ms": cold_cpu, "index_again_ms": again,
                         "index_again_cpu_ms": again_cpu, "first_rows_ms": first_rows,
                         "rows": rows, "subdistricts": len(first)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=None,
                        help="a home built by bench/scale_city.py (else built here)")
    parser.add_argument("--areas", type=int, default=11_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    home = args.home
    if home is None or not (home / "store").exists():
        from scale_city import build

        from cockpit.context import Installation
        from cockpit.settings import load_settings

        home = home or Path(tempfile.mkdtemp(prefix="bench-index-"))
        start = time.perf_counter()
        build(Installation(load_settings(home=str(home))), areas=args.areas)
        print(f"built {args.areas} areas in {time.perf_counter() - start:.0f} s: {home}")
    print(f"load average before: {os.getloadavg()}")
    results = [run_once(str(home), args.repeat) for _ in range(args.runs)]
    print(f"load average after: {os.getloadavg()}")
    for index_id in INDICES:
        cold = [r[index_id]["index_cold_ms"] for r in results]
        cold_cpu = [r[index_id]["index_cold_cpu_ms"] for r in results]
        again = [t for r in results for t in r[index_id]["index_again_ms"]]
        again_cpu = [t for r in results for t in r[index_id]["index_again_cpu_ms"]]
        comps = [r[index_id]["components_ms"] for r in results]
        first = [r[index_id]["first_rows_ms"] for r in results]
        rows = results[0][index_id]["rows"]
        subs = results[0][index_id]["subdistricts"]
        print(f"{index_id}: {rows} index rows (both levels, all periods), {subs} Stadtteile "
              f"in the latest period")
        for label, values in (("index cold (tables ready)", cold),
                              ("  the same, CPU time of the process", cold_cpu),
                              ("index again (cache dropped)", again),
                              ("  the same, CPU time of the process", again_cpu),
                              ("components cold (shared)", comps),
                              ("first index_rows, latest period", first)):
            print(f"  {label:34s} median {statistics.median(values):8.1f} ms   "
                  f"min {min(values):8.1f}   max {max(values):8.1f}   n={len(values)}")


if __name__ == "__main__":
    main()
