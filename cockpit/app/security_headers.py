"""Response headers, cookie flags and request size limits for every response.

- Content-Security-Policy: only this origin. Dash's inline scripts (renderer
  start, clientside callbacks) are allowed by their hashes, never by
  'unsafe-inline'; plotly sets inline styles, so styles may be inline.
- Framing forbidden (`frame-ancestors 'none'` and X-Frame-Options for old browsers).
- Cache-Control: no-store on everything except static assets, so pages, Dash
  callbacks and API answers with data stay out of shared and browser caches.
  Static assets (browser cache only): Dash's fingerprinted component bundles
  are immutable for a year (a new version has a new name); vendored files under /assets/vendor are
  fresh for a day, then revalidated; our own assets are always revalidated
  (ETag, 304), so a second visit transfers almost nothing.
- Request size: small for every request, larger only for the Datenlieferung
  upload callback of a user who may deliver data; 413 with a German message.
- The session cookie is Secure when the cockpit is reached over HTTPS.
"""

from __future__ import annotations

import dash
import flask
import flask_login
from dash.fingerprint import check_fingerprint
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from cockpit.settings import Settings

# Ordinary requests (forms, Dash callbacks, API calls) stay far below this.
MAX_REQUEST_BYTES = 2 * 1024 * 1024
# The upload callback carries a file of up to 50 MB base64-encoded (4/3) in JSON.
MAX_UPLOAD_REQUEST_BYTES = 70 * 1024 * 1024
UPLOAD_INPUT = ("upload-file", "contents")
UPLOAD_ROLES = ("admin", "controlling", "department")
DASH_CALLBACK_PATH = "/_dash-update-component"
# Fingerprinted or static files without data may be cached by the browser.
CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
COMPONENT_SUITES = "/_dash-component-suites/"
VENDOR_ASSETS = "/assets/vendor/"
# Data answers whose URL carries the data version; kept only when the handler marked
# them IMMUTABLE (the version asked for is the current one).
VERSIONED_DATA = ("/api/v1/areas/geojson",)
FAVICON = "/_favicon.ico"
# `private`: the browser may keep them, a shared proxy may not. Component bundles
# are served only after login (they name software versions), so no proxy should
# hand them to others.
IMMUTABLE = "private, max-age=31536000, immutable"
# Vendored files change only with a cockpit release; a day old copy is fine.
VENDOR_CACHE = "private, max-age=86400"
REVALIDATE = "no-cache"


def static_cache_control(path: str) -> str:
    """Cache-Control for a static file without data at this path."""
    if path.startswith(COMPONENT_SUITES) and check_fingerprint(path)[1]:
        # Dash names bundles `name.v<version>m<hash>.js`: the name changes with the file.
        return IMMUTABLE
    if path.startswith((VENDOR_ASSETS, FAVICON)):
        # Dash serves its favicon without ETag; revalidating would send it again.
        return VENDOR_CACHE
    return REVALIDATE

_STATIC_POLICY = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP header value with the given inline-script hashes."""
    policy = dict(_STATIC_POLICY)
    policy["script-src"] = ["'self'", *script_hashes]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookie when configured for HTTPS or when this request came over HTTPS."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            flask.has_request_context() and flask.request.is_secure)


def _too_large_message(limit: int) -> str:
    return (f"Die Anfrage ist zu groß (höchstens {limit // (1024 * 1024)} MB). "
            "Dateien bis 50 MB bitte über die Seite Datenlieferung hochladen.")


def install_security(server: flask.Flask, dash_app: dash.Dash, settings: Settings) -> None:
    """Add headers, cookie flags, proxy handling and size limits to the server."""
    if settings.proxy_hops:
        # Only behind proxies the operator declared: otherwise anyone could claim
        # to be https or any address with a forged X-Forwarded-* header.
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                   x_prefix=hops)
    server.config.update(SESSION_COOKIE_SECURE=settings.https,
                         MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    server.session_interface = _SessionInterface()

    def allow_large_upload() -> None:
        request = flask.request
        length = request.content_length
        if (request.path != DASH_CALLBACK_PATH or length is None
                or length <= MAX_REQUEST_BYTES or length > MAX_UPLOAD_REQUEST_BYTES):
            return
        user = flask_login.current_user
        if not user.is_authenticated or user.role not in UPLOAD_ROLES:
            return
        request.max_content_length = MAX_UPLOAD_REQUEST_BYTES
        payload = request.get_json(silent=True, cache=True)
        inputs = payload.get("inputs") if isinstance(payload, dict) else None
        if not isinstance(inputs, list) or not any(
                isinstance(item, dict) and (item.get("id"), item.get("property")) == UPLOAD_INPUT
                for item in inputs):
            # A large body is only accepted for the file upload itself.
            raise RequestEntityTooLarge()

    # First of all request hooks: any hook that reads the body (the callback input
    # guard does) must already see the upload's larger limit.
    server.before_request_funcs.setdefault(None, []).insert(0, allow_large_upload)

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> tuple[flask.Response, int]:
        limit = flask.request.max_content_length or MAX_REQUEST_BYTES
        message = _too_large_message(limit)
        if flask.request.path.startswith(("/_dash-", "/api/")):
            return flask.jsonify(error=message), 413
        return flask.Response(message, mimetype="text/plain"), 413

    @server.after_request
    def add_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(
            list(dash_app.csp_hashes()) if response.mimetype == "text/html" else [])
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if settings.https:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        path = flask.request.path
        if path.startswith(CACHEABLE_PREFIXES) and response.status_code in (200, 304):
            headers["Cache-Control"] = static_cache_control(path)
        elif (path in VERSIONED_DATA and response.status_code in (200, 304)
              and headers.get("Cache-Control") == IMMUTABLE):
            pass  # its URL names the data version (cockpit/api/geometry.py)
        else:
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
            headers.pop("ETag", None)
        return response
