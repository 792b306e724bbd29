"""c.SaturnPanel.hub_spawn_options as KubeSpawner means it: the form offers what a profile_list
offers, and the user_options it sends, handed to KubeSpawner's own ``load_user_options``, apply the
image and limits the user chose. KubeSpawner (jupyterhub-kubespawner 7, the ``test`` extra) runs
in-process with no cluster: a kube config that names none is enough to construct it.

The table of lists, forms and starts (tests/spawn_options_cases.json) is shared with jest
(src/__tests__/startOptions.spec.tsx), which checks that the dialog turns each form into those
user_options.
"""

from __future__ import annotations

import asyncio
import json
import random
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from kubernetes_asyncio.config import kube_config  # type: ignore[import-untyped]
from kubespawner import KubeSpawner  # type: ignore[import-untyped]
from slugify import slugify as python_slugify

from jupyterlab_saturn_panel.app import SaturnPanel
from jupyterlab_saturn_panel.hub import spawn_options
from jupyterlab_saturn_panel.hub.spawn_options import kubespawner_slug, parse_spawn_options, started_with
from saturn_panel_demo.profiles import DEMO_PROFILES, PYTORCH_IMAGE, TENSORFLOW_IMAGE
from saturn_panel_demo.slow_spawner import apply_profile_list, options_only_kubespawner

CASES = json.loads((Path(__file__).parent / "spawn_options_cases.json").read_text(encoding="utf-8"))
LISTS = {case["name"]: case for case in CASES["lists"]}
STARTS = [(case["name"], start) for case in CASES["lists"] for start in case["starts"]]

#: A kube config that names a cluster nobody serves: KubeSpawner's constructor loads one.
KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


@pytest.fixture(autouse=True)
def no_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG)
    # kubernetes_asyncio read $KUBECONFIG when it was imported: point its default there too.
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(config))


def new_kubespawner(**kwargs: Any) -> Any:
    """A KubeSpawner as its own tests make one (``_mock=True``); its API client needs a loop."""

    async def make() -> Any:
        return KubeSpawner(_mock=True, **kwargs)

    return asyncio.run(make())


def kubespawner(profile_list: Any, user_options: dict[str, Any]) -> Any:
    """A KubeSpawner (as its own tests make one: ``_mock=True``) after ``load_user_options``."""

    async def load() -> Any:
        spawner = KubeSpawner(_mock=True, profile_list=profile_list)
        spawner.user_options = user_options
        await spawner.load_user_options()
        return spawner

    return asyncio.run(load())


def kubespawner_refusal(profile_list: Any, user_options: dict[str, Any]) -> str:
    try:
        kubespawner(profile_list, user_options)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError(f"KubeSpawner took {user_options}")


def test_kubespawner_7_is_the_authority() -> None:
    assert version("jupyterhub-kubespawner").startswith("7.")


def test_the_demo_lists_are_the_table_s() -> None:
    assert LISTS["demo"]["profile_list"] == DEMO_PROFILES


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_form_is_the_one_the_table_gives_jest(name: str) -> None:
    options = parse_spawn_options(LISTS[name]["profile_list"])
    assert options is not None and options.problems == ()
    assert options.describe() == {"source": "profile_list", "schema": LISTS[name]["schema"], "problems": []}
    assert "kubespawner_override" not in json.dumps(options.describe())  # the hub's business only


@pytest.mark.parametrize(("name", "start"), STARTS, ids=[f"{n}:{s['startedWith']}" for n, s in STARTS])
def test_kubespawner_applies_what_the_user_chose(name: str, start: dict[str, Any]) -> None:
    profile_list = LISTS[name]["profile_list"]
    spawner = kubespawner(profile_list, start["userOptions"])
    assert {key: getattr(spawner, key) for key in start["settings"]} == start["settings"]
    # The row names what KubeSpawner applied.
    options = parse_spawn_options(profile_list)
    assert started_with(start["userOptions"], options) == start["startedWith"]
    profile, _ = options.applied(start["userOptions"]) if options else (None, None)
    assert profile is not None and profile.slug == start["userOptions"]["profile"]


