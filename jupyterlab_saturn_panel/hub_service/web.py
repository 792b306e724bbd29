"""The service's HTTP API, under its prefix (``/services/saturn-panel-status/``).

Every route needs a hub token (``Authorization: token ...``), identified by the hub through
``HubAuth`` (cached ``cache_max_age`` s; a view stream checks afresh when it opens). A token the
hub does not know gets 403 and nothing more. Answers are JSON with ``{"message"}`` on errors.

- ``GET api/view``: the token's view now: ``{"users": [...], "progress": {...}}``;
- ``GET api/view/stream``: the same pushed as it changes (server-sent events ``view``, then
  ``users`` ``{"users": [...], "gone": [...]}`` and ``progress`` ``{"user", "server", "event"}``,
  ``end`` when the stream has lived ``view_max_age`` s: reconnect, the token is checked again);
- ``POST api/users/{name}/refresh``: read one user from the hub now (after an action asked from a
  panel), answered with the token's view of them, pushed to every view;
- ``GET api/status``: counts that show the service is used (views, hub reads, streams).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone
from typing import Any

from jupyterhub.services.auth import HubAuth
from tornado import web
from tornado.iostream import StreamClosedError

from ..errors import PanelError
from .state import HubState
from .views import TokenView

#: Seconds between two comments on an idle view stream (proxies close silent connections).
KEEPALIVE = 15.0


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")


class ServiceHandler(web.RequestHandler):
    """Identifies the token; answers errors as ``{"message"}``."""

    @property
    def state(self) -> HubState:
        return self.settings["saturn_status_state"]  # type: ignore[no-any-return]

    @property
    def hub_auth(self) -> HubAuth:
        return self.settings["saturn_status_auth"]

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated API: no cookies, so no cross-site forgery to guard against."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = self._reason
        exc_info = kwargs.get("exc_info")
        if exc_info and isinstance(exc_info[1], web.HTTPError) and exc_info[1].log_message:
            message = exc_info[1].log_message
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message}))

    def _token(self) -> str:
        match = HubAuth.auth_header_pat.match(self.request.headers.get("Authorization", ""))
        if not match:
            raise web.HTTPError(403, "A JupyterHub token is needed (Authorization: token ...).")
        return str(match.group(1)).strip()

    async def viewer(self, *, fresh: bool = False) -> TokenView:
        """The view of the request's token; 403 when the hub does not know it, 503 when the hub
        cannot say."""
        token = self._token()
        try:
            model = await self.hub_auth.user_for_token(token, use_cache=not fresh, sync=False)
        except web.HTTPError as exc:
            raise web.HTTPError(503, f"JupyterHub could not check the token: {exc.log_message}") from None
        if not isinstance(model, dict) or "name" not in model:
            raise web.HTTPError(403, "JupyterHub does not know this token (wrong, expired or revoked).")
        return TokenView(model)

    def write_json(self, body: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))

    def hub_status(self) -> dict[str, Any]:
        error = self.state.error
        return {
            "lastRead": _iso(self.state.last_read),
            "message": error.message if error else None,
        }


def view_body(view: TokenView, state: HubState) -> dict[str, Any]:
    """The token's whole view: its users (each with the number of the read it came from) and the
    latest progress of the starts it may read."""
    users = []
    for user, model in sorted(state.models.items()):
        reduced = view.user_model(model)
        if reduced is not None:
            users.append({**reduced, "readNumber": state.read_number.get(user, 0)})
    progress = {
        f"{user}/{server}": event
        for (user, server), event in state.progress.items()
        if view.may_read_server(user, server)
    }
    return {"users": users, "progress": progress}


class ViewHandler(ServiceHandler):
    async def get(self) -> None:
        view = await self.viewer()
        await self._prepare(view)
        self.write_json({**view_body(view, self.state), "hub": self.hub_status()})

    async def _prepare(self, view: TokenView) -> None:
        """Make sure the state holds what this view needs: a first read, its own user."""
        self.state.start()
        if self.state.last_read is None and self.state.error is None:
            self.state.add_listener(_ignore)  # a read now, for this answer
            try:
                await self.state.first_poll(timeout=10.0)
            finally:
                self.state.remove_listener(_ignore)
        if view.owner:
            try:
                await self.state.ensure_user(view.owner)
            except PanelError as exc:
                raise web.HTTPError(503, exc.message) from None


def _ignore(kind: str, payload: Any) -> None:
    """A listener that only makes the state read the hub."""


class ViewStreamHandler(ViewHandler):
    """One panel's view, pushed as it changes."""

    def initialize(self) -> None:
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._closed = False

    async def get(self) -> None:
        view = await self.viewer(fresh=True)  # a revoked token opens nothing, cache or not
        max_age = float(self.settings["saturn_status_view_max_age"])
        self.state.start()
        if view.owner:
            self.state.pin(view.owner)
        sent: dict[str, str] = {}

        def on_change(kind: str, payload: Any) -> None:
            if kind == "progress":
                user, server, event = payload
                if view.may_read_server(user, server):
                    self._queue.put_nowait(("progress", {"user": user, "server": server, "event": event}))
                return
            changed, gone = [], []
            for user in sorted(payload):
                model = self.state.models.get(user)
                reduced = view.user_model(model) if model is not None else None
                if reduced is None:
                    if sent.pop(user, None) is not None:
                        gone.append(user)
                    continue
                text = json.dumps(reduced, sort_keys=True)
                if sent.get(user) != text:
                    sent[user] = text
                    changed.append({**reduced, "readNumber": self.state.read_number.get(user, 0)})
            if changed or gone or not payload:
                self._queue.put_nowait(("users", {"users": changed, "gone": gone, "hub": self.hub_status()}))

        self.state.add_listener(on_change)
        try:
            await self._prepare(view)
            self.set_header("Content-Type", "text/event-stream")
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Accel-Buffering", "no")
            body = view_body(view, self.state)
            for model in body["users"]:
                sent[model["name"]] = json.dumps({k: v for k, v in model.items() if k != "readNumber"}, sort_keys=True)
            await self._send("view", {**body, "hub": self.hub_status()})
            ends_at = time.monotonic() + max_age
            while not self._closed:
                left = ends_at - time.monotonic()
                if left <= 0:
                    await self._send("end", {"message": "Reconnect: the token is checked again."})
                    break
                try:
                    kind, payload = await asyncio.wait_for(self._queue.get(), timeout=min(KEEPALIVE, left))
                except asyncio.TimeoutError:
                    self.write(": keepalive\n\n")
                    await self.flush()
                    continue
                if kind == "closed":
                    break
                await self._send(kind, payload)
        except StreamClosedError:
            pass
        finally:
            self.state.remove_listener(on_change)
            if view.owner:
                self.state.unpin(view.owner)
        if not self._closed:
            self.finish()

    async def _send(self, event: str, payload: Any) -> None:
        self.write(f"event: {event}\ndata: {json.dumps(payload)}\n\n")
        await self.flush()

    def on_connection_close(self) -> None:
        self._closed = True
        self._queue.put_nowait(("closed", None))


