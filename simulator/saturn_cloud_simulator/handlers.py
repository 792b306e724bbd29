"""Tornado request handlers of the Saturn Cloud API simulator (routes are listed in ``app.py``)."""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from tornado.web import HTTPError, RequestHandler

from . import cron, views
from .catalog import server_options
from .errors import ApiError
from .models import DEFAULT_IMAGE, Deployment, Job, Resource, Run, User, Workspace, format_timestamp
from .pagination import decode_key, encode_key, page_args, paginate
from .recipes import RecipeError, convert_legacy, parse_recipe, recipe_view
from .state import SimulatorState

log = logging.getLogger("saturn_simulator")

SESSION_COOKIE = "saturn-sim-session"
_TRUE = ("1", "true", "yes")


class BaseHandler(RequestHandler):
    """JSON in, JSON out, ``{"message"}`` errors, and authentication by token or session."""

    state: SimulatorState

    def initialize(self, state: SimulatorState) -> None:
        self.state = state
        if self.request.path.startswith("/api/"):  # what a client costs Saturn, by route
            state.counter.count_call(self.request.method or "GET", self.request.path)

    def prepare(self) -> None:
        # A simulated outage (POST /_simulator/outage): the API answers 503 until it ends.
        if self.request.path.startswith("/api/") and time.monotonic() < self.state.outage_until:
            raise ApiError(503, "Saturn Cloud is temporarily unavailable (simulated outage)")

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.set_header("X-Saturn-Version", views.status_view()["version"])
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ApiError):
            message = exc.message
        elif isinstance(exc, HTTPError):
            message = exc.log_message or self._reason
        else:
            message = "internal simulator error"
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps({"message": message}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        # Expected errors are answered, not logged; the default would log the request object.
        if isinstance(value, HTTPError):
            return
        log.error(
            "Uncaught exception in %s %s",
            self.request.method,
            redact(self.request.path),
            exc_info=(typ, value, tb),
        )

    # --- helpers -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The simulator's origin, for links that must point back at it."""
        return self.state.base_url or f"{self.request.protocol}://{self.request.host}"

    def get_current_user(self) -> User | None:
        header = self.request.headers.get("Authorization")
        if header:
            scheme, _, token = header.strip().partition(" ")
            if scheme.lower() not in ("token", "bearer") or not token.strip():
                raise ApiError(401, 'the Authorization header must be "token <TOKEN>" or "Bearer <TOKEN>"')
            user = self.state.user_for_token(token.strip())
            if user is None:
                raise ApiError(401, "invalid API token")
            return user
        return self.state.user_for_session(self.get_cookie(SESSION_COOKIE))

    def user(self) -> User:
        """The authenticated user, or 401."""
        user = self.current_user
        if user is None:
            raise ApiError(401, "authentication required: send the header Authorization: token <TOKEN>")
        assert isinstance(user, User)
        return user

    def admin(self) -> User:
        """The authenticated admin, or 401/403."""
        user = self.user()
        if not user.admin:
            raise ApiError(403, "this endpoint needs an admin token")
        return user

    def query(self) -> dict[str, str]:
        """Query arguments, last value wins."""
        return {k: self.get_query_argument(k) for k in self.request.query_arguments}

    def flag(self, name: str) -> bool:
        """A boolean query argument."""
        return (self.get_query_argument(name, "") or "").lower() in _TRUE

    def body(self) -> Any:
        """The JSON body, or ``None`` when there is none."""
        raw = self.request.body
        if not raw or not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "the request body is not valid JSON") from None

    def body_object(self) -> dict[str, Any]:
        """The JSON body, which must be an object (an empty body counts as ``{}``)."""
        body = self.body()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, "the request body must be a JSON object")
        return body

    def send(self, payload: Any, status: int = 200) -> None:
        """Answer with JSON."""
        self.set_status(status)
        self.finish(json.dumps(payload))

    def count_status(self, resources: Iterable[Resource]) -> None:
        """Count a status request for each resource; with ``--strict-rate-limit`` refuse (429)
        if any of them was answered less than the minimum interval ago."""
        ids = [r.id for r in resources]
        counter = self.state.counter
        if self.state.options.strict_rate_limit:
            too_soon = counter.would_violate(ids)
            if too_soon:
                counter.record(ids, answered=False)
                raise ApiError(
                    429,
                    f"status of {too_soon[0]} was requested less than "
                    f"{counter.min_interval:g} s ago; poll at most once every {counter.min_interval:g} s",
                )
        counter.record(ids)

    def read_owner(self, actor: User, owner_name: str | None) -> User:
        """The owner a read names; others' resources are "not found" for non-admins."""
        try:
            return self.state.resolve_owner(actor, owner_name, field="owner_name")
        except ApiError as err:
            if err.status_code == 403:
                raise ApiError(404, f"owner {owner_name} not found") from None
            raise

    def page(self, items: Sequence[Resource], field: str, key_params: Sequence[str] = ("next_key",)) -> dict[str, Any]:
        """Paginate resources into ``{field: [...], "next_key"?}`` (items as resources)."""
        args = page_args(self.query(), key_params=key_params)
        chosen, next_key = paginate(items, args, kind=field, position=lambda r: r.seq)
        result: dict[str, Any] = {field: chosen}
        if next_key:
            result["next_key"] = next_key
        return result


