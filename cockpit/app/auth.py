"""Login, logout and the guard that lets nobody past without a session."""

from __future__ import annotations

import flask
import flask_login
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from markupsafe import escape

from cockpit.app.api_tokens import install_token_auth
from cockpit.app.i18n import LANGUAGES, t
from cockpit.app.session import current_lang
from cockpit.appdb import User, authenticate, get_user
from cockpit.context import Installation

# Reachable without a session: the login form, the health check and static
# files (CSS, fonts, map geometry, locale) that carry no data.
OPEN_PATHS = ("/login", "/healthz", "/_favicon.ico", "/favicon.ico")
OPEN_PREFIXES = ("/assets/", "/lang/")
# Answer with 401 instead of a redirect: machine endpoints.
API_PREFIXES = ("/_dash-", "/_reload-hash", "/api/", "/export/")


class SessionUser(flask_login.UserMixin):
    """The logged-in user as flask-login keeps it."""

    def __init__(self, user: User) -> None:
        self.name = user.name
        self.role = user.role
        self.area_code = user.area_code
        self.department = user.department

    def get_id(self) -> str:
        return self.name


def _local_target(target: str | None) -> str:
    """Only ever redirect to a path on this host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


_LOGIN_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{root}/assets/vendor/bootstrap/bootstrap.min.css">
<link rel="stylesheet" href="{root}/assets/cockpit.css">
</head><body class="login-page">
<main class="login-box">
<h1 class="h3 mb-4">{app_title}</h1>
<h2 class="h5 mb-3">{title}</h2>
{error}
<form method="post" action="{root}/login" novalidate>
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<div class="mb-3"><label class="form-label" for="username">{username}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required
 autofocus></div>
<div class="mb-3"><label class="form-label" for="password">{password}</label>
<input class="form-control" id="password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary w-100" type="submit">{submit}</button>
</form>
<p class="mt-4 small"><a href="{root}/lang/{other}?next=/login">{other_name}</a></p>
</main></body></html>"""


def _login_page(error: str | None = None, status: int = 200) -> flask.Response:
    lang = current_lang()
    other = "en" if lang == "de" else "de"
    html = _LOGIN_PAGE.format(
        lang=lang, root=escape(flask.request.script_root), title=t("login.title", lang),
        app_title=t("app.title", lang), csrf=escape(generate_csrf()),
        next=escape(_local_target(flask.request.values.get("next"))),
        username=t("login.username", lang), password=t("login.password", lang),
        submit=t("login.submit", lang), other=other, other_name=t(f"language.{other}", lang),
        error=(f'<div class="alert alert-danger" role="alert">{escape(error)}</div>'
               if error else ""),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def install_auth(server: flask.Flask, inst: Installation) -> None:
    """Add flask-login, the login/logout/language routes and the request guard."""
    manager = flask_login.LoginManager()
    manager.init_app(server)
    install_token_auth(server, manager, inst)  # Bearer tokens, for /api/v1/ only

    @manager.user_loader
    def load_user(name: str) -> SessionUser | None:
        with inst.app_db() as conn:
            user = get_user(conn, name)
        return SessionUser(user) if user else None

    @server.before_request
    def guard() -> flask.Response | None:
        path = flask.request.path
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return None
        if flask_login.current_user.is_authenticated:
            return None
        if path.startswith(API_PREFIXES):
            return flask.jsonify(error="Bitte melden Sie sich an."), 401
        return flask.redirect(flask.url_for("login", next=flask.request.full_path.rstrip("?")))

    @server.route("/login", methods=["GET", "POST"])
    def login() -> flask.Response:
        if flask.request.method == "GET":
            return _login_page()
        try:
            validate_csrf(flask.request.form.get("csrf_token"))
        except (CSRFError, Exception):  # noqa: BLE001 - any CSRF failure is a 400
            return _login_page("Das Formular ist abgelaufen. Bitte erneut anmelden.", 400)
        name = flask.request.form.get("username", "")[:128]
        password = flask.request.form.get("password", "")[:1024]
        with inst.app_db() as conn:
            user = authenticate(conn, name, password) if name and password else None
        if user is None:
            return _login_page(t("login.failed", current_lang()), 401)
        flask.session.clear()  # no session fixation: a fresh session per login
        flask_login.login_user(SessionUser(user))
        return flask.redirect(_local_target(flask.request.form.get("next")))

    @server.get("/logout")
    def logout() -> flask.Response:
        lang = current_lang()
        flask_login.logout_user()
        flask.session.clear()
        flask.session["lang"] = lang
        return flask.redirect(flask.url_for("login"))

    @server.get("/lang/<code>")
    def set_language(code: str) -> flask.Response:
        if code in LANGUAGES:
            flask.session["lang"] = code
        return flask.redirect(_local_target(flask.request.args.get("next")))
