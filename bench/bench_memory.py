"""Memory of `cockpit serve` with 2 workers, and what takes it (issue 9).

Part 1 (default): for each scale, start `cockpit serve` (2 workers), wait until
the warm-up has ended (no CPU used for 3 s), and read RSS and PSS of master and
workers from /proc; then let the simulated committee (bench_committee.py, one
click path per member) work and read them again. RSS counts pages shared by
master and workers once per process, as `ps` does; PSS splits them.

With --alternate OLD_TREE (a checkout of an older commit, e.g. `git archive
dac8439 | tar -x -C /tmp/old`) the servers of the old and the current code run
one after the other, --rounds times, on the same home; the value-table files of
the current code (COCKPIT_HOME/cache/values) are removed before each of its runs
(a first start), and --restart adds a run that finds them (a restart on the same
data). --touch adds a reading after one committee member has asked every
indicator's values at every level (all periods), so that the mapped tables'
pages are counted where they are used. Columns "workers" are the two workers
alone (what bench_superset.py reports for Superset's gunicorn workers).

Part 2 (--inside SCALE): inside one process, where a worker's memory goes:
RSS and Python allocations (tracemalloc) after the imports, the app, the
territory (Areas), the warm-up (every indicator's frame), the tables the values
answers build and the map geometry, with each gate cache's size and the
largest allocation sites.

Usage: python bench/bench_memory.py [--scales demo,540,11000] [--no-load] [--home-prefix P]
       python bench/bench_memory.py --inside 11000 [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import requests
from serve_harness import (
    PASSWORD,
    Server,
    children,
    ensure_committee,
    make_home,
    memory_mib,
)


def serve_memory(scale: str, home: Path, load: bool, users: int, *, label: str = "",
                 old_tree: Path | None = None, keep_cache: bool = False,
                 touch: bool = False, env: dict[str, str] | None = None) -> list[str]:
    make_home(scale, home)
    names = ensure_committee(home, users)
    if not keep_cache:
        shutil.rmtree(home / "cache" / "values", ignore_errors=True)
    env = {**({"PYTHONPATH": str(old_tree)} if old_tree else {}), **(env or {})}
    rows = []
    scale = f"{scale} {label}".strip()
    with Server(home, extra_env=env) as server:
        warm_s = _wait_warmed(server)
        idle = server.memory()
        rows.append(_row(scale, "idle after warm-up", idle,
                         f"warm-up {warm_s:.0f} s{_cache_note(home)}"))
        if touch:
            count = _touch_everything(server.base, names[0])
            server.wait_idle()
            rows.append(_row(scale, "after every indicator's values", server.memory(),
                             f"{count} requests"))
        if load:
            from bench_committee import record_flow, run_members
            flow = record_flow(server.base, names[0])
            results, seconds = asyncio.run(run_members(server.base, names, flow, 1, 20.0))
            after = server.memory()
            rows.append(_row(scale, f"after {users} members", after,
                             f"{results.count} requests, {len(results.errors)} errors"))
    return rows


def _wait_warmed(server: Server) -> float:
    """Wait until the workers' warm-up child processes (if any) have ended and the
    server uses no CPU; the seconds waited."""
    start, seen = time.monotonic(), False
    while True:  # the old code starts none: then 15 s, and wait_idle decides
        busy = any(children(worker) for worker in children(server.proc.pid))
        seen = seen or busy
        if (seen and not busy) or (not seen and time.monotonic() - start > 15):
            break
        time.sleep(0.2)
    waited = time.monotonic() - start
    return waited + server.wait_idle()


def _row(scale: str, when: str, m: dict[str, float], note: str) -> str:
    workers = " / ".join(f"{m[k]:.0f}" for k in sorted(m) if k.startswith("worker")
                         and k.endswith("_rss"))
    worker_rss = m["sum_rss"] - m["master_rss"]
    worker_pss = m["sum_pss"] - m["master_pss"]
    return (f"| {scale} | {when} | {m['master_rss']:.0f} | {workers} | **{worker_rss:.0f}** "
            f"| {worker_pss:.0f} | {m['sum_rss']:.0f} | {m['sum_pss']:.0f} | {note} |")


def _cache_note(home: Path) -> str:
    files = list((home / "cache" / "values").glob("*/*.values"))
    if not files:
        return ""
    return (f"; {len(files)} table files, "
            f"{sum(f.stat().st_size for f in files) / 2**20:.0f} MiB on disk")


def _touch_everything(base: str, user: str) -> int:
    """Log in as `user` and fetch every visible indicator's values at every level for its
    last three periods, twice over, each request on a new connection."""
    session = requests.Session()
    page = session.get(base + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(base + "/login", data={"username": user, "password": PASSWORD,
                                        "csrf_token": token}, allow_redirects=False)
    # A new connection per request: gunicorn hands each to whichever worker accepts
    # it first, so both workers answer (one kept-alive connection stays with one).
    session.headers["Connection"] = "close"
    count = 0
    for _ in range(2):
        for indicator in session.get(base + "/api/v1/indicators").json():
            for level in indicator.get("levels", []):
                for period in indicator.get("periods", [])[-3:]:
                    session.get(f"{base}/api/v1/indicators/{indicator['id']}/values",
                                params={"level": level, "period": period})
                    count += 1
    return count


def _deep_size(frame) -> int:  # noqa: ANN001 - a DataFrame
    return int(frame.memory_usage(deep=True, index=True).sum())


def inside(scale: str, home: Path, top: int, trace: bool) -> None:
    """Where one worker's memory goes, phase by phase."""
    import os
    pid = os.getpid()
    phases: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        gc.collect()
        rss, _ = memory_mib(pid)
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if trace else float("nan")
        phases.append((name, rss, traced))

    make_home(scale, home)
    mark("interpreter")
    if trace:  # slows the warm-up several times over
        tracemalloc.start(1)
    from cockpit.app.server import create_server
    from cockpit.app.session import GATE_KEY
    from cockpit.context import Installation
    from cockpit.settings import load_settings
    mark("imports (flask, dash, pandas, duckdb, cockpit)")
    inst = Installation(load_settings(home=home))
    server = create_server(inst, secret_key="bench", warm=False)
    server.test_client().get("/login")  # Dash sets itself up on the first request
    mark("app created (registry, pages, Dash)")
    gate = server.extensions[GATE_KEY]
    gate.areas_info()
    mark("territory (Areas.load)")
    before_warm = tracemalloc.take_snapshot() if trace else None
    t0 = time.perf_counter()
    gate.warm()
    warm_s = time.perf_counter() - t0
    mark(f"warm-up: every indicator's frame ({warm_s:.1f} s)")
    after_warm = tracemalloc.take_snapshot() if trace else None
    from cockpit.access.viewer import Viewer
    viewer = Viewer(name="bench", role="committee")
    lowest = gate.declared_levels()[-1].id
    for indicator in gate.visible_indicators(viewer):
        try:
            gate.values(viewer, indicator.id, level=lowest)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"values {indicator.id}: {exc}", file=sys.stderr)
    mark("values answers (per-indicator tables)")
    try:
        gate.geojson(viewer, level=lowest)
    except Exception as exc:  # noqa: BLE001
        print(f"geojson: {exc}", file=sys.stderr)
    mark("map geometry")
    print(f"\n#### inside one worker, {scale}\n")
    print("| phase | RSS MiB | + RSS | Python heap MiB (tracemalloc) |\n|---|---|---|---|")
    last = phases[0][1]
    for name, rss, traced in phases:
        print(f"| {name} | {rss:.0f} | {rss - last:+.0f} | {traced:.0f} |")
        last = rss
    frames = getattr(gate, "_frames", {})
    sizes = sorted(((_deep_size(f), k, len(f)) for k, f in frames.items()), reverse=True)
    total = sum(s for s, *_ in sizes)
    print(f"\ngate._frames: {len(frames)} frames, {total / 2**20:.0f} MiB (pandas deep size); "
          "largest:")
    for size, key, rows in sizes[:5]:
        print(f"- {key}: {rows:,} rows, {size / 2**20:.1f} MiB")
    tables = getattr(gate, "_tables", {})
    print(f"gate._tables: {len(tables)} tables; gate._geojson: "
          f"{len(getattr(gate, '_geojson', {}))} levels")
    if trace:
        print(f"\nlargest allocation sites of the warm-up (top {top}):")
        for stat in after_warm.compare_to(before_warm, "lineno")[:top]:
            frame = stat.traceback[0]
            print(f"- {stat.size_diff / 2**20:+.1f} MiB "
                  f"{Path(frame.filename).name}:{frame.lineno}")
    try:
        con = inst.store.read()
        rows = con.execute("SELECT tag, memory_usage_bytes FROM duckdb_memory() "
                           "WHERE memory_usage_bytes > 0").fetchall()
        print("\nDuckDB buffer memory: " + (", ".join(f"{t} {b / 2**20:.0f} MiB"
                                                      for t, b in rows) or "none"))
    except Exception as exc:  # noqa: BLE001 - older DuckDB has no duckdb_memory()
        print(f"DuckDB memory: {exc}")


