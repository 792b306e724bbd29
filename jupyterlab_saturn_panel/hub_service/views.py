"""What one token may see of the shared state: the servers the hub itself would show it.

A panel's token is identified by the hub (``HubAuth``: ``GET /hub/api/user`` with that token, whose
answer lists the token's expanded scopes). A server is in the token's view when the hub would
answer it with that server on ``GET /users``: ``read:servers`` for its user, its group (the
service reads every user's groups, so a ``!group=`` filter is always decided) or the server
itself. A user's groups are shown only with ``read:users:groups`` for them, as the hub does.
Anything the panel cannot be sure of is left out: the service never shows more than the hub would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..hub.scopes import HubScopes


class TokenView:
    """The scopes of one identified token and the part of each user model they cover."""

    def __init__(self, identity: dict[str, Any]) -> None:
        self.identity = identity
        self.scopes = HubScopes.of_identity(identity)
        self.owner: str | None = str(identity["name"]) if identity.get("kind") == "user" else None
        # A token that reads servers for its own user only (every single-user server's token,
        # ``read:servers!user``) sees at most that user: no need to look at anyone else.
        self.own_only = self.owner is not None and self.scopes.only_for_user("read:servers", self.owner)

    def may_read_server(self, user: str, server: str) -> bool:
        return self.scopes.verdict("read:servers", user, server) is True

    def user_model(self, model: dict[str, Any]) -> dict[str, Any] | None:
        """``model`` reduced to what this token may read, or None when it may read none of it."""
        user = str(model.get("name", ""))
        if self.own_only and user != self.owner:
            return None
        self.scopes.learn_groups(model)
        whole_user = self.scopes.verdict("read:servers", user) is True
        servers = model.get("servers") if isinstance(model.get("servers"), dict) else {}
        visible = {
            name: server
            for name, server in (servers or {}).items()
            if whole_user or self.may_read_server(user, str(name))
        }
        if not whole_user and not visible:
            return None
        reduced: dict[str, Any] = {"kind": "user", "name": user, "servers": visible}
        if self.scopes.verdict("read:users:groups", user) is True and isinstance(model.get("groups"), list):
            reduced["groups"] = model["groups"]
        return reduced

    def users(self, models: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every model this token may read something of, reduced."""
        reduced = (self.user_model(m) for m in models)
        return [m for m in reduced if m is not None]
