"""Small area files written by the tests, shaped like the real samples' traps.

A toy Köln: two Stadtbezirke (1 Innenstadt west, 9 Mülheim east of the Rhine) and
three Stadtteile, as squares in lon/lat around 50.94 N, 6.96 E.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyogrio.raw import write
from pyproj import CRS, Transformer

# Köln's own .prj: UTM 32N with a false easting of 2,500,000 and no EPSG code.
KOELN_PRJ = (
    'PROJCS["WGS_1984_UTM_Zone_32N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",2500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def box(west: float, south: float, east: float, north: float) -> shapely.Polygon:
    """A counter-clockwise (RFC 7946) square in lon/lat."""
    return shapely.Polygon([(west, south), (east, south), (east, north), (west, north)])


DISTRICTS = [("1", "Innenstadt", box(6.90, 50.90, 6.98, 50.98)),
             ("9", "Mülheim", box(6.98, 50.90, 7.06, 50.98))]
# 901's box reaches a little over the Rhine into 1: its interior point still lies in 9.
NEIGHBOURHOODS = [("101", "Altstadt/Süd", "1", box(6.91, 50.91, 6.97, 50.97)),
                  ("901", "Mülheim", "9", box(6.975, 50.91, 7.02, 50.97)),
                  ("902", "Buchforst", "9", box(7.02, 50.91, 7.05, 50.97))]


def _project(geoms: list[shapely.Geometry], crs: CRS) -> list[shapely.Geometry]:
    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return [shapely.transform(g, lambda x, y: transformer.transform(x, y), interleaved=False)
            for g in geoms]


def write_shapefile(path: Path, rows: list[tuple], fields: list[str], *,
                    prj: str | None = KOELN_PRJ, encoding: str = "cp1252",
                    keep_cpg: bool = False, ldid: int = 0) -> Path:
    """A Shapefile in Köln's UTM (false easting 2.5 M); .dbf in `encoding`, no .cpg and
    no language driver id by default (the worst case: the bytes must tell)."""
    geoms = [r[-1] for r in rows]
    if prj is not None:
        geoms = _project(geoms, CRS.from_wkt(prj))
    columns = [np.array([str(r[i]) for r in rows], dtype=object) for i in range(len(fields))]
    write(str(path), np.array(shapely.to_wkb(geoms), dtype=object), columns, fields,
          driver="ESRI Shapefile", geometry_type="Polygon", encoding=encoding,
          crs=prj or "EPSG:4326")
    if prj is not None:
        path.with_suffix(".prj").write_text(prj)
    else:
        path.with_suffix(".prj").unlink(missing_ok=True)
    if not keep_cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
        dbf = path.with_suffix(".dbf")
        data = bytearray(dbf.read_bytes())
        data[29] = ldid
        dbf.write_bytes(bytes(data))
    return path


def districts_shp(folder: Path, **options) -> Path:
    return write_shapefile(folder / "Stadtbezirk.shp", DISTRICTS, ["STB_NR", "STB_NAME"],
                           **options)


def neighbourhoods_shp(folder: Path, **options) -> Path:
    return write_shapefile(folder / "Stadtteil.shp",
                           [(c, n, g) for c, n, _p, g in NEIGHBOURHOODS],
                           ["STT_NR", "STT_NAME"], **options)


def geojson_file(path: Path, features: list[tuple[dict, shapely.Geometry | None]]) -> Path:
    """GeoJSON as RFC 7946 writes it: exterior rings counter-clockwise."""
    out = []
    for props, geom in features:
        geometry = None
        if geom is not None:
            geometry = json.loads(shapely.to_geojson(shapely.orient_polygons(geom)))
        out.append({"type": "Feature", "properties": props, "geometry": geometry})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": out}),
                    encoding="utf-8")
    return path


def kml_file(path: Path, features: list[tuple[dict, shapely.Polygon]]) -> Path:
    """KML like Köln's stadtteile.kml: keys in ExtendedData, Schema inside a Folder."""
    marks = []
    for props, geom in features:
        data = "".join(f'<SimpleData name="{k}">{v}</SimpleData>' for k, v in props.items())
        coords = " ".join(f"{x},{y}" for x, y in geom.exterior.coords)
        marks.append(
            f"<Placemark><ExtendedData><SchemaData schemaUrl=\"#S\">{data}</SchemaData>"
            f"</ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    path.write_text('<?xml version="1.0" encoding="utf-8" ?>'
                    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>'
                    '<Schema name="S" id="S"><SimpleField name="STT_NR" type="string"/>'
                    '</Schema>' + "".join(marks) + "</Folder></Document></kml>",
                    encoding="utf-8")
    return path


def gpkg_file(path: Path, layer: str, rows: list[tuple], fields: list[str],
              crs: str = "EPSG:25832") -> Path:
    geoms = _project([r[-1] for r in rows], CRS.from_user_input(crs))
    columns = [np.array([str(r[i]) for r in rows], dtype=object) for i in range(len(fields))]
    write(str(path), np.array(shapely.to_wkb(geoms), dtype=object), columns, fields,
          driver="GPKG", layer=layer, geometry_type="Polygon", crs=crs,
          append=path.exists())
    return path
