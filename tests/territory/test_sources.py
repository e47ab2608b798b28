"""Reading area files: code pages, codes as strings, KML ExtendedData, layers, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.territory.sources import SourceError, cell_text, read_source, shapefile_encoding
from tests.territory.files import DISTRICTS, box, districts_shp, kml_file, write_shapefile


def test_cp1252_dbf_without_cpg_and_without_ldid_is_detected(tmp_path: Path) -> None:
    shp = districts_shp(tmp_path)                    # no .cpg, language driver id 0
    assert not shp.with_suffix(".cpg").exists()
    assert b"M\xfclheim" in shp.with_suffix(".dbf").read_bytes()
    assert shapefile_encoding(shp) == "cp1252"
    source = read_source(shp)
    assert [r["STB_NAME"] for r in source.records] == ["Innenstadt", "Mülheim"]
    assert any("cp1252" in n for n in source.notes)


def test_utf8_dbf_without_cpg_stays_utf8(tmp_path: Path) -> None:
    shp = districts_shp(tmp_path, encoding="UTF-8")
    assert shapefile_encoding(shp) == "utf-8"
    assert read_source(shp).records[1]["STB_NAME"] == "Mülheim"


def test_a_cpg_file_is_left_to_gdal(tmp_path: Path) -> None:
    shp = districts_shp(tmp_path, encoding="UTF-8", keep_cpg=True)
    assert shapefile_encoding(shp) is None
    assert read_source(shp).records[1]["STB_NAME"] == "Mülheim"


def test_codes_are_strings_with_leading_zeros(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("AGS;GEN\n01001000;Flensburg\n10041100;Saarbrücken\n", encoding="utf-8")
    source = read_source(csv)
    assert [r["AGS"] for r in source.records] == ["01001000", "10041100"]
    assert source.geometries is None
    assert cell_text(7.0) == "7" and cell_text(float("nan")) is None and cell_text(" ") is None


def test_cp1252_csv(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_bytes("nr,name\n9,Mülheim\n".encode("cp1252"))
    assert read_source(csv).records[0]["name"] == "Mülheim"


def test_kml_reads_extended_data(tmp_path: Path) -> None:
    path = kml_file(tmp_path / "a.kml", [({"STT_NR": "101", "STT_NAME": "Altstadt/Süd"},
                                          box(6.9, 50.9, 7.0, 51.0))])
    source = read_source(path)
    assert source.records[0]["STT_NR"] == "101"
    assert source.records[0]["STT_NAME"] == "Altstadt/Süd"
    assert source.crs == "EPSG:4326"
    assert source.geometries[0].equals(box(6.9, 50.9, 7.0, 51.0))


def test_prj_without_epsg_reaches_the_reader(tmp_path: Path) -> None:
    source = read_source(districts_shp(tmp_path))
    assert "2500000" in source.crs
    assert source.geometries[0].bounds[0] > 2_000_000


@pytest.mark.parametrize(("name", "content", "message"), [
    ("a.shp", b"kein shapefile", "nicht lesbar"),
    ("a.txt", b"x", "wird nicht unterstützt"),
    ("a.kml", b"<kml", "keine lesbare KML-Datei"),
    ("a.xlsx", b"PK kaputt", "keine lesbare XLSX-Datei"),
])
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        read_source(path)


def test_missing_file_and_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="nicht gefunden"):
        read_source(tmp_path / "fehlt.shp")
    shp = write_shapefile(tmp_path / "b.shp", [("1", "x", DISTRICTS[0][2])], ["nr", "name"])
    with pytest.raises(SourceError, match="Zeichensatz"):
        read_source(shp, encoding="klingonisch")
