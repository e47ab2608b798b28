"""Correspondence tables: read, checked in German, refused when they would change counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.catalog import DefinitionError
from cockpit.cli import cli
from cockpit.resources import bundled_dir
from cockpit.territory.correspondence import (
    check_correspondences,
    load_correspondences,
    read_correspondence,
)
from tests.boundary import CORRESPONDENCE


def _write(folder: Path, text: str, name: str = "lor.csv") -> Path:
    (folder / "correspondences").mkdir(parents=True, exist_ok=True)
    path = folder / "correspondences" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_table_is_read_with_german_decimal_commas(tmp_path: Path) -> None:
    table, problems = read_correspondence(_write(tmp_path, CORRESPONDENCE))
    assert problems == []
    assert table.name == "lor"
    assert ("0102", "1012", 0.5) in table.pairs
    assert table.sources()["1011"] == ("0101", "0102")
    assert load_correspondences(tmp_path) == [table]


def test_no_folder_means_no_tables(tmp_path: Path) -> None:
    assert load_correspondences(tmp_path) == []


@pytest.mark.parametrize(("text", "message"), [
    ("old_code;new_code;weight\n0101;1011;0,5\n0101;1012;0,4\n",
     "Die Gewichte von Gebiet 0101 ergeben zusammen 0,9 statt 1"),
    ("alt;neu;gewicht\n0101;1011;1\n", "Kopfzeile muss „old_code;new_code;weight“ lauten"),
    ("old_code;new_code;weight\n0101;1011;eins\n", "Zeile 2: Gewicht „eins“ ist keine Zahl"),
    ("old_code;new_code;weight\n0101;1011;1,5\n", "liegt nicht zwischen 0"),
    ("old_code;new_code;weight\n0101;1011;0\n", "liegt nicht zwischen 0"),
    ("old_code;new_code;weight\n0101;;1\n", "dürfen nicht leer sein"),
    ("old_code;new_code;weight\n0101;1011\n", "3 Spalten erwartet, 2 gefunden"),
    ("old_code;new_code;weight\n0101;1011;0,5\n0101;1011;0,5\n", "steht doppelt"),
    ("old_code;new_code;weight\n", "enthält keine Zuordnung"),
])
def test_a_bad_table_is_refused_in_german(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    table, problems = read_correspondence(path)
    assert table is None
    assert any(message in p for p in problems), problems
    assert all(str(path) in p for p in problems)
    with pytest.raises(DefinitionError, match="lor.csv"):
        load_correspondences(tmp_path)


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    path.write_bytes("old_code;new_code;weight\nÄ;B;1\n".encode("cp1252"))
    assert read_correspondence(path)[1] == [f"{path}: Die Datei ist nicht UTF-8-kodiert."]


def test_codes_are_checked_against_the_territory(tmp_path: Path) -> None:
    _write(tmp_path, CORRESPONDENCE)
    tables, problems = check_correspondences(tmp_path, {"0101", "0102", "0201", "1011"})
    assert tables == []
    assert problems == [f"{tmp_path / 'correspondences' / 'lor.csv'}: 3 Gebietsschlüssel "
                        "gibt es im Gebietsbestand nicht: 1012, 1021, 1022"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check-home")
    result = CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"])
    assert result.exit_code == 0, result.output
    return path


def test_cockpit_check_refuses_weights_that_do_not_add_up(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    _write(data, "old_code;new_code;weight\n0101;0102;0,75\n")
    result = CliRunner().invoke(cli, ["--home", str(home), "check"],
                                env={"COCKPIT_DATA_DIR": str(data)})
    assert result.exit_code == 1
    assert "Die Gewichte von Gebiet 0101 ergeben zusammen 0,75 statt 1" in result.output


def test_cockpit_check_accepts_a_good_table(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    _write(data, "old_code;new_code;weight\n0101;0102;1\n")
    result = CliRunner().invoke(cli, ["--home", str(home), "check"],
                                env={"COCKPIT_DATA_DIR": str(data)})
    assert result.exit_code == 0, result.output


def test_serve_refuses_to_start_with_a_broken_table(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    _write(data, "old_code;new_code;weight\n0101;0102;2\n")
    result = CliRunner().invoke(cli, ["--home", str(home), "serve"],
                                env={"COCKPIT_DATA_DIR": str(data),
                                     "COCKPIT_SECRET_KEY": "x" * 32})
    assert result.exit_code == 1
    assert "Zuordnungstabellen fehlerhaft" in result.output
    assert "liegt nicht zwischen 0" in result.output


def test_thirds_with_four_decimals_pass_three_do_not(tmp_path: Path) -> None:
    four = "old_code;new_code;weight\n01;a;0,3333\n01;b;0,3333\n01;c;0,3334\n"
    assert read_correspondence(_write(tmp_path, four))[1] == []
    three = "old_code;new_code;weight\n01;a;0,333\n01;b;0,333\n01;c;0,333\n"
    assert "ergeben zusammen 0,999 statt 1" in read_correspondence(_write(tmp_path, three))[1][0]
