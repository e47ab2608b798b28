"""The Dash application: shell (navigation, language, user) around the registered pages."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import SplitResult, urlencode, urlsplit

import dash
import dash_bootstrap_components as dbc
import flask
import flask_login
from dash import _callback, _pages, dcc, html
from flask_wtf.csrf import generate_csrf

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import _MAX_URL as MAX_URL
from cockpit.app.callback_inputs import install_request_guard, validated
from cockpit.app.i18n import t
from cockpit.app.level_words import speaks_of_stadtteile
from cockpit.app.plotly_bundle import install_plotly_bundle, plotly_bundle_url
from cockpit.app.session import current_lang, current_levels
from cockpit.resources import bundled_dir
from cockpit.views import catalogue_links  # noqa: F401 - registers its links
from cockpit.views.menu import saved_view_menu

# The ids of dash.page_container's parts (dash/dash.py: _ID_LOCATION, _ID_CONTENT, ...).
PAGES_LOCATION, PAGES_CONTENT = "_pages_location", "_pages_content"
PAGES_STORE, PAGES_DUMMY = "_pages_store", "_pages_dummy"
DASH_KEY = "cockpit_dash"  # server.extensions: this server's Dash app
VENDOR_CSS = [
    "/assets/vendor/bootstrap/bootstrap.min.css",
    "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css",
]


def _vendor_scripts() -> list[str]:
    """The vendored scripts of every page, in order.

    The partial plotly.js bundle (tools/plotly-bundle) is an ordinary script before the
    component bundles and the renderer, so `window.Plotly` is there before any dcc.Graph
    mounts and dcc never loads the full 4.8 MB plotly.min.js. (Deferred, it ran after
    the renderer had started; a graph mounting first made dcc load plotly a second time.)
    Its URL carries a hash of its content, so a new build is never taken from a cache.
    """
    return ["/assets/vendor/plotly/plotly-locale-de.js", plotly_bundle_url()]


# Scripts that dcc and dash-ag-grid load only once a dropdown, graph or grid has mounted
# (webpack chunks): a preload hint fetches them beside the main bundles instead of
# after the layout, so they are ready when the first drawing needs them.
LAZY_CHUNKS = {
    "dropdown": "_dash-component-suites/dash/dcc/async-dropdown.js",
    "graph": "_dash-component-suites/dash/dcc/async-graph.js",
    "grid": "_dash-component-suites/dash_ag_grid/async-community.js",
    "markdown": "_dash-component-suites/dash/dcc/async-markdown.js",
}
# A page names the chunks its first drawing needs (register_page(..., chunks=(...)));
# a page that names none gets these. Only what the page uses: the browser warns about
# (and has fetched for nothing) a preloaded script that is never run.
DEFAULT_CHUNKS = ("dropdown", "graph")


def _page_of(app: dash.Dash, path: str) -> dict | None:
    page, _ = _pages._path_to_page(app.strip_relative_path(path))
    return page or None


def preload_hints(app: dash.Dash, path: str) -> str:
    """`<link rel=preload>` tags for the page at `path`: the lazy chunks it names, and
    the files its first drawing fetches (register_page(..., fetches=(...)), paths below
    the script root, e.g. the base map's topojson)."""
    page = _page_of(app, path) or {}
    prefix = app.config.requests_pathname_prefix
    root = prefix.rstrip("/")
    tags = [f'<link rel="preload" as="script" href="{prefix}{LAZY_CHUNKS[chunk]}">'
            for chunk in page.get("chunks", DEFAULT_CHUNKS)]
    # as=fetch needs crossorigin (anonymous: same-origin credentials) to match plotly's
    # own request for it; without, Chromium fetches the file a second time.
    tags += [f'<link rel="preload" as="fetch" href="{root}{url}" crossorigin="anonymous">'
             for url in page.get("fetches", ())]
    return "\n".join(tags)


# Scripts Dash puts on every page that the cockpit's browsers do not need:
# - @babel/polyfill (core-js 2 and regenerator): every browser Dash 4 supports has the
#   language features; the one part the bundles still call, `regeneratorRuntime` (their
#   async functions are compiled to it), comes from the vendored regenerator-runtime,
#   a 25 KB file instead of 35 KB compressed that took ~0.1 s to run on a fresh page.
# - dash_table: the cockpit draws its tables with dash-ag-grid.
_POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')
_DASH_TABLE = re.compile(r'<script src="[^"]*/dash_table/bundle[^"]*"></script>\n?')
REGENERATOR = "/assets/vendor/regenerator/regenerator-runtime.js"


# Dash's renderer asks for /_dash-layout and /_dash-dependencies only once all scripts
# have been downloaded and run (~0.5 s on a fresh page), and the layout of a page with its
# first drawing takes the server a while to build. This inline script in the <head> asks
# for both at once, so the server builds the layout while the browser loads the scripts,
# and hands the answers to the renderer's own requests (same URL, GET, same credentials
# and headers). When the layout has arrived, the versioned files its figures fetch (the
# map's geometry, `"geojson": "/api/..."`, an immutable answer) are asked for at once,
# so they wait in the HTTP cache instead of being fetched after the ranking's first draw.
# Anything unusual (an early request that failed, another method, another URL) takes the
# ordinary path.
_EARLY_FETCH = """(function () {
  var root = %(root)s, fetch0 = window.fetch, early = {};
  var init = {credentials: "same-origin",
              headers: {Accept: "application/json", "Content-Type": "application/json"}};
  // A text search, not JSON.parse and a walk: at 11,000 areas the layout is megabytes.
  function prefetchFiles(response) {
    response.clone().text().then(function (text) {
      var key = '"geojson":', seen = {}, at = text.indexOf(key);
      while (at !== -1) {
        var start = text.indexOf('"', at + key.length);
        var end = start === -1 ? -1 : text.indexOf('"', start + 1);
        if (end === -1) { return; }
        var url = text.slice(start + 1, end);
        var isString = text.slice(at + key.length, start).trim() === "";
        // Only paths of this origin ("/x", not "//host/x"), none with escapes.
        if (isString && url.charAt(0) === "/" && url.charAt(1) !== "/"
            && url.indexOf(String.fromCharCode(92)) === -1 && !seen[url]) {
          seen[url] = 1;
          fetch0(url, {credentials: "same-origin"});
        }
        at = text.indexOf(key, isString ? end : at + key.length);
      }
    }).catch(function () {});
  }
  ["_dash-layout", "_dash-dependencies"].forEach(function (name) {
    var request = fetch0(root + name, init);
    if (name === "_dash-layout") { request.then(prefetchFiles, function () {}); }
    early[root + name] = request;
  });
  window.fetch = function (input, options) {
    var early_answer = typeof input === "string" ? early[input] : undefined;
    if (early_answer === undefined || (options && options.method && options.method !== "GET")) {
      return fetch0.apply(this, arguments);
    }
    delete early[input];
    return early_answer.catch(function () { return fetch0(input, options); });
  };
})();"""


def early_fetch_script(root: str) -> str:
    """The inline <head> script that asks for layout and dependencies at once, for an
    app whose requests go below `root` (requests_pathname_prefix, ends with "/")."""
    return _EARLY_FETCH % {"root": json.dumps(root)}


class _CockpitDash(dash.Dash):
    """Dash with per-page preload hints and without the scripts it needs not load."""

    def _early_script(self) -> str:
        return early_fetch_script(self.config.requests_pathname_prefix)

    def csp_hashes(self, hash_algorithm: str = "sha256") -> list[str]:
        """Dash's inline scripts and the early-fetch script, allowed by their hashes."""
        digest = getattr(hashlib, hash_algorithm)(self._early_script().encode()).digest()
        return [*super().csp_hashes(hash_algorithm),
                f"'{hash_algorithm}-{base64.b64encode(digest).decode()}'"]

    def _generate_scripts_html(self) -> str:
        scripts = super()._generate_scripts_html()
        root = self.config.requests_pathname_prefix.rstrip("/")
        scripts, replaced = _POLYFILL.subn(f'<script src="{root}{REGENERATOR}"></script>',
                                           scripts, count=1)
        if not replaced:  # a Dash without the polyfill tag: still define the runtime first
            scripts = f'<script src="{root}{REGENERATOR}"></script>\n' + scripts
        return _DASH_TABLE.sub("", scripts)

    def interpolate_index(self, **kwargs: str) -> str:
        # The script before the style sheets: an inline script after a style sheet
        # waits until that has loaded.
        kwargs["css"] = "\n".join([f"<script>{self._early_script()}</script>",
                                   kwargs.get("css", ""),
                                   preload_hints(self, flask.request.path)])
        # Screen readers pick their voice from the document's language (WCAG 3.1.1).
        return super().interpolate_index(**kwargs).replace(
            "<html>", f'<html lang="{current_lang()}">', 1)


def _reset_dash_globals() -> None:
    # Dash keeps pages and `dash.callback`s in module globals; a new app (one per
    # worker, several in tests) must start from its own pages only.
    _pages.PAGE_REGISTRY.clear()
    _callback.GLOBAL_CALLBACK_LIST.clear()
    _callback.GLOBAL_CALLBACK_MAP.clear()


def _navigation(lang: str, role: str) -> list:
    # A page may list the roles it is for (register_page(..., roles=[...])); the
    # page itself still refuses everyone else on the server. A page named after
    # Stadtteile may give a neutral name for installations whose lowest level is not
    # called so (register_page(..., label_key_areas=...)). Pages for administration and
    # editing (register_page(..., nav_group="admin")) share one "Verwaltung" dropdown,
    # so the everyday pages keep the menu bar to themselves.
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 99))
    try:
        stadtteile = speaks_of_stadtteile(current_levels())
    except GateError:  # no snapshot yet: the default names
        stadtteile = True
    key = "label_key" if stadtteile else "label_key_areas"

    def label(page: dict) -> str:
        return t(page.get(key) or page.get("label_key", ""), lang) or page["name"]

    mine = [page for page in pages
            if not page.get("hidden") and role in page.get("roles", (role,))]
    items: list = [dbc.NavItem(dbc.NavLink(label(page), href=page["relative_path"],
                                           active="exact"))
                   for page in mine if page.get("nav_group") != "admin"]
    # Saved views and dashboards shared with this role (cockpit/views/menu.py).
    items.extend(saved_view_menu(lang, role))
    admin = [page for page in mine if page.get("nav_group") == "admin"]
    if admin:
        items.append(dbc.DropdownMenu(
            [dbc.DropdownMenuItem(label(page), href=page["relative_path"]) for page in admin],
            label=t("nav.admin", lang), nav=True, in_navbar=True, id="nav-admin",
            align_end=True))
    return items


