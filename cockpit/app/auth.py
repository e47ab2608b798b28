"""Login, logout and the guard that lets nobody past without a live session.

A session is a random token in the signed cookie that must also be present in
the app database (cockpit.appdb.sessions); deleting the row ends the session
everywhere, so logout, password and role changes and user removal revoke even
a copied cookie. Failed logins are throttled per network address (flask-limiter,
cockpit.app.throttle) and lock an account for a while (cockpit.appdb.lockout).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import flask
import flask_login
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from markupsafe import escape

from cockpit.app.api_tokens import install_token_auth
from cockpit.app.i18n import LANGUAGES, register_strings, t
from cockpit.app.redirects import safe_next
from cockpit.app.session import current_lang
from cockpit.app.throttle import install_login_throttle
from cockpit.appdb import User, audit, audit_detail, authenticate
from cockpit.appdb.database import thread_connection
from cockpit.appdb.lockout import (
    LockoutPolicy,
    clear_failures,
    expired_lockout,
    locked_until,
    record_failure,
)
from cockpit.appdb.sessions import (
    end_user_sessions,
    purge_expired,
    session_user,
    start_session,
)
from cockpit.appdb.users import NAME_PATTERN
from cockpit.context import Installation

# Reachable without a session: the login form, the health check and static
# files (CSS, fonts, map geometry, locale) that carry no data.
OPEN_PATHS = ("/login", "/logout", "/healthz", "/_favicon.ico", "/favicon.ico")
OPEN_PREFIXES = ("/assets/", "/lang/")
# Answer with 401 instead of a redirect: machine endpoints.
API_PREFIXES = ("/_dash-", "/_reload-hash", "/api/", "/export/")
# The key of the session token in the signed cookie.
SESSION_TOKEN = "sid"
# Tests replace the clock in app.config to step over idle and lockout times.
CLOCK_KEY = "COCKPIT_CLOCK"

register_strings({
    "login.locked": {
        "de": "Zu viele fehlgeschlagene Anmeldungen. Die Anmeldung ist vorübergehend "
              "gesperrt; bitte versuchen Sie es in einigen Minuten erneut oder wenden Sie "
              "sich an die Administration.",
        "en": "Too many failed sign-ins. Signing in is locked for a while; please try again "
              "in a few minutes or contact the administrators.",
    },
    "login.expired_form": {
        "de": "Das Formular ist abgelaufen. Bitte erneut versuchen.",
        "en": "The form has expired. Please try again.",
    },
    "logout.title": {"de": "Abmelden", "en": "Sign out"},
    "logout.question": {
        "de": "Möchten Sie sich abmelden? Damit enden alle Ihre Sitzungen, auch auf "
              "anderen Geräten.",
        "en": "Do you want to sign out? This ends all your sessions, on other devices too.",
    },
    "logout.back": {"de": "Zurück zum Cockpit", "en": "Back to the cockpit"},
})


class SessionUser(flask_login.UserMixin):
    """The logged-in user as flask-login keeps it."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.name = user.name
        self.role = user.role
        self.area_code = user.area_code
        self.department = user.department

    def get_id(self) -> str:
        return self.name


def now() -> datetime:
    """The current time as the running app sees it (replaceable in tests)."""
    return flask.current_app.config[CLOCK_KEY]()


def client_address() -> str:
    """The caller's address (after ProxyFix, when proxies are configured)."""
    return flask.request.remote_addr or "unbekannt"


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{root}/_favicon.ico">
<link rel="stylesheet" href="{root}/assets/vendor/bootstrap/bootstrap.min.css">
<link rel="stylesheet" href="{root}/assets/cockpit.css">
</head><body class="login-page">
<main class="login-box">
<h1 class="h3 mb-4">{app_title}</h1>
<h2 class="h5 mb-3">{title}</h2>
{body}
</main></body></html>"""

_LOGIN_FORM = """{error}
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
<p class="mt-4 small"><a href="{root}/lang/{other}?next=/login">{other_name}</a></p>"""

_LOGOUT_FORM = """<p>{question}</p>
<form method="post" action="{root}/logout">
<input type="hidden" name="csrf_token" value="{csrf}">
<button class="btn btn-primary w-100" type="submit">{submit}</button>
</form>
<p class="mt-4 small"><a href="{root}/">{back}</a></p>"""


def plain_page(title: str, body: str, status: int) -> flask.Response:
    """A page outside the Dash app (login, logout, errors) in the cockpit's frame."""
    lang = current_lang()
    html = _PAGE.format(lang=lang, root=escape(flask.request.script_root), title=title,
                        app_title=t("app.title", lang), body=body)
    return flask.Response(html, status=status, mimetype="text/html")


def login_page(error: str | None = None, status: int = 200) -> flask.Response:
    """The login form, with an error message above it if given."""
    lang = current_lang()
    other = "en" if lang == "de" else "de"
    body = _LOGIN_FORM.format(
        root=escape(flask.request.script_root), csrf=escape(generate_csrf()),
        next=escape(safe_next(flask.request.values.get("next"))),
        username=t("login.username", lang), password=t("login.password", lang),
        submit=t("login.submit", lang), other=other, other_name=t(f"language.{other}", lang),
        error=(f'<div class="alert alert-danger" role="alert">{escape(error)}</div>'
               if error else ""),
    )
    return plain_page(t("login.title", lang), body, status)


