"""The real files: Köln's own Shapefiles and the BKG's VG5000 for the Saarland.

They live in ../shared/samples (or $COCKPIT_SAMPLES); without them the tests skip
with the reason shown.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner, Result

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings
from cockpit.territory.area_import import level_geojson

REPO = Path(__file__).resolve().parents[2]

# CI runs these with COCKPIT_REQUIRE_SAMPLES=1: there a missing folder fails, never skips.
pytestmark = pytest.mark.samples


def _samples() -> Path:
    env = os.environ.get("COCKPIT_SAMPLES")
    return Path(env) if env else REPO.parent / "shared" / "samples"


@pytest.fixture(scope="module")
def samples() -> Path:
    path = _samples()
    if not (path / "koeln" / "geo").is_dir() or not (path / "vg5000").is_dir():
        if os.environ.get("COCKPIT_REQUIRE_SAMPLES") == "1":
            pytest.fail(f"Beispieldaten fehlen: {path}, aber COCKPIT_REQUIRE_SAMPLES=1",
                        pytrace=False)
        pytest.skip(f"Beispieldaten fehlen: {path} (COCKPIT_SAMPLES setzen)")
    return path


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def listed(home: Path, level: str) -> list[dict]:
    result = run(home, "areas", "list", "--level", level, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_koeln_stadtbezirke_and_stadtteile(samples: Path, tmp_path: Path) -> None:
    geo = samples / "koeln" / "geo"
    home = tmp_path / "koeln"
    assert run(home, "init", "--name", "Stadt Köln", "--levels",
               "stadt:Stadt,stadtbezirk:Stadtbezirk,stadtteil:Stadtteil").exit_code == 0
    city = tmp_path / "stadt.csv"
    city.write_text("code,name\n000,Stadt Köln\n", encoding="utf-8")
    assert run(home, "areas", "import", str(city), "--level", "stadt", "--code", "code",
               "--name", "name").exit_code == 0
    result = run(home, "areas", "import", str(geo / "Stadtbezirk.shp"), "--level",
                 "stadtbezirk", "--code", "STB_NR", "--name", "STB_NAME", "--pad", "3",
                 "--parent", "000")
    assert result.exit_code == 0, result.output
    # The .prj has no EPSG code: read as WKT, not mistaken for EPSG:25832.
    assert "ohne EPSG-Code" in result.output
    districts = listed(home, "stadtbezirk")
    assert [d["code"] for d in districts] == [f"00{i}" for i in range(1, 10)]
    assert {d["code"]: d["name"] for d in districts}["009"] == "Mülheim"

    result = run(home, "areas", "import", str(geo / "Stadtteil.shp"), "--level", "stadtteil",
                 "--code", "STT_NR", "--name", "STT_NAME", "--parent-within")
    assert result.exit_code == 0, result.output
    parts = listed(home, "stadtteil")
    assert len(parts) == 86
    # The first digit of STT_NR is the Stadtbezirk.
    assert all(p["parent_code"] == "00" + p["code"][0] for p in parts)
    assert "Neustadt/Süd" in {p["name"] for p in parts}

    inst = Installation(load_settings(home=str(home)))
    for level in ("stadtbezirk", "stadtteil"):
        collection = level_geojson(inst.store.read(), level)
        shapes = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
        west, south, east, north = shapely.total_bounds(shapes)
        assert 6.75 < west < east < 7.2 and 50.8 < south < north < 51.1
        assert all(s.is_valid for s in shapes)
        assert all(not shapely.is_ccw(p.exterior) for s in shapes
                   for p in shapely.get_parts(s))


def test_koeln_kml_matches_the_shapefile_keys(samples: Path, tmp_path: Path) -> None:
    home = tmp_path / "kml"
    assert run(home, "init", "--name", "Köln", "--levels", "stadt:Stadt,stadtteil:Stadtteil"
               ).exit_code == 0
    city = tmp_path / "stadt.csv"
    city.write_text("code,name\n000,Stadt Köln\n", encoding="utf-8")
    assert run(home, "areas", "import", str(city), "--level", "stadt", "--code", "code",
               "--name", "name").exit_code == 0
    result = run(home, "areas", "import", str(samples / "koeln" / "geo" / "stadtteile.kml"),
                 "--level", "stadtteil", "--code", "STT_NR", "--name", "STT_NAME",
                 "--parent", "000")
    assert result.exit_code == 0, result.output
    assert len(listed(home, "stadtteil")) == 86


def test_saarland_land_kreise_gemeinden(samples: Path, tmp_path: Path) -> None:
    vg = samples / "vg5000"
    home = tmp_path / "saar"
    assert run(home, "init", "--name", "Saarland", "--levels",
               "land:Land,kreis:Kreis,gemeinde:Gemeinde").exit_code == 0
    result = run(home, "areas", "import", str(vg / "VG5000_LAN.shp"), "--level", "land",
                 "--code", "AGS", "--name", "GEN", "--where", "SN_L=10", "--where", "GF=9")
    assert result.exit_code == 0, result.output
    assert "EPSG:31467" in result.output
    result = run(home, "areas", "import", str(vg / "VG5000_KRS.shp"), "--level", "kreis",
                 "--code", "AGS", "--name", "GEN", "--where", "SN_L=10",
                 "--parent-prefix", "2")
    assert result.exit_code == 0, result.output
    result = run(home, "areas", "import", str(vg / "VG5000_GEM.shp"), "--level", "gemeinde",
                 "--code", "AGS", "--name", "GEN", "--where", "SN_L=10",
                 "--parent-prefix", "5")
    assert result.exit_code == 0, result.output
    assert [a["code"] for a in listed(home, "land")] == ["10"]
    assert [a["code"] for a in listed(home, "kreis")] == [f"1004{i}" for i in range(1, 7)]
    gemeinden = {a["code"]: a for a in listed(home, "gemeinde")}
    assert len(gemeinden) == 52
    assert gemeinden["10041100"]["name"] == "Saarbrücken"
    assert gemeinden["10041100"]["parent_code"] == "10041"
    assert all(a["has_geometry"] for a in gemeinden.values())

    inst = Installation(load_settings(home=str(home)))
    shapes = [shapely.geometry.shape(f["geometry"])
              for f in level_geojson(inst.store.read(), "gemeinde")["features"]]
    west, south, east, north = shapely.total_bounds(shapes)
    assert 6.3 < west < east < 7.5 and 49.1 < south < north < 49.7
