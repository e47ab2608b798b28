"""Saved views in the app database: every version kept with author and date.

`views` holds one row per view (its current version number and who changed it last);
`view_versions` holds every definition ever saved (append-only, triggers refuse UPDATE
and DELETE). Saving, copying, restoring and deleting each add to it or mark the view,
and each is written to the audit log. A deleted view is only marked: its versions stay
for the record, it is no longer listed or opened. Who may call these functions is decided
by the page (admin, controlling); the definition is checked before it is written
(cockpit/views/model.py), so a bad one changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from cockpit.appdb.database import utc_now
from cockpit.appdb.users import audit
from cockpit.views.model import Known, ViewDefinition, ViewError, check_definition

MESSAGES: dict[str, str] = {
    "unknown_view": "Unbekannte Ansicht „{value}“ (vielleicht inzwischen gelöscht).",
    "unknown_version": "Die Ansicht „{title}“ hat keine Version {value}.",
}


class ViewNotFound(LookupError):
    """An unknown (or deleted) view or version; the message is one German sentence."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(MESSAGES[key].format(**params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class SavedView:
    """A view as it is now: id, current version, definition and who changed it."""

    id: int
    version: int
    definition: ViewDefinition
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str


@dataclass(frozen=True)
class ViewVersion:
    """One saved version of a view."""

    view_id: int
    version: int
    definition: ViewDefinition
    author: str
    at: str
    note: str | None


def _definition(text: str) -> ViewDefinition:
    """A stored definition (checked when it was saved; read back without the registry,
    which may have changed since: rendering meets unknown ids with a note)."""
    data = json.loads(text)
    return ViewDefinition(
        type=data["type"], title=data["title"], description=data.get("description", ""),
        indicators=tuple(data["indicators"]), level=data.get("level"),
        areas=tuple(data.get("areas", ())), periods=tuple(data.get("periods", ())),
        options=tuple(sorted(data.get("options", {}).items())),
        roles=tuple(data["roles"]))


def _dump(definition: ViewDefinition) -> str:
    return json.dumps(definition.as_dict(), ensure_ascii=False)


def parse_view_id(value: object) -> int:
    """A view id from a URL or a form ("12" or 12); ViewNotFound for anything else."""
    if isinstance(value, bool):
        raise ViewNotFound("unknown_view", value=str(value)[:32])
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
        number = int(value.strip())
    else:
        raise ViewNotFound("unknown_view", value=str(value)[:32])
    if number <= 0:
        raise ViewNotFound("unknown_view", value=str(value)[:32])
    return number


def get_view(conn: sqlite3.Connection, view_id: object) -> SavedView:
    """The current state of a view; ViewNotFound if unknown or deleted."""
    number = parse_view_id(view_id)
    row = conn.execute(
        "SELECT v.id, v.version, d.definition, v.created_by, v.created_at, v.updated_by,"
        " v.updated_at FROM views v JOIN view_versions d"
        " ON d.view_id = v.id AND d.version = v.version"
        " WHERE v.id = ? AND v.deleted_at IS NULL", (number,)).fetchone()
    if row is None:
        raise ViewNotFound("unknown_view", value=number)
    return SavedView(row[0], row[1], _definition(row[2]), *row[3:])


def list_views(conn: sqlite3.Connection) -> list[SavedView]:
    """Every view that is not deleted, by title."""
    rows = conn.execute(
        "SELECT v.id, v.version, d.definition, v.created_by, v.created_at, v.updated_by,"
        " v.updated_at FROM views v JOIN view_versions d"
        " ON d.view_id = v.id AND d.version = v.version WHERE v.deleted_at IS NULL")
    views = [SavedView(r[0], r[1], _definition(r[2]), *r[3:]) for r in rows]
    return sorted(views, key=lambda v: (v.definition.title.casefold(), v.id))


def views_for_role(conn: sqlite3.Connection, role: str) -> list[SavedView]:
    """The views a user of `role` may open (for the menu)."""
    return [v for v in list_views(conn) if v.definition.shared_with(role)]


