"""`cockpit areas import|list`: real file traps, parent rules, report, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner, Result

from cockpit.cli import cli
from tests.territory.files import (
    DISTRICTS,
    NEIGHBOURHOODS,
    box,
    districts_shp,
    geojson_file,
    gpkg_file,
    kml_file,
    neighbourhoods_shp,
    write_shapefile,
)

LEVELS = "stadt:Stadt|City,stadtbezirk:Stadtbezirk|District,stadtteil:Stadtteil"


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def listed(home: Path, *args: str) -> list[dict]:
    result = run(home, "areas", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def snapshots(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "store" / "snapshots").iterdir())


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A Köln-like store with the city area 000 and no other areas."""
    home = tmp_path / "home"
    assert run(home, "init", "--name", "Stadt Köln", "--levels", LEVELS).exit_code == 0
    city = tmp_path / "stadt.csv"
    city.write_text("code;name\n000;Stadt Köln\n", encoding="utf-8")
    result = run(home, "areas", "import", str(city), "--level", "stadt", "--code", "code",
                 "--name", "name")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def with_districts(home: Path, tmp_path: Path) -> Path:
    shp = districts_shp(tmp_path)
    result = run(home, "areas", "import", str(shp), "--level", "stadtbezirk", "--code",
                 "STB_NR", "--name", "STB_NAME", "--pad", "3", "--parent", "000")
    assert result.exit_code == 0, result.output
    return home


def test_shapefile_with_prj_without_epsg_cp1252_and_padding(with_districts: Path) -> None:
    rows = listed(with_districts, "--level", "stadtbezirk")
    assert [(r["code"], r["name"], r["parent_code"]) for r in rows] == [
        ("001", "Innenstadt", "000"), ("009", "Mülheim", "000")]
    assert all(r["has_geometry"] and r["valid_from"] == "1900-01-01" and r["valid_to"] is None
               for r in rows)


def test_boundaries_land_in_koeln_in_lon_lat_clockwise(with_districts: Path) -> None:
    from cockpit.context import Installation
    from cockpit.settings import load_settings
    from cockpit.territory.area_import import level_geojson

    inst = Installation(load_settings(home=str(with_districts)))
    collection = level_geojson(inst.store.read(), "stadtbezirk")
    assert [f["properties"]["code"] for f in collection["features"]] == ["001", "009"]
    for feature, (_code, _name, expected) in zip(collection["features"], DISTRICTS,
                                                 strict=True):
        geometry = shapely.geometry.shape(feature["geometry"])
        west, south, east, north = geometry.bounds
        assert 6.8 < west < east < 7.2 and 50.8 < south < north < 51.1
        assert geometry.symmetric_difference(expected).area < 1e-6
        assert not shapely.is_ccw(geometry.exterior)


def test_parent_within_finds_the_district_containing_each_neighbourhood(
        with_districts: Path, tmp_path: Path) -> None:
    shp = neighbourhoods_shp(tmp_path)
    result = run(with_districts, "areas", "import", str(shp), "--level", "stadtteil",
                 "--code", "STT_NR", "--name", "STT_NAME", "--parent-within")
    assert result.exit_code == 0, result.output
    rows = listed(with_districts, "--level", "stadtteil")
    assert {r["code"]: r["parent_code"] for r in rows} == {"101": "001", "901": "009",
                                                           "902": "009"}


