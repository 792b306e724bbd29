"""Checks on everything a request carries before it goes upstream.

Names and ids are checked against the upstream's own rules so that a bad value gets a clear 400
here, and so that nothing in a path can change which host or path we talk to.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from .errors import BadRequest

_T = TypeVar("_T")

# JupyterHub 6 server names (jupyterhub/slugs.py is_valid_safe_slug): 1-30 of [a-z0-9-], starting
# with a letter, ending with a letter or digit, no "--".
_SERVER_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$")
_SATURN_ID = re.compile(r"^[0-9a-f]{32}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def server_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid JupyterHub 6 named-server name, or None when it is."""
    if not name:
        return "a server name cannot be empty"
    if len(name) > 30:
        return "a server name has at most 30 characters"
    if not name[0].isalpha() or not name[0].islower():
        return "a server name starts with a lower-case letter"
    if "--" in name:
        return 'a server name cannot contain "--"'
    if not _SERVER_NAME.fullmatch(name):
        if name.endswith("-"):
            return "a server name ends with a letter or a digit"
        return "a server name has only lower-case letters, digits and dashes"
    return None


def check_server_name(name: str) -> str:
    """Return ``name`` if it can name a server in a hub path ("" is the default server), else 400.

    Only what cannot be one path segment is refused here: a hub keeps servers named under older
    rules, and acting on those must work. New names get ``check_new_server_name``.
    """
    if name in (".", "..") or "/" in name or len(name) > 255 or _CONTROL.search(name):
        raise BadRequest(f"Invalid server name {name!r}: it cannot be part of a URL path.")
    return name


def check_new_server_name(name: str) -> str:
    """Return ``name`` if JupyterHub 6 accepts it for a new named server, else 400."""
    problem = server_name_problem(name)
    if problem:
        raise BadRequest(f"Invalid server name {name!r}: {problem}.")
    return name


def check_hub_user(user: str) -> str:
    """Return ``user`` if it can be a JupyterHub user name in a path, else 400."""
    if not user or len(user) > 255 or "/" in user or _CONTROL.search(user) or user in (".", ".."):
        raise BadRequest(f"Invalid user name {user!r}.")
    return user


#: How many users one page of a user search holds at most (the hub's own page limit).
SEARCH_LIMIT_MAX = 200


def check_user_search(text: str, offset: str, limit: str) -> tuple[str, int, int]:
    """The ``search``, ``offset`` and ``limit`` of a user search, checked, else 400."""
    if len(text) > 255 or _CONTROL.search(text):
        raise BadRequest("search must be at most 255 characters, without control characters.")
    # Digits are counted before int(): it refuses more than 4,300 of them (that was a 500), and an
    # offset past 18 digits overflows the hub's database.
    if not (offset.isascii() and offset.isdigit() and len(offset) <= 18):
        raise BadRequest(f"offset must be a whole number of 0 or more, not {offset[:40]!r}.")
    if not (limit.isascii() and limit.isdigit() and len(limit) <= 3) or not 1 <= int(limit) <= SEARCH_LIMIT_MAX:
        raise BadRequest(f"limit must be a whole number from 1 to {SEARCH_LIMIT_MAX}, not {limit[:40]!r}.")
    return text.strip(), int(offset), int(limit)


_EPOCH = re.compile(r"[0-9a-f]{1,32}")


def check_since(since: str | None, epoch: str | None, watching: str) -> tuple[int | None, str | None, bool]:
    """The ``since``, ``epoch`` and ``watching`` of ``GET resources``, checked, else 400."""
    if since is not None and (not since.isascii() or not since.isdigit() or len(since) > 18):
        raise BadRequest(f"since must be a sequence number (a whole number of 0 or more), not {since[:40]!r}.")
    if epoch is not None and not _EPOCH.fullmatch(epoch):
        raise BadRequest("epoch must be the epoch of an earlier answer (up to 32 hexadecimal characters).")
    if since is not None and epoch is None:
        raise BadRequest("since needs the epoch of the answer it came from.")
    if watching not in ("0", "1", "true", "false"):
        raise BadRequest("watching must be 1 or 0.")
    return (int(since) if since is not None else None), epoch, watching in ("1", "true")


#: How deeply a request body's arrays and objects may nest: far more than a form or a recipe needs,
#: far less than Python's recursion limit, which a deeper body hits when it is parsed or sent on.
MAX_JSON_DEPTH = 64


def check_json_depth(value: _T, limit: int = MAX_JSON_DEPTH) -> _T:
    """``value`` when its arrays and objects nest at most ``limit`` deep, else 400."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                raise BadRequest(f"The request body nests more than {limit} levels deep.")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return value


def check_saturn_id(resource_id: str) -> str:
    """Return ``resource_id`` if it is a Saturn Cloud id (32 lower-case hex characters), else 400."""
    if not _SATURN_ID.fullmatch(resource_id or ""):
        raise BadRequest(f"Invalid Saturn Cloud id {resource_id!r}: an id is 32 lower-case hexadecimal characters.")
    return resource_id


_RUN_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,251}[a-z0-9])?$")


def check_run_name(run: str) -> str:
    """A job run (pod) name: lower-case letters, digits and dashes, else 400."""
    if not run:
        raise BadRequest("run is required: the name of one of the job's runs.")
    if not _RUN_NAME.fullmatch(run):
        raise BadRequest(f"Invalid run name {run!r}.")
    return run


def check_folder(value: Any) -> str:
    """A folder relative to the Jupyter root, without ``..`` (where executed notebooks go)."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest("folder must be a folder path relative to the Jupyter root.")
    folder = value.strip().strip("/")
    if value.startswith("/") or "\\" in folder or ".." in folder.split("/") or _CONTROL.search(folder):
        raise BadRequest("folder must be relative to the Jupyter root, without '..'.")
    return folder


