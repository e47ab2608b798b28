"""Bytes transferred and time until drawn for a first and a second visit (issue 9).

Starts `cockpit serve --demo` (1 worker) in a temporary home and opens a fresh
headless Chromium context (empty cache). First visit: /login?next=/vergleich,
log in as leadership, wait until the comparison page is drawn (bars, map and
table). Second visit: the same page again in the same context (warm browser
cache). Bytes are what went over the wire as Chromium's DevTools reports them
(`Network.loadingFinished.encodedDataLength`: headers plus encoded body, 0 for
answers from the browser cache); the uncompressed size is the sum of
`Network.dataReceived.dataLength`. The time is `performance.now()` of the
comparison page's document when it is drawn (from its navigation start).

--compress 0 runs the server with COCKPIT_COMPRESS=0; --source DIR runs the
cockpit package from another checkout (e.g. `git worktree add /tmp/old main`)
to measure the state before. Needs Debian's chromium at /usr/bin/chromium.
--mbit N emulates a link of N Mbit/s with 20 ms latency (DevTools throttling).
Usage: python bench/bench_first_visit.py [--runs 3] [--compress 0|1] [--source DIR] [--mbit N]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGE = "/vergleich?indicator=sgb2_quote"
DRAWN = ("() => (document.querySelectorAll('#compare-bar .bars path').length > 10"
         " && document.querySelectorAll('#compare-map .choroplethlocation').length > 10"
         " && document.querySelectorAll('#compare-grid .ag-row').length > 10)"
         " ? performance.now() : false")


class Wire:
    """Counts bytes per request from the DevTools network events of one page."""

    def __init__(self, cdp, mbit: float) -> None:
        self.encoded: dict[str, int] = {}
        self.decoded: dict[str, int] = defaultdict(int)
        self.urls: dict[str, str] = {}
        self.encoding: dict[str, str] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        if mbit:
            # A link like an office line or a VPN: 20 ms latency, mbit Mbit/s down and up.
            rate = mbit * 1_000_000 / 8
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": 20, "downloadThroughput": rate,
                "uploadThroughput": rate})

    def _response(self, event) -> None:
        response = event["response"]
        self.urls[event["requestId"]] = response["url"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.encoding[event["requestId"]] = headers.get("content-encoding", "")

    def _data(self, event) -> None:
        self.decoded[event["requestId"]] += event["dataLength"]

    def _finished(self, event) -> None:
        self.encoded[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        self.encoded.clear()
        self.decoded.clear()

    def totals(self) -> tuple[int, int, int]:
        return (sum(self.encoded.values()), sum(self.decoded.values()),
                sum(1 for n in self.encoded.values() if n > 0))

    def biggest(self, count: int = 8) -> list[tuple[int, int, str, str]]:
        rows = [(n, self.decoded.get(rid, 0), self.encoding.get(rid, ""),
                 self.urls.get(rid, "?")) for rid, n in self.encoded.items()]
        return sorted(rows, reverse=True)[:count]


def _start(home: str, port: int, compress: str, source: str | None) -> subprocess.Popen:
    env = dict(os.environ, COCKPIT_COMPRESS=compress)
    if source:
        env["PYTHONPATH"] = source
    return subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", home, "serve", "--demo", "--port",
         str(port), "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env, cwd=source or None)


def _visit(browser, base: str, name: str, password: str, verbose: bool,
           mbit: float = 0) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    wire = Wire(context.new_cdp_session(page), mbit)
    page.goto(base + "/login?next=" + urllib.request.quote(PAGE, safe=""))
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + PAGE)
    first_ms = page.wait_for_function(DRAWN, timeout=60000, polling=50).json_value()
    page.wait_for_load_state("networkidle")
    first = wire.totals()
    if verbose:
        for row in wire.biggest():
            print("  first", *row)
    wire.reset()
    page.goto(base + PAGE)
    second_ms = page.wait_for_function(DRAWN, timeout=60000, polling=50).json_value()
    page.wait_for_load_state("networkidle")
    second = wire.totals()
    if verbose:
        for row in wire.biggest(4):
            print("  second", *row)
    context.close()
    return {"first_bytes": first[0], "first_raw": first[1], "first_requests": first[2],
            "first_ms": first_ms, "second_bytes": second[0], "second_raw": second[1],
            "second_requests": second[2], "second_ms": second_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compress", choices=("0", "1"), default="1")
    parser.add_argument("--source", help="checkout whose cockpit package is served")
    parser.add_argument("--mbit", type=float, default=0,
                        help="emulate a link of this many Mbit/s (default: loopback as is)")
    parser.add_argument("--verbose", action="store_true", help="list the biggest transfers")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as home, socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        server = _start(home, port, args.compress, args.source)
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
                # One unmeasured visit warms the server (first computation, imports).
                _visit(browser, base, name, password, False)
                for i in range(args.runs):
                    results.append(_visit(browser, base, name, password,
                                          args.verbose and i == 0, args.mbit))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    label = f"compress={args.compress}" + (f", {args.mbit:g} Mbit/s" if args.mbit else "")
    label += f", source={args.source}" if args.source else ""
    print(f"{label}, {len(results)} fresh browser contexts")
    print("| visit | requests over the wire | transferred KB | uncompressed KB "
          "| drawn after ms (median / max) |\n|---|---|---|---|---|")
    for visit in ("first", "second"):
        def med(key: str, visit: str = visit) -> float:
            return statistics.median(r[f"{visit}_{key}"] for r in results)
        worst = max(r[f"{visit}_ms"] for r in results)
        print(f"| {visit} | {med('requests'):.0f} | {med('bytes') / 1024:,.0f} | "
              f"{med('raw') / 1024:,.0f} | {med('ms'):.0f} / {worst:.0f} |")


if __name__ == "__main__":
    main()
