"""Deterministic areas and polygons of the fictional demo city Musterstadt."""

from __future__ import annotations

import random
from dataclasses import dataclass

CITY_CODE = "00"
CITY_NAME = "Musterstadt"

# A fixed seed keeps the generated city byte-identical across runs and machines.
_SEED = 20240611

_COLS = 6
_ROWS = 4

# Grid origin and cell size in degrees; a longitude degree is ~0.63 latitude degrees on the
# ground at 51°N, so this ratio makes the cells roughly square on a map.
_LON_WEST = 8.90
_LAT_SOUTH = 51.00
_CELL_LAT = 0.03
_CELL_LON = _CELL_LAT / 0.63

_DECIMALS = 6

# Jitter amplitudes in cell units; kept small so every cell ring stays simple.
_INTERIOR_JITTER = 0.16
_BOUNDARY_ALONG_JITTER = 0.12
_BOUNDARY_NORMAL_MIN = -0.22
_BOUNDARY_NORMAL_MAX = 0.18
_CORNER_PULL = 0.30
_NEAR_CORNER_PULL = 0.10
_EDGE_WIGGLE = 0.05
_OUTER_EDGE_WIGGLE = 0.07

# District letter per cell, row 0 = north, columns west -> east.
_LAYOUT: tuple[tuple[str, ...], ...] = (
    ("W", "W", "N", "N", "N", "O"),
    ("W", "W", "M", "M", "N", "O"),
    ("SW", "SW", "M", "M", "S", "O"),
    ("SW", "SW", "S", "S", "S", "O"),
)

_DISTRICTS: dict[str, tuple[str, str, tuple[str, str, str, str]]] = {
    "M": ("01", "Mitte", ("Altstadt", "Marktviertel", "Bahnhofsviertel", "Schlossberg")),
    "N": ("02", "Nord", ("Nordstadt", "Lindenhof", "Kirchberg", "Hafen")),
    "O": ("03", "Ost", ("Oststadt", "Eichenau", "Mühlbach", "Auenwald")),
    "S": ("04", "Süd", ("Südstadt", "Rosengarten", "Sonnenhang", "Wiesental")),
    "SW": ("05", "Südwest", ("Birkenfeld", "Heide", "Gartenstadt", "Feldrain")),
    "W": ("06", "West", ("Weststadt", "Brunnenviertel", "Am Kanal", "Erlenbruch")),
}

Point = tuple[float, float]


