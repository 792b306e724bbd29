"""The hub's servers as one state shared by every panel: the only part of the service that reads
the hub.

While at least one panel watches (an open view stream) or a panel asked for a user, the active
users (``GET /users?state=active``) are read once per interval, whatever the number of panels.
A user who leaves the active list is read once more so their servers show stopped. Each pending
start's progress stream is followed once and its events passed to every listener; a server that
is stopping (the hub has no stream for it) is re-read quickly until it has stopped. What costs the
hub grows with what happens on it, never with the number of panels.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..errors import NotFound, PanelError
from ..hub.backend import progress_event
from ..hub.client import HubClient
from ..hub.mapping import server_models

#: Each interval is stretched or shrunk by up to this fraction (as the panel's engine does).
JITTER = 0.15
#: The longest wait between two reads of a hub that keeps failing.
MAX_BACKOFF = 300.0
#: How long a stopping server is re-read quickly before the ordinary poll takes it over.
STOPPING_FOLLOW = 120.0

#: A listener gets ``("users", names)`` when those users' models changed or went away, and
#: ``("progress", (user, server, event))`` for each event of a followed start.
Listener = Callable[[str, Any], None]


class HubState:
    """Every user model the service holds, kept current for its listeners."""

    def __init__(
        self,
        client: HubClient,
        *,
        poll_interval: float,
        stopping_poll_interval: float,
        spawn_timeout: float,
        max_progress_streams: int,
        recent_window: float,
        log: logging.Logger | None = None,
    ) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.stopping_poll_interval = stopping_poll_interval
        self.spawn_timeout = spawn_timeout
        self.max_progress_streams = max_progress_streams
        self.recent_window = recent_window
        self.log = log or logging.getLogger("jupyterlab_saturn_panel.hub_service")
        #: user -> their model as the hub last answered it (all servers, stopped ones too).
        self.models: dict[str, dict[str, Any]] = {}
        #: user -> the number of the read their model came from: a panel holding a model from a
        #: later read (``api/users/{name}/refresh``) ignores a push of an earlier one.
        self.read_number: dict[str, int] = {}
        self.active: set[str] = set()
        #: Users no longer active -> when they left: kept ``recent_window`` s so their rows say
        #: stopped rather than vanish.
        self.left_at: dict[str, float] = {}
        #: Users some open view needs whatever their state (a panel's own user).
        self.pinned: Counter[str] = Counter()
        #: (user, server) -> the latest progress event of a start being followed.
        self.progress: dict[tuple[str, str], dict[str, Any]] = {}
        self.error: PanelError | None = None
        self.last_read: float | None = None  # wall-clock time of the last good poll
        self._read_mono: float | None = None  # the same, monotonic
        self.failures = 0
        self._reads = 0
        self._listeners: set[Listener] = set()
        self._following: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._stopping: dict[str, asyncio.Task[None]] = {}
        self._user_reads: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._polled_once = asyncio.Event()

    # -- listeners -----------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        """Start telling ``listener`` about changes. A read is made at once only when the state
        is older than ``poll_interval`` (nobody watched): a panel that opens or reconnects while
        others watch costs the hub nothing."""
        first = not self._listeners
        self._listeners.add(listener)
        if first or self._stale():
            self._wake.set()  # the loop re-reads now if stale, else at the interval's end

    def _stale(self) -> bool:
        return self._read_mono is None or time.monotonic() - self._read_mono >= self.poll_interval

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    @property
    def followed_streams(self) -> int:
        return len(self._following)

    def _tell(self, kind: str, payload: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, payload)
            except Exception:  # one broken view must not stop the others
                self.log.exception("A view failed to take a change")

    # -- the poll ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._loop())

    async def first_poll(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) for the first read of the active list after start-up."""
        try:
            await asyncio.wait_for(self._polled_once.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def _interval(self) -> float:
        delay = self.poll_interval
        if self.failures:
            delay = min(MAX_BACKOFF, max(delay, 1.0) * 2.0 ** min(self.failures, 16))
        return delay * random.uniform(1.0 - JITTER, 1.0 + JITTER)

    async def _loop(self) -> None:
        next_read = 0.0  # monotonic time the next read is due
        while True:
            if not self._listeners:
                # Nobody watches: the hub is not read until someone does.
                self._wake.clear()
                await self._wake.wait()
                if not self._stale():
                    self._wake.clear()  # read a moment ago: the next read is at the interval's end
                continue
            try:  # until the next read is due, or a listener needs a read now
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, next_read - time.monotonic()))
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if not self._listeners:
                continue
            if time.monotonic() < next_read and not self._stale():
                continue  # woken early (a first listener) while the state is fresh: keep the beat
            try:
                await self.poll()
            except Exception:  # a bug must not stop the reads for every panel; it is logged
                self.log.exception("Reading the hub failed unexpectedly")
                self.failures += 1
            next_read = time.monotonic() + self._interval()

    async def poll(self) -> None:
        """Read the active users once, for everyone."""
        try:
            users = await self.client.list_users(state="active")
        except PanelError as exc:
            self.failures += 1
            self.error = exc
            self.log.warning("Reading the hub failed (%d in a row): %s", self.failures, exc.message)
            self._tell("users", set())  # listeners re-send their status with the error
            return
        finally:
            self._polled_once.set()
        recovered = self.error is not None
        self.failures = 0
        self.error = None
        self.last_read = time.time()
        self._read_mono = time.monotonic()
        changed: set[str] = set()
        unread: set[str] = set()
        now_active = {str(model.get("name", "")): model for model in users}
        for user in sorted(self.active - now_active.keys()):
            # Their servers all stopped: one read, so their rows say so (the active list no longer
            # has them), then kept for ``recent_window``.
            self.left_at[user] = time.monotonic()
            try:
                model = await self._read_user_now(user)
            except PanelError as exc:
                self.log.info("Reading %s, who no longer runs anything, failed: %s", user, exc.message)
                unread.add(user)  # tried again at the next poll
                continue
            changed.add(user)
            if model is None:
                self.left_at.pop(user, None)
        for user, model in now_active.items():
            self.left_at.pop(user, None)
            if self._store(user, model):
                changed.add(user)
        self.active = set(now_active) | unread
        changed |= self._forget_old()
        if changed or recovered:
            self._tell("users", changed)  # (empty: the views re-send the hub's status, fine again)

    def _forget_old(self) -> set[str]:
        """Drop users neither active, nor recently active, nor needed by an open view."""
        now = time.monotonic()
        gone = {
            user
            for user in self.models
            if user not in self.active
            and not self.pinned.get(user)
            and now - self.left_at.get(user, 0.0) > self.recent_window
        }
        for user in gone:
            self.models.pop(user, None)
            self.read_number.pop(user, None)
            self.left_at.pop(user, None)
        return gone

    def _store(self, user: str, model: dict[str, Any]) -> bool:
        """Keep a model just read; follow what moves in it. True when it differs from the last."""
        self._reads += 1
        self.read_number[user] = self._reads
        changed = self.models.get(user) != model
        self.models[user] = model
        for name, server in server_models(model).items():
            pending = (server or {}).get("pending")
            if pending in ("spawn", "check"):
                self._follow(user, name)
            elif pending == "stop":
                self._follow_stop(user)
        return changed

    # -- one user ------------------------------------------------------------------------------
    async def ensure_user(self, user: str) -> None:
        """Have ``user``'s model (a panel's own user, active or not)."""
        if user not in self.models:
            await self.read_user(user)

    async def read_user(self, user: str) -> dict[str, Any] | None:
        """Read one user now (joining a read of them already under way) and tell the listeners;
        None when the hub has no such user. Raises ``PanelError`` when the hub fails."""
        model = await self._read_user_now(user)
        self._tell("users", {user})
        return model

    async def _read_user_now(self, user: str) -> dict[str, Any] | None:
        running = self._user_reads.get(user)
        if running is None or running.done():
            running = asyncio.ensure_future(self._fetch_user(user))
            self._user_reads[user] = running
        return await asyncio.shield(running)

    async def _fetch_user(self, user: str) -> dict[str, Any] | None:
        try:
            model = await self.client.get_user(user)
        except NotFound:
            self.models.pop(user, None)
            self.read_number.pop(user, None)
            return None
        self._store(user, model)
        return model

    # -- progress and stops --------------------------------------------------------------------
    def _follow(self, user: str, name: str) -> None:
        key = (user, name)
        if key in self._following or len(self._following) >= self.max_progress_streams:
            return  # beyond the cap, the ordinary poll still shows it pending, then running
        self._following[key] = asyncio.ensure_future(self._follow_progress(user, name))

    async def _follow_progress(self, user: str, name: str) -> None:
        key = (user, name)

        def on_line(line: str) -> None:
            event = progress_event(line)
            if event is None:
                return
            self.progress[key] = event
            self._tell("progress", (user, name, event))

        try:
            await self.client.follow_progress(user, name, on_line, timeout=self.spawn_timeout)
        except PanelError as exc:
            self.log.info("Progress of %s/%s ended: %s", user, name, exc.message)
        finally:
            self._following.pop(key, None)
            self.progress.pop(key, None)
        # Ready, failed or cut: the hub's model now says which, for everyone at once.
        try:
            await self.read_user(user)
        except PanelError as exc:
            self.log.info("Reading %s after their start failed: %s", user, exc.message)

    def _follow_stop(self, user: str) -> None:
        if user not in self._stopping:
            self._stopping[user] = asyncio.ensure_future(self._reread_while_stopping(user))

    async def _reread_while_stopping(self, user: str) -> None:
        """The hub has no stream for a stop: re-read the user quickly until nothing of theirs is
        stopping (per stop on the hub, not per panel)."""
        give_up = time.monotonic() + STOPPING_FOLLOW
        try:
            while time.monotonic() < give_up:
                await asyncio.sleep(self.stopping_poll_interval)
                try:
                    model = await self.read_user(user)
                except PanelError:
                    continue
                if model is None or not any((s or {}).get("pending") == "stop" for s in server_models(model).values()):
                    return
        finally:
            self._stopping.pop(user, None)

    # -- pins ----------------------------------------------------------------------------------
    def pin(self, user: str) -> None:
        self.pinned[user] += 1

    def unpin(self, user: str) -> None:
        self.pinned[user] -= 1
        if self.pinned[user] <= 0:
            del self.pinned[user]
            if user not in self.active and user not in self.left_at:
                self.left_at[user] = time.monotonic()  # kept a while, like a user who stopped

    async def close(self) -> None:
        tasks = [t for t in (self._task, *self._following.values(), *self._stopping.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.client.aclose()
