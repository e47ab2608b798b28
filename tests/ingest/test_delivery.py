"""One delivery path: load, upload and rollback record the same fields and restore exactly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from cockpit.access import Gate, Viewer
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.ingest import delivery_log
from cockpit.ingest.delivery import DeliveryError, rollback
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum
from cockpit.store.schema import IMPORT_LOG_DELIVERY_COLUMNS

STEWARD = Viewer("steward", "department", department="jugendamt")
FOREIGN = Viewer("schule", "department", department="schulamt")
# Fields of an import that depend on the file and how it was read, not on who, when or how.
SAME_FIELDS = ("file_name", "sha256", "rows", "warnings", "file_format", "sheet", "mapping",
               "definition_sha256")


def _home(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    path = tmp_path_factory.mktemp(name)
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _home(tmp_path_factory, "delivery-home")


@pytest.fixture(scope="module")
def upload_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second installation, to deliver the same file through the page."""
    return _home(tmp_path_factory, "delivery-upload-home")


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def installation(home: Path) -> Installation:
    return Installation(load_settings(home=str(home)))


def state(home: Path) -> tuple[str, str | None]:
    """The published data and the snapshot: both must stay when nothing may change."""
    inst = installation(home)
    try:
        return data_checksum(inst.store.read()), inst.store.current_version()
    finally:
        inst.store.close()


def observations(home: Path, dataset: str, period: str) -> list[tuple]:
    inst = installation(home)
    try:
        return inst.store.read().execute(
            "SELECT area_code, period, sex, category, value FROM observations "
            "WHERE dataset_id = ? AND period = ? ORDER BY ALL", [dataset, period]).fetchall()
    finally:
        inst.store.close()


def import_row(home: Path, import_id: str) -> dict:
    inst = installation(home)
    try:
        cursor = inst.store.read().execute("SELECT * FROM import_log WHERE import_id = ?",
                                           [import_id])
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
    finally:
        inst.store.close()


def newest_import(home: Path, dataset: str, file_name: str) -> str:
    listing = run(home, "history", "--dataset", dataset).output
    return next(line.split()[0] for line in listing.splitlines()
                if file_name in line and "ABGELEHNT" not in line)


def audit_entries(home: Path, action: str) -> list[dict]:
    conn = sqlite3.connect(home / "app.sqlite")
    try:
        rows = conn.execute("SELECT user_name, source, detail FROM audit_log WHERE action = ? "
                            "ORDER BY id", [action]).fetchall()
    finally:
        conn.close()
    return [{"_user": user, "_source": source, **json.loads(detail)}
            for user, source, detail in rows]


def workbook(path: Path, period: str, draft: int, final: int) -> Path:
    """A workbook whose first sheet is a draft and whose sheet "Final" is the delivery."""
    book = Workbook()
    first = book.active
    first.title = "Entwurf"
    header = ["area_code", "period", "category", "value"]
    for row in (header, ["0104", period, "ambulant", draft]):
        first.append(row)
    sheet = book.create_sheet("Final")
    for row in (header, ["0104", period, "ambulant", final]):
        sheet.append(row)
    book.save(path)
    return path


def genesis_file(path: Path, period: str, total: int) -> Path:
    lines = ["Lebendgeborene nach Geschlecht", "Musterstadt, Stadtteile", ";;Lebendgeborene",
             ";;Insgesamt;männlich;weiblich", f"{period};0102;{total};{total - 10};10",
             "__________", "© Statistisches Landesamt"]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    return path


# --- the same fields for every source -----------------------------------------------------