def redact(path: str) -> str:
    """A request path fit for a log line: one-time login codes are secrets."""
    if path.startswith("/auth/login/"):
        return "/auth/login/<code>"
    return path


def log_request(handler: RequestHandler) -> None:
    """Tornado ``log_function``: method, path and status only (never headers or the query)."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    log.log(
        level,
        "%d %s %s %.1fms",
        status,
        handler.request.method,
        redact(handler.request.path),
        1000.0 * handler.request.request_time(),
    )


# --- service, user, org ------------------------------------------------------------------------


class StatusHandler(BaseHandler):
    """``GET /api/status`` (no authentication needed; saturn-client calls it on connect)."""

    def get(self) -> None:
        self.send(views.status_view())


class UserHandler(BaseHandler):
    """``GET /api/user``."""

    def get(self) -> None:
        self.send(views.user_view(self.user()))


class UserTokenHandler(BaseHandler):
    """``GET /api/user/token``: the signed-in user's API token (seed 000 login-link flow)."""

    def get(self) -> None:
        user = self.current_user
        if user is None:
            raise ApiError(401, "sign in first (open a login link) or send a token")
        self.send({"token": user.token})


class OrgsHandler(BaseHandler):
    """``GET /api/orgs``."""

    def get(self) -> None:
        self.user()
        self.send({"orgs": [views.org_view(self.state.org)]})


class ServerOptionsHandler(BaseHandler):
    """``GET /api/info/servers``: sizes, disk and shut-off options."""

    def get(self) -> None:
        self.user()
        self.send(server_options())


# --- typed resources -----------------------------------------------------------------------------

_TYPED_ALIASES = {
    # Workspace/Job create and update bodies use the object's field names; recipes use spec names.
    "instance_size": "instance_type",
    "working_dir": "working_directory",
    "image_uri": "image",
    "is_spot": "use_spot_instance",
}


