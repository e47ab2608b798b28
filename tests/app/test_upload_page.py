"""Datenlieferung: who may deliver what, report in the browser, publish only when clean."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time

import pytest

from cockpit.app.server import create_server
from cockpit.appdb import add_user, create_demo_users
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings
from cockpit.store.checksum import data_checksum
from tests.app.conftest import ROLES, callback, login, render_page, response_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """Its own demo store: these tests publish, the session's demo must stay untouched."""
    inst = Installation(load_settings(home=str(tmp_path_factory.mktemp("upload-home"))))
    build_demo_store(inst.store, inst.catalog)
    return inst


@pytest.fixture(scope="module")
def clients(demo: Installation) -> dict:
    server = create_server(demo, secret_key="upload-test", warm=False)
    with demo.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="jugendamt")
    result = {}
    for user, password in created:
        client = server.test_client()
        assert login(client, user.name, password).status_code == 302
        result[user.role] = client
    assert set(result) == set(ROLES)
    return result

CHECK = ["upload-report.children", "upload-grid.rowData", "upload-token.data",
         "upload-publish.disabled", "upload-download-button.disabled"]
PUBLISH = "upload-result.children"


def _contents(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def check(client, text: str, dataset: str = "hze", name: str = "lieferung.csv"):
    return callback(client, CHECK, {"upload-file.contents": _contents(text),
                                    "upload-dataset.value": dataset},
                    state={"upload-file.filename": name})


def publish(client, token: str | None, dataset: str = "hze", confirmed: bool = True):
    return callback(client, PUBLISH, {"upload-publish.n_clicks": 1},
                    state={"upload-token.data": token, "upload-dataset.value": dataset,
                           "upload-confirm.value": confirmed})


@pytest.mark.parametrize("role,allowed", [("admin", True), ("controlling", True),
                                          ("department", True), ("leadership", False),
                                          ("district", False), ("committee", False)])
def test_page_only_for_delivering_roles(clients, role: str, allowed: bool) -> None:
    body = response_text(render_page(clients[role], "/lieferung"))
    assert ("upload-file" in body) is allowed
    assert ("Berechtigung" in body) is not allowed
    nav = response_text(clients[role].get("/_dash-layout"))
    assert ("/lieferung" in nav) is allowed


def test_department_may_deliver_only_its_own_datasets(clients) -> None:
    body = response_text(render_page(clients["department"], "/lieferung"))
    assert '"value": "hze"' in body
    assert '"value": "sgb2"' not in body  # statistik's dataset
    refused = check(clients["department"], "area_code;period;value\n0101;2024;5\n", "sgb2")
    assert "Berechtigung" in response_text(refused)
    assert refused.json["response"]["upload-token"]["data"] is None


def test_committee_callbacks_are_refused(clients) -> None:
    response = check(clients["committee"], "area_code;period;category;value\n")
    assert "Berechtigung" in response_text(response)


def test_bad_file_shows_report_and_cannot_be_published(clients, demo) -> None:
    before = data_checksum(demo.store.read())
    response = check(clients["controlling"],
                     "area_code;period;category;value\n9999;2024;ambulant;-1\n")
    out = response.json["response"]
    messages = " ".join(row["message"] for row in out["upload-grid"]["rowData"])
    assert "unbekannt" in messages
    assert out["upload-publish"]["disabled"] is True
    token = out["upload-token"]["data"]
    assert "Abgelehnt" in response_text(publish(clients["controlling"], token))
    assert data_checksum(demo.store.read()) == before


def test_clean_file_is_published_after_confirming_warnings(clients, demo) -> None:
    rows = "".join(f"{code};2032;{cat};{n}\n" for code in
                   [f"0{d}0{s}" for d in range(1, 7) for s in range(1, 5)]
                   for cat, n in (("ambulant", 20), ("teilstationaer", 3), ("stationaer", 9)))
    response = check(clients["department"], "area_code;period;category;value\n" + rows)
    out = response.json["response"]
    assert out["upload-publish"]["disabled"] is False, response_text(response)
    token = out["upload-token"]["data"]
    before = data_checksum(demo.store.read())
    published = publish(clients["department"], token, confirmed=False)
    if "bestätigen" in response_text(published):
        assert data_checksum(demo.store.read()) == before
        published = publish(clients["department"], token)
    assert "veröffentlicht" in response_text(published)
    assert demo.store.read().execute(
        "SELECT sum(value) FROM observations WHERE dataset_id = 'hze' AND period = '2032'"
    ).fetchone()[0] == 24 * 32


@pytest.mark.parametrize("token", [None, "../../etc", "x" * 8, "a" * 40])
def test_forged_tokens_publish_nothing(clients, demo, token) -> None:
    before = data_checksum(demo.store.read())
    response = publish(clients["controlling"], token)
    assert response.status_code == 200
    assert "veröffentlicht" not in response_text(response)
    assert data_checksum(demo.store.read()) == before


def test_report_download_is_formula_safe(clients) -> None:
    response = check(clients["controlling"],
                     "area_code;period;category;value\n0101;2024;ambulant;=HYPERLINK(\"x\")\n")
    token = response.json["response"]["upload-token"]["data"]
    download = callback(clients["controlling"], "upload-download.data",
                        {"upload-download-button.n_clicks": 1},
                        state={"upload-token.data": token, "upload-dataset.value": "hze"})
    content = download.json["response"]["upload-download"]["data"]["content"]
    assert content.startswith("Art;Zeile;Spalte;Meldung")
    assert "\n=" not in content and ";=" not in content


# --- finding 1: the check report is no oracle for published values ----------------------------

DOWNLOAD_OUT = "upload-download.data"
LATEST, PREVIOUS = "2025", "2024"


def _audit_rows(demo: Installation, action: str) -> list[tuple[str, dict]]:
    with demo.app_db() as conn:
        rows = conn.execute("SELECT user_name, detail FROM audit_log WHERE action = ? "
                            "ORDER BY id", (action,)).fetchall()
    return [(user, json.loads(detail or "{}")) for user, detail in rows]


def _million_file(demo: Installation, leave_out: tuple[str, ...] = ()) -> str:
    """Every (Stadtteil, Hilfeart) of the latest hze period, each 1,000,000."""
    keys = demo.store.read().execute(
        "SELECT DISTINCT area_code, category FROM observations WHERE dataset_id = 'hze' "
        "AND period = ? ORDER BY 1, 2", [LATEST]).fetchall()
    rows = "".join(f"{area};{LATEST};{category};1000000\n" for area, category in keys
                   if area not in leave_out)
    return "area_code;period;category;value\n" + rows


def _report_and_download(client, text: str) -> tuple[str, list, str]:
    response = check(client, text)
    assert response.status_code == 200, response_text(response)
    out = response.json["response"]
    token = out["upload-token"]["data"]
    download = callback(client, DOWNLOAD_OUT, {"upload-download-button.n_clicks": 1},
                        state={"upload-token.data": token, "upload-dataset.value": "hze"})
    assert download.status_code == 200, response_text(download)
    content = download.json["response"]["upload-download"]["data"]["content"]
    report = json.dumps(out["upload-report"]["children"], ensure_ascii=False)
    return report, out["upload-grid"]["rowData"], content


def _republish_previous(demo: Installation, change: str) -> None:
    """Change what is published for the previous period (a new snapshot)."""
    with demo.store.publish() as conn:
        conn.execute(change)


def test_department_check_report_does_not_reveal_published_values(clients, demo) -> None:
    previous = [value for (value,) in demo.store.read().execute(
        "SELECT value FROM observations WHERE dataset_id = 'hze' AND period = ? "
        "AND value IS NOT NULL", [PREVIOUS]).fetchall()]
    assert any(0 < v < 3 for v in previous)  # the demo has hidden small counts to leak
    text = _million_file(demo, leave_out=("0101",))
    report, rows, content = _report_and_download(clients["department"], text)
    messages = [row["message"] for row in rows]
    everything = report + json.dumps(rows, ensure_ascii=False) + content
    assert "%" not in everything
    assert "→" not in everything and "Sprung" not in everything
    assert "weniger als" not in everything
    assert not any(f"gegenüber {PREVIOUS}" in m or f"({PREVIOUS})" in m for m in messages)
    # The one info line says why no comparison with published data is shown.
    assert sum("veröffentlicht" in m and "Vergleich" in m for m in messages) == 1
    # Missing areas are named against the territory, not against the previous delivery.
    assert any("0101" in m and "fehlt" in m for m in messages)
    # Every number in the report comes from the file: value, period, area codes, counts.
    numbers = {n for m in messages for n in re.findall(r"\d[\d.]*\d|\d", m)}
    codes = {line.split(";")[0] for line in text.splitlines()[1:]} | {"0101"}
    assert numbers <= {"1.000.000", LATEST, "1"} | codes, numbers

    # The report is a function of the file: other published values, same report.
    _republish_previous(demo, "UPDATE observations SET value = value * 3 + 1 "
                              f"WHERE dataset_id = 'hze' AND period = '{PREVIOUS}'")
    _republish_previous(demo, "DELETE FROM observations WHERE dataset_id = 'hze' "
                              f"AND period = '{PREVIOUS}' AND area_code = '0102'")
    assert _report_and_download(clients["department"], text) == (report, rows, content)


def test_controlling_sees_the_comparison_and_it_is_audited(clients, demo) -> None:
    before = len(_audit_rows(demo, "raw_view"))
    report, rows, content = _report_and_download(clients["controlling"], _million_file(demo))
    jumps = [row["message"] for row in rows if "Sprung" in row["message"]]
    assert jumps and all(f"gegenüber {PREVIOUS}" in m for m in jumps)
    assert any("%" in m for m in jumps)
    audited = _audit_rows(demo, "raw_view")[before:]
    # one entry for the check, one for the report download: each quotes published values
    assert len(audited) == 2
    user, detail = audited[0]
    assert user == "demo-controlling"
    assert detail["dataset"] == "hze"
    assert detail["periods"] == [PREVIOUS]
    assert detail["published_cells"] == len(jumps)


# --- finding 12: an upload token works only for the user who checked the file ----------------

CLEAN_2033 = "area_code;period;category;value\n" + "".join(
    f"0{d}0{s};2033;{cat};{n}\n" for d in range(1, 7) for s in range(1, 5)
    for cat, n in (("ambulant", 21), ("teilstationaer", 4), ("stationaer", 8)))


@pytest.fixture(scope="module")
def colleague(clients, demo):
    """A second Jugendamt steward, logged in: same department, another person."""
    server = clients["department"].application
    with demo.app_db() as conn:
        add_user(conn, "jugendamt-zwei", "department", "Kollegin-Passwort-2026",
                 department="jugendamt")
    client = server.test_client()
    assert login(client, "jugendamt-zwei", "Kollegin-Passwort-2026").status_code == 302
    return client


def test_upload_token_works_only_for_its_uploader(clients, colleague, demo) -> None:
    token = check(clients["department"], CLEAN_2033).json["response"]["upload-token"]["data"]
    before = data_checksum(demo.store.read())
    for other in (colleague, clients["controlling"], clients["admin"]):
        refused = publish(other, token)
        assert refused.status_code == 200
        assert "andere Person" in response_text(refused)
        assert "veröffentlicht" not in response_text(refused)
        download = callback(other, DOWNLOAD_OUT, {"upload-download-button.n_clicks": 1},
                            state={"upload-token.data": token, "upload-dataset.value": "hze"})
        assert download.status_code == 403
        assert "andere Person" in download.get_data(as_text=True)
    assert data_checksum(demo.store.read()) == before
    # The uploader still can.
    assert "veröffentlicht" in response_text(publish(clients["department"], token))


# --- finding 8: upload folders expire ---------------------------------------------------------


def _upload_folders(demo: Installation) -> set[str]:
    root = demo.settings.uploads_dir
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def test_published_upload_folder_is_deleted(clients, demo) -> None:
    rows = CLEAN_2033.replace("2033", "2034")
    token = check(clients["department"], rows).json["response"]["upload-token"]["data"]
    assert token in _upload_folders(demo)
    assert "veröffentlicht" in response_text(publish(clients["department"], token))
    assert token not in _upload_folders(demo)


def test_old_upload_folders_are_deleted_when_a_new_upload_arrives(clients, demo) -> None:
    old = check(clients["department"], CLEAN_2033).json["response"]["upload-token"]["data"]
    young = check(clients["department"], CLEAN_2033).json["response"]["upload-token"]["data"]
    day_ago = time.time() - 25 * 3600
    os.utime(demo.settings.uploads_dir / old, (day_ago, day_ago))
    record = demo.settings.uploads_dir / old / "upload.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "created": day_ago}))
    newest = check(clients["department"], CLEAN_2033).json["response"]["upload-token"]["data"]
    assert old not in _upload_folders(demo)
    assert {young, newest} <= _upload_folders(demo)
    # An expired token is refused with a German message, not a 500.
    assert "nicht mehr vorhanden" in response_text(publish(clients["department"], old))


# --- finding 9: malformed callback inputs answer 400, never 500 -------------------------------


@pytest.mark.parametrize("inputs,state", [
    ({"upload-file.contents": 5, "upload-dataset.value": "hze"}, {}),
    ({"upload-file.contents": ["a"], "upload-dataset.value": "hze"}, {}),
    ({"upload-file.contents": _contents("x"), "upload-dataset.value": []}, {}),
    ({"upload-file.contents": _contents("x"), "upload-dataset.value": {"a": 1}}, {}),
    ({"upload-file.contents": _contents("x"), "upload-dataset.value": "hze"},
     {"upload-file.filename": ["a.csv"]}),
    ({"upload-file.contents": _contents("x"), "upload-dataset.value": "hze"},
     {"upload-file.filename": 7}),
])
def test_malformed_check_inputs_answer_400(clients, inputs, state) -> None:
    response = callback(clients["department"], CHECK, inputs,
                        state={"upload-file.filename": "a.csv", **state})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


@pytest.mark.parametrize("clicks,token,dataset,confirmed", [
    (1, 1, "hze", True), (1, ["x" * 32], "hze", True), (1, {"t": 1}, "hze", True),
    (1, "x" * 32, [], True), (1, "x" * 32, 5, True),
    (1, "x" * 32, "hze", "x"), (1, "x" * 32, "hze", [True]),
    ("1", "x" * 32, "hze", True), ([1], "x" * 32, "hze", True), (True, "x" * 32, "hze", True),
])
def test_malformed_publish_inputs_answer_400(clients, demo, clicks, token, dataset,
                                             confirmed) -> None:
    before = data_checksum(demo.store.read())
    response = callback(clients["department"], PUBLISH, {"upload-publish.n_clicks": clicks},
                        state={"upload-token.data": token, "upload-dataset.value": dataset,
                               "upload-confirm.value": confirmed})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)
    assert data_checksum(demo.store.read()) == before


