"""Boundaries for the map: WGS84, valid, oriented for d3, simplified per level, compact.

The map (plotly's geo choropleth) draws with d3-geo, which treats a polygon as the
area to the *left* of its ring on the sphere: an exterior ring must run clockwise in
lon/lat, the opposite of RFC 7946. A ring the other way round means "everything but
this area". Rings are therefore always written clockwise (holes counter-clockwise),
whatever the source had.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"

# Simplification tolerance as a share of a level's typical area width: 1 % keeps the
# shape recognisable at the zoom where the whole level is on screen.
SIMPLIFY_SHARE = 0.01
MIN_TOLERANCE = 1e-5   # degrees; ~1 m, finer than any source
MAX_TOLERANCE = 0.01   # degrees; ~1 km, for Länder-sized areas
FINE_DECIMALS = 7      # for an area smaller than its level's grid (~1 cm)


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
    shared_edges: bool = False


def level_simplification(geometries: Sequence[BaseGeometry]) -> Simplification:
    """Tolerance from the level's typical area size: Gemeinden get a coarser grid than
    Stadtteile, so every level stays about equally light per area on its own map."""
    if not geometries:
        return Simplification(MIN_TOLERANCE, 5)
    widths = np.sqrt(shapely.area(np.array(geometries, dtype=object)))
    typical = float(np.median(widths))
    tolerance = min(max(typical * SIMPLIFY_SHARE, MIN_TOLERANCE), MAX_TOLERANCE)
    # A grid finer than the tolerance: rounding never moves a point more than simplifying.
    decimals = min(max(math.ceil(-math.log10(tolerance)), 4), 6)
    return Simplification(tolerance, decimals)


def _simplify_one(geometry: BaseGeometry, tol: float) -> BaseGeometry:
    parts = list(shapely.get_parts(geometry))
    if len(parts) > 1:
        # Islands smaller than the tolerance square vanish on the map anyway.
        largest = max(parts, key=lambda p: p.area)
        parts = [p for p in parts if p is largest or p.area >= (2 * tol) ** 2]
        geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    return shapely.simplify(geometry, tol, preserve_topology=True)


def _tidy(text: str, decimals: int) -> str:
    """Grid values are not exact binary fractions (8.98346 prints as 8.983459999999999)."""
    noise = re.compile(r"-?\d+\.\d{" + str(decimals + 1) + ",}")
    return noise.sub(lambda m: repr(round(float(m.group()), decimals)), text)


def simplify_level(geometries: Sequence[BaseGeometry]) -> tuple[list[str], Simplification]:
    """Compact GeoJSON geometry texts of one level's boundaries, in input order.

    When the areas tile the territory without overlaps (a polygonal coverage, as
    official boundaries do), they are simplified together so that neighbours keep one
    shared edge (no slivers or gaps between them); otherwise one by one. Coordinates
    are snapped to the decimal grid and exterior rings turned clockwise for d3.
    """
    how = level_simplification(geometries)
    if not geometries:
        return [], how
    arr = np.array(geometries, dtype=object)
    try:
        coverage = bool(shapely.coverage_is_valid(arr))
    except shapely.errors.GEOSException:
        coverage = False
    if coverage:
        reduced = shapely.coverage_simplify(arr, how.tolerance)
    else:
        reduced = np.array([_simplify_one(g, how.tolerance) for g in arr], dtype=object)
    snapped = shapely.set_precision(reduced, 10 ** -how.decimals)
    collapsed = shapely.is_empty(snapped) | ~np.isin(shapely.get_type_id(snapped), (3, 6))
    if collapsed.any():
        # Smaller than the grid (or reduced to a line): keep the area, finely rounded.
        fine = shapely.set_precision(arr[collapsed], 10 ** -FINE_DECIMALS)
        snapped[collapsed] = [polygonal(g)[0] or arr[collapsed][k]
                              for k, g in enumerate(fine)]
    oriented = shapely.orient_polygons(snapped, exterior_cw=True)
    texts = [_tidy(text, FINE_DECIMALS if speck else how.decimals)
             for text, speck in zip(shapely.to_geojson(oriented), collapsed, strict=True)]
    return texts, Simplification(how.tolerance, how.decimals, coverage)
