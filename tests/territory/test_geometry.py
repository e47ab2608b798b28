"""Boundaries for the map: any CRS to WGS84, repaired, clockwise, simplified, compact."""

from __future__ import annotations

import json

import pytest
import shapely
from pyproj import CRS, Transformer

from cockpit.territory.geometry import (
    GeometryError,
    level_simplification,
    parse_crs,
    polygonal,
    simplify_level,
    to_wgs84,
)
from tests.territory.files import KOELN_PRJ, box

DOM = (6.9581, 50.9413)   # Kölner Dom, lon/lat


def _projected(lon: float, lat: float, crs: CRS) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)


def test_prj_without_epsg_code_lands_in_koeln() -> None:
    x, y = _projected(*DOM, CRS.from_wkt(KOELN_PRJ))
    assert 2_300_000 < x < 2_400_000                      # the false easting of 2.5 M
    [point], used = to_wgs84([shapely.Point(x, y)], KOELN_PRJ)
    assert point.x == pytest.approx(DOM[0], abs=1e-7)
    assert point.y == pytest.approx(DOM[1], abs=1e-7)
    assert "ohne EPSG-Code" in used
    # Assuming EPSG:25832 (what the .prj almost says) would put Köln 2,000 km away.
    [wrong], _ = to_wgs84([shapely.Point(x, y)], "EPSG:25832")
    assert wrong.distance(shapely.Point(*DOM)) > 10


def test_crs_override_and_epsg_numbers() -> None:
    x, y = _projected(*DOM, CRS.from_epsg(31467))
    [point], used = to_wgs84([shapely.Point(x, y)], None, override="31467")
    assert used.startswith("EPSG:31467")
    assert (point.x, point.y) == pytest.approx(DOM, abs=1e-6)


def test_lon_lat_without_crs_is_wgs84_but_metres_need_crs() -> None:
    [point], used = to_wgs84([shapely.Point(*DOM)], None)
    assert used.startswith("EPSG:4326") and point.x == DOM[0]
    with pytest.raises(GeometryError, match="--crs"):
        to_wgs84([shapely.Point(356_000, 5_645_000)], None)


def test_bad_crs() -> None:
    with pytest.raises(GeometryError, match="unbekannt"):
        parse_crs("EPSG:999999")


def test_invalid_geometry_is_repaired_to_its_areas() -> None:
    bow_tie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    assert not bow_tie.is_valid
    fixed, repaired = polygonal(bow_tie)
    assert repaired and fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(0.5)
    assert polygonal(shapely.LineString([(0, 0), (1, 1)])) == (None, False)


def test_rings_clockwise_holes_counter_clockwise() -> None:
    holed = shapely.Polygon(box(6.9, 50.9, 7.0, 51.0).exterior.coords,
                            [box(6.94, 50.94, 6.96, 50.96).exterior.coords[::-1]])
    assert shapely.is_ccw(holed.exterior)
    [text], _ = simplify_level([holed])
    coords = json.loads(text)["coordinates"]
    assert not shapely.is_ccw(shapely.LinearRing(coords[0]))
    assert shapely.is_ccw(shapely.LinearRing(coords[1]))


def test_simplification_follows_the_level_size_and_rounds() -> None:
    wiggly = shapely.Point(6.95, 50.95).buffer(0.02, quad_segs=256)   # a ~3 km Stadtteil
    big = shapely.Point(10, 51).buffer(2, quad_segs=256)               # a Land
    assert level_simplification([big]).tolerance > level_simplification([wiggly]).tolerance
    [text], how = simplify_level([wiggly])
    coords = json.loads(text)["coordinates"][0]
    assert len(coords) < len(wiggly.exterior.coords) / 4
    assert all(len(str(v).split(".")[1]) <= how.decimals for xy in coords for v in xy)
    assert shapely.geometry.shape(json.loads(text)).area == pytest.approx(wiggly.area,
                                                                          rel=0.01)


def test_neighbours_keep_a_shared_edge() -> None:
    """Two areas simplified as a coverage: no gap and no overlap appear between them."""
    west = shapely.Polygon([(0, 0), *[(1 + 0.01 * (i % 2), i / 50) for i in range(51)],
                            (0, 1)])
    east = shapely.Polygon([(2, 0), (2, 1), *[(1 + 0.01 * (i % 2), i / 50)
                                               for i in reversed(range(51))]])
    texts, how = simplify_level([west, east])
    assert how.shared_edges
    a, b = (shapely.geometry.shape(json.loads(t)) for t in texts)
    assert a.intersection(b).area == pytest.approx(0, abs=1e-9)
    assert a.union(b).area == pytest.approx(2, rel=1e-3)


def test_a_speck_smaller_than_the_grid_is_kept() -> None:
    speck = box(7.0, 51.0, 7.000001, 51.000001)
    [text, _big], _ = simplify_level([speck, box(6, 50, 8, 52)])
    assert shapely.geometry.shape(json.loads(text)).area > 0
