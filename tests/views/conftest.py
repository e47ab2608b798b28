"""The app fixtures of tests/app (one demo app, one logged-in client per role)."""

from tests.app.conftest import app_server, clients  # noqa: F401
