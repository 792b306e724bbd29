"""The status engine: one server-side state of every resource, shared by every open tab.

Each backend (JupyterHub, Saturn Cloud) is polled by one loop, only while someone watches the
``events`` stream (or on demand when a request needs fresh data), never faster than the backend
allows, and at once after an action. Every change is pushed to every subscriber's queue, so twenty
open tabs cost upstream exactly what one costs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone
from typing import Any, Protocol

from .errors import PanelError
from .resources import Resource


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


class Backend(Protocol):
    """What the engine needs from a backend (see hub.backend.HubBackend)."""

    name: str
    configured: bool
    #: The shortest time between two refreshes, whatever pokes ask (Saturn's 10 s rule).
    min_interval: float

    def poll_delay(self) -> float:
        """Seconds until the next scheduled refresh (shorter while something is changing)."""

    async def refresh(self) -> list[Resource]:
        """Read every resource from upstream; raise PanelError when upstream fails."""

    def describe(self, error: PanelError | None) -> dict[str, Any]:
        """The backend's block of the ``config`` answer (never a secret)."""

    async def close(self) -> None:
        """Stop background work and release connections."""


class Subscription:
    """One ``events`` stream: a bounded queue of (event name, payload) pairs.

    A tab that stops reading (a sleeping laptop, a stalled proxy) must not grow the server's
    memory: past ``max_pending`` queued changes its queue is dropped for one ``resync`` marker,
    and the stream sends a fresh snapshot in their place when the tab reads again.
    """

    def __init__(self, max_pending: int = 1000) -> None:
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.max_pending = max_pending
        self.resync = False

    def offer(self, event: str, payload: Any) -> None:
        """Queue a change, or note that the tab fell behind and needs a snapshot."""
        if self.resync:
            return  # the snapshot it will get includes this change
        if self.queue.qsize() >= self.max_pending:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.resync = True
            self.queue.put_nowait(("resync", None))
            return
        self.queue.put_nowait((event, payload))

    def close(self) -> None:
        """End the stream, however far behind it is."""
        self.queue.put_nowait(("close", None))


class BackendRunner:
    """Runs one backend's poll loop and serialises its refreshes."""

    def __init__(self, engine: StatusEngine, backend: Backend) -> None:
        self.engine = engine
        self.backend = backend
        self.error: PanelError | None = None
        self.refreshed_at: float | None = None  # monotonic time of the last refresh attempt
        self.good_at: float | None = None  # wall-clock time of the last refresh that worked
        self._inflight: asyncio.Future[None] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.backend.configured:
            self._task = asyncio.ensure_future(self._loop())

    def poke(self) -> None:
        """Refresh as soon as the backend's minimum interval allows."""
        self._wake.set()

    def is_stale(self) -> bool:
        if self.refreshed_at is None:
            return True
        return time.monotonic() - self.refreshed_at >= self.backend.poll_delay()

    async def refresh(self) -> None:
        """Refresh now, or join the refresh already under way (never two at once)."""
        if not self.backend.configured:
            return
        if self._inflight is None or self._inflight.done():
            self._inflight = asyncio.ensure_future(self._refresh_once())
        await asyncio.shield(self._inflight)

    async def _refresh_once(self) -> None:
        # Respect the backend's minimum interval even when poked (Saturn's 10 s rule). It counts
        # from the end of the previous refresh: its last request may have reached upstream late.
        if self.refreshed_at is not None:
            wait = self.backend.min_interval - (time.monotonic() - self.refreshed_at)
            if wait > 0:
                await asyncio.sleep(wait)
        try:
            resources = await self.backend.refresh()
        except PanelError as exc:
            # Keep what we knew: the panel shows the backend's message beside the last state.
            self.error = exc
            self.engine.log.warning("%s refresh failed: %s", self.backend.name, exc.message)
        except Exception:  # a bug must not kill the loop; it is logged, the panel says so
            self.engine.log.exception("%s refresh failed unexpectedly", self.backend.name)
            self.error = PanelError(f"Reading {self.backend.name} failed; see the server log.")
        else:
            self.error = None
            self.good_at = time.time()
            self.engine.replace_backend(self.backend.name, resources)
        finally:
            self.refreshed_at = time.monotonic()
        self.engine.publish_backends_if_changed()

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.backend.poll_delay())
                poked = True
            except asyncio.TimeoutError:
                poked = False
            self._wake.clear()
            if poked or self.engine.watchers > 0:
                await self.refresh()

    async def close(self) -> None:
        for task in (self._task, self._inflight):
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        await self.backend.close()


