"""Recipes (saturn-api.md §6a): validating them, turning them into resource settings, and
rendering a resource back as a recipe. The legacy flat format (§6b) is converted on the way in.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from . import catalog, cron
from .models import Deployment, Job, Resource, Workspace
from .views import deployment_url, workspace_url

SCHEMA_VERSION = "2025.10.01"
NAME_PATTERN = re.compile(r"^[-a-zA-Z0-9]+$")
RESOURCE_TYPES = ("workspace", "job", "deployment", "image")
SUPPORTED_TYPES = ("workspace", "job", "deployment")

_COMMON_FIELDS = {
    "name",
    "owner",
    "description",
    "tags",
    "image",
    "instance_type",
    "environment_variables",
    "working_directory",
    "start_script",
    "config_files",
    "token_scope",
    "start_dind",
    "extra_packages",
    "dask_cluster",
    "git_repositories",
    "secrets",
    "shared_folders",
    "status",
}
_WORKSPACE_FIELDS = _COMMON_FIELDS | {
    "ide",
    "disk_space",
    "auto_shutoff",
    "start_ssh",
    "use_spot_instance",
    "self_destruct",
    "routes",
    "viewers",
}
_JOB_FIELDS = _COMMON_FIELDS | {
    "command",
    "scale",
    "use_spot_instance",
    "schedule",
    "concurrency_policy",
    "retries",
}
_DEPLOYMENT_FIELDS = _COMMON_FIELDS | {
    "command",
    "scale",
    "start_ssh",
    "use_spot_instance",
    "routes",
    "viewers",
}
_KNOWN_FIELDS = {"workspace": _WORKSPACE_FIELDS, "job": _JOB_FIELDS, "deployment": _DEPLOYMENT_FIELDS}
_PACKAGE_MANAGERS = {"pip", "conda", "apt", "cran", "remotes", "bioconductor"}


class RecipeError(ValueError):
    """A recipe is invalid; the message names the offending field (answered with 400)."""


@dataclass
class ParsedRecipe:
    """A validated recipe: its type, the owner it names (if any), the desired status and the
    resource settings (model attribute name → value) it carries."""

    type: str
    name: str
    owner_name: str | None
    desired_status: str | None
    fields: dict[str, Any]


def _require_str(spec: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = spec.get(key)
    if value is None:
        if required:
            raise RecipeError(f"spec.{key} is required")
        return None
    if not isinstance(value, str):
        raise RecipeError(f"spec.{key} must be a string")
    if required and not value.strip():
        raise RecipeError(f"spec.{key} is required")
    return value


def _require_bool(spec: dict[str, Any], key: str) -> bool | None:
    value = spec.get(key)
    if value is not None and not isinstance(value, bool):
        raise RecipeError(f"spec.{key} must be true or false")
    return value


def _require_str_map(spec: dict[str, Any], key: str) -> dict[str, str] | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecipeError(f"spec.{key} must be an object")
    for k, v in value.items():
        if not isinstance(v, str):
            raise RecipeError(f"spec.{key}.{k} must be a string")
    return dict(value)


def _require_list(spec: dict[str, Any], key: str) -> list[Any] | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise RecipeError(f"spec.{key} must be a list")
    return list(value)


def _config_files(spec: dict[str, Any]) -> dict[str, dict[str, str]] | None:
    value = spec.get("config_files")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecipeError("spec.config_files must be an object of path: {content, mode}")
    files: dict[str, dict[str, str]] = {}
    for path, item in value.items():
        if isinstance(item, str):  # tolerate the short form path: content
            item = {"content": item}
        if not isinstance(item, dict) or not isinstance(item.get("content", ""), str):
            raise RecipeError(f"spec.config_files.{path}.content must be a string")
        mode = item.get("mode", "0644")
        if not isinstance(mode, str) or not re.fullmatch(r"0?[0-7]{3}", mode):
            raise RecipeError(f'spec.config_files.{path}.mode must be an octal string like "0644"')
        files[path] = {"content": item.get("content", ""), "mode": mode}
    return files


def _extra_packages(spec: dict[str, Any]) -> dict[str, Any] | None:
    value = spec.get("extra_packages")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RecipeError("spec.extra_packages must be an object")
    for key, item in value.items():
        if key not in _PACKAGE_MANAGERS:
            raise RecipeError(f"spec.extra_packages.{key} is not a known package manager")
        if item is not None and not isinstance(item, (str, dict)):
            raise RecipeError(f"spec.extra_packages.{key} must be a string or an object")
    return dict(value)


def _git_repositories(spec: dict[str, Any]) -> list[dict[str, Any]] | None:
    repos = _require_list(spec, "git_repositories")
    if repos is None:
        return None
    for index, repo in enumerate(repos):
        if not isinstance(repo, dict) or not isinstance(repo.get("url"), str) or not repo["url"]:
            raise RecipeError(f"spec.git_repositories[{index}].url is required")
    return repos


def _owner_name(spec: dict[str, Any]) -> str | None:
    owner = spec.get("owner")
    if owner is None:
        return None
    if isinstance(owner, dict):
        owner = owner.get("name")
    if not isinstance(owner, str) or not owner.strip():
        raise RecipeError('spec.owner must be "org/identity" or {"name": "org/identity"}')
    return owner.strip()


def _command(spec: dict[str, Any]) -> str:
    command = spec.get("command")
    if command is None:
        raise RecipeError("spec.command is required")
    if isinstance(command, list) and all(isinstance(part, str) for part in command):
        command = shlex.join(command)  # the CLI sends list-valued commands; store one string
    if not isinstance(command, str):
        raise RecipeError("spec.command must be a string")
    if not command.strip():
        raise RecipeError("spec.command must not be empty")
    return command


def _int(spec: dict[str, Any], key: str, minimum: int) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RecipeError(f"spec.{key} must be an integer >= {minimum}")
    return value


def _choice(spec: dict[str, Any], key: str, choices: Any) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if value not in choices:
        raise RecipeError(f"spec.{key} must be one of: {', '.join(choices)}")
    return str(value)


def parse_recipe(body: Any, *, enforce_unknown: bool = False) -> ParsedRecipe:
    """Validate a ``{schema_version, type, spec}`` recipe. Raises ``RecipeError`` whose message
    names the missing or wrong field, e.g. ``"spec.instance_type is required"``."""
    if not isinstance(body, dict):
        raise RecipeError("the request body must be a recipe object")
    rtype = body.get("type")
    if rtype is None:
        raise RecipeError("type is required")
    if rtype not in RESOURCE_TYPES:
        raise RecipeError(f"type must be one of: {', '.join(RESOURCE_TYPES)}")
    if rtype not in SUPPORTED_TYPES:
        raise RecipeError(f'type "{rtype}" is not supported by the simulator (use workspace, job or deployment)')
    spec = body.get("spec")
    if spec is None:
        raise RecipeError("spec is required")
    if not isinstance(spec, dict):
        raise RecipeError("spec must be an object")

    name = _require_str(spec, "name", required=True)
    assert name is not None
    if not NAME_PATTERN.fullmatch(name):
        raise RecipeError("spec.name must match ^[-a-zA-Z0-9]+$")
    if "image" not in spec or spec["image"] in (None, ""):
        raise RecipeError("spec.image is required")
    try:
        image_ref = catalog.parse_image(spec["image"])
    except ValueError as err:
        raise RecipeError(str(err)) from None
    instance_type = _require_str(spec, "instance_type", required=True)
    if instance_type not in catalog.SIZES:
        raise RecipeError(f'spec.instance_type "{instance_type}" is not one of: {", ".join(catalog.SIZES)}')
    if enforce_unknown:
        known = _KNOWN_FIELDS[rtype]
        for key in spec:
            if key not in known:
                raise RecipeError(f"spec.{key} is not a known {rtype} field")
    description = _require_str(spec, "description")
    if description is not None and len(description) > 2048:
        raise RecipeError("spec.description must be at most 2048 characters")

    fields: dict[str, Any] = {
        "image": spec["image"],
        "image_ref": image_ref,
        "instance_type": instance_type,
        "description": description,
        "tags": _require_str_map(spec, "tags"),
        "environment_variables": _require_str_map(spec, "environment_variables"),
        "working_directory": _require_str(spec, "working_directory"),
        "start_script": _require_str(spec, "start_script"),
        "config_files": _config_files(spec),
        "extra_packages": _extra_packages(spec),
        "git_repositories": _git_repositories(spec),
        "secrets": _require_list(spec, "secrets"),
        "shared_folders": _require_list(spec, "shared_folders"),
        "start_dind": _require_bool(spec, "start_dind"),
        "use_spot_instance": _require_bool(spec, "use_spot_instance"),
    }
    if rtype == "workspace":
        disk_space = _require_str(spec, "disk_space")
        if disk_space is not None and not re.fullmatch(r"[1-9][0-9]*Gi", disk_space):
            raise RecipeError('spec.disk_space must look like "10Gi"')
        fields.update(
            {
                "ide": _choice(spec, "ide", catalog.IDES),
                "disk_space": disk_space,
                "auto_shutoff": _choice(spec, "auto_shutoff", catalog.AUTO_SHUTOFF_OPTIONS),
                "start_ssh": _require_bool(spec, "start_ssh"),
                "self_destruct": _require_bool(spec, "self_destruct"),
                "routes": _require_list(spec, "routes"),
                "viewers": _require_list(spec, "viewers"),
            }
        )
    elif rtype == "deployment":
        fields.update(
            {
                "command": _command(spec),
                "scale": _int(spec, "scale", 1),
                "start_ssh": _require_bool(spec, "start_ssh"),
                "routes": _require_list(spec, "routes"),
                "viewers": _require_list(spec, "viewers"),
            }
        )
    else:
        schedule = _require_str(spec, "schedule")
        if schedule:  # Kubernetes' CronJob validation (one that never fires is accepted)
            try:
                cron.parse(schedule)
            except cron.ScheduleError as err:
                raise RecipeError(f"spec.schedule: invalid cron schedule {schedule!r}: {err}") from None
        fields.update(
            {
                "command": _command(spec),
                "scale": _int(spec, "scale", 1),
                "retries": _int(spec, "retries", 0),
                "schedule": schedule,
                "scheduled": bool(schedule) if "schedule" in spec else None,
                "concurrency_policy": _choice(spec, "concurrency_policy", ("Allow", "Forbid", "Replace")),
            }
        )
    desired = _choice(spec, "status", ("stopped", "running"))
    return ParsedRecipe(
        type=rtype,
        name=name,
        owner_name=_owner_name(spec),
        desired_status=desired,
        # None means "not given": keep the model's default (create) or current value (apply)
        fields={k: v for k, v in fields.items() if v is not None},
    )


def convert_legacy(body: Any) -> Any:
    """Turn a legacy flat recipe (schema 2022.08.01, one ``jupyter_server``/``rstudio_server``/
    ``job`` block) into the current ``{type, spec}`` form; other bodies pass through."""
    if not isinstance(body, dict) or "type" in body or "spec" in body:
        return body
    blocks = [key for key in ("jupyter_server", "rstudio_server", "job", "deployment") if key in body]
    if not blocks:
        return body
    block_name = blocks[0]
    block = body.get(block_name) or {}
    spec = {
        k: v
        for k, v in body.items()
        if k not in {"schema_version", "visibility", "jupyter_server", "rstudio_server", "job", "deployment"}
    }
    if isinstance(block, dict):
        spec.update(
            {k: v for k, v in block.items() if k not in {"subdomain", "backoff_limit", "public", "instance_count"}}
        )
        if "backoff_limit" in block:
            spec["retries"] = block["backoff_limit"]
        if "instance_count" in block:
            spec["scale"] = block["instance_count"]
    for secret in spec.get("secrets") or []:
        if isinstance(secret, dict) and "type" in secret:
            secret["attachment_type"] = secret.pop("type")
    if block_name in ("jupyter_server", "rstudio_server"):
        spec["ide"] = "rstudio" if block_name == "rstudio_server" else "jupyter"
        rtype = "workspace"
    else:
        rtype = block_name
    return {"schema_version": SCHEMA_VERSION, "type": rtype, "spec": spec}


def recipe_view(resource: Resource, base_url: str, as_template: bool = False) -> dict[str, Any]:
    """The resource as a ``{schema_version, type, spec, state}`` recipe. ``as_template`` drops
    what makes it this particular resource (``state``, ``owner``)."""
    spec: dict[str, Any] = {
        "name": resource.name,
        "owner": resource.owner.owner_name,
        "description": resource.description,
        "tags": dict(resource.tags),
        "image": resource.image,
        "instance_type": resource.instance_type,
        "environment_variables": dict(resource.environment_variables),
        "working_directory": resource.working_directory,
        "start_script": resource.start_script,
        "config_files": {path: dict(item) for path, item in resource.config_files.items()},
        "extra_packages": dict(resource.extra_packages),
        "git_repositories": [dict(repo) for repo in resource.git_repositories],
        "secrets": list(resource.secrets),
        "shared_folders": list(resource.shared_folders),
        "start_dind": resource.start_dind,
        "use_spot_instance": resource.use_spot_instance,
    }
    state: dict[str, Any] = {"id": resource.id, "ssh_url": None, "routes": []}
    if isinstance(resource, Workspace):
        spec.update(
            {
                "ide": resource.ide,
                "disk_space": resource.disk_space,
                "auto_shutoff": resource.auto_shutoff,
                "start_ssh": resource.start_ssh,
                "self_destruct": resource.self_destruct,
                "routes": list(resource.routes),
                "viewers": list(resource.viewers),
            }
        )
        state["status"] = resource.status
        state["url"] = workspace_url(resource, base_url)
    elif isinstance(resource, Deployment):
        spec.update(
            {
                "command": resource.command,
                "scale": resource.scale,
                "start_ssh": resource.start_ssh,
                "routes": list(resource.routes),
                "viewers": list(resource.viewers),
            }
        )
        state["status"] = resource.status
        state["url"] = deployment_url(resource, base_url)
    else:
        assert isinstance(resource, Job)
        spec.update(
            {
                "command": resource.command,
                "scale": resource.scale,
                "retries": resource.retries,
                "schedule": resource.schedule,
                "concurrency_policy": resource.concurrency_policy,
            }
        )
        state["status"] = resource.status
    recipe: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "type": resource.resource_type, "spec": spec}
    if as_template:
        del spec["owner"]
    else:
        recipe["state"] = state
    return recipe
