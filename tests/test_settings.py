"""Security settings: defaults, environment, and a German refusal of unusable values."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cockpit.cli import cli
from cockpit.settings import SETTINGS, SettingsError, load_settings


def test_defaults_are_safe() -> None:
    settings = load_settings(home="/tmp/x")
    assert settings.session_idle_minutes == 60
    assert settings.session_max_hours == 12
    assert settings.login_max_failures == 10
    assert settings.login_lockout_minutes == 15
    assert settings.https is False
    assert settings.proxy_hops == 0


def test_every_setting_has_help_text() -> None:
    assert all(len(s.help) > 20 for s in SETTINGS)


def test_environment_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_HTTPS", "1")
    monkeypatch.setenv("COCKPIT_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("COCKPIT_PROXY_HOPS", "1")
    settings = load_settings(home="/tmp/x")
    assert (settings.https, settings.session_idle_minutes, settings.proxy_hops) == (True, 5, 1)


@pytest.mark.parametrize("name,value", [
    ("session_idle_minutes", "0"), ("session_max_hours", "zwölf"), ("login_max_failures", "-1"),
    ("https", "vielleicht"), ("proxy_hops", "-1"), ("login_rate_per_address", "viele"),
])
def test_unusable_values_are_refused_in_german(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match="ist ungültig") as info:
        load_settings(home="/tmp/x", **{name: value})
    assert "COCKPIT_" + name.upper() in str(info.value)


def test_the_command_line_reports_a_bad_setting_as_bad_input(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "users", "list"],
                                env={"COCKPIT_SESSION_MAX_HOURS": "0"})
    assert result.exit_code == 2
    assert "COCKPIT_SESSION_MAX_HOURS" in result.output