def _typed_to_spec(body: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("owner_name",):
            spec["owner"] = value
        elif key == "image_tag_id":
            spec["image"] = {"tag_id": value}
        elif key == "cron_schedule_options" and isinstance(value, dict):
            if "schedule" in value:
                spec["schedule"] = value["schedule"]
            if "concurrency_policy" in value:
                spec["concurrency_policy"] = value["concurrency_policy"]
        elif key == "extra_packages" and isinstance(value, dict):
            # the Workspace form {"pip": "a b", "conda": null, "use_mamba": ...}
            spec["extra_packages"] = {
                k: v for k, v in value.items() if k in ("pip", "conda", "apt", "cran", "remotes", "bioconductor") and v
            }
        else:
            spec[_TYPED_ALIASES.get(key, key)] = value
    return spec


def _parse_typed(resource_type: str, spec: dict[str, Any]) -> Any:
    try:
        return parse_recipe({"type": resource_type, "spec": spec})
    except RecipeError as err:
        raise ApiError(400, str(err).replace("spec.", "", 1)) from None


class ResourceListHandler(BaseHandler):
    """``GET /api/{workspaces|jobs|deployments}`` (list) and ``POST`` (create, 201)."""

    def initialize(self, state: SimulatorState, resource_type: str) -> None:  # type: ignore[override]
        super().initialize(state)
        self.resource_type = resource_type

    @property
    def plural(self) -> str:
        return self.resource_type + "s"

    def get(self) -> None:
        user = self.user()
        items = self.state.list_resources(user, self.resource_type, self.query())
        result = self.page(items, self.plural)
        self.count_status(result[self.plural])
        result[self.plural] = [views.resource_view(r, self.base_url) for r in result[self.plural]]
        self.send(result)

    def post(self) -> None:
        user = self.user()
        body = self.body_object()
        if not body.get("name"):
            raise ApiError(400, "name is required")
        if self.resource_type in ("job", "deployment") and not body.get("command"):
            raise ApiError(400, "command is required")
        spec = _typed_to_spec(body)
        spec.setdefault("image", DEFAULT_IMAGE)
        spec.setdefault("instance_type", "large")
        parsed = _parse_typed(self.resource_type, spec)
        owner = self.state.resolve_owner(user, parsed.owner_name, field="owner")
        resource = self.state.create(self.resource_type, owner, parsed.name, parsed.fields)
        self.send(views.resource_view(resource, self.base_url), status=201)


class ResourceHandler(BaseHandler):
    """``GET``/``PATCH``/``DELETE /api/{workspaces|jobs|deployments}/{id}``."""

    def initialize(self, state: SimulatorState, resource_type: str) -> None:  # type: ignore[override]
        super().initialize(state)
        self.resource_type = resource_type

    def get(self, resource_id: str) -> None:
        resource = self.state.get(self.user(), self.resource_type, resource_id)
        self.count_status([resource])
        self.send(views.resource_view(resource, self.base_url))

    def patch(self, resource_id: str) -> None:
        user = self.user()
        resource = self.state.get(user, self.resource_type, resource_id)
        changes = _typed_to_spec(self.body_object())
        changes.pop("owner", None)  # moving a resource to another owner is not supported
        spec = recipe_view(resource, self.base_url)["spec"]
        spec.update(changes)
        parsed = _parse_typed(self.resource_type, spec)
        if parsed.name != resource.name and self.state.find_by_name(self.resource_type, resource.owner, parsed.name):
            raise ApiError(409, f'{resource.owner.owner_name} already has a {self.resource_type} named "{parsed.name}"')
        self.state.update(resource, dict(parsed.fields, name=parsed.name))
        self.send(views.resource_view(resource, self.base_url))

    def delete(self, resource_id: str) -> None:
        resource = self.state.get(self.user(), self.resource_type, resource_id)
        if resource.is_active and not self.flag("allow_active"):
            raise ApiError(
                409, f"{self.resource_type} {resource.id} is active; stop it first or pass allow_active=true"
            )
        self.state.delete(resource)
        self.set_status(204)
        self.finish()


class WorkspaceActionHandler(BaseHandler):
    """``POST /api/workspaces/{id}/{start|stop|restart}`` → 200 Workspace."""

    def post(self, workspace_id: str, action: str) -> None:
        workspace = self.state.get(self.user(), "workspace", workspace_id)
        assert isinstance(workspace, Workspace)
        debug = bool(self.body_object().get("debug_mode", False))
        lifecycle = self.state.lifecycle
        if action == "start":
            lifecycle.start_workspace(workspace, debug)
        elif action == "stop":
            lifecycle.stop_workspace(workspace)
        else:
            lifecycle.restart_workspace(workspace, debug)
        self.send(views.workspace_view(workspace, self.base_url))


class WorkspaceRuntimeSummaryHandler(BaseHandler):
    """``GET /api/workspaces/{id}/runtimesummary``."""

    def get(self, workspace_id: str) -> None:
        workspace = self.state.get(self.user(), "workspace", workspace_id)
        assert isinstance(workspace, Workspace)
        self.send(views.workspace_runtime_summary(workspace))


class WorkspaceHistoryHandler(BaseHandler):
    """``GET /api/workspaces/{id}/history``: the simulator keeps no workspace pod history."""

    def get(self, workspace_id: str) -> None:
        self.state.get(self.user(), "workspace", workspace_id)
        self.send({"pods": []})


class ResourceRecipeHandler(BaseHandler):
    """``GET /api/{workspaces|jobs|deployments}/{id}/recipe`` (counted as a status request: it has state)."""

    def get(self, plural: str, resource_id: str) -> None:
        resource = self.state.get(self.user(), plural[:-1], resource_id)
        self.count_status([resource])
        self.send(recipe_view(resource, self.base_url, as_template=self.flag("as_template")))


# --- deployments ---------------------------------------------------------------------------------


class DeploymentActionHandler(BaseHandler):
    """``POST /api/deployments/{id}/{start|stop|restart}`` → 200 Deployment (the workspace
    state machine; each start is a new pod)."""

    def post(self, deployment_id: str, action: str) -> None:
        deployment = self.state.get(self.user(), "deployment", deployment_id)
        assert isinstance(deployment, Deployment)
        debug = bool(self.body_object().get("debug_mode", False))
        lifecycle = self.state.lifecycle
        if action == "start":
            lifecycle.start_workspace(deployment, debug)
        elif action == "stop":
            lifecycle.stop_workspace(deployment)
        else:
            lifecycle.restart_workspace(deployment, debug)
        self.send(views.deployment_view(deployment, self.base_url))


class DeploymentRuntimeSummaryHandler(BaseHandler):
    """``GET /api/deployments/{id}/runtimesummary``."""

    def get(self, deployment_id: str) -> None:
        deployment = self.state.get(self.user(), "deployment", deployment_id)
        assert isinstance(deployment, Deployment)
        self.send(views.deployment_runtime_summary(deployment))


class DeploymentHistoryHandler(BaseHandler):
    """``GET /api/deployments/{id}/history``: every pod, newest first."""

    def get(self, deployment_id: str) -> None:
        deployment = self.state.get(self.user(), "deployment", deployment_id)
        assert isinstance(deployment, Deployment)
        self.send({"pods": [views.deployment_history_row(pod) for pod in reversed(deployment.pods)]})


class DeploymentLogsHandler(BaseHandler):
    """``GET /api/deployments/{id}/logs?pod_name=&page_size=&next_key=``: a pod's log lines in
    order (``HistoricLogList``), paged like a job run's. Without ``pod_name``: the newest pod
    (the running one while the deployment runs)."""

    def get(self, deployment_id: str) -> None:
        deployment = self.state.get(self.user(), "deployment", deployment_id)
        assert isinstance(deployment, Deployment)
        pod_name = self.get_query_argument("pod_name", None)
        pod = deployment.find_pod(pod_name) if pod_name else (deployment.pods[-1] if deployment.pods else None)
        if pod is None:
            raise ApiError(
                404,
                f"pod {pod_name} of deployment {deployment.id} not found"
                if pod_name
                else f"deployment {deployment.id} has never run",
            )
        args = page_args(self.query())
        start = decode_key("log", args.next_key) if args.next_key else 0
        lines = pod.logs[start : start + args.page_size]
        end = start + len(lines)
        result: dict[str, Any] = {
            "logs": [views.log_line_view(pod, line) for line in lines],
            "pod_status": pod.status,
        }
        if lines and (end < len(pod.logs) or pod.is_active):
            result["next_key"] = encode_key("log", end)
        self.send(result)


# --- jobs ----------------------------------------------------------------------------------------


class JobActionHandler(BaseHandler):
    """``POST /api/jobs/{id}/{start|stop|restart|schedule|unschedule}`` and
    ``POST /api/jobs/{id}/stop/{run_name}`` → 200 Job."""

    def post(self, job_id: str, action: str, run_name: str | None = None) -> None:
        job = self.state.get(self.user(), "job", job_id)
        assert isinstance(job, Job)
        body = self.body_object()
        lifecycle = self.state.lifecycle
        if run_name:
            run = job.find_run(run_name)
            if run is None:
                raise ApiError(404, f"run {run_name} of job {job.id} not found")
            lifecycle.stop_run(run)
        elif action == "start":
            lifecycle.start_job(job, bool(body.get("debug_mode", False)))
        elif action == "stop":
            lifecycle.stop_job(job)
        elif action == "restart":
            lifecycle.restart_job(job, bool(body.get("debug_mode", False)))
        elif action == "schedule":
            if body.get("schedule"):
                job.schedule = str(body["schedule"])
            if body.get("concurrency_policy") in ("Allow", "Forbid", "Replace"):
                job.concurrency_policy = body["concurrency_policy"]
            if not job.schedule:
                raise ApiError(400, "schedule is required: the job has no cron schedule")
            try:  # Kubernetes' CronJob validation; a schedule that never fires is stored all the same
                cron.parse(job.schedule)
            except cron.ScheduleError as err:
                raise ApiError(400, f"invalid cron schedule {job.schedule!r}: {err}") from None
            job.scheduled = True
            job.touch()
            lifecycle.ensure_scheduler(self.state.jobs)  # fires its runs from now on
        else:
            job.scheduled = False
            job.touch()
        self.send(views.job_view(job))


class JobHistoryHandler(BaseHandler):
    """``GET /api/jobs/{id}/history``: every run, newest first."""

    def get(self, job_id: str) -> None:
        job = self.state.get(self.user(), "job", job_id)
        assert isinstance(job, Job)
        self.send({"pods": [views.history_row(run) for run in reversed(job.runs)]})


class JobRuntimeSummaryHandler(BaseHandler):
    """``GET /api/jobs/{id}/runtimesummary``: the live runs."""

    def get(self, job_id: str) -> None:
        job = self.state.get(self.user(), "job", job_id)
        assert isinstance(job, Job)
        self.send(views.job_runtime_summary(job))


class JobLogsHandler(BaseHandler):
    """``GET /api/jobs/{id}/logs?pod_name=&page_size=&next_key=``: a run's log lines in order.

    ``next_key`` comes with every non-empty page that is not known to be the last: more lines
    exist now, or the run is live and more may come. An empty page never has one, so a client
    that reads "until there is no next_key" stops once it has everything there is now.
    To follow a live run, keep the last ``next_key`` received and re-request with it (after a
    pause when a page came back empty) while ``run_status`` (a simulator extra: the run's status
    when the page was read) is ``pending`` or ``running``. Without ``pod_name`` the newest run
    is used.
    """

    def get(self, job_id: str) -> None:
        job = self.state.get(self.user(), "job", job_id)
        assert isinstance(job, Job)
        pod_name = self.get_query_argument("pod_name", None)
        run = job.find_run(pod_name) if pod_name else (job.runs[-1] if job.runs else None)
        if run is None:
            raise ApiError(
                404, f"run {pod_name} of job {job.id} not found" if pod_name else f"job {job.id} has no runs"
            )
        args = page_args(self.query())
        start = decode_key("log", args.next_key) if args.next_key else 0
        lines = run.logs[start : start + args.page_size]
        end = start + len(lines)
        result: dict[str, Any] = {
            "logs": [views.log_line_view(run, line) for line in lines],
            "run_status": run.status,
        }
        if lines and (end < len(run.logs) or run.is_active):
            result["next_key"] = encode_key("log", end)
        self.send(result)


class ActivePodsHandler(BaseHandler):
    """``GET /api/active/pods?workload_type=&workload_id=`` (2026.02.01): live pods of a job."""

    def get(self) -> None:
        user = self.user()
        workload_type = self.get_query_argument("workload_type", None)
        workload_id = self.get_query_argument("workload_id", None)
        if not workload_type:
            raise ApiError(400, "workload_type is required")
        if not workload_id:
            raise ApiError(400, "workload_id is required")
        if workload_type == "job":
            job = self.state.get(user, "job", workload_id)
            assert isinstance(job, Job)
            pods = [views.pod_summary_view(run) for run in reversed(job.active_runs)]
        elif workload_type == "deployment":
            deployment = self.state.get(user, "deployment", workload_id)
            assert isinstance(deployment, Deployment)
            pods = [views.deployment_pod_summary_view(pod) for pod in reversed(deployment.active_pods)]
        elif workload_type == "workspace":
            self.state.get(user, "workspace", workload_id)
            pods = []  # workspace pods are not modelled
        else:
            raise ApiError(400, "workload_type must be job, deployment or workspace in the simulator")
        self.send({"pod_summaries": pods})


def _find_pod(state: SimulatorState, user: User, pod_name: str) -> Any:
    for resource in state.resources.values():
        if isinstance(resource, (Job, Deployment)) and state.can_see(user, resource):
            pod = resource.find_run(pod_name) if isinstance(resource, Job) else resource.find_pod(pod_name)
            if pod is not None:
                return pod
    raise ApiError(404, f"pod {pod_name} not found")


def _pod_summary(pod: Any) -> dict[str, Any]:
    if isinstance(pod, Run):
        return views.pod_summary_view(pod)
    return views.deployment_pod_summary_view(pod)


class ActivePodHandler(BaseHandler):
    """``GET /api/active/pods/{name}`` (and the legacy ``/api/pod/namespace/.../runtimesummary``):
    a run's pod summary. Finished pods stay readable, as on a real cluster for a while."""

    def get(self, pod_name: str) -> None:
        self.send(_pod_summary(_find_pod(self.state, self.user(), pod_name)))


class ActivePodLogsHandler(BaseHandler):
    """``GET /api/active/pods/{name}/logs``: the run's log as one string."""

    def get(self, pod_name: str) -> None:
        run = _find_pod(self.state, self.user(), pod_name)
        self.send({"logs": "\n".join(line.content for line in run.logs)})


# --- recipes ---------------------------------------------------------------------------------------


def _recipe_or_400(body: Any, enforce_unknown: bool = False) -> Any:
    try:
        return parse_recipe(body, enforce_unknown=enforce_unknown)
    except RecipeError as err:
        raise ApiError(400, str(err)) from None


class RecipesHandler(BaseHandler):
    """``GET /api/recipes`` (list), ``POST`` (create, 201), ``PUT`` (apply = upsert, 201)."""

    def get(self) -> None:
        user = self.user()
        rtype = self.get_query_argument("type", None)
        if rtype is not None and rtype not in ("workspace", "job", "deployment", "image"):
            raise ApiError(400, "type must be one of: workspace, job, deployment, image")
        items: list[Resource] = [] if rtype == "image" else self.state.list_resources(user, rtype, self.query())
        # saturn-client's list_resources still sends the legacy last_key
        result = self.page(items, "recipes", key_params=("next_key", "last_key"))
        self.count_status(result["recipes"])
        as_template = self.flag("as_template")
        result["recipes"] = [recipe_view(r, self.base_url, as_template) for r in result["recipes"]]
        if "next_key" in result:
            result["next_last_key"] = result["next_key"]
        self.send(result)

    def post(self) -> None:
        user = self.user()
        parsed = _recipe_or_400(self.body(), enforce_unknown=self.flag("enforce_unknown"))
        owner = self.state.resolve_owner(user, parsed.owner_name)
        resource = self.state.create(parsed.type, owner, parsed.name, parsed.fields)
        _apply_status(self.state, resource, parsed.desired_status)
        self.send(recipe_view(resource, self.base_url), status=201)

    def put(self) -> None:
        user = self.user()
        parsed = _recipe_or_400(self.body(), enforce_unknown=self.flag("enforce_unknown"))
        owner = self.state.resolve_owner(user, parsed.owner_name)
        resource = self.state.find_by_name(parsed.type, owner, parsed.name)
        if resource is None:
            resource = self.state.create(parsed.type, owner, parsed.name, parsed.fields)
        else:
            self.state.update(resource, parsed.fields)  # fields the recipe leaves out are kept
        _apply_status(self.state, resource, parsed.desired_status)
        self.send(recipe_view(resource, self.base_url), status=201)


def _apply_status(state: SimulatorState, resource: Resource, desired: str | None) -> None:
    """Honour a recipe's write-only ``spec.status`` (and fire a schedule the recipe set)."""
    lifecycle = state.lifecycle
    if isinstance(resource, Job) and resource.scheduled:
        lifecycle.ensure_scheduler(state.jobs)
    if isinstance(resource, (Workspace, Deployment)):
        if desired == "running":
            lifecycle.start_workspace(resource)
        elif desired == "stopped":
            lifecycle.stop_workspace(resource)
    elif isinstance(resource, Job):
        if desired == "running" and not resource.is_active:
            lifecycle.start_job(resource)
        elif desired == "stopped":
            lifecycle.stop_job(resource)


class RecipeByNameHandler(BaseHandler):
    """``GET /api/recipes/{type}/{name}?owner_name=&as_template=``: a resource by name."""

    def get(self, rtype: str, name: str) -> None:
        user = self.user()
        if rtype not in ("workspace", "job", "deployment", "image"):
            raise ApiError(400, "type must be one of: workspace, job, deployment, image")
        owner = self.read_owner(user, self.get_query_argument("owner_name", None) or None)
        resource = self.state.find_by_name(rtype, owner, name)
        if resource is None:
            raise ApiError(404, f'{rtype} "{name}" of {owner.owner_name} not found')
        self.count_status([resource])
        self.send(recipe_view(resource, self.base_url, as_template=self.flag("as_template")))


class CloneRecipeHandler(BaseHandler):
    """``POST /api/resource_recipes/clone`` (seed 000): create a resource from a recipe (current
    or legacy format) for the caller; 201 with the new resource's ``id``."""

    def post(self) -> None:
        user = self.user()
        parsed = _recipe_or_400(convert_legacy(self.body()))
        owner = self.state.resolve_owner(user, parsed.owner_name)
        resource = self.state.create(parsed.type, owner, parsed.name, parsed.fields)
        _apply_status(self.state, resource, parsed.desired_status)
        self.send(dict(id=resource.id, **recipe_view(resource, self.base_url)), status=201)


# --- login links (seed 000) ---------------------------------------------------------------------------


class CreateLoginLinkHandler(BaseHandler):
    """``POST /auth/createloginlink/{username}`` (admin token): a one-time login URL."""

    def post(self, username: str) -> None:
        user = self.user()
        if not user.admin:
            raise ApiError(403, "only an admin token may create login links")
        target = self.state.users.get(username)
        if target is None:
            raise ApiError(404, f"user {username} not found")
        login = self.state.create_login_code(target)
        self.send(
            {
                "url": f"{self.base_url}/auth/login/{login.code}",
                "expires_at": format_timestamp(login.expires_at),
            }
        )


class LoginHandler(BaseHandler):
    """``GET /auth/login/{code}``: start a browser session for the link's user; 302 to ``/``."""

    def get(self, code: str) -> None:
        session_id = self.state.redeem_login_code(code)
        if session_id is None:
            raise ApiError(401, "this login link is invalid, already used or expired")
        self.set_cookie(SESSION_COOKIE, session_id, path="/", httponly=True, samesite="Lax")
        self.redirect("/")


# --- HTML pages --------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:3em;color:#222}}code{{background:#eee;padding:0 .3em}}</style>
</head><body><h1>{title}</h1>{body}</body></html>
"""


class HtmlHandler(BaseHandler):
    """Pages for people (the login redirect target and the fake IDEs)."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Content-Type", "text/html; charset=UTF-8")

    def page_html(self, status: int, title: str, body: str) -> None:
        """Answer with a small HTML page."""
        self.set_status(status)
        self.finish(_PAGE.format(title=html.escape(title), body=body))


