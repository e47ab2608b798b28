"""Server-side time of the Haushalt callbacks against the comparison callback, on the demo.

Runs the real Flask/Dash stack in-process (Flask test client, no network), logged in as
`controlling`. The cases are called in turn (one call of each per round), so a noisy
shared machine slows all of them alike and the ratio to the comparison callback stays
meaningful. The first budget call of the process (the lines read from the store once per
data version) is reported on its own. Usage: python bench/bench_budget.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import os
import platform
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

BUDGET_OUTPUTS = [
    "budget-chart-ergebnis.figure", "budget-grid-ergebnis.rowData",
    "budget-grid-ergebnis.columnDefs", "budget-grid-ergebnis.dashGridOptions",
    "budget-chart-finanz.figure", "budget-grid-finanz.rowData",
    "budget-grid-finanz.columnDefs", "budget-grid-finanz.dashGridOptions",
    "budget-grid-ergebnis.style", "budget-grid-finanz.style", "budget-caption.children",
    "budget-message.children", "budget-back.style",
]
COMPARE_OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                   "compare-grid.columnDefs", "compare-caption.children",
                   "compare-message.children"]
YEARS = ["2024", "2023", "2022", "2021", "2025"]
BEREICHE = ["03", "05", "06", "12", "16"]
INDICATORS = ["sgb2_quote", "kinderarmut", "betreuungsquote_u3", "uebergang_gymnasium",
              "hze_je_1000_unter_21"]


def _budget(client, year: str, view: str = "eur", bereich: str = ""):
    return callback(client, BUDGET_OUTPUTS, {
        "budget-year.value": year, "budget-basis.value": "fortgeschrieben",
        "budget-view.value": view, "budget-bereich.value": bereich})


def _cases(client) -> dict[str, Callable[[int], object]]:
    return {
        "comparison callback (reference)": lambda i: callback(client, COMPARE_OUTPUTS, {
            "compare-indicator.value": INDICATORS[i % 5], "compare-period.value": "2024",
            "compare-level.value": "subdistrict", "compare-method.value": "quantile",
            "compare-raw.value": False, "compare-highlight.data": None}),
        "Haushalt: all Produktbereiche, EUR": lambda i: _budget(client, YEARS[i % 5]),
        "Haushalt: drill-down to Produktgruppen": lambda i: _budget(
            client, "2024", bereich=BEREICHE[i % 5]),
        "Haushalt: per inhabitant": lambda i: _budget(client, YEARS[i % 5],
                                                      view="per_inhabitant"),
        "Haushalt: drill-down click": lambda i: callback(
            client, "budget-bereich.value",
            {"budget-grid-ergebnis.cellClicked": {"rowId": f"{BEREICHE[i % 5]}:ertraege"},
             "budget-grid-finanz.cellClicked": None, "budget-back.n_clicks": None},
            state={"budget-bereich.value": ""}, changed=["budget-grid-ergebnis.cellClicked"]),
        "Haushalt page layout": lambda i: render_page(client, "/haushalt"),
    }


def _check(response) -> int:
    text = response.get_data(as_text=True)
    # A refusal would be fast and meaningless: every timed call must carry data.
    if response.status_code != 200 or '"color":"warning"' in text:
        raise RuntimeError(f"HTTP {response.status_code}: {text[:300]}")
    return len(response.get_data())


def _timed(call: Callable[[int], object], i: int) -> tuple[float, int]:
    start = time.perf_counter()
    response = call(i)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, _check(response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        inst = Installation(load_settings(home=home))
        build_demo_store(inst.store, inst.catalog)
        with inst.app_db() as conn:
            created = create_demo_users(conn, district_area="01", department="jugendamt")
        name, password = next((u.name, pw) for u, pw in created if u.role == "controlling")
        server = create_server(inst, secret_key="bench", warm=False)
        server.extensions["cockpit_gate"].warm()
        client = server.test_client()
        client.get("/login")
        assert login(client, name, password).status_code == 302
        first, size = _timed(lambda i: _budget(client, "2024"), 0)
        cases = _cases(client)
        for i in range(5):  # warm-up
            for call in cases.values():
                _timed(call, i)
        times: dict[str, list[float]] = {label: [] for label in cases}
        sizes: dict[str, int] = {}
        for i in range(args.rounds):
            for label, call in cases.items():
                elapsed, sizes[label] = _timed(call, i)
                times[label].append(elapsed)
        load = os.getloadavg()
        print(f"# {platform.node()} · {platform.processor() or platform.machine()} · "
              f"{os.cpu_count()} CPUs · Python {platform.python_version()} · "
              f"{time.strftime('%Y-%m-%d %H:%M')} · load average "
              f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"first Haushalt callback of the process (lines read once per data version): "
              f"{first:.1f} ms, {size / 1024:.0f} KB")
        reference = statistics.median(times["comparison callback (reference)"])
        print("| case | calls | median ms | p95 ms | ratio to comparison | response KB |")
        print("|---|---|---|---|---|---|")
        for label, values in times.items():
            ordered = sorted(values)
            p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
            median = statistics.median(ordered)
            print(f"| {label} | {len(ordered)} | {median:.1f} | {p95:.1f} | "
                  f"{median / reference:.2f} | {sizes[label] / 1024:.0f} |")


if __name__ == "__main__":
    main()