def _status_mib(field: str) -> float:
    import os
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def gate_cache_sizes(gate) -> dict[str, float]:  # noqa: ANN001 - a Gate
    """MiB held by each of a gate's caches (heap copies; mapped tables apart)."""
    def table_bytes(table) -> int:  # noqa: ANN001
        return 0 if table is None else sum(
            a.nbytes for a in table.columns.values() if a.base is None or
            not isinstance(a.base, memoryview | bytes) and a.flags.owndata)

    tables = getattr(gate, "_tables", {})
    mapped = sum(1 for t in tables.values() if not t.period_idx.flags.owndata)
    index = getattr(gate, "_index_cache", {})
    index_bytes = 0
    for _version, (kept, table) in index.values():
        # Heap copies only: mapped from a shared file, the arrays own no data.
        index_bytes += sum(a.nbytes for a in (kept.klass, kept.reason, kept.standardised)
                           if a.flags.owndata) + table_bytes(table)
    return {
        "tables (count)": len(tables),
        "tables mapped (count)": mapped,
        "tables on the heap MiB": sum(table_bytes(t) for t in tables.values()) / 2**20,
        "period tables (count)": len(getattr(gate, "_period_tables", {})),
        "period tables MiB": sum(table_bytes(t) for t in
                                 getattr(gate, "_period_tables", {}).values()) / 2**20,
        "answers (count)": len(getattr(gate, "_answers", {})),
        "answers MiB": getattr(gate, "_answer_bytes", 0) / 2**20,
        "index details (count)": len(index),
        "index details MiB": index_bytes / 2**20,
    }


