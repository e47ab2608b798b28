"""One settings object: argument > COCKPIT_* environment variable > default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one cockpit installation."""

    home: Path
    secret_key: str | None
    queries_dir: Path
    data_dir: Path
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
        overrides={k: v for k, v in overrides.items() if v is not None},
    )
