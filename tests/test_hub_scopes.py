"""What a token may do decides what the panel offers, and a missing scope is explained, not hit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import body, error_of
from tornado.httpclient import HTTPClientError

SERVERS = "saturn-panel/hub/servers"


@pytest.fixture
def token(bob_token: str) -> str:
    return bob_token


@pytest.fixture
def panel_config(local_hub: Any, token: str) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
    }


async def test_a_user_token_sees_only_its_users_servers(jp_fetch: Any, open_events: Any) -> None:
    hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
    assert hub["user"] == "bob" and hub["kind"] == "user"
    assert hub["abilities"]["listAllUsers"] is False and hub["abilities"]["start"] is True
    assert hub["missingScopes"] == [] and hub["message"] is None
    resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
    assert {r["owner"] for r in resources} == {"bob"}
    # Its search finds its own user only: the token may not list anyone else.
    found = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "o"}))
    assert [u["name"] for u in found["users"]] == ["bob"] and found["next"] is None
    assert body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "alice"}))["users"] == []

    tab = open_events()
    await tab.ready()
    started = body(await jp_fetch(f"{SERVERS}/bob/mine", method="POST", body="{}"))
    assert started["status"] == "pending"
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/bob/mine" and d["status"] == "running")
    await jp_fetch(f"{SERVERS}/bob/mine", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/bob/mine")


async def test_other_users_servers_are_refused_with_the_fix(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(f"{SERVERS}/alice/theirs", method="POST", body="{}")
    status, payload = error_of(info.value)
    assert status == 403
    assert "start:servers" in payload["message"] and "alice" in payload["message"]
    assert "c.Spawner.server_token_scopes" in payload["hint"]
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(f"{SERVERS}/alice/", method="DELETE")
    assert error_of(info.value)[0] == 403


class TestDefaultServerToken:
    """A single-user server's default token can only say who it is."""

    @pytest.fixture
    def token(self, weak_token: str) -> str:
        return weak_token

    async def test_the_panel_says_which_scopes_to_grant(self, jp_fetch: Any, weak_token: str) -> None:
        config = body(await jp_fetch("saturn-panel", "config"))
        hub = config["hub"]
        assert hub["reachable"] is True and hub["user"] == "bob"
        assert set(hub["missingScopes"]) == {"read:servers", "start:servers", "delete:servers"}
        assert "lacks scopes" in hub["message"]
        assert "c.Spawner.server_token_scopes" in hub["hint"]
        assert weak_token not in json.dumps(config)
        resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
        # Without read:servers the hub hides the servers; nothing can be started from here.
        assert all(r["actions"] == [] for r in resources)

    async def test_actions_get_403_before_the_hub_is_asked(self, jp_fetch: Any) -> None:
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(f"{SERVERS}/bob/dev", method="POST", body="{}")
        status, payload = error_of(info.value)
        assert status == 403 and "start:servers" in payload["message"]
