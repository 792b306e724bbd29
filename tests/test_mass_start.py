"""A class starts at 9:00 (issue 16): 70+ hub servers stay pending while an admin's panel is open.

The admin's panel follows at most ``MAX_WATCHED_STREAMS`` of the other users' progress streams
(the rest are read by the ordinary poll), its polls and its actions have a connection pool apart
from the streams, so the polls, a stop and a start asked from this Lab still answer in normal time.

One real JupyterHub for the module, with 75 users and a spawner whose start stays pending for
minutes; the servers are started through the hub's own API, as a class's students would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import body, fetch_url

from jupyterlab_saturn_panel.hub.backend import MAX_WATCHED_STREAMS
from saturn_panel_demo.local_hub import LocalHub

#: The class: u000..u074. The first ``STARTED`` start through the hub; the last one is started
#: from the panel by the admin.
STUDENTS = tuple(f"u{index:03d}" for index in range(75))
STARTED = STUDENTS[:72]
ASKED_HERE = STUDENTS[-1]
#: A start stays pending for minutes (100 steps of 3 s), far longer than this module; the hub's
#: own c.Spawner.start_timeout (120 s, demo/saturn_panel_demo/jupyterhub_config.py) ends it later.
STEP_DELAY = 3.0
STEPS = 100
POLL_INTERVAL = 2.0
#: "Normal time" for an answer, generous for a 2-core CI runner (they take well under a second).
NORMAL = 5.0
SERVERS = "saturn-panel/hub/servers"


def starting(users: list[dict[str, Any]]) -> set[str]:
    """The users whose default server the hub reports as starting, of a ``GET users`` answer."""
    return {u["name"] for u in users if (u.get("servers") or {}).get("", {}).get("pending") == "spawn"}


def active_on_hub(hub: LocalHub) -> list[dict[str, Any]]:
    """Every user with a server running or starting, asked of the hub (blocking: set-up code)."""
    status, users = hub.api("GET", "users?state=active&limit=200")
    assert status == 200, users
    return list(users)


async def hub_says(hub: LocalHub) -> list[dict[str, Any]]:
    """Every user with a server running or starting, asked of the hub without blocking the loop
    the panel runs on."""
    status, users = await fetch_url(f"{hub.api_url}/users?state=active&limit=200", hub.admin_token)
    assert status == 200, users
    return list(users)


def wait_on_hub(hub: LocalHub, what: str, done: Any, timeout: float = 60.0) -> Any:
    """Ask the hub until ``done()`` answers something true (set-up and clean-up code)."""
    deadline = time.monotonic() + timeout
    while True:
        result = done()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"The hub did not get to {what} in {timeout} s:\n{hub.log_tail()}")
        time.sleep(0.3)


def stop_every_server(hub: LocalHub, timeout: float = 60.0) -> None:
    """Stop every server through the hub's API, so that the hub shuts down at once.

    JupyterHub 6.1.1 interrupts a pending start by cancelling it and checking 1 s later; on a busy
    machine the start may not have ended by then, and the hub answers the stop with a 500 "pending
    spawn": that stop is asked again. Such a start then ends with the server "ready" though nothing
    runs (a later stop answers 204 and changes nothing): the hub's own shutdown stops it."""
    deadline = time.monotonic() + timeout
    idle: set[str] = set()  # answered 204: nothing for the hub to stop
    while True:
        servers = {u["name"]: (u.get("servers") or {}).get("", {}) for u in active_on_hub(hub)}
        moving = [name for name, server in servers.items() if server.get("pending")]
        to_stop = [
            name
            for name, server in servers.items()
            if server.get("pending") == "spawn" or (server.get("ready") and name not in idle)
        ]
        if not moving and not to_stop:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"The hub still has servers after {timeout} s: {servers}\n{hub.log_tail()}")
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda user: hub.api("DELETE", f"users/{user}/server"), to_stop))
        idle.update(name for name, (status, _) in zip(to_stop, answers) if status == 204)
        time.sleep(0.3)


