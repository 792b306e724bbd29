"""The choices a user makes when a hub server starts (``c.SaturnPanel.hub_spawn_options``).

JupyterHub's REST API takes ``user_options`` on a start but cannot say what the options are, so
the admin configures them here, in one of two shapes:

- KubeSpawner's ``profile_list`` (what zero-to-jupyterhub admins already write), read as
  KubeSpawner 7 reads it (``kubespawner/spawner.py``: ``_get_initialized_profile_list``,
  ``_get_profile``, ``_validate_user_options``, ``_load_profile``, ``load_user_options``). It
  becomes a JSON Schema form whose data is exactly the ``user_options`` KubeSpawner reads through
  the REST API: ``profile`` (the slug), ``{option}`` (the key of the chosen choice) and
  ``{option}--unlisted-choice`` (a free-form value, when the option's ``unlisted_choice`` is
  enabled). ``profile-option-{slug}--{option}`` are the field names of the hub's HTML form, which
  KubeSpawner's ``options_from_form`` turns into those same keys; through the API it never reads
  them. ``kubespawner_override`` stays on the server.
- A JSON Schema of an object, for any other spawner: its form data is the ``user_options``.

A value the panel cannot use never stops the server: ``parse_spawn_options`` always answers, and
what is wrong (naming the entry) goes to the browser in ``config`` (``hub.spawnOptions.problems``),
where *Start with options…* says it. The rest of the hub section works as without options.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import Any

#: The suffix of the ``user_options`` key of an option's free-form value (KubeSpawner's own).
UNLISTED_SUFFIX = "--unlisted-choice"
#: KubeSpawner's label of the choice that reveals the free-form field when none is configured.
OTHER_LABEL = "Other..."
#: The schema keyword that marks the select's "other" choice: its value is the name of the
#: free-form field it reveals, and the choice itself is never sent (see src/dialogs/startOptions.tsx).
UNLISTED_MARK = "x-unlisted-choice"
#: The schema keyword of the message shown when a free-form value does not match its regex.
MESSAGE_KEY = "x-validation-message"


class SpawnOptionsError(ValueError):
    """``hub_spawn_options`` is malformed; the message names the entry."""


# -- KubeSpawner's slug of a display name -------------------------------------------------------
# KubeSpawner derives a missing slug with python-slugify's ``slugify(display_name)`` (defaults:
# its frozen "legacy" pipeline). When python-slugify is installed beside the panel it is called;
# otherwise this port of that pipeline answers, exactly for every display name whose NFKD form
# is ASCII apart from combining accents (tests/test_spawn_options.py compares the two). Others
# need python-slugify's transliteration tables ("数据" → "shu-ju"): without them the profile is
# reported and the admin writes its slug.
_ENTITY = re.compile("&({});".format("|".join(name2codepoint)))
_DECIMAL = re.compile(r"&#(\d+);")
_HEX = re.compile(r"&#x([\da-fA-F]+);")
_QUOTES = re.compile(r"[']+")
_DISALLOWED = re.compile(r"[^-a-zA-Z0-9]+")
_DASHES = re.compile(r"-{2,}")
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d)")
#: Combining accents every transliteration table python-slugify may use maps to nothing.
_ACCENTS = re.compile("[\u0300-\u034e]")


@functools.lru_cache(maxsize=1)
def _python_slugify() -> Any:
    """python-slugify's ``slugify`` when that distribution is installed (another package may
    also be named ``slugify``), else None."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        version("python-slugify")
        from slugify import slugify
    except (ImportError, PackageNotFoundError):
        return None
    return slugify


def kubespawner_slug(display_name: str, *, use_library: bool = True) -> str | None:
    """The slug KubeSpawner gives a profile that has none: ``slugify(display_name)``. None when
    it cannot be known here (no python-slugify and a name that needs transliteration)."""
    library = _python_slugify() if use_library else None
    if library is not None:
        return str(library(display_name))
    text = _QUOTES.sub("-", display_name)
    text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    if not text.isascii():
        return None
    text = _ENTITY.sub(lambda m: chr(name2codepoint[m.group(1)]), text)
    # As python-slugify: a reference it cannot decode leaves every one of its kind as written.
    try:
        text = _DECIMAL.sub(lambda m: chr(int(m.group(1))), text)
    except (ValueError, OverflowError):
        pass
    try:
        text = _HEX.sub(lambda m: chr(int(m.group(1), 16)), text)
    except (ValueError, OverflowError):
        pass
    text = unicodedata.normalize("NFKD", text).lower()
    text = _QUOTES.sub("", text)
    text = _NUMBER_COMMA.sub("", text)
    text = _DISALLOWED.sub("-", text)
    return _DASHES.sub("-", text).strip("-")


