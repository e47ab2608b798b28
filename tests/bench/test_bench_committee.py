"""The committee load benchmark replays what a browser sends, with a browser's cache."""

from __future__ import annotations

import asyncio
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_committee as bc  # noqa: E402
from lean_http import Client, cache_decision, cache_entry, decode_body  # noqa: E402

IMMUTABLE = "private, max-age=31536000, immutable"


class _Handler(BaseHTTPRequestHandler):
    """A tiny server: the paths answer like the cockpit's kinds of answers."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str, dict[str, str], int]] = []

    def log_message(self, *_args) -> None:  # quiet
        pass

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _record(self) -> None:
        self.seen.append((self.command, self.path, dict(self.headers.items()),
                          id(self.connection)))

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._record()
        if self.path == "/login":
            self._answer(200, b'<input name="csrf_token" value="tok-123">',
                         {"Cache-Control": "no-store", "Set-Cookie": "session=anon; HttpOnly"})
        elif self.path.startswith("/_dash-component-suites/"):
            self._answer(200, b"bundle", {"Cache-Control": IMMUTABLE})
        elif self.path == "/assets/cockpit.css":
            if self.headers.get("If-None-Match") == '"css1"':
                self._answer(304, b"", {"ETag": '"css1"', "Cache-Control": "no-cache"})
            else:
                self._answer(200, b"css", {"ETag": '"css1"', "Cache-Control": "no-cache"})
        elif self.path == "/slow":
            time.sleep(1.0)
            self._answer(200, b"late", {})
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hel", b"lo"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._answer(200, b"page", {"Cache-Control": "no-store"})

    def do_POST(self) -> None:  # noqa: N802
        self._record()
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/login":
            ok = b"csrf_token=tok-123" in body and b"username=member-7" in body
            self._answer(302 if ok else 400, b"", {
                "Location": "/", "Set-Cookie": "session=member-7-session; HttpOnly"})
        elif self.path.startswith(bc.CALLBACK):
            logged_in = "session=member-7-session" in self.headers.get("Cookie", "")
            self._answer(200, b'{"response": {}}' if logged_in else b'{"error": 1}',
                         {"Cache-Control": "no-store"})
        else:
            self._answer(404, b"", {})


class _Server(ThreadingHTTPServer):
    def handle_error(self, *_args) -> None:  # a client that gave up is no error here
        pass


@pytest.fixture
def site():
    _Handler.seen = []
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _item(method: str, path: str, status: int, body: bytes | None = None) -> bc.Recorded:
    return bc.Recorded(method, path, body, {"Accept-Encoding": "gzip, deflate, br, zstd"},
                       status)


def _flow() -> bc.Flow:
    callback = _item("POST", bc.CALLBACK + "?endId=x", 200, b'{"output": "x"}')
    return bc.Flow({
        "login": [_item("GET", "/login", 200),
                  _item("POST", "/login", 302, b"username=rec&password=p&csrf_token=old&next=/"),
                  _item("GET", "/", 200),
                  _item("GET", "/_dash-component-suites/dash/renderer.v1.js", 200),
                  _item("GET", "/assets/cockpit.css", 200)],
        "vergleich": [callback, callback],
        "indikator": [callback],
        "gebiet": [callback],
        "zeitreihe": [callback],
        "profil": [_item("GET", "/assets/cockpit.css", 200),
                   _item("GET", "/_dash-component-suites/dash/renderer.v1.js", 200), callback],
    })


def test_the_click_path_covers_every_click_of_the_target() -> None:
    # issue 9: log in, comparison, change indicator and area, time series, profile.
    assert bc.ACTIONS == ("login", "vergleich", "indikator", "gebiet", "zeitreihe", "profil")


def test_kinds_of_requests() -> None:
    assert bc.kind_of("/_dash-update-component?endId=1") == "callback"
    assert bc.kind_of("/_dash-layout") == "layout"
    assert bc.kind_of("/_dash-dependencies") == "dependencies"
    assert bc.kind_of("/_dash-component-suites/dash/x.js") == "bundle"
    assert bc.kind_of("/assets/cockpit.css?m=1") == "asset"
    assert bc.kind_of("/api/v1/areas/geojson?level=x") == "api"
    assert bc.kind_of("/vergleich") == "page"


def test_browser_cache_rules() -> None:
    assert cache_decision(None, 0) == "fetch"
    assert cache_entry({"cache-control": "no-store"}, 0) is None
    kept = cache_entry({"cache-control": IMMUTABLE}, 0)
    assert cache_decision(kept, 10**6) == "use"
    day = cache_entry({"cache-control": "private, max-age=86400", "etag": '"a"'}, 0)
    assert cache_decision(day, 100) == "use"
    assert cache_decision(day, 86401) == "revalidate"
    css = cache_entry({"cache-control": "no-cache", "etag": '"b"'}, 0)
    assert cache_decision(css, 1) == "revalidate"
    assert cache_decision(cache_entry({}, 0), 1) == "fetch"  # nothing to revalidate with


def test_a_member_replays_the_path_with_its_login_and_a_browsers_cache(site) -> None:
    results = bc.Results()
    member = bc.Member("member-7", site, results, random.Random(1), "lean")

    async def run() -> None:
        await member.click("login", _flow().actions["login"])
        for _ in range(2):
            for action in bc.ACTIONS[1:]:
                await member.click(action, _flow().actions[action])
        await member.http.close()
    asyncio.run(run())

    assert results.errors == []
    sent = [(method, path) for method, path, _, _ in _Handler.seen]
    # The bundle is fetched once (immutable); the no-cache stylesheet is revalidated.
    assert sent.count(("GET", "/_dash-component-suites/dash/renderer.v1.js")) == 1
    css = [h for m, p, h, _ in _Handler.seen if p == "/assets/cockpit.css"]
    assert len(css) == 3 and "If-None-Match" not in css[0]
    assert all(h.get("If-None-Match") == '"css1"' for h in css[1:])
    assert results.kinds["asset 304"] == 2 and results.kinds["from cache"] == 2
    # Every click of both rounds was sent, as the browser sent it, on one connection.
    assert sent.count(("POST", bc.CALLBACK + "?endId=x")) == 2 * 6
    assert len({conn for *_, conn in _Handler.seen}) == 1
    assert all(h.get("Accept-Encoding") == "gzip, deflate, br, zstd"
               for *_, h, _ in _Handler.seen)
    assert set(results.actions) == set(bc.ACTIONS)


def test_a_refused_callback_is_an_error(site) -> None:
    results = bc.Results()
    member = bc.Member("nobody", site, results, random.Random(1), "lean")  # never logged in
    asyncio.run(member.click("vergleich", _flow().actions["vergleich"]))
    assert results.errors == ["vergleich callback without data"] * 2


def test_login_form_gets_the_members_name_and_token() -> None:
    body = bc.login_body(b"username=rec&password=p&csrf_token=old&next=%2Fvergleich",
                         "member-7", "tok-9")
    assert body == (b"username=member-7&password=" + bc.PASSWORD.replace("!", "%21").encode()
                    + b"&csrf_token=tok-9&next=%2Fvergleich")


def test_lean_client_reads_chunked_answers_and_reconnects(site) -> None:
    host, port = site.rsplit(":", 1)

    async def run() -> tuple[bytes, int]:
        client = Client(host.removeprefix("http://"), int(port))
        chunked = await client.request("GET", "/chunked")
        client._writer.transport.abort()  # the server's end of an idle connection, seen late
        again = await client.request("GET", "/")
        await client.close()
        return chunked.body, again.status
    assert asyncio.run(run()) == (b"hello", 200)


def test_bodies_are_decoded_only_on_demand() -> None:
    import gzip
    assert decode_body(gzip.compress(b"abc"), "gzip") == b"abc"
    assert decode_body(b"abc", None) == b"abc"


def test_a_request_given_up_leaves_no_answer_for_the_next_one(site) -> None:
    host, port = site.rsplit(":", 1)

    async def run() -> int:
        client = Client(host.removeprefix("http://"), int(port), timeout=0.3)
        with pytest.raises(TimeoutError):
            await client.request("GET", "/slow")
        client.timeout = 5
        answer = await client.request("GET", "/")  # on a new connection, its own answer
        await client.close()
        return answer.body
    assert asyncio.run(run()) == b"page"


def test_another_members_error_does_not_stop_a_login(site) -> None:
    # Errors are counted per member: one member's failure in the middle of another's
    # login must not make the other give up.
    results = bc.Results(members=2)
    slow_login = bc.Flow({**_flow().actions})
    slow_login.actions["login"] = [_item("GET", "/slow", 200), *_flow().actions["login"]]
    lucky = bc.Member("member-7", site, results, random.Random(1), "lean")
    failing = bc.Member("nobody", site, results, random.Random(2), "lean")

    async def run() -> None:
        await asyncio.gather(lucky.run(slow_login, rounds=0, delay=0),
                             failing.click("vergleich", _flow().actions["vergleich"]))
        await failing.http.close()
    asyncio.run(run())
    assert failing.failed == 2 and lucky.failed == 0
    assert len(results.logged_in) == 1
    assert results.actions["login"]