@pytest.fixture(scope="module")
def crowded_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """A hub with 75 users and an admin, ``STARTED`` of them starting (through the hub's API)."""
    hub = LocalHub(
        tmp_path_factory.mktemp("crowded-hub"),
        users=("alice", *STUDENTS),
        admins=("alice",),
        step_delay=STEP_DELAY,
        steps=STEPS,
        stop_delay=0.2,
        named_server_limit=1,
        singleuser="mocksu",
    )
    hub.start()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(lambda user: hub.api("POST", f"users/{user}/server"), STARTED))
        assert all(status == 202 for status, _ in answers), answers
        wait_on_hub(hub, "every start pending", lambda: starting(active_on_hub(hub)) >= set(STARTED))
        yield hub
    finally:
        try:
            stop_every_server(hub)
        finally:
            hub.stop()


@pytest.fixture
def panel_config(crowded_hub: LocalHub) -> dict[str, Any]:
    """An admin's Lab: the hub's admin token (list:users), its user alice (nothing of hers starts)."""
    return {
        "hub_api_url": crowded_hub.api_url,
        "hub_api_token": crowded_hub.admin_token,
        "hub_public_url": crowded_hub.public_url,
        "hub_user": "alice",
        "hub_poll_interval": POLL_INTERVAL,
        "hub_stopping_poll_interval": 0.3,
        "request_timeout": 10.0,
    }


class VisibleTab:
    """A browser tab that shows the panel: ``GET resources?since=SEQ&epoch=E&watching=1``, the
    answers applied to the state it holds, each answer's time kept."""

    def __init__(self, jp_fetch: Any) -> None:
        self.fetch = jp_fetch
        self.state: dict[str, dict[str, Any]] = {}
        self.backends: dict[str, Any] = {}
        self.position: tuple[int, str] | None = None
        self.times: list[float] = []

    async def poll(self) -> float:
        params = {"watching": "1"}
        if self.position is not None:
            params.update(since=str(self.position[0]), epoch=self.position[1])
        began = time.monotonic()
        answer = body(await self.fetch("saturn-panel", "resources", params=params))
        took = time.monotonic() - began
        self.times.append(took)
        if answer["snapshot"]:
            self.state = {}
        for key in answer["removed"]:
            self.state.pop(key, None)
        self.state.update((r["key"], r) for r in answer["resources"])
        self.position = (answer["seq"], answer["epoch"])
        self.backends = answer["backends"]
        return took

    def status(self, user: str) -> str | None:
        resource = self.state.get(f"hub/{user}/")
        return None if resource is None else str(resource["status"])

    def pending(self) -> set[str]:
        return {r["owner"] for r in self.state.values() if r["backend"] == "hub" and r["status"] == "pending"}

    async def until(self, what: str, done: Any, timeout: float = 30.0) -> None:
        """Poll on, as the tab does (a little faster), until ``done()``."""
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"the panel did not show {what} in {timeout} s"
            await self.poll()
            await asyncio.sleep(0.3)


def hub_reads(monkeypatch: pytest.MonkeyPatch, hub: Any) -> list[tuple[float, str | None]]:
    """Every read of the hub the panel makes from now on: its duration and its error (None)."""
    reads: list[tuple[float, str | None]] = []
    refresh = hub.refresh

    async def timed() -> Any:
        began = time.monotonic()
        try:
            resources = await refresh()
        except Exception as exc:
            reads.append((time.monotonic() - began, f"{type(exc).__name__}: {exc}"))
            raise
        reads.append((time.monotonic() - began, None))
        return resources

    monkeypatch.setattr(hub, "refresh", timed)
    return reads