@dataclass(frozen=True)
class DemoArea:
    """One area of the demo city with its GeoJSON polygon and centroid."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: dict
    centroid: tuple[float, float]


def _to_lonlat(u: float, v: float) -> Point:
    """Convert grid units (u east, v north) to rounded (lon, lat)."""
    return (
        round(_LON_WEST + u * _CELL_LON, _DECIMALS),
        round(_LAT_SOUTH + v * _CELL_LAT, _DECIMALS),
    )


def _grid_vertices(rng: random.Random) -> list[list[tuple[float, float]]]:
    """Jittered grid vertices in cell units, indexed [i][j] with j = 0 on the north edge."""
    vertices: list[list[tuple[float, float]]] = []
    for i in range(_COLS + 1):
        column: list[tuple[float, float]] = []
        for j in range(_ROWS + 1):
            u, v = float(i), float(_ROWS - j)
            on_west, on_east = i == 0, i == _COLS
            on_north, on_south = j == 0, j == _ROWS
            on_vertical_side = on_west or on_east
            on_horizontal_side = on_north or on_south
            # Inward unit direction per axis (0 when the vertex is not on that side).
            in_u = 1.0 if on_west else -1.0 if on_east else 0.0
            in_v = -1.0 if on_north else 1.0 if on_south else 0.0
            if on_vertical_side and on_horizontal_side:
                # Pulling corners in is what keeps the outline from reading as a rectangle.
                u += in_u * (_CORNER_PULL + rng.uniform(0.0, 0.08))
                v += in_v * (_CORNER_PULL + rng.uniform(0.0, 0.08))
            elif on_vertical_side:
                near_corner = j in (1, _ROWS - 1)
                pull = _NEAR_CORNER_PULL if near_corner else 0.0
                u -= in_u * (rng.uniform(_BOUNDARY_NORMAL_MIN, _BOUNDARY_NORMAL_MAX) - pull)
                v += rng.uniform(-_BOUNDARY_ALONG_JITTER, _BOUNDARY_ALONG_JITTER)
            elif on_horizontal_side:
                near_corner = i in (1, _COLS - 1)
                pull = _NEAR_CORNER_PULL if near_corner else 0.0
                v -= in_v * (rng.uniform(_BOUNDARY_NORMAL_MIN, _BOUNDARY_NORMAL_MAX) - pull)
                u += rng.uniform(-_BOUNDARY_ALONG_JITTER, _BOUNDARY_ALONG_JITTER)
            else:
                u += rng.uniform(-_INTERIOR_JITTER, _INTERIOR_JITTER)
                v += rng.uniform(-_INTERIOR_JITTER, _INTERIOR_JITTER)
            column.append((u, v))
        vertices.append(column)
    return vertices


def _edge(
    rng: random.Random, start: tuple[float, float], end: tuple[float, float], wiggle: float
) -> list[Point]:
    """Rounded polyline from start to end with 2-4 perpendicular wiggle points."""
    du, dv = end[0] - start[0], end[1] - start[1]
    count = rng.randint(2, 4)
    step = 1.0 / (count + 1)
    points = [_to_lonlat(*start)]
    for k in range(1, count + 1):
        # Jitter along the edge stays below half a step so the points keep their order.
        t = k * step + rng.uniform(-0.3, 0.3) * step
        offset = rng.uniform(-wiggle, wiggle)
        # (-dv, du) is perpendicular to the edge; scaling by the edge's own length keeps
        # the relative wiggle the same for short and long edges.
        points.append(_to_lonlat(start[0] + t * du - offset * dv, start[1] + t * dv + offset * du))
    points.append(_to_lonlat(*end))
    return points


def _cell_rings() -> dict[tuple[int, int], list[Point]]:
    """Closed counter-clockwise ring per (col, row) cell, sharing edges with neighbours."""
    rng = random.Random(_SEED)
    vertices = _grid_vertices(rng)
    # Each edge is generated once and reused by both neighbours so boundaries match exactly.
    horizontal: dict[tuple[int, int], list[Point]] = {}
    for j in range(_ROWS + 1):
        outer = j in (0, _ROWS)
        for i in range(_COLS):
            wiggle = _OUTER_EDGE_WIGGLE if outer else _EDGE_WIGGLE
            horizontal[i, j] = _edge(rng, vertices[i][j], vertices[i + 1][j], wiggle)
    vertical: dict[tuple[int, int], list[Point]] = {}
    for i in range(_COLS + 1):
        outer = i in (0, _COLS)
        for j in range(_ROWS):
            wiggle = _OUTER_EDGE_WIGGLE if outer else _EDGE_WIGGLE
            vertical[i, j] = _edge(rng, vertices[i][j], vertices[i][j + 1], wiggle)

    rings: dict[tuple[int, int], list[Point]] = {}
    for row in range(_ROWS):
        for col in range(_COLS):
            # South-west -> south-east -> north-east -> north-west is counter-clockwise.
            south = horizontal[col, row + 1]
            east = vertical[col + 1, row][::-1]
            north = horizontal[col, row][::-1]
            west = vertical[col, row]
            ring = south[:-1] + east[:-1] + north[:-1] + west
            rings[col, row] = ring
    return rings


def _union_ring(rings: list[list[Point]]) -> list[Point]:
    """Outer ring of contiguous, hole-free rings that share their common edges exactly."""
    segments: set[tuple[Point, Point]] = set()
    for ring in rings:
        for a, b in zip(ring, ring[1:], strict=False):
            segments.add((a, b))
    # A segment present in both directions lies between two member cells.
    outer = [(a, b) for a, b in segments if (b, a) not in segments]
    successor: dict[Point, Point] = {}
    for a, b in outer:
        if a in successor:
            raise ValueError(f"boundary branches at {a}: rings touch at a point or edges differ")
        successor[a] = b
    # Starting at the smallest point makes the ring's order independent of set iteration.
    start = min(successor)
    result = [start]
    current = successor[start]
    while current != start:
        result.append(current)
        current = successor[current]
        if len(result) > len(outer):
            raise ValueError("boundary segments do not form a single closed ring")
    if len(result) != len(outer):
        raise ValueError("union has more than one boundary ring")
    result.append(start)
    return result


def _centroid(ring: list[Point]) -> tuple[float, float]:
    """Area-weighted centroid of a closed ring, rounded like the coordinates."""
    # Shifting to the first point avoids cancellation from large absolute lon/lat values.
    x0, y0 = ring[0]
    area2 = cx = cy = 0.0
    for (xa, ya), (xb, yb) in zip(ring, ring[1:], strict=False):
        ax, ay, bx, by = xa - x0, ya - y0, xb - x0, yb - y0
        cross = ax * by - bx * ay
        area2 += cross
        cx += (ax + bx) * cross
        cy += (ay + by) * cross
    return (
        round(x0 + cx / (3.0 * area2), _DECIMALS),
        round(y0 + cy / (3.0 * area2), _DECIMALS),
    )


def _area(code: str, name: str, level: str, parent: str | None, ring: list[Point]) -> DemoArea:
    """DemoArea with a GeoJSON polygon built from ring."""
    geometry = {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in ring]]}
    return DemoArea(code, name, level, parent, geometry, _centroid(ring))


def build_demo_areas() -> list[DemoArea]:
    """City first, then districts, then subdistricts, each sorted by code."""
    rings = _cell_rings()
    cells_by_letter: dict[str, list[tuple[int, int]]] = {letter: [] for letter in _DISTRICTS}
    # Row-major iteration is the reading order that fixes the subdistrict numbering.
    for row in range(_ROWS):
        for col in range(_COLS):
            cells_by_letter[_LAYOUT[row][col]].append((col, row))

    districts: list[DemoArea] = []
    subdistricts: list[DemoArea] = []
    for letter, (code, name, sub_names) in _DISTRICTS.items():
        cells = cells_by_letter[letter]
        districts.append(
            _area(code, name, "district", CITY_CODE, _union_ring([rings[c] for c in cells]))
        )
        for number, (cell, sub_name) in enumerate(zip(cells, sub_names, strict=True), start=1):
            subdistricts.append(
                _area(f"{code}{number:02d}", sub_name, "subdistrict", code, rings[cell])
            )

    city = _area(CITY_CODE, CITY_NAME, "city", None, _union_ring(list(rings.values())))
    districts.sort(key=lambda area: area.code)
    subdistricts.sort(key=lambda area: area.code)
    return [city, *districts, *subdistricts]
