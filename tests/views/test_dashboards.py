"""Dashboards: checked fields, Übersicht per role or per user (the user's wins), only
when shared with the role; bad input changes nothing."""

from __future__ import annotations

from contextlib import closing

import pytest

from cockpit.views.dashboards import (
    DashboardError,
    assign_overview,
    assignments,
    delete_dashboard,
    list_dashboards,
    overview_dashboard,
    save_dashboard,
)
from cockpit.views.model import Known
from cockpit.views.store import delete_view, save_view

KNOWN = Known({"einwohner": "indicator"}, levels=("city", "district"))
VIEW = {"type": "bars", "title": "Einwohner", "indicators": ["einwohner"],
        "level": "district", "roles": ["committee"]}
USERS = ("anna", "bernd")


@pytest.fixture
def conn(fresh_home):
    with closing(fresh_home.app_db()) as connection:
        yield connection


def board(conn, view_ids, roles=("committee",), **fields):
    return save_dashboard(conn, "ctrl", title=fields.get("title", "Ausschuss"),
                          description="", view_ids=list(view_ids),
                          columns=fields.get("columns", 2), roles=list(roles))


def test_role_and_user_assignment(conn) -> None:
    view = save_view(conn, "ctrl", VIEW, KNOWN)
    committee = board(conn, [view.id])
    personal = board(conn, [str(view.id)], roles=("committee", "leadership"), title="Anna")
    assign_overview(conn, "ctrl", "role", "committee", committee.id, users=USERS)
    assert overview_dashboard(conn, "bernd", "committee") == committee
    assign_overview(conn, "ctrl", "user", "anna", personal.id, users=USERS)
    assert overview_dashboard(conn, "anna", "committee") == personal  # the user's wins
    assert overview_dashboard(conn, "anna", "leadership") == personal
    # a dashboard not shared with the role is never someone's Übersicht
    assign_overview(conn, "ctrl", "role", "district", committee.id, users=USERS)
    assert overview_dashboard(conn, "zoe", "district") is None
    assign_overview(conn, "ctrl", "role", "committee", None, users=USERS)  # back to cards
    assert overview_dashboard(conn, "bernd", "committee") is None
    delete_dashboard(conn, "ctrl", personal.id)
    assert overview_dashboard(conn, "anna", "committee") is None
    assert [(a.kind, a.target) for a in assignments(conn)] == [("role", "district")]


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": " "}, "Bitte einen Titel"),
    ({"view_ids": []}, "Bitte mindestens eine Ansicht"),
    ({"view_ids": ["999"]}, "Unbekannte Ansicht „999“."),
    ({"view_ids": ["1", "1"]}, "doppelt"),
    ({"columns": 7}, "Spalten: 1 bis 4."),
    ({"roles": ["gast"]}, "Unbekannte Rolle „gast“."),
    ({"roles": []}, "Bitte mindestens eine Rolle"),
])
def test_bad_dashboards_change_nothing(conn, fields, message) -> None:
    save_view(conn, "ctrl", VIEW, KNOWN)
    values = {"title": "X", "description": "", "view_ids": ["1"], "columns": 2,
              "roles": ["committee"], **fields}
    with pytest.raises(DashboardError, match=message):
        save_dashboard(conn, "ctrl", **values)
    assert list_dashboards(conn) == []


def test_bad_assignments_change_nothing(conn) -> None:
    view = save_view(conn, "ctrl", VIEW, KNOWN)
    made = board(conn, [view.id])
    for kind, target, board_id, message in [
        ("role", "gast", made.id, "Unbekannte Rolle"),
        ("user", "niemand", made.id, "Unbekannter Benutzer"),
        ("gruppe", "committee", made.id, "nur zu einer Rolle"),
        ("role", "committee", 999, "Unbekanntes Dashboard"),
    ]:
        with pytest.raises(DashboardError, match=message):
            assign_overview(conn, "ctrl", kind, target, board_id, users=USERS)
    assert assignments(conn) == []


def test_a_deleted_view_cannot_be_put_on_a_dashboard(conn) -> None:
    view = save_view(conn, "ctrl", VIEW, KNOWN)
    delete_view(conn, "ctrl", view.id)
    with pytest.raises(DashboardError, match="Unbekannte Ansicht"):
        board(conn, [view.id])
