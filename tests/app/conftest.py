"""An app on the demo store with one logged-in test client per role."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pytest

from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from cockpit.context import Installation

ROLES = ("admin", "controlling", "leadership", "district", "committee", "department")


# Other test folders import these fixtures into their conftest, which makes pytest keep
# one session instance per conftest. A second app would create new demo passwords and end
# the first one's sessions, so every instance hands out the same app and clients.
_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def app_server(demo: Installation):
    if "server" not in _SHARED:
        _SHARED["server"] = _create_app_server(demo)
    return _SHARED["server"]


def _create_app_server(demo: Installation):
    server = create_server(demo, secret_key="test-secret-key", warm=False)
    server.config["TESTING"] = True
    with demo.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="jugendamt")
    server.demo_passwords = {user.role: (user.name, pw) for user, pw in created}
    # The first request sets Dash up with this app's pages and callbacks.
    server.test_client().get("/login")
    return server


def login(client, name: str, password: str) -> Any:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": token})


@pytest.fixture(scope="session")
def clients(app_server) -> dict[str, Any]:
    """A logged-in test client per role."""
    if "clients" not in _SHARED:
        _SHARED["clients"] = _log_in_every_role(app_server)
    return _SHARED["clients"]


def _log_in_every_role(app_server) -> dict[str, Any]:
    result = {}
    for role in ROLES:
        client = app_server.test_client()
        name, password = app_server.demo_passwords[role]
        assert login(client, name, password).status_code == 302
        result[role] = client
    return result


def _component(spec: str) -> tuple[str, str]:
    component, prop = spec.rsplit(".", 1)
    return component, prop


def callback(client, outputs: str | Iterable[str], inputs: dict[str, Any],
             state: dict[str, Any] | None = None, changed: Iterable[str] | None = None):
    """POST a real Dash callback request; return the response (JSON in .json)."""
    single = isinstance(outputs, str)
    out_list = [outputs] if single else list(outputs)
    out_specs = [dict(zip(("id", "property"), _component(o), strict=True)) for o in out_list]
    payload = {
        "output": out_list[0] if single else ".." + "...".join(out_list) + "..",
        "outputs": out_specs[0] if single else out_specs,
        "inputs": [{"id": _component(k)[0], "property": _component(k)[1], "value": v}
                   for k, v in inputs.items()],
        "state": [{"id": _component(k)[0], "property": _component(k)[1], "value": v}
                  for k, v in (state or {}).items()],
        "changedPropIds": list(changed if changed is not None else inputs),
    }
    return client.post("/_dash-update-component", json=payload)


def render_page(client, path: str, search: str = ""):
    """Ask the Dash pages router for a page's layout, as the browser does."""
    return callback(
        client, ["_pages_content.children", "_pages_store.data"],
        {"_pages_location.pathname": path, "_pages_location.search": search},
    )


def response_text(response) -> str:
    """The body as sent plus, for JSON, with escapes decoded: 'not in' checks see both."""
    raw = response.get_data(as_text=True)
    try:
        return raw + json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw
