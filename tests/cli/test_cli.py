"""The command line: exit codes and messages from CONTRACT.md, nothing half-written."""

from __future__ import annotations

import getpass
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cockpit.cli import cli
from cockpit.cli.serve import is_loopback
from cockpit.resources import bundled_dir


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home initialised once with the demo through the CLI."""
    path = tmp_path_factory.mktemp("cli-home")
    result = run(path, "init", "--demo")
    assert result.exit_code == 0, result.output
    (path / "init-output.txt").write_text(result.output)
    return path


def run(home: Path, *args: str, stdin: str | None = None, **env: str) -> Result:
    return CliRunner().invoke(cli, ["--home", str(home), *args], input=stdin, env=env)


def test_every_command_has_help() -> None:
    for args in ([], ["init"], ["serve"], ["check"], ["indicators", "list"],
                 ["datasets", "list"], ["users", "add"], ["users", "list"],
                 ["users", "remove"], ["users", "passwd"], ["users", "role"],
                 ["users", "unlock"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage:" in result.output


def test_init_demo_prints_one_login_per_role(home: Path) -> None:
    logins = (home / "demo-logins.txt").read_text().splitlines()[1:]
    roles = {line.split("\t")[1] for line in logins}
    assert roles == {"admin", "controlling", "leadership", "district", "committee",
                     "department"}
    assert (home / "demo-logins.txt").stat().st_mode & 0o077 == 0
    assert (home / "app.sqlite").stat().st_mode & 0o077 == 0


def test_init_demo_names_the_person_each_login_stands_for(home: Path) -> None:
    printed = (home / "init-output.txt").read_text()
    assert "steht für" in printed
    for line in (home / "demo-logins.txt").read_text().splitlines()[1:]:
        name, role, password = line.split("\t")
        [shown] = [row for row in printed.splitlines() if name in row]
        assert password in shown
    for person in ("Oberbürgermeisterin", "Ausschussmitglied", "Bezirksbürgermeister",
                   "Controlling", "Jugendamt"):
        assert person in printed


def test_init_refuses_an_existing_store_without_force(home: Path) -> None:
    before = sorted(p.name for p in (home / "store" / "snapshots").iterdir())
    result = run(home, "init", "--demo")
    assert result.exit_code == 1
    assert "bereits einen Datenbestand" in result.output
    assert "--force" in result.output
    assert sorted(p.name for p in (home / "store" / "snapshots").iterdir()) == before


def test_init_force_rebuilds(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--demo").exit_code == 0
    result = run(tmp_path, "init", "--demo", "--force")
    assert result.exit_code == 0, result.output
    assert "demo-admin" in result.output
    assert len(list((tmp_path / "store" / "snapshots").iterdir())) == 2


def test_init_without_demo_is_bad_input(tmp_path: Path) -> None:
    result = run(tmp_path, "init")
    assert result.exit_code == 2
    assert not (tmp_path / "store").exists()


def test_init_into_an_unwritable_home_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    result = run(blocker / "home", "init", "--demo")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "nicht beschreibbar" in result.output


def test_check_passes_on_the_shipped_definitions(home: Path) -> None:
    result = run(home, "check")
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output


def test_check_names_a_broken_indicator_file(home: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(bundled_dir("queries"), queries)
    broken = queries / "soziales" / "sgb2_quote.sql"
    broken.write_text(broken.read_text().replace("classification: internal",
                                                 "classification: vertraulich"))
    result = run(home, "check", COCKPIT_QUERIES_DIR=str(queries))
    assert result.exit_code == 1
    assert "sgb2_quote.sql" in result.output
    assert "vertraulich" in result.output


def test_indicators_list(home: Path) -> None:
    result = run(home, "indicators", "list")
    assert result.exit_code == 0
    assert "sgb2_quote" in result.output
    rows = json.loads(run(home, "indicators", "list", "--json").output)
    assert len(rows) >= 30
    assert {"id", "title", "classification"} <= set(rows[0])
    assert {r["classification"] for r in rows} == {"public", "internal", "restricted"}


def test_datasets_list_names_required_columns(home: Path) -> None:
    rows = json.loads(run(home, "datasets", "list", "--json").output)
    hze = next(r for r in rows if r["id"] == "hze")
    assert hze["classification"] == "restricted"
    assert hze["department"] == "jugendamt"
    names = [c["name"] for c in hze["columns"]]
    assert names == ["area_code", "period", "category", "value"]
    assert all(c["required"] for c in hze["columns"])


def test_users_add_list_passwd_remove(home: Path) -> None:
    result = run(home, "users", "add", "erika", "--role", "district", "--area", "0203",
                 "--password-stdin", stdin="ein-gutes-passwort\n")
    assert result.exit_code == 0, result.output
    listing = run(home, "users", "list").output
    assert "erika" in listing and "0203" in listing
    assert run(home, "users", "passwd", "erika", "--password-stdin",
               stdin="noch-ein-passwort\n").exit_code == 0
    assert run(home, "users", "remove", "erika").exit_code == 0
    assert "erika" not in run(home, "users", "list").output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "king"], "Unbekannte Rolle"),
        (["--role", "district", "--area", "9999"], "Unbekanntes Gebiet"),
        (["--role", "district"], "Gebiet"),
        (["--role", "department", "--department", "zoo"], "Fachbereich"),
        (["--role", "committee", "--area", "01"], "--area"),
    ],
)
def test_users_add_rejects_bad_input_and_writes_nothing(
    home: Path, args: list[str], message: str
) -> None:
    before = run(home, "users", "list").output
    result = run(home, "users", "add", "neu", *args, "--password-stdin",
                 stdin="ein-gutes-passwort\n")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.output.startswith("Fehler: ")
    assert run(home, "users", "list").output == before


def test_users_add_rejects_a_short_password(home: Path) -> None:
    result = run(home, "users", "add", "kurz", "--role", "committee", "--password-stdin",
                 stdin="abc\n")
    assert result.exit_code == 2
    assert "kurz" not in run(home, "users", "list").output


def test_removing_an_unknown_user_is_bad_input(home: Path) -> None:
    assert run(home, "users", "remove", "niemand").exit_code == 2


def test_serve_without_secret_outside_demo_mode_refuses(home: Path) -> None:
    result = run(home, "serve", COCKPIT_SECRET_KEY="")
    assert result.exit_code == 1
    assert "COCKPIT_SECRET_KEY" in result.output


def _audit(home: Path, action: str) -> list[tuple[str, dict]]:
    with sqlite3.connect(home / "app.sqlite") as conn:
        rows = conn.execute("SELECT user_name, detail FROM audit_log WHERE action = ?"
                            " ORDER BY id", (action,)).fetchall()
    return [(user, json.loads(detail)) for user, detail in rows]


def test_user_changes_are_audited_with_the_operating_system_user(home: Path) -> None:
    actor = getpass.getuser()
    assert run(home, "users", "add", "auditiert", "--role", "committee", "--password-stdin",
               stdin="ein-gutes-passwort\n").exit_code == 0
    assert run(home, "users", "passwd", "auditiert", "--password-stdin",
               stdin="noch-ein-passwort\n").exit_code == 0
    result = run(home, "users", "role", "auditiert", "--role", "department",
                 "--department", "jugendamt")
    assert result.exit_code == 0, result.output
    assert "department" in result.output
    assert run(home, "users", "remove", "auditiert").exit_code == 0
    added = _audit(home, "user_added")[-1]
    assert added == (actor, {"via": "cli", "user": "auditiert", "role": "committee",
                             "area": None, "department": None})
    assert _audit(home, "password_changed")[-1] == (actor, {"via": "cli", "user": "auditiert"})
    changed = _audit(home, "role_changed")[-1]
    assert changed[0] == actor
    assert changed[1]["role"] == "department" and changed[1]["department"] == "jugendamt"
    assert changed[1]["previous"]["role"] == "committee"
    assert _audit(home, "user_removed")[-1] == (actor, {"via": "cli", "user": "auditiert"})


def test_users_role_rejects_bad_input_and_changes_nothing(home: Path) -> None:
    assert run(home, "users", "add", "rolle", "--role", "committee", "--password-stdin",
               stdin="ein-gutes-passwort\n").exit_code == 0
    before = run(home, "users", "list").output
    for args, message in ((["--role", "king"], "Unbekannte Rolle"),
                          (["--role", "district"], "Gebiet"),
                          (["--role", "district", "--area", "9999"], "Unbekanntes Gebiet"),
                          (["--role", "committee", "--department", "jugendamt"], "Fachbereich")):
        result = run(home, "users", "role", "rolle", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
    assert run(home, "users", "role", "niemand", "--role", "committee").exit_code == 2
    assert run(home, "users", "list").output == before
    result = run(home, "users", "role", "rolle", "--role", "district", "--area", "0203")
    assert result.exit_code == 0, result.output
    assert "0203" in run(home, "users", "list").output


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "cockpit.example"])
def test_demo_mode_refuses_to_listen_on_the_network(home: Path, tmp_path: Path,
                                                    host: str) -> None:
    result = run(home, "serve", "--demo", "--host", host)
    assert result.exit_code == 2
    assert "Demo-Modus" in result.output and host in result.output
    # Without a store, serve would build the demo: the same refusal, and nothing built.
    result = run(tmp_path / "leer", "serve", "--host", host)
    assert result.exit_code == 2
    assert not (tmp_path / "leer" / "store").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses_count_as_local(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("kaputt.yaml", "type: bars\ntitle: [offen\n", "kein gültiges YAML"),
    ("unbekannt.yaml", "type: bars\ntitle: X\nindicators: [gibt_es_nicht]\n"
                       "level: subdistrict\nroles: [committee]\n",
     "Unbekannter Indikator „gibt_es_nicht“"),
    ("ebene.yaml", "type: bars\ntitle: X\nindicators: [einwohner]\nlevel: kontinent\n"
                   "roles: [committee]\n", "Unbekannte Gebietsebene „kontinent“"),
])
def test_check_names_a_broken_view_file(home: Path, tmp_path: Path, name: str, text: str,
                                        message: str) -> None:
    queries = tmp_path / "queries"
    shutil.copytree(bundled_dir("queries"), queries)
    (queries / "views" / name).write_text(text, encoding="utf-8")
    result = run(home, "check", COCKPIT_QUERIES_DIR=str(queries))
    assert result.exit_code == 1
    assert f"{name}: " in result.output and message in result.output