def views_using(conn: sqlite3.Connection, indicator_id: str, role: str) -> list[SavedView]:
    """The views shared with `role` that show `indicator_id` (for links from the
    catalogue; the caller has asked the gate whether the viewer may see the indicator)."""
    return [v for v in views_for_role(conn, role) if indicator_id in v.definition.indicators]


def view_versions(conn: sqlite3.Connection, view_id: object) -> list[ViewVersion]:
    """Every saved version of a view, newest first."""
    current = get_view(conn, view_id)
    rows = conn.execute("SELECT view_id, version, definition, author, at, note"
                        " FROM view_versions WHERE view_id = ? ORDER BY version DESC",
                        (current.id,))
    return [ViewVersion(r[0], r[1], _definition(r[2]), r[3], r[4], r[5]) for r in rows]


def save_view(conn: sqlite3.Connection, user_name: str, raw: object, known: Known, *,
              view_id: object = None, note: str | None = None, source: str | None = None,
              address: str | None = None) -> SavedView:
    """Check `raw` and store it as a new view (no `view_id`) or as the next version of
    an existing one; ViewError or ViewNotFound change nothing."""
    definition = raw if isinstance(raw, ViewDefinition) else check_definition(raw, known)
    now = utc_now()
    with conn:
        if view_id is None:
            cursor = conn.execute(
                "INSERT INTO views (version, created_by, created_at, updated_by, updated_at)"
                " VALUES (1, ?, ?, ?, ?)", (user_name, now, user_name, now))
            number, version, action = int(cursor.lastrowid), 1, "view_created"
        else:
            current = get_view(conn, view_id)
            number, version, action = current.id, current.version + 1, "view_changed"
            conn.execute("UPDATE views SET version = ?, updated_by = ?, updated_at = ?"
                         " WHERE id = ?", (version, user_name, now, number))
        conn.execute("INSERT INTO view_versions (view_id, version, definition, author, at,"
                     " note) VALUES (?, ?, ?, ?, ?, ?)",
                     (number, version, _dump(definition), user_name, now, note))
        audit(conn, user_name, action, {"view": number, "version": version,
                                        "title": definition.title, "note": note},
              source=source, address=address)
    return get_view(conn, number)


def restore_version(conn: sqlite3.Connection, user_name: str, view_id: object,
                    version: object, **origin: str | None) -> SavedView:
    """Make an earlier version current again, as a new version (history is never
    rewritten)."""
    current = get_view(conn, view_id)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ViewNotFound("unknown_version", title=current.definition.title,
                           value=str(version)[:16])
    row = conn.execute("SELECT definition FROM view_versions WHERE view_id = ? AND"
                       " version = ?", (current.id, version)).fetchone()
    if row is None:
        raise ViewNotFound("unknown_version", title=current.definition.title, value=version)
    return save_view(conn, user_name, _definition(row[0]), Known({}), view_id=current.id,
                     note=f"Version {version} wiederhergestellt", **origin)


def copy_view(conn: sqlite3.Connection, user_name: str, view_id: object,
              **origin: str | None) -> SavedView:
    """A new view with the current definition of another, titled "… (Kopie)"."""
    current = get_view(conn, view_id).definition
    title = f"{current.title} (Kopie)"
    copied = ViewDefinition(**{**current.__dict__, "title": title[:120]})
    return save_view(conn, user_name, copied, Known({}),
                     note=f"Kopie von Ansicht {parse_view_id(view_id)}", **origin)


def delete_view(conn: sqlite3.Connection, user_name: str, view_id: object, *,
                source: str | None = None, address: str | None = None) -> None:
    """Mark a view deleted (its versions are kept); it leaves every dashboard."""
    current = get_view(conn, view_id)
    with conn:
        conn.execute("UPDATE views SET deleted_by = ?, deleted_at = ? WHERE id = ?",
                     (user_name, utc_now(), current.id))
        audit(conn, user_name, "view_deleted", {"view": current.id,
                                                "title": current.definition.title},
              source=source, address=address)


__all__ = ["SavedView", "ViewError", "ViewNotFound", "ViewVersion", "copy_view",
           "delete_view", "get_view", "list_views", "parse_view_id", "restore_version",
           "save_view", "view_versions", "views_for_role", "views_using"]
