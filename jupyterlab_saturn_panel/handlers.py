"""The REST routes of ``{base_url}saturn-panel/`` (docs/rest-api.md): thin, validated, typed.

Handlers validate what a request carries, call the status engine or a backend, and raise; the base
class turns every ``PanelError`` into the contract's ``{"message"}`` with its status. They hold no
state of their own.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.iostream import StreamClosedError

from .engine import StatusEngine, Subscription
from .errors import BadRequest, Forbidden, NotFound, PanelError
from .hub.backend import HubBackend
from .hub.shares import HubShares, check_code_body, check_code_id, check_share_body, check_share_target
from .saturn.backend import SaturnBackend
from .saturn.notebook_jobs import NotebookJobRequest, output_path
from .saturn.notebook_output import error_cell
from .saturn.schedules import TIMEZONE, check_schedule, next_runs
from .upstream import StreamAborted
from .validation import (
    MAX_JSON_DEPTH,
    check_display_name,
    check_folder,
    check_hub_user,
    check_json_depth,
    check_recipe,
    check_run_name,
    check_saturn_id,
    check_saturn_user,
    check_server_name,
    check_since,
    check_user_search,
)

NAMESPACE = "saturn-panel"
KEEPALIVE_SECONDS = 15.0
#: How long a new ``events`` stream waits for a refresh before its snapshot: long enough for a
#: first tab to get fresh data from a healthy upstream, short enough that a hung one (up to
#: request_timeout) delays nothing; what comes later arrives as events.
SNAPSHOT_WAIT_SECONDS = 1.0
#: Notebooks larger than this are not shipped inside a recipe (config_files) but need git.
MAX_SHIPPED_NOTEBOOK = 5 * 1024 * 1024


class SaturnPanelHandler(APIHandler):
    """Base handler: the engine, JSON bodies, and the one place that writes errors."""

    auth_resource = "saturn_panel"

    async def prepare(self) -> None:  # type: ignore[override]
        prepared = super().prepare()
        if prepared is not None:
            await prepared
        self.check_owner()

    def check_owner(self) -> None:
        """On a JupyterHub server, only its owner acts through the panel: it holds the owner's hub
        and Saturn tokens, and a user the server is shared with (or an admin) must not start, stop
        or read with them (``c.SaturnPanel.allow_shared_access`` widens this)."""
        owner = self.settings.get("saturn_panel_owner")
        if not owner or self.settings.get("saturn_panel_allow_shared"):
            return
        user = self.current_user
        if user is None:
            return  # not logged in: the route's @web.authenticated answers
        name = getattr(user, "username", None)
        if name != owner:
            raise Forbidden(
                f"This panel acts with {owner}'s JupyterHub and Saturn Cloud credentials, so only"
                f" {owner} may use it; {name} reached {owner}'s server through a share or an"
                " admin's access.",
                hint=f"{owner} can let the people they share the server with use the panel with"
                " c.SaturnPanel.allow_shared_access = True.",
            )

    @property
    def engine(self) -> StatusEngine:
        return self.settings["saturn_panel_engine"]  # type: ignore[no-any-return]

    @property
    def hub(self) -> HubBackend:
        return self.settings["saturn_panel_hub"]  # type: ignore[no-any-return]

    @property
    def saturn(self) -> SaturnBackend:
        return self.settings["saturn_panel_saturn"]  # type: ignore[no-any-return]

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; an empty body is ``{}``; anything else is a 400."""
        raw = self.request.body
        if not raw or not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise BadRequest("The request body is not valid JSON.") from None
        except RecursionError:  # nested deeper than Python's stack: was a 500
            raise BadRequest(f"The request body nests more than {MAX_JSON_DEPTH} levels deep.") from None
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object.")
        return check_json_depth(body)

    def finish_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def _handle_request_exception(self, e: BaseException) -> None:
        # A PanelError is the contract's answer, not a server fault: send its status and message.
        if isinstance(e, PanelError):
            self.log.info("%s %s -> %s: %s", self.request.method, self.request.path, e.status, e.message)
            if not self._finished:
                self.send_error(e.status, exc_info=sys.exc_info())
            return
        super()._handle_request_exception(e)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error is JSON ``{"message": ...}`` (plus ``hint`` when there is a fix to name)."""
        exc_info = kwargs.get("exc_info")
        exc = exc_info[1] if exc_info else None
        self.set_header("Content-Type", "application/json")
        if isinstance(exc, PanelError):
            body = exc.to_json()
        elif isinstance(exc, web.HTTPError) and exc.log_message:
            body = {"message": exc.log_message % exc.args if exc.args else exc.log_message}
        else:
            body = {"message": self._reason}
        self.finish(json.dumps(body))


class ConfigHandler(SaturnPanelHandler):
    """``GET config``: which backends are configured and reachable, as whom; never a secret.

    Every Lab tab asks it when it loads, panel shown or not: only a backend never read since the
    server started is read for it."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        await self.engine.ensure_fresh(only_unread=True)
        self.finish_json(self.engine.config())


