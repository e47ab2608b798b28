"""Protokoll: admin only on the server, filters as bound values, paging, safe CSV download."""

from __future__ import annotations

import csv
import inspect
import io
import json
from typing import Any

import dash
import pytest

from cockpit.appdb import audit
from tests.app.conftest import ROLES, callback, login, render_page, response_text

OUTPUTS = ["audit-grid.rowData", "audit-pager.max_value", "audit-pager.active_page",
           "audit-count.children", "audit-message.children"]
DOWNLOAD = ["audit-download.data", "audit-download-note.children"]
MARKER = "geheimer-protokolleintrag-4711"
OTHERS = [role for role in ROLES if role != "admin"]


@pytest.fixture(scope="module")
def seeded(demo) -> None:
    with demo.app_db() as conn:
        audit(conn, "pruefer", "test_marker", json.dumps({"note": MARKER}), source="web",
              address="10.1.2.3")
        for n in range(60):
            audit(conn, "pager", "test_paging", json.dumps({"n": n}), source="cli")
        audit(conn, "=cmd|' /C calc'!A0", "test_formula", "+SUM(1;2)", source="web",
              address="-1")
        audit(conn, "umlaut", "test_umlaut", json.dumps({"ort": "Köln; Süd"},
                                                        ensure_ascii=False))


def show(client, start: Any = None, end: Any = None, user: Any = None, action: Any = None,
         text: Any = None, page: Any = 1, changed: list[str] | None = None):
    return callback(client, OUTPUTS, {
        "audit-dates.start_date": start, "audit-dates.end_date": end,
        "audit-user.value": user, "audit-action.value": action, "audit-text.value": text,
        "audit-pager.active_page": page,
    }, changed=changed or ["audit-action.value"])


def download(client, start: Any = None, end: Any = None, user: Any = None,
             action: Any = None, text: Any = None, clicks: Any = 1):
    return callback(client, DOWNLOAD, {"audit-download-button.n_clicks": clicks}, state={
        "audit-dates.start_date": start, "audit-dates.end_date": end,
        "audit-user.value": user, "audit-action.value": action, "audit-text.value": text,
    })


def rows(response) -> list[dict]:
    assert response.status_code == 200, response_text(response)
    return response.json["response"]["audit-grid"]["rowData"]


def out(response, component: str, prop: str) -> Any:
    return response.json["response"][component][prop]


# --- who may see it -----------------------------------------------------------------------


def test_admin_gets_the_page_and_the_menu_entry(clients, seeded) -> None:
    response = render_page(clients["admin"], "/protokoll")
    assert response.status_code == 200
    body = response_text(response)
    assert "audit-grid" in body and "Protokoll" in body
    assert "test_marker" in body  # the action filter offers what is in the log
    assert "/protokoll" in response_text(clients["admin"].get("/_dash-layout"))


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_neither_page_nor_menu_entry(clients, seeded, role: str) -> None:
    response = render_page(clients[role], "/protokoll")
    assert response.status_code == 200
    body = response_text(response)
    assert "nur für Administratoren" in body
    assert "audit-grid" not in body and "pruefer" not in body and "test_marker" not in body
    assert "/protokoll" not in response_text(clients[role].get("/_dash-layout"))


@pytest.mark.parametrize("role", OTHERS)
def test_callbacks_refuse_every_other_role(clients, seeded, role: str) -> None:
    for response in (show(clients[role]), show(clients[role], text=MARKER),
                     download(clients[role]), download(clients[role], action="test_marker")):
        assert response.status_code == 403, role
        body = response_text(response)
        assert MARKER not in body and "pruefer" not in body and "test_paging" not in body


def test_tampered_committee_callback_gets_nothing(clients, seeded) -> None:
    committee = clients["committee"]
    # the exact requests the admin's browser sends, replayed with a committee session
    tampered = [
        show(committee, page=2, changed=["audit-pager.active_page"]),
        show(committee, start="2000-01-01", end="2999-12-31", action="raw_view"),
        download(committee, text="%"),
        download(committee, clicks=99, start="1970-01-01"),
    ]
    for response in tampered:
        assert response.status_code in (403, 400, 204), response.status_code
        assert MARKER not in response_text(response)


