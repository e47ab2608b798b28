"""The static assets must work in a closed network: no request may leave the server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cockpit.resources import bundled_dir

ASSETS = bundled_dir("assets")
VENDOR = ASSETS / "vendor"
CSS_FILES = sorted(ASSETS.rglob("*.css"))
JS_FILES = sorted(ASSETS.rglob("*.js"))
LOCALE = VENDOR / "plotly" / "plotly-locale-de.js"
TOPOJSON = VENDOR / "topojson" / "world_110m.json"

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"[#@]\s*source(?:Mapping)?URL\s*=\s*(\S*)")


def _rel(path: Path) -> str:
    return path.relative_to(ASSETS).as_posix()


def _css_references(css: str) -> list[str]:
    """Every url(...) and @import target of a stylesheet, comments removed."""
    code = _COMMENT.sub("", css)
    refs = [next(group for group in m.groups() if group is not None) for m in _URL.finditer(code)]
    refs += _IMPORT.findall(code)
    return [ref.strip() for ref in refs]


def _is_external(ref: str) -> bool:
    """True for references a browser would fetch from another host."""
    parts = urlsplit(ref)
    return bool(parts.netloc) or parts.scheme.lower() in {"http", "https", "ftp"}


def test_reference_parser_finds_absolute_urls():
    css = (
        "/* https://example.org/licence is fine */"
        '@import url("https://fonts.example.com/x.css");'
        "@import 'http://cdn.example.com/y.css';"
        "a{background:url(//cdn.example.com/z.png)}"
        "b{background:url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'\")}"
        "c{src:url('fonts/a.woff2?v=1#iefix')}"
    )
    refs = _css_references(css)
    assert {ref for ref in refs if _is_external(ref)} == {
        "//cdn.example.com/z.png",
        "https://fonts.example.com/x.css",
        "http://cdn.example.com/y.css",
    }
    assert "fonts/a.woff2?v=1#iefix" in refs
    assert not _is_external("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'")


def test_expected_vendored_files_exist():
    expected = [
        "bootstrap/bootstrap.min.css",
        "bootstrap/LICENSE",
        "bootstrap-icons/bootstrap-icons.min.css",
        "bootstrap-icons/fonts/bootstrap-icons.woff2",
        "bootstrap-icons/fonts/bootstrap-icons.woff",
        "bootstrap-icons/LICENSE",
        "plotly/plotly-locale-de.js",
        "plotly/LICENSE",
        "regenerator/regenerator-runtime.js",
        "regenerator/LICENSE",
        "topojson/world_110m.json",
        "topojson/LICENSE",
        "README.md",
    ]
    missing = [name for name in expected if not (VENDOR / name).is_file()]
    assert not missing


@pytest.mark.parametrize("css_file", CSS_FILES, ids=_rel)
def test_css_fetches_nothing_from_outside(css_file: Path):
    external = [ref for ref in _css_references(css_file.read_text("utf-8")) if _is_external(ref)]
    assert not external, f"{_rel(css_file)} would fetch {external}"


@pytest.mark.parametrize("css_file", CSS_FILES, ids=_rel)
def test_css_relative_urls_point_to_existing_files(css_file: Path):
    broken = []
    for ref in _css_references(css_file.read_text("utf-8")):
        parts = urlsplit(ref)
        if _is_external(ref) or parts.scheme or not parts.path:  # data:, "#fragment", external
            continue
        target = (css_file.parent / parts.path).resolve()
        if not target.is_file():
            broken.append(ref)
    assert not broken, f"{_rel(css_file)} references missing files {broken}"


@pytest.mark.parametrize("asset", CSS_FILES + JS_FILES, ids=_rel)
def test_no_source_map_references(asset: Path):
    # A missing map makes browsers with open dev tools request it; an absolute one leaves the net.
    assert not _SOURCE_MAP.findall(asset.read_text("utf-8"))


# The plotly.js bundle holds links in its messages; tests/app/test_page_speed.py checks it.
@pytest.mark.parametrize("script", [p for p in JS_FILES if p.name != "plotly-cockpit.min.js"],
                         ids=_rel)
def test_scripts_contain_no_absolute_urls_outside_comments(script: Path):
    code = _COMMENT.sub("", script.read_text("utf-8"))
    code = re.sub(r"^\s*//.*$", "", code, flags=re.MULTILINE)
    assert not re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}", code, flags=re.IGNORECASE)


def test_bootstrap_icons_font_face_uses_vendored_fonts():
    css = (VENDOR / "bootstrap-icons" / "bootstrap-icons.min.css").read_text("utf-8")
    refs = _css_references(css)
    assert any(ref.startswith("fonts/bootstrap-icons.woff2") for ref in refs)
    assert any(ref.startswith("fonts/bootstrap-icons.woff?") for ref in refs)


def test_locale_defines_german():
    code = LOCALE.read_text("utf-8")
    assert re.search(r"""name\s*:\s*["']de["']""", code)
    assert "decimal" in code and "thousands" in code


def test_locale_survives_plotly_being_loaded_later():
    # Dash loads plotly.js lazily, after the asset scripts; a bare Plotly.register() would throw.
    code = LOCALE.read_text("utf-8")
    assert "PlotlyLocales" in code
    typeof_check = r"""typeof\s+Plotly\s*[=!]==?\s*["']undefined|undefined["']\s*[=!]==?\s*typeof"""
    assert re.search(typeof_check, code)
    # The CommonJS de.js from the plotly.js-locales package would fail in a browser.
    assert "module.exports" not in code


def test_locale_matches_plotly_js_served_by_dash():
    from plotly.offline import get_plotlyjs_version

    version = get_plotlyjs_version()
    assert f"plotly.js@{version}" in LOCALE.read_text("utf-8"), (
        f"Dash serves plotly.js {version}; update assets/vendor/plotly (see its README.md)"
    )


def test_world_topojson_is_a_small_valid_topology():
    assert TOPOJSON.stat().st_size < 1_000_000
    topology = json.loads(TOPOJSON.read_text("utf-8"))
    assert topology["type"] == "Topology"
    assert {"countries", "land", "coastlines", "ocean"} <= set(topology["objects"])


def test_readme_documents_every_vendored_file():
    readme = (VENDOR / "README.md").read_text("utf-8")
    files = [p for p in VENDOR.rglob("*") if p.is_file() and p.name not in {"README.md", "LICENSE"}]
    undocumented = [p.relative_to(VENDOR).as_posix() for p in files if p.name not in readme]
    assert not undocumented


def test_dash_includes_vendored_css_and_js_but_not_data_files():
    import dash

    app = dash.Dash(__name__, assets_folder=str(ASSETS))
    app.layout = dash.html.Div()
    html = app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/vendor/bootstrap/bootstrap.min.css" in html
    assert "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css" in html
    assert "/assets/vendor/plotly/plotly-locale-de.js" in html
    assert "world_110m.json" not in html
    assert "README.md" not in html
