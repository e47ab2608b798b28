"""Boundaries for the map: WGS84, valid, oriented for d3, simplified per level, compact.

The map (plotly's geo choropleth) draws with d3-geo, which treats a polygon as the
area to the *left* of its ring on the sphere: an exterior ring must run clockwise in
lon/lat, the opposite of RFC 7946. A ring the other way round means "everything but
this area". Rings are therefore always written clockwise (holes counter-clockwise),
whatever the source had.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"

# Simplification tolerance as a share of a level's typical area width: 1 % keeps the
# shape recognisable at the zoom where the whole level is on screen.
SIMPLIFY_SHARE = 0.01
MIN_TOLERANCE = 1e-5   # degrees; ~1 m, finer than any source
MAX_TOLERANCE = 0.01   # degrees; ~1 km, for Länder-sized areas


class GeometryError(ValueError):
    """Coordinates cannot be brought to WGS84 (German message)."""


def parse_crs(text: str) -> CRS:
    """A CRS from `EPSG:25832`, `25832`, WKT or PROJ text; GeometryError otherwise."""
    try:
        return CRS.from_user_input(int(text) if text.strip().isdigit() else text)
    except CRSError as exc:
        raise GeometryError(f"Koordinatensystem {text!r} ist unbekannt ({exc}).") from None


def to_wgs84(geometries: Sequence[BaseGeometry | None], source_crs: str | None,
             override: str | None = None) -> tuple[list[BaseGeometry | None], str]:
    """Transform to lon/lat WGS84; returns the geometries and the CRS used (for the report).

    A .prj without an EPSG code (Köln: UTM 32N with false easting 2,500,000) is read
    as WKT by pyproj; `override` (--crs) wins over whatever the file says.
    """
    arr = np.array(geometries, dtype=object)
    present = arr[[g is not None for g in geometries]] if len(arr) else arr
    if override:
        crs = parse_crs(override)
    elif source_crs:
        crs = parse_crs(source_crs)
    else:
        xmin, ymin, xmax, ymax = shapely.total_bounds(present) if len(present) else (0, 0, 0, 0)
        if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
            crs = CRS.from_epsg(4326)
        else:
            raise GeometryError("Die Datei nennt kein Koordinatensystem und die Koordinaten "
                                "sind keine Längen/Breiten; bitte --crs angeben "
                                "(z. B. --crs EPSG:25832).")
    target = CRS.from_epsg(4326)
    epsg = crs.to_epsg()
    used = f"EPSG:{epsg} ({crs.name})" if epsg else f"{crs.name} (ohne EPSG-Code, aus WKT)"
    if crs.is_geographic and crs.equals(target, ignore_axis_order=True):
        out = arr
    else:
        try:
            transformer = Transformer.from_crs(crs, target, always_xy=True)
        except CRSError as exc:
            raise GeometryError(f"Keine Umrechnung von {used} nach WGS84 ({exc}).") from None
        out = arr.copy()
        mask = np.array([g is not None for g in geometries], dtype=bool)
        if mask.any():
            out[mask] = shapely.transform(arr[mask], lambda x, y: transformer.transform(x, y),
                                          interleaved=False)
    result = list(out)
    transformed = [g for g in result if g is not None]
    if transformed:
        xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(transformed, dtype=object))
        if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)) or not (
                -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise GeometryError(f"Koordinaten liegen nach Umrechnung aus {used} außerhalb der "
                                "Erde; stimmt das Koordinatensystem? (--crs)")
    return result, used


def polygonal(geometry: BaseGeometry | None) -> tuple[BaseGeometry | None, bool]:
    """The valid area part of a geometry and whether it had to be repaired.

    make_valid may return lines or points beside the polygons (a bow-tie's knot);
    only the areas are a boundary.
    """
    if geometry is None or geometry.is_empty:
        return None, False
    repaired = False
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        repaired = True
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry, repaired
    parts = [p for p in shapely.get_parts(geometry)
             if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    if not parts:
        return None, repaired
    return shapely.union_all(parts), repaired


@dataclass(frozen=True)
class Simplification:
    """How one level's boundaries were reduced: tolerance in degrees, decimals kept."""

    tolerance: float
    decimals: int


def level_simplification(geometries: Sequence[BaseGeometry]) -> Simplification:
    """Tolerance from the level's typical area size: Gemeinden get a coarser grid than
    Stadtteile, so every level stays about equally light per area on its own map."""
    if not geometries:
        return Simplification(MIN_TOLERANCE, 5)
    widths = np.sqrt(shapely.area(np.array(geometries, dtype=object)))
    typical = float(np.median(widths))
    tolerance = min(max(typical * SIMPLIFY_SHARE, MIN_TOLERANCE), MAX_TOLERANCE)
    decimals = min(max(math.ceil(-math.log10(tolerance)) + 1, 4), 6)
    return Simplification(tolerance, decimals)


def simplify(geometry: BaseGeometry, how: Simplification) -> BaseGeometry:
    """Simplify, drop specks, snap to the decimal grid and orient for d3."""
    tol = how.tolerance
    parts = list(shapely.get_parts(geometry))
    if len(parts) > 1:
        # Islands smaller than the tolerance square vanish on the map anyway.
        largest = max(parts, key=lambda p: p.area)
        parts = [p for p in parts if p is largest or p.area >= (2 * tol) ** 2]
        geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    reduced = shapely.simplify(geometry, tol, preserve_topology=True)
    snapped = shapely.set_precision(reduced, 10 ** -how.decimals)
    snapped, _ = polygonal(snapped)
    if snapped is None or snapped.is_empty:
        # Smaller than the grid: keep the original so the area does not disappear.
        snapped = geometry
    return shapely.orient_polygons(snapped, exterior_cw=True)


def _rounded(coords: object, decimals: int) -> object:
    if isinstance(coords, tuple | list):
        if coords and isinstance(coords[0], float | int):
            return [round(float(c), decimals) for c in coords[:2]]
        return [_rounded(c, decimals) for c in coords]
    return coords


def to_geojson(geometry: BaseGeometry, decimals: int) -> str:
    """Compact GeoJSON geometry text with rounded coordinates."""
    geo = mapping(geometry)
    body = {"type": geo["type"], "coordinates": _rounded(geo["coordinates"], decimals)}
    return json.dumps(body, separators=(",", ":"))


def exterior_is_clockwise(geojson: dict) -> bool:
    """Whether every exterior ring of a GeoJSON (Multi)Polygon runs clockwise in lon/lat."""
    geometry = shapely.geometry.shape(geojson)
    return all(not shapely.is_ccw(p.exterior) for p in shapely.get_parts(geometry))
