"""What a JupyterHub token may do, read from the expanded ``scopes`` of ``GET /hub/api/user``.

A scope is ``name`` or ``name!filter`` where the filter is ``user=NAME``, ``server=USER/NAME`` or
``group=NAME``. The hub usually expands scopes already; the parent table below keeps older hubs
and unexpanded lists right too.
"""

from __future__ import annotations

from collections.abc import Iterable

# Scopes that include another (jupyterhub/scopes.py scope_definitions, the parts we use).
_PARENTS: dict[str, tuple[str, ...]] = {
    "read:servers": ("servers", "admin:servers"),
    "start:servers": ("servers", "admin:servers"),
    "delete:servers": ("servers", "admin:servers"),
    "servers": ("admin:servers",),
    "list:users": (),
    "read:users": ("admin:users",),
}

#: What the README tells hub admins to grant a single-user server's token
#: (``c.Spawner.server_token_scopes``); the hub gives each token the subset its owner holds.
RECOMMENDED_SERVER_TOKEN_SCOPES = [
    "list:users",
    "read:users",
    "read:servers",
    "servers!user",
    "access:servers!user",
]


class HubScopes:
    """Answers "may this token do X for user U (server N)?" from a list of scope strings."""

    def __init__(self, scopes: Iterable[str]) -> None:
        self._grants: dict[str, list[str | None]] = {}
        for scope in scopes:
            name, _, filter_ = scope.partition("!")
            self._grants.setdefault(name, []).append(filter_ or None)

    def _names(self, scope: str) -> tuple[str, ...]:
        return (scope, *_PARENTS.get(scope, ()))

    def allows(self, scope: str, user: str | None = None, server: str | None = None) -> bool:
        """True when ``scope`` is granted without filter, or with a filter matching user/server."""
        for name in self._names(scope):
            for filter_ in self._grants.get(name, ()):
                if filter_ is None:
                    return True
                kind, _, value = filter_.partition("=")
                if kind == "user" and user is not None and value == user:
                    return True
                if kind == "server" and user is not None and server is not None and value == f"{user}/{server}":
                    return True
        return False

    def allows_any(self, scope: str) -> bool:
        """True when ``scope`` is granted for anything at all (any filter)."""
        return any(name in self._grants for name in self._names(scope))

    def missing_for_own_servers(self, user: str) -> list[str]:
        """The scopes a token lacks to list, start and stop ``user``'s own servers."""
        needed = ["read:servers", "start:servers", "delete:servers"]
        return [scope for scope in needed if not self.allows(scope, user=user)]


#: How to grant what a token lacks, for every "missing scope" message.
SCOPES_HINT = (
    "Grant the scopes to this server's token in jupyterhub_config.py: "
    f"c.Spawner.server_token_scopes = {RECOMMENDED_SERVER_TOKEN_SCOPES!r} "
    "(each user's token gets the subset its owner holds), or use a service token with a role "
    "that has them."
)
