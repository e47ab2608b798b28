"""The export routes per role, against the gate: scope, suppression, errors, audit, PDF."""

from __future__ import annotations

import csv
import io
import json
from contextlib import closing
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from pypdf import PdfReader

from cockpit.access import Gate, Viewer

HZE = "hze_stationaer_je_1000_unter_21"  # restricted (jugendamt), has suppressed cells
PUBLIC = "einwohner"
DISTRICT_01 = {"01", "0101", "0102", "0103", "0104"}
VIEWERS = {
    "admin": Viewer("t-admin", "admin"),
    "leadership": Viewer("t-leadership", "leadership"),
    "district": Viewer("t-district", "district", area_code="01"),
    "committee": Viewer("t-committee", "committee"),
    "department": Viewer("t-department", "department", department="jugendamt"),
}


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data[3:].decode("utf-8")), delimiter=";"))


def audit_entries(demo, action: str, user: str) -> list[dict[str, Any]]:
    with closing(demo.app_db()) as conn:
        rows = conn.execute("SELECT detail, source FROM audit_log WHERE action = ? AND "
                            "user_name = ? ORDER BY id", (action, user)).fetchall()
    return [{**json.loads(detail), "source": source} for detail, source in rows]


def _period_with_suppression(gate: Gate) -> str:
    rows = gate.rows(VIEWERS["leadership"], HZE, level="subdistrict", all_periods=True)
    return next(r.period for r in rows if r.suppressed)


# -- CSV and XLSX equal the gate's rows cell by cell ----------------------------------------

def test_csv_equals_the_gate_rows_with_marks(clients, gate) -> None:
    period = _period_with_suppression(gate)
    rows = csv_rows(clients["leadership"].get(
        f"/export/indicators/{HZE}.csv?level=subdistrict&period={period}"))
    expected = gate.rows(VIEWERS["leadership"], HZE, level="subdistrict", period=period)
    assert rows[0][:4] == ["Gebietsschlüssel", "Gebiet", "Ebene", "Zeitraum"]
    assert len(rows) - 1 == len(expected) > 10
    hidden = 0
    for line, row in zip(rows[1:], expected, strict=True):
        assert line[:4] == [row.area_code, row.area_name, "Stadtteil", period]
        if row.suppressed:
            hidden += 1
            assert line[4:7] == ["geheim", "", ""]
        else:
            assert float(line[4].replace(",", ".")) == pytest.approx(row.value)
            assert float(line[5].replace(",", ".")) == pytest.approx(row.numerator)
            assert "." not in line[4]  # decimal comma, no grouping
    assert hidden >= 1


def test_xlsx_equals_the_gate_rows_with_typed_numbers(clients, gate) -> None:
    period = _period_with_suppression(gate)
    response = clients["leadership"].get(
        f"/export/indicators/{HZE}.xlsx?level=subdistrict&period={period}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [[c for c in row] for row in sheet.iter_rows()]
    indicator = gate.registry.get(HZE)
    assert cells[0][0].value == indicator.title_de
    block = {row[0].value: row[1].value for row in cells[1:9]}
    assert block["Einheit"] == indicator.unit and block["Quelle"] == indicator.source
    assert block["Indikator"] == indicator.title_de
    assert block["Zeitraum"] == period and block["Ebene"] == "Stadtteil"
    assert "Geheimhaltung" in block and "Exportiert am" in block and "Datenstand" in block
    expected = gate.rows(VIEWERS["leadership"], HZE, level="subdistrict", period=period)
    data = cells[header_rows_count(block) + 1:]
    assert len(data) == len(expected)
    for line, row in zip(data, expected, strict=True):
        assert line[0].value == row.area_code and line[1].value == row.area_name
        if row.suppressed:
            assert line[4].value == "geheim" and line[5].value is None
        else:
            assert line[4].data_type == "n" and line[4].value == pytest.approx(row.value)
            assert line[4].number_format == "0.0"


def header_rows_count(block: dict) -> int:
    return len(block) + 2  # title row, block rows, blank row


def test_header_rows_helper_agrees(clients) -> None:
    response = clients["admin"].get(f"/export/indicators/{PUBLIC}.xlsx?level=district")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[0] == "Gebietsschlüssel")
    assert head == 10 == header_rows_count({row[0]: 1 for row in rows[1:9]})


