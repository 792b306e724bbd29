"""The panel's link to the hub service (``jupyterlab_saturn_panel.hub_service``).

While the panel is watched, the hub backend takes the hub's servers from the service's view stream
instead of reading the hub itself: one read of the hub for every panel of the hub. The link finds
the service (``c.SaturnPanel.hub_status_service``: a URL, or the name of a service the hub lists),
authenticates with this server's own hub token, and keeps the latest view. When the service is
absent, down or answers garbage, the backend reads the hub itself and ``config`` says why; the
link retries with a growing delay and the backend switches back once it answers. A link nobody
needs (no tab shows the panel) closes its stream.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ..errors import PanelError, UpstreamError
from ..upstream import UpstreamClient
from .client import HubClient

#: The first and the longest wait before trying a service that failed again.
RETRY_MIN = 5.0
RETRY_MAX = 120.0
#: How often a hub that lists no such service is asked again (an admin may add it).
RETRY_ABSENT = 600.0
#: A stream that says nothing (not even its 15 s keepalive) for this long is taken as dead.
SILENCE = 45.0

ProgressCallback = Callable[[str, str, dict[str, Any]], None]


class ServiceAbsent(UpstreamError):
    """The hub lists no such service (or none this server's token may read)."""


class StatusServiceLink:
    """One panel's view of the hub service, and how it is doing (``describe``)."""

    def __init__(
        self,
        setting: str,
        hub: HubClient,
        token: str,
        *,
        request_timeout: float,
        idle_after: float,
        on_change: Callable[[], None],
        on_progress: ProgressCallback,
        log: logging.Logger,
    ) -> None:
        self.setting = setting.strip()
        self.hub = hub
        self.token = token
        self.request_timeout = request_timeout
        self.idle_after = idle_after
        self.on_change = on_change
        self.on_progress = on_progress
        self.log = log
        self.state = "idle"  # idle | connecting | connected | absent | unavailable
        self.message: str | None = None
        #: Why the service cannot read the hub now (its words), None while it reads it fine.
        self.hub_failure: str | None = None
        self.client: UpstreamClient | None = None
        self._models: dict[str, dict[str, Any]] = {}
        self._read_numbers: dict[str, int] = {}
        self._wanted_at = 0.0
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_line = 0.0
        self._next_try = 0.0
        self._waited = False
        self._found_url: str | None = None
        #: Views received (one per connection): the tests count reconnections with it.
        self.views = 0

    @property
    def name(self) -> str | None:
        return None if self.setting.startswith(("http://", "https://")) else self.setting

    @property
    def connected(self) -> bool:
        return self.state == "connected"

    def describe(self) -> dict[str, Any]:
        """The ``statusService`` block of the hub's ``config``: whether the panel reads the hub
        through the service, and why not."""
        return {"name": self.name, "state": self.state, "message": self.message}

    def users(self) -> list[dict[str, Any]]:
        """The user models of the latest view (each reduced to what this server's token may read)."""
        return list(self._models.values())

    # -- lifetime ------------------------------------------------------------------------------
    def want(self) -> None:
        """The panel is read now: keep (or open) the stream."""
        self._wanted_at = time.monotonic()
        if self._task is None or self._task.done():
            if self.state not in ("unavailable", "absent"):
                self.state = "connecting"
            self._task = asyncio.ensure_future(self._run())

    async def wait_connected(self, timeout: float) -> None:
        """Wait for the first view of a link just opened (a panel just shown reads no hub for it);
        once only per opening, so a service that hangs delays no read after the first."""
        if self.state != "connecting" or self._waited:
            return
        self._waited = True
        try:
            await asyncio.wait_for(self._connected.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def _idle(self) -> bool:
        return time.monotonic() - self._wanted_at > self.idle_after

    async def _run(self) -> None:
        failures = 0
        wait = self._next_try - time.monotonic()
        if wait > 0:  # a service that failed is not asked again sooner because a tab came back
            await asyncio.sleep(wait)
        while not self._idle():
            try:
                await self._stream_once()
                failures = 0  # the service ended the stream (its age): reconnect at once
                continue
            except asyncio.CancelledError:
                raise
            except ServiceAbsent as exc:
                self._fall_back(exc.message, state="absent")
                delay = RETRY_ABSENT
            except PanelError as exc:
                self._fall_back(exc.message)
                delay = min(RETRY_MAX, RETRY_MIN * 2.0**failures)
            except Exception as exc:  # garbage from the service must not stop the panel
                self.log.exception("Saturn panel: the hub service's stream failed")
                self._fall_back(f"The hub service answered something unexpected ({type(exc).__name__}).")
                delay = min(RETRY_MAX, RETRY_MIN * 2.0**failures)
            failures += 1
            delay *= random.uniform(0.85, 1.15)
            self._next_try = time.monotonic() + delay
            await asyncio.sleep(delay)
        # Nobody looks: drop the view (it would go stale) and read afresh on the next look.
        self._forget()
        if self.state == "connected":
            self.state = "idle"
        self.on_change()

    def _forget(self) -> None:
        self._waited = False
        self._models.clear()
        self._read_numbers.clear()
        self._connected.clear()

    def _fall_back(self, message: str, state: str = "unavailable") -> None:
        was = self.state
        self._found_url = None  # it may have moved: ask the hub again
        self.state = state
        self.message = message
        self._forget()
        if was != state:
            # A hub without the service is an ordinary set-up; one that went away is news.
            log = self.log.info if state == "absent" else self.log.warning
            log("Saturn panel: reading the hub itself: %s", message)
        self.on_change()

    # -- finding the service -------------------------------------------------------------------
    async def _base_url(self) -> str:
        """The service's URL: the setting's, or the hub's answer for its name, asked once and again
        only after the service failed (a reconnection every ``view_max_age`` asks the hub nothing)."""
        if self.name is None:
            return self.setting
        if self._found_url is None:
            self._found_url = await self._look_up()
        return self._found_url

    async def _look_up(self) -> str:
        assert self.name is not None
        response = await self.hub.request("GET", f"services/{quote(self.name, safe='')}")
        if response.status in (403, 404):
            raise ServiceAbsent(
                f"The hub lists no service {self.name!r} that this server's token may read.",
                hint=f"Add it to c.JupyterHub.services and give users read:services!service={self.name},"
                " or set c.SaturnPanel.hub_status_service to its URL.",
            )
        body = response.body
        if response.status != 200 or not isinstance(body, dict):
            raise UpstreamError(f"JupyterHub answered GET /services/{self.name} with status {response.status}.")
        url, prefix = body.get("url"), body.get("prefix")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise UpstreamError(f"The hub's service {self.name!r} has no URL to reach it at.")
        return url.rstrip("/") + (prefix if isinstance(prefix, str) and prefix else "/")

    def _client(self, base: str) -> UpstreamClient:
        if self.client is None or self.client.base_url != base.rstrip("/") + "/":
            if self.client is not None:
                self.client.close()
            self.client = UpstreamClient(
                base,
                self.token,
                service="The Saturn panel's hub service",
                request_timeout=self.request_timeout,
                url_setting="c.SaturnPanel.hub_status_service",
                token_setting="c.SaturnPanel.hub_api_token",
                stream_connections=2,
            )
        return self.client

    # -- the stream ----------------------------------------------------------------------------
    async def _stream_once(self) -> None:
        client = self._client(await self._base_url())
        event: list[str] = [""]

        def on_line(line: str) -> None:
            self._last_line = time.monotonic()
            if line.startswith("event:"):
                event[0] = line[6:].strip()
            elif line.startswith("data:"):
                self._on_event(event[0], json.loads(line[5:].strip()))

        self._last_line = time.monotonic()
        reading = asyncio.ensure_future(client.stream_lines("api/view/stream", on_line, timeout=7 * 24 * 3600.0))
        try:
            while not reading.done():
                done, _ = await asyncio.wait({reading}, timeout=5.0)
                if done:
                    break
                if self._idle():
                    reading.cancel()
                    return
                if time.monotonic() - self._last_line > SILENCE:
                    reading.cancel()
                    raise UpstreamError(f"The hub service said nothing for {SILENCE:g} s.")
            response = reading.result()
        finally:
            if not reading.done():
                reading.cancel()
        if response.status >= 400:
            raise UpstreamError(f"The hub service refused the view ({response.status}): {response.message}")
        if not self._connected.is_set():
            raise UpstreamError("The hub service ended the view before sending it.")
        self._connected.clear()  # "end": reconnect, the service checks the token again

    def _on_event(self, kind: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ValueError("an event that is not an object")
        hub = data.get("hub")
        if kind in ("view", "users") and isinstance(hub, dict):
            failure = hub.get("message")
            self.hub_failure = str(failure) if failure else None
        if kind == "view":
            self._forget()
            self._take_users(data.get("users"), replace=True)
            for key, progress in (data.get("progress") or {}).items():
                user, _, server = str(key).partition("/")
                if isinstance(progress, dict):
                    self.on_progress(user, server, progress)
            self.state, self.message = "connected", None
            self.views += 1
            self._connected.set()
            self.on_change()
        elif kind == "users" and self._connected.is_set():
            self._take_users(data.get("users"), replace=False)
            for user in data.get("gone") or []:
                self._models.pop(str(user), None)
                self._read_numbers.pop(str(user), None)
            self.on_change()
        elif kind == "progress" and self._connected.is_set():
            event = data.get("event")
            if isinstance(event, dict):
                self.on_progress(str(data.get("user", "")), str(data.get("server", "")), event)

    def _take_users(self, users: Any, *, replace: bool) -> None:
        if not isinstance(users, list):
            raise ValueError("users that are not a list")
        for model in users:
            if isinstance(model, dict) and isinstance(model.get("name"), str):
                self._keep(model)

    def _keep(self, model: dict[str, Any]) -> None:
        """Keep a model unless one from a later read of the hub is held already."""
        user = model["name"]
        found = model.get("readNumber")
        number = found if isinstance(found, int) else 0
        if number >= self._read_numbers.get(user, -1):
            self._models[user] = model
            self._read_numbers[user] = number

    async def refresh_user(self, user: str) -> dict[str, Any]:
        """Have the service read ``user`` from the hub now (after an action asked here); their
        model as this token may read it. Raises ``PanelError`` when the service cannot."""
        if self.client is None or not self.connected:
            raise UpstreamError("The hub service is not connected.")
        response = await self.client.request("POST", f"api/users/{quote(user, safe='')}/refresh")
        body = response.body
        if response.status != 200 or not isinstance(body, dict) or not isinstance(body.get("user"), dict):
            raise UpstreamError(f"The hub service could not read {user} ({response.status}): {response.message}")
        model: dict[str, Any] = body["user"]
        self._keep(model)
        return model

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.client is not None:
            await self.client.aclose()
