"""The versioned geometry route: GET /api/v1/areas/geojson?level=&period=&v=<data version>.

The comparison map refers to this URL instead of carrying the geometry; the browser may keep
the answer while `v` is the current data version, and the gate still decides every answer.
"""

from __future__ import annotations

import gzip
import json
from urllib.parse import parse_qs, urlsplit

import pytest

import cockpit.api.geometry as geometry
from cockpit.access import Viewer
from cockpit.api.geometry import IMMUTABLE
from cockpit.app.session import GATE_KEY
from cockpit.appdb import add_user
from tests.app.conftest import ROLES, callback
from tests.app.security_helpers import post_login

OLD_VERSION = "19990101T000000000000Z"
COMPARE_OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
                   "compare-grid.columnDefs", "compare-caption.children",
                   "compare-message.children"]


@pytest.fixture(scope="module")
def version(app_server) -> str:
    return app_server.extensions[GATE_KEY].data_version


def _url(version: str, level: str = "subdistrict", period: str | None = "2024") -> str:
    query = f"level={level}&v={version}" + (f"&period={period}" if period else "")
    return f"/api/v1/areas/geojson?{query}"


def test_current_version_is_kept_by_the_browser(clients, version) -> None:
    response = clients["committee"].get(_url(version))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    etag = response.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 24
    assert {f["properties"]["level"] for f in collection["features"]} == {"subdistrict"}


def test_if_none_match_gives_304_without_body(clients, version) -> None:
    client = clients["committee"]
    etag = client.get(_url(version)).headers["ETag"]
    again = client.get(_url(version), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == IMMUTABLE
    other = client.get(_url(version), headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.get_data()


def test_an_old_version_is_redirected_to_the_current_one_and_not_kept(clients,
                                                                      version) -> None:
    response = clients["committee"].get(_url(OLD_VERSION))
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"
    target = urlsplit(response.headers["Location"])
    assert target.path == "/api/v1/areas/geojson"
    assert parse_qs(target.query) == {"level": ["subdistrict"], "period": ["2024"],
                                      "v": [version]}


def test_without_version_the_answer_is_not_cached_as_before(clients) -> None:
    response = clients["committee"].get("/api/v1/areas/geojson?level=district")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert len(response.get_json()["features"]) == 6


@pytest.mark.parametrize("bad", ["", "x" * 65, "1999/../etc", "v 1"])
def test_a_bad_version_is_refused_in_german(clients, bad: str) -> None:
    response = clients["committee"].get("/api/v1/areas/geojson", query_string={"v": bad})
    assert response.status_code == 400
    assert response.get_json() == {"error": "Ungültige Datenversion (Parameter v)."}


def test_a_bad_level_is_refused_before_any_version_logic(clients, version) -> None:
    response = clients["committee"].get(_url(version, level="bogus"))
    assert response.status_code == 400
    assert "Ebene" in response.get_json()["error"]
    assert response.headers["Cache-Control"] == "no-store"


def test_logged_out_gets_401_and_nothing_cached(app_server, version) -> None:
    response = app_server.test_client().get(_url(version))
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert b"coordinates" not in response.get_data()


def test_every_role_gets_what_the_gate_gives_it(app_server, clients, version) -> None:
    """The geometry is the gate's answer for the viewer (areas and boundaries are public to
    every logged-in role, cockpit/access/gate.py), so the URL reveals nothing more."""
    gate = app_server.extensions[GATE_KEY]
    bodies = {}
    for role in ROLES:
        response = clients[role].get(_url(version))
        assert response.status_code == 200, role
        bodies[role] = response.get_json()
    expected = gate.geojson(Viewer(name="x", role="district", area_code="01"),
                            "subdistrict", "2024")
    for role, body in bodies.items():
        assert body == json.loads(json.dumps(expected)), role


def test_encoded_once_per_worker_and_key(clients, version, monkeypatch) -> None:
    calls = []
    real = geometry.json.dumps

    def counting(obj, *args, **kwargs):
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            calls.append(1)
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(geometry.json, "dumps", counting)
    client = clients["leadership"]
    first = client.get(_url(version, period="2016"))
    second = client.get(_url(version, period="2016"))
    third = clients["committee"].get(_url(version, period="2016"))
    assert first.get_data() == second.get_data() == third.get_data()
    assert len(calls) <= 1  # 0 when an earlier test encoded this key already


def test_compressed_and_revalidated_with_the_encoding_in_the_etag(app_server,
                                                                  version) -> None:
    inst = app_server.extensions[GATE_KEY].inst
    assert inst.settings.compress  # on by default
    with inst.app_db() as conn:
        add_user(conn, "geometrie", "committee", "geometrie-passwort")
    client = app_server.test_client()
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "gzip"
    assert post_login(client, "geometrie", "geometrie-passwort").status_code == 302
    response = client.get(_url(version))
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == IMMUTABLE
    etag = response.headers["ETag"]
    assert etag.endswith(':gzip"')
    plain = app_server.test_client()
    assert post_login(plain, "geometrie", "geometrie-passwort").status_code == 302
    assert gzip.decompress(response.get_data()) == plain.get(_url(version)).get_data()
    again = client.get(_url(version), headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_the_comparison_map_refers_to_this_route(clients, version) -> None:
    response = callback(clients["district"], COMPARE_OUTPUTS, {
        "compare-indicator.value": "sgb2_quote", "compare-period.value": "2023",
        "compare-level.value": "district", "compare-method.value": "quantile",
        "compare-raw.value": False, "compare-highlight.data": "02",
    })
    assert response.status_code == 200
    figure = response.json["response"]["compare-map"]["figure"]
    urls = {trace["geojson"] for trace in figure["data"]}
    assert len(urls) == 1
    url = urls.pop()
    assert parse_qs(urlsplit(url).query) == {"level": ["district"], "period": ["2023"],
                                             "v": [version]}
    assert "coordinates" not in json.dumps(figure)
    fetched = clients["district"].get(url)
    assert fetched.status_code == 200
    codes = {f["properties"]["code"] for f in fetched.get_json()["features"]}
    located = {code for trace in figure["data"] for code in trace["locations"]}
    assert located <= codes
