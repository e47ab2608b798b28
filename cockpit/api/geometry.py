"""The map geometry as versioned, browser-cached JSON (GET /api/v1/areas/geojson?v=...).

A map's boundaries do not change within one data version, but they are the bulk of a
map (4.3 MB at 11,000 areas). The comparison callback therefore sends only the URL of
the level's FeatureCollection with the data version in it (`geometry_url`); plotly.js
fetches that URL once per page and the browser keeps the answer for a year (a new
publish gives a new version, hence a new URL). What an answer holds is decided by the
gate on every request (`Gate.geojson`: login, level, period); this module only keeps the
JSON text of the very collection the gate returned, so it is encoded once per worker and
key, not per request.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NamedTuple

import flask

if TYPE_CHECKING:
    from cockpit.access import Gate, Viewer

#: Browser cache only (`private`): the answer needs a login, no proxy should keep it.
IMMUTABLE = "private, max-age=31536000, immutable"
#: Encoded collections kept per worker (levels x Gebietsstände in use, 4.3 MB each at
#: 11,000 areas): enough for a comparison page switching level and period.
CACHE_SIZE = 6


class Encoded(NamedTuple):
    """One collection as the route sends it."""

    body: bytes
    etag: str  # strong validator, quoted: the hash of `body`


class _Entry(NamedTuple):
    collection: dict[str, Any]  # the gate's object: identity proves the text is its text
    encoded: Encoded
    version: str  # the data version it was encoded under


_cache: OrderedDict[tuple[int, str | None, str | None], _Entry] = OrderedDict()
_lock = threading.Lock()


def encoded_geojson(gate: Gate, viewer: Viewer | None, level: str | None,
                    period: str | None) -> Encoded:
    """The gate's FeatureCollection for this viewer, level and period as JSON bytes.

    The gate is asked every time (it checks login, level and period and caches the
    collection per data version); its answer is encoded only when it is not the same
    object as the one encoded before under this key."""
    collection = gate.geojson(viewer, level, period)
    version = gate.data_version
    key = (id(gate), level, period)
    with _lock:
        entry = _cache.get(key)
        if entry is not None and entry.collection is collection:
            _cache.move_to_end(key)
            return entry.encoded
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    encoded = Encoded(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"')
    with _lock:
        # Entries of an older data version would keep its parsed geometry alive after
        # the gate has let go of it; they are never asked for again.
        for stale in [k for k, e in _cache.items() if k[0] == key[0] and e.version != version]:
            del _cache[stale]
        _cache[key] = _Entry(collection, encoded, version)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return encoded


def geometry_url(gate: Gate, viewer: Viewer | None, level: str, period: str | None) -> str:
    """The versioned URL of a level's boundaries in a period, for plotly's `geojson`.

    The gate checks login, level and period here as well (it raises what the route
    would), without building the geometry; the URL carries the current data version,
    so the browser may keep the answer as long as that version is current."""
    gate.areas(viewer, level, period)
    args = {"level": level, "v": gate.data_version}
    if period:
        args["period"] = period
    return flask.url_for("api_v1.areas_geojson", **args)


def not_modified(etag: str) -> bool:
    """Whether the request's If-None-Match names this ETag, also in the form compression
    gives it (`"<hash>:gzip"`, cockpit/app/compression.py)."""
    header = flask.request.headers.get("If-None-Match", "")
    if header.strip() == "*":
        return True
    bare = etag.strip('"')
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"')
        if tag == bare or tag.rpartition(":")[0] == bare:
            return True
    return False