def served_inside(scale: str, home: Path, top: int, trace: bool) -> None:
    """One worker as `cockpit serve` runs it (shared table files, warmed in a child),
    then every indicator's values asked through the app: RSS (anonymous and file),
    each gate cache's size, and with --trace the largest allocation sites."""
    import os
    make_home(scale, home)
    names = ensure_committee(home, 1)
    from cockpit.app.server import GATE_KEY, create_server
    from cockpit.context import Installation
    from cockpit.settings import load_settings
    inst = Installation(load_settings(home=home))
    server = create_server(inst, secret_key="bench", warm=False, share_tables=True)
    gate = server.extensions[GATE_KEY]
    import threading

    from cockpit.access.warm_child import warm_in_child
    t0 = time.perf_counter()
    warm_in_child(inst, threading.Event())
    gate.warm()
    gc.collect()
    lines = [("warmed (tables mapped)", time.perf_counter() - t0)]
    rows = []

    def mark(name: str) -> None:
        gc.collect()
        rss, pss = memory_mib(os.getpid())
        rows.append((name, rss, pss, _status_mib("RssAnon"), _status_mib("RssFile"),
                     tracemalloc.get_traced_memory()[0] / 2**20 if trace else float("nan")))

    mark(lines[0][0])
    if trace:
        tracemalloc.start(1)
        before = tracemalloc.take_snapshot()
    client = server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": names[0], "password": PASSWORD,
                                "csrf_token": token})
    count = 0
    t0 = time.perf_counter()
    for _ in range(2):
        for indicator in client.get("/api/v1/indicators").get_json():
            for level in indicator.get("levels", []):
                for period in indicator.get("periods", [])[-3:]:
                    answer = client.get(f"/api/v1/indicators/{indicator['id']}/values",
                                        query_string={"level": level, "period": period})
                    assert answer.status_code == 200, answer.status_code
                    count += 1
    mark(f"after {count} values requests ({time.perf_counter() - t0:.0f} s)")
    print(f"\n#### one worker as served, {scale}\n")
    print("| phase | RSS MiB | PSS MiB | RssAnon MiB | RssFile MiB | Python heap MiB |\n"
          "|---|---|---|---|---|---|")
    for name, *numbers in rows:
        print(f"| {name} | " + " | ".join(f"{n:.0f}" for n in numbers) + " |")
    print("\ngate caches: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else
                                         f"{k} {v}" for k, v in gate_cache_sizes(gate).items()))
    if trace:
        after = tracemalloc.take_snapshot()
        print(f"\nlargest allocation sites kept after the requests (top {top}):")
        for stat in after.compare_to(before, "lineno")[:top]:
            frame = stat.traceback[0]
            print(f"- {stat.size_diff / 2**20:+.1f} MiB {Path(frame.filename).name}:"
                  f"{frame.lineno}")
    os._exit(0)  # DuckDB's destructors are not needed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="demo,540,11000")
    parser.add_argument("--home-prefix", type=Path,
                        help="homes at PREFIX-<scale> (kept and reused); default temp dirs")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--inside", choices=("demo", "540", "11000"))
    parser.add_argument("--served", choices=("demo", "540", "11000"),
                        help="one worker as `cockpit serve` runs it, inside this process")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--alternate", type=Path, metavar="OLD_TREE",
                        help="also run the server of this older checkout, alternately")
    parser.add_argument("--src", type=Path, metavar="TREE",
                        help="serve the current code from this copy (e.g. `git archive HEAD`"
                             " unpacked), so that editing the worktree meanwhile changes "
                             "nothing")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--restart", action="store_true",
                        help="add a run of the current code that finds the table files")
    parser.add_argument("--touch", action="store_true",
                        help="read again after fetching every indicator's values")
    parser.add_argument("--new-env", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra run of the current code with this environment "
                             "(e.g. MALLOC_ARENA_MAX=2); repeatable")
    parser.add_argument("--trace", action="store_true",
                        help="with --inside: Python allocation sites (tracemalloc; slow)")
    args = parser.parse_args()

    def home_of(scale: str) -> Path:
        if args.home_prefix:
            return Path(f"{args.home_prefix}-{scale}")
        return Path(tempfile.mkdtemp(prefix=f"bench-memory-{scale}-"))

    if args.served:
        served_inside(args.served, home_of(args.served), args.top, args.trace)
        return
    if args.inside:
        inside(args.inside, home_of(args.inside), args.top, args.trace)
        return
    print("| scale | when | master RSS MiB | worker RSS MiB | workers RSS MiB "
          "| workers PSS MiB | all RSS MiB | all PSS MiB | note |\n"
          "|---|---|---|---|---|---|---|---|---|")
    load = not args.no_load
    for scale in args.scales.split(","):
        home = home_of(scale)
        for _ in range(args.rounds):
            runs = [("new", args.src)] if not args.alternate else [
                ("old", args.alternate), ("new", args.src)]
            for label, tree in runs:
                rows = serve_memory(scale, home, load, args.users, touch=args.touch,
                                    label=label if args.alternate else "", old_tree=tree)
                print("\n".join(rows), flush=True)
            for extra in args.new_env:
                key, _, value = extra.partition("=")
                rows = serve_memory(scale, home, load, args.users, touch=args.touch,
                                    label=f"new, {extra}", env={key: value},
                                    old_tree=args.src)
                print("\n".join(rows), flush=True)
        if args.restart:
            rows = serve_memory(scale, home, load, args.users, touch=args.touch,
                                label="new, restart", keep_cache=True)
            print("\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
