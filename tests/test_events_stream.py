"""The events stream under load: a tab that falls behind gets a fresh snapshot instead of an
ever-growing queue (a hung upstream is in test_hub_unavailable.py)."""

from __future__ import annotations

from typing import Any

import pytest

from jupyterlab_saturn_panel.engine import Subscription
from jupyterlab_saturn_panel.resources import new_resource


def test_a_subscription_that_falls_behind_is_bounded_and_asks_for_a_snapshot() -> None:
    subscription = Subscription(max_pending=100)
    for index in range(42_000):
        subscription.offer("resource", {"key": f"k{index}"})
    # Memory stays flat: the queue never holds more than its bound, then one marker.
    assert subscription.queue.qsize() == 1 and subscription.resync
    assert subscription.queue.get_nowait() == ("resync", None)
    subscription.resync = False  # the stream sent its snapshot: changes queue again
    subscription.offer("removed", {"key": "k1"})
    assert subscription.queue.get_nowait() == ("removed", {"key": "k1"})
    subscription.close()
    assert subscription.queue.get_nowait() == ("close", None)


async def test_a_tab_behind_gets_one_fresh_snapshot_with_every_change(
    jp_fetch: Any, jp_serverapp: Any, open_events: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Subscription.__init__, "__defaults__", (5,))  # a tiny bound for the test
    engine = jp_serverapp.web_app.settings["saturn_panel_engine"]
    tab = open_events()
    await tab.ready()
    for index in range(50):  # faster than any stream can send: the queue overflows
        engine.upsert(
            new_resource("saturn", "job", f"saturn/job/{index:032x}", f"{index:032x}", f"job-{index}", "alice")
        )
    last = await tab.wait_for(
        lambda n, d: n == "snapshot" and sum(r["key"].startswith("saturn/job/") for r in d["resources"]) == 50
    )
    assert len([n for n, _ in tab.events if n == "snapshot"]) == 2  # the first, then one resync
    assert {r["name"] for r in last["resources"]} >= {f"job-{i}" for i in range(50)}
    for index in range(50):
        engine.remove(f"saturn/job/{index:032x}")