class StatusEngine:
    """Holds every resource by key and fans changes out to subscribers."""

    def __init__(self, log: logging.Logger | None = None) -> None:
        self.log = log or logging.getLogger("jupyterlab_saturn_panel")
        self.resources: dict[str, Resource] = {}
        self.runners: dict[str, BackendRunner] = {}
        self._subscriptions: set[Subscription] = set()
        self._started = False
        self._last_config: dict[str, Any] | None = None

    # -- backends ------------------------------------------------------------------------------
    def add_backend(self, backend: Backend) -> None:
        self.runners[backend.name] = BackendRunner(self, backend)

    def ensure_started(self) -> None:
        """Start the poll loops (lazily: the event loop runs only once the server is up)."""
        if not self._started:
            self._started = True
            for runner in self.runners.values():
                runner.start()

    async def ensure_fresh(self) -> None:
        """Refresh every backend whose state is older than its poll interval, concurrently."""
        self.ensure_started()
        stale = [r.refresh() for r in self.runners.values() if r.backend.configured and r.is_stale()]
        if stale:
            await asyncio.gather(*stale)

    def poke(self, name: str) -> None:
        self.runners[name].poke()

    def config(self) -> dict[str, Any]:
        """Every backend's ``config`` block, with whether its resources are a last known state."""
        return {name: self._block(runner) for name, runner in self.runners.items()}

    @staticmethod
    def _block(runner: BackendRunner) -> dict[str, Any]:
        block = runner.backend.describe(runner.error)
        error = runner.error
        # When the last read failed, the resources the panel shows are what the last good read
        # said: "stale" with its time, so the panel marks them and disables what needs upstream.
        stale = error is not None and runner.good_at is not None
        block["stale"] = stale
        block["lastGoodRead"] = _iso(runner.good_at) if stale else None
        block["detail"] = error.detail if error is not None else None
        return block

    async def refresh_now(self, names: list[str]) -> None:
        """Refresh the named backends now (a user's Retry), each within its minimum interval."""
        self.ensure_started()
        runners = [self.runners[name] for name in names if self.runners[name].backend.configured]
        if runners:
            await asyncio.gather(*(r.refresh() for r in runners))

    # -- state ---------------------------------------------------------------------------------
    def snapshot(self) -> list[Resource]:
        return sorted(self.resources.values(), key=lambda r: r["key"])

    def upsert(self, resource: Resource) -> None:
        """Store ``resource``; tell subscribers when it differs from what they have."""
        key = resource["key"]
        if self.resources.get(key) != resource:
            self.resources[key] = resource
            self._publish("resource", resource)

    def remove(self, key: str) -> None:
        if self.resources.pop(key, None) is not None:
            self._publish("removed", {"key": key})

    def replace_backend(self, backend: str, resources: list[Resource]) -> None:
        """Make ``backend``'s part of the state exactly ``resources``."""
        fresh = {r["key"] for r in resources}
        for key in [k for k, r in self.resources.items() if r["backend"] == backend]:
            if key not in fresh:
                self.remove(key)
        for resource in resources:
            self.upsert(resource)

    # -- subscribers ---------------------------------------------------------------------------
    @property
    def watchers(self) -> int:
        return len(self._subscriptions)

    def subscribe(self) -> Subscription:
        self.ensure_started()
        subscription = Subscription()
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def publish_backends_if_changed(self) -> None:
        """Send ``backends`` when a backend's reachability, identity or message changed."""
        config = self.config()
        if config != self._last_config:
            self._last_config = config
            self._publish("backends", config)

    def _publish(self, event: str, payload: Any) -> None:
        for subscription in self._subscriptions:
            subscription.offer(event, payload)

    async def close(self) -> None:
        for runner in self.runners.values():
            await runner.close()
        for subscription in list(self._subscriptions):
            subscription.close()
