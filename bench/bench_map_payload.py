"""Size and time of the comparison map, and the bytes of its geometry route (issue 9).

For the demo, 540 and 11,000 areas (bench/scale_city.py), through the real Flask stack as a
committee member (Flask test client, warm after one first call):
- map: `choropleth_map` alone on the gate's rows (time) and its JSON as Dash sends it (bytes);
- callback: the whole comparison callback (ranking, map, table): time, response bytes and
  the map figure's share of them;
- geometry: the level's boundaries as the browser fetches them (raw and gzip bytes; with
  the versioned route also the time of the first and of a later answer).

Run the same script in an older tree for "before" (it adapts to `choropleth_map` taking a
FeatureCollection there and to the route without `v`):

    python bench/bench_map_payload.py --homes /tmp/x --runs 7 --label after
    cp bench/bench_map_payload.py /tmp/old/bench/ && \\
        python /tmp/old/bench/bench_map_payload.py --homes /tmp/x --runs 7 --label before

Homes are built on first use under --homes (demo, 540, 11000) and shared by both runs.
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import statistics
import sys
import time
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plotly.io.json import to_json_plotly  # noqa: E402 - Dash's own figure encoder

from cockpit.access import Viewer  # noqa: E402
from cockpit.app import figures  # noqa: E402
from cockpit.app.server import create_server  # noqa: E402
from cockpit.app.session import GATE_KEY  # noqa: E402
from cockpit.appdb import add_user  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback, login  # noqa: E402

USER, PASSWORD = "bench-map", "bench-map-passwort"
INDICATOR = "sgb2_quote"
OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]


def _home(base: Path, scale: str) -> Installation:
    home = base / scale
    inst = Installation(load_settings(home=str(home)))
    if not inst.store.exists():
        home.mkdir(parents=True, exist_ok=True)
        if scale == "demo":
            from cockpit.cli.init import build_demo
            build_demo(inst)
        else:
            sys.path.insert(0, str(ROOT / "bench"))
            import scale_city
            scale_city.build(inst, districts=18 if scale == "540" else 400, areas=int(scale))
    with inst.app_db() as conn, suppress(Exception):  # exists after the first run
        add_user(conn, USER, "committee", PASSWORD)
    return inst


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def measure(inst: Installation, scale: str, runs: int) -> dict:
    server = create_server(inst, secret_key="bench", warm=False)
    server.config["TESTING"] = True
    client = server.test_client()
    assert login(client, USER, PASSWORD).status_code == 302
    gate = server.extensions[GATE_KEY]
    viewer = Viewer(name=USER, role="committee")
    period = gate.periods(viewer, INDICATOR)[-1]
    level = "subdistrict"
    inputs = {"compare-indicator.value": INDICATOR, "compare-period.value": period,
              "compare-level.value": level, "compare-method.value": "quantile",
              "compare-raw.value": False, "compare-highlight.data": None}

    def run_callback():
        response = callback(client, OUTPUTS, inputs)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response

    first_start = time.perf_counter()
    run_callback()
    first = (time.perf_counter() - first_start) * 1000
    times, response = _timed(run_callback, runs)
    body = response.get_data()
    map_json = json.dumps(response.json["response"]["compare-map"]["figure"],
                          separators=(",", ":"))
    url = response.json["response"]["compare-map"]["figure"]["data"][0]["geojson"]
    by_url = isinstance(url, str)

    # choropleth_map alone, on the gate's rows, as the callback calls it.
    rows = gate.values(viewer, INDICATOR, level=level, period=period)
    rows = rows[~rows["converted"]].reset_index(drop=True)
    new_api = "geometry_url" in inspect.signature(figures.choropleth_map).parameters
    geometry = url if new_api else gate.geojson(viewer, level, period)

    def build_map():
        fig = figures.choropleth_map(rows, geometry, unit="%", decimals=1)
        return to_json_plotly(fig)

    map_times, _ = _timed(build_map, runs)

    # The geometry as the browser gets it: the figure's URL, or the plain route before.
    route = url if by_url else f"/api/v1/areas/geojson?level={level}&period={period}"
    start = time.perf_counter()
    raw = client.get(route, headers={"Accept-Encoding": "identity"})
    route_first = (time.perf_counter() - start) * 1000
    route_times, _ = _timed(lambda: client.get(route, headers={"Accept-Encoding": "gzip"}),
                            runs)
    packed = client.get(route, headers={"Accept-Encoding": "gzip"})
    packed_bytes = (packed.get_data() if packed.headers.get("Content-Encoding") == "gzip"
                    else gzip.compress(packed.get_data()))
    return {
        "scale": scale, "areas": len(rows), "runs": runs,
        "callback_first_ms": first, "callback_ms": _stats(times), "callback_bytes": len(body),
        "map_bytes": len(map_json), "map_ms": _stats(map_times),
        "geometry_in_figure": "coordinates" in map_json,
        "route": route.split("?")[0] + ("?…&v=…" if by_url else "?level=&period="),
        "route_raw_bytes": len(raw.get_data()), "route_gzip_bytes": len(packed_bytes),
        "route_first_ms": route_first, "route_ms": _stats(route_times),
        "route_cache": raw.headers.get("Cache-Control"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scales", default="demo,540,11000")
    parser.add_argument("--label", default=str(ROOT.name))
    args = parser.parse_args()
    results = [measure(_home(args.homes, scale), scale, args.runs)
               for scale in args.scales.split(",")]

    def kb(n: int) -> str:
        return f"{n / 1000:,.0f} KB" if n < 1_000_000 else f"{n / 1e6:,.2f} MB"

    print(f"\n### {args.label}\n")
    print("| areas | map figure | geometry in it | choropleth_map median / p95 | "
          "callback first | callback median / p95 | callback response |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['areas']:,} ({r['scale']}) | {kb(r['map_bytes'])} | "
              f"{'yes' if r['geometry_in_figure'] else 'no'} | "
              f"{r['map_ms'][0]:.1f} / {r['map_ms'][1]:.1f} ms | "
              f"{r['callback_first_ms']:.0f} ms | "
              f"{r['callback_ms'][0]:.0f} / {r['callback_ms'][1]:.0f} ms | "
              f"{kb(r['callback_bytes'])} |")
    print("\n| areas | geometry route | raw | gzip | first answer | later answers median / p95 "
          "| Cache-Control |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['areas']:,} | `{r['route']}` | {kb(r['route_raw_bytes'])} | "
              f"{kb(r['route_gzip_bytes'])} | {r['route_first_ms']:.0f} ms | "
              f"{r['route_ms'][0]:.1f} / {r['route_ms'][1]:.1f} ms | {r['route_cache']} |")
    print(f"\n(runs per figure: {args.runs})")


if __name__ == "__main__":
    main()
