"""Checks on everything a request carries before it goes upstream.

Names and ids are checked against the upstream's own rules so that a bad value gets a clear 400
here, and so that nothing in a path can change which host or path we talk to.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import BadRequest

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
    if not _SERVER_NAME.match(name):
        if name.endswith("-"):
            return "a server name ends with a letter or a digit"
        return "a server name has only lower-case letters, digits and dashes"
    return None


def check_server_name(name: str) -> str:
    """Return ``name`` if it is the default server ("") or a valid named-server name, else 400."""
    if name == "":
        return name
    problem = server_name_problem(name)
    if problem:
        raise BadRequest(f"Invalid server name {name!r}: {problem}.")
    return name


def check_hub_user(user: str) -> str:
    """Return ``user`` if it can be a JupyterHub user name in a path, else 400."""
    if not user or len(user) > 255 or "/" in user or _CONTROL.search(user) or user in (".", ".."):
        raise BadRequest(f"Invalid user name {user!r}.")
    return user


def check_saturn_id(resource_id: str) -> str:
    """Return ``resource_id`` if it is a Saturn Cloud id (32 lower-case hex characters), else 400."""
    if not _SATURN_ID.match(resource_id or ""):
        raise BadRequest(
            f"Invalid Saturn Cloud id {resource_id!r}: an id is 32 lower-case hexadecimal characters."
        )
    return resource_id


def check_display_name(value: Any) -> str:
    """A JupyterHub display name: 1-255 printable characters without stray spaces."""
    if not isinstance(value, str):
        raise BadRequest("displayName must be a string.")
    if not value or len(value) > 255:
        raise BadRequest("displayName must have 1 to 255 characters.")
    if _CONTROL.search(value) or value != value.strip() or "  " in value:
        raise BadRequest(
            "displayName cannot have control characters, leading or trailing spaces, or double spaces."
        )
    return value
