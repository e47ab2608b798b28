"""Read the features of an area file: Shapefile, GeoJSON, KML, GeoPackage, CSV or XLSX.

Every reader returns the same `Source`: the attribute table as strings (codes keep
their leading zeros) and, for geometry formats, one shapely geometry per feature in
the file's own coordinate reference system.
"""

from __future__ import annotations

import codecs
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

GEOMETRY_SUFFIXES = (".shp", ".geojson", ".json", ".kml", ".gpkg")
TABLE_SUFFIXES = (".csv", ".xlsx")
READABLE_SUFFIXES = GEOMETRY_SUFFIXES + TABLE_SUFFIXES

# dBASE language driver ids (byte 29 of the header) that name a code page; 0 means
# "not stated", which is what many city GIS exports write together with no .cpg.
_LDID_CODEPAGES = {0x57: "cp1252", 0x03: "cp1252", 0x01: "cp437", 0x02: "cp850",
                   0x64: "cp852", 0xC8: "cp1250"}


class SourceError(ValueError):
    """The file cannot be read as an area file (German message)."""


@dataclass
class Source:
    """The features of one file: attributes as strings, geometries in `crs` (or none)."""

    path: Path
    fields: list[str]
    records: list[dict[str, str | None]]
    geometries: list[BaseGeometry | None] | None
    crs: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_geometry(self) -> bool:
        return self.geometries is not None


def cell_text(value: object) -> str | None:
    """One attribute as text: integers without `.0`, empty and NaN as None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    text = str(value).strip()
    return text or None


def read_source(path: Path, *, layer: str | None = None,
                encoding: str | None = None) -> Source:
    """Read an area file; SourceError with a German message when that is impossible."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"Datei {path} nicht gefunden.")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise SourceError(f"Unbekannter Zeichensatz {encoding!r} (--encoding), z. B. "
                              "cp1252 oder utf-8.") from None
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise SourceError(
            f"Dateiformat {suffix or '(ohne Endung)'} wird nicht unterstützt; lesbar sind "
            "Shapefile (.shp), GeoJSON, KML, GeoPackage (.gpkg), CSV und XLSX.")
    if suffix == ".csv":
        return _read_csv(path, encoding)
    if suffix == ".xlsx":
        return _read_xlsx(path, layer)
    if suffix == ".kml":
        return _read_kml(path)
    return _read_ogr(path, layer, encoding)


# -- GDAL formats (Shapefile, GeoJSON, GeoPackage) ----------------------------------


def shapefile_encoding(shp: Path) -> str | None:
    """The code page of a Shapefile's .dbf when GDAL would not know it.

    A .cpg names it, a language driver id in the .dbf header may; without either
    GDAL reads the bytes as ISO-8859-1 or fails. Then the text decides: valid UTF-8
    is UTF-8, anything else is taken as Windows-1252 (what German city GIS write).
    """
    if shp.with_suffix(".cpg").is_file() or shp.with_suffix(".CPG").is_file():
        return None
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.is_file()),
               None)
    if dbf is None:
        return None
    data = dbf.read_bytes()
    if len(data) > 29 and data[29]:
        # A stated code page GDAL understands; the common ones named explicitly.
        return _LDID_CODEPAGES.get(data[29])
    try:
        data[32:].decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _read_ogr(path: Path, layer: str | None, encoding: str | None) -> Source:
    from pyogrio.errors import DataLayerError, DataSourceError
    from pyogrio.raw import read

    notes = []
    if encoding is None and path.suffix.lower() == ".shp":
        encoding = shapefile_encoding(path)
        if encoding is not None:
            notes.append(f"Zeichensatz der .dbf: {encoding} (keine .cpg-Datei)")
    if layer is not None:
        _check_layer(path, layer)
    elif path.suffix.lower() == ".gpkg":
        layers = _layer_names(path)
        if len(layers) > 1:
            # Taking the first silently could import the wrong level's boundaries.
            raise SourceError(f"{path.name} hat mehrere Layer ({', '.join(layers)}); bitte "
                              "--layer angeben.")
    try:
        meta, _fids, wkb, columns = read(str(path), layer=layer, encoding=encoding)
    except (DataSourceError, DataLayerError) as exc:
        raise SourceError(f"{path.name} ist nicht lesbar: {exc}") from exc
    except LookupError as exc:
        raise SourceError(f"Unbekannter Zeichensatz {encoding!r}.") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: Text passt nicht zum Zeichensatz {encoding!r} "
                          "(--encoding angeben).") from exc
    fields = [str(f) for f in meta["fields"]]
    records = [{name: cell_text(col[i]) for name, col in zip(fields, columns, strict=True)}
               for i in range(len(wkb))]
    geometries = list(shapely.from_wkb(np.asarray(wkb, dtype=object)))
    return Source(path, fields, records, [g if g is not None and not g.is_empty else None
                                          for g in geometries],
                  crs=meta.get("crs"), encoding=encoding, notes=notes)


