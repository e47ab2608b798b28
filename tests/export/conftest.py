"""The export tests use the app and the logged-in clients of tests/app/conftest.py."""

from tests.app.conftest import app_server, clients  # noqa: F401