# -- the profile list as KubeSpawner initialises it --------------------------------------------
@dataclass(frozen=True)
class Unlisted:
    """An option's ``unlisted_choice`` when enabled: the free-form field."""

    label: str
    choice_label: str
    regex: str | None
    message: str | None


@dataclass(frozen=True)
class ProfileOption:
    """One of a profile's ``profile_options``."""

    name: str
    title: str
    #: choice key -> display name, in the configured order
    choices: dict[str, str]
    #: KubeSpawner's default choice: the first with a true ``default``, else the first; None
    #: when there are no choices (then a free-form value must be given)
    default: str | None
    unlisted: Unlisted | None

    @property
    def unlisted_key(self) -> str:
        return f"{self.name}{UNLISTED_SUFFIX}"


@dataclass(frozen=True)
class Profile:
    slug: str
    display_name: str
    description: str
    options: tuple[ProfileOption, ...] = ()


@dataclass(frozen=True)
class SpawnOptions:
    """The parsed configuration: the form to show (or what is wrong), and how to read a server's
    options back."""

    source: str  # "profile_list" | "schema"
    schema: dict[str, Any] | None
    #: what makes the value unusable, each naming its entry; the form is then not offered
    problems: tuple[str, ...] = ()
    #: the profiles (profile_list only), in KubeSpawner's order
    profiles: tuple[Profile, ...] = ()
    #: the slug of the profile KubeSpawner starts when ``profile`` is missing or empty
    default_slug: str | None = None

    def describe(self) -> dict[str, Any]:
        """What the browser gets in ``config``: the form, never an override."""
        return {"source": self.source, "schema": self.schema, "problems": list(self.problems)}

    def applied(self, user_options: Any) -> tuple[Profile, list[tuple[ProfileOption, str]]]:
        """The profile and the value of each of its options KubeSpawner applies for these
        ``user_options`` (``_get_profile``, then ``_load_profile``: a free-form value, else the
        chosen key, else the default). ValueError, in KubeSpawner's words where it has them,
        when KubeSpawner would refuse them."""
        if self.problems or not self.profiles:
            raise ValueError("hub_spawn_options is not a usable profile list.")
        options = user_options if isinstance(user_options, dict) else {}
        slug = options.get("profile")
        # KubeSpawner checks free-form values only when a profile is named (_validate_user_options).
        checked = bool(slug)
        if not slug:
            slug = self.default_slug
        profile = next((p for p in self.profiles if p.slug == slug), None)
        if profile is None:
            offered = ", ".join(p.slug for p in self.profiles)
            raise ValueError(f"No such profile: {slug}. Options include: {offered}")
        values: list[tuple[ProfileOption, str]] = []
        for option in profile.options:
            unlisted = options.get(option.unlisted_key)
            choice = options.get(option.name)
            if unlisted:
                if option.unlisted is None:
                    if checked:
                        raise ValueError(f"Received unlisted_choice for {option.name} without being enabled.")
                    continue  # unchecked, it applies the override of a disabled unlisted_choice: none
                regex = option.unlisted.regex
                if checked and regex and not (isinstance(unlisted, str) and re.match(regex, unlisted)):
                    raise ValueError(f"Received unlisted_choice for {option.name} that failed validation regex.")
                values.append((option, str(unlisted)))
            elif choice:
                if not isinstance(choice, str) or choice not in option.choices:
                    raise ValueError(f"No such choice for {option.name}: {choice}")
                values.append((option, option.choices[choice]))
            elif option.default is not None:
                values.append((option, option.choices[option.default]))
            else:
                raise ValueError(f"Unable to determine a default choice for {option.name}.")
        return profile, values

    def label(self, user_options: Any) -> str | None:
        """What a server was started with, as KubeSpawner applied it: "GPU machine (Image:
        TensorFlow)"; the profile's slug as given when the list does not know it."""
        try:
            profile, values = self.applied(user_options)
        except ValueError:
            slug = user_options.get("profile") if isinstance(user_options, dict) else None
            return slug if isinstance(slug, str) and slug else None
        if not values:
            return profile.display_name
        return f"{profile.display_name} (" + ", ".join(f"{o.title}: {v}" for o, v in values) + ")"