def _referrer() -> SplitResult | None:
    """The page being shown: the layout is fetched by the page, so it is the referrer
    (Referrer-Policy same-origin sends it whole); None for a foreign or missing one."""
    referrer = urlsplit(flask.request.referrer or "")
    if not referrer.netloc or referrer.netloc != flask.request.host:
        return None
    return referrer


def _current_page() -> str:
    """Path and query of the page being shown, "/" if unknown."""
    referrer = _referrer()
    if referrer is None:
        return "/"
    path = referrer.path or "/"
    return f"{path}?{referrer.query}" if referrer.query else path


def _page_container() -> html.Div:
    """dash.page_container, with the page being shown already inside.

    Dash's pages router fills the page in a callback once dcc.Location has mounted: a
    round trip after the layout before the page's own callbacks can even start. Here the
    layout already holds the page, built exactly as the router would build it, and
    dcc.Location already holds the path and query, so it does not report them on mount
    and the router callback does not run; later navigation goes through the router as
    before. Anything unusual (no referrer, an unknown path, a layout that fails) leaves
    the container empty, and the router does its usual work.
    """
    referrer = _referrer()
    if referrer is None or len(referrer.geturl()) > MAX_URL:  # the router's limit too
        return dash.page_container
    app = flask.current_app.extensions[DASH_KEY]
    page, variables = _pages._path_to_page(app.strip_relative_path(referrer.path or "/"))
    if not page:
        return dash.page_container
    search = f"?{referrer.query}" if referrer.query else ""
    try:
        layout = page.get("layout", "")
        if callable(layout):
            layout = layout(**{**(variables or {}), **_pages._parse_query_string(search)})
        title = page["title"]
        if callable(title):
            title = title(**(variables or {}))
    except Exception:  # noqa: BLE001 - the router callback will meet and report it
        return dash.page_container
    return html.Div([
        dcc.Location(id=PAGES_LOCATION, refresh="callback-nav", pathname=referrer.path,
                     search=search, href=referrer.geturl()),
        html.Div(layout, id=PAGES_CONTENT, disable_n_clicks=True),
        dcc.Store(id=PAGES_STORE, data={"title": title}),
        html.Div(id=PAGES_DUMMY, disable_n_clicks=True),
    ])


