"""Check and publish a generated 1,000,000-row long-format CSV (issue 4 target: 15 s).

Checking = row checks plus the plausibility checks against the store.

The file is a `bevoelkerung` delivery for the demo's 24 Stadtteile with
monthly periods (24 areas x 44 breakdown cells x 947 months). Prints the time
split into parse, validate and publish. Usage: python bench/bench_load.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit.context import Installation  # noqa: E402
from cockpit.demo.build import build_demo_store  # noqa: E402
from cockpit.ingest.checks import check_delivery  # noqa: E402
from cockpit.ingest.csv_reader import read_csv_delivery  # noqa: E402
from cockpit.ingest.publish import publish_delivery  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402

ROWS = 1_000_000


def write_file(path: Path, areas: list[str], dataset) -> int:
    dims = dataset.dimensions
    cells = [(s, a, n) for s in dims["sex"] for a in dims["age_group"]
             for n in dims["nationality"]]
    written = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("area_code;period;sex;age_group;nationality;value\n")
        month = 0
        while written < ROWS:
            period = f"{1990 + month // 12}-{month % 12 + 1:02d}"
            for area in areas:
                for sex, age, nat in cells:
                    fh.write(f"{area};{period};{sex};{age};{nat};{(written % 997) + 3}\n")
                    written += 1
                    if written == ROWS:
                        return written
            month += 1
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        inst = Installation(load_settings(home=home))
        build_demo_store(inst.store, inst.catalog)
        dataset = inst.catalog.datasets["bevoelkerung"]
        areas = dict(inst.store.read().execute(
            "SELECT code, level FROM areas WHERE valid_to IS NULL").fetchall())
        source = Path(home) / "bevoelkerung_monatlich.csv"
        rows = write_file(source, [c for c, lv in areas.items() if lv == "subdistrict"],
                          dataset)
        t0 = time.perf_counter()
        delivery = read_csv_delivery(source)
        t1 = time.perf_counter()
        report, observations = check_delivery(delivery, dataset, inst.store.read())
        t2 = time.perf_counter()
        assert report.ok, report.to_text()
        result = publish_delivery(inst.store, inst.settings.archive_dir, dataset=dataset,
                                  observations=observations, source=source, user="bench")
        t3 = time.perf_counter()
        assert result.rows == rows
    print(f"| rows | parse s | validate s | publish s | total s |\n|---|---|---|---|---|\n"
          f"| {rows:,} | {t1 - t0:.1f} | {t2 - t1:.1f} | {t3 - t2:.1f} | {t3 - t0:.1f} |")


if __name__ == "__main__":
    main()
