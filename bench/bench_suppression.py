"""Suppression cost and the suppression audit, on the demo, large cities and Köln.

1. Cold computation of indicators with and without suppression (ratio): every
   indicator of the demo; sgb2_quote on synthetic cities with 540 and ~11,000
   Stadtteile (14 years, residents and SGB-II recipients with many small counts).
   "Without" is the roll-up alone (`compute_indicator`); "with" adds
   `suppress_indicator_frame` (numerator and denominator series), as
   `Gate._build_frame` does. Best of `--runs`.
2. The audit (`cockpit check --suppression`) on the demo: every role, duration
   and result.
3. A real territory: Köln (9 Stadtbezirke, 86 Stadtteile; population
   2005-2012 from ../shared/samples/koeln/population/bevoelkerung.csv). The
   territory import does not exist yet, so the areas and observations are built
   here directly; three bench indicators over small categories (registered
   partnerships, secondary residences, nationals of African states) are audited.
Usage: python bench/bench_suppression.py [--runs 3] [--koeln PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from cockpit.access.audit import audit_suppression, default_roles  # noqa: E402
from cockpit.access.gate import Gate  # noqa: E402
from cockpit.access.suppression import suppress_indicator_frame  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.demo.build import build_demo_store  # noqa: E402
from cockpit.indicators.compute import compute_indicator  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402

KOELN = ROOT.parent.parent / "shared" / "samples" / "koeln" / "population" / "bevoelkerung.csv"


def cold_times(inst: Installation, ids: list[str], runs: int) -> tuple[float, float, float]:
    """Best-of-runs seconds: roll-up alone, suppression alone, worst ratio of one indicator."""
    conn = inst.store.read()
    parents = Gate(inst).areas_info().parents
    total_compute = total_suppress = worst = 0.0
    for indicator_id in ids:
        indicator = inst.registry.get(indicator_id)
        best_c = best_s = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            frame = compute_indicator(conn, indicator)
            middle = time.perf_counter()
            suppress_indicator_frame(frame, parents if indicator.aggregation != "none" else {},
                                     indicator.min_count,
                                     own_numerator=not indicator.derived_from)
            end = time.perf_counter()
            best_c, best_s = min(best_c, middle - start), min(best_s, end - middle)
        total_compute += best_c
        total_suppress += best_s
        worst = max(worst, best_s / best_c)
    return total_compute, total_suppress, worst


def build_city(inst: Installation, districts: int, per_district: int) -> int:
    """A synthetic city like bench_large_city.py, with more small SGB-II counts."""
    rng = random.Random(districts * per_district)
    with inst.store.publish(start_empty=True) as conn:
        areas = [("00", "Großstadt", "city", None)]
        for d in range(1, districts + 1):
            areas.append((f"{d:02d}", f"Bezirk {d}", "district", "00"))
            areas += [(f"{d:02d}{s:04d}", f"Raum {d}-{s}", "subdistrict", f"{d:02d}")
                      for s in range(1, per_district + 1)]
        conn.register("new_areas", pd.DataFrame(areas, columns=["code", "name", "level",
                                                                "parent_code"]))
        conn.execute("INSERT INTO areas (code, name, level, parent_code) "
                     "SELECT code, name, level, parent_code FROM new_areas")
        for ds in inst.catalog.datasets.values():
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                         [ds.id, ds.title, ds.description, ds.source, ds.department,
                          ds.classification, ds.unit, ds.licence])
        rows = []
        for code, _, level, _ in areas:
            if level != "subdistrict":
                continue
            residents = rng.randint(20, 12000)
            rate = rng.uniform(0.0002, 0.3)
            for year in range(2012, 2026):
                rows.append(("bevoelkerung", code, str(year), "25_44", residents))
                rows.append(("sgb2", code, str(year), "15_64", round(residents * rate)))
        conn.register("staged", pd.DataFrame(rows, columns=[
            "dataset_id", "area_code", "period", "age_group", "value"]))
        conn.execute("INSERT INTO observations (dataset_id, area_code, period, age_group, "
                     "value) SELECT dataset_id, area_code, period, age_group, value FROM staged")
    return sum(1 for a in areas if a[2] == "subdistrict")


KOELN_INDICATORS = {
    "anteil_verpartnert": ("Anteil eingetragener Lebenspartnerschaften", "verpartnert%",
                           "Einwohner"),
    "anteil_nebenwohnung": ("Anteil mit Nebenwohnung", "Nebenwohnung", "Einwohner"),
    "anteil_afrika": ("Anteil mit Staatsangehörigkeit eines afrikanischen Staates", "Afrika",
                      "Einwohner"),
}


def build_koeln(home: Path, source: Path) -> Installation:
    """Köln's Stadtteile and population in a fresh store, plus three bench indicators."""
    queries = home / "queries" / "demografie"
    queries.mkdir(parents=True)
    for indicator_id, (title, numerator, denominator) in KOELN_INDICATORS.items():
        (queries / f"{indicator_id}.sql").write_text(f"""/*
id: {indicator_id}
title_de: {title}
title_en: {indicator_id}
description: Bench-Indikator auf den Kölner Einwohnerdaten.
unit: "%"
topic: demografie
direction: neutral
classification: internal
aggregation: ratio
factor: 100
numerator: {numerator}
denominator: {denominator}
source: Stadt Köln, offenedaten-koeln.de (CC BY 3.0 DE)
update_cycle: jährlich
datasets: [bevoelkerung]
*/
SELECT area_code, period,
       100.0 * sum(value) FILTER (WHERE category LIKE '{numerator}')
         / NULLIF(sum(value) FILTER (WHERE category = '{denominator}'), 0) AS value,
       sum(value) FILTER (WHERE category LIKE '{numerator}') AS numerator,
       sum(value) FILTER (WHERE category = '{denominator}') AS denominator
FROM observations WHERE dataset_id = 'bevoelkerung'
GROUP BY area_code, period
""", encoding="utf-8")
    inst = Installation(load_settings(home=str(home / "var"), queries_dir=str(home / "queries")))
    with source.open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    names = {r["raum_id"]: r["raum"] for r in records}
    areas = [("000", names["000"], "city", None)]
    areas += [(code, name, "district", "000") for code, name in sorted(names.items())
              if "001" <= code <= "009"]
    areas += [(code, name, "subdistrict", f"00{code[0]}") for code, name in sorted(names.items())
              if code >= "100"]
    with inst.store.publish(start_empty=True) as conn:
        conn.executemany("INSERT INTO areas (code, name, level, parent_code) "
                         "VALUES (?, ?, ?, ?)", areas)
        for ds in inst.catalog.datasets.values():
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                         [ds.id, ds.title, ds.description, ds.source, ds.department,
                          ds.classification, ds.unit, ds.licence])
        rows = pd.DataFrame(
            [("bevoelkerung", r["raum_id"], r["jahr"], r["zeile"],
              float(r["zahl"])) for r in records if r["raum_id"] >= "100"],
            columns=["dataset_id", "area_code", "period", "category", "value"])
        rows = rows.groupby(["dataset_id", "area_code", "period", "category"],
                            as_index=False)["value"].sum()
        conn.register("koeln_rows", rows)
        conn.execute("INSERT INTO observations (dataset_id, area_code, period, category, value) "
                     "SELECT dataset_id, area_code, period, category, value FROM koeln_rows")
    return inst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--koeln", type=Path, default=KOELN)
    args = parser.parse_args()
    print("| case | indicators | roll-up s | suppression s | ratio | worst indicator |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as home:
        demo = Installation(load_settings(home=home))
        build_demo_store(demo.store, demo.catalog)
        ids = [ind.id for ind in demo.registry]
        c, s, worst = cold_times(demo, ids, args.runs)
        print(f"| demo (31 areas, all indicators) | {len(ids)} | {c:.3f} | {s:.3f} | "
              f"{100 * s / c:.1f} % | {100 * worst:.1f} % |")
        for districts, per_district in ((18, 30), (20, 550)):
            with tempfile.TemporaryDirectory() as city_home:
                inst = Installation(load_settings(home=city_home))
                n = build_city(inst, districts, per_district)
                c, s, worst = cold_times(inst, ["sgb2_quote"], args.runs)
                print(f"| {n:,} Stadtteile, 14 years (sgb2_quote) | 1 | {c:.3f} | {s:.3f} | "
                      f"{100 * s / c:.1f} % | {100 * worst:.1f} % |")
        gate = Gate(demo)
        report = audit_suppression(gate, default_roles(gate))
        print(f"\nAudit demo: {len(report.roles)} roles, {report.checked} hidden small counts "
              f"checked, {report.linear_programs} LPs, {len(report.weak)} weak, "
              f"{report.seconds:.1f} s")
        strict = audit_suppression(gate, default_roles(gate), inequalities=True)
        print(f"Audit demo with inequalities: {len(strict.weak)} weak, {strict.seconds:.1f} s")
    if not args.koeln.exists():
        print(f"\nKöln: {args.koeln} not found, skipped")
        return
    with tempfile.TemporaryDirectory() as home:
        inst = build_koeln(Path(home), args.koeln)
        gate = Gate(inst)
        start = time.perf_counter()
        gate.warm()
        warm = time.perf_counter() - start
        hidden = {ind.id: int(gate._table(ind).flags["suppressed"].sum())
                  for ind in inst.registry}
        c, s, worst = cold_times(inst, list(KOELN_INDICATORS), args.runs)
        report = audit_suppression(gate, default_roles(gate))
        strict = audit_suppression(gate, default_roles(gate, role="leadership"),
                                   inequalities=True)
        print(f"\nKöln: {len(gate.areas_info().frame)} areas, warm {warm:.1f} s, hidden cells "
              f"{hidden}; roll-up {c:.3f} s, suppression {s:.3f} s ({100 * s / c:.1f} %)")
        print(f"Audit Köln: {len(report.roles)} roles, {report.checked} hidden small counts, "
              f"{report.linear_programs} LPs, {len(report.weak)} weak, {report.seconds:.1f} s; "
              f"with inequalities (leadership): {len(strict.weak)} weak")
        for weak in report.weak[:10]:
            print("  ", weak.describe())


if __name__ == "__main__":
    main()