@pytest.mark.parametrize("clicks,token,dataset", [
    (1, 1, "hze"), (1, ["x" * 32], "hze"), (1, "x" * 32, []), (1, "x" * 32, 3.5),
    ("1", "x" * 32, "hze"), ({"n": 1}, "x" * 32, "hze"),
])
def test_malformed_download_inputs_answer_400(clients, clicks, token, dataset) -> None:
    response = callback(clients["department"], DOWNLOAD_OUT,
                        {"upload-download-button.n_clicks": clicks},
                        state={"upload-token.data": token, "upload-dataset.value": dataset})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.get_data(as_text=True)


# --- audit entries of the page ----------------------------------------------------------------


def test_checks_rejections_and_publishing_are_audited(clients, demo) -> None:
    bad = "area_code;period;category;value\n9999;2024;ambulant;-1\n"
    before = {action: len(_audit_rows(demo, action))
              for action in ("delivery_checked", "delivery_rejected", "delivery_published")}
    check(clients["department"], bad)
    (user, checked), = _audit_rows(demo, "delivery_checked")[before["delivery_checked"]:]
    assert user == "demo-department"
    assert checked["dataset"] == "hze"
    assert checked["sha256"] == hashlib.sha256(bad.encode()).hexdigest()
    assert checked["errors"] >= 1 and checked["warnings"] == 0
    (user, rejected), = _audit_rows(demo, "delivery_rejected")[before["delivery_rejected"]:]
    assert (user, rejected["sha256"]) == ("demo-department", checked["sha256"])
    # Rejected uploads are logged beside the store like rejected `cockpit load` runs.
    lines = (demo.settings.log_dir / "imports.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert (entry["outcome"], entry["user"], entry["dataset"], entry["sha256"]) == (
        "rejected", "demo-department", "hze", checked["sha256"])

    good = CLEAN_2033.replace("2033", "2035")
    token = check(clients["department"], good).json["response"]["upload-token"]["data"]
    result = response_text(publish(clients["department"], token))
    (user, published), = _audit_rows(demo, "delivery_published")[before["delivery_published"]:]
    assert user == "demo-department"
    assert published["dataset"] == "hze"
    assert published["import_id"] in result
    assert published["sha256"] == hashlib.sha256(good.encode()).hexdigest()