class RefreshUserHandler(ServiceHandler):
    async def post(self, user: str) -> None:
        view = await self.viewer()
        self.state.start()
        if not view.scopes.allows_any("read:servers") or (view.own_only and user != view.owner):
            raise web.HTTPError(404, "No access to resources or resources not found")
        try:
            model = await self.state.read_user(user)
        except PanelError as exc:
            raise web.HTTPError(503 if exc.status >= 500 else exc.status, exc.message) from None
        reduced = view.user_model(model) if model is not None else None
        if reduced is None:
            # The hub's own answer for a user the token may not read, or who does not exist.
            raise web.HTTPError(404, "No access to resources or resources not found")
        self.write_json({"user": {**reduced, "readNumber": self.state.read_number.get(user, 0)}})


class StatusHandler(ServiceHandler):
    async def get(self) -> None:
        await self.viewer()
        self.write_json(
            {
                "views": self.state.listeners,
                "users": len(self.state.models),
                "activeUsers": len(self.state.active),
                "progressStreams": self.state.followed_streams,
                "hubRequests": self.state.client.request_count,
                "hub": self.hub_status(),
            }
        )


class RootHandler(ServiceHandler):
    """What this is, for whoever opens the service's page (the hub checks it is up there too)."""

    async def get(self) -> None:
        self.write_json(
            {
                "service": "jupyterlab-saturn-panel hub service",
                "api": ["api/view", "api/view/stream", "api/users/{name}/refresh", "api/status"],
                "auth": "Authorization: token <a JupyterHub token>",
            }
        )


def routes(prefix: str) -> list[tuple[str, type[web.RequestHandler]]]:
    """The service's routes under ``prefix`` (ends with ``/``)."""
    return [
        (prefix, RootHandler),
        (prefix + r"api/view", ViewHandler),
        (prefix + r"api/view/stream", ViewStreamHandler),
        (prefix + r"api/users/([^/]+)/refresh", RefreshUserHandler),
        (prefix + r"api/status", StatusHandler),
    ]
