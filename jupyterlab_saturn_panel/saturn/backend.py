"""The Saturn Cloud half of the status engine: workspaces, deployments and jobs as Resources, and
actions.

Saturn asks for at most one status request per resource per 10 s (seed 000). The engine refreshes
this backend no more often than ``saturn_min_poll_interval`` and reads every resource with one list
request per kind, so that holds however many tabs watch. Saturn sends no progress events: while a
workspace starts, the progress is an estimate from how long its last start took, recomputed locally
every second (no upstream request) and marked as an estimate.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
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
from ..resources import FINISHED_RUN_STATUSES, RUN_STATUSES, Resource, is_active, saturn_key
from ..validation import is_legacy_recipe
from .client import SaturnClient
from .mapping import (
    RECENT_RUNS,
    created_resource,
    deployment_resource,
    job_notebook,
    job_resource,
    obj,
    sorted_runs,
    text,
    unreadable_resource,
    with_estimate,
    workspace_resource,
)
from .notebook_output import OutputUnavailable, cell_progress, parse_notebook, rebuild_output
from .run_logs import RunLogs
from .schedules import schedule_problem

NOT_CONFIGURED_HINT = (
    "Set c.SaturnPanel.saturn_url and c.SaturnPanel.saturn_token (inside a Saturn Cloud resource"
    " they default to $SATURN_BASE_URL and $SATURN_TOKEN)."
)


#: Seconds before reading Saturn's instance sizes again after that read failed.
SIZES_RETRY = 300.0
#: Starts per workspace size whose median estimates a workspace never seen starting.
RECENT_STARTS = 5


def _is_active_status(value: Any) -> bool:
    return isinstance(value, str) and is_active(value)


def _about_saturn(error: PanelError) -> bool:
    """Whether an error says Saturn (or the panel's access to it) is out of order, rather than
    something about one resource: unreachable, timed out, rate-limited, or a setting to fix."""
    return isinstance(error, (Unavailable, UpstreamTimeout, UpstreamBusy)) or error.hint is not None


@dataclass
class SaturnSettings:
    """The traits of ``c.SaturnPanel`` the Saturn backend uses."""

    min_interval: float
    has_admin_token: bool


class SaturnBackend:
    """Saturn Cloud workspaces, deployments and jobs for the status engine."""

    name = "saturn"

    def __init__(self, client: SaturnClient | None, settings: SaturnSettings, engine: StatusEngine) -> None:
        self.client = client
        self.settings = settings
        self.engine = engine
        self.configured = client is not None
        self.min_interval = settings.min_interval
        self.user: dict[str, Any] | None = None
        self.admin_ok: bool | None = None
        self._admin_message: str | None = None
        # Start-time estimates: when we first saw each workspace pending, how long starts took.
        self._pending_since: dict[str, float] = {}
        self._last_duration: dict[str, float] = {}
        self._sizes: dict[str, str] = {}  # workspace id -> its size, to pool estimates by size
        self._durations_by_size: dict[str, deque[float]] = {}
        self._ticker: asyncio.Task[None] | None = None
        # Job runs: read again only when a job changed or is active (history is not free either).
        self._runs: dict[str, list[dict[str, Any]]] = {}
        self._runs_read_at: dict[str, float] = {}
        # A read of a job's run history in flight, shared by whoever asks meanwhile.
        self._runs_reading: dict[str, asyncio.Future[list[dict[str, Any]]]] = {}
        # Run logs: one reader per run for every viewer and for notebook jobs' cell progress.
        self.logs = RunLogs(self._read_log_page, settings.min_interval)
        self._job_seen: dict[str, tuple[Any, ...]] = {}
        # When the last read of each job's runs began (monotonic): a read begun before the job
        # list was read may not show what the list says changed.
        self._runs_asked_at: dict[str, float] = {}
        self._unreadable_logged: set[tuple[str, type[BaseException]]] = set()
        # Saturn's instance sizes (GPUs per size), read once; None until a read worked.
        self.sizes: dict[str, dict[str, Any]] | None = None
        self._sizes_tried_at: float | None = None
        # Live deployment logs: one read per deployment per interval, shared by every viewer.
        self._deployment_logs: dict[str, tuple[float, dict[str, Any]]] = {}
        self._deployment_logs_reading: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def require_client(self) -> SaturnClient:
        """The Saturn client; a 503 that says how to configure it when there is none."""
        if self.client is None:
            raise Unavailable("Saturn Cloud is not configured.", hint=NOT_CONFIGURED_HINT)
        return self.client

    # -- identity ------------------------------------------------------------------------------
    async def identify(self) -> dict[str, Any]:
        if self.user is None:
            self.user = await self.require_client().current_user()
        if self.settings.has_admin_token and self.admin_ok is None:
            try:
                admin = await self.require_client().current_user(admin=True)
                self.admin_ok = bool(admin.get("admin"))
                if not self.admin_ok:
                    self._admin_message = "saturn_admin_token belongs to a user who is not an admin."
            except PanelError as exc:
                self.admin_ok = False
                self._admin_message = f"saturn_admin_token does not work: {exc.message}"
        return self.user

    def describe(self, error: PanelError | None) -> dict[str, Any]:
        message = error.message if error else self._admin_message
        hint = error.hint if error else None
        reachable: bool | None
        if not self.configured:
            message, hint, reachable = "Saturn Cloud is not configured.", NOT_CONFIGURED_HINT, None
        elif isinstance(error, (Unavailable, UpstreamTimeout)):
            reachable = False
        else:
            reachable = True if (self.user or error) else None
        usable = self.configured and error is None and self.user is not None
        return {
            "configured": self.configured,
            "reachable": reachable,
            "user": (self.user or {}).get("username"),
            "abilities": {"createForOthers": bool(self.admin_ok), "start": usable, "stop": usable},
            "message": message,
            "hint": hint,
        }

    # -- reading state -------------------------------------------------------------------------
    def poll_delay(self) -> float:
        busy = any(
            r["backend"] == "saturn"
            and is_active(r["status"])
            and not (r["kind"] in ("workspace", "deployment") and r["status"] == "running")
            for r in self.engine.resources.values()
        )
        return self.min_interval if busy else max(self.min_interval, 30.0)

    async def refresh(self) -> list[Resource]:
        await self.identify()
        client = self.require_client()
        listed_at = time.monotonic()
        workspaces, deployments, jobs = await asyncio.gather(
            client.list_workspaces(), client.list_deployments(), client.list_jobs()
        )
        await self._load_sizes()
        # What one workspace, deployment or job holds is that row's problem, never the whole read's.
        resources = [self._readable("workspace", ws, self._workspace) for ws in workspaces]
        resources += [self._readable("deployment", d, self._deployment) for d in deployments]
        listed = {r["id"] for r in resources}
        for gone in set(self._pending_since) - listed:  # deleted while starting
            del self._pending_since[gone]
        for job in jobs:
            resources.append(await self._job_with_runs(job, listed_at))
        self._ensure_ticker()
        return resources

    def _readable(self, kind: str, item: dict[str, Any], build: Callable[[dict[str, Any]], Resource]) -> Resource:
        """``build(item)``, or, should mapping what Saturn sent for this one resource fail, its
        row marked unreadable (logged once per resource and kind of failure)."""
        try:
            return build(item)
        except Exception as exc:
            resource = unreadable_resource(
                kind,
                item,
                f"Saturn sent data for this {kind} that the panel cannot read ({type(exc).__name__});"
                " the rest of Saturn keeps updating. See the server log.",
            )
            if (resource["key"], type(exc)) not in self._unreadable_logged:
                self._unreadable_logged.add((resource["key"], type(exc)))
                self.engine.log.warning("Saturn %s %r could not be read", kind, resource["id"], exc_info=True)
            return resource

    async def _load_sizes(self) -> None:
        """Read Saturn's instance sizes once (which have GPUs); after a failure, again no sooner
        than ``SIZES_RETRY`` s later. Without them a size's display text is used."""
        now = time.monotonic()
        if self.sizes is not None or (self._sizes_tried_at is not None and now - self._sizes_tried_at < SIZES_RETRY):
            return
        self._sizes_tried_at = now
        try:
            self.sizes = await self.require_client().server_sizes()
        except PanelError:
            self.sizes = None

    def _workspace(self, workspace: dict[str, Any]) -> Resource:
        """Map a Workspace, first noting when its start began or how long it took."""
        resource = workspace_resource(workspace, self.sizes)
        self._sizes[resource["id"]] = str(resource["details"].get("size") or "")
        self._track_start(resource["id"], resource["status"])
        return self._with_estimate(resource)

    def _deployment(self, deployment: dict[str, Any]) -> Resource:
        """Map a Deployment, with a start estimate as for workspaces (its starts pooled apart)."""
        resource = deployment_resource(deployment, self.sizes)
        self._sizes[resource["id"]] = "deployment:" + str(resource["details"].get("size") or "")
        self._track_start(resource["id"], resource["status"])
        return self._with_estimate(resource)

    def _track_start(self, resource_id: str, status: str) -> None:
        now = time.monotonic()
        if status == "pending":
            self._pending_since.setdefault(resource_id, now)
        elif resource_id in self._pending_since:
            began = self._pending_since.pop(resource_id)
            if status == "running":
                self._last_duration[resource_id] = now - began
                size = self._sizes.get(resource_id, "")
                self._durations_by_size.setdefault(size, deque(maxlen=RECENT_STARTS)).append(now - began)

    def _with_estimate(self, resource: Resource) -> Resource:
        now = time.monotonic()
        elapsed = now - self._pending_since.get(resource["id"], now)
        recent = self._durations_by_size.get(self._sizes.get(resource["id"], ""))
        return with_estimate(
            resource, elapsed, self._last_duration.get(resource["id"]), median(recent) if recent else None
        )

    def _ensure_ticker(self) -> None:
        if self._pending_since and (self._ticker is None or self._ticker.done()):
            self._ticker = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        """Move the estimated progress of pending workspaces and deployments once a second, locally."""
        while self._pending_since:
            await asyncio.sleep(1.0)
            for resource in list(self.engine.resources.values()):
                if (
                    resource["backend"] == "saturn"
                    and resource["kind"] in ("workspace", "deployment")
                    and resource["status"] == "pending"
                ):
                    self.engine.upsert(self._with_estimate(resource))

    # -- jobs ----------------------------------------------------------------------------------
    async def _job_with_runs(self, job: dict[str, Any], listed_at: float | None = None) -> Resource:
        """One listed Job with its runs (the list was read from ``listed_at`` on).

        Its runs are read again, within Saturn's 10 s rule, while the job's listed fields differ
        from those of the last read that came after a list read, its raw status is active, or a
        run the panel shows has not ended: a run's outcome reaches every client by the server's
        own reads, whatever the clients ask for. Nothing this one job holds fails the refresh: a
        read of its runs that Saturn refuses, or data the panel cannot map, is this row's message
        (an error that says Saturn itself is out of order still fails the whole read)."""
        resource_id = text(job.get("id"))
        seen = (job.get("status"), job.get("running_count"), job.get("updated_at"), job.get("last_deploy"))
        known = self._runs.get(resource_id)
        problem: str | None = None
        if (
            known is None
            or self._job_seen.get(resource_id) != seen
            or _is_active_status(job.get("status"))
            or any(run["status"] not in FINISHED_RUN_STATUSES for run in known)
        ):
            try:
                await self.runs_of(resource_id, notebook=job_notebook(job) is not None)
            except PanelError as exc:
                if _about_saturn(exc):
                    raise
                problem = f"Saturn did not give this job's runs: {exc.message}"
            else:
                asked = self._runs_asked_at.get(resource_id)
                if listed_at is None or (asked is not None and asked >= listed_at):
                    self._job_seen[resource_id] = seen
        runs = self._runs.get(resource_id, [])
        resource = self._readable("job", job, lambda item: job_resource(item, runs, sizes=self.sizes))
        return {**resource, "message": problem} if problem else resource

    async def load_runs(self, resource_id: str, *, notebook: bool | None = None) -> list[dict[str, Any]]:
        """Read a job's runs (newest first) into the state, with a notebook job's cell progress
        (``notebook`` None: as the state knows the job)."""
        asked = time.monotonic()
        pods = await self.require_client().job_history(resource_id)
        runs = sorted_runs(pods)
        self._runs_read_at[resource_id] = time.monotonic()
        self._runs_asked_at[resource_id] = asked
        if notebook is None:
            job = self.engine.resources.get(saturn_key("job", resource_id))
            notebook = job is not None and bool(job["details"].get("notebook"))
        if notebook:
            await self._add_progress(resource_id, runs)
        self._runs[resource_id] = runs
        return runs

    async def runs_of(self, resource_id: str, *, notebook: bool | None = None) -> list[dict[str, Any]]:
        """A job's runs, read again only when the last read is older than Saturn's interval; the
        panel's refresh and any number of tabs asking at once share one read."""
        read_at = self._runs_read_at.get(resource_id)
        if resource_id in self._runs and read_at is not None and time.monotonic() - read_at < self.min_interval:
            return self._runs[resource_id]
        reading = self._runs_reading.get(resource_id)
        if reading is None:
            reading = asyncio.ensure_future(self.load_runs(resource_id, notebook=notebook))
            self._runs_reading[resource_id] = reading
            reading.add_done_callback(lambda _: self._runs_reading.pop(resource_id, None))
        # One asker going away (a closed tab) does not cancel the read the others wait for.
        return await asyncio.shield(reading)

    async def _add_progress(self, resource_id: str, runs: list[dict[str, Any]]) -> None:
        """Cell progress ("cell 7 of 23") of a notebook job's runs, from papermill's log lines:
        live runs are read (within the 10 s rule); a finished run the panel saw going (its log
        was read before it ended, e.g. one that ran between two reads) is read once more, so
        it shows how far it got; other finished runs keep what was last read."""
        for run in runs[:RECENT_RUNS]:
            log = self.logs.known(resource_id, run["name"])
            finished = run["status"] in FINISHED_RUN_STATUSES
            if not finished or (log is not None and not log.complete):
                try:
                    log = await self.logs.read(resource_id, run["name"], finished=finished)
                except PanelError as exc:
                    if _about_saturn(exc):
                        raise
                    # One run's log Saturn refuses: its progress stays as last read.
            progress = cell_progress(str(line.get("content", "")) for line in log.lines) if log else None
            run["progress"] = progress.to_json() if progress else None

    async def _read_log_page(
        self, resource_id: str, run: str, key: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        return await self.require_client().job_logs_page(resource_id, run, key)

    # -- actions -------------------------------------------------------------------------------
    async def workspace_action(self, resource_id: str, action: str) -> Resource:
        """Start or stop a workspace; Saturn answers the Workspace as it now stands."""
        await self.identify()
        workspace = await self.require_client().workspace_action(resource_id, action)
        self.engine.follow(saturn_key("workspace", resource_id))
        resource = self._workspace(workspace)
        self.engine.upsert(resource)
        self._ensure_ticker()
        self.engine.poke(self.name)
        return resource

    async def deployment_action(self, resource_id: str, action: str) -> Resource:
        """Start, stop or restart a deployment; Saturn answers the Deployment as it now stands."""
        await self.identify()
        deployment = await self.require_client().deployment_action(resource_id, action)
        self.engine.follow(saturn_key("deployment", resource_id))
        resource = self._deployment(deployment)
        self.engine.upsert(resource)
        self._ensure_ticker()
        self.engine.poke(self.name)
        return resource

    async def deployment_logs(self, resource_id: str, since: int = 0) -> dict[str, Any]:
        """The running deployment's log (its newest live pod's main container) from line
        ``since`` on, in the shape of a job run's logs (``run`` is the pod). Saturn is read at
        most once per ``saturn_min_poll_interval`` per deployment, however many viewers ask;
        a deployment with no live pod is a 409 that says so."""
        await self.identify()
        cached = self._deployment_logs.get(resource_id)
        if cached is not None and time.monotonic() - cached[0] < self.min_interval:
            log = cached[1]
        else:
            reading = self._deployment_logs_reading.get(resource_id)
            if reading is None:
                reading = asyncio.ensure_future(self._read_deployment_logs(resource_id))
                self._deployment_logs_reading[resource_id] = reading
                reading.add_done_callback(lambda _: self._deployment_logs_reading.pop(resource_id, None))
            log = await asyncio.shield(reading)
        if log["pod"] is None:
            raise Conflict("The deployment is not running: it has no live logs. Start it first.")
        lines: list[str] = log["lines"]
        return {
            "run": log["pod"],
            "status": log["status"],
            "complete": False,
            "since": since,
            "total": len(lines),
            "progress": None,
            "lines": [{"timestamp": None, "content": line} for line in lines[since:]],
        }

    async def _read_deployment_logs(self, resource_id: str) -> dict[str, Any]:
        client = self.require_client()
        pods = await client.deployment_live_pods(resource_id)
        pods = [p for p in pods if text(p.get("name"))]
        pods.sort(key=lambda p: text(p.get("started_at")), reverse=True)
        log: dict[str, Any] = {"pod": None, "status": "stopped", "lines": []}  # no live pod (kept too)
        if pods:
            pod = pods[0]
            content = await client.live_pod_logs(text(pod.get("name")))
            status = text(pod.get("status"))
            log = {
                "pod": text(pod.get("name")),
                "status": status if status in RUN_STATUSES else "running",
                "lines": content.splitlines(),
            }
        self._deployment_logs[resource_id] = (time.monotonic(), log)
        return log

    async def start_job(self, resource_id: str) -> Resource:
        """Start a run of a job, and show it at once."""
        await self.identify()
        job = await self.require_client().job_action(resource_id, "start")
        self.engine.follow(saturn_key("job", resource_id))
        await self.load_runs(resource_id)
        resource = job_resource(job, self._runs.get(resource_id, []), sizes=self.sizes)
        self.engine.upsert(resource)
        self.engine.poke(self.name)
        return resource

    async def run_notebook(self, recipe: dict[str, Any]) -> Resource:
        """Apply a notebook's job recipe (create it once, update it later) and start a run."""
        await self.identify()
        applied = await self.require_client().apply_recipe(recipe)
        state = obj(applied.get("state"))
        job_id = applied.get("id") or state.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise UpstreamError("Saturn Cloud applied the recipe but answered no job id.")
        return await self.start_job(job_id)

    async def schedule_notebook(self, recipe: dict[str, Any], schedule: str) -> Resource:
        """Apply a notebook's job recipe and put it on a cron schedule (no run now)."""
        await self.identify()
        applied = await self.require_client().apply_recipe(recipe)
        job_id = applied.get("id") or obj(applied.get("state")).get("id")
        if not isinstance(job_id, str) or not job_id:
            raise UpstreamError("Saturn Cloud applied the recipe but answered no job id.")
        return await self.schedule_job(job_id, schedule)

    async def stop_run(self, resource_id: str, run: str) -> Resource:
        """Stop one run of a job."""
        await self.identify()
        job = await self.require_client().stop_run(resource_id, run)
        self.engine.follow(saturn_key("job", resource_id))
        await self.load_runs(resource_id)
        resource = job_resource(job, self._runs.get(resource_id, []), sizes=self.sizes)
        self.engine.upsert(resource)
        self.engine.poke(self.name)
        return resource

    async def schedule_job(self, resource_id: str, schedule: str | None) -> Resource:
        """Set (or, with None, resume) a job's cron schedule; resuming one that would never run
        (held from another client, such as ``0 0 30 2 *``) is a 400 that says so."""
        await self.identify()
        if schedule is None:
            job = self.engine.resources.get(saturn_key("job", resource_id))
            held = job["details"].get("schedule") if job else None
            problem = schedule_problem(held) if held else None
            if problem:
                raise BadRequest(f"{problem} Set a schedule that runs instead of resuming this one.")
        job = await self.require_client().set_schedule(resource_id, schedule)
        return self._job_changed(resource_id, job)

    async def unschedule_job(self, resource_id: str) -> Resource:
        """Pause a job's schedule; the schedule itself is kept for Resume."""
        await self.identify()
        job = await self.require_client().unschedule(resource_id)
        return self._job_changed(resource_id, job)

    def _job_changed(self, resource_id: str, job: dict[str, Any]) -> Resource:
        resource = job_resource(job, self._runs.get(resource_id, []), sizes=self.sizes)
        self.engine.upsert(resource)
        self.engine.poke(self.name)
        return resource

    async def run_output(self, resource_id: str, run: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """A finished run's executed notebook, rebuilt from its log: (notebook, the notebook
        job's source path, the run). ``OutputUnavailable`` becomes a 409 that says why."""
        await self.identify()
        job = self.engine.resources.get(saturn_key("job", resource_id))
        source = (job or {}).get("details", {}).get("notebook")
        if not source:
            raise NotFound("This job runs no notebook from the panel, so it has no executed notebook to open.")
        runs = await self.runs_of(resource_id)
        found = next((r for r in runs if r["name"] == run), None)
        if found is None:
            raise NotFound(f"The job has no run named {run}.")
        if found["status"] not in FINISHED_RUN_STATUSES:
            raise Conflict("The run is still going: its executed notebook is handed back when it ends.")
        log = await self.logs.read(resource_id, run, finished=True, wait=True)
        try:
            notebook = parse_notebook(rebuild_output(str(line.get("content", "")) for line in log.lines))
        except OutputUnavailable as exc:
            raise Conflict(str(exc)) from None
        return notebook, source, found

    async def run_logs(self, resource_id: str, run: str, since: int = 0) -> dict[str, Any]:
        """One run's log lines from line ``since`` on, how many there are, its cell progress,
        and whether the run has finished (a viewer stops following). Every viewer shares one
        reader per run (run_logs.RunLogs)."""
        await self.identify()
        runs = await self.runs_of(resource_id)
        found = next((r for r in runs if r["name"] == run), None)
        if found is None:
            raise NotFound(f"The job has no run named {run}.")
        finished = found["status"] in FINISHED_RUN_STATUSES
        log = await self.logs.read(resource_id, run, finished=finished)
        progress = cell_progress(str(line.get("content", "")) for line in log.lines)
        return {
            "run": run,
            "status": found["status"],
            # Complete once the log was read after the run ended: a viewer follows until then.
            "complete": log.complete,
            "since": since,
            "total": len(log.lines),
            "progress": progress.to_json() if progress else None,
            "lines": [
                {"timestamp": line.get("timestamp"), "content": str(line.get("content", ""))}
                for line in log.lines[since:]
            ],
        }

    async def create_from_recipe(self, recipe: dict[str, Any], user: str | None) -> Resource:
        """Create the resource a recipe describes, for the token's user or (admin) another user;
        answers its Resource (the next refresh brings it into the state)."""
        await self.identify()
        client = self.require_client()
        own = str((self.user or {}).get("username") or "")
        if user is not None and user != own:
            if not self.admin_ok:
                raise Forbidden(
                    "Creating a resource for another user needs a working c.SaturnPanel.saturn_admin_token."
                    + (f" ({self._admin_message})" if self._admin_message else "")
                )
            created = await client.clone_recipe(recipe, user_token=await client.token_for_user(user))
        elif is_legacy_recipe(recipe):
            created = await client.clone_recipe(recipe)  # the endpoint that takes the older format
        else:
            created = await client.create_recipe(recipe)
        self.engine.poke(self.name)
        resource = created_resource(created, recipe, user or own)
        if not resource["id"]:
            raise UpstreamError("Saturn Cloud created the resource but answered no id.")
        return resource

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        if self.client is not None:
            await self.client.aclose()
