"""A server's lifecycle as the panel shows it follows what the hub's own model says, whatever
order the hub's events, answers and polls arrive in (issue: state that never lies)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from conftest import body

SERVERS = "saturn-panel/hub/servers"


async def test_a_stop_during_a_start_is_never_shown_running(jp_fetch: Any, open_events: Any) -> None:
    # JupyterHub 6.1.1 ends a cancelled start's progress stream with ready: true, and its model
    # says ready for about a second after the stop was accepted: neither may reach the panel.
    tab = open_events()
    await tab.ready()
    started = body(await jp_fetch(f"{SERVERS}/carol/halt", method="POST", body="{}"))
    assert started["status"] == "pending"
    await tab.wait_resource("hub/carol/halt", lambda r: (r["progress"] or 0) > 10)
    stopping = body(await jp_fetch(f"{SERVERS}/carol/halt", method="DELETE"))
    # The hub may have finished cancelling the start before it answered: then it is stopped.
    assert stopping["status"] in ("stopping", "stopped") and stopping["url"] is None
    await tab.wait_resource("hub/carol/halt", lambda r: r["status"] == "stopped", timeout=30)
    await asyncio.sleep(3.0)  # late events and polls have had their chance
    statuses = [s["status"] for s in tab.resource_states("hub/carol/halt")]
    assert "running" not in statuses and "error" not in statuses, statuses
    assert all(s["url"] is None for s in tab.resource_states("hub/carol/halt"))
    # pending -> (stopping ->) stopped, in that order, and it stays stopped
    order = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert order[-1] == "stopped" and order[-2] in ("pending", "stopping"), order
    assert "pending" in order, order
    now = {r["key"]: r for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert now["hub/carol/halt"]["status"] == "stopped"
    await jp_fetch(f"{SERVERS}/carol/halt", method="DELETE", params={"remove": "1"})


async def test_a_start_while_one_is_pending_joins_it(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    first = body(await jp_fetch(f"{SERVERS}/carol/twice", method="POST", body="{}"))
    # The hub refuses the second POST with 400 "is pending spawn": for the user it is the same start.
    second = body(await jp_fetch(f"{SERVERS}/carol/twice", method="POST", body=json.dumps({})))
    assert first["status"] == "pending" and second["status"] in ("pending", "running")
    await tab.wait_resource("hub/carol/twice", lambda r: r["status"] == "running", timeout=30)
    assert all(s["status"] != "error" for s in tab.resource_states("hub/carol/twice"))
    await jp_fetch(f"{SERVERS}/carol/twice", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/carol/twice")