def test_parent_field_and_parent_prefix(with_districts: Path, tmp_path: Path) -> None:
    csv = tmp_path / "teile.csv"
    csv.write_text("nr;name;bezirk\n101;Altstadt/Süd;001\n901;Mülheim;009\n",
                   encoding="utf-8")
    result = run(with_districts, "areas", "import", str(csv), "--level", "stadtteil",
                 "--code", "nr", "--name", "name", "--parent-field", "bezirk")
    assert result.exit_code == 0, result.output
    assert {r["code"]: r["parent_code"] for r in listed(with_districts, "--level",
                                                         "stadtteil")} == {
        "101": "001", "901": "009"}

    prefixed = tmp_path / "prefix.csv"
    prefixed.write_text("nr;name\n001101;Altstadt/Süd\n009901;Mülheim\n", encoding="utf-8")
    result = run(with_districts, "areas", "import", str(prefixed), "--level", "stadtteil",
                 "--code", "nr", "--name", "name", "--parent-prefix", "3", "--yes")
    assert result.exit_code == 0, result.output
    parents = {r["code"]: r["parent_code"] for r in listed(with_districts, "--level",
                                                            "stadtteil")}
    assert parents["001101"] == "001" and parents["009901"] == "009"


def test_unknown_parent_is_refused_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    shp = districts_shp(tmp_path)
    before = snapshots(home)
    result = run(home, "areas", "import", str(shp), "--level", "stadtbezirk", "--code",
                 "STB_NR", "--name", "STB_NAME", "--pad", "3", "--parent", "999")
    assert result.exit_code == 2
    assert "Elterngebiet nicht gefunden" in result.output and "999" in result.output
    assert snapshots(home) == before
    assert listed(home, "--level", "stadtbezirk") == []


def test_duplicates_and_areas_without_geometry_are_reported(home: Path,
                                                            tmp_path: Path) -> None:
    path = geojson_file(tmp_path / "bezirke.geojson", [
        ({"nr": "1", "name": "Innenstadt"}, box(6.90, 50.90, 6.98, 50.98)),
        ({"nr": "1", "name": "Altstadt"}, box(6.98, 50.90, 7.06, 50.98)),
        ({"nr": "2", "name": "Rodenkirchen"}, None),
    ])
    result = run(home, "areas", "import", str(path), "--level", "stadtbezirk", "--code", "nr",
                 "--name", "name", "--parent", "000")
    assert result.exit_code == 2
    assert "Schlüssel 1 kommt 2-mal vor" in result.output
    assert "Altstadt, Innenstadt" in result.output

    path = geojson_file(tmp_path / "ohne.geojson", [
        ({"nr": "1", "name": "Innenstadt"}, box(6.90, 50.90, 6.98, 50.98)),
        ({"nr": "2", "name": "Rodenkirchen"}, None),
    ])
    args = ["areas", "import", str(path), "--level", "stadtbezirk", "--code", "nr",
            "--name", "name", "--parent", "000"]
    result = run(home, *args)
    assert result.exit_code == 2
    assert "1 Gebiete ohne Geometrie" in result.output and ": 2" in result.output
    assert "--yes" in result.output
    assert listed(home, "--level", "stadtbezirk") == []
    result = run(home, *args, "--yes")
    assert result.exit_code == 0, result.output
    assert {r["code"]: r["has_geometry"] for r in listed(home, "--level", "stadtbezirk")} == {
        "1": True, "2": False}


def test_counter_clockwise_geojson_is_stored_clockwise(home: Path, tmp_path: Path) -> None:
    """RFC 7946 rings (counter-clockwise) are what d3 draws as "everything but the area";
    the stored boundaries run clockwise, holes the other way round."""
    ring = box(6.90, 50.90, 6.98, 50.98)
    holed = shapely.Polygon(ring.exterior.coords, [box(6.93, 50.93, 6.95, 50.95).exterior
                                                   .coords])
    path = geojson_file(tmp_path / "ccw.geojson", [({"nr": "001", "name": "Innenstadt"},
                                                    holed)])
    original = json.loads(path.read_text())["features"][0]["geometry"]["coordinates"]
    assert shapely.is_ccw(shapely.LinearRing(original[0]))
    result = run(home, "areas", "import", str(path), "--level", "stadtbezirk", "--code", "nr",
                 "--name", "name", "--parent", "000")
    assert result.exit_code == 0, result.output
    from cockpit.context import Installation
    from cockpit.settings import load_settings
    from cockpit.territory.area_import import level_geojson

    inst = Installation(load_settings(home=str(home)))
    stored = level_geojson(inst.store.read(), "stadtbezirk")["features"][0]["geometry"]
    assert not shapely.is_ccw(shapely.LinearRing(stored["coordinates"][0]))
    assert shapely.is_ccw(shapely.LinearRing(stored["coordinates"][1]))
    assert shapely.geometry.shape(stored).area == pytest.approx(holed.area, rel=1e-3)