def _layer_names(path: Path) -> list[str]:
    import pyogrio
    from pyogrio.errors import DataSourceError

    try:
        return [str(row[0]) for row in pyogrio.list_layers(str(path))]
    except DataSourceError as exc:
        raise SourceError(f"{path.name} ist nicht lesbar: {exc}") from exc


def _check_layer(path: Path, layer: str) -> None:
    names = _layer_names(path)
    if layer not in names:
        raise SourceError(f"Ebene (Layer) {layer!r} gibt es in {path.name} nicht; vorhanden: "
                          f"{', '.join(names)}.")


# -- KML ------------------------------------------------------------------------------

_KML = "{http://www.opengis.net/kml/2.2}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kml_ring(element: ET.Element) -> list[tuple[float, float]]:
    text = next((e.text for e in element.iter() if _local(e.tag) == "coordinates"), "") or ""
    points = []
    for chunk in text.split():
        parts = chunk.split(",")
        points.append((float(parts[0]), float(parts[1])))
    return points


def _kml_geometry(placemark: ET.Element) -> BaseGeometry | None:
    polygons = []
    for poly in (e for e in placemark.iter() if _local(e.tag) == "Polygon"):
        outer = next((e for e in poly if _local(e.tag) == "outerBoundaryIs"), None)
        if outer is None:
            continue
        holes = [_kml_ring(e) for e in poly if _local(e.tag) == "innerBoundaryIs"]
        polygons.append(shapely.Polygon(_kml_ring(outer), [h for h in holes if len(h) >= 4]))
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _read_kml(path: Path) -> Source:
    """KML by hand: GDAL's LIBKML driver misses ExtendedData whose Schema sits in a Folder
    (Köln's stadtteile.kml), and the keys live exactly there."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise SourceError(f"{path.name} ist keine lesbare KML-Datei: {exc}") from exc
    fields: list[str] = []
    records = []
    geometries = []
    for placemark in (e for e in root.iter() if _local(e.tag) == "Placemark"):
        record: dict[str, str | None] = {}
        for child in placemark:
            if _local(child.tag) in ("name", "description"):
                record[_local(child.tag)] = cell_text(child.text)
        for element in placemark.iter():
            tag = _local(element.tag)
            if tag == "SimpleData":
                record[element.get("name", "")] = cell_text(element.text)
            elif tag == "Data":
                value = next((e.text for e in element if _local(e.tag) == "value"), None)
                record[element.get("name", "")] = cell_text(value)
        for key in record:
            if key not in fields:
                fields.append(key)
        records.append(record)
        try:
            geometries.append(_kml_geometry(placemark))
        except (ValueError, IndexError, shapely.errors.GEOSException) as exc:
            raise SourceError(f"{path.name}: Koordinaten von Objekt {len(records)} "
                              f"unlesbar ({exc}).") from exc
    for record in records:
        for key in fields:
            record.setdefault(key, None)
    # KML is WGS84 by definition (OGC KML 2.2).
    return Source(path, fields, records, geometries, crs="EPSG:4326")


# -- tables without geometry --------------------------------------------------------


def _frame_source(path: Path, frame: pd.DataFrame) -> Source:
    fields = [str(c).strip() for c in frame.columns]
    records = [{name: cell_text(v) for name, v in zip(fields, row, strict=True)}
               for row in frame.itertuples(index=False, name=None)]
    return Source(path, fields, records, None)


def _read_csv(path: Path, encoding: str | None) -> Source:
    raw = path.read_bytes()
    if encoding is None:
        try:
            raw.decode("utf-8-sig")
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = raw.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path.name} lässt sich nicht als {encoding} lesen.") from exc
    first = text.splitlines()[0] if text else ""
    sep = max((";", ",", "\t"), key=first.count)
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{path.name} ist keine lesbare CSV-Datei: {exc}") from exc
    return _frame_source(path, frame)


def _read_xlsx(path: Path, sheet: str | None) -> Source:
    try:
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
    except ValueError as exc:
        if sheet is not None and "not found" in str(exc):
            raise SourceError(f"{path.name}: Tabellenblatt {sheet!r} nicht gefunden.") from exc
        raise SourceError(f"{path.name} ist keine lesbare XLSX-Datei: {exc}") from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SourceError(f"{path.name} ist keine lesbare XLSX-Datei: {exc}") from exc
    return _frame_source(path, frame)