def test_the_keys_the_panel_sent_before_started_the_default_image() -> None:
    """The issue: ``profile-option-image`` is the hub's HTML field name; through the REST API
    KubeSpawner reads ``image``, so GPU + TensorFlow started PyTorch, silently."""
    before = kubespawner(DEMO_PROFILES, {"profile": "gpu", "profile-option-image": "tensorflow"})
    assert before.image == PYTORCH_IMAGE
    now = kubespawner(DEMO_PROFILES, {"profile": "gpu", "image": "tensorflow"})
    assert now.image == TENSORFLOW_IMAGE


def test_the_hub_s_html_form_makes_the_same_user_options() -> None:
    """KubeSpawner's own ``options_from_form`` (the hub's start page) maps its field names to the
    keys the panel sends."""
    spawner = new_kubespawner(profile_list=DEMO_PROFILES)
    formdata = {"profile": ["gpu"], "profile-option-gpu--image": ["tensorflow"]}
    assert spawner.options_from_form(formdata) == {"profile": "gpu", "image": "tensorflow"}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_slugs_and_defaults_are_kubespawner_s(name: str) -> None:
    """Slugs made of display names, the default profile and each option's default choice, as
    KubeSpawner's ``_get_initialized_profile_list`` and ``_get_profile`` give them."""
    profile_list = LISTS[name]["profile_list"]
    spawner = new_kubespawner()
    initialized = spawner._get_initialized_profile_list(profile_list)
    options = parse_spawn_options(profile_list)
    assert options is not None
    assert [p.slug for p in options.profiles] == [p["slug"] for p in initialized]
    assert options.default_slug == spawner._get_profile(None, initialized)["slug"]
    for profile, ks_profile in zip(options.profiles, initialized):
        for option in profile.options:
            choices = ks_profile["profile_options"][option.name].get("choices", {})
            assert option.default == next((k for k, c in choices.items() if c.get("default")), None)


def test_starting_without_options_is_kubespawner_s_default() -> None:
    """A plain start (no user_options) gets KubeSpawner's default profile and choices, or its
    refusal when an option of the default profile has no choice (a free-form value only)."""
    demo = parse_spawn_options(DEMO_PROFILES)
    assert demo is not None and started_with({}, demo) == "CPU machine"
    assert kubespawner(DEMO_PROFILES, {}).cpu_limit == 2.0
    variants = parse_spawn_options(LISTS["variants"]["profile_list"])
    assert variants is not None
    refusal = kubespawner_refusal(LISTS["variants"]["profile_list"], {})
    assert refusal == "ValueError: Unable to determine a default choice for tag."
    with pytest.raises(ValueError, match=r"^Unable to determine a default choice for tag\.$"):
        variants.applied({})


@pytest.mark.parametrize(
    ("user_options", "words"),
    [
        ({"profile": "nope"}, "No such profile: nope. Options include: cpu-machine, gpu"),
        ({"profile": "gpu", "image--unlisted-choice": "docker.io/evil:1"}, "failed validation regex"),
        ({"profile": "cpu-machine", "image--unlisted-choice": "x"}, None),  # CPU has no image option
    ],
)
def test_kubespawner_s_refusals_are_the_panel_s(user_options: dict[str, Any], words: str | None) -> None:
    options = parse_spawn_options(DEMO_PROFILES)
    assert options is not None
    if words is None:
        kubespawner(DEMO_PROFILES, user_options)
        options.applied(user_options)
        return
    assert words in kubespawner_refusal(DEMO_PROFILES, user_options)
    with pytest.raises(ValueError, match=words.split(":")[0]):
        options.applied(user_options)


def test_a_mapping_profile_list_is_taken_sorted_by_key_as_kubespawner_does() -> None:
    by_key = {"b-gpu": DEMO_PROFILES[1], "a-cpu": DEMO_PROFILES[0]}
    options = parse_spawn_options(by_key)
    assert options is not None and options.problems == ()
    assert [c["const"] for c in options.schema["properties"]["profile"]["oneOf"]] == ["cpu-machine", "gpu"]  # type: ignore[index]
    assert kubespawner(by_key, {"profile": "gpu", "image": "tensorflow"}).image == TENSORFLOW_IMAGE
    # The chart's own key, and a list under it.
    assert parse_spawn_options({"profileList": DEMO_PROFILES}) == parse_spawn_options(DEMO_PROFILES)