def test_load_upload_and_rollback_record_the_same_import_log_fields(
        home: Path, upload_home: Path, tmp_path: Path) -> None:
    source = workbook(tmp_path / "hze-final.xlsx", "2036", draft=999, final=5)
    loaded = run(home, "load", str(source), "--dataset", "hze", "--sheet", "Final", "--yes")
    assert loaded.exit_code == 0, loaded.output
    cli_row = import_row(home, newest_import(home, "hze", "hze-final.xlsx"))

    inst = installation(upload_home)
    desk = Gate(inst).deliveries(STEWARD)
    dataset = desk.dataset("hze")
    checked = desk.check(dataset, source, shown=False, sheet="Final")
    uploaded = desk.publish(dataset, source, checked, sheet="Final")
    inst.store.close()
    upload_row = import_row(upload_home, uploaded.import_id)

    later = tmp_path / "hze-later.csv"
    later.write_text("area_code;period;category;value\n0104;2036;ambulant;8\n", encoding="utf-8")
    assert run(home, "load", str(later), "--dataset", "hze", "--yes").exit_code == 0
    restored = run(home, "rollback", cli_row["import_id"])
    assert restored.exit_code == 0, restored.output
    rollback_row = import_row(home, newest_import(home, "hze", "hze-final.xlsx"))

    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert {k: cli_row[k] for k in SAME_FIELDS} == {
        "file_name": "hze-final.xlsx", "sha256": sha, "rows": 1, "warnings": cli_row["warnings"],
        "file_format": "xlsx", "sheet": "Final", "mapping": None,
        "definition_sha256": hashlib.sha256(
            installation(home).catalog.datasets["hze"].path.read_bytes()).hexdigest()}
    for row in (upload_row, rollback_row):
        assert {k: row[k] for k in SAME_FIELDS} == {k: cli_row[k] for k in SAME_FIELDS}
    assert (cli_row["source"], upload_row["source"], rollback_row["source"]) == (
        "cli", "upload", "rollback")
    assert (upload_row["user_name"], rollback_row["restored_from"]) == (
        "steward", cli_row["import_id"])
    # the journal beside the store has the same fields for all three
    journal = [e for e in delivery_log.entries(installation(home).settings.log_dir, "hze")
               if e["sha256"] == sha and e["outcome"] == "published"]
    assert [e["source"] for e in journal] == ["cli", "rollback"]
    assert all(e["sheet"] == "Final" and e["file_format"] == "xlsx" for e in journal)


def test_another_sheet_of_a_published_workbook_is_a_new_delivery(
        home: Path, tmp_path: Path) -> None:
    source = workbook(tmp_path / "two-sheets.xlsx", "2037", draft=9, final=6)
    first = run(home, "load", str(source), "--dataset", "hze", "--sheet", "Entwurf", "--yes")
    assert first.exit_code == 0, first.output
    second = run(home, "load", str(source), "--dataset", "hze", "--sheet", "Final", "--yes")
    assert second.exit_code == 0, second.output
    assert "bereits veröffentlicht" not in second.output
    assert observations(home, "hze", "2037") == [("0104", "2037", "_T", "ambulant", 6.0)]


# --- rollback restores exactly what was published -----------------------------------------


def test_page_rollback_of_a_sheet_delivery_restores_what_was_published(
        home: Path, tmp_path: Path) -> None:
    source = workbook(tmp_path / "hze-page.xlsx", "2038", draft=999, final=5)
    inst = installation(home)
    desk = Gate(inst).deliveries(STEWARD)
    dataset = desk.dataset("hze")
    first = desk.publish(dataset, source, desk.check(dataset, source, shown=False,
                                                     sheet="Final"), sheet="Final")
    published = observations(home, "hze", "2038")
    assert published == [("0104", "2038", "_T", "ambulant", 5.0)]
    later = tmp_path / "later.csv"
    later.write_text("area_code;period;category;value\n0104;2038;ambulant;7\n")
    desk.publish(dataset, later, desk.check(dataset, later, shown=False))
    assert observations(home, "hze", "2038") != published
    restored = desk.rollback(first.import_id)
    inst.store.close()
    assert restored.outcome == "published"
    assert observations(home, "hze", "2038") == published  # sheet "Final", not the draft
    row = import_row(home, restored.import_id)
    assert (row["source"], row["user_name"], row["restored_from"]) == (
        "rollback", "steward", first.import_id)


