"""Tests for the SQLite app database: schema migrations, users, authentication, audit log."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from cockpit.appdb import database, users
from cockpit.appdb.database import AppDatabaseError, connect
from cockpit.appdb.users import (
    User,
    UserError,
    add_user,
    audit,
    authenticate,
    create_demo_users,
    generate_password,
    get_user,
    list_users,
    remove_user,
    set_password,
)
from cockpit.roles import ROLES

PASSWORD = "korrekt-Pferd-Batterie"
AREAS = {"01", "02", "03"}
DEPARTMENTS = {"jugend", "soziales"}

# Words that only a German message would contain (one is enough).
GERMAN_WORDS = ("Benutzer", "Rolle", "Gebiet", "Fachbereich", "Passwort", "bereits", "nicht")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "app.sqlite"


@pytest.fixture
def conn(db_path: Path):
    connection = connect(db_path)
    yield connection
    connection.close()


def count_users(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def binding_for(role: str) -> dict[str, str]:
    if role == "district":
        return {"area_code": "01"}
    if role == "department":
        return {"department": "jugend"}
    return {}


# --- database ----------------------------------------------------------------


def test_connect_creates_parent_dirs_and_schema(db_path: Path, conn: sqlite3.Connection) -> None:
    assert db_path.is_file()
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "audit_log"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert isinstance(conn.execute("SELECT 1 AS one").fetchone(), sqlite3.Row)


def test_reconnect_keeps_data_and_version(db_path: Path) -> None:
    first = connect(db_path)
    add_user(first, "anna", "admin", PASSWORD)
    first.close()
    second = connect(db_path)
    try:
        assert second.execute("PRAGMA user_version").fetchone()[0] == len(database.MIGRATIONS)
        assert [u.name for u in list_users(second)] == ["anna"]
    finally:
        second.close()


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    connect(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {len(database.MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(AppDatabaseError, match="Schema-Version"):
        connect(db_path)


def test_schema_check_rejects_inconsistent_binding(conn: sqlite3.Connection) -> None:
    insert = (
        "INSERT INTO users (name, role, area_code, department, password_hash, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, 'x', 't', 't')"
    )
    for role, area, dept in [
        ("district", None, None),
        ("district", "01", "jugend"),
        ("department", None, None),
        ("department", "01", "jugend"),
        ("admin", "01", None),
        ("admin", None, "jugend"),
        ("superuser", None, None),
    ]:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert, (f"x-{role}", role, area, dept))
    assert count_users(conn) == 0


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_unwritable_directory_gives_german_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(AppDatabaseError, match="kann nicht angelegt werden") as info:
            connect(locked / "app.sqlite")
        assert "nicht beschreibbar" in str(info.value)
        with pytest.raises(AppDatabaseError, match="kann nicht angelegt werden") as info:
            connect(locked / "sub" / "app.sqlite")
        assert f"{locked} ist nicht beschreibbar" in str(info.value)
    finally:
        locked.chmod(stat.S_IRWXU)


def test_directory_under_regular_file_gives_german_error(tmp_path: Path) -> None:
    # Fails for root as well, unlike permission bits.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(AppDatabaseError, match="kann nicht angelegt werden") as info:
        connect(blocker / "state" / "app.sqlite")
    assert f"{blocker} ist kein Verzeichnis" in str(info.value)


# --- adding users ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_add_each_role_with_binding(conn: sqlite3.Connection, role: str) -> None:
    user = add_user(
        conn,
        f"user-{role}",
        role,
        PASSWORD,
        known_areas=AREAS,
        known_departments=DEPARTMENTS,
        **binding_for(role),
    )
    expected = User(
        id=user.id,
        name=f"user-{role}",
        role=role,
        area_code="01" if role == "district" else None,
        department="jugend" if role == "department" else None,
    )
    assert user == expected
    assert get_user(conn, f"user-{role}") == expected
    assert get_user(conn, f"USER-{role.upper()}") == expected
    assert not hasattr(user, "password_hash")


def test_add_without_known_lists_accepts_any_binding(conn: sqlite3.Connection) -> None:
    assert add_user(conn, "bezirk", "district", PASSWORD, area_code="99").area_code == "99"
    assert add_user(conn, "amt", "department", PASSWORD, department="x").department == "x"


BAD_INPUTS = [
    pytest.param({"name": "a"}, "Benutzername", id="name-too-short"),
    pytest.param({"name": "x" * 65}, "Benutzername", id="name-too-long"),
    pytest.param({"name": "-anna"}, "Benutzername", id="name-leading-dash"),
    pytest.param({"name": "an na"}, "Benutzername", id="name-space"),
    pytest.param({"name": "anna\n"}, "Benutzername", id="name-trailing-newline"),
    pytest.param({"name": "jürgen"}, "Benutzername", id="name-umlaut"),
    pytest.param({"role": "superuser"}, "Rolle", id="unknown-role"),
    pytest.param({"role": "district"}, "Gebiet", id="district-without-area"),
    pytest.param({"role": "district", "area_code": "  "}, "Gebiet", id="district-blank-area"),
    pytest.param({"role": "district", "area_code": "77"}, "Gebiet", id="area-not-known"),
    pytest.param({"role": "department"}, "Fachbereich", id="department-without-department"),
    pytest.param(
        {"role": "department", "department": "bau"}, "Fachbereich", id="department-not-known"
    ),
    pytest.param({"role": "admin", "area_code": "01"}, "Gebiet", id="area-on-admin"),
    pytest.param(
        {"role": "department", "department": "jugend", "area_code": "01"},
        "Gebiet",
        id="area-on-department",
    ),
    pytest.param(
        {"role": "district", "area_code": "01", "department": "jugend"},
        "Fachbereich",
        id="department-on-district",
    ),
    pytest.param({"role": "committee", "department": "jugend"}, "Fachbereich", id="dept-on-other"),
    pytest.param({"password": "kurz"}, "Passwort", id="short-password"),
    pytest.param({"password": "123456789"}, "Passwort", id="nine-char-password"),
    pytest.param({"password": " " * 12}, "Passwort", id="whitespace-password"),
    pytest.param({"name": "ANNA"}, "bereits", id="duplicate-other-case"),
    pytest.param({"name": "anna"}, "bereits", id="duplicate-same-case"),
]


@pytest.mark.parametrize(("overrides", "keyword"), BAD_INPUTS)
def test_bad_input_raises_german_error_and_writes_nothing(
    conn: sqlite3.Connection, overrides: dict, keyword: str
) -> None:
    existing = add_user(conn, "anna", "admin", PASSWORD)
    hash_before = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    before = count_users(conn)
    args = {"name": "bernd", "role": "controlling", "password": "anderes-Passwort-1"}
    args.update(overrides)
    with pytest.raises(UserError) as info:
        add_user(
            conn,
            args.pop("name"),
            args.pop("role"),
            args.pop("password"),
            known_areas=AREAS,
            known_departments=DEPARTMENTS,
            **args,
        )
    message = str(info.value)
    assert keyword in message
    assert any(word in message for word in GERMAN_WORDS)
    assert "\n" not in message.strip()
    assert count_users(conn) == before
    assert get_user(conn, "anna") == existing
    assert conn.execute("SELECT password_hash FROM users").fetchone()[0] == hash_before


def test_unknown_role_message_lists_roles(conn: sqlite3.Connection) -> None:
    with pytest.raises(UserError) as info:
        add_user(conn, "bernd", "chef", PASSWORD)
    for role in ROLES:
        assert role in str(info.value)


def test_min_name_and_max_name_length_accepted(conn: sqlite3.Connection) -> None:
    add_user(conn, "ab", "admin", PASSWORD)
    add_user(conn, "a" + "b" * 63, "admin", PASSWORD)
    add_user(conn, "0.a_b-c", "admin", PASSWORD)
    assert count_users(conn) == 3


def test_list_users_sorted_by_name(conn: sqlite3.Connection) -> None:
    for name in ["zoe", "Bernd", "anna", "carl"]:
        add_user(conn, name, "leadership", PASSWORD)
    assert [u.name for u in list_users(conn)] == ["anna", "Bernd", "carl", "zoe"]


# --- passwords and authentication -----------------------------------------------


def test_authenticate(conn: sqlite3.Connection) -> None:
    user = add_user(conn, "Anna", "district", PASSWORD, area_code="01")
    assert authenticate(conn, "Anna", PASSWORD) == user
    assert authenticate(conn, "anna", PASSWORD) == user
    assert authenticate(conn, "Anna", PASSWORD + "x") is None
    assert authenticate(conn, "Anna", "") is None
    assert authenticate(conn, "nobody", PASSWORD) is None


def test_authenticate_unknown_user_still_verifies_a_hash(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real_verify = users._verify
    monkeypatch.setattr(users, "_verify", lambda h, p: calls.append(h) or real_verify(h, p))
    assert authenticate(conn, "nobody", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_hash_is_argon2_and_plaintext_not_in_files(db_path: Path) -> None:
    conn = connect(db_path)
    add_user(conn, "anna", "admin", PASSWORD)
    stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    # Look at the database while open (WAL may hold the row) and after closing.
    needle = PASSWORD.encode()
    for candidate in db_path.parent.iterdir():
        assert needle not in candidate.read_bytes(), candidate
    conn.close()
    for candidate in db_path.parent.iterdir():
        assert needle not in candidate.read_bytes(), candidate


def test_outdated_hash_is_renewed_on_login(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    conn.execute("UPDATE users SET password_hash = ?", (weak,))
    conn.commit()
    assert authenticate(conn, "anna", PASSWORD) is not None
    renewed = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert renewed != weak
    assert not users._hasher.check_needs_rehash(renewed)
    assert authenticate(conn, "anna", PASSWORD) is not None


def test_hash_of_argon2_cffis_default_still_logs_in_and_is_renewed(
        conn: sqlite3.Connection) -> None:
    # Hashes made before the cheaper parameters (argon2-cffi's default, RFC 9106's
    # low-memory choice) keep working and are rewritten with the current ones.
    add_user(conn, "anna", "admin", PASSWORD)
    old = PasswordHasher().hash(PASSWORD)
    conn.execute("UPDATE users SET password_hash = ?", (old,))
    conn.commit()
    assert authenticate(conn, "anna", "falsches-passwort") is None
    assert conn.execute("SELECT password_hash FROM users").fetchone()[0] == old
    assert authenticate(conn, "anna", PASSWORD) is not None
    renewed = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    params = extract_parameters(renewed)
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        users.PASSWORD_HASH_MEMORY_KIB, users.PASSWORD_HASH_TIME_COST,
        users.PASSWORD_HASH_PARALLELISM)
    assert authenticate(conn, "anna", PASSWORD) is not None
    assert conn.execute("SELECT password_hash FROM users").fetchone()[0] == renewed


def test_new_hashes_meet_owasps_minimum(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    params = extract_parameters(conn.execute("SELECT password_hash FROM users")
                                .fetchone()[0])
    assert params.type is Type.ID
    # OWASP Password Storage Cheat Sheet: Argon2id, m >= 19 MiB, t >= 2, p >= 1.
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2
    assert params.parallelism >= 1


def test_corrupt_hash_does_not_authenticate(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    conn.execute("UPDATE users SET password_hash = 'kaputt'")
    conn.commit()
    assert authenticate(conn, "anna", PASSWORD) is None


def test_set_password(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    set_password(conn, "ANNA", "ein-neues-Passwort")
    assert authenticate(conn, "anna", PASSWORD) is None
    assert authenticate(conn, "anna", "ein-neues-Passwort") is not None


def test_set_password_rejects_weak_password_and_unknown_user(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    before = conn.execute("SELECT password_hash, updated_at FROM users").fetchone()
    with pytest.raises(UserError, match="Passwort"):
        set_password(conn, "anna", "kurz")
    with pytest.raises(UserError, match="Passwort"):
        set_password(conn, "anna", "\t" * 20)
    with pytest.raises(UserError, match="Unbekannter Benutzer"):
        set_password(conn, "nobody", "ein-neues-Passwort")
    after = conn.execute("SELECT password_hash, updated_at FROM users").fetchone()
    assert tuple(after) == tuple(before)
    assert authenticate(conn, "anna", PASSWORD) is not None


def test_remove_user(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    add_user(conn, "bernd", "admin", PASSWORD)
    remove_user(conn, "ANNA")
    assert get_user(conn, "anna") is None
    assert [u.name for u in list_users(conn)] == ["bernd"]
    assert authenticate(conn, "anna", PASSWORD) is None
    with pytest.raises(UserError, match="Unbekannter Benutzer"):
        remove_user(conn, "anna")
    assert count_users(conn) == 1


def test_generate_password() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        groups = password.split("-")
        assert len(groups) == 4 and all(len(g) == 4 for g in groups)
        assert not set(password) & set("0O1lIio")
        users._check_password(password)


# --- demo users ----------------------------------------------------------------


def test_create_demo_users(conn: sqlite3.Connection) -> None:
    created = create_demo_users(conn, district_area="02", department="soziales")
    assert [u.name for u, _ in created] == [f"demo-{role}" for role in ROLES]
    assert count_users(conn) == len(ROLES) == 6
    passwords = [p for _, p in created]
    assert len(set(passwords)) == len(passwords)
    for user, password in created:
        assert authenticate(conn, user.name, password) == user
        assert user.area_code == ("02" if user.role == "district" else None)
        assert user.department == ("soziales" if user.role == "department" else None)
    for stored in conn.execute("SELECT password_hash FROM users"):
        assert stored[0].startswith("$argon2id$")


def test_create_demo_users_again_replaces_them(conn: sqlite3.Connection) -> None:
    add_user(conn, "anna", "admin", PASSWORD)
    first = create_demo_users(conn, district_area="02", department="soziales")
    second = create_demo_users(conn, district_area="03", department="jugend")
    assert count_users(conn) == 7
    for (old_user, old_password), (new_user, new_password) in zip(first, second, strict=True):
        assert new_user.id == old_user.id
        assert old_password != new_password
        assert authenticate(conn, new_user.name, old_password) is None
        assert authenticate(conn, new_user.name, new_password) == new_user
    assert get_user(conn, "demo-district").area_code == "03"
    assert get_user(conn, "demo-department").department == "jugend"
    assert authenticate(conn, "anna", PASSWORD) is not None


def test_create_demo_users_needs_binding(conn: sqlite3.Connection) -> None:
    with pytest.raises(UserError, match="Gebiet"):
        create_demo_users(conn, district_area="", department="jugend")
    assert count_users(conn) == 0


# --- audit log -----------------------------------------------------------------


def test_audit(conn: sqlite3.Connection) -> None:
    audit(conn, "anna", "user.add", "bernd (controlling)")
    audit(conn, None, "login.failed")
    rows = conn.execute(
        "SELECT at, user_name, action, detail FROM audit_log ORDER BY id"
    ).fetchall()
    assert [tuple(r)[1:] for r in rows] == [
        ("anna", "user.add", "bernd (controlling)"),
        (None, "login.failed", None),
    ]
    for row in rows:
        assert row["at"].endswith("+00:00") and "T" in row["at"]
