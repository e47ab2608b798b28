"""A fresh browser draws the comparison page: time until drawn, transfer, callbacks (issue 9).

Starts `cockpit serve` (1 worker) on the demo (`--demo`, a temporary home) or on a home
made by bench/scale_city.py (`--home /tmp/x`; demo users are added to it), logs in once
and keeps only the session cookie. Each run is a fresh headless Chromium context (empty
cache, the cookie set) that opens the comparison page; "drawn" is `performance.now()`
of the page (from its navigation start) when bars, map and table are in the DOM, taken
in the page by a MutationObserver at the end of the task that put the last of them there
(until 2026-12-02 15:00 UTC: a 50 ms polling loop, up to 50 ms late).
Besides: the transfer (DevTools `encodedDataLength`), the number of Dash callback
requests, requests to other hosts, and the main-thread script evaluation time of the
biggest scripts (DevTools trace, one extra run). `--login` also times the whole first
visit from the login page (as bench_first_visit.py does), separately.

--source DIR serves the cockpit package of another checkout (e.g. main via
`git worktree add /tmp/old 82bf3b5`) for a before/after in one window; --alternate DIR
runs both in turns (after, before, after, ...) so both see the same machine load.
Usage: python bench/bench_page_fresh.py [--home DIR] [--runs 7] [--source DIR]
       [--alternate DIR] [--login] [--indicator sgb2_quote]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DRAWN = ("() => (document.querySelectorAll('#compare-bar .bars path').length > 10"
         " && document.querySelectorAll('#compare-map .choroplethlocation').length > 10"
         " && document.querySelectorAll('#compare-grid .ag-row').length > 10)"
         " ? performance.now() : false")
CALLBACK = "/_dash-update-component"
# 11,000 areas on a loaded machine take minutes for one page (the server computes, the
# browser draws 11,000 polygons).
PAGE_TIMEOUT_MS = 900_000
# The moment DRAWN first holds, taken in the page itself: a MutationObserver checks after
# every task that changed the DOM, so the time is that task's end, not the next tick of
# a polling loop (polling every 50 ms made "drawn" up to 50 ms late, 25 ms on average).
DRAWN_RECORDER = ("(() => {\n  const drawn = " + DRAWN + ";\n" + """  const check = () => {
    if (window.__benchDrawn !== undefined) { return; }
    const now = drawn();
    if (now !== false) { window.__benchDrawn = now; observer.disconnect(); }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true});
})();""")
# How long the renderer waited for its layout: every call of window.fetch for
# /_dash-layout is timed from the call until its answer (whichever function is
# window.fetch at the time, also one the page installs later); the last call is the
# renderer's. Before the head script asked early, this was a whole server round trip.
LAYOUT_WAIT = """(() => {
  const timed = (f) => function (input) {
    const answer = f.apply(this, arguments);
    if (typeof input === "string" && input.endsWith("_dash-layout")) {
      const asked = performance.now();
      answer.then(() => (window.__benchLayout = window.__benchLayout || [])
                   .push([asked, performance.now()]), () => {});
    }
    return answer;
  };
  let current = timed(window.fetch);
  Object.defineProperty(window, "fetch", {configurable: true, get: () => current,
                                          set: (f) => { current = timed(f); }});
})();"""
# The map's geometry as plotly asked for it (the last request for it): the time from
# its request until its answer (from the browser cache when it was fetched ahead).
GEOMETRY_WAIT = """() => {
  const asked = performance.getEntriesByType("resource")
    .filter((r) => r.name.includes("/api/v1/areas/geojson"));
  const last = asked[asked.length - 1];
  return last ? last.responseEnd - last.startTime : null;
}"""
DRAWN_TAKEN = "() => window.__benchDrawn !== undefined ? window.__benchDrawn : false"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_cpu_ms(root: int) -> float:
    """User + system CPU time (ms) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) * 1000 / tick
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return sum(times.get(pid, 0.0) for pid in tree)


def _main_thread_cpu_ms(events: list[dict], target: str, until_ms: float) -> float:
    """CPU time (thread time, ms) of the page's main thread from its navigation start
    until `until_ms`: the browser's own work, whatever else the machine runs."""
    starts = sorted((e["ts"], e["pid"], e["tid"]) for e in events
                    if e.get("name") == "navigationStart"
                    and ((e.get("args") or {}).get("data") or {}).get(
                        "documentLoaderURL", "").endswith(target))
    if not starts:
        return float("nan")
    start, pid, tid = starts[-1]
    end = start + until_ms * 1000
    tasks = [e for e in events if e.get("ph") == "X" and e.get("pid") == pid
             and e.get("tid") == tid and start <= e["ts"] <= end]
    # Top-level tasks: "ThreadControllerImpl::RunTask" (Chromium 14x), "RunTask" before.
    name = ("ThreadControllerImpl::RunTask"
            if any(e["name"] == "ThreadControllerImpl::RunTask" for e in tasks) else "RunTask")
    return sum(e.get("tdur", 0) for e in tasks if e["name"] == name) / 1000


