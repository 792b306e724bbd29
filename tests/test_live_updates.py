"""Live updates without a held connection (issue 16): change notices on jupyter_server's event
bus, state by ``GET resources?since=SEQ``, and upstream read only while someone looks or
something asked from this Lab moves, with backoff while upstream fails."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from conftest import body, error_of
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from jupyterlab_saturn_panel import engine as engine_module
from jupyterlab_saturn_panel.app import CHANGED_SCHEMA_ID
from jupyterlab_saturn_panel.engine import StatusEngine
from jupyterlab_saturn_panel.resources import new_resource


def job(index: int) -> dict[str, Any]:
    resource_id = f"{index:032x}"
    return new_resource("saturn", "job", f"saturn/job/{resource_id}", resource_id, f"job-{index}", "alice")


def test_a_tab_gets_only_what_changed_since_its_number() -> None:
    engine = StatusEngine()
    for index in range(3):
        engine.upsert(job(index))
    first = engine.changes_since(None, None)
    assert first["snapshot"] and len(first["resources"]) == 3 and first["seq"] == 3
    engine.upsert({**job(1), "status": "running"})
    engine.remove(job(2)["key"])
    delta = engine.changes_since(first["seq"], first["epoch"])
    assert not delta["snapshot"]
    assert [r["key"] for r in delta["resources"]] == [job(1)["key"]]
    assert delta["removed"] == [job(2)["key"]]
    # Nothing new: an empty delta, the same number.
    again = engine.changes_since(delta["seq"], delta["epoch"])
    assert again["resources"] == [] and again["removed"] == [] and again["seq"] == delta["seq"]
    # A number of another server process (restarted), or from the future: a snapshot.
    assert engine.changes_since(1, "0" * 12)["snapshot"]
    assert engine.changes_since(engine.seq + 5, engine.epoch)["snapshot"]


def test_a_tab_further_behind_than_the_removals_remembered_gets_a_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "MAX_TOMBSTONES", 10)
    engine = StatusEngine()
    held = engine.changes_since(None, None)
    for index in range(50):
        engine.upsert(job(index))
        engine.remove(job(index)["key"])
    # Memory stays bounded whatever number tabs hold: 10 removals remembered.
    assert len(engine._removed_at) == 10
    behind = engine.changes_since(held["seq"], held["epoch"])
    assert behind["snapshot"] and behind["resources"] == []
    recent = engine.changes_since(engine.seq - 4, engine.epoch)
    assert not recent["snapshot"] and len(recent["removed"]) == 2


async def test_changes_are_announced_on_the_event_bus_and_fetched_by_number(
    jp_fetch: Any, jp_serverapp: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    engine = jp_serverapp.web_app.settings["saturn_panel_engine"]
    held = body(await jp_fetch("saturn-panel", "resources", params={"since": "0", "epoch": "0"}))
    assert held["snapshot"]
    # The WebSocket every JupyterLab tab holds for the event bus.
    url = f"ws://localhost:{jp_http_port}{jp_base_url}api/events/subscribe"
    socket = await websocket_connect(HTTPRequest(url, headers=jp_auth_header))
    try:
        for index in range(20):  # a burst: few notices, the last one with the last number
            engine.upsert(job(index))
        notices: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = await asyncio.wait_for(socket.read_message(), timeout=10)
            assert message is not None
            event = json.loads(message)
            if event["schema_id"] == CHANGED_SCHEMA_ID:
                notices.append(event)
                if event["seq"] == engine.seq:
                    break
        assert notices[-1] == {"schema_id": CHANGED_SCHEMA_ID, "seq": engine.seq, "epoch": engine.epoch} | {
            k: v for k, v in notices[-1].items() if k.startswith("__")
        }
        assert len(notices) < 20  # one notice per burst, not one per change
        # No resource, no secret in a notice: only where the state stands.
        assert set(notices[-1]) - {"schema_id", "seq", "epoch"} <= {
            "__timestamp__",
            "__schema__",
            "__schema_version__",
            "__metadata_version__",
        }
    finally:
        socket.close()
    delta = body(
        await jp_fetch("saturn-panel", "resources", params={"since": str(held["seq"]), "epoch": held["epoch"]})
    )
    assert not delta["snapshot"]
    assert sorted(r["name"] for r in delta["resources"]) == sorted(f"job-{i}" for i in range(20))


@pytest.mark.parametrize(
    "params",
    [
        {"since": "-1", "epoch": "ab"},
        {"since": "²", "epoch": "ab"},
        {"since": "1"},
        {"since": "1", "epoch": "not hex"},
        {"watching": "yes"},
        {"since": "9" * 40, "epoch": "ab"},
    ],
)
async def test_bad_numbers_are_a_400(jp_fetch: Any, params: dict[str, str]) -> None:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("saturn-panel", "resources", params=params)
    status, payload = error_of(info.value)
    assert status == 400 and payload["message"]


class TestReadsFollowAttention:
    """With the hub configured: nothing is read while no tab shows the panel."""

    async def test_the_hub_is_read_only_while_a_panel_is_shown(
        self, jp_fetch: Any, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(engine_module, "ATTENTION_LEASE", 2.0)
        hub = jp_serverapp.web_app.settings["saturn_panel_hub"]
        held = body(await jp_fetch("saturn-panel", "config"))  # every tab asks it when it loads
        assert held["hub"]["reachable"]
        client = hub.client
        # A tab whose panel is closed: told of nothing, asks nothing; the hub is not read.
        before = client.request_count
        await asyncio.sleep(3.5)  # more than three hub_poll_intervals (1 s in these tests)
        assert client.request_count == before
        # The panel is shown: read at once, then at the hub's interval.
        state = body(await jp_fetch("saturn-panel", "resources", params={"watching": "1"}))
        assert state["backends"]["hub"]["reachable"] and client.request_count > before
        await asyncio.sleep(1.9)  # the lease (2 s) still holds: read again at the 1 s interval
        watched = client.request_count - before
        assert watched >= 2
        # The tab is hidden: its lease runs out, then nothing more is read.
        await asyncio.sleep(2.0)
        settled = client.request_count
        await asyncio.sleep(3.0)
        assert client.request_count == settled

    async def test_a_stop_asked_here_is_followed_to_its_end_while_no_one_looks(
        self, jp_fetch: Any, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(engine_module, "ATTENTION_LEASE", 0.5)
        engine = jp_serverapp.web_app.settings["saturn_panel_engine"]
        await jp_fetch("saturn-panel", "hub", "servers", "alice", "live", method="POST", body="{}")
        for _ in range(60):
            if engine.resources.get("hub/alice/live", {}).get("status") == "running":
                break
            await asyncio.sleep(0.5)
        assert engine.resources["hub/alice/live"]["status"] == "running"
        await asyncio.sleep(1.0)  # no tab looks any more
        assert not engine.watched
        await jp_fetch("saturn-panel", "hub", "servers", "alice", "live", method="DELETE", params={"remove": "1"})
        for _ in range(60):
            if "hub/alice/live" not in engine.resources:
                break
            await asyncio.sleep(0.5)
        # The engine read the hub until the stop ended, with no tab watching.
        assert "hub/alice/live" not in engine.resources


class TestBackoff:
    @pytest.fixture
    def panel_config(self) -> dict[str, Any]:
        # Nothing listens there: every read fails at once.
        return {
            "hub_api_url": "http://127.0.0.1:9/hub/api",
            "hub_api_token": "secret-token",
            "hub_poll_interval": 0.2,
        }

    async def test_failures_back_off_and_retry_starts_over(self, jp_fetch: Any, jp_serverapp: Any) -> None:
        engine = jp_serverapp.web_app.settings["saturn_panel_engine"]
        runner = engine.runners["hub"]
        attempts: list[float] = []
        refresh = runner.backend.refresh

        async def counted() -> Any:
            attempts.append(time.monotonic())
            return await refresh()

        runner.backend.refresh = counted
        config = body(await jp_fetch("saturn-panel", "resources", params={"watching": "1"}))
        assert config["backends"]["hub"]["reachable"] is False
        await asyncio.sleep(4.0)
        # Without backoff: about 20 reads at 0.2 s. With it: 0.4, 0.8, 1.6, 3.2 s apart.
        assert 2 <= len(attempts) <= 6, attempts
        gaps = [b - a for a, b in zip(attempts, attempts[1:])]
        assert all(later > earlier for earlier, later in zip(gaps, gaps[1:])), gaps
        assert runner.interval() >= 1.6
        # Retry (POST refresh) reads at once and starts the backoff over.
        count = len(attempts)
        await jp_fetch("saturn-panel", "refresh", method="POST", body="{}")
        assert len(attempts) == count + 1
        assert runner.failures == 1
