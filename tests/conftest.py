"""Shared fixtures: a real JupyterHub on loopback and a real jupyter_server with the extension."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saturn_panel_demo.local_hub import LocalHub
from saturn_panel_demo.sse import SSEEvent, SSEReader

# The simulator's fixtures (saturn_simulator, saturn_simulator_factory) come from its own plugin.
pytest_plugins = ["pytest_jupyter.jupyter_server", "saturn_cloud_simulator.testing"]


@pytest.fixture(scope="session")
def local_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """One real JupyterHub for the session: node CHP, DummyAuthenticator, named servers, a
    spawner with visible progress steps, and a fast single-user stand-in (mocksu)."""
    hub = LocalHub(
        tmp_path_factory.mktemp("hub"),
        users=("alice", "bob", "carol"),
        admins=("alice",),
        step_delay=0.4,
        steps=4,
        stop_delay=1.0,
        named_server_limit=3,
        singleuser="mocksu",
    )
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(scope="session")
def bob_token(local_hub: LocalHub) -> str:
    """A token scoped to one user: bob's own servers, nothing else."""
    return local_hub.create_token(
        "bob", ["read:users!user=bob", "read:servers!user=bob", "servers!user=bob"], note="bob-only"
    )


@pytest.fixture(scope="session")
def weak_token(local_hub: LocalHub) -> str:
    """Like a single-user server's default token: it can only say who it is."""
    return local_hub.create_token("bob", ["read:users:name!user=bob"], note="weak")


@pytest.fixture
def panel_config(local_hub: LocalHub) -> dict[str, Any]:
    """``c.SaturnPanel`` for the server under test; modules override it for other tokens."""
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": local_hub.admin_token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
        "request_timeout": 10.0,
    }


def saturn_only_config(simulator: Any, min_interval: float, **extra: Any) -> dict[str, Any]:
    """``c.SaturnPanel`` for a server that talks to the simulator alone (no hub), reading it no
    more often than ``min_interval`` (the simulator's own rule window in these tests)."""
    from saturn_cloud_simulator.testing import SATURN_USER_TOKEN

    return {
        "hub_api_url": "",
        "saturn_url": simulator.url,
        "saturn_token": SATURN_USER_TOKEN,
        "saturn_min_poll_interval": min_interval,
        **extra,
    }


@pytest.fixture
def jp_server_config(panel_config: dict[str, Any]) -> dict[str, Any]:
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_saturn_panel": True},
            "allow_unauthenticated_access": False,
        },
        "SaturnPanel": panel_config,
    }


def body(response: Any) -> Any:
    """The JSON body of a jp_fetch response."""
    return json.loads(response.body.decode())


def error_of(exc: Any) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a tornado HTTPClientError raised by jp_fetch."""
    return exc.code, json.loads(exc.response.body.decode())


REPO = Path(__file__).resolve().parents[1]


class EventStream(SSEReader):
    """A browser tab's view of ``GET events``: every parsed event, with helpers to wait for one.

    The repository's one event-stream reader (:class:`saturn_panel_demo.sse.SSEReader`), opened at
    once, seen as ``(name, data)`` pairs.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        super().__init__(url, headers, timeout=3600)
        self.start()

    @property
    def events(self) -> list[tuple[str, Any]]:
        """Every event with data so far, as ``(name, data)``, in order."""
        return [(block.event, block.data) for block in self.blocks if block.data is not None]

    async def wait_for(self, predicate: Any, timeout: float = 30.0) -> Any:  # type: ignore[override]
        """The data of the first event (from the start) for which ``predicate(name, data)`` is true."""

        def match(block: SSEEvent) -> bool:
            return block.data is not None and bool(predicate(block.event, block.data))

        try:
            return (await super().wait_for(match, timeout)).data
        except TimeoutError:
            raise AssertionError(f"no matching event in {timeout} s; got {self.events[-5:]}") from None

    async def ready(self) -> None:
        """Wait for the snapshot: from then on every change reaches this tab as an event."""
        await self.wait_for(lambda name, data: name == "snapshot")

    async def wait_resource(self, key: str, predicate: Any = lambda r: True, timeout: float = 30.0) -> dict[str, Any]:
        """The first state of ``key`` (snapshot or event) for which ``predicate`` is true."""

        def match(name: str, data: Any) -> bool:
            if name == "snapshot":
                return any(r["key"] == key and predicate(r) for r in data["resources"])
            return name == "resource" and data["key"] == key and bool(predicate(data))

        await self.wait_for(match, timeout)
        return next(s for s in self.resource_states(key) if predicate(s))

    def resource_states(self, key: str) -> list[dict[str, Any]]:
        """Every state of one resource this tab saw, in order (snapshot included)."""
        states = []
        for name, data in self.events:
            if name == "snapshot":
                states.extend(r for r in data["resources"] if r["key"] == key)
            elif name == "resource" and data["key"] == key:
                states.append(data)
        return states


@pytest.fixture
def open_events(jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]) -> Iterator[Any]:
    """Open ``GET events`` like a browser tab; every stream is closed after the test."""
    streams: list[EventStream] = []

    def opener() -> EventStream:
        url = f"http://localhost:{jp_http_port}{jp_base_url}saturn-panel/events"
        stream = EventStream(url, dict(jp_auth_header))
        streams.append(stream)
        return stream

    yield opener
    for stream in streams:
        stream.close()


async def fetch_url(url: str, token: str | None = None, method: str = "GET") -> tuple[int, Any]:
    """An HTTP call to another process (hub, simulator, a link the panel offers), without blocking
    the loop the server under test runs on. Returns the status and the JSON body (or text)."""
    from tornado.httpclient import AsyncHTTPClient

    headers = {"Authorization": f"token {token}"} if token else {}
    response = await AsyncHTTPClient().fetch(
        url,
        method=method,
        headers=headers,
        body="" if method == "POST" else None,
        raise_error=False,
        request_timeout=20,
    )
    text = (response.body or b"").decode()
    try:
        return response.code, json.loads(text) if text.strip() else None
    except ValueError:
        return response.code, text


@pytest.fixture(scope="module")
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung upstream."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hub/api"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()
