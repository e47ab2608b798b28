"""`Authorization: Bearer <token>` for the JSON API (/api/v1/ only, never pages or callbacks).

A valid token makes its owner the current user for this one request (flask-login's
request loader: nothing is written to the session, no cookie is set). The owner's role
and binding are read from the users table on every request, so a role change applies at
once and a removed user's tokens stop working. Each use is audited as ``token_used`` with
the token's name; the token itself is never logged. A request that presents a token that
is malformed, unknown, revoked or expired gets 401, even if it also carries a session.
"""

from __future__ import annotations

import json
from contextlib import closing

import flask
import flask_login

from cockpit.appdb import audit
from cockpit.appdb.tokens import resolve_token
from cockpit.context import Installation

API_PREFIX = "/api/v1/"
INVALID_TOKEN = "Das API-Token ist ungültig, abgelaufen oder widerrufen."
WRONG_SCHEME = "Bitte das API-Token als „Authorization: Bearer <Token>“ senden."
_RESOLVED = "cockpit_api_token_user"  # flask.g key: the TokenUser or None, once per request


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
                audit(conn, owner.name, "token_used",
                      json.dumps(detail, ensure_ascii=False, sort_keys=True))
    setattr(flask.g, _RESOLVED, user)
    return user


def install_token_auth(server: flask.Flask, manager: flask_login.LoginManager,
                       inst: Installation) -> None:
    """Let API requests authenticate with a personal token (see cockpit/appdb/tokens.py)."""

    @manager.request_loader
    def load_from_token(_request: flask.Request) -> TokenUser | None:
        # flask-login asks only when the session has no user; the guard then lets it pass.
        return _token_user(inst)

    @server.before_request
    def refuse_bad_token() -> tuple[flask.Response, int] | None:
        header = _presented()
        if header is None:
            return None
        scheme = header.strip().partition(" ")[0].lower()
        if scheme == "bearer" and _token_user(inst) is not None:
            return None
        response = flask.jsonify(error=INVALID_TOKEN if scheme == "bearer" else WRONG_SCHEME)
        response.headers["WWW-Authenticate"] = 'Bearer realm="cockpit", error="invalid_token"'
        return response, 401


def token_name() -> str | None:
    """The name of the token this request came with (None for a session)."""
    user = flask_login.current_user
    return getattr(user, "token_name", None) if user else None
