"""cockpit/api/geometry.py: the gate's collection encoded once per key, forgotten with its
data version, and If-None-Match understood also in the form compression gives the ETag."""

from __future__ import annotations

import flask
import pytest

import cockpit.api.geometry as geometry


class FakeGate:
    """Answers like Gate.geojson: the same object while the data version stays."""

    def __init__(self) -> None:
        self.data_version = "v1"
        self.collections: dict[tuple, dict] = {}
        self.asked: list[tuple] = []

    def geojson(self, viewer, level, period) -> dict:
        self.asked.append((viewer, level, period))
        key = (self.data_version, level, period)
        return self.collections.setdefault(key, {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": level, "name": str(key)},
             "geometry": None}]})


@pytest.fixture(autouse=True)
def empty_cache():
    geometry._cache.clear()
    yield
    geometry._cache.clear()


def test_the_gate_is_asked_every_time_but_encoding_happens_once(monkeypatch) -> None:
    gate, encoded = FakeGate(), []
    real = geometry.json.dumps
    monkeypatch.setattr(geometry.json, "dumps",
                        lambda obj, **kw: encoded.append(1) or real(obj, **kw))
    first = geometry.encoded_geojson(gate, "anna", "district", "2024")
    second = geometry.encoded_geojson(gate, "bernd", "district", "2024")
    assert second is first
    assert len(encoded) == 1
    assert gate.asked == [("anna", "district", "2024"), ("bernd", "district", "2024")]
    assert first.body.startswith(b'{"type":"FeatureCollection"')


def test_a_new_collection_from_the_gate_is_encoded_anew() -> None:
    gate = FakeGate()
    old = geometry.encoded_geojson(gate, "anna", "district", None)
    gate.data_version = "v2"
    new = geometry.encoded_geojson(gate, "anna", "district", None)
    assert new.body != old.body and new.etag != old.etag


def test_entries_of_an_old_data_version_are_dropped() -> None:
    gate = FakeGate()
    for period in ("2022", "2023", "2024"):
        geometry.encoded_geojson(gate, "anna", "district", period)
    assert len(geometry._cache) == 3
    gate.data_version = "v2"
    geometry.encoded_geojson(gate, "anna", "district", "2024")
    assert [e.version for e in geometry._cache.values()] == ["v2"]


def test_at_most_cache_size_collections_are_kept() -> None:
    gate = FakeGate()
    for year in range(2000, 2000 + geometry.CACHE_SIZE + 3):
        geometry.encoded_geojson(gate, "anna", "district", str(year))
    assert len(geometry._cache) == geometry.CACHE_SIZE
    assert (id(gate), "district", str(2000 + geometry.CACHE_SIZE + 2)) in geometry._cache


@pytest.mark.parametrize(("header", "expected"), [
    ('"abc"', True), ('"abc:gzip"', True), ('W/"abc:zstd"', True), ('"x", "abc:br"', True),
    ("*", True), ('"abd"', False), ('"abc-1"', False), ("", False)])
def test_if_none_match_forms(header: str, expected: bool) -> None:
    with flask.Flask(__name__).test_request_context(headers={"If-None-Match": header}):
        assert geometry.not_modified('"abc"') is expected
