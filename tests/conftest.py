"""Shared fixtures: one demo installation per test session, built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.settings import load_settings


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """A demo installation with a published Musterstadt store (read-only in tests)."""
    home = tmp_path_factory.mktemp("demo-home")
    inst = Installation(load_settings(home=str(home)))
    build_demo_store(inst.store, inst.catalog)
    return inst


@pytest.fixture
def fresh_home(tmp_path: Path) -> Installation:
    """An installation with an empty COCKPIT_HOME."""
    return Installation(load_settings(home=str(tmp_path / "home")))
