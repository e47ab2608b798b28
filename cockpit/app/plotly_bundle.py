"""The partial plotly.js bundle (assets/vendor/plotly/plotly-cockpit.min.js) in place of
the full plotly.min.js that dcc.Graph would otherwise load.

dcc.Graph uses `window.Plotly` when it is there; the page loads the bundle before the
renderer (dash_app.py). Should dcc still load plotly.js itself (a page without the
script tag), it asks for `/_dash-component-suites/plotly/package_data/plotly.min.js`:
that URL answers with the same partial bundle, so a browser never parses the 4.8 MB
full build.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import flask

from cockpit.resources import bundled_dir

BUNDLE = ("vendor", "plotly", "plotly-cockpit.min.js")
# The path the Dash renderer gives dcc.Graph when it must load plotly.js itself.
DASH_PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
_TRACES = re.compile(r"^ \* traces: ([a-z0-9,]+)$", re.MULTILINE)


def bundle_path() -> Path:
    """Where the vendored bundle lies."""
    return bundled_dir("assets").joinpath(*BUNDLE)


@functools.cache
def plotly_bundle_hash() -> str:
    """A short hash of the bundle's content, for its URL (a new build, a new URL)."""
    return hashlib.sha256(bundle_path().read_bytes()).hexdigest()[:12]


def plotly_bundle_url() -> str:
    """The bundle's URL below /assets, with the content hash."""
    return "/assets/" + "/".join(BUNDLE) + f"?v={plotly_bundle_hash()}"


def bundle_traces() -> frozenset[str]:
    """The trace types built into the bundle, as its header names them."""
    head = bundle_path().read_text("utf-8")[:1000]
    match = _TRACES.search(head)
    if match is None:
        raise ValueError(f"{bundle_path()} names no trace types in its header")
    return frozenset(match.group(1).split(","))


def install_plotly_bundle(server: flask.Flask) -> None:
    """Answer dcc's own plotly.js URL with the partial bundle.

    A before_request hook, added after the login guard, so it answers only where the
    guard let the request through, and before Dash's component-suite route.
    """

    @server.before_request
    def partial_plotly() -> flask.Response | None:
        if flask.request.path != DASH_PLOTLY_PATH:
            return None
        # A whole body like Dash's own bundles (not a streamed file), so the compression
        # cache of component bundles (compression.py) takes it as it takes those.
        response = flask.Response(_bundle_bytes(), mimetype="application/javascript")
        response.set_etag(plotly_bundle_hash())
        return response.make_conditional(flask.request)


@functools.cache
def _bundle_bytes() -> bytes:
    return bundle_path().read_bytes()