def test_where_selects_features(home: Path, tmp_path: Path) -> None:
    path = geojson_file(tmp_path / "de.geojson", [
        ({"AGS": "001", "GEN": "Innenstadt", "SN_L": "10"}, box(6.90, 50.90, 6.98, 50.98)),
        ({"AGS": "002", "GEN": "Anderswo", "SN_L": "05"}, box(6.98, 50.90, 7.06, 50.98)),
    ])
    result = run(home, "areas", "import", str(path), "--level", "stadtbezirk", "--code",
                 "AGS", "--name", "GEN", "--parent", "000", "--where", "SN_L=10")
    assert result.exit_code == 0, result.output
    assert "SN_L=10: 1 von 2" in result.output
    assert [r["code"] for r in listed(home, "--level", "stadtbezirk")] == ["001"]


def test_valid_from_ends_old_areas_and_versions_changed_ones(with_districts: Path,
                                                             tmp_path: Path) -> None:
    path = geojson_file(tmp_path / "neu.geojson", [
        ({"nr": "001", "name": "Innenstadt"}, DISTRICTS[0][2]),        # unchanged
        ({"nr": "010", "name": "Neubezirk"}, box(6.98, 50.90, 7.06, 50.98)),  # new
    ])
    result = run(with_districts, "areas", "import", str(path), "--level", "stadtbezirk",
                 "--code", "nr", "--name", "name", "--parent", "000", "--valid-from",
                 "2021-01-01")
    assert result.exit_code == 0, result.output
    rows = {(r["code"], r["valid_from"]): r for r in listed(with_districts, "--level",
                                                             "stadtbezirk")}
    assert set(rows) == {("001", "1900-01-01"), ("009", "1900-01-01"), ("010", "2021-01-01")}
    assert rows["001", "1900-01-01"]["valid_to"] is None
    assert rows["009", "1900-01-01"]["valid_to"] == "2020-12-31"
    assert rows["010", "2021-01-01"]["valid_to"] is None

    renamed = geojson_file(tmp_path / "umbenannt.geojson", [
        ({"nr": "001", "name": "Innenstadt-Deutz"}, DISTRICTS[0][2]),
        ({"nr": "010", "name": "Neubezirk"}, box(6.98, 50.90, 7.06, 50.98)),
    ])
    result = run(with_districts, "areas", "import", str(renamed), "--level", "stadtbezirk",
                 "--code", "nr", "--name", "name", "--parent", "000", "--valid-from",
                 "01.07.2022")
    assert result.exit_code == 0, result.output
    rows = {(r["code"], r["valid_from"]): r for r in listed(with_districts, "--level",
                                                             "stadtbezirk")}
    assert rows["001", "1900-01-01"]["valid_to"] == "2022-06-30"
    assert rows["001", "2022-07-01"]["name"] == "Innenstadt-Deutz"
    assert rows["001", "2022-07-01"]["has_geometry"]
    assert rows["010", "2021-01-01"]["valid_to"] is None   # unchanged: keeps its row


