"""The name rules of the server are the dialogs': one table of names (tests/recipe_names.json),
checked here against validation.py and in src/__tests__/recipeNames.spec.ts against the dialogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_saturn_panel.errors import BadRequest
from jupyterlab_saturn_panel.validation import check_new_server_name, check_recipe, check_saturn_user

CASES = json.loads((Path(__file__).parent / "recipe_names.json").read_text(encoding="utf-8"))


def accepted(recipe: dict[str, Any]) -> bool:
    try:
        check_recipe(recipe)
    except BadRequest:
        return False
    return True


@pytest.mark.parametrize(("name", "ok"), CASES["current"], ids=repr)
def test_current_format_name(name: Any, ok: bool) -> None:
    recipe = {
        "schema_version": "2025.10.01",
        "type": "workspace",
        "spec": {"name": name, "image": "saturncloud/saturn-python:2023.09.01", "instance_type": "large"},
    }
    assert accepted(recipe) is ok


@pytest.mark.parametrize(("name", "ok"), CASES["legacy"], ids=repr)
def test_legacy_format_name(name: Any, ok: bool) -> None:
    recipe = {"schema_version": "2022.08.01", "name": name, "jupyter_server": {"instance_type": "large"}}
    assert accepted(recipe) is ok


@pytest.mark.parametrize(("name", "ok"), CASES["server_names"], ids=repr)
def test_new_server_name(name: str, ok: bool) -> None:
    try:
        check_new_server_name(name)
    except BadRequest:
        assert not ok
    else:
        assert ok


@pytest.mark.parametrize(("user", "ok"), CASES["saturn_users"], ids=repr)
def test_saturn_user(user: str, ok: bool) -> None:
    try:
        check_saturn_user(user)
    except BadRequest:
        assert not ok
    else:
        assert ok
