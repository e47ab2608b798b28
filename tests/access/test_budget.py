"""Budget lines through the gate (cockpit/access/budget.py): the indicators' role and
classification rule, per role, for the dataset as shipped (internal) and restricted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.budget import BudgetDesk, budget_scope
from cockpit.access.errors import AccessDenied, NotFound, NotLoggedIn
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings

DATA = Path(__file__).resolve().parents[2] / "data"

VIEWERS = {
    "admin": Viewer("a", "admin"),
    "controlling": Viewer("c", "controlling"),
    "leadership": Viewer("l", "leadership"),
    "district": Viewer("d", "district", area_code="01"),
    "committee": Viewer("k", "committee"),
    "department": Viewer("j", "department", department="jugendamt"),
    "kaemmerei": Viewer("k2", "department", department="kaemmerei"),
}


def restricted_installation(root: Path) -> Installation:
    """The demo with the budget dataset classified `restricted`."""
    data = root / "data"
    shutil.copytree(DATA, data)
    path = data / "datasets" / "haushalt.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "classification: internal", "classification: restricted"), encoding="utf-8")
    inst = Installation(load_settings(home=str(root / "home"), data_dir=str(data)))
    build_demo_store(inst.store, inst.catalog)
    return inst


@pytest.fixture(scope="module")
def restricted(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    return restricted_installation(tmp_path_factory.mktemp("budget-restricted"))


@pytest.mark.parametrize("role", list(VIEWERS))
def test_internal_budget_is_open_to_every_role(demo: Installation, role: str) -> None:
    desk = Gate(demo).budget(VIEWERS[role])
    lines = desk.lines()
    assert len(lines) == 10824  # 44 Produktgruppen, 6 positions, 14 + 13 years of stages
    assert set(lines["area_code"]) == {"00"}
    assert desk.lines("2024")["period"].eq("2024").all()


EXPECTED_RESTRICTED = {"admin": True, "controlling": True, "leadership": True,
                       "district": False, "committee": False, "department": False,
                       "kaemmerei": True}


@pytest.mark.parametrize("role", list(VIEWERS))
def test_restricted_budget_follows_the_policy(restricted: Installation, role: str) -> None:
    gate = Gate(restricted)
    if EXPECTED_RESTRICTED[role]:
        assert len(gate.budget(VIEWERS[role]).lines()) == 10824
    else:
        # district 01 sees restricted data only for its own area: the budget is the city's
        with pytest.raises(AccessDenied):
            gate.budget(VIEWERS[role])


def test_nobody_logged_in_gets_nothing(demo: Installation) -> None:
    with pytest.raises(NotLoggedIn):
        Gate(demo).budget(None)
    with pytest.raises(NotLoggedIn):
        BudgetDesk(Gate(demo), None)


def test_district_scope_covers_only_its_areas(restricted: Installation) -> None:
    gate = Gate(restricted)
    scope = budget_scope(VIEWERS["district"], restricted.catalog.datasets["haushalt"],
                         gate.areas_info().descendants)
    assert scope.allowed and not scope.covers("00") and scope.covers("01")


def test_residents_come_from_the_gate(demo: Installation) -> None:
    gate = Gate(demo)
    residents = gate.budget(VIEWERS["committee"]).residents()
    city = gate.values(VIEWERS["committee"], "einwohner", level="city", all_periods=True)
    assert residents == dict(zip(city["period"], city["value"], strict=True))
    assert len(residents) == 14 and all(v > 200_000 for v in residents.values())


def test_an_installation_without_budget_dataset(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    full = Installation(load_settings(home=home))
    build_demo_store(full.store, full.catalog)
    full.store.close()
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "datasets" / "haushalt.yaml").unlink()
    inst = Installation(load_settings(home=home, data_dir=str(data)))
    with pytest.raises(NotFound, match="kein Haushaltsdatensatz"):
        Gate(inst).budget(VIEWERS["admin"])
