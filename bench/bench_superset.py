"""Apache Superset 6.1 as the peer, measured beside the cockpit in one window (issue 9).

The same request on both sides: a ranking of all areas by SGB-II-Quote for one
year, on the synthetic territory of bench/scale_city.py (540 areas under 18
parents, or 11,000 under 400; same generator, same seed, same numbers).

Setup (once; Superset lives in its own venv OUTSIDE the repository and is no
dependency of the cockpit):

    bench/superset_setup.sh                      # = the three steps below
    python3.11 -m venv /work/superset-venv
    /work/superset-venv/bin/pip install 'apache-superset==6.1.*' rich cachetools \
        'flask-caching==2.3.1' gunicorn
    python bench/bench_superset.py --setup       # (cockpit venv) builds /tmp/s-peer-superset

`--setup` writes, below --superset-home:
- data.sqlite: tables areas_540 and areas_11000, one row per lowest-level area
  and year: area_code, area_name, parent_code, period, sgb2_recipients,
  residents_under_65 (the cockpit's sgb2_quote divides by residents under 65);
- superset.db: Superset's SQLite metadata (`superset db upgrade`, an admin
  user `admin`, `superset init`), a database connection to data.sqlite, one
  dataset per table, one chart per dataset "Ranking SGB-II-Quote <n>"
  (echarts_timeseries_bar: x axis area_name, metric 100*SUM(sgb2_recipients)/
  SUM(residents_under_65), filter period = 2026, sorted by the metric
  descending, row limit 50,000 so all areas are bars) and one dashboard per
  chart holding only that chart;
- bench.json: the ids, the admin password and, per chart, the body of the
  POST /api/v1/chart/data the dashboard itself sends (recorded from a
  browser), which the data cases replay.
The configuration is bench/superset/superset_config.py (SQLite metadata,
NullCache or a FileSystemCache for the data cache).

Measurement (`python bench/bench_superset.py --areas 540 --runs 10`):
- Superset is served by gunicorn with 2 workers (gthread, 8 threads: the same
  worker model as `cockpit serve`), twice at once: without a data cache
  ("uncached / cold": every request runs its SQL) and with the file-system
  data cache ("cached / warm", after one filling request).
- The cockpit is `cockpit serve --workers 2` (real HTTP) on a home built by
  bench/scale_city.py, logged in as the committee demo user. "cold" is the
  first values request after a new data version is published (a copy of the
  current snapshot: the gate drops its caches and computes again, as after a
  real publish); "warm" repeats it.
- data: the client's wall time from sending the request until the last byte
  (a new connection per request; Accept-Encoding gzip on both sides), and the
  response size on the wire and uncompressed.
- page: a fresh browser context per run (empty cache), logged in beforehand
  by HTTP (the session cookie is put into the context), from navigation to
  the dashboard / comparison page until it is drawn: Superset's chart canvas
  has painted bars (pixels of the bar colour), the cockpit's page has bars,
  map areas and table rows (as bench/bench_first_visit.py). Both servers are
  warm (cached data) here; the browser is what is cold.
- memory: resident set size of the 2 gunicorn workers (sum, /proc/<pid>/status
  VmRSS), idle after the runs.
The cases alternate Superset / cockpit run by run, so the machine's load hits
both alike. `--cockpit-only` skips Superset (no Superset needed).

Usage:
    python bench/bench_superset.py --setup [--superset-home DIR] [--superset-venv DIR]
    python bench/bench_superset.py --areas 540 --runs 10 [--page-runs 5] [--cockpit-only]
    python bench/bench_superset.py --areas 11000 --runs 10 [--skip-page]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))

from scale_city import build, observations, territory  # noqa: E402

from cockpit.appdb import create_demo_users  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.demo.generator import AGE_GROUPS  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402

SCALES = {540: 18, 11_000: 400}  # areas -> parents, as the issue measured
PERIOD = "2026"
METRIC_LABEL = "SGB-II-Quote"
SUPERSET_CONFIG = ROOT / "superset" / "superset_config.py"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COCKPIT_PAGE = f"/vergleich?indicator=sgb2_quote&period={PERIOD}&level=subdistrict"
COCKPIT_DRAWN = ("() => (document.querySelectorAll('#compare-bar .bars path').length > 10"
                 " && document.querySelectorAll('#compare-map .choroplethlocation').length > 10"
                 " && document.querySelectorAll('#compare-grid .ag-row').length > 10)"
                 " ? performance.now() : false")
# Superset's ECharts bar chart paints on a canvas: drawn when the chart's canvas
# holds enough pixels of the bar colour (ECharts' first series colour in
# Superset's default scheme), sampled on a coarse grid so polling stays cheap.
SUPERSET_DRAWN = """() => {
  for (const c of document.querySelectorAll('.dashboard-chart canvas, .chart-container canvas')) {
    if (c.width < 50 || c.height < 50) continue;
    const ctx = c.getContext('2d');
    if (!ctx) continue;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4 * 7) {
      const r = d[i], g = d[i + 1], b = d[i + 2], a = d[i + 3];
      if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      if (coloured > 200) return performance.now();
    }
  }
  return false;
}"""


# -- small helpers ---------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(np.ceil(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


def _worker_rss_mib(arbiter_pid: int) -> tuple[int, float]:
    """(number of workers, summed VmRSS in MiB) of the gunicorn arbiter's children."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{arbiter_pid}$", status, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            children.append(int(rss.group(1)) if rss else 0)
    return len(children), sum(children) / 1024


