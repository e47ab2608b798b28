"""A synthetic territory of any size for the speed benchmarks (issue 9).

`build(inst, districts=400, per_district=...)` publishes a store with one top
area, `districts` parents and about `areas` children (11,000 under 400 parents
by default, the size of Germany's Gemeinden under its Kreise), each child a
polygon of 16 vertices (VG5000 has 16 per Gemeinde on average) so that maps
cost what real boundaries cost. Datasets: residents in 11 age groups,
SGB-II recipients (00_14, 15_64) and unemployed (15_24, 25_64) for 15 years,
enough for einwohner, sgb2_quote, kinderarmut, the age shares and quotients,
arbeitslosenquote and jugendarbeitslosigkeit. Residents range from 20 to
20,000 (log-uniform), so there are many small counts to suppress.

Usage from a bench script:
    from scale_city import build
    build(inst, districts=400, areas=11_000)
or from the shell, to keep a home for `cockpit serve`:
    python bench/scale_city.py --home /tmp/scale --areas 11000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit.context import Installation  # noqa: E402
from cockpit.demo.generator import AGE_GROUPS  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from cockpit.store.schema import DIMENSIONS, TOTAL  # noqa: E402
from cockpit.territory.levels import demo_levels, write_levels  # noqa: E402

YEARS = range(2012, 2027)  # 15 periods, as the issue measured
AGE_SHARE = np.array([0.028, 0.027, 0.035, 0.043, 0.027, 0.032, 0.050, 0.270, 0.270,
                      0.150, 0.068])
# Germany's bounding box, so a map at this scale looks like one of Germany.
WEST, EAST, SOUTH, NORTH = 6.0, 15.0, 47.3, 55.0
VERTICES_PER_SIDE = 4  # 16 vertices per polygon


def _polygon(x0: float, y0: float, x1: float, y1: float, rng: np.random.Generator) -> str:
    """A rectangle with 4 points per side, inner points nudged so it is not a square."""
    steps = np.linspace(0.0, 1.0, VERTICES_PER_SIDE + 1)[:-1]
    wobble = (x1 - x0) * 0.04
    points = []
    for t in steps:  # south, east, north, west side, counter-clockwise
        points.append((x0 + t * (x1 - x0), y0))
    for t in steps:
        points.append((x1, y0 + t * (y1 - y0)))
    for t in steps:
        points.append((x1 - t * (x1 - x0), y1))
    for t in steps:
        points.append((x0, y1 - t * (y1 - y0)))
    out = []
    for i, (x, y) in enumerate(points):
        if i % VERTICES_PER_SIDE:  # corners stay, so neighbours still touch
            x += rng.uniform(-wobble, wobble)
            y += rng.uniform(-wobble, wobble)
        out.append(f"[{x:.5f},{y:.5f}]")
    out.append(out[0])
    return '{"type":"Polygon","coordinates":[[' + ",".join(out) + "]]}"


def _grid(n: int) -> tuple[int, int]:
    cols = int(np.ceil(np.sqrt(n)))
    return cols, int(np.ceil(n / cols))


def territory(districts: int, areas: int, seed: int = 11000) -> tuple[list[tuple], list[tuple]]:
    """(areas, geometries): codes 00 / DDD / DDDSSS, parents at level `district`."""
    rng = np.random.default_rng(seed)
    rows: list[tuple] = [("00", "Großraum", "city", None)]
    shapes: list[tuple] = []
    per = np.full(districts, areas // districts)
    per[: areas % districts] += 1
    cols, lines = _grid(districts)
    width, height = (EAST - WEST) / cols, (NORTH - SOUTH) / lines
    for d in range(districts):
        code = f"{d + 1:03d}"
        rows.append((code, f"Kreis {d + 1}", "district", "00"))
        x0, y0 = WEST + (d % cols) * width, SOUTH + (d // cols) * height
        shapes.append((code, _polygon(x0, y0, x0 + width, y0 + height, rng)))
        sub_cols, sub_lines = _grid(int(per[d]))
        sw, sh = width / sub_cols, height / sub_lines
        for s in range(int(per[d])):
            sub = f"{code}{s + 1:03d}"
            rows.append((sub, f"Gemeinde {d + 1}-{s + 1}", "subdistrict", code))
            sx, sy = x0 + (s % sub_cols) * sw, y0 + (s // sub_cols) * sh
            shapes.append((sub, _polygon(sx, sy, sx + sw, sy + sh, rng)))
    return rows, shapes


def observations(codes: list[str], seed: int = 11000) -> pd.DataFrame:
    """Residents, SGB-II recipients and unemployed per child area and year (long format)."""
    rng = np.random.default_rng(seed)
    n, years = len(codes), np.array(list(YEARS))
    base = np.exp(rng.uniform(np.log(20), np.log(20_000), n))
    growth = rng.uniform(-0.01, 0.015, n)
    poverty = rng.beta(2, 5, n)
    residents = base[:, None] * (1 + growth[:, None]) ** (years - years[0])[None, :]
    frames = []

    def add(dataset: str, group: str, counts: np.ndarray) -> None:
        frames.append(pd.DataFrame({
            "dataset_id": dataset,
            "area_code": np.repeat(codes, len(years)),
            "period": np.tile(years.astype(str), n),
            "age_group": group,
            "value": np.maximum(0, np.rint(counts)).ravel().astype(float),
        }))

    by_group = {}
    for i, group in enumerate(AGE_GROUPS):
        noise = rng.normal(1.0, 0.05, residents.shape)
        by_group[group] = residents * AGE_SHARE[i] * noise
        add("bevoelkerung", group, by_group[group])
    children = sum(by_group[g] for g in AGE_GROUPS[:4])
    working = sum(by_group[g] for g in AGE_GROUPS[4:9])
    add("sgb2", "00_14", children * poverty[:, None] * 0.45)
    add("sgb2", "15_64", working * poverty[:, None] * 0.3)
    add("arbeitslose", "15_24", (by_group["15_17"] + by_group["18_20"] + by_group["21_24"])
        * poverty[:, None] * 0.12)
    add("arbeitslose", "25_64", (by_group["25_44"] + by_group["45_64"])
        * poverty[:, None] * 0.15)
    frame = pd.concat(frames, ignore_index=True)
    for dim in DIMENSIONS:
        if dim not in frame:
            frame[dim] = TOTAL
    return frame


def build(inst: Installation, *, districts: int = 400, areas: int = 11_000,
          seed: int = 11000) -> int:
    """Publish the synthetic territory into `inst`'s store; returns the number of children."""
    area_rows, shapes = territory(districts, areas, seed)
    children = [code for code, _, level, _ in area_rows if level == "subdistrict"]
    frame = observations(children, seed)
    with inst.store.publish(start_empty=True) as conn:
        write_levels(conn, demo_levels())
        conn.register("new_areas", pd.DataFrame(area_rows, columns=[
            "code", "name", "level", "parent_code"]))
        conn.execute("INSERT INTO areas (code, name, level, parent_code) "
                     "SELECT code, name, level, parent_code FROM new_areas")
        conn.register("new_shapes", pd.DataFrame(shapes, columns=["code", "geojson"]))
        conn.execute("INSERT INTO area_geometries (code, geojson) "
                     "SELECT code, geojson FROM new_shapes")
        for ds in inst.catalog.datasets.values():
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                         [ds.id, ds.title, ds.description, ds.source, ds.department,
                          ds.classification, ds.unit, ds.licence])
        conn.register("staged", frame)
        columns = ", ".join(("dataset_id", "area_code", "period", *DIMENSIONS, "value"))
        conn.execute(f"INSERT INTO observations ({columns}) SELECT {columns} FROM staged")
    return len(children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True,
                        help="cockpit home to create (COCKPIT_HOME for `cockpit serve`)")
    parser.add_argument("--areas", type=int, default=11_000)
    parser.add_argument("--districts", type=int, default=400)
    args = parser.parse_args()
    inst = Installation(load_settings(home=args.home))
    count = build(inst, districts=args.districts, areas=args.areas)
    print(f"{count} areas under {args.districts} parents in {args.home}")


if __name__ == "__main__":
    main()
