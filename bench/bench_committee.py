"""100 simulated committee members against `cockpit serve` with 2 workers (issue 9).

1. Record: a real headless Chromium with an empty cache logs in as a committee
   member and clicks the path of a committee meeting - log in (the login form,
   then the start page it leads to), open the Stadtteilvergleich from the
   navigation, change the indicator (dropdown, next entry), pick an area (a row
   of the table, which highlights it), open the Zeitreihe and the
   Stadtteilprofil (links). Every request the browser sends to the cockpit is
   recorded per action with its headers and body: pages, /_dash-layout,
   /_dash-dependencies, callbacks, component bundles, assets, fonts, geometry.
2. Replay: N members, each with its own login, cookies, one kept-alive HTTP/1.1
   connection and a browser cache, send exactly these requests (their own CSRF
   token and name in the login form). The cache works as the browser's does: a
   GET answered before is not sent again while its copy is fresh (`immutable`,
   `max-age`), is sent with If-None-Match / If-Modified-Since when the copy must
   be revalidated (`no-cache`), and again in full otherwise (`no-store`). So a
   member's first page view loads the component bundles and assets; later
   clicks send only what a returning browser sends. Between clicks each member
   thinks 1-3 s; the requests of one click go one after another (the browser
   sends some in parallel, so a click's time here is an upper bound).
   Arrival: `spread` starts the members evenly over --ramp seconds (members of
   a meeting log in over a minute or two), `burst` all within one second.
3. Report p50/p95/p99 per action and overall (all requests, and the "steady"
   window in which every member is logged in and none has finished), requests
   per second, errors (a status other than the browser saw or 304 after a
   revalidation, a dropped connection, a callback answer without data), the CPU
   seconds of the client, the master and each worker during the load, and the
   load average.

The client is lean on purpose (bench/lean_http.py: asyncio streams, no
decoding except for the callback check): it runs on the same cores as the
server. `--client httpx` uses httpx instead, to measure what that costs.

Usage: python bench/bench_committee.py --scale demo|540|11000 [--users 100]
       [--rounds 8] [--arrival spread|burst] [--ramp 60] [--home DIR]
       [--workers 2] [--server-src DIR]   (DIR: another checkout's source, run as "old")
Needs the bench extra (pip install -e '.[bench]'): playwright (and httpx for --client httpx).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from lean_http import OWN_HEADERS, Answer, Client, cache_decision, cache_entry, validators
from serve_harness import PASSWORD, Server, cpu_seconds, ensure_committee, make_home

ACTIONS = ("login", "vergleich", "indikator", "gebiet", "zeitreihe", "profil")
CHROMIUM = "/usr/bin/chromium"
CALLBACK = "/_dash-update-component"


@dataclass
class Recorded:
    method: str
    path: str  # with query
    body: bytes | None
    headers: dict[str, str]  # as the browser sent them, without the ones the client sets
    status: int = 0


@dataclass
class Flow:
    actions: dict[str, list[Recorded]] = field(default_factory=dict)

    def kinds(self) -> dict[str, dict[str, int]]:
        """Per action: how many requests of each kind (page, layout, callback, static...)."""
        return {action: _count(kind_of(item.path) for item in items)
                for action, items in self.actions.items()}


def _count(values) -> dict[str, int]:  # noqa: ANN001
    counted: dict[str, int] = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return counted


def kind_of(path: str) -> str:
    """The kind of a request: callback, layout, dependencies, bundle, asset, api, page."""
    bare = path.split("?", 1)[0]
    if bare.startswith(CALLBACK):
        return "callback"
    if bare.startswith("/_dash-layout"):
        return "layout"
    if bare.startswith("/_dash-dependencies"):
        return "dependencies"
    if bare.startswith("/_dash-component-suites/"):
        return "bundle"
    if bare.startswith(("/assets/", "/_favicon", "/favicon")):
        return "asset"
    if bare.startswith("/api/"):
        return "api"
    return "page"


def record_flow(base: str, user: str, password: str = PASSWORD) -> Flow:
    """Click the committee path in a fresh browser; the requests of each action."""
    from playwright.sync_api import sync_playwright

    flow = Flow()
    current: list[Recorded] | None = None
    pending: dict[object, Recorded] = {}

    def on_request(request) -> None:  # noqa: ANN001 - playwright's Request
        if current is None or not request.url.startswith(base):
            return
        item = Recorded(request.method, request.url[len(base):], request.post_data_buffer,
                        {})
        current.append(item)
        pending[request] = item

    def on_done(request) -> None:  # noqa: ANN001
        item = pending.pop(request, None)
        if item is not None:
            # All headers as sent (request.headers lacks the network stack's, e.g.
            # Accept-Encoding), less the ones each member's client sets itself.
            item.headers = {k: v for k, v in request.all_headers().items()
                            if k.lower() not in OWN_HEADERS and not k.startswith(":")}
            response = request.response()
            item.status = response.status if response else 0

    def settle(page, quiet_ms: int = 1500, limit_s: float = 60) -> None:  # noqa: ANN001
        """Wait until no recorded request has been in flight for quiet_ms."""
        deadline, idle_since = time.monotonic() + limit_s, None
        while time.monotonic() < deadline:
            page.wait_for_timeout(50)
            if pending:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif (time.monotonic() - idle_since) * 1000 >= quiet_ms and page.evaluate(
                    "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"):
                return

    def action(name: str, page, do) -> None:  # noqa: ANN001
        nonlocal current
        current = flow.actions.setdefault(name, [])
        do()
        settle(page)
        current = None

    def log_in(page) -> None:  # noqa: ANN001
        page.goto(base + "/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        # The start page is drawn: its layout, dependencies and callbacks belong to the login.
        page.wait_for_selector("a.nav-link[href='/vergleich']", timeout=60_000)
        page.wait_for_load_state("networkidle")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        action("login", page, lambda: log_in(page))
        action("vergleich", page,
               lambda: page.locator("a.nav-link[href='/vergleich']").first.click())
        page.wait_for_selector("#compare-grid .ag-row", timeout=60_000)

        def next_indicator() -> None:
            page.click("#compare-indicator")
            page.wait_for_timeout(500)  # the menu opens (slowly on a busy machine)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
        for _ in range(3):  # a busy machine may swallow the keys: try again
            action("indikator", page, next_indicator)
            if any(kind_of(r.path) == "callback" for r in flow.actions["indikator"]):
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


def callback_without_data(path: str, answer: Answer) -> bool:
    """A callback answered 200 without the `response` of Dash (a refusal in disguise)."""
    if not path.startswith(CALLBACK) or answer.status != 200:
        return False
    return b'"response"' not in (answer.body if "content-encoding" not in answer.headers
                                 else answer.text().encode())


def login_body(recorded: bytes, name: str, csrf: str) -> bytes:
    """The browser's login form with this member's name, password and CSRF token."""
    fields = dict(parse_qsl(recorded.decode()))
    fields.update(username=name, password=PASSWORD, csrf_token=csrf)
    return urlencode(fields).encode()


@dataclass
class Results:
    requests: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # (start, ms)
    actions: dict[str, list[float]] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)  # how requests were answered
    errors: list[str] = field(default_factory=list)
    members: int = 0
    logged_in: list[float] = field(default_factory=list)  # when each member was in
    finished: list[float] = field(default_factory=list)
    count: int = 0


class Member:
    """One committee member: a connection, cookies, a browser cache, a think time."""

    def __init__(self, name: str, base: str, results: Results, rng: random.Random,
                 client: str) -> None:
        parts = urlsplit(base)
        self.name, self.results, self.rng = name, results, rng
        self.cache: dict[str, object] = {}
        self.csrf = ""
        self.failed = 0  # this member's errors (the list in results is everybody's)
        if client == "httpx":
            self.http = _HttpxClient(base)
        else:
            self.http = Client(parts.hostname, parts.port)

    async def send(self, action: str, item: Recorded) -> None:
        headers = dict(item.headers)
        body = item.body
        expected = {item.status} if 200 <= item.status < 400 else {200, 204}
        if item.method == "GET":
            entry = self.cache.get(item.path)
            decision = cache_decision(entry, time.monotonic())
            if decision == "use":
                self.results.kinds["from cache"] = self.results.kinds.get("from cache", 0) + 1
                return
            if decision == "revalidate":
                headers.update(validators(entry))
                expected = {304, 200}
        if item.method == "POST" and item.path.split("?")[0] == "/login":
            body = login_body(item.body or b"", self.name, self.csrf)
        start = time.perf_counter()
        try:
            answer = await self.http.request(item.method, item.path, headers, body)
        except (TimeoutError, OSError, Exception) as exc:  # noqa: BLE001
            self._error(f"{action} {item.method} {item.path[:50]}: {exc!r}")
            return
        elapsed = (time.perf_counter() - start) * 1e3
        self.results.requests.setdefault(action, []).append((start, elapsed))
        self.results.count += 1
        label = f"{kind_of(item.path)} {answer.status}"
        self.results.kinds[label] = self.results.kinds.get(label, 0) + 1
        if answer.status not in expected:
            self._error(f"{action} {item.method} {item.path[:50]}: {answer.status}")
        if item.method == "GET":
            if answer.status == 200:
                self.cache[item.path] = cache_entry(answer.headers, time.monotonic())
            if item.path.split("?")[0] == "/login" and answer.status == 200:
                found = re.search(r'name="csrf_token" value="([^"]+)"', answer.text())
                self.csrf = found.group(1) if found else ""
        if callback_without_data(item.path, answer):
            self._error(f"{action} callback without data")

    def _error(self, text: str) -> None:
        self.failed += 1
        self.results.errors.append(text)

    async def click(self, action: str, items: list[Recorded]) -> None:
        start = time.perf_counter()
        failed = self.failed
        for item in items:
            await self.send(action, item)
            if action == "login" and self.failed > failed:
                break  # a failed login step: the rest of the form's path makes no sense
        if self.failed == failed:
            self.results.actions.setdefault(action, []).append(
                (time.perf_counter() - start) * 1e3)

    async def run(self, flow: Flow, rounds: int, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self.click("login", flow.actions["login"])
            if self.failed:
                return  # a member who cannot log in clicks nothing
            self.results.logged_in.append(time.perf_counter())
            for _ in range(rounds):
                for action in ACTIONS[1:]:
                    await asyncio.sleep(self.rng.uniform(1.0, 3.0))  # think time
                    await self.click(action, flow.actions.get(action, []))
        finally:
            self.results.finished.append(time.perf_counter())
            await self.http.close()


class _HttpxClient:
    """The same interface over httpx (to compare the client's own cost)."""

    def __init__(self, base: str) -> None:
        import httpx
        self.client = httpx.AsyncClient(base_url=base, timeout=60,
                                        limits=httpx.Limits(keepalive_expiry=1.0))

    async def request(self, method: str, path: str, headers: dict[str, str],
                      body: bytes | None) -> Answer:
        response = await self.client.request(method, path, headers=headers, content=body)
        headers = {k.lower(): v for k, v in response.headers.items()}
        headers.pop("content-encoding", None)  # httpx has decoded the body
        return Answer(response.status_code, headers, response.content)

    async def close(self) -> None:
        await self.client.aclose()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _row(label: str, times: list[float], whole: list[float] | None = None) -> str:
    row = (f"| {label} | {len(times)} | {statistics.median(times):.0f} | "
           f"{_pct(times, 95):.0f} | {_pct(times, 99):.0f} |")
    if whole:
        row += f" {statistics.median(whole):.0f} | {_pct(whole, 95):.0f} |"
    else:
        row += " | |"
    return row


def report(title: str, results: Results, seconds: float, cpu: dict[str, float],
           load: tuple[float, float]) -> str:
    lines = [f"\n### {title}: {seconds:.0f} s, {results.count} requests, "
             f"{results.count / seconds:.1f} req/s, {len(results.errors)} errors\n",
             "| action | requests | p50 ms | p95 ms | p99 ms | click p50 ms | click p95 ms |",
             "|---|---|---|---|---|---|---|"]
    everything: list[float] = []
    steady: list[float] = []
    # Defined only when every member got in (a member who could not is an error above).
    window = ((max(results.logged_in), min(results.finished))
              if len(results.logged_in) == results.members else (1.0, 0.0))
    for action in ACTIONS:
        timed = results.requests.get(action, [])
        if not timed:
            continue
        times = [ms for _, ms in timed]
        everything += times
        steady += [ms for start, ms in timed if window[0] <= start <= window[1]]
        lines.append(_row(action, times, results.actions.get(action)))
    if everything:
        lines.append(_row("**all**", everything))
    if steady:
        lines.append(_row(f"all, steady ({window[1] - window[0]:.0f} s with every member "
                          "in)", steady))
    else:
        lines.append("| steady window | none: not every member logged in, or the first "
                     "finished before the last logged in | | | | | |")
    lines.append("\nanswers: " + ", ".join(f"{k} x{v}" for k, v in sorted(results.kinds.items())))
    total = sum(cpu.values())
    lines.append(f"\nCPU seconds during the load ({seconds:.0f} s x 2 cores = "
                 f"{2 * seconds:.0f} core-s): " + ", ".join(
                     f"{k} {v:.1f} ({100 * v / total:.0f} %)" for k, v in cpu.items())
                 + f"; busy {100 * total / (2 * seconds):.0f} % of 2 cores")
    lines.append(f"load average: 1-min at the end {load[0]:.1f}, highest sampled {load[1]:.1f}")
    for error in sorted(set(results.errors))[:10]:
        lines.append(f"- error: {error} (x{results.errors.count(error)})")
    return "\n".join(lines)


async def run_members(base: str, names: list[str], flow: Flow, rounds: int, arrival: str,
                      ramp: float, client: str) -> tuple[Results, float, float]:
    results, rng = Results(members=len(names)), random.Random(9)
    spread = ramp if arrival == "spread" else 1.0
    highest = [0.0]

    async def sample_load() -> None:
        while True:
            highest[0] = max(highest[0], os.getloadavg()[0])
            await asyncio.sleep(2)
    sampler = asyncio.create_task(sample_load())
    start = time.perf_counter()
    members = [Member(name, base, results, random.Random(rng.random()), client)
               for name in names]
    await asyncio.gather(*(m.run(flow, rounds, spread * i / len(names))
                           for i, m in enumerate(members)))
    seconds = time.perf_counter() - start
    sampler.cancel()
    return results, seconds, highest[0]


def load_flow(path: Path) -> Flow:
    """A flow written with --dump-flow (so a CPU comparison replays the same clicks)."""
    flow = Flow()
    for action, items in json.loads(path.read_text()).items():
        flow.actions[action] = [Recorded(i["method"], i["path"],
                                         i["body"].encode() if i["body"] else None,
                                         i["headers"], i["status"]) for i in items]
    return flow


async def cpu_per_click(base: str, name: str, flow: Flow, rounds: int,
                        workers: list[int]) -> dict[str, list[float]]:
    """One member clicks the path `rounds` times without think time (after one round
    that fills the caches a first visitor fills); the workers' CPU ms of each click.

    CPU time, not wall time: on a shared machine it is what the server itself spends,
    the figure that decides how many members 2 cores serve."""
    results = Results(members=1)
    member = Member(name, base, results, random.Random(9), "lean")
    spent: dict[str, list[float]] = {}
    try:
        for n in range(rounds + 1):
            for action in ACTIONS if n == 0 else ACTIONS[1:]:
                await asyncio.sleep(0.3)  # let the workers' threads finish
                before = sum(cpu_seconds(pid) for pid in workers)
                await member.click(action, flow.actions.get(action, []))
                await asyncio.sleep(0.3)
                used = sum(cpu_seconds(pid) for pid in workers) - before
                if n:
                    spent.setdefault(action, []).append(used * 1e3)
    finally:
        await member.http.close()
    if results.errors:
        raise SystemExit(f"errors: {results.errors[:5]}")
    return spent


def cpu_report(spent: dict[str, list[float]], flow: Flow) -> str:
    lines = ["| action | callbacks | requests | worker CPU ms, median | min | max |",
             "|---|---|---|---|---|---|"]
    total = []
    for action, times in spent.items():
        kinds = _count(kind_of(item.path) for item in flow.actions[action])
        lines.append(f"| {action} | {kinds.get('callback', 0)} | {len(flow.actions[action])} "
                     f"| {statistics.median(times):.0f} | {min(times):.0f} "
                     f"| {max(times):.0f} |")
    rounds = len(next(iter(spent.values())))
    total = [sum(times[i] for times in spent.values()) for i in range(rounds)]
    lines.append(f"| **one round** | | | **{statistics.median(total):.0f}** | "
                 f"{min(total):.0f} | {max(total):.0f} |")
    lines.append(f"\nload average {os.getloadavg()[0]:.1f} (CPU time is what the workers "
                 "spent, not the wall time; clock ticks of 10 ms)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("demo", "540", "11000"), default="demo")
    parser.add_argument("--home", type=Path, help="existing or new home (default: a temp dir)")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=8,
                        help="click paths per member (8: about 25 s with all 100 in at 60 s ramp)")
    parser.add_argument("--arrival", choices=("spread", "burst"), default="spread")
    parser.add_argument("--ramp", type=float, default=60.0,
                        help="seconds over which members start (spread)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean")
    parser.add_argument("--server-src", type=Path,
                        help="serve this source tree instead (e.g. an old checkout)")
    parser.add_argument("--label", default="", help="name of this run in the report")
    parser.add_argument("--dump-flow", type=Path, help="write the recorded requests here")
    parser.add_argument("--flow", type=Path,
                        help="replay a flow written with --dump-flow (no browser)")
    parser.add_argument("--cpu-rounds", type=int, metavar="N",
                        help="instead of the load: one member clicks the path N times "
                             "without think time; the workers' CPU ms per click")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix=f"bench-committee-{args.scale}-"))
    env = {"PYTHONPATH": str(args.server_src.resolve())} if args.server_src else {}
    if args.server_src:
        # Build the home and the users with the served code (its password hashing).
        import subprocess
        import sys
        subprocess.run([sys.executable, "-c", (
            "import sys; sys.path[:0] = [sys.argv[1] + '/bench']; "
            "from serve_harness import make_home, ensure_committee; from pathlib import Path; "
            "h = Path(sys.argv[3]); make_home(sys.argv[2], h); "
            "ensure_committee(h, int(sys.argv[4]) + 1)"),
            str(Path(__file__).resolve().parent.parent), args.scale, str(home), str(args.users)],
            env=dict(os.environ, **env), check=True, cwd="/")
        names = [f"bench-ausschuss-{i:03d}" for i in range(1, args.users + 1)]
    else:
        make_home(args.scale, home)
        names = ensure_committee(home, args.users)
    with Server(home, workers=args.workers, extra_env=env) as server:
        server.wait_idle()
        # The recording logs in with a member of its own: the members' first logins
        # (and a rehash of an older password hash) happen under load, as in a meeting.
        recorder = ensure_committee(home, args.users + 1)[-1]
        flow = load_flow(args.flow) if args.flow else record_flow(server.base, recorder)
        if args.dump_flow:
            args.dump_flow.write_text(json.dumps({a: [
                {"method": r.method, "path": r.path, "status": r.status, "headers": r.headers,
                 "body": (r.body or b"").decode("utf-8", "replace")} for r in items]
                for a, items in flow.actions.items()}, indent=1, ensure_ascii=False))
        missing = [a for a in ACTIONS if not flow.actions.get(a)]
        if missing:
            raise SystemExit(f"the browser recorded no request for {missing}; see {server.log}")
        print(f"recorded requests per action: {json.dumps(flow.kinds())}")
        if args.cpu_rounds:
            spent = asyncio.run(cpu_per_click(server.base, names[0], flow, args.cpu_rounds,
                                              server.pids()[1:]))
            print(cpu_report(spent, flow))
            return
        pids = server.pids()
        before = {pid: cpu_seconds(pid) for pid in pids}
        own = os.times()
        results, seconds, highest = asyncio.run(run_members(
            server.base, names, flow, args.rounds, args.arrival, args.ramp, args.client))
        after_own = os.times()
        cpu = {f"client ({args.client})": (after_own.user - own.user)
               + (after_own.system - own.system)}
        master, *workers = pids
        cpu["master"] = cpu_seconds(master) - before[master]
        for i, pid in enumerate(workers, 1):
            cpu[f"worker {i}"] = cpu_seconds(pid) - before[pid]
        title = (f"{args.label or 'run'} - {args.scale}, {args.users} members, "
                 f"{args.arrival}" + (f" over {args.ramp:.0f} s" if args.arrival == "spread"
                                      else " (all within 1 s)")
                 + f", {args.rounds} rounds, {args.workers} workers, client {args.client}")
        print(report(title, results, seconds, cpu, (os.getloadavg()[0], highest)))
        memory = server.memory()
        print(f"\nmemory after the load: RSS {memory['sum_rss']:.0f} MiB, "
              f"PSS {memory['sum_pss']:.0f} MiB (master + {args.workers} workers)")


if __name__ == "__main__":
    main()
