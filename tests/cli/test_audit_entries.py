"""`cockpit load` and `cockpit rollback` leave audit entries with the operating-system user."""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings

GOOD = ("area_code;period;category;value\n0101;2031;ambulant;7\n0101;2031;stationaer;3\n"
        "0101;2031;teilstationaer;1\n")
OS_USER = "sachbearbeitung-7"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audit-cli-home")
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


@pytest.fixture(autouse=True)
def os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: OS_USER)


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def entries(home: Path, action: str) -> list[dict]:
    conn = sqlite3.connect(home / "app.sqlite")
    try:
        rows = conn.execute("SELECT user_name, source, detail FROM audit_log WHERE action = ? "
                            "ORDER BY id", [action]).fetchall()
    finally:
        conn.close()
    return [{"user": user, "source": source, **json.loads(detail)}
            for user, source, detail in rows]


def import_log(home: Path, import_id: str) -> tuple:
    inst = Installation(load_settings(home=str(home)))
    try:
        return inst.store.read().execute(
            "SELECT user_name, sha256 FROM import_log WHERE import_id = ?", [import_id]
        ).fetchone()
    finally:
        inst.store.close()


def test_published_delivery_is_audited_with_the_os_user(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "hze_2031.csv"
    source.write_text(GOOD, encoding="utf-8")
    before = len(entries(home, "delivery_published"))
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 0, result.output
    new = entries(home, "delivery_published")[before:]
    assert len(new) == 1
    entry = new[0]
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert entry["user"] == OS_USER and entry["source"] == "cli"
    assert entry["dataset"] == "hze" and entry["sha256"] == sha and entry["rows"] == 3
    assert entry["import_id"] in result.output
    assert import_log(home, entry["import_id"]) == (OS_USER, sha)
    # publishing the same file again changes nothing and records no second publication
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    assert len(entries(home, "delivery_published")) == before + 1


def test_rejected_delivery_is_audited(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("area_code;period;category;value\n9999;2031;ambulant;x\n",
                      encoding="utf-8")
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 2
    entry = entries(home, "delivery_rejected")[-1]
    assert entry["user"] == OS_USER and entry["source"] == "cli"
    assert entry["dataset"] == "hze" and entry["file"] == "bad.csv"
    assert entry["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert entry["errors"] >= 1
    log = (home / "logs" / "imports.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1])["user"] == OS_USER


def test_rollback_is_audited(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "r1.csv"
    first.write_text(GOOD.replace("2031", "2033"), encoding="utf-8")
    second = tmp_path / "r2.csv"
    second.write_text(GOOD.replace("2031", "2033").replace(";7\n", ";70\n"), encoding="utf-8")
    assert run(home, "load", str(first), "--dataset", "hze", "--yes").exit_code == 0
    assert run(home, "load", str(second), "--dataset", "hze", "--yes").exit_code == 0
    v1 = next(e for e in entries(home, "delivery_published") if e["file"] == "r1.csv")
    result = run(home, "rollback", v1["import_id"])
    assert result.exit_code == 0, result.output
    entry = entries(home, "rollback")[-1]
    assert entry["user"] == OS_USER and entry["source"] == "cli"
    assert entry["restored_import_id"] == v1["import_id"]
    assert entry["dataset"] == "hze" and entry["sha256"] == v1["sha256"]
    assert entry["import_id"] != v1["import_id"] and entry["import_id"] in result.output
    assert import_log(home, entry["import_id"]) == (OS_USER, v1["sha256"])


def test_refused_rollback_leaves_no_entry(home: Path) -> None:
    before = entries(home, "rollback")
    assert run(home, "rollback", "hze-gibtsnicht").exit_code == 2
    assert entries(home, "rollback") == before


def test_nothing_is_published_when_the_audit_log_cannot_be_written(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home = tmp_path_factory.mktemp("audit-cli-broken")
    assert CliRunner().invoke(cli, ["--home", str(home), "init", "--demo"]).exit_code == 0
    inst = Installation(load_settings(home=str(home)))
    version = inst.store.current_version()
    inst.store.close()
    db = home / "app.sqlite"
    for companion in (db, home / "app.sqlite-wal", home / "app.sqlite-shm"):
        companion.unlink(missing_ok=True)
    db.mkdir()  # a directory where the database should be: it cannot be opened
    source = tmp_path / "hze.csv"
    source.write_text(GOOD, encoding="utf-8")
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 1
    assert "Protokoll" in result.output
    inst = Installation(load_settings(home=str(home)))
    assert inst.store.current_version() == version
    inst.store.close()
