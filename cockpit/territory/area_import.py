"""Import the areas (and boundaries) of one level from a file into a snapshot being built.

`plan_import` reads the file and the snapshot, checks everything and returns a plan
with its report; `apply_plan` writes the plan inside the same publish. A plan with
errors is never applied, so a refused import leaves the store unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from cockpit.territory.geometry import (
    GeometryError,
    polygonal,
    simplify_level,
    to_wgs84,
)
from cockpit.territory.levels import LevelError, Levels
from cockpit.territory.report import ImportReport, code_list
from cockpit.territory.sources import Source, SourceError, read_source
from cockpit.territory.spec import ImportSpec, parse_date  # noqa: F401 - re-exported

# The first day any area is valid when the file gives no date (the schema's default).
BEGINNING = date(1900, 1, 1)

Progress = Callable[[str], None]

# Boundaries closer than this (about 10 m) count as unchanged between two imports.
SAME_BOUNDARY_DEGREES = 1e-4


@dataclass
class AreaRow:
    code: str
    name: str
    parent_code: str | None
    geometry: BaseGeometry | None = None
    geojson: str | None = None


@dataclass
class ImportPlan:
    """What an import will change; empty lists when the report has errors."""

    spec: ImportSpec
    report: ImportReport
    inserts: list[tuple[str, str, str, str | None, date]] = field(default_factory=list)
    updates: list[tuple[str, date, str, str | None]] = field(default_factory=list)
    ends: list[tuple[str, date, date]] = field(default_factory=list)
    geometries: list[tuple[str, date, str]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.report.errors) or (bool(self.report.warnings) and not self.spec.yes)


def _existing(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(
        "SELECT a.code, a.name, a.level, a.parent_code, a.valid_from, a.valid_to, g.geojson "
        "FROM areas a LEFT JOIN area_geometries g "
        "ON g.code = a.code AND g.valid_from = a.valid_from").df()


def _valid_at(frame: pd.DataFrame, day: date | None) -> pd.DataFrame:
    """Rows valid on `day`; with no day the current ones (open-ended)."""
    if frame.empty:
        return frame
    if day is None:
        return frame[frame["valid_to"].isna()]
    start = pd.to_datetime(frame["valid_from"])
    end = pd.to_datetime(frame["valid_to"])
    moment = pd.Timestamp(day)
    return frame[(start <= moment) & (end.isna() | (end >= moment))]


def _inline_source(spec: ImportSpec) -> Source:
    record: dict[str, str | None] = {"code": spec.code, "name": spec.name}
    return Source(Path("."), ["code", "name"], [record], None)


def plan_import(conn: duckdb.DuckDBPyConnection, levels: Levels, spec: ImportSpec,
                progress: Progress = lambda _m: None, *, inline: bool = False) -> ImportPlan:
    """Check one import against the snapshot behind `conn` and plan its changes."""
    report = ImportReport(spec.label)
    plan = ImportPlan(spec, report)
    try:
        level = levels.get(spec.level)
    except LevelError as exc:
        report.error(str(exc))
        return plan
    parent_level = levels.parent_of(level.id)
    rules = [r for r, on in (("--parent", spec.parent is not None),
                             ("--parent-field", spec.parent_field is not None),
                             ("--parent-prefix", spec.parent_prefix is not None),
                             ("--parent-within", spec.parent_within)) if on]
    if len(rules) > 1:
        report.error(f"Nur eine Elternregel angeben, nicht {' und '.join(rules)}.")
    if parent_level is None and rules:
        report.error(f"Ebene {level.id} ist die oberste Ebene und hat keine Eltern "
                     f"({rules[0]} weglassen).")
    if parent_level is not None and not rules:
        report.error(f"Gebiete der Ebene {level.id} brauchen ein Elterngebiet der Ebene "
                     f"{parent_level.id}: --parent CODE, --parent-field FELD, "
                     "--parent-prefix N oder --parent-within angeben.")
    if spec.pad is not None and spec.pad < 1:
        report.error("--pad muss mindestens 1 sein.")
    if spec.parent_prefix is not None and spec.parent_prefix < 1:
        report.error("--parent-prefix muss mindestens 1 sein.")
    if report.errors:
        return plan

    if inline:
        source = _inline_source(spec)
        code_field, name_field = "code", "name"
    else:
        progress("lesen …")
        try:
            source = read_source(spec.file, layer=spec.layer, encoding=spec.encoding)
        except SourceError as exc:
            report.error(str(exc))
            return plan
        code_field, name_field = spec.code, spec.name
    for note in source.notes:
        report.note(note)
    needed = {"Schlüsselfeld (--code)": code_field, "Namensfeld (--name)": name_field}
    if spec.parent_field:
        needed["Elternfeld (--parent-field)"] = spec.parent_field
    for fld in spec.where:
        needed[f"Auswahlfeld (--where {fld}=…)"] = fld
    for role, fld in needed.items():
        if fld not in source.fields:
            report.error(f"{role} „{fld}“ fehlt in {source.path.name}; vorhanden: "
                         f"{', '.join(source.fields)}.")
    if spec.parent_within and not source.has_geometry:
        report.error("--parent-within braucht Geometrie; die Datei hat keine.")
    if report.errors:
        return plan

    indices = [i for i, rec in enumerate(source.records)
               if all(rec.get(f) == v for f, v in spec.where.items())]
    if spec.where:
        report.facts.append(f"Auswahl {' '.join(f'{f}={v}' for f, v in spec.where.items())}: "
                            f"{len(indices)} von {len(source.records)} Objekten")
    if not indices:
        report.error("Die Datei enthält keine (passenden) Objekte.")
        return plan

    # -- codes and names ---------------------------------------------------------------
    codes: list[str] = []
    names: list[str] = []
    bad_rows = []
    for i in indices:
        rec = source.records[i]
        code, name = rec.get(code_field), rec.get(name_field)
        if code is None or name is None:
            bad_rows.append(str(i + 1))
        codes.append(code or "")
        names.append(name or "")
    if bad_rows:
        report.error(f"Objekte ohne Schlüssel oder Namen (Nr. {code_list(bad_rows)}).")
        return plan
    if spec.pad is not None:
        too_long = {c for c in codes if len(c) > spec.pad}
        if too_long:
            report.warning(f"Schlüssel breiter als --pad {spec.pad}: {code_list(too_long)}")
        codes = [c.zfill(spec.pad) for c in codes]
    else:
        widths: dict[int, list[str]] = {}
        for c in codes:
            widths.setdefault(len(c), []).append(c)
        if len(widths) > 1:
            usual = max(widths, key=lambda w: len(widths[w]))
            odd = {c for w, cs in widths.items() if w != usual for c in cs}
            report.warning(f"Schlüssel mit unerwarteter Breite (üblich {usual} Zeichen): "
                           f"{code_list(odd)} – mit --pad N auffüllen?")

    # -- geometry ------------------------------------------------------------------------
    geoms: list[BaseGeometry | None] = [None] * len(indices)
    if source.has_geometry:
        progress(f"{len(indices)} Flächen nach WGS84 umrechnen …")
        try:
            geoms, used_crs = to_wgs84([source.geometries[i] for i in indices], source.crs,
                                       spec.crs)
        except GeometryError as exc:
            report.error(str(exc))
            return plan
        report.facts.append(f"Koordinatensystem {used_crs} → WGS84")
        repaired = []
        for k, g in enumerate(geoms):
            geoms[k], fixed = polygonal(g)
            if fixed:
                repaired.append(codes[k])
        if repaired:
            report.note(f"Ungültige Geometrie repariert: {code_list(repaired)}")

    # -- duplicates ----------------------------------------------------------------------
    by_code: dict[str, list[int]] = {}
    for k, c in enumerate(codes):
        by_code.setdefault(c, []).append(k)
    rows: dict[str, AreaRow] = {}
    for c, ks in by_code.items():
        found = {names[k] for k in ks}
        if len(ks) > 1 and len(found) > 1:
            report.error(f"Schlüssel {c} kommt {len(ks)}-mal vor, mit verschiedenen Namen: "
                         f"{', '.join(sorted(found))}.")
            continue
        if len(ks) > 1:
            report.note(f"Schlüssel {c} ({names[ks[0]]}) kommt {len(ks)}-mal vor; die "
                        "Flächen werden zu einem Gebiet zusammengefasst.")
        parts = [geoms[k] for k in ks if geoms[k] is not None]
        geometry = None
        if parts:
            geometry = parts[0] if len(parts) == 1 else shapely.union_all(parts)
        rows[c] = AreaRow(c, names[ks[0]], None, geometry)
    if report.errors:
        return plan
    if source.has_geometry:
        missing = [c for c, r in rows.items() if r.geometry is None]
        if missing:
            report.warning(f"{len(missing)} Gebiete ohne Geometrie (keine Fläche in der Datei):"
                           f" {code_list(missing)}")

    # -- parents -------------------------------------------------------------------------
    day = spec.valid_from
    existing = _existing(conn)
    if parent_level is not None:
        candidates = _valid_at(existing[existing["level"] == parent_level.id], day)
        known = set(candidates["code"])
        if spec.parent_within:
            _parents_within(rows, candidates, report)
        else:
            for c, row in rows.items():
                if spec.parent is not None:
                    row.parent_code = spec.parent
                elif spec.parent_prefix is not None:
                    row.parent_code = c[:spec.parent_prefix] if len(c) > spec.parent_prefix \
                        else None
                else:
                    k = by_code[c][0]
                    row.parent_code = source.records[indices[k]].get(spec.parent_field or "")
        if spec.parent_prefix is not None:
            short = {c for c, r in rows.items() if r.parent_code is None}
            if short:
                report.error(f"Schlüssel zu kurz für --parent-prefix {spec.parent_prefix}: "
                             f"{code_list(short)}.")
        unknown = {c: r.parent_code for c, r in rows.items()
                   if r.parent_code is not None and r.parent_code not in known}
        no_parent = {c for c, r in rows.items() if r.parent_code is None}
        if spec.parent_field and no_parent:
            report.error(f"Gebiete ohne Eintrag im Elternfeld {spec.parent_field}: "
                         f"{code_list(no_parent)}.")
        if unknown and not spec.parent_within:
            missing_parents = {str(p) for p in unknown.values()}
            report.error(f"Elterngebiet nicht gefunden auf Ebene {parent_level.id}"
                         f"{' am ' + day.isoformat() if day else ''}: "
                         f"{code_list(missing_parents)} (für {len(unknown)} Gebiete: "
                         f"{code_list(set(unknown))}).")

    # -- the level as it is ------------------------------------------------------------
    others = _valid_at(existing[existing["level"] != level.id], day)
    clash = set(rows) & set(others["code"])
    if clash:
        report.error(f"Schlüssel schon auf einer anderen Ebene vergeben: {code_list(clash)}.")
    if report.errors:
        return plan

    progress("vereinfachen …")
    shaped = [r for r in rows.values() if r.geometry is not None]
    texts, how = simplify_level([r.geometry for r in shaped])
    for row, text in zip(shaped, texts, strict=True):
        row.geojson = text
    if shaped:
        size = sum(map(len, texts))
        report.facts.append(
            f"Vereinfachung: Toleranz {how.tolerance:.6f}°, {how.decimals} Nachkommastellen"
            f"{', gemeinsame Kanten erhalten' if how.shared_edges else ''}; "
            f"Geometrie {size / 1e6:.2f} MB für {len(shaped)} Flächen")

    current = _valid_at(existing[existing["level"] == level.id], day)
    _plan_changes(plan, rows, current, day, source.has_geometry)
    child_level = levels.child_of(level.id)
    ended = {code for code, *_ in plan.ends} - set(rows)
    if child_level is not None and ended and day is not None:
        children = _valid_at(existing[existing["level"] == child_level.id], day)
        orphans = sorted(children.loc[children["parent_code"].isin(ended), "code"])
        if orphans:
            report.note(f"{len(orphans)} Gebiete der Ebene {child_level.id} gehören zu "
                        f"beendeten Gebieten ({code_list(orphans)}); die Ebene "
                        f"{child_level.id} mit --valid-from {day.isoformat()} neu einspielen.")
    return plan


def _parents_within(rows: dict[str, AreaRow], candidates: pd.DataFrame,
                    report: ImportReport) -> None:
    """Parent = the upper area containing the area's interior point (point_on_surface).

    The stored parent boundaries are simplified, so a point close to their edge may fall
    just outside; then the parent with the largest overlap is taken.
    """
    shaped = [(c, shapely.from_geojson(g)) for c, g in
              zip(candidates["code"], candidates["geojson"], strict=True) if isinstance(g, str)]
    if not shaped:
        report.error("--parent-within: die Elternebene hat keine Geometrie.")
        return
    parent_codes = [c for c, _ in shaped]
    parent_shapes = np.array([g for _, g in shaped], dtype=object)
    tree = shapely.STRtree(parent_shapes)
    with_geometry = [c for c, r in rows.items() if r.geometry is not None]
    points = shapely.point_on_surface(np.array([rows[c].geometry for c in with_geometry],
                                               dtype=object))
    hits = tree.query(points, predicate="within")
    found: dict[str, str] = {}
    for i, j in zip(*hits, strict=True):
        found.setdefault(with_geometry[i], parent_codes[j])
    fallback = []
    for c in with_geometry:
        if c in found:
            continue
        overlaps = [(shapely.area(shapely.intersection(rows[c].geometry, parent_shapes[j])), j)
                    for j in tree.query(rows[c].geometry)]
        overlaps = [o for o in overlaps if o[0] > 0]
        if overlaps:
            found[c] = parent_codes[max(overlaps)[1]]
            fallback.append(c)
    for c, row in rows.items():
        row.parent_code = found.get(c)
    if fallback:
        report.note(f"Elterngebiet nach größter Überdeckung bestimmt: {code_list(fallback)}")
    lost = [c for c, r in rows.items() if r.parent_code is None]
    if lost:
        report.error(f"Kein Elterngebiet enthält diese Gebiete (--parent-within): "
                     f"{code_list(lost)}.")


def _same_boundary(new: str | None, old: str | None) -> bool:
    """Equal up to the rounding grid, wherever the rings start (simplification may rotate
    them), so an unchanged area keeps its row instead of getting a new version."""
    if new is None or old is None:
        return new is old
    if new == old:
        return True
    a, b = shapely.from_geojson(new), shapely.from_geojson(old)
    return bool(shapely.hausdorff_distance(a, b) <= SAME_BOUNDARY_DEGREES)


def _plan_changes(plan: ImportPlan, rows: dict[str, AreaRow], current: pd.DataFrame,
                  day: date | None, has_geometry: bool) -> None:
    report = plan.report
    spec = plan.spec
    now = {c: r for c, r in zip(current["code"], current.itertuples(index=False), strict=True)}
    start = day or BEGINNING
    added = changed = unchanged = 0
    new_codes = [c for c in rows if c not in now]
    absent = sorted(set(now) - set(rows))
    for code, row in rows.items():
        old = now.get(code)
        geojson = row.geojson
        if old is None:
            plan.inserts.append((code, row.name, spec.level, row.parent_code, start))
            if geojson is not None:
                plan.geometries.append((code, start, geojson))
            added += 1
            continue
        old_from = pd.Timestamp(old.valid_from).date()
        old_geo = old.geojson if isinstance(old.geojson, str) else None
        same_geo = not has_geometry or _same_boundary(geojson, old_geo)
        old_parent = old.parent_code if isinstance(old.parent_code, str) else None
        if old.name == row.name and old_parent == row.parent_code and same_geo:
            unchanged += 1
            continue
        changed += 1
        if day is None or old_from >= day:
            # No new Gebietsstand: correct the row in place.
            plan.updates.append((code, old_from, row.name, row.parent_code))
            if has_geometry and geojson is not None:
                plan.geometries.append((code, old_from, geojson))
        else:
            plan.ends.append((code, old_from, day - timedelta(days=1)))
            plan.inserts.append((code, row.name, spec.level, row.parent_code, day))
            keep = geojson if has_geometry else old_geo
            if keep is not None:
                plan.geometries.append((code, day, keep))
    if day is not None:
        for code in absent:
            old = now[code]
            plan.ends.append((code, pd.Timestamp(old.valid_from).date(),
                              day - timedelta(days=1)))
        if absent:
            report.note(f"{len(absent)} bisherige Gebiete der Ebene fehlen in der Datei und "
                        f"enden am {(day - timedelta(days=1)).isoformat()}: "
                        f"{code_list(absent)}")
    else:
        if absent:
            report.warning(f"{len(absent)} Gebiete der Ebene {spec.level} fehlen in der Datei "
                           f"(bleiben unverändert; Gebietsreform mit --valid-from "
                           f"importieren): {code_list(absent)}")
        if now and new_codes and has_geometry:
            report.warning(f"Geometrie ohne passendes Gebiet – {len(new_codes)} Schlüssel gibt "
                           f"es auf Ebene {spec.level} noch nicht (werden neu angelegt): "
                           f"{code_list(new_codes)}")
    report.counts = {"neu": added, "geändert": changed, "unverändert": unchanged,
                     "beendet": len(absent) if day is not None else 0,
                     "mit Geometrie": sum(1 for r in rows.values() if r.geojson is not None)}


def apply_plan(conn: duckdb.DuckDBPyConnection, plan: ImportPlan) -> None:
    """Write a checked plan into the snapshot being published."""
    if plan.ends:
        frame = pd.DataFrame(plan.ends, columns=["code", "valid_from", "valid_to"])
        conn.register("_area_ends", frame)
        conn.execute("UPDATE areas SET valid_to = e.valid_to::DATE FROM _area_ends e "
                     "WHERE areas.code = e.code AND areas.valid_from = e.valid_from::DATE")
        conn.unregister("_area_ends")
    if plan.updates:
        frame = pd.DataFrame(plan.updates, columns=["code", "valid_from", "name", "parent_code"])
        conn.register("_area_updates", frame)
        conn.execute("UPDATE areas SET name = u.name, parent_code = u.parent_code "
                     "FROM _area_updates u WHERE areas.code = u.code "
                     "AND areas.valid_from = u.valid_from::DATE")
        conn.unregister("_area_updates")
    if plan.inserts:
        frame = pd.DataFrame(plan.inserts,
                             columns=["code", "name", "level", "parent_code", "valid_from"])
        frame["parent_code"] = frame["parent_code"].astype(object)
        conn.register("_area_inserts", frame)
        conn.execute("INSERT INTO areas (code, name, level, parent_code, valid_from) "
                     "SELECT code, name, level, parent_code, valid_from::DATE "
                     "FROM _area_inserts")
        conn.unregister("_area_inserts")
    if plan.geometries:
        frame = pd.DataFrame(plan.geometries, columns=["code", "valid_from", "geojson"])
        conn.register("_area_geoms", frame)
        conn.execute("INSERT OR REPLACE INTO area_geometries (code, valid_from, geojson) "
                     "SELECT code, valid_from::DATE, geojson FROM _area_geoms")
        conn.unregister("_area_geoms")


def level_geojson(conn: duckdb.DuckDBPyConnection, level: str,
                  day: date | None = None) -> dict:
    """One FeatureCollection of a level's boundaries valid on `day` (default: current).

    This is the unit the map loads once per level and the browser can cache.
    """
    frame = _valid_at(_existing(conn), day)
    frame = frame[(frame["level"] == level) & frame["geojson"].notna()]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c, "name": n},
         "geometry": json.loads(g)}
        for c, n, g in zip(frame["code"], frame["name"], frame["geojson"], strict=True)]}