def test_report_shows_skipped_levels_and_refuses_wrong_names(clients, demo) -> None:
    before = data_checksum(demo.store.read())
    response = check(clients["controlling"], "area_code;area_name;period;category;value\n"
                     "00;Musterstadt;2024;ambulant;5\n0101;Hamburg;2024;ambulant;3\n"
                     "0102;Bremen;2024;ambulant;4\n")
    out = response.json["response"]
    assert "davon 1 übersprungen" in json.dumps(out["upload-report"], ensure_ascii=False)
    rows = out["upload-grid"]["rowData"]
    messages = [(row["severity"], row["message"]) for row in rows]
    assert ("Hinweis", "Übersprungen (Ebene nicht im Datensatz): 1 Gebiet der Ebene Stadt"
            ) in messages
    assert any(severity == "Fehler" and "heißt hier „Altstadt“, in der Lieferung „Hamburg“"
               in message for severity, message in messages)
    assert out["upload-publish"]["disabled"] is True
    assert "Abgelehnt" in response_text(publish(clients["controlling"],
                                                out["upload-token"]["data"]))
    assert data_checksum(demo.store.read()) == before


# --- issue 7: one delivery path; the page's history and rollback ------------------------------

HISTORY_OUT = ["upload-history.rowData", "upload-rollback-id.options"]
ROLLBACK_OUT = "upload-rollback-result.children"


