"""A boundary reform set up through the CLI (init, areas import --valid-from) and read back
through the gate: the unchanged level keeps one series, the old areas keep theirs."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cockpit.access import Gate, Viewer
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings

FILES = {
    "stadt.csv": "code;name\n0;Reformstadt\n",
    "bezirk.csv": "code;name;parent\n01;Nord;0\n02;Süd;0\n",
    "pr_alt.csv": "code;name;bezirk\n0101;Alt Nord;01\n0102;Alt Hafen;01\n0201;Alt Süd;02\n",
    "pr_neu.csv": "code;name;bezirk\n1011;Nordviertel;01\n1012;Hafen;01\n1021;Süd West;02\n",
}


def test_a_reform_imported_with_valid_from_keeps_the_old_values(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    home = str(tmp_path / "home")

    def run(*args: str) -> None:
        result = CliRunner().invoke(cli, ["--home", home, *args])
        assert result.exit_code == 0, result.output

    run("init", "--name", "Reformstadt", "--levels", "stadt:Stadt,bezirk:Bezirk,pr:Planungsraum")
    run("areas", "import", str(tmp_path / "stadt.csv"), "--level", "stadt", "--code", "code",
        "--name", "name", "--yes")
    run("areas", "import", str(tmp_path / "bezirk.csv"), "--level", "bezirk", "--code", "code",
        "--name", "name", "--parent-field", "parent", "--yes")
    for name, extra in (("pr_alt.csv", ()), ("pr_neu.csv", ("--valid-from", "2021-01-01"))):
        run("areas", "import", str(tmp_path / name), "--level", "pr", "--code", "code",
            "--name", "name", "--parent-field", "bezirk", *extra, "--yes")
    inst = Installation(load_settings(home=home))
    residents = {("0101", "2019"): 100, ("0102", "2019"): 200, ("0201", "2019"): 300,
                 ("1011", "2022"): 150, ("1021", "2022"): 190}  # 1012 missing in 2022
    with inst.store.publish() as conn:
        conn.executemany(
            "INSERT INTO observations (dataset_id, area_code, period, age_group, value) "
            "VALUES ('bevoelkerung', ?, ?, '25_44', ?)",
            [(code, period, value) for (code, period), value in residents.items()])
    gate, viewer = Gate(inst), Viewer("chefin", "leadership")
    rows = gate.values(viewer, "einwohner", all_periods=True).set_index(["area_code", "period"])
    assert rows.loc[("01", "2019"), "value"] == 300 and rows.loc[("01", "2022"), "value"] == 150
    assert rows.loc[("01", "2022"), "incomplete"] and not rows.loc[("02", "2022"), "incomplete"]
    assert rows.loc[("0", "2019"), "value"] == 600 and not rows.loc[("0", "2019"), "incomplete"]
    assert rows.loc[("0102", "2019"), "area_name"] == "Alt Hafen"
    assert list(gate.areas(viewer, "pr", period="2019")["code"]) == ["0101", "0102", "0201"]
    assert list(gate.areas(viewer, "pr")["code"]) == ["1011", "1012", "1021"]
