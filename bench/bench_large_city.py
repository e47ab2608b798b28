"""A city with 540 Planungsräume (as Berlin's LOR): cold and warm time of one ranking.

Builds a synthetic store (1 city, 18 districts, 540 subdistricts, 14 years,
residents and SGB-II recipients, some small counts) and times, through the
real Flask stack as `leadership`:
- cold: a fresh app computes sgb2_quote (roll-up + suppression) and answers
  the values API for all 540 Stadtteile of the latest year;
- warm: the same request again (computed frame cached per data version);
- comparison callback (bar + map + table) for the 540 areas, warm.
Usage: python bench/bench_large_city.py [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit.app.server import create_server  # noqa: E402
from cockpit.appdb import create_demo_users  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback, login  # noqa: E402

DISTRICTS, PER_DISTRICT, YEARS = 18, 30, range(2012, 2026)


def build(inst: Installation) -> None:
    rng = random.Random(540)
    with inst.store.publish(start_empty=True) as conn:
        areas = [("00", "Großstadt", "city", None)]
        for d in range(1, DISTRICTS + 1):
            areas.append((f"{d:02d}", f"Bezirk {d}", "district", "00"))
            areas += [(f"{d:02d}{s:02d}", f"Planungsraum {d}-{s}", "subdistrict", f"{d:02d}")
                      for s in range(1, PER_DISTRICT + 1)]
        conn.executemany("INSERT INTO areas (code, name, level, parent_code) "
                         "VALUES (?, ?, ?, ?)", areas)
        square = '{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}'
        geometries = []
        for i, (code, *_) in enumerate(a for a in areas if a[2] == "subdistrict"):
            x, y = 13.0 + (i % 30) * 0.01, 52.3 + (i // 30) * 0.01
            geometries.append((code, square % (x, y, x + .01, y, x + .01, y + .01, x, y + .01,
                                               x, y)))
        conn.executemany("INSERT INTO area_geometries (code, geojson) VALUES (?, ?)",
                         geometries)
        for dataset in inst.catalog.datasets.values():
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                         [dataset.id, dataset.title, dataset.description, dataset.source,
                          dataset.department, dataset.classification, dataset.unit,
                          dataset.licence, ])
        rows = []
        for code, _, level, _ in areas:
            if level != "subdistrict":
                continue
            residents = rng.randint(800, 12000)
            rate = rng.uniform(0.0002, 0.3)
            for year in YEARS:
                rows.append(("bevoelkerung", code, str(year), "25_44", residents))
                rows.append(("sgb2", code, str(year), "15_64", round(residents * rate)))
        conn.executemany("INSERT INTO observations (dataset_id, area_code, period, age_group, "
                         "value) VALUES (?, ?, ?, ?, ?)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        inst = Installation(load_settings(home=home))
        build(inst)
        with inst.app_db() as conn:
            created = create_demo_users(conn, district_area="01", department="jugendamt")
        name, password = next((u.name, pw) for u, pw in created if u.role == "leadership")
        url = "/api/v1/indicators/sgb2_quote/values?level=subdistrict"
        cold, warm, compare = [], [], []
        for _ in range(args.runs):
            server = create_server(inst, secret_key="bench", warm=False)
            client = server.test_client()
            login(client, name, password)
            start = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200 and len(response.json) == 540, response.json
            for _ in range(5):
                start = time.perf_counter()
                client.get(url)
                warm.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            response = callback(client, [
                "compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                "compare-grid.columnDefs", "compare-caption.children",
                "compare-message.children",
            ], {"compare-indicator.value": "sgb2_quote", "compare-period.value": "2025",
                "compare-level.value": "subdistrict", "compare-method.value": "quantile",
                "compare-raw.value": False, "compare-highlight.data": None})
            compare.append((time.perf_counter() - start) * 1000)
            assert len(response.json["response"]["compare-grid"]["rowData"]) == 540
        print("| case (540 Planungsräume) | runs | median ms | max ms |\n|---|---|---|---|")
        for label, times in (("values API, cold (compute + suppress)", cold),
                             ("values API, warm", warm),
                             ("comparison callback (bar, map, table)", compare)):
            print(f"| {label} | {len(times)} | {statistics.median(times):.1f} | "
                  f"{max(times):.1f} |")


if __name__ == "__main__":
    main()
