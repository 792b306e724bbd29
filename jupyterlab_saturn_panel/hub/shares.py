"""JupyterHub 5+ shares (issue 20): the hub calls, the checks on what the panel sends, the models.

The hub's own code is the reference (``jupyterhub/apihandlers/shares.py``, 6.1.1):

- ``GET/POST/PATCH/DELETE /shares/{owner}/{server}``: list (``read:shares``), grant ``{"user"}`` or
  ``{"group"}`` with optional ``scopes`` (``shares``; to name a user it also needs
  ``read:users:name!user=NAME``, a group ``read:groups:name!group=NAME``), revoke one share
  (PATCH with the same body) or all (DELETE);
- ``GET/POST/DELETE /share-codes/{owner}/{server}``: list, create (``expires_in`` 60 s to 365 days,
  default one day; the ``code`` and ``accept_url`` are in that answer only), revoke one
  (``?id=sc_N``) or all;
- ``GET /users/{name}/shared`` (``read:users:shares``): the servers shared with a user, directly or
  through a group; ``DELETE /users/{name}/shared/{owner}/{server}`` (``users:shares``): leave a
  share made to that user (a group's share is left with the group's endpoint, not here).

A share's ``scopes`` are any hub scopes, each restricted by the hub to ``!server=owner/server``;
the default is ``access:servers``. The panel offers the ones that make sense for a server
(:data:`SHARE_SCOPES`): access alone, or access with read/start/stop.

Secrets: a share code is as secret as a token. It is returned to the panel user who made it and to
nobody else: it never reaches a log line (the hub's answer is never logged, codes are revoked by
id, never by code) nor the status engine's events.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..errors import BadRequest, Forbidden, PanelError, UpstreamError
from ..upstream import UpstreamResponse
from .client import PAGINATION_ACCEPT, HubClient
from .mapping import public_link
from .scopes import HubScopes

#: The scopes a share may carry that the panel offers, each granted by the hub for the one server
#: only (``!server=owner/name``); ``access:servers`` is the hub's default. The hub accepts any
#: scope, but only these act on a server.
SHARE_SCOPES = ("access:servers", "read:servers", "start:servers", "delete:servers", "servers")
DEFAULT_SHARE_SCOPES = ("access:servers",)

#: ``expires_in`` of a share code, in seconds, as the hub's ``ShareCodeGrantRequest`` takes it.
CODE_EXPIRES_MIN = 60
CODE_EXPIRES_MAX = 525600 * 60
CODE_EXPIRES_DEFAULT = 86400

#: The ids the hub gives share codes (``sc_{n}``).
_CODE_ID = re.compile(r"^sc_[0-9]{1,18}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: How an admin turns sharing on (JupyterHub's sharing tutorial), for ``config`` and 403 hints.
SHARING_ROLE_LINES = (
    'c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", "shares!user", "read:users:name",'
    ' "read:groups:name"]}]'
)
SHARING_TOKEN_LINES = 'c.Spawner.server_token_scopes += ["shares!user", "read:users:name", "read:groups:name"]'
SHARING_HINT = (
    "Sharing needs the shares!user scope (and read:users:name, read:groups:name to share with a user"
    f" or a group by name; without them only links). A hub admin turns it on with {SHARING_ROLE_LINES}"
    f" and, for this server's token, {SHARING_TOKEN_LINES}."
)
NAMES_HINT = (
    "To share with a user or a group by name the token needs read:users:name or read:groups:name"
    f" (a hub admin adds them: {SHARING_ROLE_LINES}); a link works without them."
)


# -- checks on what the panel is sent ----------------------------------------------------------
def check_share_target(value: Any, field: str) -> str:
    """A user or group name to share with: 1-255 characters, no control characters, else 400."""
    if not isinstance(value, str) or not value or len(value) > 255 or _CONTROL.search(value):
        raise BadRequest(f"{field} must be a {field} name of 1 to 255 characters without control characters.")
    if value != value.strip():
        raise BadRequest(f"{field} cannot start or end with spaces.")
    return value


def check_share_scopes(value: Any) -> list[str] | None:
    """The ``scopes`` of a share or code: a non-empty list of :data:`SHARE_SCOPES`, else 400."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise BadRequest(f"scopes must be a non-empty list of {', '.join(SHARE_SCOPES)}.")
    unknown = [s for s in value if s not in SHARE_SCOPES]
    if unknown:
        raise BadRequest(
            f"scopes may hold only {', '.join(SHARE_SCOPES)} (each for this server only), not {unknown[0][:60]!r}."
        )
    return sorted(set(value), key=SHARE_SCOPES.index)