def history(client, dataset: str = "hze") -> tuple[list[dict], list[dict]]:
    response = callback(client, HISTORY_OUT, {"upload-dataset.value": dataset,
                                              "upload-result.children": None,
                                              "upload-rollback-result.children": None})
    assert response.status_code == 200, response_text(response)
    out = response.json["response"]
    return out["upload-history"]["rowData"], out["upload-rollback-id"]["options"]


def rollback(client, import_id: str | None):
    return callback(client, ROLLBACK_OUT, {"upload-rollback.n_clicks": 1},
                    state={"upload-rollback-id.value": import_id})


def test_rejected_upload_is_recorded_like_a_rejected_load(clients, demo) -> None:
    from click.testing import CliRunner

    from cockpit.cli import cli
    from cockpit.ingest import delivery_log

    bad = "area_code;period;category;value\n0101;2044;ambulant;-7\n"
    before = data_checksum(demo.store.read())
    check(clients["department"], bad, name="abgelehnt-2044.csv")
    assert data_checksum(demo.store.read()) == before
    entry = list(delivery_log.entries(demo.settings.log_dir, "hze"))[-1]
    assert (entry["outcome"], entry["source"], entry["user_name"], entry["file_name"],
            entry["file_format"]) == ("rejected", "upload", "demo-department",
                                      "abgelehnt-2044.csv", "csv")
    (_, audited), = [row for row in _audit_rows(demo, "delivery_rejected")
                     if row[1].get("import_id") == entry["import_id"]]
    assert (audited["delivery_source"], audited["errors"]) == ("upload", 1)
    rows, _ = history(clients["department"])
    row = next(r for r in rows if r["import"] == entry["import_id"])
    assert (row["user"], row["outcome"], row["how"], row["count"]) == (
        "demo-department", "abgelehnt", "Datenlieferung, csv", 1)
    listing = CliRunner().invoke(cli, ["--home", str(demo.settings.home), "history", "hze"])
    line = next(line for line in listing.output.splitlines() if entry["import_id"] in line)
    assert "demo-department" in line and "ABGELEHNT" in line


