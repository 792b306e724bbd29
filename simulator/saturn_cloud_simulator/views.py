"""The JSON shapes the simulator returns, built from the model (saturn-api.md §3).

``base_url`` is the simulator's own origin, used for links that point back at it
(a running workspace's IDE ``url``, login links).
"""

from __future__ import annotations

from typing import Any

from .catalog import SIZES
from .models import (
    Deployment,
    DeploymentPod,
    Job,
    LogLine,
    Org,
    Resource,
    Run,
    User,
    Workspace,
    format_log_timestamp,
    format_timestamp,
    utcnow,
)
from .options import API_VERSION


def status_view() -> dict[str, str]:
    """``GET /api/status``."""
    return {"status": "ok", "version": API_VERSION}


def org_view(org: Org) -> dict[str, Any]:
    """One entry of ``GET /api/orgs``."""
    return {
        "id": org.id,
        "name": org.name,
        "description": "Simulated organisation",
        "email": f"admin@{org.name}.example.com",
        "website_url": None,
        "is_primary": True,
        "locked": False,
        "created_at": format_timestamp(org.created_at),
    }


def user_view(user: User) -> dict[str, Any]:
    """``UserDetailed`` (``GET /api/user``)."""
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "admin": user.admin,
        "locked": False,
        "locked_reason": None,
        "active": True,
        "avatar_url": "",
        "created_at": format_timestamp(user.created_at),
        "is_multiple_ssh_keys": False,
    }


def owner_view(user: User) -> dict[str, Any]:
    """The ``owner`` object embedded in every resource."""
    return {
        "id": user.owner_id,
        "name": user.owner_name,
        "identity_name": user.username,
        "org_name": user.org.name,
        "org_id": user.org.id,
        "user_id": user.id,
        "group_id": None,
        "identity_type": "user",
        "org_admin": user.admin,
        "avatar_url": "",
        "created_at": format_timestamp(user.created_at),
    }


def _image_tag_view(resource: Resource) -> dict[str, Any]:
    ref = resource.image_ref
    created = format_timestamp(resource.created_at)
    return {
        "id": f"{ref.owner}-{ref.name}-{ref.version}",
        "image_uri": ref.uri,
        "version": ref.version,
        "image": {
            "id": f"{ref.owner}-{ref.name}",
            "name": ref.name,
            "owner_name": ref.owner,
            "description": "",
            "hardware_type": "cpu",
            "created_at": created,
        },
        "description": "",
        "archived": False,
        "is_external": False,
        "status": "ready",
        "created_at": created,
    }


def _install_text(value: Any) -> str | None:
    """Package lists may be given as ``"a b"`` or as ``{"install": "a b"}``."""
    if isinstance(value, dict):
        value = value.get("install")
    return value if isinstance(value, str) and value else None


def _extra_packages_view(extra: dict[str, Any]) -> dict[str, Any]:
    pip, conda = extra.get("pip"), extra.get("conda")
    return {
        "pip": _install_text(pip) or (pip.get("requirements_txt") if isinstance(pip, dict) else None),
        "conda": _install_text(conda) or (conda.get("environment_yml") if isinstance(conda, dict) else None),
        "apt": _install_text(extra.get("apt")),
        "use_mamba": bool(conda.get("use_mamba")) if isinstance(conda, dict) else False,
        "as_requirements_txt": isinstance(pip, dict) and bool(pip.get("requirements_txt")),
        "as_environment_yml": isinstance(conda, dict) and bool(conda.get("environment_yml")),
    }


def workspace_url(workspace: Workspace, base_url: str) -> str | None:
    """The IDE link: set only while the workspace is running (seed 000: "provided the resource
    is running"). It points at the simulator's own fake IDE page."""
    if workspace.status != "running":
        return None
    path = "rstudio" if workspace.ide == "rstudio" else "lab"
    return f"{base_url}/ide/{workspace.owner.username}/{workspace.name}/{path}"


def deployment_url(deployment: Deployment, base_url: str) -> str | None:
    """The deployment's public link, set only while it runs. It points at the simulator's own
    stand-in page for the deployed app (``/deploy/{identity}/{name}/``)."""
    if deployment.status != "running":
        return None
    return f"{base_url}/deploy/{deployment.owner.username}/{deployment.name}/"