def test_page_rollback_of_a_foreign_dataset_is_refused_and_changes_nothing(
        home: Path, tmp_path: Path) -> None:
    source = tmp_path / "hze-2039.csv"
    source.write_text("area_code;period;category;value\n0104;2039;ambulant;4\n")
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    import_id = newest_import(home, "hze", "hze-2039.csv")
    before = state(home)
    inst = installation(home)
    with pytest.raises(DeliveryError) as refused:
        Gate(inst).deliveries(FOREIGN).rollback(import_id)
    with pytest.raises(DeliveryError) as unknown:
        Gate(inst).deliveries(FOREIGN).rollback("hze-gibtsnicht")
    inst.store.close()
    # foreign and unknown imports answer alike, so the refusal reveals nothing
    assert refused.value.message.replace(import_id, "X") == \
        unknown.value.message.replace("hze-gibtsnicht", "X")
    assert state(home) == before


def test_genesis_rollback_uses_the_mapping_it_was_published_with(
        home: Path, tmp_path: Path) -> None:
    first = genesis_file(tmp_path / "12612-a.csv", "2039", 30)
    second = genesis_file(tmp_path / "12612-b.csv", "2039", 44)
    assert run(home, "load", str(first), "--dataset", "geburten", "--format", "genesis",
               "--yes").exit_code == 0
    published = observations(home, "geburten", "2039")
    assert published and all(row[4] in (30.0, 20.0, 10.0) for row in published)
    first_id = newest_import(home, "geburten", "12612-a.csv")
    assert json.loads(import_row(home, first_id)["mapping"]) == \
        installation(home).catalog.datasets["geburten"].genesis_columns
    assert run(home, "load", str(second), "--dataset", "geburten", "--format", "genesis",
               "--yes").exit_code == 0
    # Today's definition maps the GENESIS columns differently (only the total is kept);
    # the rollback still reads the file with the mapping it was published with.
    inst = installation(home)
    geburten = inst.catalog.datasets["geburten"]
    changed = tmp_path / "geburten.yaml"
    changed.write_text(geburten.path.read_text(encoding="utf-8") + "\n# geändert\n",
                       encoding="utf-8")
    inst.catalog.datasets["geburten"] = dataclasses.replace(
        geburten, genesis_columns={"merkmal_1": {"keep": "nichts"}}, path=changed)
    checked, result = rollback(inst, first_id, user="tester")
    inst.store.close()
    assert result.outcome == "published"
    assert observations(home, "geburten", "2039") == published
    # and it says that today's definition is not the one the delivery was checked against
    assert any("Definition des Datensatzes geburten hat sich" in p.message
               for p in checked.report.problems)


@pytest.mark.parametrize("lose", ["file", "reading"])
def test_rollback_without_archived_file_or_reading_fails_and_changes_nothing(
        home: Path, tmp_path: Path, lose: str) -> None:
    source = tmp_path / f"hze-lose-{lose}.csv"
    source.write_text(f"area_code;period;category;value\n0104;2040;ambulant;{len(lose)}\n")
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    import_id = newest_import(home, "hze", source.name)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    folder = home / "archive" / sha[:2] / sha
    (folder / (source.name if lose == "file" else f"{import_id}.reading.json")).unlink()
    before = state(home)
    failed_before = len(audit_entries(home, "delivery_failed"))
    result = run(home, "rollback", import_id)
    assert result.exit_code == 1, result.output
    assert ("Datei" if lose == "file" else "Leseangaben") in result.output
    assert "unverändert" in result.output
    assert state(home) == before
    (entry,) = audit_entries(home, "delivery_failed")[failed_before:]
    assert (entry["delivery_source"], entry["restored_import_id"], entry["sha256"]) == (
        "rollback", import_id, sha)
    last = list(delivery_log.entries(home / "logs", "hze"))[-1]
    assert (last["outcome"], last["source"], last["restored_from"]) == (
        "failed", "rollback", import_id)
    assert "FEHLGESCHLAGEN" in run(home, "history", "--dataset", "hze").output