def check_display_name(value: Any) -> str:
    """A JupyterHub display name: 1-255 printable characters without stray spaces."""
    if not isinstance(value, str):
        raise BadRequest("displayName must be a string.")
    if not value or len(value) > 255:
        raise BadRequest("displayName must have 1 to 255 characters.")
    if _CONTROL.search(value) or value != value.strip() or "  " in value:
        raise BadRequest("displayName cannot have control characters, leading or trailing spaces, or double spaces.")
    return value


# Saturn Cloud identities (owner names): the OpenAPI spec's segment pattern.
_SATURN_IDENTITY = re.compile(r"^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$")
_RECIPE_NAME = re.compile(r"^[-a-zA-Z0-9]+$")
#: Required ``spec`` fields per recipe type (reference/saturn-api.md section 6a).
RECIPE_REQUIRED = {
    "workspace": ("name", "image", "instance_type"),
    "job": ("name", "image", "instance_type", "command"),
    "deployment": ("name", "image", "instance_type", "command"),
}
_STRING_FIELDS = ("name", "instance_type", "description", "working_directory", "start_script", "disk_space")


def check_saturn_user(user: Any) -> str:
    """A Saturn Cloud user (identity) name, else 400."""
    if not isinstance(user, str) or not _SATURN_IDENTITY.fullmatch(user):
        raise BadRequest(
            f"Invalid Saturn Cloud user {user!r}: lower-case letters, digits and single dashes, at most 39 characters."
        )
    return user


#: The server blocks of a recipe in the older flat format (reference/saturn-api.md section 6b).
LEGACY_BLOCKS = ("jupyter_server", "rstudio_server", "job", "deployment")


def is_legacy_recipe(recipe: dict[str, Any]) -> bool:
    """True for a recipe in the flat 2022.08.01 format (Saturn's recipe repository's examples)."""
    return "spec" not in recipe and "type" not in recipe and any(b in recipe for b in LEGACY_BLOCKS)


def check_legacy_recipe(recipe: dict[str, Any]) -> dict[str, Any]:
    """A flat-format recipe checked for shape only: what else it may hold is Saturn's to decide
    (its clone endpoint takes this format, and its refusal is passed on)."""
    name = recipe.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("recipe.name is required: the name of the resource to create.")
    blocks = [b for b in LEGACY_BLOCKS if b in recipe]
    if len(blocks) != 1 or not isinstance(recipe[blocks[0]], dict):
        raise BadRequest(
            "A recipe in the 2022.08.01 format has exactly one of jupyter_server, rstudio_server,"
            " job or deployment, as an object."
        )
    return recipe


def check_recipe(recipe: Any) -> dict[str, Any]:
    """A Saturn Cloud recipe: the current format (``{schema_version, type, spec}``) checked field
    by field, else a 400 that names the missing or wrong field; the older flat format (2022.08.01)
    checked for shape only."""
    if not isinstance(recipe, dict):
        raise BadRequest("recipe must be a JSON object.")
    if is_legacy_recipe(recipe):
        return check_legacy_recipe(recipe)
    kind = recipe.get("type")
    if kind is None:
        raise BadRequest("recipe.type is required (workspace, job or deployment).")
    if kind not in RECIPE_REQUIRED:
        raise BadRequest(f"recipe.type must be workspace, job or deployment, not {kind!r}.")
    version = recipe.get("schema_version")
    if version is not None and not isinstance(version, str):
        raise BadRequest('recipe.schema_version must be a string such as "2025.10.01".')
    spec = recipe.get("spec")
    if not isinstance(spec, dict):
        raise BadRequest("recipe.spec is required and must be an object.")
    for field in RECIPE_REQUIRED[kind]:
        value = spec.get(field)
        if value is None or value == "" or value == [] or value == {}:
            raise BadRequest(f"recipe.spec.{field} is required for a {kind}.")
    for field in _STRING_FIELDS:
        if field in spec and spec[field] is not None and not isinstance(spec[field], str):
            raise BadRequest(f"recipe.spec.{field} must be a string.")
    if not _RECIPE_NAME.fullmatch(spec["name"]):
        raise BadRequest("recipe.spec.name may only have letters, digits and dashes.")
    image = spec["image"]
    if not isinstance(image, (str, dict)):
        raise BadRequest('recipe.spec.image must be "owner/name:version" or an object.')
    command = spec.get("command")
    if command is not None and not isinstance(command, (str, list)):
        raise BadRequest("recipe.spec.command must be a string or a list of strings.")
    for field in ("environment_variables", "config_files", "tags", "extra_packages"):
        if field in spec and spec[field] is not None and not isinstance(spec[field], dict):
            raise BadRequest(f"recipe.spec.{field} must be an object.")
    if "git_repositories" in spec and not isinstance(spec["git_repositories"], list):
        raise BadRequest("recipe.spec.git_repositories must be a list.")
    if kind == "workspace" and spec.get("ide", "jupyter") not in ("jupyter", "rstudio"):
        raise BadRequest("recipe.spec.ide must be jupyter or rstudio.")
    return recipe
