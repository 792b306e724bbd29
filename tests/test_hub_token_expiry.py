"""A hub token that expires while Lab runs: the panel says the token is no longer accepted and
names the setting, and an action's error names that action."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from conftest import body, error_of
from tornado.httpclient import HTTPClientError

LIFETIME = 4  # seconds


@pytest.fixture
def expiring_token(local_hub: Any) -> tuple[str, float]:
    status, created = local_hub.api(
        "POST",
        "users/alice/tokens",
        {"scopes": ["list:users", "read:users", "admin:servers"], "expires_in": LIFETIME, "note": "expiring"},
    )
    assert status == 201, created
    return str(created["token"]), time.monotonic() + LIFETIME


@pytest.fixture
def panel_config(local_hub: Any, expiring_token: tuple[str, float]) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": expiring_token[0],
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 0.5,
    }


async def test_an_expired_token_is_named_as_the_problem(jp_fetch: Any, expiring_token: tuple[str, float]) -> None:
    token, expires = expiring_token
    hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
    assert hub["reachable"] is True and hub["message"] is None and hub["user"] == "alice"

    await asyncio.sleep(max(0.0, expires - time.monotonic()) + 1.5)
    # A panel shown in a tab asks with watching=1: the hub is read again.
    hub = body(await jp_fetch("saturn-panel", "resources", params={"watching": "1"}))["backends"]["hub"]
    assert "rejected the configured token" in hub["message"] and "expired" in hub["message"]
    assert "c.SaturnPanel.hub_api_token" in hub["hint"] and "JUPYTERHUB_API_TOKEN" in hub["hint"]
    assert "scope" not in hub["hint"]  # not blamed on scopes
    assert token not in str(hub)

    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("saturn-panel/hub/servers/alice/late", method="POST", body="{}")
    code, payload = error_of(info.value)
    assert code == 403
    assert "start alice/late" in payload["message"] and "rejected the configured token" in payload["message"]
    assert "hub_api_token" in payload["hint"]
