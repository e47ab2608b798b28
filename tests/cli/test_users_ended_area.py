"""`cockpit users add/role --area` refuses an area that ended in a boundary reform."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cockpit.cli import cli
from tests.access.test_gate_validity import reform_installation


@pytest.fixture(scope="module")
def reform_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("reform-users")
    reform_installation(base)
    return base / "home", base / "data"


def _run(reform_home: tuple[Path, Path], *args: str, stdin: str | None = None) -> Result:
    home, data = reform_home
    return CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin,
                              env={"COCKPIT_DATA_DIR": str(data)})


def test_add_refuses_an_area_that_ended_in_the_reform_and_writes_nothing(reform_home) -> None:
    result = _run(reform_home, "users", "add", "alt", "--role", "district", "--area", "0102",
                  "--password-stdin", stdin="ein-gutes-passwort\n")
    assert result.exit_code == 2, result.output
    assert "Gebiet 0102 gilt nur bis 31.12.2020 (Gebietsreform)" in result.output
    assert "alt" not in _run(reform_home, "users", "list").output


def test_add_accepts_the_area_that_replaced_it(reform_home) -> None:
    result = _run(reform_home, "users", "add", "neu", "--role", "district", "--area", "1012",
                  "--password-stdin", stdin="ein-gutes-passwort\n")
    assert result.exit_code == 0, result.output
    assert "1012" in _run(reform_home, "users", "list").output


def test_role_change_refuses_an_ended_area_and_keeps_the_old_binding(reform_home) -> None:
    assert _run(reform_home, "users", "add", "bezirk", "--role", "district", "--area", "1011",
                "--password-stdin", stdin="ein-gutes-passwort\n").exit_code == 0
    result = _run(reform_home, "users", "role", "bezirk", "--role", "district",
                  "--area", "0101")
    assert result.exit_code == 2, result.output
    assert "gilt nur bis 31.12.2020" in result.output
    listing = _run(reform_home, "users", "list").output
    assert "1011" in listing and "0101" not in listing
