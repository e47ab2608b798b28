"""Failed logins are throttled, lock the account for a while and are audited (finding 5)."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cockpit.appdb import add_user
from cockpit.cli import cli
from tests.app.security_helpers import audit_rows, last_audit_id, post_login, server_on

PASSWORD = "drossel-passwort-1"
LOCKED = "Zu viele fehlgeschlagene Anmeldungen"


@pytest.fixture(scope="module")
def setup(demo, tmp_path_factory):
    # A generous address limit, so these tests see the account lockout alone.
    return server_on(demo, tmp_path_factory.mktemp("throttle") / "home",
                     login_max_failures="10", login_lockout_minutes="15",
                     login_rate_per_address="10000 per minute")


_counter = iter(range(10_000))


def _new_user(demo) -> str:
    name = f"drossel-{next(_counter)}"
    with demo.app_db() as conn:
        add_user(conn, name, "committee", PASSWORD)
    return name


def test_sixty_wrong_passwords_then_the_right_one_is_refused(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    client = server.test_client()
    statuses = [post_login(client, name, f"falsch-{i}").status_code for i in range(60)]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    right = post_login(client, name, PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.get_data(as_text=True)
    assert client.get("/api/v1/indicators").status_code == 401


def test_the_lockout_ends_after_its_time(setup) -> None:
    server, clock, demo = setup
    name = _new_user(demo)
    client = server.test_client()
    for i in range(10):
        post_login(client, name, f"falsch-{i}")
    assert post_login(client, name, PASSWORD).status_code == 429
    clock.advance(minutes=14)
    assert post_login(client, name, PASSWORD).status_code == 429
    since = last_audit_id(demo)
    clock.advance(minutes=2)
    assert post_login(client, name, PASSWORD).status_code == 302
    assert client.get("/api/v1/indicators").status_code == 200
    lifted = audit_rows(demo, "lockout_lifted", since)
    assert [json.loads(r["detail"])["by"] for r in lifted] == ["time"]


def test_an_admin_lifts_the_lockout(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    client = server.test_client()
    for i in range(10):
        post_login(client, name, f"falsch-{i}")
    assert post_login(client, name, PASSWORD).status_code == 429
    since = last_audit_id(demo)
    result = CliRunner().invoke(cli, ["--home", str(demo.settings.home), "users", "unlock", name])
    assert result.exit_code == 0, result.output
    assert "aufgehoben" in result.output
    assert post_login(client, name, PASSWORD).status_code == 302
    entry = audit_rows(demo, "lockout_lifted", since)[-1]
    assert json.loads(entry["detail"])["by"] == "admin"
    assert json.loads(entry["detail"])["user"] == name


def test_failures_spread_over_a_long_time_do_not_lock(setup) -> None:
    server, clock, demo = setup
    name = _new_user(demo)
    client = server.test_client()
    for i in range(20):
        assert post_login(client, name, f"falsch-{i}").status_code == 401
        clock.advance(minutes=2)
    assert post_login(client, name, PASSWORD).status_code == 302


def test_failed_logins_and_the_lockout_are_audited_without_the_password(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)
    since = last_audit_id(demo)
    client = server.test_client()
    for i in range(11):
        post_login(client, name, f"geheimes-falsch-{i}")
    failed = audit_rows(demo, "login_failed", since)
    assert len(failed) == 11
    assert all(r["user_name"] == name for r in failed)
    details = [json.loads(r["detail"]) for r in failed]
    assert all(d["address"] == "127.0.0.1" for d in details)
    # The Protokoll page filters and shows the columns, not only the JSON detail.
    assert all((r["source"], r["address"]) == ("web", "127.0.0.1") for r in failed)
    assert [d["reason"] for d in details] == ["credentials"] * 10 + ["locked"]
    assert len(audit_rows(demo, "lockout", since)) == 1
    with demo.app_db() as conn:
        text = " ".join(str(tuple(r)) for r in conn.execute("SELECT * FROM audit_log"))
    assert "geheimes-falsch" not in text


def test_a_password_typed_as_the_name_is_not_logged(setup) -> None:
    server, _, demo = setup
    since = last_audit_id(demo)
    post_login(server.test_client(), "mein geheimes Passwort!", "x" * 12)
    entry = audit_rows(demo, "login_failed", since)[-1]
    assert entry["user_name"] is None
    assert "geheimes" not in (entry["detail"] or "")


def test_unknown_users_and_wrong_passwords_get_the_same_answer(setup) -> None:
    server, _, demo = setup
    name = _new_user(demo)

    def attempt(user: str) -> tuple[int, str, float]:
        client = server.test_client()
        started = time.perf_counter()
        response = post_login(client, user, "ein-falsches-passwort")
        elapsed = time.perf_counter() - started
        return response.status_code, response.get_data(as_text=True), elapsed

    known = [attempt(name) for _ in range(5)]
    unknown = [attempt(f"niemand-{i}") for i in range(5)]
    assert {s for s, _, _ in known} == {s for s, _, _ in unknown} == {401}
    strip = lambda body: body.split('name="csrf_token"')[0]  # noqa: E731 - token differs
    assert {strip(b) for _, b, _ in known} == {strip(b) for _, b, _ in unknown}
    ratio = statistics.median(t for *_, t in known) / statistics.median(t for *_, t in unknown)
    assert 0.5 < ratio < 2.0, ratio
    # Unknown names are locked just like real ones, so a lockout reveals nothing either.
    client = server.test_client()
    for i in range(10):
        post_login(client, "erfunden", f"falsch-{i}")
    assert post_login(client, "erfunden", "falsch").status_code == 429


def test_the_address_limit_answers_429_in_german(demo, tmp_path: Path) -> None:
    server, _, inst = server_on(demo, tmp_path / "home", login_rate_per_address="5 per minute")
    name = _new_user(inst)
    client = server.test_client()
    # Different invented names: the account lockout never applies, only the address limit.
    statuses = [post_login(client, f"spray-{i}", "falsch-falsch").status_code for i in range(8)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3
    refused = post_login(client, name, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_address_limit(demo, tmp_path: Path) -> None:
    server, _, inst = server_on(demo, tmp_path / "home", login_rate_per_address="3 per minute")
    name = _new_user(inst)
    for _ in range(6):
        assert post_login(server.test_client(), name, PASSWORD).status_code == 302


def test_a_bad_rate_setting_is_refused(demo, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="COCKPIT_LOGIN_RATE_PER_ADDRESS"):
        server_on(demo, tmp_path / "home", login_rate_per_address="sehr viele")


def test_unlock_of_an_account_that_is_not_locked(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "users", "unlock",
                                      "niemand-gesperrt"])
    assert result.exit_code == 0
    assert "nicht gesperrt" in result.output