class RootHandler(HtmlHandler):
    """``GET /``: says who is signed in (where a login link lands)."""

    def get(self) -> None:
        user = self.state.user_for_session(self.get_cookie(SESSION_COOKIE))
        who = f"Signed in as <code>{html.escape(user.username)}</code>." if user else "Not signed in."
        self.page_html(200, "Saturn Cloud API simulator", f"<p>{who}</p><p>API under <code>/api/</code>.</p>")


class IdeHandler(HtmlHandler):
    """``GET /ide/{identity}/{name}/...``: a stand-in for a workspace's IDE, so "Open" links
    work in a demo. 200 while the workspace runs, 503 otherwise."""

    def get(self, identity: str, name: str, rest: str | None = None) -> None:
        owner = self.state.users.get(identity)
        workspace = self.state.find_by_name("workspace", owner, name) if owner else None
        if not isinstance(workspace, Workspace):
            self.page_html(
                404,
                "Workspace not found",
                f"<p>No workspace {html.escape(identity)}/{html.escape(name)}.</p>",
            )
            return
        ide = "RStudio" if workspace.ide == "rstudio" else "Jupyter"
        label = html.escape(f"{workspace.owner.owner_name}/{workspace.name}")
        if workspace.status != "running":
            self.page_html(
                503,
                f"{ide} is not running",
                f"<p>The workspace {label} is <strong>{html.escape(workspace.status)}</strong>."
                " Start it and reload.</p>",
            )
            return
        self.page_html(
            200,
            f"Simulated {ide} IDE for {workspace.owner.owner_name}/{workspace.name}",
            f"<p>Simulated Jupyter/RStudio IDE for {label} ({ide}).</p>",
        )


