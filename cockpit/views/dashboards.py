"""Dashboards: a named page of several saved views in a grid, and which dashboard is the
Übersicht of a role or a user.

A dashboard is shared with roles like a view; each of its views is drawn only for roles
that view is shared with too, and always with the viewer's own rights. Controlling
assigns a dashboard as the Übersicht of a role or of one user (the user's choice wins);
without one the Übersicht shows its cards as before. Who may change dashboards is decided
by the page (admin, controlling); this module checks the input, and a bad one raises
DashboardError with one German sentence and writes nothing. Each change is audited.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from cockpit.appdb.database import utc_now
from cockpit.appdb.users import audit
from cockpit.roles import ROLES
from cockpit.views.model import MAX_DESCRIPTION, MAX_TITLE
from cockpit.views.store import ViewNotFound, get_view, parse_view_id

MAX_VIEWS = 12

MESSAGES: dict[str, str] = {
    "no_title": "Bitte einen Titel für das Dashboard angeben.",
    "long_title": "Der Titel darf höchstens {limit} Zeichen lang sein.",
    "long_description": "Die Beschreibung darf höchstens {limit} Zeichen lang sein.",
    "no_views": "Bitte mindestens eine Ansicht wählen.",
    "too_many_views": "Höchstens {limit} Ansichten je Dashboard.",
    "unknown_view": "Unbekannte Ansicht „{value}“.",
    "duplicate_view": "Die Ansicht „{value}“ ist doppelt gewählt.",
    "bad_columns": "Spalten: 1 bis 4.",
    "no_roles": "Bitte mindestens eine Rolle wählen, die das Dashboard öffnen darf.",
    "unknown_role": "Unbekannte Rolle „{value}“.",
    "unknown_dashboard": "Unbekanntes Dashboard „{value}“.",
    "bad_kind": "Zuordnung nur zu einer Rolle oder einem Benutzer.",
    "unknown_user": "Unbekannter Benutzer „{value}“.",
}


class DashboardError(ValueError):
    """Invalid dashboard input; one German sentence (`key`, `params` for English)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(MESSAGES[key].format(**params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Dashboard:
    """A stored dashboard."""

    id: int
    title: str
    description: str
    view_ids: tuple[int, ...]
    columns: int
    roles: tuple[str, ...]
    updated_by: str
    updated_at: str

    def shared_with(self, role: str) -> bool:
        """Whether a user of `role` may open it (admin and controlling always)."""
        return role in self.roles or role in ("admin", "controlling")


@dataclass(frozen=True)
class Assignment:
    """A dashboard that is the Übersicht of a role or of one user."""

    kind: str  # role or user
    target: str
    dashboard_id: int
    updated_by: str
    updated_at: str


_COLUMNS = "id, title, description, view_ids, columns, roles, updated_by, updated_at"


def _of_row(row: sqlite3.Row | tuple) -> Dashboard:
    return Dashboard(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4],
                     tuple(json.loads(row[5])), row[6], row[7])


def check_dashboard(conn: sqlite3.Connection, title: object, description: object,
                    view_ids: object, columns: object, roles: object
                    ) -> tuple[str, str, list[int], int, list[str]]:
    """The checked fields of a dashboard (views must exist and not be deleted)."""
    if not isinstance(title, str) or not title.strip():
        raise DashboardError("no_title")
    title = title.strip()
    if len(title) > MAX_TITLE:
        raise DashboardError("long_title", limit=MAX_TITLE)
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > MAX_DESCRIPTION:
        raise DashboardError("long_description", limit=MAX_DESCRIPTION)
    if not isinstance(view_ids, list) or not view_ids:
        raise DashboardError("no_views")
    if len(view_ids) > MAX_VIEWS:
        raise DashboardError("too_many_views", limit=MAX_VIEWS)
    checked: list[int] = []
    for raw in view_ids:
        try:
            number = get_view(conn, raw).id
        except ViewNotFound:
            raise DashboardError("unknown_view", value=str(raw)[:32]) from None
        if number in checked:
            raise DashboardError("duplicate_view", value=number)
        checked.append(number)
    if isinstance(columns, bool) or not isinstance(columns, int) or not 1 <= columns <= 4:
        raise DashboardError("bad_columns")
    if not isinstance(roles, list) or not roles:
        raise DashboardError("no_roles")
    for role in roles:
        if role not in ROLES:
            raise DashboardError("unknown_role", value=str(role)[:32])
    return title, description, checked, columns, [r for r in ROLES if r in roles]


def get_dashboard(conn: sqlite3.Connection, dashboard_id: object) -> Dashboard:
    """A dashboard by id; DashboardError if unknown."""
    try:
        number = parse_view_id(dashboard_id)
    except ViewNotFound:
        raise DashboardError("unknown_dashboard", value=str(dashboard_id)[:32]) from None
    row = conn.execute(f"SELECT {_COLUMNS} FROM dashboards WHERE id = ?",  # noqa: S608
                       (number,)).fetchone()
    if row is None:
        raise DashboardError("unknown_dashboard", value=number)
    return _of_row(row)


def list_dashboards(conn: sqlite3.Connection) -> list[Dashboard]:
    """Every dashboard, by title."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM dashboards")  # noqa: S608
    return sorted((_of_row(r) for r in rows), key=lambda d: (d.title.casefold(), d.id))


def save_dashboard(conn: sqlite3.Connection, user_name: str, *, title: object,
                   description: object, view_ids: object, columns: object, roles: object,
                   dashboard_id: object = None, source: str | None = None,
                   address: str | None = None) -> Dashboard:
    """Check and store a new dashboard, or change one."""
    fields = check_dashboard(conn, title, description, view_ids, columns, roles)
    title, description, views, columns, roles = fields
    now = utc_now()
    with conn:
        if dashboard_id is None:
            cursor = conn.execute(
                "INSERT INTO dashboards (title, description, view_ids, columns, roles,"
                " created_by, created_at, updated_by, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (title, description, json.dumps(views), columns, json.dumps(roles),
                 user_name, now, user_name, now))
            number, action = int(cursor.lastrowid), "dashboard_created"
        else:
            number, action = get_dashboard(conn, dashboard_id).id, "dashboard_changed"
            conn.execute("UPDATE dashboards SET title = ?, description = ?, view_ids = ?,"
                         " columns = ?, roles = ?, updated_by = ?, updated_at = ?"
                         " WHERE id = ?", (title, description, json.dumps(views), columns,
                                           json.dumps(roles), user_name, now, number))
        audit(conn, user_name, action, {"dashboard": number, "title": title,
                                        "views": views, "roles": roles},
              source=source, address=address)
    return get_dashboard(conn, number)


def delete_dashboard(conn: sqlite3.Connection, user_name: str, dashboard_id: object, *,
                     source: str | None = None, address: str | None = None) -> None:
    """Delete a dashboard; it stops being anyone's Übersicht."""
    board = get_dashboard(conn, dashboard_id)
    with conn:
        conn.execute("DELETE FROM overview_dashboards WHERE dashboard_id = ?", (board.id,))
        conn.execute("DELETE FROM dashboards WHERE id = ?", (board.id,))
        audit(conn, user_name, "dashboard_deleted", {"dashboard": board.id,
                                                     "title": board.title},
              source=source, address=address)


def assign_overview(conn: sqlite3.Connection, user_name: str, kind: object, target: object,
                    dashboard_id: object, *, users: Collection[str],
                    source: str | None = None, address: str | None = None) -> None:
    """Make a dashboard the Übersicht of a role or a user (`dashboard_id` None: back to
    the cards). `users` are the known user names."""
    if kind not in ("role", "user"):
        raise DashboardError("bad_kind")
    if kind == "role" and target not in ROLES:
        raise DashboardError("unknown_role", value=str(target)[:32])
    if kind == "user" and (not isinstance(target, str)
                           or target.casefold() not in {u.casefold() for u in users}):
        raise DashboardError("unknown_user", value=str(target)[:64])
    assert isinstance(target, str)
    board = get_dashboard(conn, dashboard_id) if dashboard_id is not None else None
    with conn:
        if board is None:
            conn.execute("DELETE FROM overview_dashboards WHERE kind = ? AND target = ?",
                         (kind, target))
        else:
            conn.execute(
                "INSERT INTO overview_dashboards (kind, target, dashboard_id, updated_by,"
                " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, target) DO UPDATE"
                " SET dashboard_id = excluded.dashboard_id, updated_by = excluded.updated_by,"
                " updated_at = excluded.updated_at",
                (kind, target, board.id, user_name, utc_now()))
        audit(conn, user_name, "overview_dashboard_assigned",
              {"kind": kind, "target": target, "dashboard": board.id if board else None},
              source=source, address=address)


def assignments(conn: sqlite3.Connection) -> list[Assignment]:
    """Every assignment, roles first."""
    rows = conn.execute("SELECT kind, target, dashboard_id, updated_by, updated_at"
                        " FROM overview_dashboards ORDER BY kind, target")
    return [Assignment(*r) for r in rows]


def overview_dashboard(conn: sqlite3.Connection, user_name: str, role: str
                       ) -> Dashboard | None:
    """The dashboard that is this user's Übersicht: their own, else their role's, and
    only if it is shared with their role."""
    for kind, target in (("user", user_name), ("role", role)):
        row = conn.execute("SELECT dashboard_id FROM overview_dashboards WHERE kind = ? AND"
                           " target = ?", (kind, target)).fetchone()
        if row is not None:
            board = get_dashboard(conn, row[0])
            return board if board.shared_with(role) else None
    return None