def test_anonymous_callback_is_refused(app_server) -> None:
    response = show(app_server.test_client())
    assert response.status_code in (401, 302, 403)
    assert MARKER not in response_text(response)


# --- filters and paging --------------------------------------------------------------------


def test_first_page_newest_first_with_count_and_pages(clients, seeded) -> None:
    response = show(clients["admin"], action="test_paging")
    found = rows(response)
    assert len(found) == 50
    assert [json.loads(r["detail"])["n"] for r in found] == list(range(59, 9, -1))
    assert out(response, "audit-pager", "max_value") == 2
    assert out(response, "audit-count", "children") == "60 Einträge"
    assert found[0]["user_name"] == "pager" and found[0]["source"] == "cli"
    assert len(found[0]["at"]) == 19  # "YYYY-MM-DD HH:MM:SS", UTC


def test_second_page(clients, seeded) -> None:
    response = show(clients["admin"], action="test_paging", page=2,
                    changed=["audit-pager.active_page"])
    assert [json.loads(r["detail"])["n"] for r in rows(response)] == list(range(9, -1, -1))
    assert out(response, "audit-pager", "active_page") == 2
    # a changed filter starts again at page 1
    again = show(clients["admin"], action="test_paging", page=2, changed=["audit-text.value"])
    assert out(again, "audit-pager", "active_page") == 1


def test_user_text_and_time_filters(clients, seeded) -> None:
    admin = clients["admin"]
    assert [r["action"] for r in rows(show(admin, user="PRUEFER"))] == ["test_marker"]
    assert [r["user_name"] for r in rows(show(admin, text=MARKER))] == ["pruefer"]
    assert [r["address"] for r in rows(show(admin, text="10.1.2"))] == ["10.1.2.3"]
    assert rows(show(admin, text="Köln"))[0]["action"] == "test_umlaut"
    assert rows(show(admin, start="2999-01-01", text=MARKER)) == []
    assert rows(show(admin, end="2000-01-01", text=MARKER)) == []
    today = rows(show(admin, text=MARKER))[0]["at"][:10]
    assert len(rows(show(admin, start=today, end=today, text=MARKER))) == 1


@pytest.mark.parametrize("text", ["' OR '1'='1", "%", "_", "x'); DROP TABLE audit_log; --"])
def test_text_is_a_bound_value(clients, seeded, demo, text: str) -> None:
    response = show(clients["admin"], text=text)
    assert response.status_code == 200
    assert all(text in json.dumps(r, ensure_ascii=False) for r in rows(response))
    with demo.app_db() as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'test_paging'"
                            ).fetchone()[0] == 60


@pytest.mark.parametrize("kwargs", [
    {"start": "2025-13-45"}, {"end": "morgen"}, {"start": 20250101}, {"start": ["2025"]},
    {"end": {"$gt": ""}}, {"text": "x" * 10_000}, {"text": 42}, {"text": ["a"]},
    {"user": {"a": 1}}, {"user": "u" * 5000}, {"action": ["login"]}, {"action": 1.5},
    {"start": "2025-02-01", "end": "2025-01-01"},
])
def test_bad_filter_values_give_a_german_message_not_a_500(clients, seeded,
                                                           kwargs: dict) -> None:
    response = show(clients["admin"], **kwargs)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert rows(response) == []
        message = json.dumps(out(response, "audit-message", "children"), ensure_ascii=False)
        assert any(w in message for w in ("Ungültig", "länger", "Startdatum")), message
    assert "Traceback" not in response_text(response)
    listing = download(clients["admin"], **kwargs)
    assert listing.status_code in (200, 400)
    if listing.status_code == 200:
        assert out(listing, "audit-download", "data") is None


