"""Named servers from before JupyterHub 6 ("My Server", "Dev_Box"): an upgraded hub keeps them
and lets their owner start, stop and delete them; so does the panel. JupyterHub 6's naming rules
are for new servers only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from conftest import body, error_of
from tornado.httpclient import HTTPClientError

from saturn_panel_demo.local_hub import LocalHub

LEGACY = ("My Server", "Dev_Box")
SERVERS = "saturn-panel/hub/servers"


@pytest.fixture(scope="module")
def upgraded_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A hub whose database holds servers named under older rules, as after an upgrade."""
    from jupyterhub import orm

    hub = LocalHub(
        tmp_path_factory.mktemp("upgraded-hub"),
        users=("alice",),
        admins=("alice",),
        step_delay=0.2,
        steps=2,
        stop_delay=0.2,
        singleuser="mocksu",
    )
    hub.start()
    hub.stop()  # the hub created alice in its database; add her old servers while it is down
    session = orm.new_session_factory(f"sqlite:///{hub.workdir / 'jupyterhub.sqlite'}")()
    alice = session.query(orm.User).filter_by(name="alice").one()
    for name in LEGACY:
        session.add(orm.Spawner(user=alice, name=name))
    session.commit()
    session.close()
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture
def panel_config(upgraded_hub: LocalHub) -> dict[str, Any]:
    return {
        "hub_api_url": upgraded_hub.api_url,
        "hub_api_token": upgraded_hub.admin_token,
        # Whose servers are always listed, stopped ones too (an admin token lists others' only
        # while they run): inside alice's single-user server this is $JUPYTERHUB_USER.
        "hub_user": "alice",
        "hub_public_url": upgraded_hub.public_url,
        "hub_poll_interval": 0.5,
        "hub_stopping_poll_interval": 0.3,
    }


@pytest.mark.parametrize("name", LEGACY)
async def test_servers_named_under_older_rules_start_stop_and_delete(
    jp_fetch: Any, open_events: Any, name: str
) -> None:
    key = f"hub/alice/{name}"
    tab = open_events()
    listed = await tab.wait_resource(key)
    assert listed["status"] == "stopped" and set(listed["actions"]) == {"start", "delete"}
    path = f"{SERVERS}/alice/{name}"  # jp_fetch quotes the path
    started = body(await jp_fetch(path, method="POST", body="{}"))
    assert started["key"] == key and started["status"] in ("pending", "running")
    running = await tab.wait_resource(key, lambda r: r["status"] == "running", timeout=30)
    assert running["url"].endswith(f"/user/alice/{quote(name)}/")
    stopping = body(await jp_fetch(path, method="DELETE"))
    assert stopping["status"] in ("stopping", "stopped")
    await tab.wait_resource(key, lambda r: r["status"] == "stopped", timeout=30)
    await jp_fetch(path, method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == key)


async def test_new_servers_still_follow_jupyterhub_6_rules(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(f"{SERVERS}/alice/New Server", method="POST", body=json.dumps({}))
    code, payload = error_of(info.value)
    assert code == 400 and "Invalid server name" in payload["message"]
    # What cannot be one path segment is refused for any server, before the hub is asked.
    for bad in ("a\tb", "x" * 256):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(f"{SERVERS}/alice/{bad}", method="DELETE")
        assert error_of(info.value)[0] == 400