class RefreshHandler(SaturnPanelHandler):
    """``POST refresh``: read the backends again now (the panel's Retry); answers ``config``.

    Body optional ``{"backend": "hub" | "saturn"}``; without it, every configured backend.
    Saturn's minimum interval still holds: a Retry right after a read waits for it.
    """

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        unknown = set(body) - {"backend"}
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        backend = body.get("backend")
        if backend is not None and (not isinstance(backend, str) or backend not in self.engine.runners):
            raise BadRequest(f"backend must be one of {', '.join(sorted(self.engine.runners))}.")
        self.engine.attend()  # whoever asks to read again is looking
        await self.engine.refresh_now([backend] if backend else list(self.engine.runners))
        self.finish_json(self.engine.config())


class ResourcesHandler(SaturnPanelHandler):
    """``GET resources[?since=SEQ&epoch=EPOCH][&watching=1]``: everything the panel shows, or
    what changed since a tab's sequence number (docs/rest-api.md, "Live updates").

    Without ``since`` and ``watching`` (a script) the backends are brought up to date first.
    ``since`` alone (a tab told of a change) reads nothing upstream. ``watching=1`` (a tab that
    shows the panel, every 20 s) renews the attention lease that keeps the backends read, and
    waits up to a second for a stale backend's read."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        since, epoch, watching = check_since(
            self.get_query_argument("since", None),
            self.get_query_argument("epoch", None),
            self.get_query_argument("watching", "0"),
        )
        if watching:
            self.engine.attend()
            fresh = asyncio.ensure_future(self.engine.ensure_fresh())
            # A hung upstream (up to request_timeout) delays no tab: what comes later is noticed.
            await asyncio.wait({fresh}, timeout=SNAPSHOT_WAIT_SECONDS)
        elif since is None:
            await self.engine.ensure_fresh()
        self.finish_json(self.engine.changes_since(since, epoch))


class EventsHandler(SaturnPanelHandler):
    """``GET events``: snapshot, backends, then every change, as text/event-stream."""

    subscription: Subscription | None = None

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")  # a proxy in front must not buffer the stream
        fresh = asyncio.ensure_future(self.engine.ensure_fresh())
        try:
            self.write(": connected\n\n")  # the first byte at once, whatever upstream does
            await self.flush()
            await asyncio.wait({fresh}, timeout=SNAPSHOT_WAIT_SECONDS)
        except StreamClosedError:
            return
        # Subscribe and take the snapshot with no await in between: every later change reaches
        # this tab exactly once, as an event after the snapshot.
        self.subscription = subscription = self.engine.subscribe()
        try:
            await self._send_snapshot()
            while True:
                try:
                    event, payload = await asyncio.wait_for(subscription.queue.get(), timeout=KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    self.write(": keepalive\n\n")
                    await self.flush()
                    continue
                if event == "close":
                    break
                if event == "resync":  # this tab fell behind: a snapshot replaces what it missed
                    subscription.resync = False
                    await self._send_snapshot()
                    continue
                await self._send(event, payload)
        except StreamClosedError:
            return
        finally:
            self.engine.unsubscribe(subscription)
        if not self.request.connection.stream.closed():  # type: ignore[union-attr]
            self.finish()

    async def _send_snapshot(self) -> None:
        # Taken with no await before it, so no change falls between it and the next event.
        snapshot, config = self.engine.snapshot(), self.engine.config()
        self.write(f"event: snapshot\ndata: {json.dumps({'resources': snapshot})}\n\n")
        self.write(f"event: backends\ndata: {json.dumps(config)}\n\n")
        await self.flush()

    async def _send(self, event: str, payload: Any) -> None:
        self.write(f"event: {event}\ndata: {json.dumps(payload)}\n\n")
        await self.flush()

    def on_connection_close(self) -> None:
        # Wake the waiting loop so the subscription ends now, not at the next keepalive.
        if self.subscription is not None:
            self.subscription.close()


class HubServerHandler(SaturnPanelHandler):
    """``POST``/``DELETE hub/servers/{user}/{name}``: start, stop, delete a hub server."""

    @web.authenticated
    @authorized
    async def post(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        body = self.json_body()
        unknown = set(body) - {"userOptions", "displayName"}
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        options = body.get("userOptions")
        if options is not None and not isinstance(options, dict):
            raise BadRequest("userOptions must be a JSON object.")
        display = body.get("displayName")
        if display is not None:
            display = check_display_name(display)
        resource = await self.hub.start(user, name, user_options=options, display_name=display)
        self.finish_json(resource, status=202)

    @web.authenticated
    @authorized
    async def delete(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        remove = self.get_query_argument("remove", "0")
        if remove not in ("0", "1", "true", "false"):
            raise BadRequest("remove must be 1 or 0.")
        resource = await self.hub.stop(user, name, remove=remove in ("1", "true"))
        self.finish_json(resource, status=202)


class HubUsersHandler(SaturnPanelHandler):
    """``GET hub/users?search=TEXT&offset=0&limit=50``: a page of the users whose name contains
    TEXT, with their servers; how the panel finds users whose servers are not running."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        text, offset, limit = check_user_search(
            self.get_query_argument("search", ""),
            self.get_query_argument("offset", "0"),
            self.get_query_argument("limit", "50"),
        )
        self.finish_json(await self.hub.search_users(text, offset=offset, limit=limit))


