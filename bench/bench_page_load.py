"""Time until the comparison page is drawn in headless Chromium (bars, map and table).

Starts `cockpit serve --demo` (1 worker) in a temporary home, logs in as
leadership, then loads /vergleich with different indicators and measures from
navigation start until the bar chart, the map and the table rows are in the
DOM. Needs Debian's chromium at /usr/bin/chromium.
Usage: python bench/bench_page_load.py [--runs 10]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

INDICATORS = ["sgb2_quote", "kinderarmut", "betreuungsquote_u3", "uebergang_gymnasium",
              "einwohner"]
DRAWN = ("() => document.querySelectorAll('#compare-bar .bars path').length > 10"
         " && document.querySelectorAll('#compare-map .choroplethlocation').length > 10"
         " && document.querySelectorAll('#compare-grid .ag-row').length > 10")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        server = subprocess.Popen(
            [sys.executable, "-m", "cockpit", "--home", home, "serve", "--demo", "--port",
             str(port), "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            line = next(row for row in (Path(home) / "demo-logins.txt").read_text().splitlines()
                        if "\tleadership\t" in row)
            name, _, password = line.split("\t")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking"])
                page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
                page.goto(base + "/login")
                page.get_by_label("Benutzername").fill(name)
                page.get_by_label("Passwort").fill(password)
                page.get_by_role("button", name="Anmelden").click()
                page.wait_for_url(base + "/")
                page.wait_for_load_state("networkidle")
                times = []
                for i in range(args.runs + 2):
                    indicator = INDICATORS[i % len(INDICATORS)]
                    start = time.perf_counter()
                    page.goto(f"{base}/vergleich?indicator={indicator}")
                    page.wait_for_function(DRAWN, timeout=30000)
                    if i >= 2:  # the first loads fill the browser cache
                        times.append((time.perf_counter() - start) * 1000)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    times.sort()
    print("| case | runs | median ms | max ms |\n|---|---|---|---|")
    print(f"| comparison page drawn (bars, map, table) | {len(times)} | "
          f"{statistics.median(times):.0f} | {times[-1]:.0f} |")


if __name__ == "__main__":
    main()