async def test_polls_answer_in_normal_time_while_70_servers_start(
    jp_fetch: Any, jp_serverapp: Any, crowded_hub: LocalHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = jp_serverapp.web_app.settings["saturn_panel_hub"]
    on_hub = starting(await hub_says(crowded_hub))
    assert len(on_hub) >= 70
    reads = hub_reads(monkeypatch, hub)
    tab = VisibleTab(jp_fetch)
    streams: list[int] = []
    began = time.monotonic()
    # The admin opens the panel and keeps it shown: polls over more than two hub poll intervals,
    # until the panel has read the hub at least three times.
    while time.monotonic() - began < 2.5 * POLL_INTERVAL or sum(1 for _, e in reads if e is None) < 3:
        assert time.monotonic() - began < 60, f"the panel read the hub {len(reads)} times in 60 s: {reads}"
        await tab.poll()
        streams.append(len(hub._following))
        await asyncio.sleep(0.5)
    print(
        f"\n{len(on_hub)} pending on the hub; {len(tab.times)} watched polls answered in"
        f" {min(tab.times):.3f}-{max(tab.times):.3f} s; {len(reads)} hub reads took"
        f" {min(d for d, _ in reads):.3f}-{max(d for d, _ in reads):.3f} s; progress streams held: {streams}"
    )
    assert tab.pending() == on_hub
    assert tab.backends["hub"]["reachable"] is True and tab.backends["hub"]["message"] is None
    assert not tab.backends["hub"]["stale"]
    assert all(took < NORMAL for took in tab.times), tab.times
    assert all(error is None and took < NORMAL for took, error in reads), reads
    # Streams for the panel's sake: bounded, however many servers start.
    assert max(streams) == MAX_WATCHED_STREAMS, streams
    assert set(hub._following) <= {f"hub/{user}/" for user in on_hub}
    # Those it follows show the spawner's own steps; the others are the hub's model, polled.
    await tab.until(
        "the progress of the servers it follows",
        lambda: all(str(tab.state[key].get("message") or "").startswith("Preparing step") for key in hub._following),
    )


async def test_a_stop_from_the_panel_answers_in_normal_time(
    jp_fetch: Any, jp_serverapp: Any, crowded_hub: LocalHub
) -> None:
    hub = jp_serverapp.web_app.settings["saturn_panel_hub"]
    tab = VisibleTab(jp_fetch)
    await tab.poll()
    await tab.until("the class starting", lambda: len(tab.pending()) >= 70)
    assert len(hub._following) == MAX_WATCHED_STREAMS
    # One whose progress the panel follows, one it only polls.
    followed = sorted(tab.state[key]["owner"] for key in hub._following)[0]
    polled = sorted(tab.pending() - {tab.state[key]["owner"] for key in hub._following})[0]
    for user in (followed, polled):
        began = time.monotonic()
        response = await jp_fetch(f"{SERVERS}/{user}/", method="DELETE")
        answered = time.monotonic() - began
        assert response.code == 202
        assert body(response)["status"] in ("stopping", "stopped")
        await tab.until(f"{user}'s server stopped", lambda: tab.status(user) == "stopped")  # noqa: B023
        stopped = time.monotonic() - began
        print(f"\nstop of {user}: answered 202 in {answered:.3f} s, stopped in the panel after {stopped:.3f} s")
        assert answered < NORMAL * 2  # the hub itself waits 1 s before it interrupts a start
        assert user not in {u["name"] for u in await hub_says(crowded_hub)}
        # A server stopped from here leaves the count of others' streams while its own ends.
        assert len(hub._following) <= MAX_WATCHED_STREAMS + 1
    assert all(took < NORMAL for took in tab.times), tab.times


async def test_a_start_asked_from_the_panel_is_followed(
    jp_fetch: Any, jp_serverapp: Any, crowded_hub: LocalHub
) -> None:
    hub = jp_serverapp.web_app.settings["saturn_panel_hub"]
    key = f"hub/{ASKED_HERE}/"
    tab = VisibleTab(jp_fetch)
    await tab.poll()
    await tab.until("the class starting", lambda: len(tab.pending()) >= 70)
    assert len(hub._following) == MAX_WATCHED_STREAMS and key not in hub._following
    began = time.monotonic()
    response = await jp_fetch(f"{SERVERS}/{ASKED_HERE}/", method="POST", body="{}")
    answered = time.monotonic() - began
    assert response.code == 202 and body(response)["status"] == "pending"
    # Followed at once, over and above the streams the panel follows for others.
    assert key in hub._following
    await tab.until(
        f"the progress of {ASKED_HERE}'s start",
        lambda: str(tab.state.get(key, {}).get("message") or "").startswith("Preparing step"),
    )
    print(f"\nstart of {ASKED_HERE}: answered 202 in {answered:.3f} s; streams held: {len(hub._following)}")
    assert answered < NORMAL * 2
    assert ASKED_HERE in starting(await hub_says(crowded_hub))
    assert key in hub._following and len(hub._following) <= MAX_WATCHED_STREAMS + 1
    assert all(took < NORMAL for took in tab.times), tab.times
