"""Exports at scale: CSV and XLSX of one indicator at 11,000 areas, the profile PDF.

Serves the real Flask stack in this process (warm-up thread off), logs in as
`leadership` (suppression applied, every indicator visible) and asks
- `GET /export/indicators/sgb2_quote.csv?level=subdistrict` (11,000 rows) and `.xlsx`:
  the first request (cold: the indicator is computed, suppressed, then written) and
  then `--runs` more (warm: the gate's table is there, the file is written anew);
- `GET /export/profile/{area}.pdf` for one Stadtteil: first and `--runs` more.
Figures per case: wall median and max, and CPU time of this process (less sensitive
to a loaded machine than wall time). The territory comes from bench/scale_city.py
(built into a temporary home, or reused with `--home`); `--demo` adds the profile PDF
of a demo Stadtteil (Musterstadt, every demo indicator has data there).

Usage: python bench/bench_exports.py [--areas 11000] [--home DIR] [--runs 10] [--demo]
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


def _client(home: str, district_area: str):  # noqa: ANN202
    from cockpit.app.server import create_server
    from cockpit.appdb import create_demo_users
    from cockpit.context import Installation
    from cockpit.settings import load_settings
    from tests.app.conftest import login

    inst = Installation(load_settings(home=home))
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area=district_area, department="jugendamt")
    passwords = {user.role: (user.name, pw) for user, pw in created}
    server = create_server(inst, secret_key="bench", warm=False)
    server.config["TESTING"] = True
    client = server.test_client()
    assert login(client, *passwords["leadership"]).status_code == 302
    return client


def _timed(client, url: str) -> tuple[float, float, int, int]:  # noqa: ANN001
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    lines = response.data.count(b"\n")
    return wall * 1000, cpu * 1000, len(response.data), lines


def measure(client, label: str, url: str, runs: int) -> list[str]:  # noqa: ANN001
    first = _timed(client, url)
    warm = [_timed(client, url) for _ in range(runs)]
    walls = sorted(w for w, _, _, _ in warm)
    cpus = sorted(c for _, c, _, _ in warm)
    size = warm[-1][2]
    return [
        f"| {label}, first (cold) | 1 | {first[0]:.0f} | {first[0]:.0f} | {first[1]:.0f} | "
        f"{size / 1024:.0f} KiB |",
        f"| {label}, warm | {runs} | {statistics.median(walls):.0f} | {walls[-1]:.0f} | "
        f"{statistics.median(cpus):.0f} | {size / 1024:.0f} KiB |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--areas", type=int, default=11_000)
    parser.add_argument("--home", help="a home built by bench/scale_city.py (reused)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--demo", action="store_true", help="also the demo's profile PDF")
    args = parser.parse_args()
    rows = ["| case | runs | wall median ms | wall max ms | CPU median ms | size |",
            "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home
        if home is None:
            from scale_city import build

            from cockpit.context import Installation
            from cockpit.settings import load_settings

            home = os.path.join(scratch, "scale")
            build(Installation(load_settings(home=home)), areas=args.areas)
        client = _client(home, district_area="001")
        children = client.get("/api/v1/areas?level=subdistrict").json
        area = children[0]["code"]
        n = len(children)
        base = "/export/indicators/sgb2_quote"
        rows += measure(client, f"CSV, {n} areas", f"{base}.csv?level=subdistrict", args.runs)
        rows += measure(client, f"XLSX, {n} areas", f"{base}.xlsx?level=subdistrict",
                        args.runs)
        rows += measure(client, f"profile PDF, one of {n} areas",
                        f"/export/profile/{area}.pdf", args.runs)
        if args.demo:
            from cockpit.context import Installation
            from cockpit.demo.build import build_demo_store
            from cockpit.settings import load_settings

            demo_home = os.path.join(scratch, "demo")
            inst = Installation(load_settings(home=demo_home))
            build_demo_store(inst.store, inst.catalog)
            demo = _client(demo_home, district_area="01")
            rows += measure(demo, "profile PDF, demo Stadtteil 0103 (all indicators)",
                            "/export/profile/0103.pdf", args.runs)
    print("\n".join(rows))
    print(f"load average after the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
