"""The choices a user makes when a hub server starts (``c.SaturnPanel.hub_spawn_options``).

JupyterHub's REST API takes ``user_options`` on a start but cannot say what the options are, so
the admin configures them here, in one of two shapes:

- KubeSpawner's ``profile_list`` (what zero-to-jupyterhub admins already write): profiles with
  ``display_name``, ``description``, ``slug``, ``default`` and ``profile_options`` whose
  ``choices`` a user picks from. It becomes a JSON Schema form whose data is exactly the
  ``user_options`` KubeSpawner reads: ``profile`` (the slug) and ``profile-option-{name}`` (the
  chosen key) for each option of that profile. ``kubespawner_override`` stays on the server.
- A JSON Schema of an object, for any other spawner: its form data is the ``user_options``.

Everything here is checked when the server starts: a malformed value stops it with a message
that names the entry, before anything is sent to the hub.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

#: Keys of a profile and of a profile option the panel reads; others (kubespawner_override, ...)
#: are the hub's business and never reach the browser.
_OPTION_PREFIX = "profile-option-"


class SpawnOptionsError(ValueError):
    """``hub_spawn_options`` is malformed; the message names the entry."""


def slugify(text: str) -> str:
    """A profile's slug from its display name, as KubeSpawner derives one when none is given:
    ASCII, lower case, runs of anything else as one dash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class SpawnOptions:
    """The parsed configuration: the form to show and how to read a server's options back."""

    source: str  # "profile_list" | "schema"
    schema: dict[str, Any]
    #: profile slug -> display name, to name a running server's profile (profile_list only)
    profiles: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """What the browser gets in ``config``: the form, never an override."""
        return {"source": self.source, "schema": self.schema}

    def profile_label(self, user_options: Any) -> str | None:
        """The display name of the profile a server was started with, when it names one."""
        if not isinstance(user_options, dict):
            return None
        slug = user_options.get("profile")
        if not isinstance(slug, str) or not slug:
            return None
        return self.profiles.get(slug, slug)


def started_with(user_options: Any, options: SpawnOptions | None) -> str | None:
    """A short label of what a server was started with: its profile's name, when there is one."""
    if options is not None:
        return options.profile_label(user_options)
    if isinstance(user_options, dict) and isinstance(user_options.get("profile"), str):
        return str(user_options["profile"]) or None
    return None


def parse_spawn_options(value: Any) -> SpawnOptions | None:
    """Parse ``c.SaturnPanel.hub_spawn_options``: None, a profile list (a list, or a mapping with
    ``profile_list``/``profileList`` as in the hub's chart), or a JSON Schema of an object."""
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, dict) and ("profile_list" in value or "profileList" in value):
        value = value.get("profile_list", value.get("profileList"))
    if isinstance(value, list):
        return _from_profile_list(value)
    if isinstance(value, dict):
        return SpawnOptions("schema", _checked_schema(value))
    raise SpawnOptionsError(
        "hub_spawn_options must be a KubeSpawner profile_list (a list) or a JSON Schema (an object),"
        f" not {type(value).__name__}."
    )


def _checked_schema(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise SpawnOptionsError('hub_spawn_options as a JSON Schema must be {"type": "object", "properties": {...}}.')
    for name, prop in schema["properties"].items():
        if not isinstance(prop, dict):
            raise SpawnOptionsError(f"hub_spawn_options: properties.{name} must be an object (a schema).")
    required = schema.get("required", [])
    if not isinstance(required, list) or any(r not in schema["properties"] for r in required):
        raise SpawnOptionsError("hub_spawn_options: required must list names of properties.")
    return schema


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SpawnOptionsError(f"hub_spawn_options: {where}.{key} must be a non-empty string.")
    return value


def _from_profile_list(profiles: list[Any]) -> SpawnOptions:
    if not profiles:
        raise SpawnOptionsError("hub_spawn_options: the profile list is empty.")
    choices: list[dict[str, Any]] = []
    branches: list[dict[str, Any]] = []
    labels: dict[str, str] = {}
    default_slug: str | None = None
    for index, profile in enumerate(profiles):
        where = f"profile_list[{index}]"
        if not isinstance(profile, dict):
            raise SpawnOptionsError(f"hub_spawn_options: {where} must be an object.")
        name = _text(profile, "display_name", where, required=True)
        slug = _text(profile, "slug", where) or slugify(name)
        if not slug:
            raise SpawnOptionsError(f"hub_spawn_options: {where} needs a slug (its display name gives none).")
        if slug in labels:
            raise SpawnOptionsError(f"hub_spawn_options: two profiles have the slug {slug!r}.")
        labels[slug] = name
        choice: dict[str, Any] = {"const": slug, "title": name}
        description = _text(profile, "description", where)
        if description:
            choice["description"] = description
        choices.append(choice)
        if profile.get("default") is True and default_slug is None:
            default_slug = slug
        branch_properties: dict[str, Any] = {"profile": {"const": slug}}
        branch_required: list[str] = []
        options = profile.get("profile_options") or {}
        if not isinstance(options, dict):
            raise SpawnOptionsError(f"hub_spawn_options: {where}.profile_options must be an object.")
        for option_name, option in options.items():
            key = f"{_OPTION_PREFIX}{option_name}"
            branch_properties[key] = _option_schema(option, f"{where}.profile_options.{option_name}")
            branch_required.append(key)
        branches.append({"properties": branch_properties, "required": branch_required})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "profile": {
                "type": "string",
                "title": "Profile",
                "oneOf": choices,
                "default": default_slug or choices[0]["const"],
            }
        },
        "required": ["profile"],
        "dependencies": {"profile": {"oneOf": branches}},
    }
    return SpawnOptions("profile_list", schema, labels)


def _option_schema(option: Any, where: str) -> dict[str, Any]:
    if not isinstance(option, dict):
        raise SpawnOptionsError(f"hub_spawn_options: {where} must be an object.")
    title = _text(option, "display_name", where, required=True)
    raw_choices = option.get("choices")
    if not isinstance(raw_choices, dict) or not raw_choices:
        raise SpawnOptionsError(f"hub_spawn_options: {where}.choices must be a non-empty object.")
    choices = []
    default: str | None = None
    for key, choice in raw_choices.items():
        if not isinstance(choice, dict):
            raise SpawnOptionsError(f"hub_spawn_options: {where}.choices.{key} must be an object.")
        label = _text(choice, "display_name", f"{where}.choices.{key}", required=True)
        choices.append({"const": str(key), "title": label})
        if choice.get("default") is True and default is None:
            default = str(key)
    return {"type": "string", "title": title, "oneOf": choices, "default": default or choices[0]["const"]}