def _worker_pids(arbiter_pid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and re.search(
                    rf"^PPid:\s+{arbiter_pid}$", (entry / "status").read_text(), re.M):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def wait_idle(arbiter_pid: int, quiet: float = 1.0, limit: float = 600) -> None:
    """Wait until the server's workers use no CPU for `quiet` seconds (background
    warm-up or computation finished), so it does not run into the next timing."""
    deadline = time.monotonic() + limit
    pids = _worker_pids(arbiter_pid)
    last = _cpu_ticks(pids)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = _cpu_ticks(pids)
        if now - last <= 2:  # 20 ms of CPU in a second: idle
            return
        last = now


def timed_request(base: str, method: str, path: str, *, cookie: str = "",
                  headers: dict[str, str] | None = None,
                  body: bytes | None = None) -> tuple[float, int, int, int]:
    """(ms until the last byte, status, bytes on the wire, bytes uncompressed)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    head = {"Accept-Encoding": "gzip", "Accept": "application/json", **(headers or {})}
    if cookie:
        head["Cookie"] = cookie
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    conn.request(method, path, body=body, headers=head)
    response = conn.getresponse()
    raw = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    encoding = response.getheader("Content-Encoding", "")
    conn.close()
    plain = gzip.decompress(raw) if encoding == "gzip" else raw
    return elapsed, response.status, len(raw), len(plain)


def _cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def _context_cookies(session: requests.Session, base: str) -> list[dict]:
    return [{"name": c.name, "value": c.value, "url": base} for c in session.cookies]


# -- the data both sides hold ------------------------------------------------------

def area_table(areas: int) -> list[tuple]:
    """Rows (code, name, parent, period, sgb2 recipients, residents under 65) of the
    lowest level, from the same generator and seed the cockpit's store is built with."""
    area_rows, _ = territory(SCALES[areas], areas)
    children = [(code, name, parent) for code, name, level, parent in area_rows
                if level == "subdistrict"]
    frame = observations([code for code, _, _ in children])
    under_65 = [g for g in AGE_GROUPS if g not in ("65_79", "80_PLUS")]
    residents = (frame[(frame.dataset_id == "bevoelkerung") & frame.age_group.isin(under_65)]
                 .groupby(["area_code", "period"])["value"].sum())
    recipients = frame[frame.dataset_id == "sgb2"].groupby(["area_code", "period"])["value"].sum()
    names = {code: (name, parent) for code, name, parent in children}
    return [(code, *names[code], period, int(recipients[(code, period)]), int(value))
            for (code, period), value in residents.items()]


# -- Superset: setup ---------------------------------------------------------------

class Superset:
    """One gunicorn-served Superset over the bench home (cache on or off)."""

    def __init__(self, venv: Path, home: Path, cache: bool, port: int | None = None) -> None:
        self.venv, self.home, self.cache = venv, home, cache
        self.port = port or _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return dict(os.environ, SUPERSET_CONFIG_PATH=str(SUPERSET_CONFIG),
                    SUPERSET_BENCH_HOME=str(self.home),
                    SUPERSET_BENCH_CACHE="1" if self.cache else "0",
                    FLASK_APP="superset.app:create_app()", PYTHONPATH="")

    def cli(self, *args: str) -> None:
        subprocess.run([str(self.venv / "bin" / "superset"), *args], env=self.env(),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        if self.cache:
            shutil.rmtree(self.home / "data-cache", ignore_errors=True)
        name = f"gunicorn-{'cache' if self.cache else 'nocache'}.log"
        with open(self.home / name, "ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(
                [str(self.venv / "bin" / "gunicorn"), "-w", "2", "-k", "gthread", "--threads",
                 "8", "--timeout", "300", "--limit-request-line", "0",
                 "--limit-request-field_size", "0", "-b", f"127.0.0.1:{self.port}",
                 "superset.app:create_app()"],
                env=self.env(), stdout=log, stderr=log, cwd=self.home)
        _wait_http(self.base + "/health")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def login(self, password: str) -> requests.Session:
        """A browser-like session: the form login sets Flask-Login's session cookie."""
        session = requests.Session()
        page = session.get(self.base + "/login/").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'id="csrf_token"[^>]*value="([^"]+)"', page)
        response = session.post(self.base + "/login/", data={
            "username": "admin", "password": password,
            "csrf_token": token.group(1) if token else ""}, allow_redirects=False)
        if response.status_code not in (302, 303) or "session" not in session.cookies:
            raise RuntimeError(f"Superset login failed: {response.status_code}")
        csrf = session.get(self.base + "/api/v1/security/csrf_token/").json()["result"]
        session.headers.update({"X-CSRFToken": csrf, "Referer": self.base})
        return session


def _api(session: requests.Session, method: str, url: str, payload: dict) -> dict:
    response = session.request(method, url, json=payload)
    if response.status_code >= 300:
        raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
    return response.json()


def chart_params(dataset_id: int) -> dict:
    metric = {"expressionType": "SQL", "label": METRIC_LABEL, "hasCustomLabel": True,
              "sqlExpression": "100.0 * SUM(sgb2_recipients) / SUM(residents_under_65)"}
    return {
        "datasource": f"{dataset_id}__table", "viz_type": "echarts_timeseries_bar",
        "x_axis": "area_name", "metrics": [metric], "groupby": [],
        "adhoc_filters": [{"clause": "WHERE", "subject": "period", "operator": "==",
                           "comparator": PERIOD, "expressionType": "SIMPLE"}],
        "x_axis_sort": METRIC_LABEL, "x_axis_sort_asc": False, "order_desc": True,
        "row_limit": 50_000, "truncate_metric": True, "show_legend": False,
        "orientation": "vertical", "rich_tooltip": True, "y_axis_format": "SMART_NUMBER",
        "color_scheme": "supersetColors",
    }


def _position(chart_id: int, title: str) -> dict:
    return {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": ["ROW-bench"],
                    "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": title}},
        "ROW-bench": {"type": "ROW", "id": "ROW-bench", "children": ["CHART-bench"],
                      "parents": ["ROOT_ID", "GRID_ID"],
                      "meta": {"background": "BACKGROUND_TRANSPARENT"}},
        "CHART-bench": {"type": "CHART", "id": "CHART-bench", "children": [],
                        "parents": ["ROOT_ID", "GRID_ID", "ROW-bench"],
                        "meta": {"width": 12, "height": 100, "chartId": chart_id,
                                 "sliceName": title}},
    }