def test_the_default_is_the_first_profile_marked_default_else_the_first() -> None:
    profiles = [{"display_name": "A"}, {"display_name": "B", "default": "yes"}, {"display_name": "C", "default": True}]
    spawner = new_kubespawner()
    for given in (profiles, profiles[:1]):
        options = parse_spawn_options(given)
        assert options is not None
        ours = options.default_slug
        assert ours == spawner._get_profile(None, spawner._get_initialized_profile_list(given))["slug"]
        assert options.schema is not None and options.schema["properties"]["profile"]["default"] == ours
    assert parse_spawn_options(profiles).default_slug == "b"  # type: ignore[union-attr]


# -- slugs ------------------------------------------------------------------------------------
NAMES = [
    "CPU machine",
    "Große Maschine",
    "Alice's GPU",
    "ÆØÅ",
    "GPU (4 × A100)",
    "数据科学",
    "10,000 cores",
    "a&amp;b",
    "caf&#233;s",
    "x_y",
    "  --Hi--  ",
    "1.5 GB",
    "&#99999999999; and &#65;",
    "&#x41;BC &#X41;",
    "naïve 1,2,3",
    "ﬁne Ａ①",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_missing_slug_is_kubespawner_s(name: str) -> None:
    """With python-slugify beside the panel, the slug KubeSpawner makes; without it, the port
    gives the same or says it cannot know (and the profile is reported)."""
    initialized = new_kubespawner()._get_initialized_profile_list([{"display_name": name}])
    assert kubespawner_slug(name) == initialized[0]["slug"]
    ported = kubespawner_slug(name, use_library=False)
    assert ported in (None, initialized[0]["slug"])


def test_the_port_of_slugify_is_exact_wherever_it_answers() -> None:
    """Every code point (in a word, and with entities, quotes and numbers around it) and random
    ASCII: where the port answers, it answers python-slugify's slug."""
    answered = 0
    for point in range(0x20, 0x30000):
        char = chr(point)
        if unicodedata.category(char) in ("Cs", "Co", "Cn"):
            continue
        text = f"Ab{char}c 1,5 &amp; d'{char}"
        ported = kubespawner_slug(text, use_library=False)
        if ported is not None:
            answered += 1
            assert ported == python_slugify(text), repr(text)
    assert answered > 2000  # ASCII, compatibility forms (ﬁ, Ａ, ①) and accented letters
    rng = random.Random(17)
    alphabet = "aZ09 -_',.&#;x" + "".join(chr(c) for c in range(0x21, 0x7F))
    pieces = ["&amp;", "&#233;", "&#x41;", "&#X41;", "&#99999999999;", "&eacute;", "1,000", "''"]
    for _ in range(3000):
        text = "".join(
            rng.choice(pieces) if rng.random() < 0.1 else rng.choice(alphabet) for _ in range(rng.randint(0, 24))
        )
        assert kubespawner_slug(text, use_library=False) == python_slugify(text), repr(text)


def test_without_python_slugify_a_name_it_must_transliterate_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spawn_options, "_python_slugify", lambda: None)
    accented = parse_spawn_options([{"display_name": "Café"}])
    assert accented is not None and accented.problems == () and accented.profiles[0].slug == "cafe"
    chinese = parse_spawn_options([{"display_name": "数据科学"}, {"display_name": "CPU"}])
    assert chinese is not None and chinese.schema is None
    assert chinese.problems == (
        "hub_spawn_options: profile_list[0] ('数据科学') has no slug, and the one KubeSpawner makes of its"
        " display name needs python-slugify, which is not installed beside the panel: write its slug.",
    )
    written = parse_spawn_options([{"display_name": "数据科学", "slug": "data"}])
    assert written is not None and written.problems == ()


