"""A lean HTTP/1.1 keep-alive client on asyncio streams, and a browser's cache rules.

The committee benchmark runs its 100 members on the same 2 cores as the server,
so every millisecond the client spends is taken from the server. httpx builds
dozens of objects per request (URL, headers, request, response, pool, decoder);
this client writes the request bytes, reads the status line, headers and body
(Content-Length or chunked) and keeps one connection per member, as a browser
keeps its connections to one host. Bodies are not decoded unless asked for.

`cache_decision` is what a browser does with a GET it has answered before:
use its copy (fresh, e.g. `immutable` or within `max-age`), ask again with the
validator (`no-cache`, or stale with an ETag/Last-Modified) or fetch anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import re
from dataclasses import dataclass, field

# Headers the client sets itself (the recorded browser's values would be wrong here).
OWN_HEADERS = frozenset({"host", "cookie", "content-length", "connection",
                         "if-none-match", "if-modified-since", "transfer-encoding"})
_MAX_AGE = re.compile(r"max-age=(\d+)")


class ConnectionDropped(ConnectionError):
    """The server closed the connection before a complete answer."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined by "\n"
    body: bytes  # as sent (still compressed)

    def text(self) -> str:
        """The body decoded (gzip, br or zstd) as UTF-8."""
        return decode_body(self.body, self.headers.get("content-encoding")).decode(
            "utf-8", "replace")


def decode_body(body: bytes, encoding: str | None) -> bytes:
    """Undo the Content-Encoding of a body (gzip, br, zstd or none)."""
    if not encoding or encoding == "identity":
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli
        return brotli.decompress(body)
    if encoding == "zstd":
        try:
            from compression import zstd  # Python 3.14
        except ImportError:
            from backports import zstd
        return zstd.decompress(body)
    raise ValueError(f"unknown content encoding {encoding!r}")


@dataclass
class Client:
    """One member's connection to one host, with its cookies."""

    host: str
    port: int
    timeout: float = 60.0
    cookies: dict[str, str] = field(default_factory=dict)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes | None = None) -> Answer:
        """Send one request on the kept connection; a connection the server closed while
        idle is replaced once, as a browser does."""
        reused = self._writer is not None
        try:
            return await asyncio.wait_for(self._exchange(method, path, headers, body),
                                          self.timeout)
        except (ConnectionDropped, ConnectionResetError, BrokenPipeError):
            await self.close()
            if not reused:
                raise
        except BaseException:
            # Given up (timeout, cancelled): the answer may still come, so this connection
            # can carry no other request; a browser abandons it too.
            await self.close()
            raise
        try:
            return await asyncio.wait_for(self._exchange(method, path, headers, body),
                                          self.timeout)
        except BaseException:
            await self.close()
            raise

    async def _exchange(self, method: str, path: str, headers: dict[str, str] | None,
                        body: bytes | None) -> Answer:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None or method == "POST":
            lines.append(f"Content-Length: {len(body or b'')}")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            raise ConnectionDropped("no answer") from exc
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        answer_headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._take_cookie(value)
            answer_headers[name] = (answer_headers[name] + "\n" + value
                                    if name in answer_headers else value)
        data = await self._read_body(method, status, answer_headers)
        if answer_headers.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, answer_headers, data)

    async def _read_body(self, method: str, status: int, headers: dict[str, str]) -> bytes:
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return b""
        try:
            if "content-length" in headers:
                return await self._reader.readexactly(int(headers["content-length"]))
            if headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while True:
                    size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    if size == 0:
                        await self._reader.readuntil(b"\r\n")  # no trailers are sent
                        return b"".join(parts)
                    parts.append(await self._reader.readexactly(size))
                    await self._reader.readexactly(2)
            data = await self._reader.read()  # delimited by the end of the connection
            await self.close()
            return data
        except asyncio.IncompleteReadError as exc:
            raise ConnectionDropped("answer cut short") from exc

    def _take_cookie(self, value: str) -> None:
        pair, *attributes = value.split(";")
        name, _, cookie = pair.strip().partition("=")
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        expired = expired or any(a.strip().lower().startswith("expires=thu, 01 jan 1970")
                                 for a in attributes)
        if expired or not cookie:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = cookie

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


@dataclass
class Cached:
    """What a browser keeps of a GET answer to decide about the next request."""

    fetched_at: float
    cache_control: str
    etag: str | None
    last_modified: str | None


def cache_entry(headers: dict[str, str], now: float) -> Cached | None:
    """The cache entry a browser keeps for this answer (None: not kept)."""
    control = headers.get("cache-control", "").lower()
    if "no-store" in control:
        return None
    return Cached(now, control, headers.get("etag"), headers.get("last-modified"))


def cache_decision(entry: Cached | None, now: float) -> str:
    """"use" (the copy, no request), "revalidate" (conditional GET) or "fetch"."""
    if entry is None:
        return "fetch"
    control = entry.cache_control
    fresh = False
    if "no-cache" not in control:
        if "immutable" in control:
            fresh = True
        found = _MAX_AGE.search(control)
        if found and now - entry.fetched_at < int(found.group(1)):
            fresh = True
    if fresh:
        return "use"
    return "revalidate" if entry.etag or entry.last_modified else "fetch"


def validators(entry: Cached) -> dict[str, str]:
    """The conditional headers of a revalidation."""
    headers = {}
    if entry.etag:
        headers["If-None-Match"] = entry.etag
    if entry.last_modified:
        headers["If-Modified-Since"] = entry.last_modified
    return headers