def started_with(user_options: Any, options: SpawnOptions | None) -> str | None:
    """A short label of what a server was started with: its profile's name and the options
    KubeSpawner applied, when the panel knows the profile list."""
    if options is not None:
        return options.label(user_options) if options.source == "profile_list" else None
    if isinstance(user_options, dict) and isinstance(user_options.get("profile"), str):
        return str(user_options["profile"]) or None
    return None


def parse_spawn_options(value: Any) -> SpawnOptions | None:
    """Parse ``c.SaturnPanel.hub_spawn_options``: None, a profile list (a list; a mapping of
    profiles, which KubeSpawner takes sorted by key; a mapping with ``profile_list`` or
    ``profileList`` as in the hub's chart), or a JSON Schema of an object. Never raises: a value
    the panel cannot use comes back with its ``problems``."""
    if value is None or value == [] or value == {}:
        return None
    if isinstance(value, dict) and ("profile_list" in value or "profileList" in value):
        value = value.get("profile_list", value.get("profileList"))
        if value is None or value == [] or value == {}:
            return None
    try:
        if callable(value):
            raise SpawnOptionsError(
                "hub_spawn_options is a callable: KubeSpawner calls a callable profile_list with the"
                " hub's spawner, which the panel does not have. Give the list it returns."
            )
        if isinstance(value, list) or _is_profile_mapping(value):
            return _from_profile_list(value)
        if isinstance(value, dict):
            problems = _schema_problems(value)
            return SpawnOptions("schema", None if problems else value, tuple(problems))
        raise SpawnOptionsError(
            "hub_spawn_options must be a KubeSpawner profile_list (a list) or a JSON Schema (an object),"
            f" not {type(value).__name__}."
        )
    except SpawnOptionsError as exc:
        source = "schema" if isinstance(value, dict) else "profile_list"
        return SpawnOptions(source, None, (str(exc),))
    except Exception as exc:  # a value nobody foresaw must not stop the server either
        return SpawnOptions("profile_list", None, (f"hub_spawn_options could not be read: {exc!r}.",))


