"""The CLI with an installation's own four levels: users at any level, check, load."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cockpit.cli import cli
from tests.territory.small_territory import Territory, four_levels

PASSWORD = "ein-gutes-passwort\n"


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Territory:
    return four_levels(tmp_path_factory.mktemp("cli-four"))


def run(territory: Territory, *args: str, stdin: str | None = None) -> Result:
    settings = territory.inst.settings
    return CliRunner().invoke(cli, ["--home", str(settings.home), *args], input=stdin,
                              env={"COCKPIT_DATA_DIR": str(settings.data_dir),
                                   "COCKPIT_QUERIES_DIR": str(settings.queries_dir)})


@pytest.mark.parametrize("area", ["11", "01", "0101", "010101"])
def test_district_user_may_be_bound_to_an_area_of_any_level(four: Territory,
                                                            area: str) -> None:
    name = f"bezirk{area}"
    result = run(four, "users", "add", name, "--role", "district", "--area", area,
                 "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 0, result.output
    assert area in run(four, "users", "list").output


def test_district_user_with_an_unknown_area_is_refused_in_german(four: Territory) -> None:
    before = run(four, "users", "list").output
    result = run(four, "users", "add", "fremd", "--role", "district", "--area", "0203",
                 "--password-stdin", stdin=PASSWORD)
    assert result.exit_code == 2
    assert "Unbekanntes Gebiet" in result.output
    assert run(four, "users", "list").output == before


def test_check_accepts_datasets_at_declared_levels(four: Territory) -> None:
    result = run(four, "check")
    assert result.exit_code == 0, result.output


def test_suppression_audit_binds_district_roles_at_every_depth(four: Territory) -> None:
    result = run(four, "check", "--suppression", "--role", "district", "--json")
    assert result.exit_code == 0, result.output
    for code in ("01", "02", "0101", "0102", "0201"):
        assert f"district {code}" in result.output
    bound = run(four, "check", "--suppression", "--role", "district", "--area", "0101")
    assert bound.exit_code == 0, bound.output


def test_dataset_at_an_undeclared_level_is_named_by_check_and_refused_by_load(
        tmp_path: Path) -> None:
    territory = four_levels(tmp_path / "t")
    data = territory.inst.settings.data_dir
    (data / "datasets" / "alt.yaml").write_text(
        "title: Alte Daten\nsource: internal\ndepartment: statistik\n"
        "classification: public\nunit: Personen\nlevels: [stadtteil]\n", encoding="utf-8")
    checked = run(territory, "check")
    assert checked.exit_code == 1
    assert "alt.yaml" in checked.output and "stadtteil" in checked.output
    assert "land, bezirk, region, raum" in checked.output
    delivery = tmp_path / "alt.csv"
    delivery.write_text("area_code;period;value\n010101;2024;5\n", encoding="utf-8")
    version = territory.inst.store.current_version()
    loaded = run(territory, "load", str(delivery), "--dataset", "alt", "--yes")
    assert loaded.exit_code == 2, loaded.output
    assert "keine Ebene dieses Gebiets" in loaded.output
    assert "land, bezirk, region, raum" in loaded.output
    assert territory.inst.store.current_version() == version


def test_dataset_levels_must_be_level_ids(tmp_path: Path) -> None:
    from cockpit.catalog import DefinitionError, load_catalog

    territory = four_levels(tmp_path / "t")
    data = territory.inst.settings.data_dir
    (data / "datasets" / "kaputt.yaml").write_text(
        "title: X\nsource: internal\ndepartment: statistik\nclassification: public\n"
        "unit: Personen\nlevels: Stadtteil\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="kaputt.yaml: levels muss eine Liste"):
        load_catalog(data)