def _users(home: str) -> tuple[str, str]:
    """A leadership login for the home: the demo's, or demo users added to a scale home."""
    logins = Path(home) / "demo-logins.txt"
    if logins.exists():
        line = next(r for r in logins.read_text().splitlines() if "\tleadership\t" in r)
        name, _, password = line.split("\t")
        return name, password
    sys.path.insert(0, str(ROOT))
    from cockpit.appdb import create_demo_users
    from cockpit.context import Installation
    from cockpit.settings import load_settings

    inst = Installation(load_settings(home=Path(home)))
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="001", department="jugendamt")
    rows = ["name\trole\tpassword"] + [f"{u.name}\t{u.role}\t{pw}" for u, pw in created]
    logins.write_text("\n".join(rows) + "\n")
    return _users(home)


@contextmanager
def served(home: str | None, source: str | None):
    """`cockpit serve` on the home (or a new demo home); yields (base URL, login)."""
    with tempfile.TemporaryDirectory() as scratch:
        demo = home is None
        home = home or scratch
        port = _free_port()
        env = dict(os.environ, COCKPIT_SECRET_KEY="bench-page-fresh")
        if source:
            env["PYTHONPATH"] = source
        if not demo:
            _users(home)
        cmd = [sys.executable, "-m", "cockpit", "--home", home, "serve", "--port", str(port),
               "--workers", "1"] + (["--demo"] if demo else [])
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, cwd=source or None)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 900  # 11,000 areas warm up for minutes under load
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("server did not start") from None
                    time.sleep(0.3)
            yield base, _users(home), proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def _log_in(page, base: str, login: tuple[str, str], target: str) -> None:
    page.goto(base + "/login?next=" + urllib.request.quote(target, safe=""))
    page.get_by_label("Benutzername").fill(login[0])
    page.get_by_label("Passwort").fill(login[1])
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + target, timeout=120_000)


def _trace_scripts(events: list[dict]) -> Counter:
    """Main-thread time (ms) per script: evaluation plus the function calls into it."""
    per: Counter = Counter()
    for e in events:
        if e.get("ph") == "X" and e.get("name") in ("EvaluateScript", "v8.compile"):
            url = ((e.get("args") or {}).get("data") or {}).get("url") or ""
            if url:
                per[urlparse(url).path.rsplit("/", 1)[-1][:40]] += e.get("dur", 0) / 1000
    return per


