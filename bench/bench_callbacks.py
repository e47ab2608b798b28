"""Server-side time of the cockpit's main callbacks and the values API on the demo.

Runs the real Flask/Dash stack in-process (Flask test client, no network):
login as `leadership`, warm up, then 50 timed calls per case; prints median
and p95 in milliseconds. Usage: python bench/bench_callbacks.py [--calls 50]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cockpit.app.server import create_server  # noqa: E402
from cockpit.appdb import create_demo_users  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.demo.build import build_demo_store  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import callback, login, render_page  # noqa: E402


def _cases(client) -> dict[str, Callable[[int], object]]:
    indicators = ["sgb2_quote", "kinderarmut", "betreuungsquote_u3", "uebergang_gymnasium",
                  "hze_je_1000_unter_21"]
    areas = ["0101", "0203", "0402", "0503", "01", "04"]

    def compare(i: int):
        return callback(client, [
            "compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
            "compare-grid.columnDefs", "compare-caption.children", "compare-message.children",
        ], {
            "compare-indicator.value": indicators[i % len(indicators)],
            "compare-period.value": "2024", "compare-level.value": "subdistrict",
            "compare-method.value": "quantile", "compare-raw.value": False,
            "compare-highlight.data": None,
        })

    def timeseries(i: int):
        # Dash maps inputs by position: the order must match the callback's.
        return callback(client, TIMESERIES_OUTPUTS, {
            "timeseries-indicator.value": indicators[i % len(indicators)], **TIMESERIES_INPUTS})

    def profile(i: int):
        return callback(client, PROFILE_OUTPUTS, {
            "profile-area.value": areas[i % len(areas)], **PROFILE_INPUTS})

    def values_api(i: int):
        return client.get(f"/api/v1/indicators/{indicators[i % len(indicators)]}/values"
                          "?level=subdistrict")

    def comparison_page(i: int):
        return render_page(client, "/vergleich", f"?indicator={indicators[i % 5]}")

    return {"comparison callback": compare, "time-series callback": timeseries,
            "profile callback": profile, "values API": values_api,
            "comparison page layout": comparison_page}


# Inputs of the time-series and profile callbacks (ids from their page modules).
TIMESERIES_OUTPUTS = ["timeseries-graph.figure", "timeseries-table.children",
                      "timeseries-caption.children", "timeseries-message.children"]
TIMESERIES_INPUTS: dict[str, object] = {
    "timeseries-areas.value": ["00", "01", "0101", "0203"], "timeseries-index.value": False,
    "timeseries-base.value": None, "timeseries-raw.value": False,
}
PROFILE_OUTPUTS = "profile-content.children"
PROFILE_INPUTS: dict[str, object] = {"profile-raw.value": False}


def measure(call: Callable[[int], object], calls: int, warmup: int = 5) -> list[float]:
    for i in range(warmup):
        _check(call(i))
    times = []
    for i in range(calls):
        start = time.perf_counter()
        response = call(i)
        times.append((time.perf_counter() - start) * 1000)
        _check(response)
    return times


def _check(response) -> None:
    text = response.get_data(as_text=True)
    # A refusal would be fast and meaningless: every timed call must carry data.
    if response.status_code != 200 or '"color":"warning"' in text or len(text) < 2000:
        raise RuntimeError(f"HTTP {response.status_code}: {text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        inst = Installation(load_settings(home=home))
        build_demo_store(inst.store, inst.catalog)
        with inst.app_db() as conn:
            created = create_demo_users(conn, district_area="01", department="jugendamt")
        name, password = next((u.name, pw) for u, pw in created if u.role == "leadership")
        server = create_server(inst, secret_key="bench", warm=False)
        server.extensions["cockpit_gate"].warm()
        client = server.test_client()
        page = client.get("/login").get_data(as_text=True)
        assert re.search("csrf_token", page)
        assert login(client, name, password).status_code == 302
        print(f"# {platform.node()} · {platform.processor() or platform.machine()} · "
              f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')}")
        print("| case | calls | median ms | p95 ms |\n|---|---|---|---|")
        for label, call in _cases(client).items():
            times = sorted(measure(call, args.calls))
            p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
            print(f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
