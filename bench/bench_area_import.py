"""Import Germany's 16 Länder, 401 Kreise and 10,997 Gemeinden from the BKG's VG5000.

Runs the real command line (`cockpit init --name/--levels`, then three
`cockpit areas import`) in a fresh temporary home, times each import end to end
(reading, CRS transformation, checks, simplification, publish) and measures the
Gemeinde level's boundary payload: the geometry texts as stored and the level's
GeoJSON FeatureCollection as the map would load it, raw and gzip-compressed.

Usage: python bench/bench_area_import.py [--samples ../shared/samples] [--runs 3]
Target (issue 7): the Gemeinde import at most 30 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from cockpit.cli import cli  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from cockpit.territory.area_import import level_geojson  # noqa: E402

LEVELS = "land:Land|State,kreis:Kreis|District,gemeinde:Gemeinde|Municipality"


def _run(home: Path, *args: str) -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"cockpit {' '.join(args)} failed:\n{result.output}")
    return elapsed


def one_run(vg: Path) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        _run(home, "init", "--name", "Deutschland", "--levels", LEVELS)
        t_land = _run(home, "areas", "import", str(vg / "VG5000_LAN.shp"), "--level", "land",
                      "--code", "AGS", "--name", "GEN", "--where", "GF=9")
        t_kreis = _run(home, "areas", "import", str(vg / "VG5000_KRS.shp"), "--level",
                       "kreis", "--code", "AGS", "--name", "GEN", "--parent-prefix", "2")
        t_gem = _run(home, "areas", "import", str(vg / "VG5000_GEM.shp"), "--level",
                     "gemeinde", "--code", "AGS", "--name", "GEN", "--parent-prefix", "5")
        inst = Installation(load_settings(home=str(home)))
        conn = inst.store.read()
        stored = conn.execute(
            "SELECT sum(length(g.geojson)), count(*) FROM area_geometries g JOIN areas a "
            "USING (code, valid_from) WHERE a.level = 'gemeinde'").fetchone()
        collection = json.dumps(level_geojson(conn, "gemeinde"), separators=(",", ":"),
                                ensure_ascii=False).encode()
        inst.store.close()
        return {"land_s": t_land, "kreis_s": t_kreis, "gemeinde_s": t_gem,
                "gemeinden": stored[1], "stored_bytes": stored[0],
                "collection_bytes": len(collection),
                "collection_gzip_bytes": len(gzip.compress(collection, 6))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path,
                        default=Path(os.environ.get("COCKPIT_SAMPLES",
                                                    ROOT.parent / "shared" / "samples")))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vg = args.samples / "vg5000"
    if not (vg / "VG5000_GEM.shp").is_file():
        raise SystemExit(f"VG5000 not found below {args.samples} (--samples or COCKPIT_SAMPLES)")
    runs = [one_run(vg) for _ in range(args.runs)]
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| import | runs | median s | max s |")
    print("|---|---|---|---|")
    for key, label in (("land_s", "16 Länder (VG5000_LAN, --where GF=9)"),
                       ("kreis_s", "401 Kreise (--parent-prefix 2)"),
                       ("gemeinde_s", "10,997 Gemeinden (--parent-prefix 5)")):
        values = [r[key] for r in runs]
        print(f"| {label} | {len(values)} | {statistics.median(values):.1f} | "
              f"{max(values):.1f} |")
    last = runs[-1]
    print(f"Gemeinden stored: {last['gemeinden']}")
    print(f"Gemeinde geometry as stored: {last['stored_bytes'] / 1e6:.2f} MB; FeatureCollection "
          f"(code, name, geometry): {last['collection_bytes'] / 1e6:.2f} MB, gzip "
          f"{last['collection_gzip_bytes'] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