def _common_view(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name,
        "owner": owner_view(resource.owner),
        "description": resource.description,
        "tags": dict(resource.tags) or None,
        "image_tag": _image_tag_view(resource),
        "extra_packages": _extra_packages_view(resource.extra_packages),
        "start_script": resource.start_script,
        "environment_variables": dict(resource.environment_variables),
        "working_dir": resource.working_directory,
        "config_files": {path: dict(spec) for path, spec in resource.config_files.items()},
        "instance_size": resource.instance_type,
        "size_display": SIZES.get(resource.instance_type, {}).get("display", resource.instance_type),
        "is_spot": resource.use_spot_instance,
        "start_dind": resource.start_dind,
        "k8s_name": f"{resource.resource_type[0]}-{resource.owner.username}-{resource.name}-{resource.id}".lower(),
        "require_restart": resource.require_restart,
        "resource_type": resource.resource_type,
        "debug_mode": resource.debug_mode,
        "created_at": format_timestamp(resource.created_at),
        "updated_at": format_timestamp(resource.updated_at),
        "dask_cluster": None,
    }


def workspace_view(workspace: Workspace, base_url: str) -> dict[str, Any]:
    """The ``Workspace`` object."""
    view = _common_view(workspace)
    view.update(
        {
            "ide": workspace.ide,
            "disk_space": workspace.disk_space,
            "auto_shutoff": workspace.auto_shutoff,
            "start_ssh": workspace.start_ssh,
            "self_destruct": workspace.self_destruct,
            "subdomain": workspace.subdomain,
            "started_at": format_timestamp(workspace.started_at),
            "status": workspace.status,
            "url": workspace_url(workspace, base_url),
            "ssh_url": None,
        }
    )
    view.update(workspace.view_overrides)
    return view


def job_view(job: Job) -> dict[str, Any]:
    """The ``Job`` object (no ``url``: jobs have no IDE)."""
    view = _common_view(job)
    view.update(
        {
            "command": job.command,
            "scale": job.scale,
            "retries": job.retries,
            "last_deploy": format_timestamp(job.last_deploy),
            "status": job.status,
            "running_count": len(job.active_runs),
            "scheduled": job.scheduled,
            "cron_schedule_options": (
                {"schedule": job.schedule, "concurrency_policy": job.concurrency_policy} if job.schedule else None
            ),
        }
    )
    view.update(job.view_overrides)
    return view


def deployment_view(deployment: Deployment, base_url: str) -> dict[str, Any]:
    """The ``Deployment`` object: a workspace's lifecycle with a job's ``command``/``scale``."""
    view = _common_view(deployment)
    view.update(
        {
            "command": deployment.command,
            "scale": deployment.scale,
            "running_count": deployment.running_count,
            "start_ssh": deployment.start_ssh,
            "subdomain": deployment.subdomain,
            "routes": [dict(route) for route in deployment.routes],
            "viewers": [dict(viewer) for viewer in deployment.viewers],
            "healthcheck": dict(deployment.healthcheck) if deployment.healthcheck else None,
            "last_deploy": format_timestamp(deployment.last_deploy),
            "started_at": format_timestamp(deployment.started_at),
            "status": deployment.status,
            "url": deployment_url(deployment, base_url),
            "ssh_url": None,
        }
    )
    view.update(deployment.view_overrides)
    return view


def resource_view(resource: Resource, base_url: str) -> dict[str, Any]:
    """The typed object of any kind of resource."""
    if isinstance(resource, Workspace):
        return workspace_view(resource, base_url)
    if isinstance(resource, Deployment):
        return deployment_view(resource, base_url)
    assert isinstance(resource, Job)
    return job_view(resource)


# --- job runs ------------------------------------------------------------------------------


def history_row(run: Run) -> dict[str, Any]:
    """One row of ``GET /api/jobs/{id}/history``."""
    # A live pod was last seen just now; a finished one when it finished.
    last_seen = run.completed_at or utcnow()
    return {
        "pod_name": run.name,
        "status": run.status,
        "start_time": format_timestamp(run.created_at),
        "last_seen": format_timestamp(last_seen),
        "label_job_name": run.job_name,
        **run.job.history_overrides,
    }


def _container_status(run: Run) -> str:
    return {"pending": "waiting", "stopped": "completed"}.get(run.status, run.status)


def pod_summary_view(run: Run) -> dict[str, Any]:
    """``PodRuntimeSummary`` of a run, as ``/api/active/pods`` and job runtimesummary give it."""
    job = run.job
    started = format_timestamp(run.started_at)
    finished = format_timestamp(run.completed_at)
    return {
        "name": run.name,
        "namespace": "main-namespace",
        "uid": run.uid,
        "labels": {
            "job-name": run.job_name,
            "saturncloud.io/resource-id": job.id,
            "saturncloud.io/resource-type": "job",
            "saturncloud.io/resource-name": job.name,
            "saturncloud.io/owner": job.owner.owner_name,
        },
        "annotations": {},
        "conditions": [],
        "started_at": format_timestamp(run.created_at),
        "deleted_at": None,
        "completed_at": finished,
        "node_name": "sim-node-0",
        "status": run.status,
        "reason": None,
        "init_container_summaries": [],
        "container_summaries": [
            {
                "name": "main",
                "status": _container_status(run),
                "started_at": started,
                "finished_at": finished,
                "exit_code": run.exit_code,
                "restart_policy": "Never",
                "image_pulled": run.status != "pending",
                "reason": None,
                "previous": None,
            }
        ],
    }


