"""A notebook as a Saturn Cloud job (seed 001): the recipe that runs it with papermill.

The job is named after the notebook's path, so running the same notebook again applies
(``PUT /api/recipes``) the same job with the current notebook and parameters instead of
creating a new one. Two ways for the job to see the notebook:

- ``recipe`` (the default): the notebook travels inside the recipe's ``config_files``. It needs
  nothing set up, and runs exactly what the user sees in Lab, saved. Files the notebook reads
  beside it are not shipped.
- ``git``: as in seed 001, the job clones a repository and runs the notebook from it; the
  notebook must be committed and pushed there.

Parameters arrive exactly as sent: they travel as JSON in a file of the recipe's
``config_files`` (``PARAMETERS_PATH``), and the runner hands them to papermill as a YAML file
(``-f``) written by the job's own PyYAML, which reads it back value for value. papermill's ``-p``
re-parses every value (the text ``"02134"`` arrives as the number 2134, ``"True"`` as True) and
its ``-y`` reads YAML 1.1, where the JSON number ``1e+300`` is text; neither is used.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import math
import re
import shlex
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Any

from ..errors import BadRequest
from .schedules import check_schedule

HOME = "/home/jovyan"
JOBS_DIRECTORY = f"{HOME}/workspace/saturn-panel-jobs"
DEFAULT_IMAGE = "saturncloud/saturn-python:2024.08.01"
DEFAULT_INSTANCE = "large"
#: Where the job finds notebook_runner.py (shipped in config_files whatever the source).
RUNNER_PATH = f"{HOME}/.saturn-panel/run_notebook.py"
#: Where the job finds its papermill parameters (JSON, shipped in config_files when there are any).
PARAMETERS_PATH = f"{HOME}/.saturn-panel/parameters.json"
#: The most parameters a job carries, as that JSON file (bytes). Saturn documents no limit on a
#: config file; a config file of a Kubernetes pod lives in a ConfigMap or Secret, which holds at
#: most 1 MiB, so larger parameters are refused up front rather than lost on the way.
MAX_PARAMETERS_BYTES = 1024 * 1024
#: Job tags that mark a notebook job and name its notebook (Saturn keeps a job's tags).
NOTEBOOK_TAG = "saturn-panel-notebook"
_PARAMETER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INSTANCE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
_IMAGE = re.compile(r"^[\w.-]+/[\w.-]+:[\w.-]+$")
_GIT_URL = re.compile(r"^(https://[^\s]+|git@[\w.-]+:[^\s]+)$")


def with_kernel(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook with a python3 kernelspec when it has none (papermill needs its language)."""
    metadata = dict(notebook.get("metadata") or {})
    if not metadata.get("kernelspec"):
        metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        metadata.setdefault("language_info", {"name": "python"})
    return {**notebook, "metadata": metadata}


def runner_script() -> str:
    """The text of notebook_runner.py, as shipped into every notebook job."""
    return files(__package__).joinpath("notebook_runner.py").read_text(encoding="utf-8")


