"""What a JupyterHub token may do, read from the expanded ``scopes`` of ``GET /hub/api/user``.

A scope is ``name`` or ``name!filter`` where the filter is ``user=NAME``, ``server=USER/NAME`` or
``group=NAME``. The rules are JupyterHub's own (jupyterhub/scopes.py, 6.1.1):

- a scope grants its subscopes with the same filter (``_expand_scope``: ``admin:servers`` ->
  ``servers`` -> ``read:servers``, ``start:servers``, ``delete:servers``), except that a
  ``!server=`` filter is not carried to the ``read:users…`` subscopes;
- an unfiltered scope grants it for everyone (``parse_scopes``: ``Scope.ALL``);
- a request for one server (``server=USER/NAME``, the default server is ``USER/``) is granted by
  a ``!server=`` filter naming it, a ``!user=`` filter naming its user, or a ``!group=`` filter
  naming a group its user is in (``has_scope``, ``check_scope_filter``).

``/hub/api/user`` lists the token's scopes with subscopes expanded but ``!group=`` filters as
they are (``get_scopes_for`` keeps them; the hub looks the membership up in its database at each
request). The panel knows a user's groups only from a user model it has read (``groups``, shown
to a token with ``read:users:groups`` for that user): where it does not, it cannot tell, and the
request goes to the hub, whose answer is relayed. The panel refuses only what the hub would
refuse for certain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional

#: Scope -> the scopes it includes: every ``subscopes`` of JupyterHub 6.1.1's ``scope_definitions``.
#: Scopes not listed include nothing but themselves (custom scopes, ones a newer hub adds).
SUBSCOPES: dict[str, tuple[str, ...]] = {
    "admin:users": ("admin:auth_state", "users", "read:roles:users", "delete:users"),
    "users": ("read:users", "list:users", "users:activity"),
    "list:users": ("read:users:name",),
    "read:users": ("read:users:name", "read:users:groups", "read:users:activity"),
    "read:roles": ("read:roles:users", "read:roles:services", "read:roles:groups"),
    "users:activity": ("read:users:activity",),
    "admin:servers": ("admin:server_state", "servers"),
    "servers": ("read:servers", "start:servers", "delete:servers"),
    "read:servers": ("read:users:name",),
    "tokens": ("read:tokens",),
    "admin:groups": ("groups", "read:roles:groups", "delete:groups"),
    "groups": ("read:groups", "list:groups"),
    "list:groups": ("read:groups:name",),
    "read:groups": ("read:groups:name",),
    "admin:services": ("list:services", "read:services", "read:roles:services"),
    "list:services": ("read:services:name",),
    "read:services": ("read:services:name",),
    "users:shares": ("read:users:shares",),
    "groups:shares": ("read:groups:shares",),
    "shares": ("access:servers", "read:shares", "users:shares", "groups:shares"),
}

#: The user metascope ``self``, each filtered ``!user=<owner>`` (``_expand_self_scope``).
SELF_SCOPES = ("read:users", "users:shares", "read:shares", "users:activity", "servers", "tokens", "access:servers")

#: What the README tells hub admins to grant a single-user server's token
#: (``c.Spawner.server_token_scopes``); the hub gives each token the subset its owner holds.
RECOMMENDED_SERVER_TOKEN_SCOPES = [
    "list:users",
    "read:users",
    "read:servers",
    "servers!user",
    "access:servers!user",
]

#: The filters of one scope: ``None`` for all (unfiltered), else kind -> names, e.g.
#: ``{"group": {"team"}}``. Kind ``"?"`` holds filters the panel cannot resolve (a bare ``!server``).
Filters = Optional[dict[str, set[str]]]


def expand_scope(scope: str) -> set[str]:
    """A scope and all its subscopes, each with the scope's filter (JupyterHub's ``_expand_scope``)."""
    name, _, filter_ = scope.partition("!")
    names: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in names:
            names.add(current)
            todo.extend(SUBSCOPES.get(current, ()))
    if not filter_:
        return names
    # A server filter makes no sense on the user-reading subscopes (read:servers -> read:users:name).
    return {f"{n}!{filter_}" for n in names if not (filter_.startswith("server") and n.startswith("read:user"))}


class HubScopes:
    """Answers "may this token do X for user U (server N)?" from a list of scope strings.

    ``owner`` is the token's user, for scopes the hub would expand with it (``self``, ``!user``);
    ``/hub/api/user`` has expanded them already. Group memberships are learned from the user
    models the panel reads (:meth:`learn_groups`).
    """

    def __init__(self, scopes: Iterable[str], *, owner: str | None = None) -> None:
        expanded: set[str] = set()
        for scope in scopes:
            if scope == "self":
                if owner:
                    for inner in SELF_SCOPES:
                        expanded |= expand_scope(f"{inner}!user={owner}")
                continue
            if scope.endswith("!user") and owner:
                scope = f"{scope}={owner}"
            expanded |= expand_scope(scope)
        self._filters: dict[str, Filters] = {}
        for scope in expanded:
            name, _, filter_ = scope.partition("!")
            if not filter_:
                self._filters[name] = None
                continue
            kinds = self._filters.setdefault(name, {})
            if kinds is None:
                continue  # granted for everyone already
            kind, eq, value = filter_.partition("=")
            if not eq or not value:
                kind, value = "?", filter_  # an unexpanded !user/!server/!service: only the hub knows
            kinds.setdefault(kind, set()).add(value)
        self._group_filtered = any(f is not None and "group" in f for f in self._filters.values())
        # user -> their groups, from the user models read; absent: not known.
        self._groups: dict[str, frozenset[str]] = {}

    @classmethod
    def of_identity(cls, identity: Mapping[str, Any]) -> HubScopes:
        """The scopes of a ``GET /hub/api/user`` model, with its user's own groups known."""
        scopes = cls(
            (s for s in identity.get("scopes", []) if isinstance(s, str)),
            owner=str(identity["name"]) if identity.get("kind") == "user" and identity.get("name") else None,
        )
        scopes.learn_groups(identity)
        return scopes

    def learn_groups(self, user_model: Mapping[str, Any]) -> None:
        """Remember a user's groups from their model (``GET /users[/{name}]``, ``/user``); a model
        without ``groups`` (the token may not read them) makes them unknown again."""
        if not self._group_filtered or user_model.get("kind", "user") != "user":
            return  # no !group= filter to check (or a service's model)
        user = user_model.get("name")
        if not isinstance(user, str):
            return
        groups = user_model.get("groups")
        if isinstance(groups, list):
            self._groups[user] = frozenset(str(g) for g in groups)
        else:
            self._groups.pop(user, None)

    def verdict(self, scope: str, user: str | None = None, server: str | None = None) -> bool | None:
        """Whether the hub grants ``scope`` for ``user`` (and their ``server``; "" is the default
        server): True, False, or None when the panel cannot tell (a ``!group=`` filter and the
        user's groups not read, a filter the hub has not expanded)."""
        if scope not in self._filters:
            return False
        filters = self._filters[scope]
        if filters is None:
            return True
        if user is None:
            return False
        if server is not None and f"{user}/{server}" in filters.get("server", ()):
            return True
        if user in filters.get("user", ()):
            return True
        unknown = "?" in filters
        if "group" in filters:
            groups = self._groups.get(user)
            if groups is None:
                unknown = True
            elif groups & filters["group"]:
                return True
        return None if unknown else False

    def allows(self, scope: str, user: str | None = None, server: str | None = None) -> bool:
        """True unless the hub would surely refuse ``scope`` for this user (server): what the
        panel offers and sends. Where it cannot tell, the hub is asked and judges."""
        return self.verdict(scope, user, server) is not False

    def only_for_user(self, scope: str, user: str) -> bool:
        """Whether ``scope`` is granted for nothing but ``user`` and their servers (or not at all)."""
        filters = self._filters.get(scope, {})
        if filters is None:
            return False
        for kind, values in filters.items():
            if kind == "user" and values == {user}:
                continue
            if kind == "server" and all(v.startswith(f"{user}/") for v in values):
                continue
            return False
        return True

    def allows_any(self, scope: str) -> bool:
        """True when ``scope`` is granted for anything at all (any filter)."""
        return scope in self._filters

    def refusal(self, scope: str, user: str, server: str | None, doing: str) -> str:
        """Why the token may not do this (for the 403 of an action :meth:`allows` refuses)."""
        text = f"The JupyterHub token may not {doing} {user}'s servers: it lacks the {scope} scope for user {user}"
        filters = self._filters.get(scope)
        if filters:
            held = ", ".join(f"{kind} {value}" for kind in sorted(filters) for value in sorted(filters[kind]))
            text += f" (it holds {scope} only for {held}"
            groups = self._groups.get(user)
            if "group" in filters and groups is not None:
                text += f"; {user} is in " + (", ".join(sorted(groups)) if groups else "no group")
            text += ")"
        return text + "."

    def missing_for_own_servers(self, user: str) -> list[str]:
        """The scopes a token lacks to list, start and stop ``user``'s own servers."""
        needed = ["read:servers", "start:servers", "delete:servers"]
        return [
            scope for scope in needed if not self.allows(scope, user=user) and not self._for_a_server_of(scope, user)
        ]

    def _for_a_server_of(self, scope: str, user: str) -> bool:
        """Granted for one or more of ``user``'s servers (``!server=user/name``)."""
        filters = self._filters.get(scope)
        return bool(filters) and any(s.startswith(f"{user}/") for s in (filters or {}).get("server", ()))


#: How to grant what a token lacks, for every "missing scope" message.
SCOPES_HINT = (
    "Grant the scopes to this server's token in jupyterhub_config.py: "
    f"c.Spawner.server_token_scopes = {RECOMMENDED_SERVER_TOKEN_SCOPES!r} "
    "(each user's token gets the subset its owner holds), or use a service token with a role "
    "that has them."
)
