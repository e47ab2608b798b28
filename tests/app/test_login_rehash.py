"""Logging in through the web form renews a password hash made with older parameters."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters

from cockpit.appdb import add_user, users
from tests.app.conftest import login


def test_web_login_with_an_older_hash_works_and_renews_it(app_server, demo) -> None:
    password = "Ausschuss-Alt-2020!"
    with demo.app_db() as conn:
        add_user(conn, "ausschuss-alt", "committee", password)
        # As stored before: argon2-cffi's default parameters (64 MiB, t=3, p=4).
        conn.execute("UPDATE users SET password_hash = ? WHERE name = 'ausschuss-alt'",
                     (PasswordHasher().hash(password),))
    client = app_server.test_client()
    assert login(client, "ausschuss-alt", password).status_code == 302
    assert client.get("/_dash-layout").status_code == 200  # the session works
    with demo.app_db() as conn:
        stored = conn.execute("SELECT password_hash FROM users WHERE name = 'ausschuss-alt'"
                              ).fetchone()[0]
    params = extract_parameters(stored)
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        users.PASSWORD_HASH_MEMORY_KIB, users.PASSWORD_HASH_TIME_COST,
        users.PASSWORD_HASH_PARALLELISM)
    again = app_server.test_client()
    assert login(again, "ausschuss-alt", password).status_code == 302