def check_share_body(body: dict[str, Any]) -> tuple[str | None, str | None, list[str] | None]:
    """``{"user": NAME}`` or ``{"group": NAME}``, optional ``scopes``: (user, group, scopes)."""
    unknown = set(body) - {"user", "group", "scopes"}
    if unknown:
        raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown)[:5])}.")
    user, group = body.get("user"), body.get("group")
    if (user is None) == (group is None):
        raise BadRequest('The body names exactly one of "user" or "group".')
    return (
        check_share_target(user, "user") if user is not None else None,
        check_share_target(group, "group") if group is not None else None,
        check_share_scopes(body.get("scopes")),
    )


def check_code_body(body: dict[str, Any]) -> tuple[int, list[str] | None]:
    """``{"expiresIn": seconds, "scopes": [...]}``, both optional: (expires_in, scopes)."""
    unknown = set(body) - {"expiresIn", "scopes"}
    if unknown:
        raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown)[:5])}.")
    expires = body.get("expiresIn", CODE_EXPIRES_DEFAULT)
    if isinstance(expires, bool) or not isinstance(expires, int) or not CODE_EXPIRES_MIN <= expires <= CODE_EXPIRES_MAX:
        raise BadRequest(
            f"expiresIn must be a whole number of seconds from {CODE_EXPIRES_MIN} (one minute) to"
            f" {CODE_EXPIRES_MAX} (365 days), as JupyterHub accepts."
        )
    return expires, check_share_scopes(body.get("scopes"))


def check_code_id(value: str) -> str:
    """A share code's id as the hub lists it (``sc_12``), else 400. (Never the code itself: a
    query string reaches access logs.)"""
    if not _CODE_ID.fullmatch(value):
        raise BadRequest(f"id must be a share code's id such as sc_12, not {value[:40]!r}.")
    return value


# -- what the token may do ---------------------------------------------------------------------
def _reads_names_of_others(scopes: HubScopes, scope: str, own: str | None) -> bool:
    return scopes.allows_any(scope) and (own is None or not scopes.only_for_user(scope, own))


def sharing_abilities(scopes: HubScopes, own: str | None) -> dict[str, Any]:
    """``abilities.share``, ``abilities.shareWithNames`` and the ``sharingHint`` of ``config``."""
    share = scopes.allows("shares", user=own) if own else scopes.verdict("shares") is True
    users = _reads_names_of_others(scopes, "read:users:name", own)
    groups = scopes.allows_any("read:groups:name")
    hint = None
    if not share:
        hint = SHARING_HINT
    elif not (users or groups):
        hint = NAMES_HINT
    return {
        "share": share,
        "shareWithNames": share and (users or groups),
        "shareWithUsers": share and users,
        "shareWithGroups": share and groups,
        "sharingHint": hint,
    }


# -- the models the panel answers with ---------------------------------------------------------
def _name_of(value: Any) -> str | None:
    return str(value["name"]) if isinstance(value, dict) and value.get("name") is not None else None


def server_of(model: Any, public_url: str) -> dict[str, Any]:
    """A share's ``server`` (the hub's truncated server model) as the panel shows it."""
    server = model if isinstance(model, dict) else {}
    owner = _name_of(server.get("user")) or ""
    name = str(server.get("name") or "")
    ready = bool(server.get("ready"))
    url = server.get("full_url") or public_link(public_url, server.get("url"))
    return {
        "key": f"hub/{owner}/{name}",
        "owner": owner,
        "name": name,
        "ready": ready,
        "status": "running" if ready else "stopped",
        "url": url if ready else None,
    }


def share_model(share: dict[str, Any], public_url: str) -> dict[str, Any]:
    """One share (the hub's share model, camelCase)."""
    return {
        "kind": "group" if share.get("kind") == "group" else "user",
        "user": _name_of(share.get("user")),
        "group": _name_of(share.get("group")),
        "scopes": [str(s) for s in share.get("scopes") or []],
        "createdAt": share.get("created_at"),
        "server": server_of(share.get("server"), public_url),
    }