class DeploymentPageHandler(HtmlHandler):
    """``GET /deploy/{identity}/{name}/...``: a stand-in for a deployed app (model API,
    dashboard) so its ``url`` answers in a demo: 200 while it runs (and the request reaches the
    pod's log, as a real server's access log would), 503 otherwise."""

    def get(self, identity: str, name: str, rest: str | None = None) -> None:
        owner = self.state.users.get(identity)
        deployment = self.state.find_by_name("deployment", owner, name) if owner else None
        if not isinstance(deployment, Deployment):
            self.page_html(
                404,
                "Deployment not found",
                f"<p>No deployment {html.escape(identity)}/{html.escape(name)}.</p>",
            )
            return
        label = html.escape(f"{deployment.owner.owner_name}/{deployment.name}")
        if deployment.status != "running" or not deployment.active_pods:
            self.page_html(
                503,
                "Deployment is not running",
                f"<p>The deployment {label} is <strong>{html.escape(deployment.status)}</strong>."
                " Start it and reload.</p>",
            )
            return
        path = "/" + (rest or "").lstrip("/")
        deployment.active_pods[-1].log(f'INFO:     127.0.0.1 - "GET {path} HTTP/1.1" 200 OK')
        self.page_html(
            200,
            f"Simulated deployment {deployment.owner.owner_name}/{deployment.name}",
            f"<p>Simulated deployment {label}, serving <code>{html.escape(deployment.command)}</code>.</p>",
        )