# -- values the panel cannot use ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([{"description": "no name"}], "profile_list[0].display_name must be a non-empty string"),
        ([{"display_name": "A", "slug": "a"}, {"display_name": "B", "slug": "a"}], "has the slug 'a' of 'A'"),
        ([{"display_name": "A", "slug": ""}], "profile_list[0].slug must be a non-empty string"),
        ([{"display_name": "!!!"}], "makes an empty slug"),
        ([{"display_name": "A", "profile_options": {"image": {"display_name": "Image"}}}], "offers nothing to choose"),
        ([{"display_name": "A", "profile_options": {"image": {"choices": {"x": "X"}}}}], "choices.x must be an object"),
        ([{"display_name": "A", "profile_options": {"image": []}}], "profile_options.image must be an object"),
        ([{"display_name": "A", "profile_options": {"profile": {"choices": {"x": {}}}}}], "key 'profile'"),
        (
            [
                {
                    "display_name": "A",
                    "profile_options": {
                        "image": {"choices": {"x": {}}, "unlisted_choice": {"enabled": True}},
                        "image--unlisted-choice": {"choices": {"y": {}}},
                    },
                }
            ],
            "key 'image--unlisted-choice'",
        ),
        (
            [
                {
                    "display_name": "A",
                    "profile_options": {"i": {"unlisted_choice": {"enabled": True, "validation_regex": "("}}},
                }
            ],
            "validation_regex is not a regular expression",
        ),
        ([{"display_name": "A", "kubespawner_override": ["image"]}], "kubespawner_override must be an object"),
        (
            [{"display_name": "A", "profile_options": {"i": {"choices": {"x": {}}, "unlisted_choice": None}}}],
            "unlisted_choice must be an object",
        ),
        (["gpu"], "profile_list[0] must be an object"),
        ({"type": "array"}, '"type": "object"'),
        ({"type": "object", "properties": {"a": 1}}, "properties.a"),
        ("gpu", "not str"),
        (lambda spawner: DEMO_PROFILES, "is a callable"),
    ],
)
def test_a_value_the_panel_cannot_use_says_what_is_wrong(value: Any, named: str) -> None:
    options = parse_spawn_options(value)
    assert options is not None and options.schema is None and options.problems
    assert any(named in problem for problem in options.problems), options.problems
    assert options.describe()["problems"] == list(options.problems)


def test_every_problem_is_listed() -> None:
    options = parse_spawn_options([{"description": "x"}, {"display_name": "B", "profile_options": {"i": {}}}])
    assert options is not None and len(options.problems) == 2


def test_the_server_starts_whatever_the_value() -> None:
    """A value the panel cannot use never stops the server: it starts, and config says why."""
    for value in ("gpu", 5, [{"display_name": "GPU", "profile_options": {"image": []}}], lambda spawner: []):
        panel = SaturnPanel(hub_spawn_options=value)
        options = parse_spawn_options(panel.hub_spawn_options)
        assert options is not None and options.problems
    assert SaturnPanel(hub_spawn_options=DEMO_PROFILES).hub_spawn_options == DEMO_PROFILES


def test_a_json_schema_is_taken_as_it_is() -> None:
    schema = {"type": "object", "properties": {"size": {"type": "string", "enum": ["s", "m"]}}, "required": ["size"]}
    custom = parse_spawn_options(schema)
    assert custom is not None and custom.describe() == {"source": "schema", "schema": schema, "problems": []}
    assert started_with({"size": "s"}, custom) is None
    assert parse_spawn_options(None) is None and parse_spawn_options([]) is None
    assert parse_spawn_options({"profile_list": []}) is None


def test_the_row_of_a_server_started_otherwise() -> None:
    options = parse_spawn_options(DEMO_PROFILES)
    # Started before the list changed: the profile as the hub has it.
    assert started_with({"profile": "gone"}, options) == "gone"
    # Without a profile list: the profile the hub has, if any.
    assert started_with({"profile": "gpu"}, None) == "gpu" and started_with({}, None) is None
    # The defaults, as KubeSpawner applies them to a start without options.
    assert started_with({}, options) == "CPU machine"
    assert started_with({"profile": "gpu"}, options) == "GPU machine (Image: PyTorch)"


# -- the demo's spawner runs KubeSpawner's own option code ------------------------------------
@pytest.mark.parametrize(("name", "start"), STARTS, ids=[f"{n}:{s['startedWith']}" for n, s in STARTS])
def test_the_demo_spawner_applies_what_kubespawner_applies(name: str, start: dict[str, Any]) -> None:
    assert options_only_kubespawner() is not None
    applied = asyncio.run(apply_profile_list(LISTS[name]["profile_list"], start["userOptions"]))
    assert applied["by"] == f"kubespawner {version('jupyterhub-kubespawner')}"
    assert applied["profile"] == start["userOptions"]["profile"]
    assert {key: applied["settings"][key] for key in start["settings"]} == start["settings"]


def test_the_demo_spawner_refuses_what_kubespawner_refuses() -> None:
    with pytest.raises(ValueError, match="No such profile: nope"):
        asyncio.run(apply_profile_list(DEMO_PROFILES, {"profile": "nope"}))
