"""Saturn Cloud objects to Resources and runs: pure functions, no state and no I/O.

Upstream shapes are not trusted: a field of the wrong type reads as missing, an unknown status as
``error`` with a message that names it, a schedule Kubernetes would not run as that job's message;
whatever one Workspace or Job holds, mapping it does not raise (and should it, the backend shows
that one row as unreadable, ``unreadable_resource``). The backend keeps what Saturn does not say
(when a start began, how long the last one took) and hands it in.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any

from ..resources import (
    FINISHED_RUN_STATUSES,
    RESOURCE_STATUSES,
    RUN_STATUSES,
    Resource,
    new_resource,
    saturn_key,
)
from .notebook_jobs import NOTEBOOK_TAG
from .schedules import TIMEZONE, next_run, schedule_problem

#: The estimated progress when a start has taken as long as expected; past that the bar creeps
#: towards ``ESTIMATE_CEILING`` and never says "done" before Saturn does.
ESTIMATE_AT_EXPECTED = 90
ESTIMATE_CEILING = 99
#: How many of a job's runs its Resource carries (newest first).
RECENT_RUNS = 5


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _status(value: Any, allowed: tuple[str, ...], fallback: str) -> str:
    return value if isinstance(value, str) and value in allowed else fallback


def text(value: Any) -> str:
    """A string field: itself, a number written out, anything else (an object, a list) empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer of more digits than Python writes out
            return ""
    return ""


def _text_or_none(value: Any) -> str | None:
    return text(value) or None


def _shown(value: Any, limit: int = 60) -> str:
    """A value from upstream quoted for a message, cut short when it is long."""
    try:
        shown = repr(value)
    except ValueError:
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def saturn_resource(kind: str, item: dict[str, Any], **fields: Any) -> Resource:
    """The fields every Saturn resource shares, from a Workspace or Job object; ``fields`` add
    or override the rest."""
    resource_id = text(item.get("id"))
    owner = obj(item.get("owner"))
    return new_resource(
        "saturn",
        kind,
        saturn_key(kind, resource_id),
        resource_id,
        text(item.get("name")),
        text(owner.get("identity_name")) or text(owner.get("name")),
        lastActivity=_text_or_none(item.get("updated_at")),
        **fields,
    )


def unreadable_resource(kind: str, item: Any, problem: str) -> Resource:
    """The row of a Workspace or Job the panel could not map: status ``error`` and ``problem``
    as its message, no actions, so one odd object never stops the rest of Saturn updating."""
    return saturn_resource(kind, obj(item), status="error", message=problem, actions=[])


_GPU_IN_DISPLAY = re.compile(r"(?<![0-9])([0-9]{1,4})\s*x?\s*GPUs?\b", re.IGNORECASE)


