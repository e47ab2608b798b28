"""Compressed text answers and cache headers per kind of response (issue 9).

Compression changes only the encoding: the decompressed body equals the plain
one, data stays no-store, and answers carrying the CSRF token are never
compressed (BREACH, see cockpit/app/compression.py).
"""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from cockpit.app.compression import NOT_COMPRESSED
from cockpit.app.security_headers import IMMUTABLE, REVALIDATE, VENDOR_CACHE
from cockpit.appdb import add_user
from tests.app.conftest import render_page
from tests.app.security_helpers import post_login, server_on

PASSWORD = "kompressions-passwort"
TOPOJSON = "/assets/vendor/topojson/world_110m.json"


def _client(server, encoding: str | None):
    client = server.test_client()
    if encoding:
        client.environ_base["HTTP_ACCEPT_ENCODING"] = encoding
    assert post_login(client, "kompressor", PASSWORD).status_code == 302
    return client


@pytest.fixture(scope="module")
def setup(demo, tmp_path_factory):
    server, _, inst = server_on(demo, tmp_path_factory.mktemp("compression") / "home")
    with inst.app_db() as conn:
        add_user(conn, "kompressor", "committee", PASSWORD)
    return server


@pytest.fixture(scope="module")
def bundle(setup) -> str:
    """The URL of Dash's renderer bundle as the page links it (with its fingerprint)."""
    page = _client(setup, None).get("/vergleich").get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', page).group(1)


def _answers(client, bundle: str) -> dict:
    return {
        "bundle": client.get(bundle),
        "callback": render_page(client, "/vergleich", "?indicator=sgb2_quote"),
        "api": client.get("/api/v1/areas/geojson"),
        "page": client.get("/vergleich?indicator=sgb2_quote"),
    }


def test_gzip_when_asked_and_the_same_content(setup, bundle) -> None:
    plain = _answers(_client(setup, None), bundle)
    packed = _answers(_client(setup, "gzip"), bundle)
    for name, response in packed.items():
        assert response.status_code == 200, name
        assert response.headers["Content-Encoding"] == "gzip", name
        assert "Accept-Encoding" in response.headers["Vary"], name
        body = gzip.decompress(response.get_data())
        assert len(response.get_data()) < len(body), name
        assert _comparable(body) == _comparable(plain[name].get_data()), name


def _comparable(body: bytes) -> bytes:
    # Dash's page carries a new signed `end_id` per load (for background callbacks).
    return re.sub(rb'"end_id":"[^"]*"', b'"end_id":""', body)


def test_identity_without_accept_encoding(setup, bundle) -> None:
    for name, response in _answers(_client(setup, None), bundle).items():
        assert response.status_code == 200, name
        assert "Content-Encoding" not in response.headers, name
        assert response.get_data()[:1] in (b"{", b"<", b"!", b"(", b"\"", b"/", b"v", b"w"), name


def test_brotli_for_browsers_that_offer_it(setup, bundle) -> None:
    plain = _client(setup, None)
    packed = _client(setup, "gzip, deflate, br")
    for path in (bundle, "/api/v1/areas/geojson", TOPOJSON):
        response = packed.get(path)
        assert response.headers["Content-Encoding"] == "br", path
        assert brotli.decompress(response.get_data()) == plain.get(path).get_data(), path


def test_small_answers_stay_plain(setup) -> None:
    response = _client(setup, "gzip").get("/healthz")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_answers_with_the_csrf_token_are_never_compressed(setup) -> None:
    anonymous = setup.test_client()
    anonymous.environ_base["HTTP_ACCEPT_ENCODING"] = "gzip, br"
    client = _client(setup, "gzip, br")
    answers = {
        "/login": anonymous.get("/login?next=/vergleich"),
        "/logout": client.get("/logout"),
        "/_dash-layout": client.get("/_dash-layout", headers={"Referer": "/vergleich?x=1"}),
    }
    assert set(answers) == set(NOT_COMPRESSED)
    for path, response in answers.items():
        assert response.status_code == 200, path
        assert 'csrf_token' in response.get_data(as_text=True), path
        assert len(response.get_data()) > 500, path  # big enough to be compressed otherwise
        assert "Content-Encoding" not in response.headers, path


def test_data_stays_no_store_when_compressed(setup, bundle) -> None:
    client = _client(setup, "gzip")
    answers = _answers(client, bundle)
    answers["layout"] = client.get("/_dash-layout")
    del answers["bundle"]
    for name, response in answers.items():
        assert response.headers["Cache-Control"] == "no-store", name
        assert "ETag" not in response.headers, name


def test_cache_headers_per_kind_of_static_file(setup, bundle) -> None:
    client = _client(setup, "gzip, br")
    assert client.get(bundle).headers["Cache-Control"] == IMMUTABLE
    vendored = client.get(TOPOJSON)
    # A compressed file is streamed within its request: read it before the next request.
    assert vendored.get_data()
    assert vendored.headers["Cache-Control"] == VENDOR_CACHE
    favicon = client.get("/_favicon.ico?v=1")
    assert favicon.get_data()
    assert favicon.headers["Cache-Control"] == VENDOR_CACHE
    own = client.get("/assets/cockpit.css")
    assert own.get_data()
    assert own.headers["Cache-Control"] == REVALIDATE
    # Plotly's bundle is loaded without a fingerprint: revalidated, never stale.
    plotly = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["Cache-Control"] == REVALIDATE
    # Revalidation with the ETag of the compressed answer costs no body.
    for response, path in ((own, "/assets/cockpit.css"),
                           (plotly, "/_dash-component-suites/plotly/package_data/plotly.min.js")):
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.get_data() == b"", path
    missing = client.get("/assets/vendor/nothing-here.js")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"


def test_compression_can_be_switched_off(demo, tmp_path, bundle) -> None:
    server, _, inst = server_on(demo, tmp_path / "home", compress="0")
    with inst.app_db() as conn:
        add_user(conn, "kompressor", "committee", PASSWORD)
    response = _client(server, "gzip, br").get(bundle)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_a_bundle_is_compressed_once_and_served_the_same_again(setup, bundle) -> None:
    client = _client(setup, "gzip")
    first = client.get(bundle).get_data()
    second = client.get(bundle).get_data()
    assert first == second
    assert gzip.decompress(second) == _client(setup, None).get(bundle).get_data()


def test_a_vendored_file_is_compressed_once_per_encoding(setup, monkeypatch) -> None:
    """The plotly bundle and the base map were compressed anew for every fresh page."""
    import flask_compress.flask_compress as fc

    from cockpit.resources import bundled_dir

    calls: list[int] = []
    compress = fc._compress_data
    monkeypatch.setattr(fc, "_compress_data",
                        lambda app, data, algorithm: calls.append(len(data))
                        or compress(app, data, algorithm))
    client = _client(setup, "gzip")
    path = "/assets/vendor/plotly/plotly-locale-de.js"
    first = client.get(path)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    plain = bundled_dir("assets").joinpath("vendor", "plotly", "plotly-locale-de.js").read_bytes()
    assert gzip.decompress(first.get_data()) == plain
    assert first.headers["Cache-Control"] == VENDOR_CACHE
    # Again, and under another spelling of the same path: the kept bytes, no new work.
    for again in (client.get(path), client.get(path.replace("/plotly/", "/plotly//"))):
        assert again.status_code == 200
        assert again.get_data() == first.get_data()
    assert len(calls) == 1
    # Revalidation with the compressed answer's ETag costs no body.
    revalidated = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""
    # Another encoding is compressed once for itself.
    assert brotli.decompress(_client(setup, "br").get(path).get_data()) == plain
    assert len(calls) == 2
