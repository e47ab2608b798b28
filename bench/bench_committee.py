"""100 simulated committee members against `cockpit serve` with 2 workers (issue 9).

1. Record: a real headless Chromium logs in as a committee member and clicks
   the path of a committee meeting - open the Stadtteilvergleich, change the
   indicator (dropdown, next entry), pick an area (a row of the table, which
   highlights it), open the Zeitreihe, open the Stadtteilprofil (menu links).
   Every request the page makes is recorded per action, bodies included, so the
   members replay exactly the browser's layout requests and callback payloads
   (/_dash-layout, /_dash-dependencies, /_dash-update-component, ...). Component
   bundles, assets and fonts are left out: a member's browser has them cached
   (long-lived cache headers) after the first visit.
2. Replay: N members (httpx, asyncio, one connection pool and cookie jar each)
   start spread over the ramp, log in (GET /login, CSRF token, POST /login),
   then repeat the actions with a think time of 1-3 s between clicks. The
   requests of one action go one after another (the browser fires some in
   parallel, so an action's time here is an upper bound).
3. Report p50/p95/p99 per action (per request, and the action as a whole),
   overall, requests per second and errors: any status other than 2xx or 3xx,
   any status other than the browser saw, a callback answer without data.

Usage: python bench/bench_committee.py --scale demo|540|11000 [--users 100]
       [--rounds 3] [--home DIR] [--workers 2]
Needs the bench extra (pip install -e '.[bench]'): httpx, playwright.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from serve_harness import PASSWORD, Server, ensure_committee, make_home

ACTIONS = ("login", "vergleich", "indikator", "gebiet", "zeitreihe", "profil")
# Static files a returning browser has cached; everything else is replayed.
STATIC = ("/_dash-component-suites/", "/assets/", "/_favicon", "/favicon")
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Recorded:
    method: str
    path: str  # with query
    body: bytes | None
    content_type: str | None
    status: int = 0


@dataclass
class Flow:
    actions: dict[str, list[Recorded]] = field(default_factory=dict)


def record_flow(base: str, user: str) -> Flow:
    """Click the committee path in a real browser; the requests of each action."""
    from playwright.sync_api import sync_playwright

    flow = Flow()
    current: list[Recorded] | None = None
    pending: dict[object, Recorded] = {}

    def on_request(request) -> None:  # noqa: ANN001 - playwright's Request
        path = request.url[len(base):]
        if current is None or not request.url.startswith(base) or path.startswith(STATIC):
            return
        item = Recorded(request.method, path, request.post_data_buffer,
                        request.headers.get("content-type"))
        current.append(item)
        pending[request] = item

    def on_done(request) -> None:  # noqa: ANN001
        item = pending.pop(request, None)
        if item is not None:
            response = request.response()
            item.status = response.status if response else 0

    def settle(page, quiet_ms: int = 700, limit_s: float = 60) -> None:  # noqa: ANN001
        """Wait until no recorded request has been in flight for quiet_ms."""
        deadline, idle_since = time.monotonic() + limit_s, None
        while time.monotonic() < deadline:
            page.wait_for_timeout(50)
            if pending:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif (time.monotonic() - idle_since) * 1000 >= quiet_ms:
                return

    def action(name: str, page, do) -> None:  # noqa: ANN001
        nonlocal current
        current = flow.actions.setdefault(name, [])
        do()
        settle(page)
        current = None

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        page.goto(base + "/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        action("vergleich", page, lambda: page.goto(base + "/vergleich"))
        page.wait_for_selector("#compare-grid .ag-row", timeout=60_000)

        def next_indicator() -> None:
            page.click("#compare-indicator")
            page.wait_for_timeout(500)  # the menu opens (slowly on a busy machine)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
        for _ in range(3):  # a busy machine may swallow the keys: try again
            action("indikator", page, next_indicator)
            if flow.actions["indikator"]:
                break
        page.wait_for_selector("#compare-grid .ag-row", timeout=60_000)
        action("gebiet", page, lambda: page.locator(
            "#compare-grid .ag-center-cols-container .ag-row").nth(2)
            .locator(".ag-cell").first.click())
        action("zeitreihe", page,
               lambda: page.locator("a[href^='/zeitreihe']").first.click())
        action("profil", page, lambda: page.locator("a[href^='/profil']").first.click())
        browser.close()
    return flow


def _callback_without_data(item: Recorded, response: httpx.Response) -> bool:
    if not item.path.startswith("/_dash-update-component") or response.status_code != 200:
        return False
    try:
        return "response" not in response.json()
    except ValueError:
        return True


@dataclass
class Results:
    requests: dict[str, list[float]] = field(default_factory=dict)  # action -> ms
    actions: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    count: int = 0


async def member(name: str, base: str, flow: Flow, results: Results, rounds: int,
                 delay: float, rng: random.Random) -> None:
    await asyncio.sleep(delay)
    # Idle connections are dropped after 1 s, before gunicorn closes them (keepalive 5 s):
    # a browser retries a request on a connection the server closed; httpx does not.
    limits = httpx.Limits(keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits,
                                 headers={"Accept-Encoding": "gzip, br"}) as client:

        async def send(action: str, method: str, path: str, ok: set[int], **kw) -> httpx.Response:
            start = time.perf_counter()
            try:
                response = await client.request(method, path, **kw)
            except httpx.HTTPError as exc:
                results.errors.append(f"{action} {method} {path[:60]}: {exc!r}")
                return None
            results.requests.setdefault(action, []).append((time.perf_counter() - start) * 1e3)
            results.count += 1
            if response.status_code not in ok:
                results.errors.append(f"{action} {method} {path[:60]}: {response.status_code}")
            return response

        start = time.perf_counter()
        page = await send("login", "GET", "/login", {200})
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text if page else "")
        if found is None:
            results.errors.append("login: no login form")
            return
        answer = await send("login", "POST", "/login", {302},
                            data={"username": name, "password": PASSWORD,
                                  "csrf_token": found.group(1)})
        if answer is None or answer.status_code != 302:
            return  # counted; a member who cannot log in clicks nothing
        results.actions.setdefault("login", []).append((time.perf_counter() - start) * 1e3)
        for _ in range(rounds):
            for action in ACTIONS[1:]:
                await asyncio.sleep(rng.uniform(1.0, 3.0))  # think time between clicks
                start = time.perf_counter()
                for item in flow.actions.get(action, []):
                    headers = {"Content-Type": item.content_type} if item.content_type else {}
                    expected = {item.status} if 200 <= item.status < 400 else {200, 204}
                    response = await send(action, item.method, item.path, expected,
                                          content=item.body, headers=headers)
                    if response is not None and _callback_without_data(item, response):
                        results.errors.append(f"{action} callback without data")
                results.actions.setdefault(action, []).append(
                    (time.perf_counter() - start) * 1e3)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def report(scale: str, users: int, results: Results, seconds: float) -> str:
    lines = [f"\n### {scale}: {users} committee members, 2 workers, {seconds:.0f} s, "
             f"{results.count} requests, {results.count / seconds:.1f} req/s, "
             f"{len(results.errors)} errors\n",
             "| action | requests | p50 ms | p95 ms | p99 ms | action p50 ms | action p95 ms |",
             "|---|---|---|---|---|---|---|"]
    everything: list[float] = []
    for action in ACTIONS:
        times = results.requests.get(action, [])
        whole = results.actions.get(action, [])
        if not times:
            continue
        everything += times
        lines.append(f"| {action} | {len(times)} | {statistics.median(times):.0f} | "
                     f"{_pct(times, 95):.0f} | {_pct(times, 99):.0f} | "
                     f"{statistics.median(whole):.0f} | {_pct(whole, 95):.0f} |")
    if everything:
        lines.append(f"| **all** | {len(everything)} | {statistics.median(everything):.0f} | "
                     f"{_pct(everything, 95):.0f} | {_pct(everything, 99):.0f} | | |")
    for error in sorted(set(results.errors))[:10]:
        lines.append(f"- error: {error} (x{results.errors.count(error)})")
    return "\n".join(lines)


async def run_members(base: str, names: list[str], flow: Flow, rounds: int,
                      ramp: float) -> tuple[Results, float]:
    results, rng = Results(), random.Random(9)
    start = time.perf_counter()
    await asyncio.gather(*(member(name, base, flow, results, rounds, ramp * i / len(names),
                                  random.Random(rng.random())) for i, name in enumerate(names)))
    return results, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("demo", "540", "11000"), default="demo")
    parser.add_argument("--home", type=Path, help="existing or new home (default: a temp dir)")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="click paths per member")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds to start all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dump-flow", type=Path, help="write the recorded requests here")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix=f"bench-committee-{args.scale}-"))
    make_home(args.scale, home)
    names = ensure_committee(home, args.users)
    with Server(home, workers=args.workers) as server:
        server.wait_idle()
        flow = record_flow(server.base, names[0])
        if args.dump_flow:
            args.dump_flow.write_text(json.dumps({a: [
                {"method": r.method, "path": r.path, "status": r.status,
                 "body": (r.body or b"").decode("utf-8", "replace")} for r in items]
                for a, items in flow.actions.items()}, indent=1, ensure_ascii=False))
        recorded = {a: len(items) for a, items in flow.actions.items()}
        missing = [a for a in ACTIONS[1:] if not flow.actions.get(a)]
        if missing:
            raise SystemExit(f"the browser recorded no request for {missing}; see {server.log}")
        print(f"recorded requests per action: {recorded}")
        results, seconds = asyncio.run(run_members(server.base, names, flow, args.rounds,
                                                   args.ramp))
        print(report(args.scale, args.users, results, seconds))
        memory = server.memory()
        print(f"\nmemory after the load: RSS {memory['sum_rss']:.0f} MiB, "
              f"PSS {memory['sum_pss']:.0f} MiB (master + {args.workers} workers)")


if __name__ == "__main__":
    main()