def setup_superset(venv: Path, home: Path) -> None:
    """Build Superset's metadata, data, dataset, charts and dashboards from nothing."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / "secret_key").write_text(secrets.token_urlsafe(42))
    password = secrets.token_urlsafe(12)
    data = home / "data.sqlite"
    with sqlite3.connect(data) as conn:
        for areas in SCALES:
            table = f"areas_{areas}"
            conn.execute(f"CREATE TABLE {table} (area_code TEXT, area_name TEXT, "
                         "parent_code TEXT, period TEXT, sgb2_recipients INTEGER, "
                         "residents_under_65 INTEGER)")
            conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?)", area_table(areas))
            print(f"{table}: {conn.execute(f'SELECT count(*) FROM {table}').fetchone()[0]} rows")
    superset = Superset(venv, home, cache=False)
    superset.cli("db", "upgrade")
    superset.cli("fab", "create-admin", "--username", "admin", "--firstname", "Bench",
                 "--lastname", "Admin", "--email", "admin@example.org", "--password", password)
    superset.cli("init")
    info: dict = {"password": password, "charts": {}}
    superset.start()
    try:
        session = superset.login(password)
        base = superset.base + "/api/v1"
        db_id = _api(session, "POST", base + "/database/", {
            "database_name": "bench", "sqlalchemy_uri": f"sqlite:///{data}",
            "expose_in_sqllab": True})["id"]
        for areas in SCALES:
            title = f"Ranking SGB-II-Quote {areas}"
            dataset_id = _api(session, "POST", base + "/dataset/", {
                "database": db_id, "table_name": f"areas_{areas}"})["id"]
            dash_id = _api(session, "POST", base + "/dashboard/", {
                "dashboard_title": title, "slug": f"ranking-{areas}",
                "published": True})["id"]
            chart_id = _api(session, "POST", base + "/chart/", {
                "slice_name": title, "viz_type": "echarts_timeseries_bar",
                "datasource_id": dataset_id, "datasource_type": "table",
                "params": json.dumps(chart_params(dataset_id)), "dashboards": [dash_id]})["id"]
            _api(session, "PUT", base + f"/dashboard/{dash_id}", {
                "position_json": json.dumps(_position(chart_id, title)),
                "json_metadata": json.dumps({"refresh_frequency": 0, "color_scheme": "",
                                             "positions": _position(chart_id, title)})})
            query = _record_query(superset, session, dash_id)
            _api(session, "PUT", base + f"/chart/{chart_id}",
                 {"query_context": json.dumps(query)})
            info["charts"][str(areas)] = {"dataset": dataset_id, "chart": chart_id,
                                          "dashboard": dash_id, "query": query}
            print(f"{title}: dataset {dataset_id}, chart {chart_id}, dashboard {dash_id}")
    finally:
        superset.stop()
    (home / "bench.json").write_text(json.dumps(info, indent=1))
    print(f"Superset home ready: {home}")


def _record_query(superset: Superset, session: requests.Session, dash_id: int) -> dict:
    """The body of the chart data request the dashboard sends, as the browser sends it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.add_cookies(_context_cookies(session, superset.base))
        page = context.new_page()
        with page.expect_request(lambda r: "/api/v1/chart/data" in r.url
                                 and r.method == "POST", timeout=120_000) as request:
            page.goto(f"{superset.base}/superset/dashboard/{dash_id}/")
        body = request.value.post_data_json
        page.wait_for_function(SUPERSET_DRAWN, timeout=120_000, polling=100)
        page.screenshot(path=str(superset.home / f"dashboard-{dash_id}.png"))
        browser.close()
    body["force"] = False
    return body



