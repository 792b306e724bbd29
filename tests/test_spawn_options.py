"""c.SaturnPanel.hub_spawn_options: KubeSpawner's profile_list or a JSON Schema becomes the form
of 'Start with options...', and a malformed value stops the server with a message naming it."""

from __future__ import annotations

from typing import Any

import pytest
from traitlets import TraitError

from jupyterlab_saturn_panel.app import SaturnPanel
from jupyterlab_saturn_panel.hub.spawn_options import SpawnOptionsError, parse_spawn_options

# The shape zero-to-jupyterhub admins write under singleuser.profileList.
PROFILE_LIST: list[dict[str, Any]] = [
    {"display_name": "CPU machine", "description": "2 cores, 8 GB", "default": True},
    {
        "display_name": "GPU machine",
        "slug": "gpu",
        "description": "1 T4 GPU",
        "kubespawner_override": {"extra_resource_limits": {"nvidia.com/gpu": "1"}},
        "profile_options": {
            "image": {
                "display_name": "Image",
                "choices": {
                    "pytorch": {"display_name": "PyTorch", "default": True, "kubespawner_override": {"image": "x"}},
                    "tensorflow": {"display_name": "TensorFlow"},
                },
            }
        },
    },
]


def test_a_profile_list_becomes_a_form_whose_data_is_kubespawners_user_options() -> None:
    options = parse_spawn_options(PROFILE_LIST)
    assert options is not None and options.source == "profile_list"
    profile = options.schema["properties"]["profile"]
    # A slug from the display name when none is given, as KubeSpawner derives it.
    assert [c["const"] for c in profile["oneOf"]] == ["cpu-machine", "gpu"]
    assert profile["default"] == "cpu-machine"
    assert profile["oneOf"][1] == {"const": "gpu", "title": "GPU machine", "description": "1 T4 GPU"}
    branches = {b["properties"]["profile"]["const"]: b for b in options.schema["dependencies"]["profile"]["oneOf"]}
    image = branches["gpu"]["properties"]["profile-option-image"]
    assert image["default"] == "pytorch" and [c["title"] for c in image["oneOf"]] == ["PyTorch", "TensorFlow"]
    assert branches["gpu"]["required"] == ["profile-option-image"]
    assert "kubespawner_override" not in str(options.describe())  # the hub's business only
    assert options.profile_label({"profile": "gpu", "profile-option-image": "pytorch"}) == "GPU machine"


def test_the_charts_mapping_and_a_json_schema_are_taken_as_they_are() -> None:
    chart = parse_spawn_options({"profileList": PROFILE_LIST})
    assert chart is not None and chart.source == "profile_list"
    schema = {"type": "object", "properties": {"size": {"type": "string", "enum": ["s", "m"]}}, "required": ["size"]}
    custom = parse_spawn_options(schema)
    assert custom is not None and custom.source == "schema" and custom.schema == schema
    assert parse_spawn_options(None) is None and parse_spawn_options([]) is None


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([{"description": "no name"}], "profile_list[0].display_name"),
        ([{"display_name": "A", "slug": "a"}, {"display_name": "B", "slug": "a"}], "slug 'a'"),
        ([{"display_name": "A", "profile_options": {"image": {"display_name": "Image"}}}], "image.choices"),
        (
            [{"display_name": "A", "profile_options": {"image": {"display_name": "I", "choices": {"x": {}}}}}],
            "choices.x.display_name",
        ),
        ({"type": "array"}, '"type": "object"'),
        ({"type": "object", "properties": {"a": 1}}, "properties.a"),
        ("gpu", "not str"),
    ],
)
def test_malformed_options_are_refused_naming_the_entry(value: Any, named: str) -> None:
    with pytest.raises(SpawnOptionsError) as info:
        parse_spawn_options(value)
    assert named in str(info.value)


def test_the_server_does_not_start_with_malformed_options() -> None:
    with pytest.raises(TraitError) as info:
        SaturnPanel(hub_spawn_options=[{"display_name": "GPU", "profile_options": {"image": []}}])
    assert "profile_list[0].profile_options.image" in str(info.value)
    assert SaturnPanel(hub_spawn_options=PROFILE_LIST).hub_spawn_options == PROFILE_LIST
