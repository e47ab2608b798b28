"""The single access gate: every page, callback, API handler and export reads data here."""

from cockpit.access.errors import AccessDenied, BadParameter, NotFound, NotLoggedIn
from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer

__all__ = ["AccessDenied", "BadParameter", "Gate", "NotFound", "NotLoggedIn", "Viewer"]