# --- simulator controls ----------------------------------------------------------------------------------


class StatsHandler(BaseHandler):
    """``GET /_simulator/stats`` (admin): status requests per resource and violations."""

    def get(self) -> None:
        self.admin()
        self.send(self.state.counter.snapshot())


class ResetStatsHandler(BaseHandler):
    """``POST /_simulator/reset-stats`` (admin): zero the counters."""

    def post(self) -> None:
        self.admin()
        self.state.counter.reset()
        self.send(self.state.counter.snapshot())


class OutageHandler(BaseHandler):
    """``POST /_simulator/outage`` (admin) ``{"seconds": N}``: every ``/api/`` request answers
    503 for N seconds (0 ends it), so clients' handling of a Saturn outage can be shown."""

    def post(self) -> None:
        self.admin()
        seconds = self.body_object().get("seconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= 3600:
            raise ApiError(400, "seconds must be a number from 0 to 3600")
        self.state.outage_until = time.monotonic() + float(seconds)
        self.send({"outage_seconds": seconds})


class FailNextStartHandler(BaseHandler):
    """``POST /_simulator/fail-next-start/{id}`` (admin): the resource's next start (workspace)
    or next run (job) ends in ``error``."""

    def post(self, resource_id: str) -> None:
        self.admin()
        resource = self.state.resources.get(resource_id)
        if resource is None:
            raise ApiError(404, f"resource {resource_id} not found")
        resource.fail_next_start = True
        self.send({"id": resource.id, "resource_type": resource.resource_type, "fail_next_start": True})


class InjectHandler(BaseHandler):
    """``POST /_simulator/inject/{id}`` (admin) ``{"view": {...}, "history": {...}}``: from now on
    every view of the resource shows ``view``'s fields instead of its own, and every history row
    of a job ``history``'s (``{}`` ends it): the odd data a misbehaving Saturn could send, so
    clients can show that one resource's problem without failing the rest."""

    def post(self, resource_id: str) -> None:
        self.admin()
        resource = self.state.resources.get(resource_id)
        if resource is None:
            raise ApiError(404, f"resource {resource_id} not found")
        body = self.body_object()
        view, history = body.get("view", {}), body.get("history", {})
        if not isinstance(view, dict) or not isinstance(history, dict):
            raise ApiError(400, "view and history must be objects of field: value")
        if history and not isinstance(resource, Job):
            raise ApiError(400, "only a job has history rows")
        resource.view_overrides = dict(view)
        if isinstance(resource, Job):
            resource.history_overrides = dict(history)
        self.send({"id": resource.id, "view": view, "history": history})


class NotFoundHandler(BaseHandler):
    """Every unknown route: 404 ``{"message"}``."""

    def prepare(self) -> None:
        raise ApiError(404, f"no route for {self.request.method} {redact(self.request.path)}")
