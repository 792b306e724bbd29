"""Start with options against a real hub whose spawner runs KubeSpawner's own option code (the
demo's SlowProgressSpawner: ``load_user_options`` of jupyterhub-kubespawner 7 on a KubeSpawner
without a cluster). Hub and panel share one profile_list (the demo's), as the README advises: the
user_options chosen in Lab make KubeSpawner apply the image and limits chosen, and the row says
what it applied. A value the panel cannot use leaves the hub section working."""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import version
from typing import Any

import pytest
from conftest import body

from saturn_panel_demo.profiles import DEMO_PROFILES, TENSORFLOW_IMAGE

SERVERS = "saturn-panel/hub/servers"
USER = "carol"
G = 1024**3
SCIPY = "quay.io/jupyter/scipy-notebook:2024-08-05"


@pytest.fixture
def panel_config(local_hub: Any) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": local_hub.admin_token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 0.5,
        "hub_spawn_options": DEMO_PROFILES,
    }


async def server_model(local_hub: Any, name: str) -> dict[str, Any]:
    """The hub's model of a server, with its state (the admin token holds admin:server_state)."""
    status, user = await asyncio.to_thread(local_hub.api, "GET", f"users/{USER}")
    assert status == 200
    return dict(user["servers"][name])


async def remove(jp_fetch: Any, tab: Any, name: str) -> None:
    await jp_fetch(f"{SERVERS}/{USER}/{name}", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == f"hub/{USER}/{name}")


@pytest.mark.parametrize(
    ("name", "chosen", "started_with", "settings"),
    [
        (
            "tf",
            {"profile": "gpu", "image": "tensorflow"},
            "GPU machine (Image: TensorFlow)",
            {
                "image": TENSORFLOW_IMAGE,
                "cpu_limit": 4.0,
                "mem_limit": 16 * G,
                "extra_resource_limits": {"nvidia.com/gpu": "1"},
            },
        ),
        (
            "other",
            {"profile": "gpu", "image--unlisted-choice": SCIPY},
            f"GPU machine (Image: {SCIPY})",
            {"image": SCIPY, "cpu_limit": 4.0, "mem_limit": 16 * G},
        ),
        # A plain start: KubeSpawner's default profile.
        ("plain", None, "CPU machine", {"cpu_limit": 2.0, "mem_limit": 8 * G}),
    ],
)
async def test_the_server_runs_what_the_user_chose(
    jp_fetch: Any,
    open_events: Any,
    local_hub: Any,
    name: str,
    chosen: dict[str, Any] | None,
    started_with: str,
    settings: dict[str, Any],
) -> None:
    hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
    assert hub["spawnOptions"]["source"] == "profile_list" and hub["spawnOptions"]["problems"] == []
    assert hub["spawnOptions"]["schema"]["properties"]["profile"]["default"] == "cpu-machine"

    tab = open_events()
    await tab.ready()
    key = f"hub/{USER}/{name}"
    request = {"userOptions": chosen} if chosen is not None else {}
    await jp_fetch(f"{SERVERS}/{USER}/{name}", method="POST", body=json.dumps(request))
    running = await tab.wait_resource(key, lambda r: r["status"] == "running", timeout=30)
    assert running["details"]["startedWith"] == started_with
    assert running["details"]["userOptions"] == (chosen or {})
    assert running["details"]["spawnPage"] == f"{local_hub.public_url}/hub/spawn/{USER}/{name}"

    # What KubeSpawner's own load_user_options applied in the hub, for the options the hub stored.
    model = await server_model(local_hub, name)
    assert model["user_options"] == (chosen or {})
    applied = model["state"]["kubespawner_applied"]
    assert applied["by"] == f"kubespawner {version('jupyterhub-kubespawner')}"
    assert applied["profile"] == (chosen or {"profile": "cpu-machine"})["profile"]
    assert {k: applied["settings"][k] for k in settings} == settings
    await remove(jp_fetch, tab, name)


async def test_kubespawner_s_refusal_shows_on_the_row(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    key = f"hub/{USER}/refused"
    chosen = {"profile": "gpu", "image--unlisted-choice": "docker.io/someone/else:1"}
    await jp_fetch(f"{SERVERS}/{USER}/refused", method="POST", body=json.dumps({"userOptions": chosen}))
    failed = await tab.wait_resource(key, lambda r: r["status"] == "error", timeout=30)
    assert "Received unlisted_choice for image that failed validation regex." in failed["message"]
    # Once the hub reports it stopped, the row names nothing it was started with.
    await tab.wait_resource(key, lambda r: r["status"] == "error" and r["details"]["startedWith"] is None)
    await remove(jp_fetch, tab, "refused")


BAD_LIST = [{"display_name": "GPU", "profile_options": {"image": {"display_name": "Image"}}}]


class TestOptionsThePanelCannotUse:
    """A value the panel cannot use: the hub section works, config says what is wrong."""

    @pytest.fixture
    def panel_config(self, local_hub: Any) -> dict[str, Any]:
        return {
            "hub_api_url": local_hub.api_url,
            "hub_api_token": local_hub.admin_token,
            "hub_public_url": local_hub.public_url,
            "hub_poll_interval": 0.5,
            "hub_spawn_options": BAD_LIST,
        }

    async def test_the_hub_section_works_and_says_what_is_wrong(self, jp_fetch: Any, open_events: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["configured"] is True and hub["reachable"] is True and hub["message"] is None
        assert hub["spawnOptions"] == {
            "source": "profile_list",
            "schema": None,
            "problems": [
                "hub_spawn_options: profile_list[0].profile_options.image offers nothing to choose:"
                " give it choices or enable its unlisted_choice."
            ],
        }
        tab = open_events()
        await tab.ready()
        await jp_fetch(f"{SERVERS}/{USER}/plainbad", method="POST", body=b"{}")
        running = await tab.wait_resource(f"hub/{USER}/plainbad", lambda r: r["status"] == "running", timeout=30)
        # The panel cannot read the list: the row names the profile as the hub has it (none here).
        assert running["details"]["startedWith"] is None
        await remove(jp_fetch, tab, "plainbad")


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
        assert hub["spawnOptions"] == {"source": "schema", "schema": SIZE_SCHEMA, "problems": []}
        tab = open_events()
        await tab.ready()
        chosen = {"size": "large"}
        await jp_fetch(f"{SERVERS}/{USER}/sized", method="POST", body=json.dumps({"userOptions": chosen}))
        running = await tab.wait_resource(f"hub/{USER}/sized", lambda r: r["status"] == "running", timeout=30)
        assert running["details"]["userOptions"] == chosen and running["details"]["startedWith"] is None
        assert (await server_model(local_hub, "sized"))["user_options"] == chosen
        await remove(jp_fetch, tab, "sized")
