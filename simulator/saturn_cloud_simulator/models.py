"""In-memory data model of the simulator: organisation, users, workspaces, deployments, jobs, job
runs.

The objects hold plain data plus the asyncio task driving their current transition; the JSON
shapes the API returns are built in ``views.py`` and the transitions live in ``lifecycle.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import string
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

DEFAULT_WORKING_DIRECTORY = "/home/jovyan/workspace"
DEFAULT_IMAGE = "saturncloud/saturn-python:2024.08.01"

#: Workspace states in which it uses (or is about to use) compute.
ACTIVE_WORKSPACE_STATES = frozenset({"pending", "running", "stopping"})
#: Deployment states in which it uses (or is about to use) compute (``DeploymentStatus``).
ACTIVE_DEPLOYMENT_STATES = ACTIVE_WORKSPACE_STATES
#: Run states in which a job run still has a live pod.
ACTIVE_RUN_STATES = frozenset({"pending", "running"})


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(tz=dt.timezone.utc)


def format_timestamp(value: dt.datetime | None) -> str | None:
    """Format a timestamp the way the Saturn API does: ``%Y-%m-%dT%H:%M:%S+00:00``."""
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def format_log_timestamp(value: dt.datetime) -> str:
    """Log lines keep microseconds: several lines are often written within one second."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def new_id() -> str:
    """A Saturn id: 32 lowercase hex characters (a UUID without dashes)."""
    return uuid.uuid4().hex


def random_lowercase(length: int) -> str:
    """Random lowercase letters, as in the suffix Kubernetes appends to pod names."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


@dataclass(eq=False)
class Org:
    """The organisation every simulated identity belongs to."""

    name: str
    id: str = field(default_factory=new_id)
    created_at: dt.datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class User:
    """A Saturn user with its own API token (never serialised into a response except by
    ``GET /api/user/token``)."""

    username: str
    token: str = field(repr=False)
    org: Org
    admin: bool = False
    full_name: str = ""
    id: str = field(default_factory=new_id)
    owner_id: str = field(default_factory=new_id)
    created_at: dt.datetime = field(default_factory=utcnow)

    @property
    def owner_name(self) -> str:
        """The ``"<org>/<identity>"`` form Saturn uses to name an owner."""
        return f"{self.org.name}/{self.username}"

    @property
    def email(self) -> str:
        """A made-up but well-formed address."""
        return f"{self.username}@example.com"


@dataclass(frozen=True)
class ImageRef:
    """A container image as Saturn names it: ``owner/name:version`` plus its registry URI."""

    owner: str
    name: str
    version: str
    uri: str


@dataclass(eq=False)
class Resource:
    """What workspaces and jobs share: identity, owner and the runtime part of a recipe spec."""

    resource_type: ClassVar[str] = ""

    name: str
    owner: User
    image: Any
    """The image exactly as the recipe gave it (string or object), so recipes round-trip."""
    image_ref: ImageRef
    instance_type: str
    seq: int
    """Creation order; lists are sorted by it and pagination keys point into it."""
    id: str = field(default_factory=new_id)
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    environment_variables: dict[str, str] = field(default_factory=dict)
    working_directory: str = DEFAULT_WORKING_DIRECTORY
    start_script: str | None = None
    config_files: dict[str, dict[str, str]] = field(default_factory=dict)
    extra_packages: dict[str, Any] = field(default_factory=dict)
    git_repositories: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[dict[str, Any]] = field(default_factory=list)
    shared_folders: list[dict[str, Any]] = field(default_factory=list)
    start_dind: bool = False
    use_spot_instance: bool = False
    debug_mode: bool = False
    require_restart: bool = False
    fail_next_start: bool = False
    """Set by ``POST /_simulator/fail-next-start/{id}``; consumed by the next start."""
    created_at: dt.datetime = field(default_factory=utcnow)
    updated_at: dt.datetime = field(default_factory=utcnow)
    view_overrides: dict[str, Any] = field(default_factory=dict)
    """Set by ``POST /_simulator/inject/{id}``: fields every view of the resource shows instead of
    its own (odd data, as a misbehaving Saturn would send it)."""

    def take_failure(self) -> bool:
        """Whether the start happening now must fail; consumes a one-shot failure flag."""
        if self.fail_next_start:
            self.fail_next_start = False
            return True
        return self.environment_variables.get("SIMULATOR_FAIL") == "1"

    def touch(self) -> None:
        """Record a change of the resource's state or settings."""
        self.updated_at = utcnow()

    @property
    def is_active(self) -> bool:
        """Whether the resource uses compute now (deleting it then needs ``allow_active``)."""
        return False


@dataclass(eq=False)
class Workspace(Resource):
    """A Jupyter or RStudio server: ``stopped → pending → running → stopping → stopped``,
    or ``error`` when a start fails."""

    resource_type: ClassVar[str] = "workspace"

    ide: str = "jupyter"
    disk_space: str = "10Gi"
    auto_shutoff: str = "1 hour"
    start_ssh: bool = False
    self_destruct: bool = False
    routes: list[dict[str, Any]] = field(default_factory=list)
    viewers: list[dict[str, Any]] = field(default_factory=list)
    status: str = "stopped"
    started_at: dt.datetime | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    """The pending transition (start or stop), cancelled when a newer action supersedes it."""

    @property
    def is_active(self) -> bool:
        """Whether the workspace holds compute, i.e. deleting it needs ``allow_active``."""
        return self.status in ACTIVE_WORKSPACE_STATES

    @property
    def subdomain(self) -> str:
        """The host label Saturn would give the IDE (``j-`` Jupyter, ``r-`` RStudio)."""
        prefix = "r" if self.ide == "rstudio" else "j"
        return f"{prefix}-{self.owner.username}-{self.name}".lower()


