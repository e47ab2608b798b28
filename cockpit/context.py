"""Assemble one installation from its settings: definitions, indicators, store, app DB."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cached_property

from cockpit.appdb import connect as connect_app_db
from cockpit.catalog import Catalog, load_catalog
from cockpit.indicators.registry import Registry, load_registry, load_topics
from cockpit.settings import Settings
from cockpit.store import Store
from cockpit.territory.correspondence import Correspondence, load_correspondences


@dataclass
class Installation:
    """Everything one cockpit installation consists of, built lazily from its settings."""

    settings: Settings

    @cached_property
    def catalog(self) -> Catalog:
        return load_catalog(self.settings.data_dir)

    @cached_property
    def topics(self) -> dict[str, dict[str, str]]:
        return load_topics(self.settings.data_dir)

    @cached_property
    def registry(self) -> Registry:
        return load_registry(self.settings.queries_dir, self.catalog, self.topics)

    @cached_property
    def correspondences(self) -> list[Correspondence]:
        """Declared old -> new area tables (data/correspondences/*.csv)."""
        return load_correspondences(self.settings.data_dir)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.store_dir)

    def app_db(self) -> sqlite3.Connection:
        """Open a new connection to the app database (one per thread or request)."""
        return connect_app_db(self.settings.app_db_path)

    def area_codes(self) -> set[str]:
        """Codes of all areas in the current snapshot (empty when there is none)."""
        if not self.store.exists():
            return set()
        return {row[0] for row in self.store.read().execute("SELECT code FROM areas").fetchall()}