# -- the cockpit -------------------------------------------------------------------

class Cockpit:
    """`cockpit serve --workers 2` on a scale_city home, and a committee session."""

    def __init__(self, home: Path, areas: int, source: Path | None) -> None:
        self.home, self.areas, self.source = home, areas, source
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.inst = Installation(load_settings(home=home))
        self.values = (f"/api/v1/indicators/sgb2_quote/values?level=subdistrict"
                       f"&period={PERIOD}")

    def build(self) -> None:
        if self.home.exists():
            shutil.rmtree(self.home)
        self.home.mkdir(parents=True)
        build(self.inst, districts=SCALES[self.areas], areas=self.areas)
        with self.inst.app_db() as conn:
            created = create_demo_users(conn, district_area="001", department="jugendamt")
        self.user = next((u.name, pw) for u, pw in created if u.role == "committee")

    def start(self) -> None:
        env = dict(os.environ, COCKPIT_SECRET_KEY=secrets.token_urlsafe(32))
        if self.source:
            env["PYTHONPATH"] = str(self.source)
        with open(self.home / "serve.log", "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cockpit", "--home", str(self.home), "serve",
                 "--workers", "2", "--port", str(self.port)],
                env=env, stdout=log, stderr=log, cwd=str(self.source or ROOT.parent))
        _wait_http(self.base + "/healthz")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def login(self) -> requests.Session:
        session = requests.Session()
        page = session.get(self.base + "/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = session.post(self.base + "/login", data={
            "username": self.user[0], "password": self.user[1], "csrf_token": token},
            allow_redirects=False)
        if response.status_code != 302:
            raise RuntimeError(f"cockpit login failed: {response.status_code}")
        return session

    def new_version(self) -> None:
        """Publish a copy of the current snapshot: a new data version, same data."""
        with self.inst.store.publish():
            pass

    def request(self, cookie: str) -> tuple[float, int, int, int]:
        return timed_request(self.base, "GET", self.values, cookie=cookie)