@pytest.mark.parametrize(("args", "message"), [
    (["--level", "ortsteil"], "Unbekannte Ebene 'ortsteil'"),
    (["--level", "stadtbezirk", "--code", "NR"], "Schlüsselfeld (--code) „NR“ fehlt"),
    (["--level", "stadtbezirk", "--crs", "EPSG:999999"], "Koordinatensystem"),
    (["--level", "stadtbezirk", "--valid-from", "31.02.2021"], "Datum '31.02.2021'"),
    (["--level", "stadtbezirk", "--where", "SN_L"], "FELD=WERT"),
    (["--level", "stadt", "--parent", "000"], "oberste Ebene"),
    (["--level", "stadtbezirk", "--parent", None], "brauchen ein Elterngebiet"),
])
def test_bad_input_is_refused_in_german_with_the_store_unchanged(
        home: Path, tmp_path: Path, args: list, message: str) -> None:
    shp = districts_shp(tmp_path)
    options = {"--code": "STB_NR", "--name": "STB_NAME", "--parent": "000", "--pad": "3"}
    rest = list(args)
    while rest:
        key, value = rest.pop(0), rest.pop(0)
        options[key] = value
    flat = [x for k, v in options.items() if v is not None for x in (k, v)]
    before = snapshots(home)
    result = run(home, "areas", "import", str(shp), *flat)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert snapshots(home) == before