@dataclass(eq=False)
class DeploymentPod:
    """One pod of a deployment (one start of it): ``pending → running → stopped | error``."""

    name: str
    deployment: Deployment
    status: str = "pending"
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: dt.datetime = field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    exit_code: int | None = None
    logs: list[LogLine] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        """Whether the pod is still live."""
        return self.status in ACTIVE_RUN_STATES

    def log(self, content: str) -> None:
        """Append a line to the pod's log."""
        self.logs.append(LogLine(timestamp=utcnow(), content=content))

    def finish(self, status: str, exit_code: int | None) -> None:
        """Move the pod to a final state."""
        self.status = status
        self.exit_code = exit_code
        self.completed_at = utcnow()


@dataclass(eq=False)
class Deployment(Resource):
    """A long-running service (model API, dashboard) behind a URL: the workspace state machine
    ``stopped → pending → running → stopping → stopped`` (or ``error``), each start one pod."""

    resource_type: ClassVar[str] = "deployment"

    command: str = ""
    scale: int = 1
    start_ssh: bool = False
    routes: list[dict[str, Any]] = field(default_factory=list)
    viewers: list[dict[str, Any]] = field(default_factory=list)
    healthcheck: dict[str, Any] = field(default_factory=lambda: {"path": "/"})
    status: str = "stopped"
    started_at: dt.datetime | None = None
    last_deploy: dt.datetime | None = None
    pods: list[DeploymentPod] = field(default_factory=list)
    """Every pod ever started, oldest first."""
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    """The pending transition (start or stop), cancelled when a newer action supersedes it."""

    @property
    def is_active(self) -> bool:
        """Whether the deployment holds compute, i.e. deleting it needs ``allow_active``."""
        return self.status in ACTIVE_DEPLOYMENT_STATES

    @property
    def subdomain(self) -> str:
        """The host label Saturn would give the deployment (``d-``)."""
        return f"d-{self.owner.username}-{self.name}".lower()

    @property
    def active_pods(self) -> list[DeploymentPod]:
        """Pods that are pending or running."""
        return [pod for pod in self.pods if pod.is_active]

    @property
    def running_count(self) -> int:
        """Replicas serving now (``scale`` while running)."""
        return self.scale if self.status == "running" else 0

    def new_pod(self) -> DeploymentPod:
        """A new pod, named like a Kubernetes Deployment's: ``d-alice-api-<id>-<hash>-<suffix>``."""
        name = f"{self.subdomain}-{self.id}-{random_lowercase(9)}-{random_lowercase(5)}".lower()
        pod = DeploymentPod(name=name, deployment=self)
        self.pods.append(pod)
        return pod

    def find_pod(self, name: str) -> DeploymentPod | None:
        """The pod of this deployment with that name."""
        for pod in self.pods:
            if pod.name == name:
                return pod
        return None


@dataclass(eq=False)
class LogLine:
    """One line of a run's main-container log."""

    timestamp: dt.datetime
    content: str


@dataclass(eq=False)
class Run:
    """One execution of a job (one Kubernetes pod):
    ``pending → running → completed | error``, or ``stopped`` when stopped."""

    name: str
    job: Job
    status: str = "pending"
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: dt.datetime = field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    exit_code: int | None = None
    logs: list[LogLine] = field(default_factory=list)
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def job_name(self) -> str:
        """The Kubernetes Job name: the pod name without its random suffix."""
        return self.name.rsplit("-", 1)[0]

    @property
    def is_active(self) -> bool:
        """Whether the run still has a live pod."""
        return self.status in ACTIVE_RUN_STATES

    def log(self, content: str) -> None:
        """Append a line to the run's log (lines are kept in order, never rewritten)."""
        self.logs.append(LogLine(timestamp=utcnow(), content=content))

    def finish(self, status: str, exit_code: int | None) -> None:
        """Move the run to a final state."""
        self.status = status
        self.exit_code = exit_code
        self.completed_at = utcnow()
        self.job.touch()


@dataclass(eq=False)
class Job(Resource):
    """A job: a command that each start runs once more, as a new run."""

    resource_type: ClassVar[str] = "job"

    command: str = ""
    scale: int = 1
    retries: int = 0
    schedule: str | None = None
    concurrency_policy: str = "Allow"
    scheduled: bool = False
    #: Kubernetes' ``lastScheduleTime``: the last schedule time taken (or when the scheduler first
    #: saw the job scheduled); the next time after it fires a run.
    last_schedule_time: dt.datetime | None = None
    runs: list[Run] = field(default_factory=list)
    #: Set by ``POST /_simulator/inject/{id}``: fields every history row of the job shows instead.
    history_overrides: dict[str, Any] = field(default_factory=dict)
    """Every run ever started, oldest first."""

    def new_run_name(self) -> str:
        """A pod name like ``id-alice-nightly-report-<job id>-nz-0-hplcq``."""
        return f"id-{self.owner.username}-{self.name}-{self.id}-{random_lowercase(2)}-0-{random_lowercase(5)}".lower()

    @property
    def active_runs(self) -> list[Run]:
        """Runs that are pending or running."""
        return [run for run in self.runs if run.is_active]

    @property
    def status(self) -> str:
        """The job's status is its newest run's status (``stopped`` before any run)."""
        return self.runs[-1].status if self.runs else "stopped"

    @property
    def last_deploy(self) -> dt.datetime | None:
        """When the newest run was started."""
        return self.runs[-1].created_at if self.runs else None

    @property
    def is_active(self) -> bool:
        """Whether any run is still live, i.e. deleting it needs ``allow_active``."""
        return bool(self.active_runs)

    def find_run(self, name: str) -> Run | None:
        """The run (pod) of this job with that name."""
        for run in self.runs:
            if run.name == name:
                return run
        return None
