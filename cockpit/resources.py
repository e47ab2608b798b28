"""Locate the bundled folders (queries, data, assets) in a wheel or a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the folder `name` shipped with the package (queries, data or assets)."""
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    # Source checkout or editable install: the folders sit beside the package.
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"Bundled folder '{name}' not found next to {_PACKAGE_DIR}")
