"""`cockpit areas import|list`: the territory's areas and boundaries from real files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
import duckdb

from cockpit.cli.load import cli_audit_hook, open_audit_log, os_user
from cockpit.cli.main import EXIT_BAD_INPUT, EXIT_FAILURE, cli, fail
from cockpit.context import Installation
from cockpit.territory.levels import LevelError, read_levels
from cockpit.territory.spec import ImportSpec, parse_date


class _Refused(Exception):
    """Raised inside a publish so that the snapshot being built is discarded."""


@cli.group()
def areas() -> None:
    """Gebiete und Grenzen der Kommune einspielen und anzeigen."""


def _where(values: tuple[str, ...]) -> dict[str, str]:
    selection = {}
    for item in values:
        fld, sep, value = item.partition("=")
        if not sep or not fld.strip():
            fail(f"--where {item!r}: erwartet FELD=WERT, z. B. --where SN_L=10.",
                 code=EXIT_BAD_INPUT)
        selection[fld.strip()] = value.strip()
    return selection


@areas.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--level", required=True, help="Ebene der Gebiete ('cockpit areas list').")
@click.option("--code", "code_field", required=True, help="Feld mit dem Gebietsschlüssel.")
@click.option("--name", "name_field", required=True, help="Feld mit dem Gebietsnamen.")
@click.option("--parent", default=None, metavar="CODE",
              help="Alle Gebiete gehören zu diesem Elterngebiet.")
@click.option("--parent-field", default=None, metavar="FELD",
              help="Feld mit dem Schlüssel des Elterngebiets.")
@click.option("--parent-prefix", type=int, default=None, metavar="N",
              help="Elterngebiet = die ersten N Zeichen des (aufgefüllten) Schlüssels, "
                   "z. B. Gemeinde 10041100 → Kreis 10041 mit 5.")
@click.option("--parent-within", is_flag=True,
              help="Elterngebiet = das Gebiet der Ebene darüber, in dem das Gebiet liegt.")
@click.option("--pad", type=int, default=None, metavar="N",
              help="Schlüssel links mit Nullen auf N Stellen auffüllen (7 → 007).")
@click.option("--where", "where", multiple=True, metavar="FELD=WERT",
              help="Nur Objekte mit diesem Feldwert (mehrfach möglich), z. B. SN_L=10.")
@click.option("--layer", default=None,
              help="Layer einer GeoPackage-Datei bzw. Tabellenblatt einer XLSX-Datei.")
@click.option("--crs", default=None,
              help="Koordinatensystem der Datei (überschreibt .prj), z. B. EPSG:25832.")
@click.option("--encoding", default=None,
              help="Zeichensatz der Attribute (überschreibt .cpg), z. B. cp1252.")
@click.option("--valid-from", "valid_from", default=None, metavar="DATUM",
              help="Gebietsstand ab DATUM (JJJJ-MM-TT): bisherige Gebiete der Ebene, die "
                   "in der Datei fehlen, enden am Vortag.")
@click.option("--yes", is_flag=True, help="Warnungen bestätigen und trotzdem übernehmen.")
@click.pass_obj
def import_areas(inst: Installation, file: Path, level: str, code_field: str, name_field: str,
                 parent: str | None, parent_field: str | None, parent_prefix: int | None,
                 parent_within: bool, pad: int | None, where: tuple[str, ...],
                 layer: str | None, crs: str | None, encoding: str | None,
                 valid_from: str | None, yes: bool) -> None:
    """Gebiete (und Grenzen) einer Ebene einspielen: Shapefile, GeoJSON, KML, GeoPackage,
    CSV oder XLSX. Exit 0 übernommen, 2 abgelehnt (nichts geändert), 1 sonstiger Fehler.

    \b
    Beispiele:
      cockpit areas import Stadtbezirk.shp --level stadtbezirk --code STB_NR \\
          --name STB_NAME --pad 3 --parent 000
      cockpit areas import VG5000_GEM.shp --level gemeinde --code AGS --name GEN \\
          --parent-prefix 5 --where SN_L=10
    """
    day = None
    if valid_from is not None:
        try:
            day = parse_date(valid_from)
        except ValueError as exc:
            fail(str(exc), code=EXIT_BAD_INPUT)
    if not file.is_file():
        fail(f"Datei {file} nicht gefunden.", code=EXIT_BAD_INPUT)
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden – zuerst 'cockpit init --name … --levels …' "
             "ausführen.")
    spec = ImportSpec(level=level, code=code_field, name=name_field, file=file, parent=parent,
                      parent_field=parent_field, parent_prefix=parent_prefix,
                      parent_within=parent_within, pad=pad, where=_where(where), layer=layer,
                      crs=crs, encoding=encoding, valid_from=day, yes=yes)
    # shapely, pyproj and GDAL load only here, not with every `cockpit` command.
    from cockpit.territory.area_import import apply_plan, plan_import

    user = os_user()
    audit_log = open_audit_log(inst)
    started = time.monotonic()

    def progress(step: str) -> None:
        click.echo(f"{file.name}: {step} ({time.monotonic() - started:.1f} s)", err=True)

    plan = None
    try:
        with inst.store.publish() as conn:
            levels = read_levels(conn)
            plan = plan_import(conn, levels, spec, progress)
            if plan.refused:
                raise _Refused
            progress("veröffentlichen …")
            apply_plan(conn, plan)
    except _Refused:
        pass
    except PermissionError as exc:
        fail(str(exc))
    except LevelError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)
    except duckdb.Error as exc:
        fail(f"Gebietsimport fehlgeschlagen, der Datenbestand ist unverändert: {exc}")
    click.echo("\n".join(plan.report.lines()))
    detail = {"file": file.name, "level": level, **plan.report.counts}
    record = cli_audit_hook(audit_log, user)
    with audit_log:
        if plan.refused:
            record("areas.import.rejected", {**detail, "errors": len(plan.report.errors),
                                             "warnings": len(plan.report.warnings)})
        else:
            record("areas.import", {**detail, "version": inst.store.current_version()})
    audit_log.close()
    if plan.refused:
        if plan.report.errors:
            fail("Gebietsimport abgelehnt; der Datenbestand ist unverändert.",
                 code=EXIT_BAD_INPUT)
        fail("Gebietsimport wegen Warnungen angehalten; mit --yes trotzdem übernehmen. "
             "Der Datenbestand ist unverändert.", code=EXIT_BAD_INPUT)
    click.echo(f"Übernommen in {time.monotonic() - started:.1f} s; Datenstand "
               f"{inst.store.current_version()}.")


@areas.command("list")
@click.option("--level", default=None, help="Nur Gebiete dieser Ebene.")
@click.option("--json", "as_json", is_flag=True, help="Ausgabe als JSON.")
@click.pass_obj
def list_areas(inst: Installation, level: str | None, as_json: bool) -> None:
    """Gebiete anzeigen: Schlüssel, Name, Ebene, Elterngebiet, gültig von/bis, Geometrie."""
    if not inst.store.exists():
        fail("Kein Datenbestand vorhanden – zuerst 'cockpit init' ausführen.", EXIT_FAILURE)
    conn = inst.store.read()
    levels = read_levels(conn)
    if level is not None:
        try:
            levels.get(level)
        except LevelError as exc:
            fail(str(exc), code=EXIT_BAD_INPUT)
    rows = conn.execute(
        "SELECT a.code, a.name, a.level, a.parent_code, a.valid_from, a.valid_to, "
        "g.code IS NOT NULL AS has_geometry FROM areas a LEFT JOIN area_geometries g "
        "ON g.code = a.code AND g.valid_from = a.valid_from "
        "WHERE ? IS NULL OR a.level = ?", [level, level]).fetchall()
    rows.sort(key=lambda r: (levels.sort_key(r[2]), r[0], r[4]))
    records = [{"code": r[0], "name": r[1], "level": r[2], "parent_code": r[3],
                "valid_from": r[4].isoformat(), "valid_to": r[5].isoformat() if r[5] else None,
                "has_geometry": bool(r[6])} for r in rows]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    header = ("code", "name", "level", "parent_code", "valid_from", "valid_to", "has_geometry")
    table = [header] + [(r["code"], r["name"], r["level"], r["parent_code"] or "",
                         r["valid_from"], r["valid_to"] or "",
                         "ja" if r["has_geometry"] else "nein") for r in records]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    click.echo(f"{len(records)} Gebiete.", err=True)