def _is_profile_mapping(value: Any) -> bool:
    """A dict profile_list: every value a profile (a mapping with ``display_name``)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(v, dict) and "display_name" in v for v in value.values())
    )


def _schema_problems(schema: dict[str, Any]) -> list[str]:
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return ['hub_spawn_options as a JSON Schema must be {"type": "object", "properties": {...}}.']
    problems = [
        f"hub_spawn_options: properties.{name} must be an object (a schema)."
        for name, prop in schema["properties"].items()
        if not isinstance(prop, dict)
    ]
    required = schema.get("required", [])
    if not isinstance(required, list) or any(r not in schema["properties"] for r in required):
        problems.append("hub_spawn_options: required must list names of properties.")
    return problems


class _Reader:
    """Reads one profile list, collecting every problem (each naming its entry)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(f"hub_spawn_options: {text}")

    def text(self, entry: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
        """A text field: None when absent (or null) and not required; a problem otherwise."""
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{where}.{key} must be a non-empty string.")
            return None
        return value

    def override(self, entry: Mapping[str, Any], where: str) -> None:
        """``kubespawner_override`` stays on the server, but KubeSpawner iterates it."""
        if "kubespawner_override" in entry and not isinstance(entry["kubespawner_override"], dict):
            self.problem(f"{where}.kubespawner_override must be an object.")


def _from_profile_list(raw: list[Any] | dict[str, Any]) -> SpawnOptions:
    # KubeSpawner takes a mapping's profiles sorted by key (``_sorted_dict_values``).
    entries = [(f"profile_list[{i}]", p) for i, p in enumerate(raw)] if isinstance(raw, list) else []
    if isinstance(raw, dict):
        entries = [(f"profile_list[{key!r}]", raw[key]) for key in sorted(raw)]
    reader = _Reader()
    profiles: list[Profile] = []
    default_slug: str | None = None
    for where, entry in entries:
        if not isinstance(entry, dict):
            reader.problem(f"{where} must be an object.")
            continue
        profile = _read_profile(reader, entry, where)
        if profile is None:
            continue
        clash = next((p for p in profiles if p.slug == profile.slug), None)
        if clash is not None:
            reader.problem(
                f"{where} ({profile.display_name!r}) has the slug {profile.slug!r} of {clash.display_name!r}:"
                " KubeSpawner would always start the first. Give each profile its own slug."
            )
            continue
        profiles.append(profile)
        if entry.get("default") and default_slug is None:
            default_slug = profile.slug
    if not profiles and not reader.problems:
        reader.problem("the profile list has no profile.")
    if reader.problems:
        return SpawnOptions("profile_list", None, tuple(reader.problems))
    default_slug = default_slug or profiles[0].slug
    return SpawnOptions("profile_list", _profile_schema(profiles, default_slug), (), tuple(profiles), default_slug)


def _read_profile(reader: _Reader, entry: dict[str, Any], where: str) -> Profile | None:
    before = len(reader.problems)
    name = reader.text(entry, "display_name", where, required=True)
    description = reader.text(entry, "description", where) or ""
    reader.override(entry, where)
    slug: str | None = None
    if "slug" in entry:
        # KubeSpawner derives a slug only when the key is absent.
        slug = reader.text(entry, "slug", where, required=True)
    elif name is not None:
        slug = kubespawner_slug(name)
        if slug is None:
            reader.problem(
                f"{where} ({name!r}) has no slug, and the one KubeSpawner makes of its display name needs"
                " python-slugify, which is not installed beside the panel: write its slug."
            )
        elif not slug:
            reader.problem(f"{where} ({name!r}): KubeSpawner makes an empty slug of its display name: write its slug.")
    options: list[ProfileOption] = []
    raw_options = entry.get("profile_options", {})
    if not isinstance(raw_options, dict):
        reader.problem(f"{where}.profile_options must be an object.")
    else:
        keys: set[str] = {"profile"}
        for option_name, raw in raw_options.items():
            option = _read_option(reader, option_name, raw, f"{where}.profile_options.{option_name}")
            if option is None:
                continue
            for key in (option.name, option.unlisted_key) if option.unlisted else (option.name,):
                if key in keys:
                    reader.problem(
                        f"{where}.profile_options.{option_name}: its user_options key {key!r} is already"
                        " that of the profile or of another option."
                    )
                keys.add(key)
            options.append(option)
    if len(reader.problems) > before or name is None or not slug:
        return None
    return Profile(slug, name, description, tuple(options))


def _read_option(reader: _Reader, name: Any, raw: Any, where: str) -> ProfileOption | None:
    if not isinstance(name, str) or not name:
        reader.problem(f"{where}: an option's name must be a non-empty string.")
        return None
    if not isinstance(raw, dict):
        reader.problem(f"{where} must be an object.")
        return None
    before = len(reader.problems)
    title = reader.text(raw, "display_name", where) or name
    choices: dict[str, str] = {}
    default: str | None = None
    raw_choices = raw.get("choices", {})
    if not isinstance(raw_choices, dict):
        reader.problem(f"{where}.choices must be an object.")
        raw_choices = {}
    for key, choice in raw_choices.items():
        if not isinstance(key, str) or not key:
            reader.problem(f"{where}.choices: a choice's key must be a non-empty string.")
            continue
        if not isinstance(choice, dict):
            reader.problem(f"{where}.choices.{key} must be an object.")
            continue
        reader.override(choice, f"{where}.choices.{key}")
        choices[key] = reader.text(choice, "display_name", f"{where}.choices.{key}") or key
        if choice.get("default") and default is None:
            default = key
    if choices and default is None:
        default = next(iter(choices))
    unlisted: Unlisted | None = None
    raw_unlisted = raw.get("unlisted_choice", {})
    if not isinstance(raw_unlisted, dict):
        reader.problem(f"{where}.unlisted_choice must be an object.")
    elif raw_unlisted.get("enabled"):
        uwhere = f"{where}.unlisted_choice"
        reader.override(raw_unlisted, uwhere)
        regex = reader.text(raw_unlisted, "validation_regex", uwhere)
        if regex is not None:
            try:
                re.compile(regex)
            except re.error as exc:
                reader.problem(f"{uwhere}.validation_regex is not a regular expression: {exc}.")
        unlisted = Unlisted(
            label=reader.text(raw_unlisted, "display_name", uwhere) or title,
            choice_label=reader.text(raw_unlisted, "display_name_in_choices", uwhere) or OTHER_LABEL,
            regex=regex,
            message=reader.text(raw_unlisted, "validation_message", uwhere),
        )
    if not choices and unlisted is None:
        reader.problem(f"{where} offers nothing to choose: give it choices or enable its unlisted_choice.")
    if len(reader.problems) > before:
        return None
    return ProfileOption(name, title, choices, default, unlisted)


# -- the form ----------------------------------------------------------------------------------
def _profile_schema(profiles: list[Profile], default_slug: str) -> dict[str, Any]:
    choices: list[dict[str, Any]] = []
    branches: list[dict[str, Any]] = []
    for profile in profiles:
        choice: dict[str, Any] = {"const": profile.slug, "title": profile.display_name}
        if profile.description:
            choice["description"] = profile.description
        choices.append(choice)
        branch: dict[str, Any] = {"properties": {"profile": {"const": profile.slug}}, "required": []}
        dependencies: dict[str, Any] = {}
        for option in profile.options:
            _add_option(branch, dependencies, option)
        if dependencies:
            branch["dependencies"] = dependencies
        branches.append(branch)
    return {
        "type": "object",
        "properties": {"profile": {"type": "string", "title": "Profile", "oneOf": choices, "default": default_slug}},
        "required": ["profile"],
        "dependencies": {"profile": {"oneOf": branches}},
    }


def _unlisted_field(option: ProfileOption) -> dict[str, Any]:
    """The free-form field of an option: a non-empty text that KubeSpawner's ``re.match`` of
    ``validation_regex`` accepts (a JSON Schema pattern is searched: anchor it at the start)."""
    assert option.unlisted is not None
    field_schema: dict[str, Any] = {"type": "string", "title": option.unlisted.label, "minLength": 1}
    if option.unlisted.regex:
        field_schema["pattern"] = f"^(?:{option.unlisted.regex})"
        field_schema[MESSAGE_KEY] = option.unlisted.message or (
            f"{option.unlisted.label} must match {option.unlisted.regex}"
        )
    return field_schema


def _add_option(branch: dict[str, Any], dependencies: dict[str, Any], option: ProfileOption) -> None:
    properties, required = branch["properties"], branch["required"]
    if not option.choices:
        # Only a free-form value: KubeSpawner cannot start the profile without one.
        properties[option.unlisted_key] = _unlisted_field(option)
        required.append(option.unlisted_key)
        return
    items: list[dict[str, Any]] = [{"const": key, "title": label} for key, label in option.choices.items()]
    properties[option.name] = {"type": "string", "title": option.title, "oneOf": items, "default": option.default}
    required.append(option.name)
    if option.unlisted is None:
        return
    # "Other…" reveals the free-form field; its own value is never sent (KubeSpawner's HTML form
    # calls it "unlisted-choice": here it is made unlike every choice key).
    other = "unlisted-choice"
    while other in option.choices:
        other += "-"
    items.append({"const": other, "title": option.unlisted.choice_label, UNLISTED_MARK: option.unlisted_key})
    dependencies[option.name] = {
        "oneOf": [
            {
                "properties": {option.name: {"const": other}, option.unlisted_key: _unlisted_field(option)},
                "required": [option.unlisted_key],
            },
            {"properties": {option.name: {"enum": list(option.choices)}}},
        ]
    }
