"""The JupyterHub REST API calls the panel makes (reference/jupyterhub-api.md), nothing more.

Every method returns plain JSON models or raises a ``PanelError``; the status engine and the
handlers never see HTTP details. Paths are always built from validated, URL-quoted parts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

from ..errors import BadRequest, Conflict, Forbidden, NotFound, PanelError, UpstreamBusy, UpstreamError
from ..upstream import STREAM_CONNECTIONS, UpstreamClient, UpstreamResponse
from .scopes import SCOPES_HINT

PAGINATION_ACCEPT = "application/jupyterhub-pagination+json"
PAGE_LIMIT = 200  # the hub's api_page_max_limit default
#: Seconds before asking again to stop a server the hub was still interrupting the start of.
PENDING_SPAWN_RETRY = 1.5

#: What a start request achieved: ``ready`` (201, up already), ``spawning`` (202, the hub goes on
#: spawning), ``running`` (it was running before we asked: the hub's 400 "already running").
StartOutcome = Literal["ready", "spawning", "running"]


def server_path(user: str, name: str) -> str:
    """``users/{user}/server`` for the default server, ``users/{user}/servers/{name}`` otherwise."""
    if name == "":
        return f"users/{quote(user, safe='')}/server"
    return f"users/{quote(user, safe='')}/servers/{quote(name, safe='')}"


class HubClient(UpstreamClient):
    """A JupyterHub API client authenticated with ``c.SaturnPanel.hub_api_token``."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        request_timeout: float,
        url_setting: str = "c.SaturnPanel.hub_api_url (or JUPYTERHUB_API_URL)",
        token_setting: str = "c.SaturnPanel.hub_api_token (or JUPYTERHUB_API_TOKEN)",
        stream_connections: int = STREAM_CONNECTIONS,
    ) -> None:
        super().__init__(
            api_url,
            token,
            service="JupyterHub",
            request_timeout=request_timeout,
            url_setting=url_setting,
            token_setting=token_setting,
            stream_connections=stream_connections,
        )

    @staticmethod
    def refuses_the_token(response: UpstreamResponse) -> bool:
        """The hub does not know the token (wrong, expired, revoked): 401, or its 403 "Missing or
        invalid credentials". A token it knows but that lacks a scope gets a 403 naming scopes."""
        return response.status == 401 or (response.status == 403 and "credentials" in response.message.lower())

    def error(self, response: UpstreamResponse, action: str) -> PanelError:
        """Map a hub error answer to the contract's status, keeping the hub's message."""
        detail = response.message
        text = f"JupyterHub refused to {action}: {detail}"
        if self.refuses_the_token(response):
            return self.token_rejected(response, action)
        if response.status == 400:
            return BadRequest(text)
        if response.status in (401, 403):
            return Forbidden(text, hint=SCOPES_HINT if "scope" in detail else None)
        if response.status == 404:
            return NotFound(f"JupyterHub has no such user or server ({action}): {detail}")
        if response.status == 409:
            return Conflict(text)
        return UpstreamError(text)

    async def whoami(self) -> dict[str, Any]:
        """The token's own model with its expanded ``scopes`` (``GET /user``)."""
        response = await self.request("GET", "user")
        if response.status in (401, 403):
            raise self.token_rejected(response)
        if response.status == 404:
            raise self.not_the_api(response, "identify the token", "GET /user with 404 Not Found")
        if response.status != 200 or not isinstance(response.body, dict):
            raise self.error(response, "identify the token")
        return response.body

    async def list_users(self, *, state: Literal["active"] | None = None) -> list[dict[str, Any]]:
        """Every user (with ``state="active"``: every user with a server running or starting),
        each with all their servers, stopped ones too, following the hub's pages."""
        users: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page, offset, _total = await self.users_page(offset=offset, limit=PAGE_LIMIT, state=state)
            users.extend(page)
        return users

    async def users_page(
        self,
        *,
        offset: int,
        limit: int,
        state: Literal["active"] | None = None,
        name_filter: str | None = None,
    ) -> tuple[list[dict[str, Any]], int | None, int | None]:
        """One page of ``GET /users`` (stopped servers included): the users, the offset of the
        next page (None on the last) and the total the hub counted (None from an old hub).
        ``name_filter`` is the hub's case-insensitive substring search (its admin page's)."""
        params: dict[str, Any] = {"include_stopped_servers": "1", "offset": offset, "limit": limit}
        if state:
            params["state"] = state
        if name_filter:
            params["name_filter"] = name_filter
        response = await self.request("GET", "users", params=params, headers={"Accept": PAGINATION_ACCEPT})
        if response.status != 200:
            raise self.error(response, "list users")
        body = response.body
        if isinstance(body, list):  # a hub without pagination support answers everything at once
            return [u for u in body if isinstance(u, dict)], None, len(body)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise UpstreamError("JupyterHub answered GET /users with an unexpected shape.")
        users = [u for u in body["items"] if isinstance(u, dict)]
        pagination = body.get("_pagination")
        if not isinstance(pagination, dict):
            pagination = {}
        following = pagination.get("next")
        if not isinstance(following, dict):
            following = None
        total = pagination.get("total")
        next_offset: int | None = None
        if following:
            try:
                next_offset = int(following.get("offset", offset + limit))
            except (TypeError, ValueError):
                raise UpstreamError("JupyterHub answered GET /users with an unexpected next page.") from None
            if next_offset <= offset:  # a hub that points back would have us loop forever
                raise UpstreamError("JupyterHub answered GET /users with a next page that goes back.")
        return users, next_offset, total if isinstance(total, int) else None

    async def get_user(self, user: str, *, doing: str | None = None) -> dict[str, Any]:
        """One user's model with all their servers, stopped ones too. ``doing`` names the action
        the read is part of, for its error ("start alice/dev" rather than "read user alice")."""
        response = await self.request("GET", f"users/{quote(user, safe='')}", params={"include_stopped_servers": "1"})
        if response.status != 200 or not isinstance(response.body, dict):
            raise self.error(response, doing or f"read user {user}")
        return response.body

    async def start_server(
        self, user: str, name: str, *, user_options: dict[str, Any] | None, display_name: str | None
    ) -> StartOutcome:
        """POST the start; what the hub accepted, or the ``PanelError`` its refusal means."""
        body: dict[str, Any] | None = None
        if user_options is not None or display_name is not None:
            body = {}
            if user_options is not None:
                body["user_options"] = user_options
            if display_name is not None:
                body["display_name"] = display_name
        response = await self.request("POST", server_path(user, name), body=body)
        if response.status == 201:
            return "ready"
        if response.status == 202:
            return "spawning"
        label = f"{user}/{name or '(default)'}"
        message = response.message
        if response.status == 400 and "already running" in message:
            return "running"  # starting something running is a success
        if response.status == 400 and ("pending spawn" in message or "pending check" in message):
            return "spawning"  # a start is already under way: this one joins it
        if response.status == 400 and "pending stop" in message:
            raise Conflict(f"{label} is stopping; start it once it has stopped.")
        if response.status == 429:
            retry = response.headers.get("Retry-After")
            later = f" Try again in {retry} s." if retry else ""
            raise UpstreamBusy(f"JupyterHub is busy and refused the start: {message}.{later}")
        raise self.error(response, f"start {label}")

    async def stop_server(self, user: str, name: str, *, remove: bool) -> None:
        """DELETE the server (``remove`` also deletes a named server); raises when refused.

        A busy JupyterHub 6.1.1 stopping a server whose start it is still interrupting answers 500
        "pending spawn" (it checks again only 1 s after interrupting): asked once more a moment
        later, it stops it. Left alone, the start ends as a 'running' server with nothing behind it.
        """
        body = {"remove": True} if remove else None
        response = await self.request("DELETE", server_path(user, name), body=body)
        if response.status == 500 and "pending spawn" in response.message:
            await asyncio.sleep(PENDING_SPAWN_RETRY)
            response = await self.request("DELETE", server_path(user, name), body=body)
        if response.status not in (202, 204):
            raise self.error(response, f"stop {user}/{name or '(default)'}")

    async def follow_progress(self, user: str, name: str, on_line: Callable[[str], None], *, timeout: float) -> None:
        """Stream the server's progress events, calling ``on_line`` with each raw line.

        Returns when the hub ends the stream; raises the mapped ``PanelError`` when it refuses it.
        """
        response = await self.stream_lines(f"{server_path(user, name)}/progress", on_line, timeout=timeout)
        if response.status >= 400:
            raise self.error(response, f"follow the progress of {user}/{name or '(default)'}")