@pytest.mark.parametrize("page", ["2", None, -5, 10**9, 2.5, True, [], {"a": 1}])
def test_odd_page_numbers(clients, seeded, page: Any) -> None:
    response = show(clients["admin"], action="test_paging", page=page,
                    changed=["audit-pager.active_page"])
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert len(rows(response)) in (10, 50)


# --- download ----------------------------------------------------------------------------


def test_download_is_filtered_bom_semicolon_and_formula_safe(clients, seeded) -> None:
    response = download(clients["admin"], text="test_")
    assert response.status_code == 200
    data = out(response, "audit-download", "data")
    assert data["filename"] == "protokoll.csv"
    content = data["content"]
    assert content.startswith("\ufeffNr.;Zeit (UTC);Benutzer;Aktion;Quelle;Adresse;Details")
    table = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    actions = {row[3] for row in table[1:]}
    assert actions == {"test_marker", "test_paging", "test_formula", "test_umlaut"}
    assert len(table) == 1 + 1 + 60 + 1 + 1
    formula = next(row for row in table if row[3] == "test_formula")
    assert formula[2] == "'=cmd|' /C calc'!A0"
    assert formula[5] == "'-1" and formula[6] == "'+SUM(1;2)"
    for row in table[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    umlaut = next(row for row in table if row[3] == "test_umlaut")
    assert json.loads(umlaut[6]) == {"ort": "Köln; Süd"}


def _served_globals(app_server, output: str) -> dict:
    """The module namespace of the callback the app really serves for `output` (a page
    module imported again in a test would be a second copy)."""
    app = dash.get_app()
    assert app.server is app_server
    spec = next(spec for key, spec in app.callback_map.items() if output in key)
    return inspect.unwrap(spec["callback"]).__globals__


def test_download_is_capped_with_a_note(app_server, clients, seeded, monkeypatch) -> None:
    monkeypatch.setitem(_served_globals(app_server, "audit-download.data"), "MAX_DOWNLOAD", 10)
    response = download(clients["admin"], action="test_paging")
    content = out(response, "audit-download", "data")["content"]
    table = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert [json.loads(row[6])["n"] for row in table[1:]] == list(range(59, 49, -1))
    assert "neuesten 10 Einträge" in out(response, "audit-download-note", "children")


# --- read-only ------------------------------------------------------------------------------


def test_the_page_changes_nothing(clients, seeded, demo) -> None:
    with demo.app_db() as conn:
        before = conn.execute("SELECT count(*), max(id) FROM audit_log").fetchone()
    show(clients["admin"])
    show(clients["admin"], action="test_paging", page=2, changed=["audit-pager.active_page"])
    download(clients["admin"])
    render_page(clients["admin"], "/protokoll")
    with demo.app_db() as conn:
        assert tuple(conn.execute("SELECT count(*), max(id) FROM audit_log").fetchone()) == \
            tuple(before)


def test_every_callback_of_the_page_only_reads(clients) -> None:
    """No output of the page is anything but a display (no hidden write path)."""
    dependencies = clients["admin"].get("/_dash-dependencies").json
    outputs = [d["output"] for d in dependencies if "audit-" in d["output"]]
    assert len(outputs) == 2
    for key in outputs:
        for part in key.strip(".").split("..."):
            component = part.split(".")[0]
            assert component in {"audit-grid", "audit-pager", "audit-count", "audit-message",
                                 "audit-download", "audit-download-note"}, key


def test_english(app_server, seeded) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["admin"]
    assert login(client, name, password).status_code == 302
    client.get("/lang/en")
    body = response_text(render_page(client, "/protokoll"))
    assert "Audit log" in body and "Time (UTC)" in body and "Zeit (UTC)" not in body
    assert "Audit log" in response_text(client.get("/_dash-layout"))
    response = show(client, action="test_paging")
    assert out(response, "audit-count", "children") == "60 entries"
    content = out(download(client, action="test_marker"), "audit-download", "data")["content"]
    assert content.startswith("\ufeffNo.;Time (UTC);User;Action")
