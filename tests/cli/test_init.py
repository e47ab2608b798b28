"""`cockpit init --name/--levels` and `--territory`: a municipality of its own."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import CliRunner, Result

from cockpit.cli import cli
from tests.territory.files import districts_shp, neighbourhoods_shp


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def current_snapshot(home: Path) -> duckdb.DuckDBPyConnection:
    name = (home / "store" / "CURRENT").read_text().strip()
    return duckdb.connect(str(home / "store" / "snapshots" / name), read_only=True)


def test_init_name_and_levels_builds_an_empty_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run(home, "init", "--name", "Saarland", "--levels",
                 "land:Land|State,kreis:Kreis|District,gemeinde:Gemeinde|Municipality")
    assert result.exit_code == 0, result.output
    conn = current_snapshot(home)
    assert conn.execute("SELECT id, depth, name_de, name_en FROM levels ORDER BY depth"
                        ).fetchall() == [("land", 0, "Land", "State"),
                                         ("kreis", 1, "Kreis", "District"),
                                         ("gemeinde", 2, "Gemeinde", "Municipality")]
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta["municipality"] == "Saarland" and "demo" not in meta
    assert conn.execute("SELECT count(*) FROM areas").fetchone() == (0,)
    assert not (home / "demo-logins.txt").exists()
    listed = run(home, "users", "list")
    assert "admin" not in listed.output.split()


def test_init_twice_needs_force(tmp_path: Path) -> None:
    home = tmp_path / "home"
    args = ["init", "--name", "A", "--levels", "stadt:Stadt"]
    assert run(home, *args).exit_code == 0
    again = run(home, *args)
    assert again.exit_code == 1 and "--force" in again.output
    forced = run(home, "init", "--name", "B", "--levels", "stadt:Stadt,teil:Teil", "--force")
    assert forced.exit_code == 0
    assert dict(current_snapshot(home).execute("SELECT key, value FROM meta").fetchall())[
        "municipality"] == "B"


def test_init_bad_input_is_exit_2_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args, message in (
            (["--name", "A", "--levels", "Stadt:Stadt"], "Ebenen-Kennung 'Stadt'"),
            (["--name", "A", "--levels", "a:A,a:B"], "Ebene doppelt"),
            (["--name", "A", "--levels", "stadt"], "hat keinen Namen"),
            (["--name", "A"], "--name und --levels"),
            (["--levels", "stadt:Stadt"], "--name und --levels"),
            ([], "genau eines"),
            (["--demo", "--name", "A", "--levels", "a:A"], "genau eines"),
            (["--territory", str(tmp_path / "fehlt.yaml")], "nicht gefunden")):
        result = run(home, "init", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    assert not (home / "store" / "CURRENT").exists()


def _territory(tmp_path: Path, stadtteile: dict) -> Path:
    geo = tmp_path / "geo"
    geo.mkdir(exist_ok=True)
    districts_shp(geo)
    neighbourhoods_shp(geo)
    text = {
        "name": "Stadt Köln",
        "levels": [{"id": "stadt", "de": "Stadt", "en": "City"},
                   {"id": "stadtbezirk", "de": "Stadtbezirk", "en": "District"},
                   {"id": "stadtteil", "de": "Stadtteil", "en": "Neighbourhood"}],
        "areas": [{"level": "stadt", "code": "000", "name": "Stadt Köln"},
                  {"file": "geo/Stadtbezirk.shp", "level": "stadtbezirk", "code": "STB_NR",
                   "name": "STB_NAME", "pad": 3, "parent": "000"},
                  {"file": "$KOELN_GEO/Stadtteil.shp", "level": "stadtteil",
                   "code": "STT_NR", "name": "STT_NAME", **stadtteile}],
    }
    path = tmp_path / "territory.yaml"
    # JSON is YAML; keeps the test free of formatting details.
    path.write_text(json.dumps(text, ensure_ascii=False), encoding="utf-8")
    return path


def test_init_territory_builds_levels_and_areas_in_one_publish(tmp_path: Path,
                                                               monkeypatch) -> None:
    monkeypatch.setenv("KOELN_GEO", str(tmp_path / "geo"))
    path = _territory(tmp_path, {"parent_within": True})
    home = tmp_path / "home"
    result = run(home, "init", "--territory", str(path))
    assert result.exit_code == 0, result.output
    assert len(list((home / "store" / "snapshots").iterdir())) == 1
    conn = current_snapshot(home)
    assert dict(conn.execute("SELECT key, value FROM meta").fetchall())["municipality"] == \
        "Stadt Köln"
    rows = conn.execute("SELECT code, name, level, parent_code FROM areas ORDER BY code"
                        ).fetchall()
    assert rows == [("000", "Stadt Köln", "stadt", None),
                    ("001", "Innenstadt", "stadtbezirk", "000"),
                    ("009", "Mülheim", "stadtbezirk", "000"),
                    ("101", "Altstadt/Süd", "stadtteil", "001"),
                    ("901", "Mülheim", "stadtteil", "009"),
                    ("902", "Buchforst", "stadtteil", "009")]
    assert conn.execute("SELECT count(*) FROM area_geometries").fetchone() == (5,)


def test_init_territory_refused_import_creates_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KOELN_GEO", str(tmp_path / "geo"))
    path = _territory(tmp_path, {"parent_prefix": 1})   # 1, 9: not Stadtbezirke 001/009
    home = tmp_path / "home"
    result = run(home, "init", "--territory", str(path))
    assert result.exit_code == 2
    assert "Elterngebiet nicht gefunden" in result.output
    assert "nichts angelegt" in result.output
    assert not (home / "store" / "CURRENT").exists()


def test_init_territory_file_errors_are_german(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "t.yaml"
    for text, message in (
            ("name: X\nlevels: []\n", "levels muss eine Liste"),
            ("levels: [{id: a, de: A}]\n", "name (Name der Kommune) fehlt"),
            ("name: X\nlevels: [{id: a, de: A}]\nareas: [{level: a, code: c}]\n",
             "name fehlt"),
            ("name: X\nlevels: [{id: a, de: A}]\nareas: [{level: a, code: c, name: n, "
             "colour: red}]\n", "unbekannte Angabe colour"),
            ("name: X\nlevels: [{id: a, de: A}]\nareas: [{level: a, code: c, name: n, "
             "valid_from: gestern}]\n", "Datum 'gestern'"),
            ("name: [unclosed\n", "nicht lesbar")):
        bad.write_text(text, encoding="utf-8")
        result = run(home, "init", "--territory", str(bad))
        assert result.exit_code == 2, (text, result.output)
        assert message in result.output, (text, result.output)
    assert not (home / "store" / "CURRENT").exists()


def test_init_help_is_german() -> None:
    result = CliRunner().invoke(cli, ["init", "--help"])
    assert "Gebietsdatei" in result.output and "Ebenen von oben nach unten" in result.output
    top = CliRunner().invoke(cli, ["--help"])
    assert "areas" in top.output
    areas_help = CliRunner().invoke(cli, ["areas", "import", "--help"])
    assert "--parent-within" in areas_help.output and "Elterngebiet" in areas_help.output


def test_a_real_municipality_replacing_the_demo_drops_the_demo_logins(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "init", "--demo").exit_code == 0
    assert (home / "demo-logins.txt").exists()
    result = run(home, "init", "--name", "Stadt Köln", "--levels", "stadt:Stadt", "--force")
    assert result.exit_code == 0, result.output
    assert "Demo-Zugänge entfernt" in result.output
    assert not (home / "demo-logins.txt").exists()
    assert "demo-" not in run(home, "users", "list").output
