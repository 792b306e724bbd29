"""The status engine: one server-side state of every resource, shared by every open tab.

Each backend (JupyterHub, Saturn Cloud) is read by one loop, and only while someone looks or
something moves: a tab shows the panel (its ``GET resources?watching=1`` holds an attention lease),
a script reads the ``events`` stream, or an action asked from this Lab has not settled yet. Never
faster than the backend allows, at once after an action, with jitter on every interval and an
exponential backoff while upstream fails. Every change gets a sequence number: browser tabs are
told "something changed, now at N" on jupyter_server's event bus and fetch what changed since the
number they hold; the ``events`` stream pushes each change to its subscriber's bounded queue. Twenty
open tabs cost upstream exactly what one costs, and hidden ones nothing.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Protocol

from .errors import PanelError
from .resources import Resource

#: Seconds one ``watching=1`` read keeps the backends read at their interval. The panel renews it
#: every 20 s while it is shown in a visible tab; a tab hidden or closed lets it run out.
ATTENTION_LEASE = 60.0
#: The longest wait between two reads of a backend that keeps failing (the backoff's cap).
MAX_BACKOFF = 300.0
#: Every interval is stretched or shrunk by up to this fraction, so that many servers whose hub
#: went down at the same moment do not all come back on the same beat.
JITTER = 0.15
#: The shortest time between two change notices: a burst of changes is one notice.
NOTICE_SPACING = 0.2
#: How many removed keys are remembered for ``changes_since``; older removals need a snapshot.
MAX_TOMBSTONES = 2000
#: How long an action asked from this Lab is followed at least (upstream may not show it at once),
#: and at most (a spawn that never ends).
FOLLOW_MIN = 30.0
FOLLOW_MAX = 3600.0


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
        self.failures = 0  # refreshes failed in a row: the backoff's exponent
        self._inflight: asyncio.Future[None] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.backend.configured:
            self._task = asyncio.ensure_future(self._loop())

    def poke(self) -> None:
        """Refresh as soon as the backend's minimum interval allows."""
        self._wake.set()

    def interval(self) -> float:
        """Seconds between two reads now: the backend's own delay, doubled for every failure in
        a row up to ``MAX_BACKOFF`` (never shorter than the backend's own delay)."""
        delay = self.backend.poll_delay()
        if self.failures:
            delay = max(delay, min(MAX_BACKOFF, max(delay, 1.0) * 2.0 ** min(self.failures, 16)))
        return delay

    def is_stale(self) -> bool:
        if self.refreshed_at is None:
            return True
        return time.monotonic() - self.refreshed_at >= self.interval()

    def reset_backoff(self) -> None:
        """A person asked to read again (Retry, Refresh): the next read is not held back."""
        self.failures = 0

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
            self.failures += 1
            self.engine.log.warning(
                "%s refresh failed (%d in a row, next in about %.0f s): %s",
                self.backend.name,
                self.failures,
                self.interval(),
                exc.message,
            )
        except Exception:  # a bug must not kill the loop; it is logged, the panel says so
            self.engine.log.exception("%s refresh failed unexpectedly", self.backend.name)
            self.error = PanelError(f"Reading {self.backend.name} failed; see the server log.")
            self.failures += 1
        else:
            self.error = None
            self.failures = 0
            self.good_at = time.time()
            self.engine.replace_backend(self.backend.name, resources)
        finally:
            self.refreshed_at = time.monotonic()
        self.engine.publish_backends_if_changed()

    async def _loop(self) -> None:
        while True:
            # Each read is due one interval after the last, stretched or shrunk by the jitter.
            target = self.interval() * random.uniform(1.0 - JITTER, 1.0 + JITTER)
            active = self.engine.watched or self.engine.in_motion(self.backend.name)
            delay = target
            if active and self.refreshed_at is not None:
                delay = max(0.0, target - (time.monotonic() - self.refreshed_at))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
                poked = True
            except asyncio.TimeoutError:
                poked = False
            self._wake.clear()
            # Read while someone looks or something asked from this Lab moves; else nothing.
            due = self.refreshed_at is None or time.monotonic() - self.refreshed_at >= target - 0.01
            if poked or (due and (self.engine.watched or self.engine.in_motion(self.backend.name))):
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
    """Holds every resource by key, numbers every change, and tells whoever listens."""

    def __init__(self, log: logging.Logger | None = None) -> None:
        self.log = log or logging.getLogger("jupyterlab_saturn_panel")
        self.resources: dict[str, Resource] = {}
        self.runners: dict[str, BackendRunner] = {}
        self._subscriptions: set[Subscription] = set()
        self._started = False
        self._last_config: dict[str, Any] | None = None
        #: Which state a sequence number belongs to: a tab holding a number of an earlier server
        #: process (restarted) gets a snapshot.
        self.epoch = uuid.uuid4().hex[:12]
        self.seq = 0
        self._changed_at: dict[str, int] = {}  # live key -> seq of its last change
        self._removed_at: OrderedDict[str, int] = OrderedDict()  # removed key -> seq, bounded
        self._floor = 0  # ``since`` below this cannot be answered with a delta
        self._notice_listeners: list[Callable[[int, str], None]] = []
        self._notice_handle: asyncio.Handle | None = None
        self._noticed_at = 0.0
        self._attention_until = 0.0
        self._followed: dict[str, tuple[float, float]] = {}  # key -> (asked at, give up at)

    # -- backends ------------------------------------------------------------------------------
    def add_backend(self, backend: Backend) -> None:
        self.runners[backend.name] = BackendRunner(self, backend)

    def ensure_started(self) -> None:
        """Start the poll loops (lazily: the event loop runs only once the server is up)."""
        if not self._started:
            self._started = True
            for runner in self.runners.values():
                runner.start()

    async def ensure_fresh(self, *, only_unread: bool = False) -> None:
        """Refresh every backend whose state is older than its interval (``only_unread``: every
        backend never read yet), concurrently."""
        self.ensure_started()
        stale = [
            r.refresh()
            for r in self.runners.values()
            if r.backend.configured and (r.refreshed_at is None if only_unread else r.is_stale())
        ]
        if stale:
            await asyncio.gather(*stale)

    def poke(self, name: str) -> None:
        self.ensure_started()
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
        """Refresh the named backends now (a user's Retry), each within its minimum interval,
        whatever backoff their failures had earned."""
        self.ensure_started()
        runners = [self.runners[name] for name in names if self.runners[name].backend.configured]
        for runner in runners:
            runner.reset_backoff()
        if runners:
            await asyncio.gather(*(r.refresh() for r in runners))

    # -- attention and motion ------------------------------------------------------------------
    @property
    def watched(self) -> bool:
        """Someone looks: a tab showed the panel within the attention lease, or a client reads
        the ``events`` stream."""
        return bool(self._subscriptions) or time.monotonic() < self._attention_until

    def attend(self) -> None:
        """A tab shows the panel: read the backends at their interval for ``ATTENTION_LEASE`` s
        (the caller brings a stale state up to date at once with ``ensure_fresh``)."""
        self.ensure_started()
        self._attention_until = time.monotonic() + ATTENTION_LEASE

    def follow(self, key: str) -> None:
        """An action on ``key`` was asked from this Lab: read its backend until it settles, even
        while no one looks, so the asker's notification ends right."""
        self.ensure_started()
        now = time.monotonic()
        self._followed[key] = (now, now + FOLLOW_MAX)

    def is_followed(self, key: str) -> bool:
        """Whether an action on ``key`` was asked from this Lab and is being followed."""
        return key in self._followed

    def in_motion(self, backend: str) -> bool:
        """Whether an action asked from this Lab on ``backend`` has not settled yet."""
        now = time.monotonic()
        moving = False
        for key, (asked, give_up) in list(self._followed.items()):
            resource = self.resources.get(key)
            settled = resource is None or not _moving(resource)
            if now > give_up or (settled and now - asked > FOLLOW_MIN):
                del self._followed[key]
            elif key.startswith(backend + "/"):
                moving = True
        return moving

    # -- state ---------------------------------------------------------------------------------
    def snapshot(self) -> list[Resource]:
        return sorted(self.resources.values(), key=lambda r: r["key"])

    def upsert(self, resource: Resource) -> None:
        """Store ``resource``; tell subscribers when it differs from what they have."""
        key = resource["key"]
        if self.resources.get(key) != resource:
            self.resources[key] = resource
            self.seq += 1
            self._changed_at[key] = self.seq
            self._removed_at.pop(key, None)
            self._publish("resource", resource)

    def remove(self, key: str) -> None:
        if self.resources.pop(key, None) is not None:
            self.seq += 1
            self._changed_at.pop(key, None)
            self._removed_at[key] = self.seq
            self._removed_at.move_to_end(key)
            while len(self._removed_at) > MAX_TOMBSTONES:
                _, dropped = self._removed_at.popitem(last=False)
                self._floor = max(self._floor, dropped)
            self._publish("removed", {"key": key})

    def replace_backend(self, backend: str, resources: list[Resource]) -> None:
        """Make ``backend``'s part of the state exactly ``resources``."""
        fresh = {r["key"] for r in resources}
        for key in [k for k, r in self.resources.items() if r["backend"] == backend]:
            if key not in fresh:
                self.remove(key)
        for resource in resources:
            self.upsert(resource)

    def changes_since(self, since: int | None, epoch: str | None) -> dict[str, Any]:
        """What a tab holding the state as of ``since`` (of ``epoch``) needs: the resources
        changed and the keys removed since then, or the whole state (``snapshot``) when it holds
        none, holds one of another server process, or fell further behind than the removals
        remembered. The answer's ``seq`` is what the tab holds afterwards. No memory is kept per
        tab: one bounded record of removals serves every tab."""
        full = since is None or epoch != self.epoch or since > self.seq or since < self._floor
        if since is None or full:
            resources, removed = self.snapshot(), []
        else:
            resources = [self.resources[k] for k, at in self._changed_at.items() if at > since]
            resources.sort(key=lambda r: r["key"])
            removed = sorted(k for k, at in self._removed_at.items() if at > since)
        return {
            "epoch": self.epoch,
            "seq": self.seq,
            "snapshot": full,
            "resources": resources,
            "removed": removed,
            "backends": self.config(),
        }

    # -- subscribers ---------------------------------------------------------------------------
    def subscribe(self) -> Subscription:
        self.ensure_started()
        subscription = Subscription()
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def add_notice_listener(self, listener: Callable[[int, str], None]) -> None:
        """Call ``listener(seq, epoch)`` after changes (at most every ``NOTICE_SPACING`` s):
        how browser tabs learn, over jupyter_server's event bus, that there is something to fetch."""
        self._notice_listeners.append(listener)

    def publish_backends_if_changed(self) -> None:
        """Send ``backends`` when a backend's reachability, identity or message changed."""
        config = self.config()
        if config != self._last_config:
            self._last_config = config
            self.seq += 1
            self._publish("backends", config)

    def _publish(self, event: str, payload: Any) -> None:
        for subscription in self._subscriptions:
            subscription.offer(event, payload)
        self._schedule_notice()

    def _schedule_notice(self) -> None:
        if not self._notice_listeners or self._notice_handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # changed before the server runs (tests, start-up): nobody to tell yet
        delay = max(0.0, self._noticed_at + NOTICE_SPACING - time.monotonic())
        self._notice_handle = loop.call_later(delay, self._send_notice)

    def _send_notice(self) -> None:
        self._notice_handle = None
        self._noticed_at = time.monotonic()
        for listener in self._notice_listeners:
            try:
                listener(self.seq, self.epoch)
            except Exception:  # a broken listener must not stop the others or the engine
                self.log.exception("Saturn panel: a change notice could not be sent")

    async def close(self) -> None:
        if self._notice_handle is not None:
            self._notice_handle.cancel()
        for runner in self.runners.values():
            await runner.close()
        for subscription in list(self._subscriptions):
            subscription.close()


def _moving(resource: Resource) -> bool:
    """Whether a resource is on its way somewhere: starting, stopping, or a job with a run going."""
    if resource["kind"] == "job":
        return resource["status"] in ("pending", "running", "stopping")
    return resource["status"] in ("pending", "stopping")
