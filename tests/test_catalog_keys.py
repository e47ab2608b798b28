"""Dataset definitions: the key system and the meaning of GENESIS "-"."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.catalog import DefinitionError, load_catalog
from cockpit.resources import bundled_dir


def catalog_with(tmp_path: Path, block: str):  # noqa: ANN201
    data = tmp_path / "data"
    (data / "datasets").mkdir(parents=True)
    (data / "departments.yaml").write_text("statistik: Statistikstelle\n", encoding="utf-8")
    source = (bundled_dir("data") / "datasets" / "geburten.yaml").read_text(encoding="utf-8")
    source = source[: source.index("genesis:")]
    (data / "datasets" / "geburten.yaml").write_text(source + block + "\n", encoding="utf-8")
    return load_catalog(data)


def test_defaults_are_local_keys_and_dash_as_zero() -> None:
    datasets = load_catalog(bundled_dir("data")).datasets
    assert datasets["hze"].keys == "local"
    assert datasets["geburten"].genesis_dash == "zero"
    # Population is a stock: "-" for an area that existed is no figure, not 0.
    assert datasets["bevoelkerung"].genesis_dash == "missing"


def test_keys_and_dash_are_read(tmp_path: Path) -> None:
    dataset = catalog_with(tmp_path, "keys: ags\ngenesis:\n  dash: missing\n").datasets[
        "geburten"]
    assert (dataset.keys, dataset.genesis_dash, dataset.genesis_columns) == (
        "ags", "missing", {})


@pytest.mark.parametrize(("block", "message"), [
    ("keys: nuts", "keys muss eines von local, ags sein"),
    ("genesis: {dash: null, columns: {}}", "genesis.dash muss eines von zero, missing sein"),
    ("genesis: {dash: leer}", "genesis.dash muss eines von zero, missing sein"),
])
def test_bad_values_are_named(tmp_path: Path, block: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        catalog_with(tmp_path, block)
