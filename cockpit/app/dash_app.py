"""The Dash application: shell (navigation, language, user) around the registered pages."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import dash
import dash_bootstrap_components as dbc
import flask
import flask_login
from dash import _callback, _pages, dcc, html
from flask_wtf.csrf import generate_csrf

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import install_request_guard, validated
from cockpit.app.i18n import t
from cockpit.app.level_words import speaks_of_stadtteile
from cockpit.app.session import current_lang, current_levels
from cockpit.resources import bundled_dir

VENDOR_CSS = [
    "/assets/vendor/bootstrap/bootstrap.min.css",
    "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css",
]
VENDOR_JS = ["/assets/vendor/plotly/plotly-locale-de.js"]


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
    # called so (register_page(..., label_key_areas=...)).
    pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order", 99))
    try:
        stadtteile = speaks_of_stadtteile(current_levels())
    except GateError:  # no snapshot yet: the default names
        stadtteile = True
    key = "label_key" if stadtteile else "label_key_areas"
    return [
        dbc.NavItem(dbc.NavLink(t(page.get(key) or page.get("label_key", ""), lang)
                                or page["name"],
                                href=page["relative_path"], active="exact"))
        for page in pages
        if not page.get("hidden") and role in page.get("roles", (role,))
    ]


def _current_page() -> str:
    """The page being shown: the layout is fetched by the page, so it is the referrer."""
    referrer = urlsplit(flask.request.referrer or "")
    if referrer.netloc and referrer.netloc != flask.request.host:
        return "/"
    path = referrer.path or "/"
    return f"{path}?{referrer.query}" if referrer.query else path


def shell() -> html.Div:
    """The frame around every page; built per request for the user's language."""
    lang = current_lang()
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return html.Div(dash.page_container)
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
        html.Main(dbc.Container(dash.page_container, fluid=True), id="main", lang=lang),
    ])


def create_dash(server: flask.Flask) -> dash.Dash:
    """Mount the Dash cockpit with its pages (cockpit/pages) on the Flask server."""
    _reset_dash_globals()
    app = dash.Dash(
        "cockpit",
        server=server,
        use_pages=True,
        pages_folder="pages",
        assets_folder=str(bundled_dir("assets")),
        # Vendored files are linked explicitly so they load before our own CSS.
        assets_ignore=r"vendor/.*",
        external_stylesheets=VENDOR_CSS,
        external_scripts=VENDOR_JS,
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="Cockpit",
        update_title=None,
    )
    app.layout = shell

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
    return app
