"""JupyterHub server models to Resources: pure functions, no state and no I/O.

The backend keeps what the hub does not say (the latest progress event of a start, the message of
a failed start) and hands it in; everything here is computed from its arguments alone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..resources import Resource, hub_key, is_active, new_resource
from .scopes import HubScopes
from .spawn_options import SpawnOptions, started_with


def server_models(user_model: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """A user's servers by name from ``GET /users/{name}``; the default server ("") always exists
    (``None`` when the hub has no model for it: never started)."""
    servers = user_model.get("servers")
    models: dict[str, dict[str, Any] | None] = {"": None}
    if isinstance(servers, dict):
        for name, model in servers.items():
            if isinstance(model, dict):
                models[str(name)] = model
    return models


def server_status(model: dict[str, Any] | None) -> str:
    """The hub's own view of a server: ``running``, ``pending``, ``stopping`` or ``stopped``."""
    model = model or {}
    pending = model.get("pending")
    if model.get("ready"):
        return "running"
    if pending in ("spawn", "check"):
        return "pending"
    if pending == "stop":
        return "stopping"
    return "stopped"


def public_link(public_url: str, path: Any) -> str | None:
    """The link a browser opens for a server path the hub reports (``/user/alice/dev/``)."""
    return public_url.rstrip("/") + path if isinstance(path, str) else None


def spawn_page(public_url: str, hub_prefix: str, user: str, name: str) -> str:
    """The hub's start page of a server (``/hub/spawn/{user}[/{name}]``), on the hub's origin
    when it is known, else as a path for the browser to resolve."""
    path = f"{hub_prefix}spawn/{quote(user, safe='')}" + (f"/{quote(name, safe='')}" if name else "")
    return public_url.rstrip("/") + path


def server_actions(scopes: HubScopes, user: str, name: str, status: str, url: str | None) -> list[str]:
    """What the token may do to this server in this status: all the hub may allow it, the
    actions a ``!group=`` filter may grant included when the user's groups are unknown (the hub
    judges those when asked; see ``HubScopes.allows``)."""
    actions = []
    if status in ("stopped", "error") and scopes.allows("start:servers", user, name):
        actions.append("start")
    if status in ("running", "pending") and scopes.allows("delete:servers", user, name):
        actions.append("stop")
    if status == "running" and url:
        actions.append("open")
    if name and status in ("stopped", "error") and scopes.allows("delete:servers", user, name):
        actions.append("delete")
    return actions


def server_resource(
    user: str,
    name: str,
    model: dict[str, Any] | None,
    *,
    public_url: str,
    scopes: HubScopes,
    hub_prefix: str = "/hub/",
    spawn_options: SpawnOptions | None = None,
    progress: dict[str, Any] | None = None,
    failure: str | None = None,
    stopping: bool = False,
) -> Resource:
    """The Resource of one hub server model (``None``: a default server never started).

    ``progress`` is the latest progress event of a start (used while the hub says pending);
    ``failure`` the message of a failed start (shown while the hub says stopped); ``stopping``
    that a stop was asked and the hub has not reported the server stopped yet.
    """
    model = model or {}
    status = server_status(model)
    if stopping and status in ("running", "pending"):
        status = "stopping"
    message: str | None = None
    percent: int | None = None
    if status == "stopped" and failure is not None:
        status, message = "error", failure
    if status == "pending":
        event = progress or {}
        percent = int(event.get("progress", 0))
        message = event.get("message") or "Server requested"
    url = public_link(public_url, model.get("url")) if status == "running" else None
    return new_resource(
        "hub",
        "server",
        hub_key(user, name),
        f"{user}/{name}",
        name,
        user,
        displayName=model.get("display_name") or name,
        status=status,
        progress=percent,
        message=message,
        url=url,
        started=model.get("started"),
        # The server's own activity: the user's would move with our own API polling.
        lastActivity=model.get("last_activity"),
        actions=server_actions(scopes, user, name, status, url),
        details={
            "userOptions": model.get("user_options") or {},
            # What it was started with, for its row: the profile and the options KubeSpawner
            # applied ("GPU machine (Image: TensorFlow)"), when hub_spawn_options is a profile list.
            "startedWith": (started_with(model.get("user_options"), spawn_options) if is_active(status) else None),
            # What a start without options reuses (the hub starts a server with the options it was
            # last given): the same label, whatever the status; None when it was given none.
            "lastStartedWith": (
                started_with(model.get("user_options"), spawn_options) if model.get("user_options") else None
            ),
            # The hub's own start page for this server, where a choice the panel cannot offer is made.
            "spawnPage": spawn_page(public_url, hub_prefix, user, name),
        },
    )