def test_download_headers_name_a_german_file(clients) -> None:
    response = clients["admin"].get(f"/export/indicators/{PUBLIC}.csv?level=district")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Einwohnerinnen_und_Einwohner_'
                                  'Stadtbezirk_')
    assert unquote(disposition.split("filename*=UTF-8''")[1]).endswith(".csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"


# -- per role ---------------------------------------------------------------------------------

def test_committee_may_not_learn_that_restricted_exists(clients) -> None:
    for fmt in ("csv", "xlsx"):
        response = clients["committee"].get(f"/export/indicators/{HZE}.{fmt}")
        assert response.status_code == 404
        assert response.json == {"error": f"Unbekannter Indikator „{HZE}“."}


def test_district_gets_only_its_own_areas_of_restricted(clients) -> None:
    rows = csv_rows(clients["district"].get(f"/export/indicators/{HZE}.csv?period=all"))
    assert {line[0] for line in rows[1:]} <= DISTRICT_01
    assert {line[0] for line in rows[1:]} >= {"01", "0101"}
    response = clients["district"].get(f"/export/indicators/{HZE}.csv?area=0201")
    assert response.status_code == 403
    assert response.json["error"] == "Für dieses Gebiet fehlt Ihnen die Berechtigung."
    response = clients["district"].get(f"/export/indicators/{HZE}.xlsx?areas=0101,0201")
    assert response.status_code == 403
    # public data: every area
    rows = csv_rows(clients["district"].get(f"/export/indicators/{PUBLIC}.csv?level=district"))
    assert len(rows) - 1 > len({"01"})


def test_department_sees_its_own_restricted_data(clients, gate) -> None:
    rows = csv_rows(clients["department"].get(f"/export/indicators/{HZE}.csv"))
    assert len(rows) - 1 == len(gate.rows(VIEWERS["department"], HZE))


def test_raw_values_only_for_raw_roles_and_audited(clients, gate, demo) -> None:
    period = _period_with_suppression(gate)
    url = f"/export/indicators/{HZE}.csv?level=subdistrict&period={period}&raw=1"
    leadership = csv_rows(clients["leadership"].get(url))
    assert any(line[4] == "geheim" for line in leadership[1:])  # raw ignored for this role
    before = len(audit_entries(demo, "raw_view", "demo-admin"))
    admin = csv_rows(clients["admin"].get(url))
    assert not any(line[4] == "geheim" for line in admin[1:])
    entries = audit_entries(demo, "raw_view", "demo-admin")
    assert len(entries) == before + 1
    assert entries[-1]["indicator"] == HZE and entries[-1]["source"] == "export"


# -- bad requests -----------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status", "message"), [
    (f"/export/indicators/{PUBLIC}.csv?level=bezirk", 400, "Unbekannte Ebene „bezirk“"),
    (f"/export/indicators/{PUBLIC}.csv?period=24", 400, "Ungültiger Zeitraum"),
    (f"/export/indicators/{PUBLIC}.xlsx?period=1990", 400,
     "Für den Zeitraum 1990 gibt es keine Werte."),
    (f"/export/indicators/{PUBLIC}.csv?foo=1", 400, "Unbekannter Parameter: foo"),
    (f"/export/indicators/{PUBLIC}.csv?raw=yes", 400, "Parameter raw"),
    (f"/export/indicators/{PUBLIC}.csv?area=01&areas=02", 400, "entweder area oder areas"),
    (f"/export/indicators/{PUBLIC}.csv?area=9999", 400, "Unbekanntes Gebiet „9999“."),
    (f"/export/indicators/{PUBLIC}.csv?area=%3Cscript%3E", 400, "Ungültiger Gebietsschlüssel."),
    (f"/export/indicators/{PUBLIC}.pdf", 404, "Unbekanntes Exportformat"),
    ("/export/indicators/gibt_es_nicht.csv", 404, "Unbekannter Indikator"),
    ("/export/profile/9999.pdf", 404, "Unbekanntes Gebiet „9999“."),
    ("/export/profile/a%20b.pdf", 400, "Ungültiger Gebietsschlüssel."),
    ("/export/profile/0101.pdf?level=x", 400, "Unbekannter Parameter: level"),
    ("/export/profile/0101.docx", 404, "Unbekanntes Exportformat"),
    ("/export/irgendwas", 404, "Unbekannte Export-Adresse."),
])
def test_bad_requests_get_a_german_message(clients, url, status, message) -> None:
    response = clients["leadership"].get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    assert response.is_json and message in response.json["error"]


def test_anonymous_gets_401_not_the_app_page(app_server) -> None:
    for url in (f"/export/indicators/{PUBLIC}.csv", "/export/profile/0101.pdf"):
        response = app_server.test_client().get(url)
        assert response.status_code == 401
        assert response.json == {"error": "Bitte melden Sie sich an."}


