"""The suppression audit: every role's view, every hidden small count, by LP."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cockpit.access.gate as gate_module
from cockpit.access.audit import audit_suppression, default_roles
from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings

COMMITTEE = Viewer("c", "committee")


@pytest.fixture(scope="module")
def gate(demo: Installation) -> Gate:
    return Gate(demo)


def test_demo_has_no_weak_cell_for_any_role(gate: Gate) -> None:
    # How long the audit takes is measured by bench/bench_suppression.py, not here.
    report = audit_suppression(gate, default_roles(gate))
    assert report.weak == []
    assert report.checked > 100  # the demo has many hidden small counts to check
    assert {"committee", "district 03", "department jugendamt"} <= set(report.roles)


def test_demo_has_no_weak_cell_even_with_inequalities(gate: Gate) -> None:
    roles = default_roles(gate, role="leadership") + default_roles(gate, role="committee")
    report = audit_suppression(gate, roles, inequalities=True)
    assert report.weak == []


def test_finding_11_change_of_residents_is_not_recomputable(gate: Gate) -> None:
    # A hidden change of residents follows from this year's and last year's
    # residents, both public. It may be hidden only where they are hidden too.
    change = gate.values(COMMITTEE, "bevoelkerungsentwicklung", all_periods=True)
    residents = gate.values(COMMITTEE, "einwohner", all_periods=True)
    shown = {(r.area_code, r.period): r.numerator for r in residents.itertuples()
             if not r.suppressed}
    for row in change[change["suppressed"]].itertuples():
        previous = str(int(row.period) - 1)
        recomputable = (row.area_code, row.period) in shown and (
            (row.area_code, previous) in shown or not pd.isna(row.denominator))
        assert not recomputable, (row.area_code, row.period)


def test_audit_names_the_weak_cells_of_primary_only_suppression(
    demo: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hide only the small counts themselves: every one follows from its parent.
    def primary_only(frame, parents, min_count, own_numerator=True, **_):  # noqa: ANN001, ANN202, E501
        return (frame["numerator"] > 0) & (frame["numerator"] < min_count)

    monkeypatch.setattr(gate_module, "suppress_indicator_frame", primary_only)
    weak_gate = Gate(demo)
    report = audit_suppression(weak_gate, default_roles(weak_gate, role="committee"))
    assert report.weak
    cell = report.weak[0]
    assert cell.role == "committee" and cell.high < cell.min_count
    assert "uebergang_hauptschule" in {w.indicator for w in report.weak}


def test_cli_audit_json_and_exit_codes(demo: Installation) -> None:
    home = str(demo.settings.home)
    result = CliRunner().invoke(cli, ["--home", home, "check", "--suppression", "--role",
                                      "district", "--area", "03", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["weak_cells"] == [] and data["roles"] == ["district 03"]
    bad = CliRunner().invoke(cli, ["--home", home, "check", "--suppression", "--role",
                                   "district", "--area", "99x"])
    assert bad.exit_code == 2 and "Gebiet" in bad.output
    misuse = CliRunner().invoke(cli, ["--home", home, "check", "--json"])
    assert misuse.exit_code == 2


def test_cli_audit_exits_1_and_names_weak_cells(
    demo: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gate_module, "suppress_indicator_frame",
                        lambda frame, parents, min_count, own_numerator=True, **_:
                        (frame["numerator"] > 0) & (frame["numerator"] < min_count))
    result = CliRunner().invoke(cli, ["--home", str(demo.settings.home), "check",
                                      "--suppression", "--role", "committee"])
    assert result.exit_code == 1
    assert "SCHWACH committee: uebergang_hauptschule (Zähler)" in result.output


# --- random fixtures: random territories with many small counts ----------------------
def _random_store(home: Path, seed: int) -> Installation:
    rng = random.Random(seed)
    inst = Installation(load_settings(home=str(home)))
    with inst.store.publish(start_empty=True) as conn:
        areas = [("00", "Stadt", "city", None)]
        for d in range(1, rng.randint(2, 5) + 1):
            areas.append((f"{d:02d}", f"Bezirk {d}", "district", "00"))
            areas += [(f"{d:02d}{s:02d}", f"Teil {d}-{s}", "subdistrict", f"{d:02d}")
                      for s in range(1, rng.randint(1, 6) + 1)]
        conn.executemany("INSERT INTO areas (code, name, level, parent_code) "
                         "VALUES (?, ?, ?, ?)", areas)
        for ds in inst.catalog.datasets.values():
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                         [ds.id, ds.title, ds.description, ds.source, ds.department,
                          ds.classification, ds.unit, ds.licence])
        rows = []
        small = [0, 0, 1, 1, 2, 2, 3, 5, 9, 20]
        for code, _, level, _ in areas:
            if level != "subdistrict":
                continue
            for year in ("2023", "2024", "2025"):
                for school in ("hauptschule", "realschule", "gymnasium", "gesamtschule",
                               "sonstige"):
                    rows.append(("schuluebergaenge", code, year, "_T", school,
                                 rng.choice(small)))
                for kind in ("ambulant", "teilstationaer", "stationaer"):
                    rows.append(("hze", code, year, "_T", kind, rng.choice(small)))
                for age in ("u18", "18_64"):
                    rows.append(("bevoelkerung", code, year, age, "_T",
                                 rng.choice([0, 1, 2, 4, 30, 200])))
        conn.executemany("INSERT INTO observations (dataset_id, area_code, period, age_group, "
                         "category, value) VALUES (?, ?, ?, ?, ?, ?)", rows)
    return inst


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8, 13])
def test_random_territories_have_no_weak_cell(tmp_path: Path, seed: int) -> None:
    gate = Gate(_random_store(tmp_path / "home", seed))
    roles = default_roles(gate, role="leadership") + default_roles(gate, role="committee")
    report = audit_suppression(gate, roles)
    assert report.checked > 0
    assert [w.describe() for w in report.weak] == []
