"""Which Übersicht cards a role gets: the choice made in the app, else data/overview.yaml.

The file stays the default (no Python needed); controlling may override it per role on
the page "Übersicht einrichten" (stored in the app database, cockpit/appdb/overview_cards.py).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import yaml

from cockpit.access import Gate
from cockpit.appdb.database import AppDatabaseError
from cockpit.appdb.overview_cards import get_cards
from cockpit.resources import bundled_dir

CONFIG_FILE = "overview.yaml"

logger = logging.getLogger(__name__)


def config_path(gate: Gate | None = None) -> Path:
    """data/overview.yaml of the installation (COCKPIT_DATA_DIR), else the bundled one."""
    settings = getattr(getattr(gate, "inst", None), "settings", None)
    data_dir = getattr(settings, "data_dir", None)
    if data_dir is not None:
        candidate = Path(data_dir) / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return bundled_dir("data") / CONFIG_FILE


def load_config(path: Path) -> dict[str, list[str]]:
    """Role -> ordered indicator ids; a broken file or entry is logged, never fatal."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("%s kann nicht gelesen werden: %s", path, exc)
        return {}
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        logger.warning("%s: erwartet wird eine Zuordnung Rolle -> Liste von Indikatoren", path)
        return {}
    config: dict[str, list[str]] = {}
    for role, ids in raw.items():
        if not isinstance(ids, list):
            logger.warning("%s: Eintrag für Rolle %r ist keine Liste", path, role)
            continue
        kept: list[str] = []
        for item in ids:
            if not isinstance(item, str) or not item.strip():
                logger.warning("%s: ungültiger Eintrag %r bei Rolle %r", path, item, role)
            elif item.strip() not in kept:
                kept.append(item.strip())
        config[str(role)] = kept
    return config


def card_ids(gate: Gate, role: str) -> list[str]:
    """The role's cards: as chosen in the app, else as in data/overview.yaml."""
    try:
        conn = gate.inst.app_db()
        try:
            chosen = get_cards(conn, role)
        finally:
            conn.close()
    except (AppDatabaseError, sqlite3.Error) as exc:
        logger.warning("Kartenauswahl nicht lesbar, nehme %s: %s", CONFIG_FILE, exc)
        chosen = None
    if chosen is not None:
        return chosen
    return load_config(config_path(gate)).get(role, [])


