"""One settings object: argument > COCKPIT_* environment variable > default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse_many

from cockpit.resources import bundled_dir


@dataclass(frozen=True)
class Setting:
    """A named setting with its default and the help text shown to operators."""

    name: str
    default: str | None
    help: str

    @property
    def env_var(self) -> str:
        return "COCKPIT_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "./var", "Directory holding all state: analytic store, app database, "
            "import archive, logs."),
    Setting("secret_key", None, "Key that signs session cookies. Required unless the app "
            "runs in demo mode; only read from the environment."),
    Setting("queries_dir", None, "Folder of indicator SQL modules; defaults to the bundled "
            "queries/ folder."),
    Setting("data_dir", None, "Folder of dataset, department and topic definitions (*.yaml); "
            "defaults to the bundled data/ folder."),
    Setting("upload_max_age_hours", "24", "Hours an uploaded, unpublished delivery is kept "
            "in uploads/ before it is deleted."),
    Setting("session_idle_minutes", "60", "A session ends after this many minutes without "
            "a request; the user has to log in again."),
    Setting("session_max_hours", "12", "A session ends this many hours after login, "
            "however active it is."),
    Setting("login_max_failures", "10", "Failed logins for one account name within the "
            "lockout time that lock the account."),
    Setting("login_lockout_minutes", "15", "How long an account stays locked after too many "
            "failed logins (an admin lifts it earlier with 'cockpit users unlock NAME'); also "
            "the window in which failures are counted."),
    Setting("login_rate_per_address", "30 per minute", "Failed logins one network address "
            "may make (counted per worker process), in flask-limiter notation."),
    Setting("https", "0", "1 when users reach the cockpit over HTTPS (directly or through a "
            "proxy): session cookies are then sent only over HTTPS."),
    Setting("proxy_hops", "0", "Number of reverse proxies in front of the cockpit whose "
            "X-Forwarded-For/-Proto/-Host headers are trusted (0: none, headers ignored)."),
    Setting("compress", "1", "1 to compress pages, scripts, callbacks and API answers "
            "(zstd, brotli or gzip); 0 when a reverse proxy in front compresses them."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one cockpit installation."""

    home: Path
    secret_key: str | None
    queries_dir: Path
    data_dir: Path
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    login_max_failures: int = 10
    login_lockout_minutes: int = 15
    login_rate_per_address: str = "30 per minute"
    https: bool = False
    proxy_hops: int = 0
    compress: bool = True
    overrides: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def app_db_path(self) -> Path:
        return self.home / "app.sqlite"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def upload_max_age(self) -> float:
        """Seconds an unpublished upload is kept (COCKPIT_UPLOAD_MAX_AGE_HOURS, default 24)."""
        raw = _resolve("upload_max_age_hours", dict(self.overrides))
        try:
            hours = float(raw or "24")
        except ValueError as exc:
            raise ValueError(f"COCKPIT_UPLOAD_MAX_AGE_HOURS ist keine Zahl: {raw!r}") from exc
        if not hours > 0:
            raise ValueError("COCKPIT_UPLOAD_MAX_AGE_HOURS muss größer als 0 sein")
        return hours * 3600


class SettingsError(ValueError):
    """A setting has a value that cannot be used (German message naming the variable)."""


def _positive_int(name: str, overrides: dict[str, str | None], *, minimum: int = 1) -> int:
    raw = _resolve(name, overrides)
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise SettingsError(
            f"{_BY_NAME[name].env_var}={raw!r} ist ungültig: erwartet wird eine ganze Zahl "
            f"ab {minimum}.")
    return value


def _rate(name: str, overrides: dict[str, str | None]) -> str:
    raw = str(_resolve(name, overrides)).strip()
    try:
        parse_many(raw)
    except ValueError:
        raise SettingsError(
            f"{_BY_NAME[name].env_var}={raw!r} ist ungültig: erwartet wird z. B. "
            "'30 per minute' oder '100 per hour'.") from None
    return raw


def _flag(name: str, overrides: dict[str, str | None]) -> bool:
    raw = str(_resolve(name, overrides)).strip().lower()
    if raw in ("1", "true", "yes", "ja", "on"):
        return True
    if raw in ("0", "false", "no", "nein", "off", ""):
        return False
    raise SettingsError(f"{_BY_NAME[name].env_var}={raw!r} ist ungültig: erwartet wird 1 oder 0.")


def _resolve(name: str, overrides: dict[str, str | None]) -> str | None:
    setting = _BY_NAME[name]
    value = overrides.get(name)
    if value is not None:
        return value
    return os.environ.get(setting.env_var) or setting.default


def load_settings(**overrides: str | None) -> Settings:
    """Build the settings from explicit arguments, the environment and defaults."""
    unknown = set(overrides) - set(_BY_NAME)
    if unknown:
        raise TypeError(f"Unknown settings: {', '.join(sorted(unknown))}")
    if overrides.get("secret_key") is not None:
        raise TypeError("secret_key is only read from the environment (COCKPIT_SECRET_KEY)")
    home = Path(_resolve("home", overrides) or "./var").expanduser().resolve()
    queries = _resolve("queries_dir", overrides)
    data = _resolve("data_dir", overrides)
    return Settings(
        home=home,
        secret_key=os.environ.get("COCKPIT_SECRET_KEY") or None,
        queries_dir=Path(queries).resolve() if queries else bundled_dir("queries"),
        data_dir=Path(data).resolve() if data else bundled_dir("data"),
        session_idle_minutes=_positive_int("session_idle_minutes", overrides),
        session_max_hours=_positive_int("session_max_hours", overrides),
        login_max_failures=_positive_int("login_max_failures", overrides),
        login_lockout_minutes=_positive_int("login_lockout_minutes", overrides),
        login_rate_per_address=_rate("login_rate_per_address", overrides),
        https=_flag("https", overrides),
        proxy_hops=_positive_int("proxy_hops", overrides, minimum=0),
        compress=_flag("compress", overrides),
        overrides={k: v for k, v in overrides.items() if v is not None},
    )
