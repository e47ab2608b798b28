"""Texts inside third-party components (AG Grid, dcc.Dropdown) in the user's language.

AG Grid's German texts are its own translation (npm package @ag-grid-community/locale,
extracted by tools/ag-grid-locale/extract.js into cockpit/app/locale/ag-grid-de.json),
so "No Rows To Show" or "Page Size" never appear on a German page. The dropdowns'
texts are set in assets/cockpit.js from the document's language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_AG_GRID_DE = Path(__file__).resolve().parent / "locale" / "ag-grid-de.json"


@cache
def _ag_grid_german() -> dict[str, str]:
    return json.loads(_AG_GRID_DE.read_text(encoding="utf-8"))["texts"]


def grid_options(lang: str, options: dict | None = None) -> dict:
    """`options` (dashGridOptions) plus AG Grid's texts in `lang` (English is built in)."""
    merged = dict(options or {})
    if lang == "de":
        merged["localeText"] = _ag_grid_german()
    return merged
