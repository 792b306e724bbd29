"""The recipe name rule of the server is the dialog's: one table of names (tests/recipe_names.json),
checked here against check_recipe and in src/__tests__/recipeNames.spec.ts against the dialog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_saturn_panel.errors import BadRequest
from jupyterlab_saturn_panel.validation import check_recipe

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
