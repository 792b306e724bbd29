"""Notebook job parameters arrive with exactly their JSON type and value (issue 17, case 4).

papermill's ``-p name value`` re-parses every value: the text ``"02134"`` arrived as the number 2134,
``"True"`` as True, ``"None"`` as None, ``"1e3"`` as 1000.0. Run for real here: the simulator runs
the job's command with papermill, the executed notebook comes back through the run's log, and the
parameters cell papermill injected is executed to compare every value and its type.
"""

from __future__ import annotations

import json
import math
from typing import Any

import nbformat
import pytest
from conftest import body, error_of, fetch_url, saturn_only_config
from tornado.httpclient import HTTPClientError

from jupyterlab_saturn_panel.errors import BadRequest
from jupyterlab_saturn_panel.saturn.notebook_jobs import (
    MAX_PARAMETERS_BYTES,
    PARAMETERS_PATH,
    NotebookJobRequest,
    check_parameters,
)
from saturn_cloud_simulator.testing import SATURN_USER_TOKEN, start_simulator

FAST = 1.0

#: What a user can send: the issue's four strings, text that YAML 1.1, Python or a shell would
#: read as something else, and numbers and booleans at their edges.
PARAMETERS: dict[str, Any] = {
    "zip_code": "02134",
    "answer": "True",
    "missing": "None",
    "ratio": "1e3",
    "yaml_null": "null",
    "yaml_tilde": "~",
    "yaml_yes": "yes",
    "yaml_octal": "0o17",
    "yaml_sexagesimal": "12:30",
    "yaml_date": "2024-01-01",
    "yaml_syntax": "- a: [b, {c: d}] # e &f *g !h",
    "python_float": "nan",
    "underscored": "1_000",
    "empty": "",
    "padded": "  two spaces  ",
    "lines": "first\nsecond\r\n",
    "quotes": 'it\'s "quoted"',
    "backslashes": "C:\\temp\\new \\n",
    "unicode": "café ☕ 😀 ٣",
    "controls": "\x00\x07\t\x1b\x7f\x85\u2028\ufeff",
    "option_like": "--help",
    "shell": "$(echo pwned); `id` && rm -rf /",
    "integer": 42,
    "negative": -7,
    "big_integer": 2**70,
    "zero": 0.0,
    "negative_zero": -0.0,
    "tiny": 5e-324,
    "huge": 1e300,
    "third": 1 / 3,
    "whole_float": 2.0,
    "yes_flag": True,
    "no_flag": False,
}


def same(expected: Any, got: Any) -> bool:
    """Equal values of the same type (and the same sign of zero)."""
    if type(expected) is not type(got):
        return False
    if isinstance(expected, float):
        return expected == got and math.copysign(1.0, expected) == math.copysign(1.0, got)
    return bool(expected == got)


# -- what the panel ships ---------------------------------------------------------------------


def test_the_recipe_ships_the_parameters_as_json_beside_the_runner() -> None:
    request = NotebookJobRequest.from_body({"path": "dir/report.ipynb", "parameters": PARAMETERS})
    recipe = request.recipe({"cells": [], "metadata": {}})
    spec = recipe["spec"]
    shipped = spec["config_files"][PARAMETERS_PATH]["content"]
    assert shipped.isascii()
    decoded = json.loads(shipped)
    assert list(decoded) == list(PARAMETERS) and all(same(PARAMETERS[k], decoded[k]) for k in PARAMETERS)
    assert spec["command"].endswith(f"--parameters-json {PARAMETERS_PATH}")
    assert " -p " not in spec["command"] and "02134" not in spec["command"]  # nothing re-parsed
    # A scheduled notebook carries them the same way; no parameters, no file and no option.
    scheduled = NotebookJobRequest.from_body({"path": "r.ipynb", "parameters": {"a": "1"}, "schedule": "@daily"})
    assert json.loads(scheduled.recipe({})["spec"]["config_files"][PARAMETERS_PATH]["content"]) == {"a": "1"}
    plain = NotebookJobRequest.from_body({"path": "r.ipynb"}).recipe({})["spec"]
    assert PARAMETERS_PATH not in plain["config_files"] and "--parameters-json" not in plain["command"]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"class": 1}, "Python keyword"),
        ({"None": 1}, "Python keyword"),
        ({"x\n": 1}, "Python identifier"),
        ({"café": 1}, "Python identifier"),
        ({"x": float("nan")}, "finite number"),
        ({"x": float("inf")}, "finite number"),
        ({"x": None}, "string, number or boolean"),
        ({"x": [1]}, "string, number or boolean"),
        ({"x": {"a": 1}}, "string, number or boolean"),
        ({"x": "ok \ud800"}, "lone surrogate (U+D800 at 3)"),
        (["x"], "object of name: value"),
        ({"x": "a" * MAX_PARAMETERS_BYTES}, "at most 1,048,576 bytes"),
    ],
)
def test_what_cannot_arrive_is_refused_up_front(parameters: Any, message: str) -> None:
    with pytest.raises(BadRequest) as info:
        check_parameters(parameters)
    assert message in info.value.message


