"""A JupyterHub server shared with another user (JupyterHub 5 shares; issue 17, case 6).

The panel inside alice's server acts with alice's hub (and Saturn) tokens: bob, whom alice shares
the server with, may open her JupyterLab, but not use her panel. A real hub spawns a real
single-user JupyterLab with the panel; the share is made through the hub's REST API."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from saturn_panel_demo.local_hub import LocalHub


@pytest.fixture(scope="module")
def hub_with_alices_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    hub = LocalHub(
        tmp_path_factory.mktemp("shared-hub"),
        users=("alice", "bob"),
        admins=(),
        step_delay=0.1,
        steps=1,
        stop_delay=0.0,
        singleuser="lab",  # a real JupyterLab with the panel, as a deployment runs it
    )
    hub.start()
    try:
        status, _ = hub.api("POST", "users/alice/server")
        assert status in (201, 202)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            _, model = hub.api("GET", "users/alice")
            if model["servers"].get("", {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"alice's server did not start:\n{hub.log_tail()}")
        yield hub
    finally:
        hub.stop()


def call(hub: LocalHub, path: str, token: str, method: str = "GET") -> tuple[int, Any]:
    """A request to alice's server through the hub's proxy, as a browser or a script makes it."""
    request = urllib.request.Request(
        f"{hub.public_url}/user/alice/{path}",
        method=method,
        data=b"{}" if method == "POST" else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode("utf-8", "replace")


def test_only_the_owner_uses_the_panel_of_a_shared_server(hub_with_alices_server: LocalHub) -> None:
    hub = hub_with_alices_server
    alice = hub.create_token("alice", ["inherit"], note="alice")
    # Before the share, the hub itself keeps bob out of alice's server. (A token of his own for
    # this: alice's server caches what the hub said of a token for minutes.)
    assert call(hub, "saturn-panel/config", hub.create_token("bob", ["inherit"], note="before"))[0] == 403

    status, share = hub.api("POST", "shares/alice/", {"user": "bob"})
    assert status == 200, share
    bob = hub.create_token("bob", ["inherit"], note="bob")
    # The share works: bob reaches alice's JupyterLab (its own API answers him).
    status, me = call(hub, "api/me", bob)
    assert status == 200 and me["identity"]["username"] == "bob"

    # alice's panel answers alice ...
    status, config = call(hub, "saturn-panel/config", alice)
    assert status == 200 and config["hub"]["user"] == "alice"
    # ... and refuses bob, saying why and what would widen it, for reads and actions alike.
    for path, method in (
        ("saturn-panel/config", "GET"),
        ("saturn-panel/resources", "GET"),
        ("saturn-panel/hub/servers/alice/fromshare", "POST"),
    ):
        status, payload = call(hub, path, bob, method)
        assert status == 403, (path, payload)
        assert "only alice may use it" in payload["message"] and "bob" in payload["message"]
        assert "allow_shared_access" in payload["hint"]
    # bob's start did not happen.
    _, model = hub.api("GET", "users/alice")
    assert "fromshare" not in model["servers"]