def _check_cockpit(cockpit: Cockpit, session: requests.Session) -> None:
    rows = session.get(cockpit.base + cockpit.values).json()
    if len(rows) != cockpit.areas:
        raise RuntimeError(f"cockpit answered {len(rows)} rows, expected {cockpit.areas}")


def _superset_body(info: dict, areas: int) -> bytes:
    return json.dumps(info["charts"][str(areas)]["query"]).encode()


def _superset_request(server: Superset, session: requests.Session,
                      body: bytes) -> tuple[float, int, int, int]:
    return timed_request(server.base, "POST", "/api/v1/chart/data", cookie=_cookie_header(
        session), headers={"Content-Type": "application/json",
                           "X-CSRFToken": session.headers["X-CSRFToken"],
                           "Referer": server.base}, body=body)


def _check_superset(server: Superset, session: requests.Session, body: bytes,
                    areas: int) -> None:
    response = session.post(server.base + "/api/v1/chart/data", data=body,
                            headers={"Content-Type": "application/json"})
    result = response.json()["result"][0]
    if response.status_code != 200 or result["rowcount"] != areas:
        raise RuntimeError(f"Superset answered {response.status_code}, "
                           f"{result.get('rowcount')} rows, expected {areas}")
    values = [row[METRIC_LABEL] for row in result["data"]]
    if values != sorted(values, reverse=True):
        raise RuntimeError("Superset's rows are not sorted by the metric")


