"""Saved views: save, load, every version kept, restore, copy, delete; bad input changes
nothing."""

from __future__ import annotations

from contextlib import closing

import pytest

from cockpit.views.model import Known, ViewError
from cockpit.views.store import (
    ViewNotFound,
    copy_view,
    delete_view,
    get_view,
    list_views,
    restore_version,
    save_view,
    view_versions,
    views_for_role,
)

KNOWN = Known({"einwohner": "indicator", "sgb2_quote": "indicator"},
              levels=("city", "district", "subdistrict"))
FIRST = {"type": "bars", "title": "SGB II", "indicators": ["sgb2_quote"],
         "level": "subdistrict", "roles": ["committee"]}


@pytest.fixture
def conn(fresh_home):
    with closing(fresh_home.app_db()) as connection:
        yield connection


def count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_save_load_version_and_restore(conn) -> None:
    saved = save_view(conn, "anna", FIRST, KNOWN)
    assert (saved.version, saved.created_by) == (1, "anna")
    assert get_view(conn, str(saved.id)).definition == saved.definition
    changed = save_view(conn, "bernd", {**FIRST, "title": "SGB II neu", "type": "map"},
                        KNOWN, view_id=saved.id)
    assert (changed.id, changed.version, changed.updated_by) == (saved.id, 2, "bernd")
    assert changed.created_by == "anna"
    history = view_versions(conn, saved.id)
    assert [(v.version, v.author, v.definition.title) for v in history] == [
        (2, "bernd", "SGB II neu"), (1, "anna", "SGB II")]
    assert all(v.at for v in history)
    restored = restore_version(conn, "carla", saved.id, 1)
    assert restored.version == 3 and restored.definition == saved.definition
    assert view_versions(conn, saved.id)[0].note == "Version 1 wiederhergestellt"
    actions = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["view_created", "view_changed", "view_changed"]


def test_versions_cannot_be_rewritten(conn) -> None:
    import sqlite3

    saved = save_view(conn, "anna", FIRST, KNOWN)
    with pytest.raises(sqlite3.DatabaseError, match="nicht geändert"):
        conn.execute("UPDATE view_versions SET author = 'x' WHERE view_id = ?", (saved.id,))
    with pytest.raises(sqlite3.DatabaseError, match="nicht gelöscht"):
        conn.execute("DELETE FROM view_versions WHERE view_id = ?", (saved.id,))


def test_copy_and_delete(conn) -> None:
    saved = save_view(conn, "anna", FIRST, KNOWN)
    copy = copy_view(conn, "bernd", saved.id)
    assert copy.id != saved.id and copy.definition.title == "SGB II (Kopie)"
    assert copy.definition.indicators == saved.definition.indicators
    delete_view(conn, "bernd", saved.id)
    assert [v.id for v in list_views(conn)] == [copy.id]
    with pytest.raises(ViewNotFound, match="Unbekannte Ansicht"):
        get_view(conn, saved.id)
    assert count(conn, "view_versions") == 2  # the deleted view's version is kept


def test_menu_lists_views_only_for_their_roles(conn) -> None:
    shared = save_view(conn, "anna", FIRST, KNOWN)
    save_view(conn, "anna", {**FIRST, "title": "Nur Spitze", "roles": ["leadership"]}, KNOWN)
    assert [v.id for v in views_for_role(conn, "committee")] == [shared.id]
    assert len(views_for_role(conn, "controlling")) == 2
    assert views_for_role(conn, "district") == []


@pytest.mark.parametrize(("view_id", "raw", "error"), [
    (None, {**FIRST, "title": ""}, ViewError),
    (None, {**FIRST, "indicators": ["gibt_es_nicht"]}, ViewError),
    (None, {**FIRST, "roles": ["gast"]}, ViewError),
    ("999", FIRST, ViewNotFound),
    ("abc", FIRST, ViewNotFound),
    ("-1", FIRST, ViewNotFound),
])
def test_bad_input_changes_nothing(conn, view_id, raw, error) -> None:
    before = save_view(conn, "anna", FIRST, KNOWN)
    with pytest.raises(error):
        save_view(conn, "bernd", raw, KNOWN, view_id=view_id)
    assert count(conn, "view_versions") == 1 and count(conn, "views") == 1
    assert get_view(conn, before.id) == before


def test_unknown_version_is_refused(conn) -> None:
    saved = save_view(conn, "anna", FIRST, KNOWN)
    for version in (7, "1", True):
        with pytest.raises(ViewNotFound):
            restore_version(conn, "anna", saved.id, version)
    assert get_view(conn, saved.id).version == 1


def test_views_using_an_indicator_for_a_role(conn) -> None:
    shared = save_view(conn, "anna", FIRST, KNOWN)
    save_view(conn, "anna", {**FIRST, "indicators": ["einwohner"]}, KNOWN)
    save_view(conn, "anna", {**FIRST, "roles": ["leadership"]}, KNOWN)
    from cockpit.views.store import views_using

    assert [v.id for v in views_using(conn, "sgb2_quote", "committee")] == [shared.id]
    assert len(views_using(conn, "sgb2_quote", "controlling")) == 2
