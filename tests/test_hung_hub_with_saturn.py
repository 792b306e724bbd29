"""A hung hub must not hold up a new tab's stream, nor Saturn Cloud's healthy data (issue 11: a hub
that accepts connections and never answers delayed a new ``events`` stream's first byte until
``request_timeout``, breaking the keepalive and delaying the Saturn rows)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from saturn_cloud_simulator.testing import SATURN_USER_TOKEN


@pytest.fixture
def panel_config(silent_server: str, saturn_simulator: Any) -> dict[str, Any]:
    return {
        "hub_api_url": silent_server,
        "hub_api_token": "h" * 32,
        "request_timeout": 60.0,  # the hub's read would hold a stream that long
        "saturn_url": saturn_simulator.url,
        "saturn_token": SATURN_USER_TOKEN,
    }


async def test_a_new_tab_gets_its_first_byte_and_saturns_rows_while_the_hub_hangs(
    jp_fetch: Any, open_events: Any
) -> None:
    began = time.monotonic()
    tab = open_events()
    await tab.wait_for(lambda name, data: name == "snapshot", timeout=10)
    first_byte = tab.blocks[0].seen - tab.opened if tab.blocks else None
    assert first_byte is not None and first_byte < 2.0, first_byte  # ": connected" at once
    assert time.monotonic() - began < 10  # not the 60 s the hub's read may take

    def saturn_rows(name: str, data: Any) -> bool:
        resources = data["resources"] if name == "snapshot" else [data] if name == "resource" else []
        return any(r.get("backend") == "saturn" and r.get("kind") == "workspace" for r in resources)

    await tab.wait_for(saturn_rows, timeout=10)  # Saturn's rows do not wait for the hub
    assert time.monotonic() - began < 12
