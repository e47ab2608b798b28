"""Throttle failed logins per network address with flask-limiter.

Only failed attempts count (a successful login costs nothing), so colleagues
behind one NAT address are not locked out by each other's normal logins. The
counters live in the memory of each worker process; the lockout that must hold
across workers is the account lockout in the app database.
"""

from __future__ import annotations

from collections.abc import Callable

import flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

LIMITER_KEY = "cockpit_login_limiter"
# Statuses of a failed attempt: wrong credentials and refusals of a locked account.
_FAILED = (401, 429)


def install_login_throttle(
    server: flask.Flask,
    login_view: Callable[[], flask.Response],
    rate: str,
    refusal: Callable[[], flask.Response],
) -> Limiter:
    """Limit failed POSTs to `login_view` per address to `rate` (e.g. "30 per minute").

    `refusal` builds the answer once the limit is reached (a 429 with a German message).
    """
    try:
        parse_many(rate)
    except ValueError as exc:
        raise ValueError(
            f"COCKPIT_LOGIN_RATE_PER_ADDRESS={rate!r} ist ungültig, z. B. '30 per minute'."
        ) from exc
    limiter = Limiter(get_remote_address, app=server, storage_uri="memory://",
                      default_limits=[], headers_enabled=False)
    decorated = limiter.limit(
        rate, methods=["POST"], scope="login-address",
        deduct_when=lambda response: response.status_code in _FAILED,
        on_breach=lambda _limit: refusal(),
    )(login_view)
    server.view_functions[login_view.__name__] = decorated
    server.extensions[LIMITER_KEY] = limiter
    return limiter