def visit(browser, base: str, state: dict, target: str, trace: bool = False,
          server_pid: int | None = None) -> dict:
    """One fresh context with the session cookie: open the page, wait until drawn.

    Besides the time: the CPU time of the page's main thread until drawn and of the
    server for the whole visit, which a loaded machine stretches far less than the time
    (on 2 cores shared with 7 other benchmarks, only these compare across windows)."""
    context = browser.new_context(storage_state=state, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    encoded: dict[str, int] = {}
    requests: list[str] = []
    host = urlparse(base).netloc
    cdp.on("Network.loadingFinished",
           lambda e: encoded.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    cdp.send("Network.enable")
    page.on("request", lambda r: requests.append(r.url))
    events: list[dict] = []
    done: list[int] = []
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda e: done.append(1))
    categories = ["toplevel", "blink.user_timing"] + (["devtools.timeline", "v8"] if trace
                                                      else [])
    cdp.send("Tracing.start", {"traceConfig": {"includedCategories": categories},
                               "transferMode": "ReportEvents"})
    page.add_init_script(DRAWN_RECORDER)
    page.add_init_script(LAYOUT_WAIT)
    server_before = _tree_cpu_ms(server_pid) if server_pid else float("nan")
    page.goto(base + target)
    drawn = page.wait_for_function(DRAWN_TAKEN, timeout=PAGE_TIMEOUT_MS, polling=100).json_value()
    page.wait_for_load_state("networkidle")
    layout_calls = page.evaluate("() => window.__benchLayout || []")
    layout_wait = (layout_calls[-1][1] - layout_calls[-1][0]) if layout_calls else float("nan")
    geometry_wait = page.evaluate(GEOMETRY_WAIT)
    server_ms = (_tree_cpu_ms(server_pid) - server_before) if server_pid else float("nan")
    cdp.send("Tracing.end")
    deadline = time.monotonic() + 30
    while not done and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    scripts: Counter = _trace_scripts(events) if trace else Counter()
    context.close()
    return {"drawn": drawn, "bytes": sum(encoded.values()),
            "main_cpu": _main_thread_cpu_ms(events, target, drawn), "server_cpu": server_ms,
            "layout_wait": layout_wait,
            "geometry_wait": float("nan") if geometry_wait is None else geometry_wait,
            "callbacks": sum(1 for u in requests if urlparse(u).path.endswith(CALLBACK)),
            "foreign": [u for u in requests
                        if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host],
            "scripts": scripts}


def login_visit(browser, base: str, login: tuple[str, str], target: str) -> float:
    """A fresh context from the login page to the drawn page (ms from the page's start)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    start = time.perf_counter()
    _log_in(page, base, login, target)
    page.wait_for_function(DRAWN, timeout=PAGE_TIMEOUT_MS, polling=50)
    total = (time.perf_counter() - start) * 1000
    context.close()
    return total


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a home made by bench/scale_city.py (default: demo)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", help="checkout whose cockpit package is served")
    parser.add_argument("--alternate", help="a second checkout, run in turns with the first")
    parser.add_argument("--indicator", default="sgb2_quote")
    parser.add_argument("--login", action="store_true", help="also time login -> drawn")
    parser.add_argument("--json", help="write the raw results here")
    args = parser.parse_args()
    target = f"/vergleich?indicator={args.indicator}"
    variants = {(args.source or "this branch"): args.source}
    if args.alternate:
        variants[args.alternate] = args.alternate
    results: dict[str, list[dict]] = {name: [] for name in variants}
    logins: dict[str, list[float]] = {name: [] for name in variants}
    scripts: dict[str, Counter] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        servers = {}
        stack = []
        try:
            for name, source in variants.items():
                cm = served(args.home, source)
                servers[name] = cm.__enter__()
                stack.append(cm)
            states = {}
            for name, (base, login, _) in servers.items():
                context = browser.new_context()
                page = context.new_page()
                _log_in(page, base, login, target)
                # warms the server
                page.wait_for_function(DRAWN, timeout=PAGE_TIMEOUT_MS, polling=50)
                states[name] = context.storage_state()
                context.close()
            for i in range(args.runs):
                for name, (base, login, pid) in servers.items():
                    results[name].append(visit(browser, base, states[name], target,
                                               server_pid=pid))
                    if args.login:
                        logins[name].append(login_visit(browser, base, login, target))
                    print(f"run {i} {name}: {results[name][-1]['drawn']:.0f} ms",
                          file=sys.stderr)
            for name, (base, _, _) in servers.items():
                scripts[name] = visit(browser, base, states[name], target, trace=True)["scripts"]
        finally:
            for cm in reversed(stack):
                cm.__exit__(None, None, None)
            browser.close()
    scale = args.home or "demo"
    print(f"\nComparison page `{target}` on {scale}, {args.runs} fresh browser contexts each"
          " (session cookie set, empty cache)\n")
    print("| served | drawn ms median | p95 | max | page main-thread CPU ms until drawn "
          "(median) | server CPU ms per visit (median) | renderer waited for its layout ms "
          "(median) | plotly waited for the geometry ms (median) | transfer KB (median) "
          "| callback requests | requests to other hosts |"
          + (" login → drawn ms median / p95 |" if args.login else ""))
    print("|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if args.login else ""))
    for name, rows in results.items():
        drawn = [r["drawn"] for r in rows]
        line = (f"| {name} | {statistics.median(drawn):,.0f} | {_p95(drawn):,.0f} | "
                f"{max(drawn):,.0f} | {statistics.median(r['main_cpu'] for r in rows):,.0f} | "
                f"{statistics.median(r['server_cpu'] for r in rows):,.0f} | "
                f"{statistics.median(r['layout_wait'] for r in rows):,.0f} | "
                f"{statistics.median(r['geometry_wait'] for r in rows):,.0f} | "
                f"{statistics.median(r['bytes'] for r in rows) / 1024:,.0f} | "
                f"{statistics.median(r['callbacks'] for r in rows):.0f} | "
                f"{sum(len(r['foreign']) for r in rows)} |")
        if args.login:
            line += (f" {statistics.median(logins[name]):,.0f} / "
                     f"{_p95(logins[name]):,.0f} |")
        print(line)
    for name, per in scripts.items():
        top = ", ".join(f"{script} {ms:,.0f}" for script, ms in per.most_common(5))
        print(f"\nMain-thread script evaluation/compile ms ({name}, one traced run): {top}")
    if len(results) == 2:
        first, second = results.values()
        paired = [a["drawn"] / b["drawn"] for a, b in zip(first, second, strict=True)]
        print(f"\nDrawn, {' / '.join(results)} per pair of runs in turn: median "
              f"{statistics.median(paired):.2f} (from {min(paired):.2f} to {max(paired):.2f})")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "logins": logins,
                                               "scripts": scripts}, indent=1))


if __name__ == "__main__":
    main()