def test_unreadable_file_is_refused(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.shp"
    broken.write_bytes(b"not a shapefile")
    result = run(home, "areas", "import", str(broken), "--level", "stadtbezirk", "--code", "a",
                 "--name", "b", "--parent", "000")
    assert result.exit_code == 2
    assert "nicht lesbar" in result.output
    missing = run(home, "areas", "import", str(tmp_path / "fehlt.shp"), "--level",
                  "stadtbezirk", "--code", "a", "--name", "b", "--parent", "000")
    assert missing.exit_code == 2 and "nicht gefunden" in missing.output


def test_codes_of_unexpected_width_are_a_warning(home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bezirke.csv"
    csv.write_text("nr,name\n001,Innenstadt\n9,Mülheim\n", encoding="utf-8")
    args = ["areas", "import", str(csv), "--level", "stadtbezirk", "--code", "nr", "--name",
            "name", "--parent", "000"]
    result = run(home, *args)
    assert result.exit_code == 2
    assert "unerwarteter Breite (üblich 3 Zeichen): 9" in result.output
    assert run(home, *args, "--pad", "3").exit_code == 0
    assert [r["code"] for r in listed(home, "--level", "stadtbezirk")] == ["001", "009"]


def test_geometry_for_defined_areas_reports_the_unmatched(home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bezirke.csv"
    csv.write_text("nr;name\n001;Innenstadt\n009;Mülheim\n", encoding="utf-8")
    assert run(home, "areas", "import", str(csv), "--level", "stadtbezirk", "--code", "nr",
               "--name", "name", "--parent", "000").exit_code == 0
    path = geojson_file(tmp_path / "grenzen.geojson", [
        ({"nr": "001", "name": "Innenstadt"}, DISTRICTS[0][2]),
        ({"nr": "077", "name": "Irgendwo"}, box(6.98, 50.90, 7.06, 50.98)),
    ])
    result = run(home, "areas", "import", str(path), "--level", "stadtbezirk", "--code", "nr",
                 "--name", "name", "--parent", "000")
    assert result.exit_code == 2
    assert "Geometrie ohne passendes Gebiet" in result.output and "077" in result.output
    assert "fehlen in der Datei" in result.output and "009" in result.output


def test_kml_gpkg_and_xlsx(with_districts: Path, tmp_path: Path) -> None:
    kml = kml_file(tmp_path / "teile.kml", [({"STT_NR": n, "STT_NAME": name}, g)
                                            for n, name, _p, g in NEIGHBOURHOODS])
    result = run(with_districts, "areas", "import", str(kml), "--level", "stadtteil",
                 "--code", "STT_NR", "--name", "STT_NAME", "--parent-within")
    assert result.exit_code == 0, result.output
    assert {r["code"]: r["parent_code"] for r in listed(with_districts, "--level",
                                                         "stadtteil")} == {
        "101": "001", "901": "009", "902": "009"}

    gpkg = gpkg_file(tmp_path / "geo.gpkg", "andere", [("x", "y", box(6.9, 50.9, 7, 51))],
                     ["a", "b"])
    gpkg_file(gpkg, "teile", [(n, name, g) for n, name, _p, g in NEIGHBOURHOODS],
              ["nr", "name"])
    result = run(with_districts, "areas", "import", str(gpkg), "--layer", "teile", "--level",
                 "stadtteil", "--code", "nr", "--name", "name", "--parent-within")
    assert result.exit_code == 0, result.output
    assert "EPSG:25832" in result.output
    bad = run(with_districts, "areas", "import", str(gpkg), "--layer", "fehlt", "--level",
              "stadtteil", "--code", "nr", "--name", "name", "--parent-within")
    assert bad.exit_code == 2 and "Layer" in bad.output and "teile" in bad.output
    which = run(with_districts, "areas", "import", str(gpkg), "--level", "stadtteil",
                "--code", "nr", "--name", "name", "--parent-within")
    assert which.exit_code == 2 and "mehrere Layer (andere, teile)" in which.output

    import pandas as pd

    xlsx = tmp_path / "teile.xlsx"
    pd.DataFrame({"nr": ["0101"], "name": ["Altstadt"], "bezirk": ["001"]}).to_excel(
        xlsx, index=False)
    result = run(with_districts, "areas", "import", str(xlsx), "--level", "stadtteil",
                 "--code", "nr", "--name", "name", "--parent-field", "bezirk", "--yes")
    assert result.exit_code == 0, result.output
    assert "0101" in {r["code"] for r in listed(with_districts, "--level", "stadtteil")}


def test_cp1252_without_cpg_and_other_code_pages(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ldid"
    folder.mkdir()
    districts_shp(folder, ldid=0x57)      # Köln's file: cp1252 stated in the header only
    utf8 = tmp_path / "utf8"
    utf8.mkdir()
    districts_shp(utf8, encoding="UTF-8", keep_cpg=True)
    for shp in (folder / "Stadtbezirk.shp", utf8 / "Stadtbezirk.shp"):
        result = run(home, "areas", "import", str(shp), "--level", "stadtbezirk", "--code",
                     "STB_NR", "--name", "STB_NAME", "--pad", "3", "--parent", "000")
        assert result.exit_code == 0, result.output
        names = {r["name"] for r in listed(home, "--level", "stadtbezirk")}
        assert names == {"Innenstadt", "Mülheim"}


def test_encoding_override(home: Path, tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "b.shp", [("1", "Mülheim", DISTRICTS[1][2])],
                          ["nr", "name"])
    result = run(home, "areas", "import", str(shp), "--level", "stadtbezirk", "--code", "nr",
                 "--name", "name", "--parent", "000", "--encoding", "latin1")
    assert result.exit_code == 0, result.output
    assert listed(home, "--level", "stadtbezirk")[0]["name"] == "Mülheim"


def test_list_plain_and_unknown_level(with_districts: Path) -> None:
    result = run(with_districts, "areas", "list")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split()
    assert header == ["code", "name", "level", "parent_code", "valid_from", "valid_to",
                      "has_geometry"]
    assert "009   Mülheim" in result.stdout
    bad = run(with_districts, "areas", "list", "--level", "land")
    assert bad.exit_code == 2 and "Unbekannte Ebene" in bad.output


def test_import_needs_a_store(tmp_path: Path) -> None:
    shp = districts_shp(tmp_path)
    result = run(tmp_path / "leer", "areas", "import", str(shp), "--level", "stadtbezirk",
                 "--code", "STB_NR", "--name", "STB_NAME")
    assert result.exit_code == 1
    assert "Kein Datenbestand" in result.output


def test_parent_must_be_valid_at_the_import_date(with_districts: Path, tmp_path: Path) -> None:
    reform = geojson_file(tmp_path / "reform.geojson", [
        ({"nr": "001", "name": "Innenstadt"}, DISTRICTS[0][2])])
    assert run(with_districts, "areas", "import", str(reform), "--level", "stadtbezirk",
               "--code", "nr", "--name", "name", "--parent", "000", "--valid-from",
               "2021-01-01").exit_code == 0          # 009 ends on 2020-12-31
    csv = tmp_path / "teile.csv"
    csv.write_text("nr;name;bezirk\n901;Mülheim;009\n", encoding="utf-8")
    args = ["areas", "import", str(csv), "--level", "stadtteil", "--code", "nr", "--name",
            "name", "--parent-field", "bezirk"]
    late = run(with_districts, *args, "--valid-from", "2022-01-01")
    assert late.exit_code == 2
    assert "Elterngebiet nicht gefunden auf Ebene stadtbezirk am 2022-01-01: 009" in late.output
    early = run(with_districts, *args, "--valid-from", "2020-06-01")
    assert early.exit_code == 0, early.output


def test_imports_are_audited(with_districts: Path, tmp_path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(with_districts / "app.sqlite")
    rows = conn.execute("SELECT action, detail FROM audit_log WHERE action LIKE 'areas.%' "
                        "ORDER BY id").fetchall()
    assert [a for a, _ in rows] == ["areas.import", "areas.import"]
    assert json.loads(rows[-1][1])["level"] == "stadtbezirk"
    bad = run(with_districts, "areas", "import", str(districts_shp(tmp_path)), "--level",
              "stadtbezirk", "--code", "STB_NR", "--name", "STB_NAME", "--parent", "999")
    assert bad.exit_code == 2
    last = conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert last == ("areas.import.rejected",)


def test_codes_too_short_for_the_prefix(home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "b.csv"
    csv.write_text("nr;name\n0001;A\n00;B\n", encoding="utf-8")
    result = run(home, "areas", "import", str(csv), "--level", "stadtbezirk", "--code", "nr",
                 "--name", "name", "--parent-prefix", "3", "--yes")
    assert result.exit_code == 2
    assert "zu kurz für --parent-prefix 3: 00" in result.output


def test_shapefile_without_prj_needs_crs(home: Path, tmp_path: Path) -> None:
    from pyproj import CRS

    shp = districts_shp(tmp_path, prj=CRS.from_epsg(25832).to_wkt())
    shp.with_suffix(".prj").unlink()
    args = ["areas", "import", str(shp), "--level", "stadtbezirk", "--code", "STB_NR",
            "--name", "STB_NAME", "--pad", "3", "--parent", "000"]
    refused = run(home, *args)
    assert refused.exit_code == 2
    assert "kein Koordinatensystem" in refused.output and "--crs" in refused.output
    result = run(home, *args, "--crs", "EPSG:25832")
    assert result.exit_code == 0, result.output
    assert "EPSG:25832" in result.output
    assert [r["code"] for r in listed(home, "--level", "stadtbezirk")] == ["001", "009"]


def test_ending_a_parent_names_its_children(with_districts: Path, tmp_path: Path) -> None:
    csv = tmp_path / "teile.csv"
    csv.write_text("nr;name;bezirk\n901;Mülheim;009\n101;Altstadt;001\n", encoding="utf-8")
    assert run(with_districts, "areas", "import", str(csv), "--level", "stadtteil", "--code",
               "nr", "--name", "name", "--parent-field", "bezirk").exit_code == 0
    reform = geojson_file(tmp_path / "reform.geojson", [
        ({"nr": "001", "name": "Innenstadt"}, DISTRICTS[0][2])])
    result = run(with_districts, "areas", "import", str(reform), "--level", "stadtbezirk",
                 "--code", "nr", "--name", "name", "--parent", "000", "--valid-from",
                 "2021-01-01")
    assert result.exit_code == 0, result.output
    assert "1 Gebiete der Ebene stadtteil gehören zu beendeten Gebieten (901)" in result.output
    assert "--valid-from 2021-01-01 neu einspielen" in result.output