def code_model(code: dict[str, Any], public_url: str) -> dict[str, Any]:
    """One share code as listed: never the code itself (the hub shows it only when made)."""
    return {
        "id": str(code.get("id") or ""),
        "scopes": [str(s) for s in code.get("scopes") or []],
        "createdAt": code.get("created_at"),
        "expiresAt": code.get("expires_at"),
        "exchangeCount": code.get("exchange_count") if isinstance(code.get("exchange_count"), int) else 0,
        "lastExchangedAt": code.get("last_exchanged_at"),
        "server": server_of(code.get("server"), public_url),
    }


def new_code_model(code: dict[str, Any], public_url: str) -> dict[str, Any]:
    """A share code just made: with ``code``, ``acceptUrl`` and ``fullAcceptUrl`` (the hub's own
    when it knows its public URL, else built on c.SaturnPanel.hub_public_url), for its maker only."""
    accept = code.get("accept_url")
    full = code.get("full_accept_url") or (public_link(public_url, accept) if public_url else None)
    return {
        **code_model(code, public_url),
        "code": str(code.get("code") or ""),
        "acceptUrl": accept if isinstance(accept, str) else None,
        "fullAcceptUrl": full if isinstance(full, str) else None,
    }


def share_path(kind: str, user: str, name: str) -> str:
    """``shares/{user}/{name}`` or ``share-codes/{user}/{name}`` (the default server: ``{user}/``)."""
    return f"{kind}/{quote(user, safe='')}/{quote(name, safe='')}"