def test_rollback_that_fails_todays_checks_is_rejected_and_changes_nothing(
        home: Path, tmp_path: Path) -> None:
    source = tmp_path / "hze-2041.csv"
    source.write_text("area_code;period;category;value\n0104;2041;ambulant;3\n")
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    import_id = newest_import(home, "hze", "hze-2041.csv")
    inst = installation(home)
    with inst.store.publish() as conn:  # the Stadtteil no longer exists
        conn.execute("UPDATE areas SET code = '0199' WHERE code = '0104'")
    inst.store.close()
    before = state(home)
    result = run(home, "rollback", import_id)
    assert result.exit_code == 2, result.output
    assert "unbekannt" in result.output and "unverändert" in result.output
    assert state(home) == before
    last = list(delivery_log.entries(home / "logs", "hze"))[-1]
    assert (last["outcome"], last["source"]) == ("rejected", "rollback")
    inst = installation(home)
    with inst.store.publish() as conn:
        conn.execute("UPDATE areas SET code = '0104' WHERE code = '0199'")
    inst.store.close()


# --- rejected deliveries are logged alike ---------------------------------------------------


def test_rejected_upload_is_logged_like_a_rejected_load(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "kaputt.csv"
    bad.write_text("area_code;period;category;value\n9999;2042;ambulant;-1\n")
    before = state(home)
    assert run(home, "load", str(bad), "--dataset", "hze", "--yes").exit_code == 2
    audit: list[tuple[str, str, dict]] = []
    inst = installation(home)
    desk = Gate(inst, audit=lambda user, action, detail: audit.append(
        (user, action, json.loads(detail)))).deliveries(STEWARD)
    dataset = desk.dataset("hze")
    desk.record_check(dataset, bad, desk.check(dataset, bad))
    inst.store.close()
    assert state(home) == before
    cli_entry, upload_entry = list(delivery_log.entries(home / "logs", "hze",
                                                        outcomes=("rejected",)))[-2:]
    for entry in (cli_entry, upload_entry):
        assert entry["outcome"] == "rejected" and entry["file_name"] == "kaputt.csv"
        assert entry["errors"] == 2 and entry["file_format"] == "csv"
        assert set(entry) >= {c for c, _ in IMPORT_LOG_DELIVERY_COLUMNS}
    assert (upload_entry["user_name"], upload_entry["source"]) == ("steward", "upload")
    assert cli_entry["source"] == "cli"
    drop = ("import_id", "user_name", "user", "source", "started_at", "finished_at", "at")
    assert {k: v for k, v in cli_entry.items() if k not in drop} == \
        {k: v for k, v in upload_entry.items() if k not in drop}
    rejected = [detail for user, action, detail in audit if action == "delivery_rejected"]
    assert rejected == [{**rejected[0], "delivery_source": "upload", "dataset": "hze",
                         "import_id": upload_entry["import_id"], "errors": 2}]
    listing = run(home, "history", "hze").output  # the dataset as an argument, too
    line = next(line for line in listing.splitlines() if upload_entry["import_id"] in line)
    assert "steward" in line and "Datenlieferung" in line and "ABGELEHNT" in line


# --- snapshots from before the delivery columns ------------------------------------------


def test_snapshot_without_delivery_columns_is_listed_and_upgraded(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    home = _home(tmp_path_factory, "delivery-old-home")
    inst = installation(home)
    with inst.store.publish() as conn:  # an import log as the first release wrote it
        for name, _ in IMPORT_LOG_DELIVERY_COLUMNS:
            conn.execute(f"ALTER TABLE import_log DROP COLUMN {name}")
    inst.store.close()
    assert "0 veröffentlichte" in run(home, "history", "--dataset", "hze").output
    source = tmp_path / "hze-2043.csv"
    source.write_text("area_code;period;category;value\n0104;2043;ambulant;3\n")
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    row = import_row(home, newest_import(home, "hze", "hze-2043.csv"))
    assert (row["source"], row["file_format"]) == ("cli", "csv")
