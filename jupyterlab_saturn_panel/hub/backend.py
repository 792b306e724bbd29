"""The JupyterHub half of the status engine: servers as Resources, start/stop, progress.

It reads the token's scopes once (``GET /hub/api/user``). A token that may list users
(``list:users``) has the hub's active servers polled (``state=active``) plus its own user's, and
finds everyone else on demand (``search_users``, the hub's ``name_filter``); any other token, its
own user's servers. A server that is starting is followed
through the hub's progress stream (one stream per server, whoever watches); a server that is
stopping has no stream, so the engine polls quickly until the hub reports it stopped.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import StatusEngine
from ..errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PanelError,
    Unavailable,
    UpstreamBusy,
    UpstreamError,
    UpstreamTimeout,
)
from ..resources import Resource, hub_key, is_active
from ..validation import check_new_server_name
from .client import HubClient, StartOutcome
from .mapping import public_link, server_actions, server_models, server_resource, server_status
from .scopes import SCOPES_HINT, HubScopes
from .shares import SHARE_SCOPES, sharing_abilities
from .spawn_options import SpawnOptions
from .status_link import StatusServiceLink

#: How many users whose servers all stopped keep their rows (see ``_keep_users_gone_inactive``).
KEPT_USERS = 200

#: How long a stop we asked for outranks a hub model that still says running or pending.
STOP_MEMORY = 30.0

#: Progress streams followed at once for starts nobody asked for from this Lab (an admin's
#: panel during a class's mass start): each holds a hub connection for the whole spawn, so the
#: rest are read by the ordinary poll. Starts asked from this Lab and the own user's are always
#: followed.
MAX_WATCHED_STREAMS = 8

NOT_CONFIGURED_HINT = (
    "Set c.SaturnPanel.hub_api_url and c.SaturnPanel.hub_api_token. Inside a JupyterHub"
    " single-user server they default to $JUPYTERHUB_API_URL and $JUPYTERHUB_API_TOKEN."
)


def _reachable(configured: bool, contacted: bool, error: PanelError | None) -> bool | None:
    """True/False once we know whether the service answers; None before (or unconfigured)."""
    if not configured:
        return None
    if isinstance(error, (Unavailable, UpstreamTimeout)):
        return False
    return True if contacted or error is not None else None


def progress_event(line: str) -> dict[str, Any] | None:
    """The event of one line of the hub's progress stream (``data: {...}``), or None for
    keepalives, comments and anything else the hub may add."""
    if not line.startswith("data:"):
        return None
    try:
        event = json.loads(line[5:].strip())
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


@dataclass
class HubSettings:
    """The traits of ``c.SaturnPanel`` the hub backend uses."""

    public_url: str
    user: str
    poll_interval: float
    stopping_poll_interval: float
    accept_wait: float
    spawn_timeout: float
    #: The hub's own pages, e.g. "/hub/" (from the API URL's path), for the spawn-page link.
    hub_prefix: str = "/hub/"
    spawn_options: SpawnOptions | None = None
    #: c.SaturnPanel.hub_status_service: the hub service's URL or name; "" reads the hub itself.
    status_service: str = ""


class HubBackend:
    """JupyterHub servers for the status engine."""

    name = "hub"
    min_interval = 0.5

    def __init__(self, client: HubClient | None, settings: HubSettings, engine: StatusEngine) -> None:
        self.client = client
        self.settings = settings
        self.engine = engine
        self.configured = client is not None
        self.identity: dict[str, Any] | None = None
        self.scopes = HubScopes(())
        # Per server key: the latest progress event while it starts, a sticky error after a
        # failed start (the hub itself then just reports the server stopped), and when we asked
        # for a stop: until the hub reports it stopped, the server is "stopping" whatever the
        # hub's model or the cancelled start's progress stream say (JupyterHub 6.1.1 ends that
        # stream with ready: true, and its model says ready for a moment after the stop).
        self._progress: dict[str, dict[str, Any]] = {}
        self._errors: dict[str, str] = {}
        self._stop_asked: dict[str, float] = {}
        self._following: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Future[Any]] = set()
        # Users not in the active list whose rows we keep (their last read model), oldest first.
        self._kept: dict[str, dict[str, Any]] = {}
        self.status_link: StatusServiceLink | None = None
        if client is not None and settings.status_service:
            self.status_link = StatusServiceLink(
                settings.status_service,
                client,
                client.auth_token(),
                request_timeout=client.request_timeout,
                # Kept while the engine reads (a watched panel reads every poll_interval).
                idle_after=max(30.0, 3 * settings.poll_interval),
                on_change=lambda: engine.poke("hub"),
                on_progress=self._on_progress_event,
                log=engine.log,
            )

    # -- identity and abilities ----------------------------------------------------------------
    def require_client(self) -> HubClient:
        """The hub client; a 503 that says how to configure it when there is none."""
        if self.client is None:
            raise Unavailable("JupyterHub is not configured.", hint=NOT_CONFIGURED_HINT)
        return self.client

    async def identify(self) -> dict[str, Any]:
        """Who the token is and its scopes; asked once, then remembered."""
        if self.identity is None:
            identity = await self.require_client().whoami()
            self.scopes = HubScopes.of_identity(identity)
            self.identity = identity
        return self.identity

    @property
    def own_user(self) -> str | None:
        """The user whose servers we show when we may not list everyone."""
        if self.identity and self.identity.get("kind") == "user":
            return str(self.identity.get("name"))
        return self.settings.user or None

    @property
    def can_list_all(self) -> bool:
        return self.scopes.allows_any("list:users")

    def missing_scopes(self) -> list[str]:
        if self.identity is None:
            return []
        user = self.own_user
        if user and not self.can_list_all:
            return self.scopes.missing_for_own_servers(user)
        return [s for s in ("read:servers", "start:servers", "delete:servers") if not self.scopes.allows_any(s)]

    def require(self, scope: str, user: str, name: str, doing: str) -> None:
        """403 with the fix when the token surely lacks ``scope`` for this server; where the panel
        cannot tell (a ``!group=`` filter, the user's groups unread) the hub is asked and judges."""
        if not self.scopes.allows(scope, user=user, server=name):
            raise Forbidden(self.scopes.refusal(scope, user, name, doing), hint=SCOPES_HINT)

    def describe(self, error: PanelError | None) -> dict[str, Any]:
        identity = self.identity or {}
        message = error.message if error else None
        hint = error.hint if error else None
        missing = self.missing_scopes()
        if not self.configured:
            message, hint = "JupyterHub is not configured.", NOT_CONFIGURED_HINT
        elif error is None and missing:
            message = "The JupyterHub token lacks scopes: " + ", ".join(missing) + "."
            hint = SCOPES_HINT
        # JupyterHub 5+ shares (issue 20): what the token may share, and how to turn it on.
        sharing = sharing_abilities(self.scopes, self.own_user) if identity else sharing_abilities(HubScopes(()), None)
        return {
            "configured": self.configured,
            "reachable": _reachable(self.configured, bool(identity), error),
            "user": self.own_user if identity else None,
            "kind": identity.get("kind"),
            "publicUrl": self.settings.public_url or None,
            "spawnOptions": self.settings.spawn_options.describe() if self.settings.spawn_options else None,
            "abilities": {
                "listAllUsers": self.can_list_all,
                "start": self.scopes.allows_any("start:servers"),
                "stop": self.scopes.allows_any("delete:servers"),
                "delete": self.scopes.allows_any("delete:servers"),
                "share": sharing["share"],
                "shareWithNames": sharing["shareWithNames"],
                "shareWithUsers": sharing["shareWithUsers"],
                "shareWithGroups": sharing["shareWithGroups"],
            },
            "shareScopes": list(SHARE_SCOPES) if sharing["share"] else [],
            "sharingHint": sharing["sharingHint"] if identity else None,
            "missingScopes": missing,
            "message": message,
            "hint": hint,
            "statusService": self.status_link.describe() if self.status_link else None,
        }

    # -- reading state -------------------------------------------------------------------------
    def poll_delay(self) -> float:
        """Quick while a stop asked from this Lab has not ended (the hub has no stop stream) or a
        start asked here has no progress stream; the ordinary interval otherwise, however many
        servers other people start or stop."""
        busy = any(
            r["backend"] == "hub"
            and self._mine(r["key"], r["owner"])
            and (r["status"] == "stopping" or (r["status"] == "pending" and r["key"] not in self._following))
            for r in self.engine.resources.values()
        )
        return self.settings.stopping_poll_interval if busy else self.settings.poll_interval

    def _mine(self, key: str, user: str) -> bool:
        """A server whose changes this Lab's user waits for: asked from here, or their own."""
        return key in self._stop_asked or self.engine.is_followed(key) or user == self.own_user

    def _via_service(self) -> bool:
        """The hub's servers come from the hub service (which follows every start's progress)."""
        return self.status_link is not None and self.status_link.connected

    def _should_follow(self, key: str, user: str) -> bool:
        """Follow a pending server's progress stream: always for the servers of ``_mine``, and
        for others while a panel shows them, up to ``MAX_WATCHED_STREAMS`` streams (none while
        the hub service follows them for every panel)."""
        if self._via_service():
            return False
        if self._mine(key, user):
            return True
        others = sum(1 for k in self._following if not self.engine.is_followed(k))
        return self.engine.watched and others < MAX_WATCHED_STREAMS

    async def refresh(self) -> list[Resource]:
        """The servers to show: a token that may list users reads, at each poll, only the users
        with a server running or starting (``state=active``, as the hub's admin page filters)
        and its own user; everyone else is found on demand (``search_users``). Listing all
        users every poll cost a hub with 5,000 users 20x its idle CPU (issue 11)."""
        await self.identify()
        client = self.require_client()
        link = self.status_link
        if link is not None:
            link.want()
            await link.wait_connected(1.0)  # a panel just shown: its first view, not a hub read
            if link.connected and link.hub_failure:
                # The service cannot read the hub either: the rows are the last known, as when
                # the panel reads the hub itself and it fails.
                raise Unavailable(f"JupyterHub cannot be read (the hub service says: {link.hub_failure})")
            if link.connected:
                own = self.own_user
                viewed: list[Resource] = []
                for user_model in link.users():
                    if self.can_list_all or user_model.get("name") == own:
                        viewed.extend(self._user_resources(user_model))
                return viewed
        if self.can_list_all:
            models = {str(u.get("name", "")): u for u in await client.list_users(state="active")}
            for user in models:
                self._kept.pop(user, None)  # active users are read at every poll anyway
            own = self.own_user
            if own and own not in models:
                models[own] = await client.get_user(own)
            await self._keep_users_gone_inactive(client, models)
            users = list(models.values()) + [m for u, m in self._kept.items() if u not in models]
        elif self.own_user:
            users = [await client.get_user(self.own_user)]
        else:
            raise Forbidden(
                "The JupyterHub token belongs to a service that may not list users.",
                hint="Give the service's role the list:users, read:servers and servers scopes,"
                " or set c.SaturnPanel.hub_user to the user whose servers to show.",
            )
        resources: list[Resource] = []
        for user_model in users:
            resources.extend(self._user_resources(user_model))
        return resources

    async def _keep_users_gone_inactive(self, client: HubClient, active: dict[str, Any]) -> None:
        """A user shown until now whose servers all stopped leaves the active list: read them
        once, so their rows say stopped instead of vanishing, then keep that model (a later start
        brings them back to the active list). At most ``KEPT_USERS``, the oldest dropped."""
        shown = {r["owner"] for r in self.engine.resources.values() if r["backend"] == "hub"}
        for user in sorted(shown - active.keys() - self._kept.keys()):
            try:
                self._kept[user] = await client.get_user(user)
            except NotFound:
                continue  # deleted from the hub: their rows go
        while len(self._kept) > KEPT_USERS:
            del self._kept[next(iter(self._kept))]

    async def search_users(self, text: str, *, offset: int, limit: int) -> dict[str, Any]:
        """Users whose name contains ``text`` (the hub's ``name_filter``), one page, each with
        their servers as Resources: how the panel finds the users it does not poll. A token that
        may not list users finds its own user only."""
        await self.identify()
        client = self.require_client()
        if self.can_list_all:
            models, next_offset, total = await client.users_page(offset=offset, limit=limit, name_filter=text or None)
        else:
            own = self.own_user
            found = own is not None and text.lower() in own.lower() and offset == 0
            models = [await client.get_user(own)] if found and own else []
            next_offset, total = None, len(models)
        return {
            "users": [{"name": str(model.get("name", "")), "servers": self._user_resources(model)} for model in models],
            "next": next_offset,
            "total": total,
        }

    def _user_resources(self, user_model: dict[str, Any]) -> list[Resource]:
        """One user's servers as Resources; a server found starting gets its progress followed."""
        user = str(user_model.get("name", ""))
        self.scopes.learn_groups(user_model)  # for the token's !group= filters
        resources = []
        for name, model in server_models(user_model).items():
            resource = self._resource(user, name, model)
            resources.append(resource)
            key = resource["key"]
            if resource["status"] == "pending" and key not in self._following and self._should_follow(key, user):
                self._follow(user, name)
        return resources

    def _resource(self, user: str, name: str, model: dict[str, Any] | None) -> Resource:
        """Map a server model, first updating what the backend remembers of its start."""
        key = hub_key(user, name)
        status = server_status(model)
        asked = self._stop_asked.get(key)
        if asked is not None and (status == "stopped" or time.monotonic() - asked > STOP_MEMORY):
            del self._stop_asked[key]  # the hub has caught up with the stop (or lost it)
            asked = None
        if is_active(status) and asked is None:
            self._errors.pop(key, None)  # a new start makes an old failure history
        if status != "pending":
            self._progress.pop(key, None)
        return server_resource(
            user,
            name,
            model,
            public_url=self.settings.public_url,
            hub_prefix=self.settings.hub_prefix,
            spawn_options=self.settings.spawn_options,
            scopes=self.scopes,
            progress=self._progress.get(key),
            failure=self._errors.get(key),
            stopping=asked is not None,
        )

    async def reread_user(self, user: str, *, doing: str | None = None) -> None:
        """Re-read one user's servers for an action and put them in the state at once (through
        the hub service when it is used: every panel then sees the change at once, and this
        panel's view holds no model older than this read)."""
        model: dict[str, Any] | None = None
        if self._via_service() and self.status_link is not None:
            try:
                model = await self.status_link.refresh_user(user)
            except PanelError as exc:
                self.engine.log.info("Reading %s through the hub service failed: %s", user, exc.message)
        if model is None:
            model = await self.require_client().get_user(user, doing=doing)
        # Kept only while nothing of theirs runs, starts or stops: a user in motion is in the
        # active list, and a model read mid-start must not stand for them once they stop.
        if any(is_active(server_status(m)) for m in server_models(model).values()):
            self._kept.pop(user, None)
        else:
            self._kept[user] = model
        fresh = self._user_resources(model)
        keys = {r["key"] for r in fresh}
        for key, resource in list(self.engine.resources.items()):
            if resource["backend"] == "hub" and resource["owner"] == user and key not in keys:
                self.engine.remove(key)
        for resource in fresh:
            self.engine.upsert(resource)

    def _current(self, user: str, name: str) -> Resource | None:
        return self.engine.resources.get(hub_key(user, name))

    # -- progress ------------------------------------------------------------------------------
    def _follow(self, user: str, name: str) -> None:
        key = hub_key(user, name)
        if self._via_service():
            return  # the hub service follows it, once for every panel
        if key not in self._following:
            self._following[key] = asyncio.ensure_future(self._follow_progress(user, name))

    async def _follow_progress(self, user: str, name: str) -> None:
        key = hub_key(user, name)

        def on_line(line: str) -> None:
            event = progress_event(line)
            if event is not None:
                self._on_progress_event(user, name, event)

        outcome = "ended"
        try:
            await self.require_client().follow_progress(user, name, on_line, timeout=self.settings.spawn_timeout)
        except PanelError as exc:
            outcome = exc.message
            self.engine.log.info("Progress of %s ended: %s", key, exc.message)
        finally:
            self._following.pop(key, None)
        if key in self._progress and key not in self._stop_asked:
            # The stream ended with neither "ready" nor "failed" (a hub restarted mid-spawn, a
            # cut connection): if the next read says stopped, say the start was lost.
            self._errors[key] = (
                "The start did not finish: JupyterHub stopped reporting it (it may have"
                f" restarted; {outcome}). Start it again."
            )
        self.engine.poke("hub")

    def _on_progress_event(self, user: str, name: str, event: dict[str, Any]) -> None:
        key = hub_key(user, name)
        current = self._current(user, name)
        if key in self._stop_asked:
            return  # events of a start we have since asked to stop tell nothing new
        if current is None:
            # The hub service's view may bring a start's progress before its row: kept for it.
            if not event.get("ready") and not event.get("failed") and isinstance(event.get("progress"), (int, float)):
                self._progress[key] = {"progress": event["progress"], "message": event.get("message")}
            return
        updated = dict(current)
        if event.get("failed"):
            message = str(event.get("message") or "Spawn failed")
            self._errors[key] = message
            self._progress.pop(key, None)
            updated.update(status="error", progress=None, message=message, url=None)
        elif event.get("ready"):
            self._progress.pop(key, None)
            url = public_link(self.settings.public_url, event.get("url")) or current["url"]
            updated.update(status="running", progress=None, message=None, url=url)
        else:
            progress = event.get("progress")
            self._progress[key] = {
                "progress": progress if isinstance(progress, (int, float)) else 0,
                "message": event.get("message"),
            }
            updated.update(
                status="pending",
                progress=int(self._progress[key]["progress"]),
                message=event.get("message") or current.get("message"),
            )
        updated["actions"] = server_actions(self.scopes, user, name, updated["status"], updated["url"])
        self.engine.upsert(updated)

    async def relay_progress(self, user: str, name: str, on_line: Callable[[str], None]) -> None:
        """Pass the hub's progress stream of one server on, line by line, as it comes.

        Raises ``StreamAborted`` from ``on_line`` to stop early, a ``PanelError`` when the token
        may not read the server or the hub refuses the stream.
        """
        await self.identify()
        self.require("read:servers", user, name, "read")
        await self.require_client().follow_progress(user, name, on_line, timeout=self.settings.spawn_timeout)

    # -- actions -------------------------------------------------------------------------------
    async def _settle(self, call: asyncio.Future[Any]) -> tuple[bool, Any]:
        """Wait briefly for the hub's answer, which does not come while it spawns or stops.

        The hub answers a start only after ``slow_spawn_timeout`` (10 s by default); the contract
        answers at once, and bad input is refused by the hub straight away, so a short wait tells
        the two apart. A late answer is handled by ``_late``. Returns (answered, result); the
        hub's refusal is raised as its ``PanelError``.
        """
        done, _ = await asyncio.wait({call}, timeout=self.settings.accept_wait)
        if call in done:
            return True, call.result()
        self._background.add(call)
        return False, None

    async def start(
        self,
        user: str,
        name: str,
        *,
        user_options: dict[str, Any] | None = None,
        display_name: str | None = None,
    ) -> Resource:
        """Start (or create and start) a server; answers once the hub has accepted it."""
        await self.identify()
        self.require("start:servers", user, name, "start")
        key = hub_key(user, name)
        current = self._current(user, name)
        if current is None and name:
            # JupyterHub 6's naming rules are for new servers only: a server created under older
            # rules ("My Server", "Dev_Box") is started by the name the hub lists it under.
            await self.reread_user(user, doing=f"start {user}/{name}")
            current = self._current(user, name)
            if current is None:
                check_new_server_name(name)
        if current and current["status"] == "stopping":
            raise Conflict(f"{user}/{name or '(default)'} is stopping; start it once it has stopped.")
        self._errors.pop(key, None)
        self._stop_asked.pop(key, None)
        self.engine.follow(key)
        label = f"{user}/{name or '(default)'}"
        call: asyncio.Future[StartOutcome] = asyncio.ensure_future(
            self.require_client().start_server(user, name, user_options=user_options, display_name=display_name)
        )
        call.add_done_callback(lambda f: self._late(f, user, name, "start"))
        failure: PanelError | None = None
        try:
            await self._settle(call)
        except PanelError as exc:
            if isinstance(exc, Forbidden) and exc.hint is None:
                exc.hint = SCOPES_HINT
            failure = exc
        await self.reread_user(user, doing=f"start {label}")
        resource = self._current(user, name)
        if failure is not None:
            # A hub may answer 5xx (or time out) while the spawn goes on (build-notes.md): trust
            # the server model we just re-read over the error.
            if resource and resource["status"] in ("pending", "running"):
                if resource["status"] == "pending":
                    self._follow(user, name)
                return resource
            if failure.status >= 500:
                # The spawn failed at once and the POST's answer is the hub's own 500: the
                # spawner's words are in the progress stream of the failed server.
                spawner = await self._failed_spawn_message(user, name)
                if spawner:
                    self._errors[key] = spawner
                    await self.reread_user(user, doing=f"start {label}")
                    raise UpstreamError(f"JupyterHub could not start {label}: {spawner}", detail=failure.message)
            raise failure
        if resource is None:
            raise NotFound(f"JupyterHub has no server {user}/{name}.")
        if resource["status"] == "pending":
            self._follow(user, name)
        return resource

    async def stop(self, user: str, name: str, *, remove: bool = False) -> Resource:
        """Stop a server (``remove``: and delete the named server); answers once accepted."""
        if remove and name == "":
            raise BadRequest("The default server cannot be deleted, only stopped.")
        await self.identify()
        self.require("delete:servers", user, name, "stop or delete")
        key = hub_key(user, name)
        label = f"{user}/{name or '(default)'}"
        self._errors.pop(key, None)
        before = self._current(user, name)
        self._stop_asked[key] = time.monotonic()
        self.engine.follow(key)
        self._progress.pop(key, None)
        call = asyncio.ensure_future(self.require_client().stop_server(user, name, remove=remove))
        call.add_done_callback(lambda f: self._late(f, user, name, "stop"))
        try:
            await self._settle(call)
        except NotFound:
            self._stop_asked.pop(key, None)
            if remove or name != "":
                raise
            # a default server that never existed is stopped already
        except PanelError:
            self._stop_asked.pop(key, None)
            raise
        await self.reread_user(user, doing=f"stop {label}")
        resource = self._current(user, name)
        if resource is None:  # removed: answer with what it was, now gone
            base = before or server_resource(
                user,
                name,
                None,
                public_url=self.settings.public_url,
                hub_prefix=self.settings.hub_prefix,
                spawn_options=self.settings.spawn_options,
                scopes=self.scopes,
            )
            return {**base, "status": "stopped", "progress": None, "url": None, "actions": []}
        if resource["status"] == "stopping":
            self.engine.poke("hub")
        return resource

    def _late(self, call: asyncio.Future[Any], user: str, name: str, action: str) -> None:
        """Handle a hub answer that came after we had already answered the browser."""
        if call not in self._background:
            return
        self._background.discard(call)
        if call.cancelled():
            return
        exc = call.exception()
        if exc is not None:
            text = exc.message if isinstance(exc, PanelError) else str(exc)
            self.engine.log.info("Late hub answer to %s %s/%s: %s", action, user, name, text)
            # The hub refused the start itself (4xx): remember why. A 5xx or a time-out may hide a
            # spawn that goes on; the next read of the server model tells.
            refused = isinstance(exc, PanelError) and (exc.status < 500 or isinstance(exc, UpstreamBusy))
            key = hub_key(user, name)
            if action == "start" and refused and key not in self._stop_asked:
                self._errors[key] = f"Start failed: {text}"
            if action == "stop":
                self._stop_asked.pop(key, None)  # the stop was refused: the hub's model rules again
        self.engine.poke("hub")

    async def _failed_spawn_message(self, user: str, name: str) -> str | None:
        """The spawner's own message of a start that failed, from the hub's progress stream (the
        hub answers a stopped server's progress with one ``failed`` event, then ends it)."""
        found: list[str] = []

        def on_line(line: str) -> None:
            event = progress_event(line)
            if event is not None and event.get("failed") and event.get("message"):
                found.append(str(event["message"]))

        try:
            await self.require_client().follow_progress(user, name, on_line, timeout=self.settings.accept_wait + 5.0)
        except PanelError:
            return None
        return found[0] if found else None

    async def close(self) -> None:
        for task in list(self._following.values()) + list(self._background):
            task.cancel()
        if self.status_link is not None:
            await self.status_link.close()
        if self.client is not None:
            await self.client.aclose()