def test_the_limit_is_the_shipped_json_and_what_fits_is_accepted() -> None:
    overhead = len(json.dumps({"x": ""}))
    fits = {"x": "a" * (MAX_PARAMETERS_BYTES - overhead)}
    assert check_parameters(fits) == fits
    with pytest.raises(BadRequest) as info:
        check_parameters({"x": "a" * (MAX_PARAMETERS_BYTES - overhead + 1)})
    assert "1,048,576 bytes (1 MiB" in info.value.message and "ConfigMap" in info.value.message
    # Text outside ASCII travels as escapes and counts as such.
    with pytest.raises(BadRequest):
        check_parameters({"x": "é" * (MAX_PARAMETERS_BYTES // 6 + 1)})


# -- run for real ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(execute=True, min_status_interval=FAST)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, FAST)


@pytest.fixture
def notebook(jp_root_dir: Any) -> str:
    nb = nbformat.v4.new_notebook()
    defaults = nbformat.v4.new_code_cell("zip_code = 'default'")
    defaults.metadata["tags"] = ["parameters"]
    nb.cells = [defaults, nbformat.v4.new_code_cell("print(type(zip_code).__name__, repr(zip_code))")]
    nbformat.write(nb, jp_root_dir / "exact.ipynb")
    return "exact.ipynb"


async def test_every_parameter_reaches_the_executed_notebook_unchanged(
    jp_fetch: Any, open_events: Any, notebook: str, jp_root_dir: Any, simulator: Any
) -> None:
    tab = open_events()
    await tab.ready()
    job = body(
        await jp_fetch(
            "saturn-panel/saturn/notebook-jobs",
            method="POST",
            body=json.dumps({"path": notebook, "parameters": PARAMETERS}),
        )
    )
    run = job["details"]["runs"][0]["name"]
    done = await tab.wait_resource(
        job["key"],
        lambda r: (
            r["details"]["runs"][0]["name"] == run and r["details"]["runs"][0]["status"] in ("completed", "error")
        ),
        timeout=120,
    )
    logs = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": run}))
    text = "\n".join(line["content"] for line in logs["lines"])
    assert done["details"]["runs"][0]["status"] == "completed", text[-3000:]
    assert "str '02134'" in text  # the notebook's own output

    # Saturn holds the parameters as the JSON the user sent.
    status, recipe = await fetch_url(f"{simulator.url}/api/jobs/{job['id']}/recipe", SATURN_USER_TOKEN)
    assert status == 200
    held = json.loads(recipe["spec"]["config_files"][PARAMETERS_PATH]["content"])
    assert all(same(PARAMETERS[k], held[k]) for k in PARAMETERS)

    saved = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/runs/{run}/output", method="POST", body="{}"))
    executed = nbformat.read(jp_root_dir / saved["path"], as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    namespace: dict[str, Any] = {}
    exec(injected[0].source, namespace)  # the cell papermill wrote, as the kernel ran it
    wrong = {
        k: (PARAMETERS[k], namespace.get(k, "<missing>"))
        for k in PARAMETERS
        if not same(PARAMETERS[k], namespace.get(k))
    }
    assert not wrong, wrong
    assert set(k for k in namespace if not k.startswith("__")) == set(PARAMETERS)


async def test_a_run_with_parameters_that_cannot_arrive_is_refused(jp_fetch: Any, notebook: str) -> None:
    for parameters, words in (
        ({"x": [1, 2]}, "string, number or boolean"),
        ({"lambda": 1}, "Python keyword"),
        ({"x": "y" * (MAX_PARAMETERS_BYTES + 1)}, "1,048,576 bytes"),
    ):
        with pytest.raises(HTTPClientError) as info:
            await jp_fetch(
                "saturn-panel/saturn/notebook-jobs",
                method="POST",
                body=json.dumps({"path": notebook, "parameters": parameters}),
            )
        code, payload = error_of(info.value)
        assert code == 400 and words in payload["message"], payload
