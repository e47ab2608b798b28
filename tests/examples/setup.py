"""Set up a shipped example (examples/<name>/) through the command line, as a user would.

`cockpit init --territory`, `cockpit load`, `cockpit users add` into a fresh COCKPIT_HOME,
then a Flask test client logged in as that user. The example's territory file points at
`../../../shared/samples` (the project's neighbour in CI); when the samples are elsewhere
($COCKPIT_SAMPLES) a copy of the file with that one prefix replaced is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cockpit.app.server import create_server
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SHIPPED_SAMPLES = "../../../shared/samples"
PASSWORD = "Beispiel-Passwort-2026"


@dataclass
class Example:
    """An installation built from one example folder, with the output of each command."""

    home: Path
    env: dict[str, str]
    outputs: dict[str, Result]

    def run(self, *args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env, input=stdin)

    def installation(self) -> Installation:
        return Installation(load_settings(home=self.env["COCKPIT_HOME"],
                                          data_dir=self.env["COCKPIT_DATA_DIR"],
                                          queries_dir=self.env["COCKPIT_QUERIES_DIR"]))


def territory_file(name: str, samples: Path, workdir: Path) -> Path:
    """The shipped territory.yaml, or a copy pointing at `samples` if they are elsewhere."""
    shipped = EXAMPLES / name / "territory.yaml"
    if (shipped.parent / SHIPPED_SAMPLES).resolve() == samples.resolve():
        return shipped
    copy = workdir / f"{name}-territory.yaml"
    copy.write_text(shipped.read_text(encoding="utf-8").replace(SHIPPED_SAMPLES, str(samples)),
                    encoding="utf-8")
    return copy


def set_up(name: str, samples: Path, home: Path, loads: list[tuple[str, ...]],
           definitions: str | None = None) -> Example:
    """init --territory, each `cockpit load` in `loads`, and an admin user `statistik`.

    `definitions` names the example whose data/ and queries/ serve (default: `name`).
    """
    folder = EXAMPLES / (definitions or name)
    env = {"COCKPIT_HOME": str(home), "COCKPIT_DATA_DIR": str(folder / "data"),
           "COCKPIT_QUERIES_DIR": str(folder / "queries")}
    example = Example(home, env, {})
    territory = territory_file(name, samples, home.parent)
    steps = [("init", "--territory", str(territory)), *[("load", *args) for args in loads]]
    for number, args in enumerate(steps):
        result = example.run(*args)
        example.outputs[f"{number}:{args[0]}"] = result
        assert result.exit_code == 0, f"cockpit {' '.join(args)}:\n{result.output}"
    added = example.run("users", "add", "statistik", "--role", "admin", "--password-stdin",
                        stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    return example


def koeln(samples: Path, home: Path) -> Example:
    """examples/koeln with the city's population table loaded."""
    csv = samples / "koeln" / "population" / "bevoelkerung.csv"
    return set_up("koeln", samples, home, [(str(csv), "--dataset", "bevoelkerung")])


def saarland(samples: Path, home: Path) -> Example:
    """examples/saarland with the unmodified Regionaldatenbank export loaded."""
    genesis = samples / "genesis" / "12411-01-01-5_00.csv"
    return set_up("saarland", samples, home,
                  [(str(genesis), "--dataset", "bevoelkerung", "--format", "genesis")])


def deutschland(samples: Path, home: Path) -> Example:
    """examples/deutschland (10,997 Gemeinden) with the same export; the year-on-year jumps
    of merged Gemeinden are real, so their warnings are confirmed (--yes)."""
    genesis = samples / "genesis" / "12411-01-01-5_00.csv"
    return set_up("deutschland", samples, home,
                  [(str(genesis), "--dataset", "bevoelkerung", "--format", "genesis", "--yes")],
                  definitions="saarland")


def logged_in_client(example: Example) -> Any:
    """A Flask test client of the example's cockpit, logged in as `statistik`."""
    server = create_server(example.installation(), secret_key="example-test-key", warm=False)
    server.config["TESTING"] = True
    client = server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": "statistik", "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def values(client: Any, indicator: str, **params: str) -> dict[tuple[str, str], dict]:
    """The API's rows of one indicator by (area_code, period)."""
    answer = client.get(f"/api/v1/indicators/{indicator}/values", query_string=params)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {(row["area_code"], row["period"]): row for row in answer.get_json()}
