"""The panel inside a hub single-user server, configured only from the environment the hub sets.

With ``c.JupyterHub.public_url`` set, the hub gives each server ``$JUPYTERHUB_PUBLIC_URL`` = that
*server's* URL (``.../user/alice/``); links built from it used to come out as
``.../user/alice/user/alice/...``. Here the hub spawns a real JupyterLab with the panel, and the
panel's own answer, read through the hub's proxy, must link to the right place."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from conftest import fetch_url

from saturn_panel_demo.local_hub import LocalHub


@pytest.fixture(scope="module")
def hub_with_public_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    hub = LocalHub(
        tmp_path_factory.mktemp("public-hub"),
        users=("alice",),
        admins=("alice",),
        step_delay=0.1,
        steps=1,
        singleuser="lab",  # a real JupyterLab, which loads the panel
        set_public_url=True,
    )
    hub.start()
    yield hub
    hub.stop()


def start_and_wait(hub: LocalHub, timeout: float = 120.0) -> None:
    status, body = hub.api("POST", "users/alice/server")
    assert status in (201, 202), body
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, user = hub.api("GET", "users/alice")
        if status == 200 and (user.get("servers", {}).get("") or {}).get("ready"):
            return
        time.sleep(0.5)
    raise AssertionError(f"alice's server did not start:\n{hub.log_tail()}")


async def test_links_from_a_single_user_server_open_the_server(hub_with_public_url: LocalHub) -> None:
    hub = hub_with_public_url
    await asyncio.to_thread(start_and_wait, hub)
    token = await asyncio.to_thread(hub.create_token, "alice", ["access:servers!user=alice"], "links-test")
    url = f"{hub.public_url}/user/alice/saturn-panel/resources"
    for _ in range(60):  # the panel's first read of the hub may still be under way
        status, payload = await fetch_url(url, token)
        assert status == 200, payload
        own = {r["key"]: r for r in payload["resources"]}.get("hub/alice/")
        if own and own["status"] == "running":
            break
        await asyncio.sleep(1.0)
    else:
        raise AssertionError(f"the panel never saw alice's server running: {payload}")
    assert own["url"] == f"{hub.public_url}/user/alice/"  # not .../user/alice/user/alice/
    status, config = await fetch_url(f"{hub.public_url}/user/alice/saturn-panel/config", token)
    assert status == 200 and config["hub"]["user"] == "alice" and config["hub"]["publicUrl"] == hub.public_url