def size_gpus(item: dict[str, Any], sizes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """How many GPUs a Workspace's or Job's size has, and of which type: ``{"gpus", "gpuType"}``.

    From Saturn's list of sizes (``GET /api/info/servers``: ``gpu``, ``gpu_type``) when it names
    the size, else from the size's display text ("... - 1 GPU"); ``gpus`` is None when neither
    says (then nothing is claimed either way)."""
    name = item.get("instance_size")
    size = (sizes or {}).get(name) if isinstance(name, str) else None
    if size is not None:
        count = size.get("gpu")
        kind = size.get("gpu_type")
        gpus = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
        return {"gpus": gpus, "gpuType": kind if isinstance(kind, str) and kind and gpus else None}
    display = item.get("size_display")
    if isinstance(display, str) and display:
        found = _GPU_IN_DISPLAY.search(display)
        return {"gpus": int(found.group(1)) if found else 0, "gpuType": None}
    return {"gpus": None, "gpuType": None}


def workspace_actions(status: str, url: str | None) -> list[str]:
    """What can be done to a workspace in this status."""
    actions = []
    if status in ("stopped", "error"):
        actions.append("start")
    if status in ("pending", "running"):
        actions.append("stop")
    if status == "running" and url:
        actions.append("open")
    return actions


def workspace_resource(workspace: dict[str, Any], sizes: dict[str, dict[str, Any]] | None = None) -> Resource:
    """The Resource of one Saturn ``Workspace`` object (no progress estimate yet)."""
    raw = workspace.get("status")
    status = _status(raw, RESOURCE_STATUSES, "error")
    url = workspace.get("url") if status == "running" and isinstance(workspace.get("url"), str) else None
    return saturn_resource(
        "workspace",
        workspace,
        status=status,
        message=None if status == raw else f"Unknown status {_shown(raw)}",
        url=url,
        started=_text_or_none(workspace.get("started_at")),
        actions=workspace_actions(status, url),
        details={
            "size": text(workspace.get("size_display")) or _text_or_none(workspace.get("instance_size")),
            "ide": text(workspace.get("ide")) or "jupyter",
            **size_gpus(workspace, sizes),
        },
    )


def deployment_actions(status: str, url: str | None) -> list[str]:
    """What can be done to a deployment in this status: a workspace's, plus ``restart`` while it
    runs (or failed) and ``logs`` while it has a live pod."""
    actions = workspace_actions(status, url)
    if status in ("running", "error"):
        actions.append("restart")
    if status in ("pending", "running"):
        actions.append("logs")
    return actions


def deployment_resource(deployment: dict[str, Any], sizes: dict[str, dict[str, Any]] | None = None) -> Resource:
    """The Resource of one Saturn ``Deployment`` object (a model API, a dashboard): a
    workspace's statuses and ``url``, with its ``command``, ``scale`` and ``running_count``."""
    raw = deployment.get("status")
    status = _status(raw, RESOURCE_STATUSES, "error")
    url = deployment.get("url") if status == "running" and isinstance(deployment.get("url"), str) else None

    def count(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None

    return saturn_resource(
        "deployment",
        deployment,
        status=status,
        message=None if status == raw else f"Unknown status {_shown(raw)}",
        url=url,
        started=_text_or_none(deployment.get("started_at")),
        actions=deployment_actions(status, url),
        details={
            "command": _text_or_none(deployment.get("command")),
            "scale": count(deployment.get("scale")),
            "runningCount": count(deployment.get("running_count")),
            "lastDeploy": _text_or_none(deployment.get("last_deploy")),
            "size": text(deployment.get("size_display")) or _text_or_none(deployment.get("instance_size")),
            **size_gpus(deployment, sizes),
        },
    )


def estimated_progress(elapsed: float, expected: float) -> int:
    """The progress a start shows ``elapsed`` seconds in when it is expected to take ``expected``:
    even until the expected time (``ESTIMATE_AT_EXPECTED`` % then), then slower and slower
    towards ``ESTIMATE_CEILING`` %, so a start that takes longer than usual still moves a little
    and one that takes about as long as usual ends near the end of the bar."""
    if expected <= 0:
        return ESTIMATE_AT_EXPECTED
    share = max(0.0, elapsed) / expected
    if share <= 1:
        return int(ESTIMATE_AT_EXPECTED * share)
    room = ESTIMATE_CEILING - ESTIMATE_AT_EXPECTED
    return min(ESTIMATE_CEILING - 1, int(ESTIMATE_AT_EXPECTED + room * (1 - math.exp(1 - share))))


def with_estimate(
    resource: Resource, elapsed: float, last_duration: float | None, size_median: float | None = None
) -> Resource:
    """A pending workspace (or deployment) with its estimated progress (Saturn gives no progress events):
    ``elapsed`` seconds since it was first seen pending, against its own last start's duration,
    else the median of recent starts of workspaces of its size. With neither, no estimate is made
    up: the progress is unknown (an indeterminate bar) and the message says how long it has been."""
    if resource["kind"] not in ("workspace", "deployment") or resource["status"] != "pending":
        return resource
    seconds = int(max(0.0, elapsed))
    if last_duration:
        expected, basis = last_duration, f"its last start took about {round(last_duration)} s"
    elif size_median:
        expected, basis = size_median, f"recent starts of this size took about {round(size_median)} s"
    else:
        return {
            **resource,
            "progress": None,
            "progressEstimated": True,
            "message": f"Saturn status: pending ({seconds} s so far; no start of this size seen yet, so no estimate)",
        }
    return {
        **resource,
        "progress": estimated_progress(elapsed, expected),
        "progressEstimated": True,
        "message": f"Saturn status: pending ({seconds} s; {basis})",
    }


def run_model(pod: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """One job run as the panel shows it, from a ``/history`` pod row.

    A finished run's duration is ``last_seen - start_time``. A run still going has its duration
    so far from the same two timestamps (when Saturn last saw it alive, Saturn's clock), so what
    the panel counts while it goes never exceeds the final duration; ``now`` stands in only when
    Saturn gives no ``last_seen``."""
    status = _status(pod.get("status"), RUN_STATUSES, "pending")
    started = _parse_time(pod.get("start_time"))
    last_seen = _parse_time(pod.get("last_seen"))
    finished = last_seen if status in FINISHED_RUN_STATUSES else None
    end = finished or last_seen or now or datetime.now(timezone.utc)
    try:
        duration = round(max(0.0, (end - started).total_seconds()), 1) if started else None
    except (OverflowError, ValueError):  # times at the very ends of the calendar
        duration = None
    return {
        "name": text(pod.get("pod_name")),
        "status": status,
        "started": pod.get("start_time") if started else None,
        "finished": pod.get("last_seen") if finished else None,
        "duration": duration,
    }


def sorted_runs(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A job's runs, newest first."""
    return sorted((run_model(p) for p in pods), key=lambda r: r["started"] or "", reverse=True)


def job_schedule(job: dict[str, Any]) -> str | None:
    """A job's cron schedule as Saturn reports it (``cron_schedule_options.schedule``)."""
    schedule = obj(job.get("cron_schedule_options")).get("schedule")
    return schedule if isinstance(schedule, str) and schedule else None


def job_notebook(job: dict[str, Any]) -> str | None:
    """The notebook a notebook job runs (the panel tags its jobs with the path)."""
    notebook = obj(job.get("tags")).get(NOTEBOOK_TAG)
    return notebook if isinstance(notebook, str) and notebook else None


def job_resource(
    job: dict[str, Any],
    runs: list[dict[str, Any]],
    now: datetime | None = None,
    sizes: dict[str, dict[str, Any]] | None = None,
) -> Resource:
    """The Resource of one Saturn ``Job`` with its runs (newest first); a job shows the status
    of its latest run. A notebook job is named after its notebook (the path in its details);
    a scheduled one says its schedule and next run."""
    latest = runs[0] if runs else None
    schedule = job_schedule(job)
    scheduled = bool(job.get("scheduled")) and schedule is not None
    held = obj(job.get("cron_schedule_options")).get("schedule")
    problem = schedule_problem(held, now=now) if held not in (None, "") else None
    notebook = job_notebook(job)
    extra: dict[str, Any] = {}
    if notebook:
        extra["displayName"] = PurePosixPath(notebook).name or notebook
    if problem:
        extra["message"] = problem
    running = job.get("running_count")
    actions = ["run"]
    if any(r["status"] in ("pending", "running") for r in runs) or (
        isinstance(running, (int, float)) and not isinstance(running, bool) and running > 0
    ):
        actions.append("stop")
    return saturn_resource(
        "job",
        job,
        status=latest["status"] if latest else _status(job.get("status"), RUN_STATUSES, "stopped"),
        started=latest["started"] if latest else None,
        actions=actions,
        details={
            "command": _text_or_none(job.get("command")),
            "size": text(job.get("size_display")) or _text_or_none(job.get("instance_size")),
            **size_gpus(job, sizes),
            "runs": runs[:RECENT_RUNS],
            "notebook": notebook,
            "schedule": schedule,
            "scheduled": scheduled,
            "nextRun": next_run(schedule, now) if scheduled and not problem else None,
            "scheduleTimezone": TIMEZONE,
        },
        **extra,
    )


def created_resource(created: dict[str, Any], recipe: dict[str, Any], owner: str) -> Resource:
    """The Resource of what ``POST /api/recipes`` (or the clone endpoint) just created.

    Saturn answers the Recipe (``{type, spec, state: {id, status}}``); the Resource has the shape
    the next read of that kind will give, so the browser can key its state on it at once.
    """
    state = obj(created.get("state"))
    spec = obj(created.get("spec")) or obj(recipe.get("spec")) or recipe  # older format: flat
    kind = str(created.get("type") or recipe.get("type") or "")
    if not kind:  # older format: the server block says what it is
        kind = "job" if "job" in recipe else "deployment" if "deployment" in recipe else "workspace"
    item = {
        "id": created.get("id") or state.get("id") or "",
        "name": spec.get("name") or "",
        "owner": {"name": owner},
        "status": state.get("status") or "stopped",
    }
    if kind == "workspace":
        return workspace_resource(item)
    if kind == "job":
        return job_resource(item, [])
    if kind == "deployment":
        return deployment_resource(item)
    return saturn_resource(kind, item, status=_status(item["status"], RESOURCE_STATUSES, "stopped"))
