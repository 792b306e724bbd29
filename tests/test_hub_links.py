"""'Open' links that open however the browser reaches Lab: hub_public_url counts for its origin
only, and without it the link is the hub's own path for the browser to resolve."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import body, fetch_url

SERVERS = "saturn-panel/hub/servers"


@pytest.fixture(params=["server-url", "unset"])
def public_url_setting(request: pytest.FixtureRequest, local_hub: Any) -> str:
    # Inside a hub single-user server JUPYTERHUB_PUBLIC_URL is that server's own URL.
    return f"{local_hub.public_url}/user/alice/" if request.param == "server-url" else ""


@pytest.fixture
def panel_config(local_hub: Any, public_url_setting: str) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": local_hub.admin_token,
        "hub_public_url": public_url_setting,
        "hub_poll_interval": 1.0,
    }


async def test_open_links_resolve_to_the_server(
    jp_fetch: Any, open_events: Any, local_hub: Any, public_url_setting: str
) -> None:
    tab = open_events()
    await tab.ready()
    await jp_fetch(f"{SERVERS}/alice/linked", method="POST", body="{}")
    running = await tab.wait_resource("hub/alice/linked", lambda r: r["status"] == "running", timeout=30)
    config = body(await jp_fetch("saturn-panel", "config"))["hub"]
    if public_url_setting:
        assert running["url"] == f"{local_hub.public_url}/user/alice/linked/"
        assert config["publicUrl"] == local_hub.public_url
    else:
        # A path: a browser on Lab's page resolves it against the origin it is on.
        assert running["url"] == "/user/alice/linked/"
        assert config["publicUrl"] is None
    absolute = running["url"] if running["url"].startswith("http") else local_hub.public_url + running["url"]
    assert (await fetch_url(absolute))[0] == 200  # the link really opens (through the hub's proxy)
    await jp_fetch(f"{SERVERS}/alice/linked", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/alice/linked")