def shell() -> html.Div:
    """The frame around every page; built per request for the user's language."""
    lang = current_lang()
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return html.Div(dash.page_container)  # the login guard sends anonymous users away
    other = "en" if lang == "de" else "de"
    root = flask.request.script_root
    back = _current_page()
    navbar = dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand(t("app.title", lang), href=root + "/"),
            html.Button(html.Span(className="navbar-toggler-icon"), id="nav-toggler",
                        className="navbar-toggler", type="button",
                        **{"aria-label": t("nav.toggle", lang), "aria-controls": "nav-collapse"}),
            dbc.Collapse([
                dbc.Nav(_navigation(lang, user.role), navbar=True, className="me-auto"),
                dbc.Nav([
                    dbc.NavItem(dbc.NavLink(
                        html.Span(t(f"language.{other}", lang), lang=other),
                        href=f"{root}/lang/{other}?{urlencode({'next': back})}",
                        external_link=True)),
                    dbc.NavItem(html.Span(
                        t("logged_in_as", lang, user=user.name) + f" ({user.role})",
                        className="navbar-text small px-2")),
                    # Logout is a POST with the CSRF token, so no foreign page can trigger it.
                    dbc.NavItem(html.Form([
                        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                        html.Button(t("logout", lang), type="submit", id="logout-button",
                                    className="btn btn-link nav-link"),
                    ], method="post", action=root + "/logout", className="d-flex")),
                ], navbar=True),
            ], id="nav-collapse", navbar=True),
        ], fluid=True),
        color="primary", dark=True, className="mb-3 no-print", expand="xxl",
    )
    return html.Div([
        html.A(t("skip_to_content", lang), href="#main", className="visually-hidden-focusable"),
        navbar,
        html.Main(dbc.Container(_page_container(), fluid=True), id="main", lang=lang),
    ])


def create_dash(server: flask.Flask) -> dash.Dash:
    """Mount the Dash cockpit with its pages (cockpit/pages) on the Flask server."""
    _reset_dash_globals()
    app = _CockpitDash(
        "cockpit",
        server=server,
        use_pages=True,
        pages_folder="pages",
        assets_folder=str(bundled_dir("assets")),
        # Vendored files are linked explicitly (so they load before our own CSS, and the
        # plotly bundle deferred), never added again by Dash's walk of the assets folder.
        assets_path_ignore=["vendor"],
        external_stylesheets=VENDOR_CSS,
        external_scripts=_vendor_scripts(),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Cockpit",
        update_title=None,
    )
    app.layout = shell
    server.extensions[DASH_KEY] = app

    @app.callback(
        dash.Output("nav-collapse", "is_open"),
        dash.Input("nav-toggler", "n_clicks"),
        dash.State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    @validated
    def toggle_navigation(clicks: int | None, is_open: bool | None) -> bool:
        return not is_open

    install_request_guard(server, app)
    install_plotly_bundle(server)
    return app