def _fresh_page(browser, base: str, cookies: list[dict], url: str, drawn: str,
                timeout_s: float) -> float:
    """ms from navigation start until `drawn` holds, in a fresh context (empty cache);
    infinity when the page is not drawn within `timeout_s` (reported, not fatal)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_cookies(cookies)
    page = context.new_page()
    try:
        page.goto(base + url, wait_until="commit")
        value = float(page.wait_for_function(drawn, timeout=timeout_s * 1000,
                                             polling=50).json_value())
    except PlaywrightTimeout:
        value = float("inf")
    context.close()
    return value


def _print_table(areas: int, rows: list[tuple[str, str, list[float], str]]) -> None:
    print(f"\n{areas:,} areas, median and p95 (ms)\n")
    print("| case | system | runs | median | p95 | response |\n|---|---|---|---|---|---|")
    for case, system, times, size in rows:
        if times:
            med, p95 = _stats(times)
            late = sum(1 for t in times if t == float("inf"))
            size = size or (f"{late} not drawn within the timeout" if late else "")
            print(f"| {case} | {system} | {len(times)} | {med:,.0f} | {p95:,.0f} | {size} |")


def _size(sample: tuple[float, int, int, int]) -> str:
    return f"{sample[2] / 1024:,.0f} KB gzip ({sample[3] / 1024:,.0f} KB)"


def run(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    areas = args.areas
    if areas not in SCALES:
        raise SystemExit(f"--areas must be one of {sorted(SCALES)}")
    home = args.cockpit_home or Path(tempfile.mkdtemp(prefix=f"s-peer-cockpit-{areas}-"))
    cockpit = Cockpit(home, areas, args.cockpit_source)
    print(f"building the cockpit home ({areas} areas) in {home} ...", flush=True)
    cockpit.build()
    servers: list = [cockpit]
    nocache = cache = None
    if not args.cockpit_only:
        if not (args.superset_home / "bench.json").exists():
            raise SystemExit(f"no Superset home in {args.superset_home}: run "
                             "bench/superset_setup.sh first (or use --cockpit-only)")
        info = json.loads((args.superset_home / "bench.json").read_text())
        body = _superset_body(info, areas)
        nocache = Superset(args.superset_venv, args.superset_home, cache=False)
        cache = Superset(args.superset_venv, args.superset_home, cache=True)
        servers += [nocache, cache]
    def ms(key: str) -> list[float]:
        return [sample[0] for sample in results[key]]

    def first(key: str) -> str:
        return _size(results[key][0]) if results[key] else ""

    results: dict[str, list] = {key: [] for key in (
        "s_cold", "c_cold", "s_warm", "c_warm", "s_page", "c_page")}
    try:
        for server in servers:
            server.start()
        c_session = cockpit.login()
        _check_cockpit(cockpit, c_session)
        c_cookie = _cookie_header(c_session)
        if nocache:
            s_nocache, s_cache = nocache.login(info["password"]), cache.login(info["password"])
            _check_superset(nocache, s_nocache, body, areas)
            _check_superset(cache, s_cache, body, areas)  # fills the data cache
            for _ in range(3):  # both workers of each past their first request
                _superset_request(nocache, s_nocache, body)
                _superset_request(cache, s_cache, body)
        for server in servers:
            wait_idle(server.proc.pid)
        print("data, uncached / cold ...", flush=True)
        for _ in range(args.runs):
            if nocache:
                sample = _superset_request(nocache, s_nocache, body)
                assert sample[1] == 200, sample
                results["s_cold"].append(sample)
            cockpit.new_version()
            sample = cockpit.request(c_cookie)
            assert sample[1] == 200, sample
            results["c_cold"].append(sample)
            wait_idle(cockpit.proc.pid)
        print("data, cached / warm ...", flush=True)
        # Both cockpit workers on the newest version, computed: requests in parallel,
        # so each worker gets some (one after the other may all reach the same one).
        with ThreadPoolExecutor(4) as pool:
            for _ in range(3):
                list(pool.map(lambda _: cockpit.request(c_cookie), range(4)))
                wait_idle(cockpit.proc.pid)
        for _ in range(args.runs):
            if cache:
                sample = _superset_request(cache, s_cache, body)
                assert sample[1] == 200, sample
                results["s_warm"].append(sample)
            sample = cockpit.request(c_cookie)
            assert sample[1] == 200, sample
            results["c_warm"].append(sample)
        data_rows = [
            ("data, uncached / cold", "Superset 6.1", ms("s_cold"), first("s_cold")),
            ("data, uncached / cold", "cockpit values API", ms("c_cold"), first("c_cold")),
            ("data, cached / warm", "Superset 6.1", ms("s_warm"), first("s_warm")),
            ("data, cached / warm", "cockpit values API", ms("c_warm"), first("c_warm"))]
        _print_table(areas, data_rows)  # now, so a failing browser case loses nothing
        if not args.skip_page:
            print("page, fresh browser ...", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=BROWSER_ARGS)
                c_cookies = _context_cookies(c_session, cockpit.base)
                if cache:
                    s_cookies = _context_cookies(s_cache, cache.base)
                    dashboard = f"/superset/dashboard/{info['charts'][str(areas)]['dashboard']}/"
                # One unmeasured visit each: the servers' page code paths are warm.
                if args.page_warmup:
                    _fresh_page(browser, cockpit.base, c_cookies, COCKPIT_PAGE, COCKPIT_DRAWN,
                                args.page_timeout)
                if cache and args.page_warmup:
                    _fresh_page(browser, cache.base, s_cookies, dashboard, SUPERSET_DRAWN,
                                args.page_timeout)
                for _ in range(args.page_runs):
                    if cache:
                        results["s_page"].append(_fresh_page(
                            browser, cache.base, s_cookies, dashboard, SUPERSET_DRAWN,
                            args.page_timeout))
                    results["c_page"].append(_fresh_page(
                        browser, cockpit.base, c_cookies, COCKPIT_PAGE, COCKPIT_DRAWN,
                        args.page_timeout))
                browser.close()
        time.sleep(3)
        for server in servers:
            wait_idle(server.proc.pid)
        memory = {"cockpit": _worker_rss_mib(cockpit.proc.pid)}
        if cache:
            memory["superset (cache on)"] = _worker_rss_mib(cache.proc.pid)
            memory["superset (cache off)"] = _worker_rss_mib(nocache.proc.pid)
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    git = ["git", "-C", str(args.cockpit_source or ROOT.parent), "log", "-1", "--format=%h"]
    head = subprocess.run(git, capture_output=True, text=True).stdout.strip()
    package = subprocess.run([*git, "--", "cockpit"], capture_output=True,
                             text=True).stdout.strip()
    print(f"\ncockpit commit {head} (cockpit/ last changed in {package}); {args.runs} data "
          f"runs, {args.page_runs} page runs; load average {os.getloadavg()[0]:.1f}")
    _print_table(areas, [
        *data_rows,
        ("page until drawn, fresh browser", "Superset 6.1 dashboard", results["s_page"], ""),
        ("page until drawn, fresh browser", "cockpit comparison page", results["c_page"], ""),
    ])
    print("\n| memory, 2 workers idle | workers | RSS sum MiB |\n|---|---|---|")
    for name, (count, mib) in memory.items():
        print(f"| {name} | {count} | {mib:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="build the Superset home and exit")
    parser.add_argument("--superset-venv", type=Path, default=Path("/work/superset-venv"))
    parser.add_argument("--superset-home", type=Path, default=Path("/tmp/s-peer-superset"))
    parser.add_argument("--areas", type=int, default=540, choices=sorted(SCALES))
    parser.add_argument("--runs", type=int, default=10, help="timed data requests per case")
    parser.add_argument("--page-runs", type=int, default=5, help="fresh browsers per system")
    parser.add_argument("--skip-page", action="store_true", help="no browser cases")
    parser.add_argument("--page-warmup", type=int, default=1, choices=(0, 1),
                        help="one unmeasured page visit per system first (default 1)")
    parser.add_argument("--page-timeout", type=float, default=600,
                        help="seconds a page may take before it counts as not drawn")
    parser.add_argument("--cockpit-only", action="store_true", help="no Superset needed")
    parser.add_argument("--cockpit-source", type=Path,
                        help="serve the cockpit package of another checkout (PYTHONPATH)")
    parser.add_argument("--cockpit-home", type=Path,
                        help="where to build the cockpit home (default: a new /tmp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the cockpit home")
    args = parser.parse_args()
    if args.setup:
        setup_superset(args.superset_venv, args.superset_home)
        return
    run(args)


if __name__ == "__main__":
    main()
