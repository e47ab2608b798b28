"""Compression of text responses (pages, scripts, styles, Dash callbacks, API answers).

flask-compress picks zstd, brotli or gzip from the client's Accept-Encoding,
sets `Vary: Accept-Encoding` and leaves small answers (< 500 bytes), error
answers and everything not text alone. It only rewrites the body and the
encoding headers, so the security headers, `Cache-Control: no-store` and the
request size limits of security_headers.py apply unchanged.

BREACH: compressing a response that carries a secret together with text an
attacker controls lets someone who sees the encrypted lengths guess the
secret byte by byte. Three answers carry the CSRF token:
- /login (GET and the error page after POST) echoes `next` from the URL,
- /logout (the confirmation form),
- /_dash-layout (the logout form in the navigation bar) echoes the page and
  query the browser came from (the language link's `next`).
A foreign page can make the browser load /login?next=... as a top-level
navigation with the session cookie (SameSite=Lax allows that), so these
three are never compressed. They are small (a few KB); the big answers
(component bundles, callbacks, API data) hold no CSRF token. Dash's page
HTML holds an `end_id` token, but a new one per load (it binds background
callback handles to one page load), so there is no fixed secret to guess.
Dash callbacks (which may show a new API token once) are POSTs: a foreign page
cannot repeat them with the victim's session cookie (SameSite=Lax), so they
are compressed too.
"""

from __future__ import annotations

import posixpath

import flask
from flask_compress import Compress

from cockpit.app.security_headers import (
    COMPONENT_SUITES,
    IMMUTABLE,
    VENDOR_ASSETS,
    VERSIONED_DATA,
)

# Answers carrying the CSRF token beside attacker-influenced text (see above).
NOT_COMPRESSED = ("/login", "/logout", "/_dash-layout")
# Where a handler puts the ETag (a hash of the body) of an answer that may be compressed
# once and kept: the same key always means the same bytes, whoever asks.
CONTENT_HASH = "compress_content_hash"
# The endpoint Dash serves /assets/<path> from.
DASH_ASSETS_ENDPOINT = "_dash_assets.static"


def install_compression(server: flask.Flask, *, enabled: bool = True) -> None:
    """Compress text responses except the ones in NOT_COMPRESSED."""
    if not enabled:
        return
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    server.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    # Files are streamed; their ETag gets the encoding appended ("...:br"), so the
    # browser's If-None-Match must be checked again after compression for a 304.
    server.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL",
                             ["static", DASH_ASSETS_ENDPOINT])
    # Registered by hand so the BREACH exclusions are checked first.
    server.config["COMPRESS_REGISTER"] = False
    compress = Compress(server)
    # Component bundles are package files that do not change while the process
    # runs; compressing plotly.min.js (4.8 MB) takes 0.1-0.4 s, so each bundle
    # is compressed once per encoding and worker (a few MB of memory).
    server.config.update(COMPRESS_CACHE_BACKEND=_MemoryCache,
                         COMPRESS_CACHE_KEY=lambda request: request.path)
    bundles = Compress(server)
    # The versioned map geometry (cockpit/api/geometry.py, up to 4 MB), compressed once
    # per content: the key is the answer's ETag, the hash of its bytes.
    server.config.update(COMPRESS_CACHE_BACKEND=_BoundedCache,
                         COMPRESS_CACHE_KEY=lambda request: flask.g.get(CONTENT_HASH, ""))
    versioned = Compress(server)
    # Vendored files (assets/vendor: the plotly bundle, the base map, Bootstrap) are
    # package files too, but served as streamed files, which flask-compress compresses
    # anew for every request: 1.5 MB of plotly bundle took 40-120 ms of a worker per
    # fresh page. Compressed once per file and encoding instead, keyed by the normalised
    # path (other spellings of it, "a//b", find the same entry) and bounded all the same.
    server.config.update(COMPRESS_CACHE_BACKEND=_VendorCache,
                         COMPRESS_CACHE_KEY=lambda request: posixpath.normpath(request.path))
    vendored = Compress(server)

    @server.after_request
    def compress_response(response: flask.Response) -> flask.Response:
        path = flask.request.path
        if path in NOT_COMPRESSED:
            return response
        if path.startswith(COMPONENT_SUITES) and response.status_code == 200:
            return bundles.after_request(response)
        if path.startswith(VENDOR_ASSETS) and response.status_code == 200:
            # The whole file as the body, so that flask-compress takes the cache path.
            response.direct_passthrough = False
            response.make_sequence()
            return vendored.after_request(response)
        if (path in VERSIONED_DATA and response.status_code == 200
                and response.headers.get("Cache-Control") == IMMUTABLE
                and flask.g.get(CONTENT_HASH) == response.headers.get("ETag")):
            return versioned.after_request(response)
        return compress.after_request(response)


class _MemoryCache:
    """The get/set cache flask-compress expects, in a dict."""

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        self._items[key] = value


class _BoundedCache(_MemoryCache):
    """A _MemoryCache that forgets its oldest items beyond MAX_ITEMS (URLs of old data
    versions are never asked for again)."""

    MAX_ITEMS = 24  # 6 collections (cockpit/api/geometry.py) x up to 3 encodings, + spare

    def set(self, key: str, value: bytes) -> None:
        self._items.pop(key, None)
        self._items[key] = value
        while len(self._items) > self.MAX_ITEMS:
            del self._items[next(iter(self._items))]


class _VendorCache(_BoundedCache):
    """The compressed vendored files: a dozen files x up to 3 encodings."""

    MAX_ITEMS = 64
