"""Dataset definitions: the period type and key date (Stichtag) of a dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.catalog import Catalog, DefinitionError, load_catalog
from cockpit.cli import cli
from cockpit.resources import bundled_dir

BASE = """\
title: Test
source: official
department: statistik
classification: public
unit: Personen
levels: [subdistrict]
"""


def catalog_with(tmp_path: Path, extra: str) -> Catalog:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    (data / "datasets" / "probe.yaml").write_text(BASE + extra, encoding="utf-8")
    return load_catalog(data)


def test_year_is_the_default_and_bevoelkerung_counts_on_31_12() -> None:
    catalog = load_catalog(bundled_dir("data"))
    assert catalog.datasets["hze"].period_type == "year"
    assert catalog.datasets["hze"].key_date is None
    assert catalog.datasets["bevoelkerung"].key_date == (12, 31)
    assert catalog.datasets["bevoelkerung"].key_date_text() == "31.12."
    assert catalog.datasets["kita"].key_date_text() == "01.03."


@pytest.mark.parametrize("kind", ["year", "half", "quarter", "month"])
def test_period_types(tmp_path: Path, kind: str) -> None:
    dataset = catalog_with(tmp_path, f"period_type: {kind}\n").datasets["probe"]
    assert dataset.period_type == kind
    period_column = dataset.delivery_columns()[1]
    assert period_column["name"] == "period" and "key date" in period_column["type"]


def test_indicators_inherit_the_period_type_of_their_datasets(tmp_path: Path) -> None:
    catalog = catalog_with(tmp_path, "period_type: half\n")
    assert catalog.period_type(["probe"]) == "half"
    assert catalog.period_type(["bevoelkerung", "sgb2"]) == "year"
    assert catalog.period_type(["probe", "bevoelkerung"]) is None  # mixed
    assert catalog.key_dates(["sgb2", "bevoelkerung"]) == ["31.12."]


@pytest.mark.parametrize("extra,message", [
    ("period_type: weekly\n", "period_type 'weekly' ist unbekannt (erlaubt: year (Jahr), "
                              "half (Halbjahr), quarter (Quartal), month (Monat))"),
    ("key_date: 30.06\n", "key_date muss als Text in Anführungszeichen stehen"),
    ('key_date: "31.11."\n', "key_date: Stichtag „31.11.“ ist kein Tag des Jahres"),
    ('key_date: "Jahresende"\n', "key_date: Stichtag „Jahresende“ ist ungültig"),
    ('period_type: half\nkey_date: "30.06."\n',
     "key_date '30.06.' passt nicht zu period_type half: Halbjahreswerte gelten zum Ende "
     "jedes Zeitraums"),
])
def test_broken_period_definitions_name_file_and_problem(tmp_path: Path, extra: str,
                                                         message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        catalog_with(tmp_path, extra)
    assert str(caught.value).startswith(str(tmp_path / "data" / "datasets" / "probe.yaml"))
    assert message in str(caught.value)


def test_cockpit_check_reports_a_bad_period_type(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    (data / "datasets" / "probe.yaml").write_text(BASE + "period_type: Halbjahr\n",
                                                  encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), "check"],
                                env={"COCKPIT_DATA_DIR": str(data)})
    assert result.exit_code == 1
    assert "probe.yaml: period_type 'Halbjahr' ist unbekannt" in result.output


def test_datasets_list_shows_period_type_and_key_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "home"), "datasets", "list",
                                      "--json"])
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert (rows["bevoelkerung"]["period_type"], rows["bevoelkerung"]["key_date"]) == (
        "year", "31.12.")
    assert rows["hze"]["key_date"] is None
