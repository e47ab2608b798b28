"""Why the gate refused; each maps to one HTTP status."""

from __future__ import annotations


class GateError(Exception):
    """Base of the gate's refusals; `status` is the HTTP status to answer with."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotLoggedIn(GateError):
    """No user is logged in."""

    status = 401


class AccessDenied(GateError):
    """The user is logged in but may not see this."""

    status = 403


class NotFound(GateError):
    """The indicator or area does not exist."""

    status = 404


class BadParameter(GateError):
    """A parameter is malformed or names something that has no data."""

    status = 400