class HubShares:
    """The hub's sharing API, through the panel's :class:`HubClient` (its token, timeouts, errors)."""

    def __init__(self, client: HubClient, public_url: str = "") -> None:
        self.client = client
        self.public_url = public_url

    def error(self, response: UpstreamResponse, action: str) -> PanelError:
        """The hub's refusal in its own words; a missing scope names how sharing is turned on."""
        error = self.client.error(response, action)
        if isinstance(error, Forbidden) and not self.client.refuses_the_token(response):
            error.hint = SHARING_HINT
        return error

    async def _pages(self, path: str, action: str) -> list[dict[str, Any]]:
        """Every item of a paginated hub list, following its pages."""
        items: list[dict[str, Any]] = []
        offset = 0
        for _ in range(1000):  # a hub that points forward forever still ends
            response = await self.client.request(
                "GET", path, params={"offset": offset, "limit": 200}, headers={"Accept": PAGINATION_ACCEPT}
            )
            if response.status != 200:
                raise self.error(response, action)
            body = response.body
            if isinstance(body, list):  # an answer without pagination: everything at once
                return [i for i in body if isinstance(i, dict)]
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise UpstreamError(f"JupyterHub answered {action} with an unexpected shape.")
            items.extend(i for i in body["items"] if isinstance(i, dict))
            pagination = body.get("_pagination") if isinstance(body.get("_pagination"), dict) else {}
            following = pagination.get("next") if isinstance(pagination, dict) else None
            if not isinstance(following, dict) or not isinstance(following.get("offset"), int):
                return items
            if following["offset"] <= offset:
                raise UpstreamError(f"JupyterHub answered {action} with a next page that goes back.")
            offset = following["offset"]
        return items

    # -- shares of a server ------------------------------------------------------------------
    async def list_shares(self, user: str, name: str) -> list[dict[str, Any]]:
        """``GET /shares/{user}/{name}``: who the server is shared with."""
        label = f"list the shares of {user}/{name or '(default)'}"
        return [share_model(s, self.public_url) for s in await self._pages(share_path("shares", user, name), label)]

    async def share(
        self, user: str, name: str, *, with_user: str | None, with_group: str | None, scopes: list[str] | None
    ) -> dict[str, Any]:
        """``POST /shares/{user}/{name}``: share with a user or a group (``scopes``: the panel's
        choice of :data:`SHARE_SCOPES`; the hub restricts each to this server)."""
        body: dict[str, Any] = {"user": with_user} if with_user is not None else {"group": with_group}
        if scopes:
            body["scopes"] = [f"{s}!server={user}/{name}" for s in scopes]
        target = f"user {with_user}" if with_user is not None else f"group {with_group}"
        response = await self.client.request("POST", share_path("shares", user, name), body=body)
        if response.status != 200 or not isinstance(response.body, dict):
            raise self.error(response, f"share {user}/{name or '(default)'} with {target}")
        return share_model(response.body, self.public_url)

    async def revoke(self, user: str, name: str, *, with_user: str | None, with_group: str | None) -> None:
        """Revoke one share (``PATCH`` with the user or group and no scopes: all of its scopes),
        or every share of the server when both are None (``DELETE``)."""
        path = share_path("shares", user, name)
        if with_user is None and with_group is None:
            response = await self.client.request("DELETE", path)
            if response.status not in (200, 204):
                raise self.error(response, f"revoke the shares of {user}/{name or '(default)'}")
            return
        body = {"user": with_user} if with_user is not None else {"group": with_group}
        response = await self.client.request("PATCH", path, body=body)
        if response.status != 200:
            target = f"user {with_user}" if with_user is not None else f"group {with_group}"
            raise self.error(response, f"revoke the share of {user}/{name or '(default)'} with {target}")

    async def list_owner_shares(self, user: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``GET /shares/{user}`` and ``GET /share-codes/{user}``: the shares and codes of every
        server of ``user`` at once (what the rows show), codes without their secret."""
        owner = quote(user, safe="")
        shares = await self._pages(f"shares/{owner}", f"list the shares of {user}'s servers")
        codes = await self._pages(f"share-codes/{owner}", f"list the share codes of {user}'s servers")
        return [share_model(s, self.public_url) for s in shares], [code_model(c, self.public_url) for c in codes]

    # -- share codes -------------------------------------------------------------------------
    async def list_codes(self, user: str, name: str) -> list[dict[str, Any]]:
        """``GET /share-codes/{user}/{name}``: the server's unexpired codes (ids, never codes)."""
        label = f"list the share codes of {user}/{name or '(default)'}"
        return [code_model(c, self.public_url) for c in await self._pages(share_path("share-codes", user, name), label)]

    async def create_code(self, user: str, name: str, *, expires_in: int, scopes: list[str] | None) -> dict[str, Any]:
        """``POST /share-codes/{user}/{name}``: a new code and its accept link (for its maker)."""
        body: dict[str, Any] = {"expires_in": expires_in}
        if scopes:
            body["scopes"] = [f"{s}!server={user}/{name}" for s in scopes]
        response = await self.client.request("POST", share_path("share-codes", user, name), body=body)
        if response.status != 200 or not isinstance(response.body, dict) or not response.body.get("code"):
            raise self.error(response, f"make a share link for {user}/{name or '(default)'}")
        return new_code_model(response.body, self.public_url)

    async def revoke_code(self, user: str, name: str, code_id: str | None) -> None:
        """``DELETE /share-codes/{user}/{name}?id=sc_N``; every code of the server without an id."""
        params = {"id": code_id} if code_id else None
        response = await self.client.request("DELETE", share_path("share-codes", user, name), params=params)
        if response.status not in (200, 204):
            what = f"share link {code_id}" if code_id else "share links"
            raise self.error(response, f"revoke the {what} of {user}/{name or '(default)'}")

    # -- shared with the token's user --------------------------------------------------------
    async def shared_with(self, me: str) -> list[dict[str, Any]]:
        """``GET /users/{me}/shared``: servers others share with ``me`` (directly or through a
        group), each with its owner, status and link."""
        path = f"users/{quote(me, safe='')}/shared"
        return [share_model(s, self.public_url) for s in await self._pages(path, f"list the servers shared with {me}")]

    async def leave(self, me: str, owner: str, name: str) -> None:
        """``DELETE /users/{me}/shared/{owner}/{name}``: ``me`` gives up a share made to them."""
        path = f"users/{quote(me, safe='')}/shared/{quote(owner, safe='')}/{quote(name, safe='')}"
        response = await self.client.request("DELETE", path)
        if response.status not in (200, 204):
            raise self.error(response, f"leave the share of {owner}/{name or '(default)'}")
