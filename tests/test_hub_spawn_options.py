"""Start with options against a real hub: the profile chosen in Lab reaches the spawner as the
user_options KubeSpawner reads, and the row says what the server was started with."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from conftest import body
from test_spawn_options import PROFILE_LIST

SERVERS = "saturn-panel/hub/servers"


@pytest.fixture
def panel_config(local_hub: Any) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": local_hub.admin_token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 0.5,
        "hub_spawn_options": PROFILE_LIST,
    }


async def test_a_profile_chosen_in_lab_reaches_the_spawner(jp_fetch: Any, open_events: Any, local_hub: Any) -> None:
    hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
    assert hub["spawnOptions"]["source"] == "profile_list"
    assert hub["spawnOptions"]["schema"]["properties"]["profile"]["default"] == "cpu-machine"

    tab = open_events()
    await tab.ready()
    chosen = {"profile": "gpu", "profile-option-image": "tensorflow"}
    await jp_fetch(f"{SERVERS}/alice/gpubox", method="POST", body=json.dumps({"userOptions": chosen}))
    running = await tab.wait_resource("hub/alice/gpubox", lambda r: r["status"] == "running", timeout=30)
    assert running["details"]["startedWith"] == "GPU machine"
    assert running["details"]["userOptions"] == chosen
    assert running["details"]["spawnPage"] == f"{local_hub.public_url}/hub/spawn/alice/gpubox"
    # The hub's own model holds the options the spawner was started with.
    status, user = await asyncio.to_thread(local_hub.api, "GET", "users/alice")
    assert status == 200 and user["servers"]["gpubox"]["user_options"] == chosen

    await jp_fetch(f"{SERVERS}/alice/gpubox", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/alice/gpubox")


SIZE_SCHEMA = {
    "type": "object",
    "properties": {"size": {"type": "string", "title": "Size", "enum": ["small", "large"], "default": "small"}},
    "required": ["size"],
}


class TestJsonSchemaOptions:
    """The other shape: a JSON Schema whose form data is the user_options, for any spawner."""

    @pytest.fixture
    def panel_config(self, local_hub: Any) -> dict[str, Any]:
        return {
            "hub_api_url": local_hub.api_url,
            "hub_api_token": local_hub.admin_token,
            "hub_public_url": local_hub.public_url,
            "hub_poll_interval": 0.5,
            "hub_spawn_options": SIZE_SCHEMA,
        }

    async def test_the_form_data_is_what_the_spawner_gets(
        self, jp_fetch: Any, open_events: Any, local_hub: Any
    ) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["spawnOptions"] == {"source": "schema", "schema": SIZE_SCHEMA}
        tab = open_events()
        await tab.ready()
        chosen = {"size": "large"}
        await jp_fetch(f"{SERVERS}/alice/sized", method="POST", body=json.dumps({"userOptions": chosen}))
        running = await tab.wait_resource("hub/alice/sized", lambda r: r["status"] == "running", timeout=30)
        assert running["details"]["userOptions"] == chosen and running["details"]["startedWith"] is None
        status, user = await asyncio.to_thread(local_hub.api, "GET", "users/alice")
        assert status == 200 and user["servers"]["sized"]["user_options"] == chosen
        await jp_fetch(f"{SERVERS}/alice/sized", method="DELETE", params={"remove": "1"})
        await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/alice/sized")
