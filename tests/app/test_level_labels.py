"""Level names are the installation's: a Landkreis shows Gemeinden, not Stadtteile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from cockpit.catalog import DefinitionError, load_level_labels
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from tests.app.conftest import callback, login, response_text

KREIS = ("city: {de: Landkreis, en: County}\n"
         "district: {de: Verwaltungsgemeinschaft, en: Municipal association}\n"
         "subdistrict: {de: Gemeinde, en: Municipality}\n")


@pytest.fixture(scope="module")
def kreis_client(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("kreis")
    data = base / "data"
    shutil.copytree(bundled_dir("data"), data)
    (data / "levels.yaml").write_text(KREIS, encoding="utf-8")
    inst = Installation(load_settings(home=str(base / "home"), data_dir=str(data)))
    build_demo_store(inst.store, inst.catalog)
    server = create_server(inst, secret_key="kreis", warm=False)
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="jugendamt")
    name, password = next((u.name, pw) for u, pw in created if u.role == "leadership")
    client = server.test_client()
    assert login(client, name, password).status_code == 302
    return client


def test_level_names_come_from_levels_yaml(kreis_client) -> None:
    response = callback(kreis_client, ["compare-period.options", "compare-period.value",
                                       "compare-level.options", "compare-level.value"],
                        {"compare-indicator.value": "sgb2_quote"},
                        state={"compare-period.value": None, "compare-level.value": None})
    labels = [o["label"] for o in response.json["response"]["compare-level"]["options"]]
    assert labels == ["Verwaltungsgemeinschaft", "Gemeinde"]
    assert "Stadtteil" not in response_text(response)


def test_default_names_are_city_words() -> None:
    labels = load_level_labels(bundled_dir("data"))
    assert labels["subdistrict"]["de"] == "Stadtteil"


@pytest.mark.parametrize("content", ["quartier: {de: Quartier}\n", "city: Stadt\n",
                                     "city: {en: City}\n"])
def test_broken_levels_yaml_is_named(tmp_path: Path, content: str) -> None:
    (tmp_path / "levels.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(DefinitionError, match="levels.yaml"):
        load_level_labels(tmp_path)
