"""Values API at 540 and 11,000 areas: cold and warm time, response size, worker memory.

Each run is a fresh Python process (a fresh worker: nothing computed, nothing
fetched from the snapshot yet) that serves the real Flask stack with the
warm-up thread off, logs in as `committee` and asks
`GET /api/v1/indicators/sgb2_quote/values?level=subdistrict[&period=2026]`:
- cold: the first request (roll-up, suppression, serialisation);
- warm: the same request again, `--warm` times;
then it computes every indicator (`Gate.warm`), asks the values API once for
each at the lowest level, and reports its resident memory (VmRSS; VmHWM is the
peak). The territories come from bench/scale_city.py (built once per scale into
a temporary home, or reused with `--home540` / `--home11k`).

Before/after: `--code DIR` runs the cockpit package found in DIR (e.g. a
worktree of an older commit) with this script; `--alternate DIR` runs that code
and this checkout's in turn (old, new, old, new, ...) and prints a row for each,
so both see the same load.

Usage: python bench/bench_values_scale.py [--runs 5] [--warm 20] [--scales 540,11000]
       [--code DIR] [--alternate DIR] [--home540 DIR] [--home11k DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = "/api/v1/indicators/sgb2_quote/values?level=subdistrict"
CASES = (("period=2026", URL + "&period=2026"), ("latest", URL))


def _rss_mib() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def child(home: str, case: str, warm_runs: int, expected: int, version_runs: int,
          memory: bool = True) -> dict:
    """One fresh worker: cold request, warm requests, memory after warming everything."""
    from cockpit.app.server import create_server
    from cockpit.app.session import GATE_KEY
    from cockpit.appdb import create_demo_users, generate_password, set_password
    from cockpit.context import Installation
    from cockpit.indicators import sandbox
    from cockpit.settings import load_settings
    from tests.app.conftest import login

    url = dict(CASES)[case]
    inst = Installation(load_settings(home=home))
    with inst.app_db() as conn:  # a home used before has the users: a new password
        if conn.execute("SELECT name FROM users WHERE name = 'demo-committee'").fetchall():
            name, password = "demo-committee", generate_password()
            set_password(conn, name, password)
        else:
            created = create_demo_users(conn, district_area="001", department="jugendamt")
            name, password = next((u.name, pw) for u, pw in created if u.role == "committee")
    server = create_server(inst, secret_key="bench", warm=False)
    gate = server.extensions[GATE_KEY]
    if hasattr(gate, "start_worker"):  # what `cockpit serve` does when a worker starts
        gate.start_worker()
    client = server.test_client()
    assert login(client, name, password).status_code == 302
    client.get("/api/v1/levels")  # session and store opened: not part of the cold answer
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    cold = (time.perf_counter() - start) * 1000
    cold_cpu = (time.process_time() - cpu) * 1000  # this process's CPU: robust to load
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    rows = response.json
    assert len(rows) == expected, len(rows)
    size = len(response.get_data())
    warm = []
    for _ in range(warm_runs):
        start = time.perf_counter()
        again = client.get(url, headers={"Accept-Encoding": "identity"})
        warm.append((time.perf_counter() - start) * 1000)
        assert again.status_code == 200
    gzip = len(client.get(url, headers={"Accept-Encoding": "gzip"}).get_data())
    # A new data version in this (now warmed-up) worker: a new gate and the snapshot's
    # tables fetched anew, as after a publish.
    again_cold, again_cpu = [], []
    for _ in range(version_runs):
        sandbox._sources.clear()
        fresh = create_server(inst, secret_key="bench", warm=False).test_client()
        assert login(fresh, name, password).status_code == 302
        fresh.get("/api/v1/levels")
        start, cpu = time.perf_counter(), time.process_time()
        assert fresh.get(url, headers={"Accept-Encoding": "identity"}).status_code == 200
        again_cold.append((time.perf_counter() - start) * 1000)
        again_cpu.append((time.process_time() - cpu) * 1000)
    rss = peak = float("nan")
    if case == CASES[0][0] and memory:  # once per scale (warming everything takes long)
        gate.warm()
        for indicator in gate.registry:
            client.get(f"/api/v1/indicators/{indicator.id}/values?level=subdistrict",
                       headers={"Accept-Encoding": "identity"})
        rss, peak = _rss_mib()
    return {"cold": cold, "cold_cpu": cold_cpu, "version": again_cold,
            "version_cpu": again_cpu, "warm": warm, "bytes": size, "gzip": gzip,
            "rss": rss, "peak": peak, "suppressed": sum(1 for r in rows if r["suppressed"])}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--scales", default="540,11000")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="directory holding the cockpit package to measure")
    parser.add_argument("--alternate", type=Path,
                        help="directory of other code to run in turn with --code")
    parser.add_argument("--home540", type=Path)
    parser.add_argument("--home11k", type=Path)
    parser.add_argument("--versions", type=int, default=3,
                        help="cold requests after a new data version per fresh worker")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip warming every indicator for the memory figure")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.code))
        home, case, warm_runs, expected, versions, memory = args.child
        print(json.dumps(child(home, case, int(warm_runs), int(expected), int(versions),
                               memory == "1")))
        return
    with tempfile.TemporaryDirectory(prefix="bench-values-") as scratch:
        homes = {540: args.home540, 11000: args.home11k}
        codes = [args.code] if args.alternate is None else [args.alternate, args.code]
        print("code: " + ", ".join(str(c) for c in codes) + "\n")
        print("| areas | request | code | workers | cold, fresh worker: median / p95 ms "
              "(CPU median ms) | cold, new data version: runs, median / p95 ms (CPU) | "
              "warm: runs, median / p95 ms | "
              "response KB (gzip KB) | hidden cells | RSS MiB after warming all (peak) |\n"
              "|---|---|---|---|---|---|---|---|---|---|")
        for scale in (int(s) for s in args.scales.split(",")):
            home = homes.get(scale)
            if home is None:
                home = homes[scale] = Path(scratch) / str(scale)
                districts = 18 if scale == 540 else 400
                subprocess.run([sys.executable, str(ROOT / "bench" / "scale_city.py"),
                                "--home", str(home), "--areas", str(scale),
                                "--districts", str(districts)], check=True,
                               stdout=subprocess.DEVNULL)
            for case, _ in CASES:
                by_code: dict[Path, list[dict]] = {code: [] for code in codes}
                for _ in range(args.runs):
                    for code in codes:
                        out = subprocess.run(
                            [sys.executable, __file__, "--code", str(code), "--child",
                             str(home), case, str(args.warm), str(scale),
                             str(args.versions), "0" if args.no_memory else "1"],
                            check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(code)})
                        by_code[code].append(json.loads(out.stdout.strip().splitlines()[-1]))
                for code, results in by_code.items():
                    _report(scale, case, code.name, results)


def _report(scale: int, case: str, code: str, results: list[dict]) -> None:
    """One table row: the runs of one code at one scale and request."""
    cold = [r["cold"] for r in results]
    version = [v for r in results for v in r["version"]]
    warm = [w for r in results for w in r["warm"]]
    rss = statistics.median(r["rss"] for r in results)
    peak = max(r["peak"] for r in results)
    cold_cpu = [r["cold_cpu"] for r in results]
    version_cpu = [v for r in results for v in r["version_cpu"]]
    print(f"| {scale:,} | {case} | {code} | {len(results)} | {statistics.median(cold):.0f} / "
          f"{_quantile(cold, .95):.0f} (CPU {statistics.median(cold_cpu):.0f}) | "
          f"{len(version)}, {statistics.median(version):.0f} / {_quantile(version, .95):.0f} "
          f"(CPU {statistics.median(version_cpu):.0f}) | "
          f"{len(warm)}, {statistics.median(warm):.1f} / {_quantile(warm, .95):.1f} | "
          f"{results[0]['bytes'] / 1024:.0f} ({results[0]['gzip'] / 1024:.0f}) | "
          f"{results[0]['suppressed']} | {rss:.0f} ({peak:.0f}) |", flush=True)


if __name__ == "__main__":
    main()
