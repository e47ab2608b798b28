"""`cockpit load`: exit codes from CONTRACT.md, all-or-nothing publish, archive, log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum

GOOD = ("area_code;period;category;value\n0101;2026;ambulant;7\n0101;2026;stationaer;3\n"
        "0101;2026;teilstationaer;1\n")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("load-home")
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


def run(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), *args])


def _checksum(home: Path) -> tuple[str, str | None]:
    inst = Installation(load_settings(home=str(home)))
    try:
        return data_checksum(inst.store.read()), inst.store.current_version()
    finally:
        inst.store.close()


def test_good_delivery_is_published_archived_and_logged(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "hze_2026.csv"
    source.write_text(GOOD, encoding="utf-8")
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 0, result.output
    assert "3 Werte für 2026 veröffentlicht" in result.output
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    archived = home / "archive" / sha[:2] / sha / source.name
    assert archived.read_bytes() == source.read_bytes()
    inst = Installation(load_settings(home=str(home)))
    conn = inst.store.read()
    assert conn.execute("SELECT sum(value) FROM observations WHERE dataset_id = 'hze' "
                        "AND period = '2026'").fetchone()[0] == 11
    log = conn.execute("SELECT rows, sha256, outcome FROM import_log WHERE dataset_id = 'hze'"
                       ).fetchall()
    assert (3, sha, "published") in log
    inst.store.close()


def test_identical_file_twice_changes_nothing(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "again.csv"
    source.write_text(GOOD.replace("2026", "2027"), encoding="utf-8")
    assert run(home, "load", str(source), "--dataset", "hze", "--yes").exit_code == 0
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 0
    assert "bereits veröffentlicht" in result.output
    assert _checksum(home) == before  # same data and no new snapshot


def test_new_delivery_replaces_its_periods(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(GOOD.replace("2026", "2028"), encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(GOOD.replace("2026", "2028").replace(";7\n", ";9\n"), encoding="utf-8")
    assert run(home, "load", str(first), "--dataset", "hze", "--yes").exit_code == 0
    assert run(home, "load", str(second), "--dataset", "hze", "--yes").exit_code == 0
    inst = Installation(load_settings(home=str(home)))
    total = inst.store.read().execute(
        "SELECT sum(value) FROM observations WHERE dataset_id = 'hze' AND period = '2028'"
    ).fetchone()[0]
    inst.store.close()
    assert total == 13


@pytest.mark.parametrize("content,message", [
    ("", "leer"),
    ("area_code;period;category;value\n", "keine Datenzeilen"),
    ("area_code;period;category;value\n9999;2026;ambulant;4\n", "unbekannt"),
    ("area_code;period;category;value\n0101;2026;ambulant;-4\n", "negativ"),
    ("area_code;period;category;value\n0101;2026;ambulant;=HYPERLINK(\"x\")\n", "Formel"),
    ("area_code;period;value\n0101;2026;4\n", "category"),
])
def test_bad_delivery_is_rejected_with_exit_2_and_store_unchanged(
    home: Path, tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(content, encoding="utf-8")
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 2, result.output
    assert message.lower() in result.output.lower()
    assert "unverändert" in result.output
    assert _checksum(home) == before
    entries = (home / "logs" / "imports.jsonl").read_text().splitlines()
    assert json.loads(entries[-1])["outcome"] == "rejected"


def test_unknown_dataset_and_missing_file_are_bad_input(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text(GOOD, encoding="utf-8")
    assert run(home, "load", str(source), "--dataset", "gibtsnicht").exit_code == 2
    assert run(home, "load", str(tmp_path / "fehlt.csv"), "--dataset", "hze").exit_code == 2


def test_genesis_export_is_mapped_and_published(home: Path, tmp_path: Path) -> None:
    # A GENESIS table as the Regionaldatenbank writes it: title lines, one column
    # per sex, footnotes, Windows-1252, and "." for a secret value.
    areas = [f"0{d}0{s}" for d in range(1, 7) for s in range(1, 5)]
    lines = ["Lebendgeborene nach Geschlecht", "Musterstadt, Stadtteile",
             ";;Lebendgeborene", ";;Insgesamt;männlich;weiblich"]
    lines += [f"2033;{code};{20 + i};{10 + i};{10};" .rstrip(";")
              for i, code in enumerate(areas[:-1])]
    lines += [f"2033;{areas[-1]};.;.;."]
    lines += ["__________", "© Statistisches Landesamt, 2034"]
    source = tmp_path / "12612-01-01-4.csv"
    source.write_bytes("\n".join(lines).encode("cp1252"))
    result = run(home, "load", str(source), "--dataset", "geburten", "--format", "genesis",
                 "--yes")
    assert result.exit_code == 0, result.output
    assert "unbekannt oder geheim" in result.output
    inst = Installation(load_settings(home=str(home)))
    rows = inst.store.read().execute(
        "SELECT area_code, value FROM observations WHERE dataset_id = 'geburten' "
        "AND period = '2033' ORDER BY area_code").fetchall()
    inst.store.close()
    assert rows[0] == ("0101", 20.0)  # the "Insgesamt" column, leading zero kept
    assert len(rows) == 23  # the secret Stadtteil is missing, not a number


def test_xlsx_delivery_is_published_and_a_renamed_zip_rejected(
    home: Path, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["area_code", "period", "category", "value"])
    sheet.append(["0102", "2031", "ambulant", 5])
    sheet.append(["0102", "2031", "stationaer", 4])
    good = tmp_path / "hze.xlsx"
    book.save(good)
    result = run(home, "load", str(good), "--dataset", "hze", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 Werte für 2031" in result.output
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    before = _checksum(home)
    rejected = run(home, "load", str(fake), "--dataset", "hze", "--yes")
    assert rejected.exit_code == 2
    assert "Excel" in rejected.output
    assert _checksum(home) == before


def test_warnings_need_yes(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "extra.csv"
    source.write_text("area_code;period;category;value;bemerkung\n"
                      "0101;2029;ambulant;7;geprüft\n", encoding="utf-8")
    before = _checksum(home)
    refused = run(home, "load", str(source), "--dataset", "hze")
    assert refused.exit_code == 2
    assert "--yes" in refused.output
    assert _checksum(home) == before
    accepted = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert _checksum(home) != before


def test_history_and_rollback_restore_an_earlier_delivery(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1.csv"
    first.write_text(GOOD.replace("2026", "2030"), encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text(GOOD.replace("2026", "2030").replace(";7\n", ";70\n"), encoding="utf-8")
    assert run(home, "load", str(first), "--dataset", "hze", "--yes").exit_code == 0
    assert run(home, "load", str(second), "--dataset", "hze", "--yes").exit_code == 0

    def total() -> float:
        inst = Installation(load_settings(home=str(home)))
        value = inst.store.read().execute(
            "SELECT sum(value) FROM observations WHERE dataset_id = 'hze' AND period = '2030'"
        ).fetchone()[0]
        inst.store.close()
        return value

    assert total() == 74
    listing = run(home, "history", "--dataset", "hze").output
    v1 = next(line.split()[0] for line in listing.splitlines() if "v1.csv" in line)
    result = run(home, "rollback", v1)
    assert result.exit_code == 0, result.output
    assert total() == 11
    assert "wiederhergestellt" in run(home, "history", "--dataset", "hze").output


def test_rollback_of_an_unknown_import_is_bad_input(home: Path) -> None:
    before = _checksum(home)
    assert run(home, "rollback", "hze-gibtsnicht").exit_code == 2
    assert run(home, "history", "--dataset", "gibtsnicht").exit_code == 2
    assert _checksum(home) == before


def test_areas_missing_against_the_previous_delivery_warn(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "partial_2013.csv"
    source.write_text(GOOD.replace("2026", "2013"), encoding="utf-8")
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "hze")
    assert result.exit_code == 2
    assert "gegenüber der vorigen Lieferung (2012)" in result.output
    assert "Sprung gegenüber 2012" in result.output
    assert _checksum(home) == before


def test_area_valid_at_another_time_is_named(home: Path, tmp_path: Path) -> None:
    inst = Installation(load_settings(home=str(home)))
    with inst.store.publish() as conn:  # a Stadtteil dissolved at the end of 2019
        conn.execute("INSERT INTO areas (code, name, level, parent_code, valid_from, valid_to)"
                     " VALUES ('0199', 'Alte Siedlung', 'subdistrict', '01', "
                     "DATE '1990-01-01', DATE '2020-01-01')")
    inst.store.close()
    source = tmp_path / "old_area.csv"
    source.write_text("area_code;period;category;value\n0199;2024;ambulant;5\n",
                      encoding="utf-8")
    before = _checksum(home)
    result = run(home, "load", str(source), "--dataset", "hze", "--yes")
    assert result.exit_code == 2
    assert "gilt für diesen Zeitraum (2024) nicht" in result.output
    assert _checksum(home) == before


def _hze_values(home: Path, period: str) -> list[tuple]:
    inst = Installation(load_settings(home=str(home)))
    rows = inst.store.read().execute(
        "SELECT area_code, category, value FROM observations WHERE dataset_id = 'hze' "
        "AND period = ? ORDER BY area_code, category", [period]).fetchall()
    inst.store.close()
    return rows


def _import_id(home: Path, dataset: str, file_name: str) -> str:
    listing = run(home, "history", "--dataset", dataset).output
    return [line.split()[0] for line in listing.splitlines() if file_name in line][-1]


def test_rollback_of_an_xlsx_sheet_restores_exactly_what_was_published(
    home: Path, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    draft = book.active
    draft.title = "Entwurf"
    for row in (["area_code", "period", "category", "value"], ["0103", "2034", "ambulant", 999]):
        draft.append(row)
    final = book.create_sheet("Final")
    for row in (["area_code", "period", "category", "value"], ["0103", "2034", "ambulant", 5]):
        final.append(row)
    source = tmp_path / "hze-sheets.xlsx"
    book.save(source)
    loaded = run(home, "load", str(source), "--dataset", "hze", "--sheet", "Final", "--yes")
    assert loaded.exit_code == 0, loaded.output
    published = _hze_values(home, "2034")
    assert published == [("0103", "ambulant", 5.0)]
    later = tmp_path / "hze-later.csv"
    later.write_text("area_code;period;category;value\n0103;2034;ambulant;8\n", encoding="utf-8")
    assert run(home, "load", str(later), "--dataset", "hze", "--yes").exit_code == 0
    assert _hze_values(home, "2034") == [("0103", "ambulant", 8.0)]
    result = run(home, "rollback", _import_id(home, "hze", "hze-sheets.xlsx"))
    assert result.exit_code == 0, result.output
    assert _hze_values(home, "2034") == published  # the sheet "Final", not the first one


def test_rollback_of_a_genesis_delivery_restores_exactly_what_was_published(
    home: Path, tmp_path: Path
) -> None:
    def genesis(total: int) -> bytes:
        lines = ["Lebendgeborene nach Geschlecht", "Musterstadt, Stadtteile",
                 ";;Lebendgeborene", ";;Insgesamt;männlich;weiblich",
                 f"2035;0101;{total};{total - 10};10", "__________",
                 "© Statistisches Landesamt, 2036"]
        return "\n".join(lines).encode("cp1252")

    def births() -> list[tuple]:
        inst = Installation(load_settings(home=str(home)))
        rows = inst.store.read().execute(
            "SELECT area_code, sex, value FROM observations WHERE dataset_id = 'geburten' "
            "AND period = '2035' ORDER BY area_code, sex").fetchall()
        inst.store.close()
        return rows

    first = tmp_path / "12612-v1.csv"
    first.write_bytes(genesis(30))
    second = tmp_path / "12612-v2.csv"
    second.write_bytes(genesis(40))
    for source in (first, second):
        loaded = run(home, "load", str(source), "--dataset", "geburten", "--format", "genesis",
                     "--yes")
        assert loaded.exit_code == 0, loaded.output
        if source is first:
            published = births()
    assert births() != published
    result = run(home, "rollback", _import_id(home, "geburten", "12612-v1.csv"))
    assert result.exit_code == 0, result.output
    assert births() == published