@dataclass
class NotebookJobRequest:
    """What the browser asks for: which notebook, with which parameters, how it is shipped."""

    path: str
    parameters: dict[str, Any] = field(default_factory=dict)
    source: str = "recipe"
    git_url: str = ""
    git_reference: str = ""
    git_directory: str = ""
    image: str = DEFAULT_IMAGE
    instance_type: str = DEFAULT_INSTANCE
    #: A cron schedule: the job is created (or updated) and scheduled instead of run now.
    schedule: str | None = None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> NotebookJobRequest:
        """Validate a request body; a 400 names the wrong field."""
        unknown = set(body) - {"path", "parameters", "source", "git", "image", "instanceType", "schedule"}
        if unknown:
            raise BadRequest(f"Unknown field(s) in the body: {', '.join(sorted(unknown))}.")
        path = body.get("path")
        if not isinstance(path, str) or not path.endswith(".ipynb"):
            raise BadRequest("path must be the path of a notebook (.ipynb) in the file browser.")
        posix = PurePosixPath(path)
        if posix.is_absolute() or ".." in posix.parts or "\\" in path:
            raise BadRequest("path must be relative to the Jupyter root, without '..'.")
        parameters = check_parameters(body.get("parameters"))
        source = body.get("source", "recipe")
        if source not in ("recipe", "git"):
            raise BadRequest("source must be 'recipe' (ship the notebook in the job) or 'git'.")
        git = body.get("git") or {}
        if not isinstance(git, dict):
            raise BadRequest("git must be an object {url, reference, directory}.")
        request = cls(path=path, parameters=parameters, source=source)
        if source == "git":
            url = git.get("url")
            if not isinstance(url, str) or not _GIT_URL.match(url):
                raise BadRequest("git.url must be an https:// or git@host:path repository URL.")
            directory = git.get("directory") or ""
            if not isinstance(directory, str) or directory.startswith("/") or ".." in directory.split("/"):
                raise BadRequest("git.directory must be a folder inside the repository.")
            reference = git.get("reference") or ""
            if not isinstance(reference, str) or any(c.isspace() for c in reference):
                raise BadRequest("git.reference must be a branch, tag or commit.")
            request.git_url, request.git_directory, request.git_reference = url, directory, reference
        image = body.get("image") or DEFAULT_IMAGE
        if not isinstance(image, str) or not _IMAGE.match(image):
            raise BadRequest('image must look like "owner/name:version".')
        instance = body.get("instanceType") or DEFAULT_INSTANCE
        if not isinstance(instance, str) or not _INSTANCE.match(instance):
            raise BadRequest("instanceType must be a Saturn Cloud size name such as 'large'.")
        request.image, request.instance_type = image, instance
        if body.get("schedule") is not None:
            request.schedule = check_schedule(body["schedule"])
        return request

    @property
    def job_name(self) -> str:
        """Stable per notebook path: the same notebook always maps to the same job."""
        stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(self.path).stem.lower()).strip("-")[:40] or "notebook"
        digest = hashlib.sha1(self.path.encode()).hexdigest()[:6]
        return f"nb-{stem}-{digest}"

    def command(self, notebook: str) -> str:
        """Seed 001's papermill run, through the runner that hands the executed notebook back
        (cell outputs and progress in the log); the parameters, if any, from ``PARAMETERS_PATH``."""
        output = PurePosixPath(notebook).stem + "-output.ipynb"
        parts = ["python", RUNNER_PATH, notebook, output, "--kernel", "python3"]
        if self.parameters:
            parts += ["--parameters-json", PARAMETERS_PATH]
        return " ".join(shlex.quote(p) for p in parts)

    def recipe(self, notebook_content: dict[str, Any] | None) -> dict[str, Any]:
        """The job recipe (reference/saturn-api.md 6a)."""
        name = PurePosixPath(self.path).name
        spec: dict[str, Any] = {
            "name": self.job_name,
            "description": f"Runs {self.path} with papermill (jupyterlab-saturn-panel).",
            "image": self.image,
            "instance_type": self.instance_type,
            "extra_packages": {"pip": {"install": "papermill"}},
            "tags": {NOTEBOOK_TAG: self.path},
            "config_files": {RUNNER_PATH: {"content": runner_script(), "mode": "0644"}},
        }
        if self.parameters:
            spec["config_files"][PARAMETERS_PATH] = {"content": parameters_json(self.parameters), "mode": "0644"}
        if self.source == "recipe":
            notebook_content = with_kernel(notebook_content or {})
            spec["working_directory"] = JOBS_DIRECTORY
            spec["config_files"][f"{JOBS_DIRECTORY}/{name}"] = {
                "content": json.dumps(notebook_content),
                "mode": "0644",
            }
            spec["command"] = self.command(name)
        else:
            repo = re.sub(r"\.git$", "", self.git_url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
            clone = f"{HOME}/git-repos/{repo}"
            entry: dict[str, Any] = {"url": self.git_url, "path": clone, "on_restart": "reclone"}
            if self.git_reference:
                entry.update(reference=self.git_reference, reference_type="branch")
            spec["git_repositories"] = [entry]
            spec["working_directory"] = f"{clone}/{self.git_directory}".rstrip("/")
            spec["command"] = self.command(name)
        return {"schema_version": "2025.10.01", "type": "job", "spec": spec}


def parameters_json(parameters: dict[str, Any]) -> str:
    """The parameters file: plain ASCII JSON (text outside ASCII as escapes)."""
    return json.dumps(parameters, ensure_ascii=True, allow_nan=False)


def _check_value(name: str, value: Any) -> None:
    """A value the panel's parameters carry: text, a finite number or a boolean (JSON types the
    Run and Schedule dialogs write; a list, an object or null is refused, as documented)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f"Parameter {name} must be a finite number (JSON has no NaN or Infinity).")
    if not isinstance(value, (str, int, float, bool)):
        raise BadRequest(f"Parameter {name} must be a string, number or boolean.")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:  # papermill writes the parameters into the notebook as UTF-8
            raise BadRequest(
                f"Parameter {name} is not valid Unicode text: it holds a lone surrogate"
                f" (U+{ord(value[exc.start]):04X} at {exc.start})."
            ) from None


def check_parameters(value: Any) -> dict[str, Any]:
    """The papermill parameters of a request, each checked, else a 400 that says what is wrong
    (a name Python cannot assign to, a value that is not text, a number or a boolean, more than
    a job carries)."""
    parameters = {} if value is None else value
    if not isinstance(parameters, dict):
        raise BadRequest("parameters must be an object of name: value.")
    for name, item in parameters.items():
        if not isinstance(name, str) or not _PARAMETER.fullmatch(name):
            raise BadRequest(f"Invalid parameter name {name!r}: use a Python identifier (letters, digits, _).")
        if keyword.iskeyword(name):
            raise BadRequest(f"Invalid parameter name {name!r}: it is a Python keyword.")
        _check_value(name, item)
    size = len(parameters_json(parameters)) if parameters else 0
    if size > MAX_PARAMETERS_BYTES:
        raise BadRequest(
            f"The parameters take {size:,} bytes as JSON; a job carries at most {MAX_PARAMETERS_BYTES:,} bytes"
            " (1 MiB, what a Kubernetes ConfigMap or Secret holds). Pass large data as a file instead."
        )
    return parameters


def output_path(source: str, run: dict[str, Any], folder: str | None) -> str:
    """Where a run's executed notebook is saved: ``{folder or beside the source}/{stem}.runs/``
    named by the run's start time (``2026-11-30T21-03-05.ipynb``), so each run has its file."""
    posix = PurePosixPath(source)
    started = str(run.get("started") or run.get("name") or "run")
    stamp = re.sub(r"[^0-9A-Za-z-]", "-", started.replace("Z", "").split(".")[0].split("+")[0]).strip("-")
    name = f"{posix.stem}.runs/{stamp or 'run'}.ipynb"
    parent = folder or str(posix.parent)
    return name if parent in ("", ".") else f"{parent}/{name}"