def test_page_rollback_restores_an_earlier_upload(clients, demo) -> None:
    def values() -> list[tuple]:
        return demo.store.read().execute(
            "SELECT area_code, category, value FROM observations WHERE dataset_id = 'hze' "
            "AND period = '2045' ORDER BY ALL").fetchall()

    first = CLEAN_2033.replace("2033", "2045")
    token = check(clients["department"], first).json["response"]["upload-token"]["data"]
    assert "veröffentlicht" in response_text(publish(clients["department"], token))
    published = values()
    second = first.replace(";21\n", ";23\n")
    token = check(clients["department"], second).json["response"]["upload-token"]["data"]
    assert "veröffentlicht" in response_text(publish(clients["department"], token))
    assert values() != published
    _, options = history(clients["department"])
    first_sha = hashlib.sha256(first.encode()).hexdigest()
    first_id = next(entry["import_id"] for entry in _audit_rows_detail(demo, "delivery_published")
                    if entry["sha256"] == first_sha)
    assert first_id in [option["value"] for option in options]
    # Who may not deliver hze may not restore it either; nothing changes.
    before = data_checksum(demo.store.read())
    refused = rollback(clients["committee"], first_id)
    assert "veröffentlicht" not in response_text(refused)
    assert data_checksum(demo.store.read()) == before
    restored = rollback(clients["department"], first_id)
    assert f"Wiederhergestellt aus {first_id}" in response_text(restored)
    assert values() == published
    (user, entry), = [row for row in _audit_rows(demo, "rollback")
                      if row[1]["restored_import_id"] == first_id]
    assert (user, entry["delivery_source"]) == ("demo-department", "rollback")
    rows, _ = history(clients["department"])
    assert rows[0]["how"] == "Wiederherstellung, csv" and rows[0]["outcome"] == "veröffentlicht"
    assert set(rows[0]) == {"when", "import", "user", "file", "how", "outcome", "count"}


def _audit_rows_detail(demo: Installation, action: str) -> list[dict]:
    return [detail for _, detail in _audit_rows(demo, action)]


def test_history_of_a_foreign_dataset_is_empty(clients) -> None:
    assert history(clients["department"], "sgb2") == ([], [])