def job_runtime_summary(job: Job) -> dict[str, Any]:
    """``GET /api/jobs/{id}/runtimesummary``: one summary per live run, with its pod nested
    (the pre-2026 shape saturn-client's legacy path reads)."""
    summaries: list[dict[str, Any]] = []
    for run in reversed(job.active_runs):
        summaries.append(
            {
                "name": run.job_name,
                "status": run.status,
                "started_at": format_timestamp(run.created_at),
                "completed_at": format_timestamp(run.completed_at),
                "scale": job.scale,
                "running_count": 1 if run.status == "running" else 0,
                "active_count": 1,
                "pod_summaries": [pod_summary_view(run)],
            }
        )
    return {"job_summaries": summaries}


def workspace_runtime_summary(workspace: Workspace) -> dict[str, Any]:
    """``GET /api/workspaces/{id}/runtimesummary``."""
    running = workspace.status == "running"
    return {
        "name": f"w-{workspace.owner.username}-{workspace.name}-{workspace.id}",
        "namespace": "main-namespace",
        "uid": workspace.id,
        "labels": {"saturncloud.io/resource-id": workspace.id},
        "annotations": {},
        "conditions": [],
        "started_at": format_timestamp(workspace.started_at),
        "deleted_at": None,
        "status": workspace.status,
        "scale": 1 if workspace.is_active else 0,
        "running_count": 1 if running else 0,
        "active_count": 1 if workspace.is_active else 0,
        "disk_space": workspace.disk_space,
    }


def deployment_pod_summary_view(pod: DeploymentPod) -> dict[str, Any]:
    """``PodRuntimeSummary`` of a deployment's pod."""
    deployment = pod.deployment
    started = format_timestamp(pod.started_at)
    finished = format_timestamp(pod.completed_at)
    return {
        "name": pod.name,
        "namespace": "main-namespace",
        "uid": pod.uid,
        "labels": {
            "saturncloud.io/resource-id": deployment.id,
            "saturncloud.io/resource-type": "deployment",
            "saturncloud.io/resource-name": deployment.name,
            "saturncloud.io/owner": deployment.owner.owner_name,
        },
        "annotations": {},
        "conditions": [],
        "started_at": format_timestamp(pod.created_at),
        "deleted_at": None,
        "completed_at": finished,
        "node_name": "sim-node-0",
        "status": pod.status,
        "reason": None,
        "init_container_summaries": [],
        "container_summaries": [
            {
                "name": "main",
                "status": {"pending": "waiting", "stopped": "completed"}.get(pod.status, pod.status),
                "started_at": started,
                "finished_at": finished,
                "exit_code": pod.exit_code,
                "restart_policy": "Always",
                "image_pulled": pod.status != "pending",
                "reason": None,
                "previous": None,
            }
        ],
    }


def deployment_history_row(pod: DeploymentPod) -> dict[str, Any]:
    """One row of ``GET /api/deployments/{id}/history``."""
    return {
        "pod_name": pod.name,
        "status": pod.status,
        "start_time": format_timestamp(pod.created_at),
        "last_seen": format_timestamp(pod.completed_at or utcnow()),
    }


def deployment_runtime_summary(deployment: Deployment) -> dict[str, Any]:
    """``GET /api/deployments/{id}/runtimesummary``: the ``WorkspaceRuntimeSummary`` shape plus
    the live pods (``pod_summaries``, as saturn-client's legacy live-pod path reads them)."""
    return {
        "name": f"d-{deployment.owner.username}-{deployment.name}-{deployment.id}",
        "namespace": "main-namespace",
        "uid": deployment.id,
        "labels": {"saturncloud.io/resource-id": deployment.id},
        "annotations": {},
        "conditions": [],
        "started_at": format_timestamp(deployment.started_at),
        "deleted_at": None,
        "status": deployment.status,
        "scale": deployment.scale if deployment.is_active else 0,
        "running_count": deployment.running_count,
        "active_count": deployment.scale if deployment.is_active else 0,
        "pod_summaries": [deployment_pod_summary_view(pod) for pod in reversed(deployment.active_pods)],
    }


def log_line_view(run: Run | DeploymentPod, line: LogLine) -> dict[str, Any]:
    """One entry of ``GET /api/jobs/{id}/logs``."""
    return {
        "timestamp": format_log_timestamp(line.timestamp),
        "content": line.content,
        "pod_name": run.name,
        "container_name": "main",
    }
