"""`Authorization: Bearer <token>` for the JSON API (/api/v1/ only, never pages or callbacks).

A valid token makes its owner the current user for this one request (flask-login's
request loader: nothing is written to the session, no cookie is set). The owner's role
and binding are read from the users table on every request, so a role change applies at
once and a removed user's tokens stop working. Each use is audited as ``token_used`` with
the token's name; the token itself is never logged. A request that presents a token that
is malformed, unknown, revoked or expired gets 401, even if it also carries a session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from contextlib import closing

import flask
import flask_login

from cockpit.appdb import audit
from cockpit.appdb.tokens import resolve_token
from cockpit.context import Installation

API_PREFIX = "/api/v1/"
INVALID_TOKEN = "Das API-Token ist ungültig, abgelaufen oder widerrufen."
WRONG_SCHEME = "Bitte das API-Token als „Authorization: Bearer <Token>“ senden."
TOO_MANY = ("Zu viele ungültige API-Tokens von dieser Adresse; bitte in einer Minute erneut "
            "versuchen.")
_RESOLVED = "cockpit_api_token_user"  # flask.g key: the TokenUser or None, once per request
# Wrong tokens per client address and minute before the address is refused (429) for the
# rest of that minute. Guessing a 256-bit token is hopeless anyway; this keeps a flood of
# them from costing database lookups. Per worker process, bounded in memory.
FAILURES_PER_MINUTE = 30
_WINDOW_SECONDS = 60.0
_MAX_ADDRESSES = 10_000


class TokenUser(flask_login.UserMixin):
    """The owner of a valid API token, for one request."""

    def __init__(self, name: str, role: str, area_code: str | None, department: str | None,
                 token_name: str) -> None:
        self.name = name
        self.role = role
        self.area_code = area_code
        self.department = department
        self.token_name = token_name

    def get_id(self) -> str:
        return self.name


class FailureWindow:
    """Failed attempts per address in a sliding window, for at most `max_addresses`."""

    def __init__(self, limit: int, window: float = _WINDOW_SECONDS,
                 max_addresses: int = _MAX_ADDRESSES) -> None:
        self.limit = limit
        self.window = window
        self.max_addresses = max_addresses
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.get(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, address: str, now: float | None = None) -> bool:
        """Whether the address has used up its failures in the current window."""
        with self._lock:
            return len(self._recent(address, now or time.monotonic())) >= self.limit

    def add(self, address: str, now: float | None = None) -> None:
        """Count one failure of the address (the oldest address is forgotten when full)."""
        now = now or time.monotonic()
        with self._lock:
            times = self._recent(address, now)
            times.append(now)
            self._failures[address] = times
            self._failures.move_to_end(address)
            while len(self._failures) > self.max_addresses:
                self._failures.popitem(last=False)


def _presented() -> str | None:
    """The Authorization header of an API request (None elsewhere: tokens are API-only)."""
    if not flask.request.path.startswith(API_PREFIX):
        return None
    return flask.request.headers.get("Authorization")


def _token_user(inst: Installation) -> TokenUser | None:
    """Resolve the presented token once per request; audit a successful use."""
    if _RESOLVED in flask.g:
        return flask.g.get(_RESOLVED)
    user = None
    header = _presented()
    scheme, _, secret = (header or "").strip().partition(" ")
    if header is not None and scheme.lower() == "bearer":
        with closing(inst.app_db()) as conn:
            found = resolve_token(conn, secret.strip())
            if found is not None:
                owner, token = found
                user = TokenUser(owner.name, owner.role, owner.area_code, owner.department,
                                 token.name)
                detail = {"token": token.name, "method": flask.request.method,
                          "path": flask.request.path[:200]}
                audit(conn, owner.name, "token_used", detail,
                      source="api", address=flask.request.remote_addr)
    setattr(flask.g, _RESOLVED, user)
    return user


def install_token_auth(server: flask.Flask, manager: flask_login.LoginManager,
                       inst: Installation) -> None:
    """Let API requests authenticate with a personal token (see cockpit/appdb/tokens.py)."""

    @manager.request_loader
    def load_from_token(_request: flask.Request) -> TokenUser | None:
        # flask-login asks only when the session has no user; the guard then lets it pass.
        return _token_user(inst)

    failures = FailureWindow(FAILURES_PER_MINUTE)
    server.extensions["cockpit_token_failures"] = failures

    @server.before_request
    def refuse_bad_token() -> tuple[flask.Response, int] | None:
        header = _presented()
        if header is None:
            return None
        address = flask.request.remote_addr or "unbekannt"
        if failures.blocked(address):
            response = flask.jsonify(error=TOO_MANY)
            response.headers["Retry-After"] = str(int(_WINDOW_SECONDS))
            return response, 429
        scheme = header.strip().partition(" ")[0].lower()
        if scheme == "bearer" and _token_user(inst) is not None:
            return None
        failures.add(address)
        response = flask.jsonify(error=INVALID_TOKEN if scheme == "bearer" else WRONG_SCHEME)
        response.headers["WWW-Authenticate"] = 'Bearer realm="cockpit", error="invalid_token"'
        return response, 401


def token_name() -> str | None:
    """The name of the token this request came with (None for a session)."""
    user = flask_login.current_user
    return getattr(user, "token_name", None) if user else None
