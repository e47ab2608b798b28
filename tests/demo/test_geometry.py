"""Tests for the generated areas and polygons of the demo city Musterstadt."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest

from cockpit.demo.geometry import CITY_CODE, CITY_NAME, DemoArea, build_demo_areas

Point = tuple[float, float]

# Shoelace sums are taken relative to this origin: with raw lon/lat values near (9, 51) the
# cross products cancel badly and a 1e-9 relative area comparison would be noise.
ORIGIN = (9.0, 51.0)
# Distance in degrees (~1 mm) below which a point counts as lying on a boundary.
BOUNDARY_TOL = 1e-8

EXPECTED_DISTRICTS = {
    "01": "Mitte",
    "02": "Nord",
    "03": "Ost",
    "04": "Süd",
    "05": "Südwest",
    "06": "West",
}
EXPECTED_SUBDISTRICTS = {
    "0101": "Altstadt",
    "0102": "Marktviertel",
    "0103": "Bahnhofsviertel",
    "0104": "Schlossberg",
    "0201": "Nordstadt",
    "0202": "Lindenhof",
    "0203": "Kirchberg",
    "0204": "Hafen",
    "0301": "Oststadt",
    "0302": "Eichenau",
    "0303": "Mühlbach",
    "0304": "Auenwald",
    "0401": "Südstadt",
    "0402": "Rosengarten",
    "0403": "Sonnenhang",
    "0404": "Wiesental",
    "0501": "Birkenfeld",
    "0502": "Heide",
    "0503": "Gartenstadt",
    "0504": "Feldrain",
    "0601": "Weststadt",
    "0602": "Brunnenviertel",
    "0603": "Am Kanal",
    "0604": "Erlenbruch",
}


@pytest.fixture(scope="module")
def areas() -> list[DemoArea]:
    return build_demo_areas()


@pytest.fixture(scope="module")
def by_code(areas: list[DemoArea]) -> dict[str, DemoArea]:
    return {area.code: area for area in areas}


def ring_of(area: DemoArea) -> list[Point]:
    geometry = area.geometry
    assert geometry["type"] == "Polygon"
    assert len(geometry["coordinates"]) == 1, "polygons must have no holes"
    return [(lon, lat) for lon, lat in geometry["coordinates"][0]]


def signed_area(ring: list[Point]) -> float:
    ox, oy = ORIGIN
    total = 0.0
    for (xa, ya), (xb, yb) in itertools.pairwise(ring):
        total += (xa - ox) * (yb - oy) - (xb - ox) * (ya - oy)
    return total / 2.0


def orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def on_segment(a: Point, b: Point, p: Point) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """True if the closed segments touch or cross, collinear overlaps included."""
    d1 = orientation(q1, q2, p1)
    d2 = orientation(q1, q2, p2)
    d3 = orientation(p1, p2, q1)
    d4 = orientation(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return (
        (d1 == 0 and on_segment(q1, q2, p1))
        or (d2 == 0 and on_segment(q1, q2, p2))
        or (d3 == 0 and on_segment(p1, p2, q1))
        or (d4 == 0 and on_segment(p1, p2, q2))
    )


def self_intersections(ring: list[Point]) -> list[tuple[int, int]]:
    segments = list(itertools.pairwise(ring))
    n = len(segments)
    hits = []
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # first and last segment share the closing point
            if segments_intersect(*segments[i], *segments[j]):
                hits.append((i, j))
    return hits


def distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2
    t = max(0.0, min(1.0, t))
    cx, cy = a[0] + t * dx, a[1] + t * dy
    return ((p[0] - cx) ** 2 + (p[1] - cy) ** 2) ** 0.5


def on_boundary(p: Point, ring: list[Point]) -> bool:
    return any(distance_to_segment(p, a, b) <= BOUNDARY_TOL for a, b in itertools.pairwise(ring))


def strictly_inside(p: Point, ring: list[Point]) -> bool:
    """Even-odd ray casting; points on (or within tolerance of) the boundary are not inside."""
    if on_boundary(p, ring):
        return False
    x, y = p
    inside = False
    for (xa, ya), (xb, yb) in itertools.pairwise(ring):
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            inside = not inside
    return inside


def test_hierarchy_counts_codes_and_names(areas: list[DemoArea]) -> None:
    levels = [area.level for area in areas]
    assert levels == ["city"] + ["district"] * 6 + ["subdistrict"] * 24

    city = areas[0]
    assert (city.code, city.name, city.parent_code) == (CITY_CODE, CITY_NAME, None)
    assert (CITY_CODE, CITY_NAME) == ("00", "Musterstadt")

    districts = {a.code: a.name for a in areas if a.level == "district"}
    subdistricts = {a.code: a.name for a in areas if a.level == "subdistrict"}
    assert districts == EXPECTED_DISTRICTS
    assert subdistricts == EXPECTED_SUBDISTRICTS


def test_order_is_city_then_districts_then_subdistricts_by_code(areas: list[DemoArea]) -> None:
    codes = [area.code for area in areas]
    assert codes == ["00", *sorted(EXPECTED_DISTRICTS), *sorted(EXPECTED_SUBDISTRICTS)]


def test_parents(areas: list[DemoArea]) -> None:
    for area in areas:
        if area.level == "district":
            assert area.parent_code == CITY_CODE
        elif area.level == "subdistrict":
            assert area.parent_code == area.code[:2]
            assert area.parent_code in EXPECTED_DISTRICTS


def test_codes_are_zero_padded_strings(areas: list[DemoArea]) -> None:
    expected_length = {"city": 2, "district": 2, "subdistrict": 4}
    for area in areas:
        assert isinstance(area.code, str)
        assert area.code.isdigit()
        assert len(area.code) == expected_length[area.level]
        assert area.parent_code is None or isinstance(area.parent_code, str)
    assert any(area.code.startswith("0") for area in areas)


def test_layout_places_districts_as_specified(by_code: dict[str, DemoArea]) -> None:
    # Spot-check the grid: west/east and north/south relations of district centroids.
    lon = {code: by_code[code].centroid[0] for code in EXPECTED_DISTRICTS}
    lat = {code: by_code[code].centroid[1] for code in EXPECTED_DISTRICTS}
    assert lon["06"] < lon["01"] < lon["03"]  # West < Mitte < Ost
    assert lon["05"] < lon["04"] < lon["03"]  # Südwest < Süd < Ost
    assert lat["04"] < lat["01"] < lat["02"]  # Süd < Mitte < Nord
    assert lat["05"] < lat["06"]  # Südwest below West
    # Reading order within a district: 0101 Altstadt is north-west of 0104 Schlossberg.
    altstadt, schlossberg = by_code["0101"].centroid, by_code["0104"].centroid
    assert altstadt[0] < schlossberg[0] and altstadt[1] > schlossberg[1]


def test_deterministic() -> None:
    first = [dataclasses.asdict(area) for area in build_demo_areas()]
    second = [dataclasses.asdict(area) for area in build_demo_areas()]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_geometry_is_json_serialisable_geojson(areas: list[DemoArea]) -> None:
    for area in areas:
        roundtrip = json.loads(json.dumps(area.geometry))
        assert roundtrip == area.geometry
        for point in area.geometry["coordinates"][0]:
            assert len(point) == 2
            assert all(round(value, 6) == value for value in point)


@pytest.mark.parametrize("index", range(31))
def test_ring_closed_counter_clockwise_and_simple(areas: list[DemoArea], index: int) -> None:
    area = areas[index]
    ring = ring_of(area)
    assert len(ring) >= 4
    assert ring[0] == ring[-1], f"{area.code} ring not closed"
    assert len(set(ring[:-1])) == len(ring) - 1, f"{area.code} repeats a vertex"
    assert signed_area(ring) > 0, f"{area.code} ring is not counter-clockwise"
    assert self_intersections(ring) == [], f"{area.code} ring self-intersects"


def test_subdistrict_areas_sum_to_city_area(areas: list[DemoArea]) -> None:
    city_area = signed_area(ring_of(areas[0]))
    total = sum(signed_area(ring_of(a)) for a in areas if a.level == "subdistrict")
    assert total == pytest.approx(city_area, rel=1e-9)


def test_subdistrict_areas_sum_to_district_area(areas: list[DemoArea]) -> None:
    for district in (a for a in areas if a.level == "district"):
        members = [a for a in areas if a.parent_code == district.code]
        assert len(members) == 4
        total = sum(signed_area(ring_of(a)) for a in members)
        assert total == pytest.approx(signed_area(ring_of(district)), rel=1e-9), district.code


def test_district_areas_sum_to_city_area(areas: list[DemoArea]) -> None:
    city_area = signed_area(ring_of(areas[0]))
    total = sum(signed_area(ring_of(a)) for a in areas if a.level == "district")
    assert total == pytest.approx(city_area, rel=1e-9)


def test_subdistrict_centroids_inside_own_area_district_and_city(
    areas: list[DemoArea], by_code: dict[str, DemoArea]
) -> None:
    city_ring = ring_of(by_code[CITY_CODE])
    for area in (a for a in areas if a.level == "subdistrict"):
        assert strictly_inside(area.centroid, ring_of(area)), area.code
        assert strictly_inside(area.centroid, ring_of(by_code[area.parent_code])), area.code
        assert strictly_inside(area.centroid, city_ring), area.code


def test_subdistricts_do_not_overlap(areas: list[DemoArea]) -> None:
    subdistricts = [a for a in areas if a.level == "subdistrict"]
    rings = {a.code: ring_of(a) for a in subdistricts}
    for a, b in itertools.permutations(rings, 2):
        inside = [p for p in rings[a] if strictly_inside(p, rings[b])]
        assert inside == [], f"vertices of {a} lie inside {b}: {inside[:3]}"


def test_neighbours_share_boundary_points(by_code: dict[str, DemoArea]) -> None:
    # Altstadt and Marktviertel are east-west neighbours: their shared edge must be identical.
    altstadt = set(ring_of(by_code["0101"]))
    marktviertel = set(ring_of(by_code["0102"]))
    assert len(altstadt & marktviertel) >= 4  # two grid vertices plus >= 2 wiggle points


def test_coordinates_within_expected_bounds(areas: list[DemoArea]) -> None:
    for area in areas:
        for lon, lat in ring_of(area):
            assert 8.8 <= lon <= 9.3, area.code
            assert 50.95 <= lat <= 51.17, area.code
        assert 8.8 <= area.centroid[0] <= 9.3
        assert 50.95 <= area.centroid[1] <= 51.17


def test_outline_is_not_a_rectangle(areas: list[DemoArea]) -> None:
    # Pulled-in corners leave the city clearly smaller than its bounding box.
    ring = ring_of(areas[0])
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    bbox_area = (max(lons) - min(lons)) * (max(lats) - min(lats))
    assert signed_area(ring) < 0.95 * bbox_area


def test_centroid_matches_polygon_centroid(areas: list[DemoArea]) -> None:
    for area in areas:
        ring = ring_of(area)
        ox, oy = ring[0]
        area2 = cx = cy = 0.0
        for (xa, ya), (xb, yb) in itertools.pairwise(ring):
            ax, ay, bx, by = xa - ox, ya - oy, xb - ox, yb - oy
            cross = ax * by - bx * ay
            area2 += cross
            cx += (ax + bx) * cross
            cy += (ay + by) * cross
        expected = (ox + cx / (3 * area2), oy + cy / (3 * area2))
        assert area.centroid == pytest.approx(expected, abs=1e-6), area.code