def _logout_page(status: int = 200) -> flask.Response:
    lang = current_lang()
    body = _LOGOUT_FORM.format(
        root=escape(flask.request.script_root), csrf=escape(generate_csrf()),
        question=t("logout.question", lang), submit=t("logout", lang),
        back=t("logout.back", lang))
    return plain_page(t("logout.title", lang), body, status)


def _detail(**fields: object) -> str:
    return audit_detail(fields)


def _csrf_ok() -> bool:
    try:
        validate_csrf(flask.request.form.get("csrf_token"))
    except (CSRFError, Exception):  # noqa: BLE001 - any CSRF failure is a 400
        return False
    return True


def install_auth(server: flask.Flask, inst: Installation) -> flask_login.LoginManager:
    """Add flask-login, the login/logout/language routes and the request guard.

    Returns the LoginManager, so other ways to authenticate (API tokens) can
    add a request_loader beside the session loader.
    """
    settings = inst.settings
    server.config.setdefault(CLOCK_KEY, lambda: datetime.now(UTC))
    idle = timedelta(minutes=settings.session_idle_minutes)
    lifetime = timedelta(hours=settings.session_max_hours)
    policy = LockoutPolicy(settings.login_max_failures,
                           timedelta(minutes=settings.login_lockout_minutes))
    manager = flask_login.LoginManager()
    manager.init_app(server)
    install_token_auth(server, manager, inst)  # Bearer tokens, for /api/v1/ only

    @manager.user_loader
    def load_user(name: str) -> SessionUser | None:
        # The cookie alone is not enough: its token must name a live session of this user.
        # Every request asks, so the thread keeps its connection (thread_connection).
        with thread_connection(inst.settings.app_db_path) as conn:
            user = session_user(conn, flask.session.get(SESSION_TOKEN), now(),
                                idle=idle, lifetime=lifetime)
        if user is None or user.name.lower() != str(name).lower():
            return None
        return SessionUser(user)

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

    def record(conn, user_name: str | None, action: str, **fields: object) -> None:  # noqa: ANN001
        address = client_address()
        audit(conn, user_name, action, _detail(address=address, **fields), source="web",
              address=address)

    def attempt(name: str, password: str) -> tuple[User | None, int]:
        """Check one login; return (user, HTTP status of a refusal)."""
        # Only well-formed names are written to the audit log as a user name: a
        # password typed into the name field must not end up there.
        logged_name = name if NAME_PATTERN.fullmatch(name) else None
        moment = now()
        with inst.app_db() as conn:
            if expired_lockout(conn, name, moment):
                record(conn, logged_name, "lockout_lifted", by="time")
            if locked_until(conn, name, moment) is not None:
                record(conn, logged_name, "login_failed", reason="locked")
                return None, 429
            user = authenticate(conn, name, password) if name and password else None
            if user is not None:
                clear_failures(conn, name)
                return user, 200
            record(conn, logged_name, "login_failed", reason="credentials")
            if record_failure(conn, name, moment, policy):
                record(conn, logged_name, "lockout",
                       until=(moment + policy.duration).isoformat(timespec="seconds"))
        return None, 401

    @server.route("/login", methods=["GET", "POST"])
    def login() -> flask.Response:
        if flask.request.method == "GET":
            return login_page()
        lang = current_lang()
        if not _csrf_ok():
            return login_page(t("login.expired_form", lang), 400)
        name = flask.request.form.get("username", "")[:128]
        password = flask.request.form.get("password", "")[:1024]
        user, status = attempt(name, password)
        if user is None:
            message = t("login.locked" if status == 429 else "login.failed", lang)
            return login_page(message, status)
        with inst.app_db() as conn:
            # Logins are rare enough to tidy up sessions that can no longer be used.
            purge_expired(conn, now(), idle=idle, lifetime=lifetime)
            token = start_session(conn, user, now())
            record(conn, user.name, "login")
        flask.session.clear()  # no session fixation: a fresh session per login
        flask.session["lang"] = lang
        flask.session[SESSION_TOKEN] = token
        flask_login.login_user(SessionUser(user))
        return flask.redirect(safe_next(flask.request.form.get("next")))

    install_login_throttle(server, login, settings.login_rate_per_address,
                           lambda: login_page(t("login.locked", current_lang()), 429))

    @server.get("/logout")
    def confirm_logout() -> flask.Response:
        # A link or an image on another site must not log anyone out: GET only asks.
        if not flask_login.current_user.is_authenticated:
            return flask.redirect(flask.url_for("login"))
        return _logout_page()

    @server.post("/logout")
    def logout() -> flask.Response:
        if not _csrf_ok():
            return _logout_page(400)
        lang = current_lang()
        user = flask_login.current_user
        if user.is_authenticated:
            with inst.app_db() as conn:
                ended = end_user_sessions(conn, user.id)
                record(conn, user.name, "logout", sessions=ended)
        flask_login.logout_user()
        flask.session.clear()
        flask.session["lang"] = lang
        return flask.redirect(flask.url_for("login"))

    @server.get("/lang/<code>")
    def set_language(code: str) -> flask.Response:
        if code in LANGUAGES:
            flask.session["lang"] = code
        return flask.redirect(safe_next(flask.request.args.get("next")))

    return manager