# -- audit ------------------------------------------------------------------------------------

def test_restricted_export_is_audited_and_public_is_not(clients, demo) -> None:
    before = audit_entries(demo, "restricted_export", "demo-department")
    clients["department"].get(f"/export/indicators/{HZE}.xlsx?level=district&period=2020")
    clients["department"].get(f"/export/indicators/{PUBLIC}.csv")
    after = audit_entries(demo, "restricted_export", "demo-department")
    assert len(after) == len(before) + 1
    assert after[-1] == {"indicator": HZE, "format": "xlsx", "level": "district",
                         "period": "2020", "areas": None, "rows": 6, "raw": False,
                         "via": "session", "source": "export"}


def test_refused_export_is_not_audited(clients, demo) -> None:
    before = audit_entries(demo, "restricted_export", "demo-committee")
    clients["committee"].get(f"/export/indicators/{HZE}.csv")
    assert audit_entries(demo, "restricted_export", "demo-committee") == before


# -- PDF profile ------------------------------------------------------------------------------

def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_profile_pdf_of_a_stadtteil(clients, gate, demo) -> None:
    response = clients["leadership"].get("/export/profile/0101.pdf")
    assert "Stadtteilprofil_Altstadt_0101.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response)
    assert "Stadtteilprofil Altstadt" in text
    assert "Stadtteil im Stadtbezirk Mitte" in text
    assert "Datenstand" in text and "Seite 1" in text
    assert "Rahmenbedingungen und Demografie" in text and "Kinder und Jugend" in text
    viewer = VIEWERS["leadership"]
    for indicator_id in ("altenquotient", "einwohner", HZE):
        if gate.registry.get(indicator_id) is None:
            continue
        assert gate.registry.get(indicator_id).title_de.split(" ")[0] in text
    assert "Anmerkungen zu den Indikatoren" in text and "Quelle:" in text
    # the area's latest value of a public indicator, as the gate has it, German formatted
    latest = gate.rows(viewer, "einwohner", area="0101")[-1]
    assert f"{int(latest.value):,}".replace(",", ".") in text
    entries = audit_entries(demo, "restricted_export", "demo-leadership")
    assert entries[-1]["profile"] == "0101" and HZE in entries[-1]["indicators"]


def test_profile_pdf_shows_only_what_the_role_may_see(clients, gate) -> None:
    title = gate.registry.get(HZE).title_de
    word = title.split(" ")[0]  # "Stationäre"
    assert word not in pdf_text(clients["committee"].get("/export/profile/0101.pdf"))
    # a district user: restricted data of its own area only
    assert word in pdf_text(clients["district"].get("/export/profile/0101.pdf"))
    assert word not in pdf_text(clients["district"].get("/export/profile/0201.pdf"))


def test_profile_table_as_csv_and_xlsx(clients, gate) -> None:
    viewer = VIEWERS["leadership"]
    rows = csv_rows(clients["leadership"].get("/export/profile/0101.csv"))
    assert rows[0] == ["Thema", "Indikator", "Einheit", "Zeitraum", "Wert", "Wert der Stadt",
                       "Abweichung von der Stadt", "Hinweis"]
    by_title = {line[1]: line for line in rows[1:]}
    einwohner = gate.registry.get("einwohner")
    latest = gate.rows(viewer, "einwohner", area="0101")[-1]
    line = by_title[einwohner.title_de]
    assert line[3] == latest.period and line[4] == str(int(latest.value))
    assert gate.registry.get(HZE).title_de in by_title
    committee = csv_rows(clients["committee"].get("/export/profile/0101.csv"))
    assert gate.registry.get(HZE).title_de not in {line[1] for line in committee[1:]}
    assert len(committee) < len(rows)
    response = clients["leadership"].get("/export/profile/0101.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [[c for c in row] for row in sheet.iter_rows()]
    assert cells[0][0].value == "Stadtteilprofil Altstadt"
    data = {row[1].value: row for row in cells[7:] if row[1].value}
    assert data[einwohner.title_de][4].data_type == "n"
    assert data[einwohner.title_de][4].value == latest.value


def test_index_export_has_its_classes(clients, gate) -> None:
    index = next(ind for ind in gate.registry.everything() if ind.kind == "index")
    rows = csv_rows(clients["leadership"].get(
        f"/export/indicators/{index.id}.csv?level=subdistrict"))
    assert rows[0][-2:] == ["Klasse", "Hinweis"]
    labels = {line[-2] for line in rows[1:] if line[4] != "geheim"}
    assert labels and any(label in index.classes for label in labels)
