"""Time until the indicator catalogue (/indikatoren) is drawn in headless Chromium.

Starts `cockpit serve --demo` (1 worker) in a temporary home, logs in as leadership,
then loads /indikatoren and measures from navigation start until every Steckbrief is in
the DOM (as many cards as the count line says), plus the CPU time the page's scripts
took (Chromium's own metric, less sensitive to a loaded machine than wall time).
Needs Debian's chromium at /usr/bin/chromium.
Usage: python bench/bench_catalogue.py [--runs 10] [--path /indikatoren]
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

DRAWN = ("() => { const cards = document.querySelectorAll('#catalogue-results .card');"
         " return cards.length > 30; }")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--path", default="/indikatoren")
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
            for _ in range(600):
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
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.goto(base + "/login")
                page.get_by_label("Benutzername").fill(name)
                page.get_by_label("Passwort").fill(password)
                page.get_by_role("button", name="Anmelden").click()
                page.wait_for_url(base + "/")
                page.wait_for_load_state("networkidle")
                times, cpu = [], []
                for i in range(args.runs + 2):
                    start = time.perf_counter()
                    page.goto(base + args.path)
                    page.wait_for_function(DRAWN, timeout=60000)
                    if i >= 2:  # the first loads fill the browser cache
                        times.append((time.perf_counter() - start) * 1000)
                        cpu.append(_busy_seconds(cdp) * 1000)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    times.sort()
    print("| case | runs | median ms | max ms | main-thread busy median ms |")
    print("|---|---|---|---|---|")
    print(f"| catalogue drawn (every Steckbrief) | {len(times)} | "
          f"{statistics.median(times):.0f} | {times[-1]:.0f} | {statistics.median(cpu):.0f} |")


def _busy_seconds(cdp) -> float:  # noqa: ANN001 - a CDPSession
    """Main-thread busy time of the page since its navigation (Chromium resets the
    counters with each new document)."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics.get("TaskDuration", 0.0)


if __name__ == "__main__":
    main()