class HubProgressHandler(SaturnPanelHandler):
    """``GET hub/servers/{user}/{name}/progress``: the hub's progress stream, relayed as it comes."""

    _gone = False

    @web.authenticated
    @authorized
    async def get(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        self._flushes: set[asyncio.Future[None]] = set()

        def on_line(line: str) -> None:
            if self._gone:
                raise StreamAborted()
            if not self._headers_written:
                self.set_header("Content-Type", "text/event-stream; charset=utf-8")
                self.set_header("Cache-Control", "no-cache")
                self.set_header("X-Accel-Buffering", "no")
            self.write(line + "\n")
            if line == "":  # an event (or a keepalive) is complete: pass it on now
                flush = asyncio.ensure_future(self._flush_quietly())
                self._flushes.add(flush)  # keep a reference until it is done
                flush.add_done_callback(self._flushes.discard)

        try:
            await self.hub.relay_progress(user, name, on_line)
        except StreamAborted:
            return
        if not self._gone:
            self.finish()

    async def _flush_quietly(self) -> None:
        try:
            await self.flush()
        except StreamClosedError:
            self._gone = True

    def on_connection_close(self) -> None:
        self._gone = True


class _HubSharesBase(SaturnPanelHandler):
    """The hub's shares (issue 20), through the panel's hub token; the hub judges every scope."""

    async def shares(self) -> HubShares:
        client = self.hub.require_client()
        await self.hub.identify()
        return HubShares(client, self.hub.settings.public_url)

    def flag(self, name: str) -> bool:
        value = self.get_query_argument(name, "0")
        if value not in ("0", "1", "true", "false"):
            raise BadRequest(f"{name} must be 1 or 0.")
        return value in ("1", "true")


class HubServerSharesHandler(_HubSharesBase):
    """``GET``/``POST``/``DELETE hub/servers/{user}/{name}/shares``: who a server is shared with,
    share it with a user or a group, revoke a share (``?withUser=`` / ``?withGroup=``) or all
    (``?all=1``)."""

    @web.authenticated
    @authorized
    async def get(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        shares = await self.shares()
        self.finish_json({"shares": await shares.list_shares(user, name)})

    @web.authenticated
    @authorized
    async def post(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        with_user, with_group, scopes = check_share_body(self.json_body())
        shares = await self.shares()
        share = await shares.share(user, name, with_user=with_user, with_group=with_group, scopes=scopes)
        self.finish_json(share)

    @web.authenticated
    @authorized
    async def delete(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        with_user = self.get_query_argument("withUser", None)
        with_group = self.get_query_argument("withGroup", None)
        every = self.flag("all")
        if sum((with_user is not None, with_group is not None, every)) != 1:
            raise BadRequest("Name exactly one of ?withUser=NAME, ?withGroup=NAME or ?all=1.")
        if with_user is not None:
            check_share_target(with_user, "user")
        if with_group is not None:
            check_share_target(with_group, "group")
        shares = await self.shares()
        await shares.revoke(user, name, with_user=with_user, with_group=with_group)
        self.finish_json({"shares": await shares.list_shares(user, name)})


class HubServerShareCodesHandler(_HubSharesBase):
    """``GET``/``POST``/``DELETE hub/servers/{user}/{name}/share-codes``: a server's share links
    (ids, never codes), make one (the code and accept link only in that answer), revoke one
    (``?id=sc_N``) or all (``?all=1``)."""

    @web.authenticated
    @authorized
    async def get(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        shares = await self.shares()
        self.finish_json({"codes": await shares.list_codes(user, name)})

    @web.authenticated
    @authorized
    async def post(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        expires_in, scopes = check_code_body(self.json_body())
        shares = await self.shares()
        code = await shares.create_code(user, name, expires_in=expires_in, scopes=scopes)
        self.set_header("Cache-Control", "no-store")  # the code is a secret
        self.finish_json(code, status=201)

    @web.authenticated
    @authorized
    async def delete(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        code_id = self.get_query_argument("id", None)
        every = self.flag("all")
        if (code_id is None) == (not every):
            raise BadRequest("Name exactly one of ?id=sc_N or ?all=1.")
        shares = await self.shares()
        await shares.revoke_code(user, name, check_code_id(code_id) if code_id is not None else None)
        self.finish_json({"codes": await shares.list_codes(user, name)})


class HubOwnerSharesHandler(_HubSharesBase):
    """``GET hub/shares/{user}``: the shares and share links of every server of ``user``."""

    @web.authenticated
    @authorized
    async def get(self, user: str) -> None:
        check_hub_user(user)
        shares = await self.shares()
        listed, codes = await shares.list_owner_shares(user)
        self.finish_json({"shares": listed, "codes": codes})


class HubSharedWithMeHandler(_HubSharesBase):
    """``GET hub/shared``: the servers others share with the token's user."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        shares = await self.shares()
        me = self.hub.own_user
        self.finish_json({"user": me, "shared": await shares.shared_with(me) if me else []})


class HubLeaveShareHandler(_HubSharesBase):
    """``DELETE hub/shared/{user}/{name}``: the token's user leaves a share made to them."""

    @web.authenticated
    @authorized
    async def delete(self, user: str, name: str) -> None:
        check_hub_user(user)
        check_server_name(name)
        shares = await self.shares()
        me = self.hub.own_user
        if not me:
            raise BadRequest("The JupyterHub token is not a user's: it has no shares to leave.")
        await shares.leave(me, user, name)
        self.finish_json({"user": me, "shared": await shares.shared_with(me)})


class SaturnWorkspaceHandler(SaturnPanelHandler):
    """``POST saturn/workspaces/{id}/start`` and ``/stop``."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str, action: str) -> None:
        check_saturn_id(resource_id)
        resource = await self.saturn.workspace_action(resource_id, action)
        self.finish_json(resource, status=202)


class SaturnDeploymentHandler(SaturnPanelHandler):
    """``POST saturn/deployments/{id}/start``, ``/stop`` and ``/restart``."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str, action: str) -> None:
        check_saturn_id(resource_id)
        resource = await self.saturn.deployment_action(resource_id, action)
        self.finish_json(resource, status=202)


class SaturnDeploymentLogsHandler(SaturnPanelHandler):
    """``GET saturn/deployments/{id}/logs[?since=N]``: the running deployment's log lines (from
    line N), in the shape of a job run's logs."""

    @web.authenticated
    @authorized
    async def get(self, resource_id: str) -> None:
        check_saturn_id(resource_id)
        since = self.get_query_argument("since", "0")
        if not (since.isascii() and since.isdigit() and len(since) <= 18):
            raise BadRequest("since must be a line number (0 or more).")
        self.finish_json(await self.saturn.deployment_logs(resource_id, int(since)))


class SaturnRecipesHandler(SaturnPanelHandler):
    """``POST saturn/recipes``: ``{"recipe": {...}}`` or ``{"recipe": {...}, "user": "name"}``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        unknown = set(body) - {"recipe", "user"}
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        if "recipe" not in body:
            raise BadRequest("recipe is required.")
        recipe = check_recipe(body["recipe"])
        user = check_saturn_user(body["user"]) if body.get("user") is not None else None
        created = await self.saturn.create_from_recipe(recipe, user)
        self.finish_json(created, status=201)


class SaturnJobStartHandler(SaturnPanelHandler):
    """``POST saturn/jobs/{id}/start``: start a run."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str) -> None:
        check_saturn_id(resource_id)
        resource = await self.saturn.start_job(resource_id)
        self.finish_json(resource, status=202)


class SaturnJobRunsHandler(SaturnPanelHandler):
    """``GET saturn/jobs/{id}/runs``: the job's runs, newest first."""

    @web.authenticated
    @authorized
    async def get(self, resource_id: str) -> None:
        check_saturn_id(resource_id)
        runs = await self.saturn.runs_of(resource_id)
        self.finish_json({"runs": runs})


class SaturnJobLogsHandler(SaturnPanelHandler):
    """``GET saturn/jobs/{id}/logs?run=NAME[&since=N]``: one run's log lines (from line N)."""

    @web.authenticated
    @authorized
    async def get(self, resource_id: str) -> None:
        check_saturn_id(resource_id)
        run = check_run_name(self.get_query_argument("run", ""))
        since = self.get_query_argument("since", "0")
        # At most 18 digits: int() refuses more than 4,300 (a 500 before), and no log is that long.
        if not (since.isascii() and since.isdigit() and len(since) <= 18):
            raise BadRequest("since must be a line number (0 or more).")
        self.finish_json(await self.saturn.run_logs(resource_id, run, int(since)))


class SaturnRunStopHandler(SaturnPanelHandler):
    """``POST saturn/jobs/{id}/runs/{run}/stop``: stop one run."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str, run: str) -> None:
        check_saturn_id(resource_id)
        check_run_name(run)
        resource = await self.saturn.stop_run(resource_id, run)
        self.finish_json(resource, status=202)


class SaturnJobScheduleHandler(SaturnPanelHandler):
    """``POST saturn/jobs/{id}/schedule`` (``{"schedule": cron}`` sets it, ``{}`` resumes it)
    and ``POST saturn/jobs/{id}/unschedule`` (pause): 200 job Resource."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str, action: str) -> None:
        check_saturn_id(resource_id)
        body = self.json_body()
        allowed = {"schedule"} if action == "schedule" else set()
        unknown = set(body) - allowed
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        if action == "unschedule":
            resource = await self.saturn.unschedule_job(resource_id)
        else:
            schedule = check_schedule(body["schedule"]) if "schedule" in body else None
            resource = await self.saturn.schedule_job(resource_id, schedule)
        self.finish_json(resource)


class SchedulePreviewHandler(SaturnPanelHandler):
    """``POST saturn/schedule-preview`` ``{"schedule": cron}``: the next three runs, for the
    dialog's check as you type; 400 says what is wrong with the expression."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        schedule = check_schedule(body.get("schedule"))
        self.finish_json({"schedule": schedule, "next": next_runs(schedule), "timezone": TIMEZONE})


class SaturnRunOutputHandler(SaturnPanelHandler):
    """``POST saturn/jobs/{id}/runs/{run}/output``: save a finished notebook run's executed
    notebook beside its source (``{stem}.runs/{start}.ipynb``, or in ``{"folder"}``); 201
    ``{"path", "errorCell"}``."""

    @web.authenticated
    @authorized
    async def post(self, resource_id: str, run: str) -> None:
        check_saturn_id(resource_id)
        check_run_name(run)
        body = self.json_body()
        unknown = set(body) - {"folder"}
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        folder = check_folder(body["folder"]) if body.get("folder") else None
        notebook, source, found = await self.saturn.run_output(resource_id, run)
        path = output_path(source, found, folder)
        await self._save(path, notebook)
        self.finish_json({"path": path, "errorCell": error_cell(notebook)}, status=201)

    async def _save(self, path: str, notebook: dict[str, Any]) -> None:
        manager = self.contents_manager
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        try:
            if parent and not await ensure_async(manager.dir_exists(parent)):  # type: ignore[no-untyped-call]
                await ensure_async(manager.save({"type": "directory"}, parent))  # type: ignore[no-untyped-call]
            # The whole notebook in one save (atomic in Jupyter's file manager): never half a file.
            await ensure_async(
                manager.save({"type": "notebook", "format": "json", "content": notebook}, path)  # type: ignore[no-untyped-call]
            )
        except web.HTTPError as exc:
            raise BadRequest(f"The executed notebook cannot be saved at {path}: {exc.log_message}") from None


class NotebookJobHandler(SaturnPanelHandler):
    """``POST saturn/notebook-jobs``: run a notebook from the file browser as a Saturn job."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = NotebookJobRequest.from_body(self.json_body())
        content = None
        if request.source == "recipe":
            content = await self._notebook(request.path)
            if len(json.dumps(content)) > MAX_SHIPPED_NOTEBOOK:
                raise BadRequest(
                    "The notebook is too large to ship inside a job recipe; use a git repository"
                    " (the 'git' source in the panel's settings)."
                )
        if request.schedule is not None:
            resource = await self.saturn.schedule_notebook(request.recipe(content), request.schedule)
        else:
            resource = await self.saturn.run_notebook(request.recipe(content))
        self.finish_json(resource, status=202)

    async def _notebook(self, path: str) -> dict[str, Any]:
        try:
            # jupyter_server's contents managers are untyped, and sync or async by manager.
            model = await ensure_async(
                self.contents_manager.get(path, content=True, type="notebook")  # type: ignore[no-untyped-call]
            )
        except web.HTTPError as exc:
            if exc.status_code == 404:
                raise NotFound(f"No notebook at {path}.") from None
            raise BadRequest(f"The notebook at {path} cannot be read: {exc.log_message}") from None
        return dict(model["content"])


def route_table() -> list[tuple[str, type[SaturnPanelHandler]]]:
    """The routes, relative to base_url (the ExtensionApp prepends it)."""
    user = r"(?P<user>[^/]+)"
    name = r"(?P<name>[^/]*)"
    rid = r"(?P<resource_id>[^/]+)"
    return [
        (f"{NAMESPACE}/config", ConfigHandler),
        (f"{NAMESPACE}/resources", ResourcesHandler),
        (f"{NAMESPACE}/refresh", RefreshHandler),
        (f"{NAMESPACE}/events", EventsHandler),
        (f"{NAMESPACE}/hub/users", HubUsersHandler),
        (f"{NAMESPACE}/hub/servers/{user}/{name}/progress", HubProgressHandler),
        (f"{NAMESPACE}/hub/servers/{user}/{name}/shares", HubServerSharesHandler),
        (f"{NAMESPACE}/hub/servers/{user}/{name}/share-codes", HubServerShareCodesHandler),
        (f"{NAMESPACE}/hub/shares/{user}", HubOwnerSharesHandler),
        (f"{NAMESPACE}/hub/shared", HubSharedWithMeHandler),
        (f"{NAMESPACE}/hub/shared/{user}/{name}", HubLeaveShareHandler),
        (f"{NAMESPACE}/hub/servers/{user}/{name}", HubServerHandler),
        (f"{NAMESPACE}/saturn/workspaces/{rid}/(?P<action>start|stop)", SaturnWorkspaceHandler),
        (f"{NAMESPACE}/saturn/deployments/{rid}/(?P<action>start|stop|restart)", SaturnDeploymentHandler),
        (f"{NAMESPACE}/saturn/deployments/{rid}/logs", SaturnDeploymentLogsHandler),
        (f"{NAMESPACE}/saturn/recipes", SaturnRecipesHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/start", SaturnJobStartHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/runs", SaturnJobRunsHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/runs/(?P<run>[^/]+)/stop", SaturnRunStopHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/logs", SaturnJobLogsHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/(?P<action>schedule|unschedule)", SaturnJobScheduleHandler),
        (f"{NAMESPACE}/saturn/jobs/{rid}/runs/(?P<run>[^/]+)/output", SaturnRunOutputHandler),
        (f"{NAMESPACE}/saturn/schedule-preview", SchedulePreviewHandler),
        (f"{NAMESPACE}/saturn/notebook-jobs", NotebookJobHandler),
    ]
