"""Runs a notebook with papermill inside a Saturn Cloud job, then hands the executed notebook
back through the job's log (the only channel Saturn's documented API gives back).

This file is shipped into the job (a recipe ``config_files`` entry) and run there with the
job image's Python, so it uses the standard library only (and PyYAML, papermill's own
dependency, for parameters). Usage::

    python run_notebook.py NOTEBOOK OUTPUT [--parameters-json FILE] [papermill options]

``--parameters-json FILE``: the papermill parameters as a JSON object. They reach papermill as a
YAML file (``-f``) written by this Python's PyYAML, which papermill's loader (the same PyYAML)
reads back value for value: the text ``"02134"`` stays text, ``1e+300`` stays a float.

What it writes to the log, besides papermill's own lines:

- ``saturn-panel-progress: cells=N`` before papermill starts: the number of cells papermill
  will walk through, so "Executing Cell 7" (papermill's ``--log-output``) reads "cell 7 of N";
- after papermill ends, successful or not (a failed run's output shows the cell that raised),
  the executed notebook as frames: ``saturn-panel-output: begin v1 bytes=B sha256=H``, lines of
  ``saturn-panel-output: `` + base64 of its gzip, ``saturn-panel-output: end``; or, past
  ``LIMIT`` bytes, ``saturn-panel-output: skipped bytes=B limit=L``.

The exit code is papermill's, so Saturn reports the run as it went.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile

PROGRESS = "saturn-panel-progress:"
OUTPUT = "saturn-panel-output:"
#: The largest executed notebook handed back through the log (bytes, before compression).
LIMIT = 20 * 1024 * 1024
#: Characters of base64 per log line: well under the line limits of log pipelines.
CHUNK = 2000


def cells_to_run(notebook_path: str, papermill_args: list[str]) -> int:
    """How many cells papermill will walk: the notebook's, plus the parameters cell it injects
    when given parameters and the notebook has none injected yet."""
    with open(notebook_path, encoding="utf-8") as handle:
        cells: list[dict] = json.load(handle).get("cells") or []  # type: ignore[type-arg]
    injected = any("injected-parameters" in (c.get("metadata") or {}).get("tags", []) for c in cells)
    parameters = any(a in ("-p", "-r", "-y", "-f", "--parameters", "--parameters_raw") for a in papermill_args)
    return len(cells) + (1 if parameters and not injected else 0)


def emit_output(output_path: str) -> None:
    """Write the executed notebook to standard output as frames (see the module's docstring)."""
    try:
        with open(output_path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        print(f"{OUTPUT} missing {error.strerror or error}", flush=True)
        return
    if len(data) > LIMIT:
        print(f"{OUTPUT} skipped bytes={len(data)} limit={LIMIT}", flush=True)
        return
    encoded = base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")
    print(f"{OUTPUT} begin v1 bytes={len(data)} sha256={hashlib.sha256(data).hexdigest()}", flush=True)
    for start in range(0, len(encoded), CHUNK):
        print(f"{OUTPUT} {encoded[start : start + CHUNK]}", flush=True)
    print(f"{OUTPUT} end", flush=True)


def parameters_yaml(json_path: str) -> str:
    """The parameters of ``json_path`` (a JSON object) as a YAML file papermill's ``-f`` reads
    back exactly; its path (the caller removes it)."""
    # papermill depends on PyYAML: it is in this Python whenever papermill is.
    yaml = importlib.import_module("yaml")

    with open(json_path, encoding="utf-8") as handle:
        parameters = json.load(handle)
    if not isinstance(parameters, dict):
        raise ValueError(f"{json_path} holds no JSON object of parameters")
    # ASCII only, every string quoted or escaped as it must be to read back as that string.
    text = yaml.safe_dump(parameters, allow_unicode=False, default_flow_style=False, sort_keys=False)
    descriptor, path = tempfile.mkstemp(prefix="saturn-panel-parameters-", suffix=".yaml")
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)
    return path


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: run_notebook.py NOTEBOOK OUTPUT [--parameters-json FILE] [papermill options]", file=sys.stderr)
        return 2
    notebook, output, papermill_args = argv[0], argv[1], argv[2:]
    written = None
    if "--parameters-json" in papermill_args:
        at = papermill_args.index("--parameters-json")
        source = papermill_args[at + 1] if at + 1 < len(papermill_args) else ""
        try:
            written = parameters_yaml(source)
        except (OSError, ValueError, ImportError) as error:
            print(f"Error: the parameters could not be read from {source or '(no file)'}: {error}", flush=True)
            return 2
        papermill_args = [*papermill_args[:at], "-f", written, *papermill_args[at + 2 :]]
    try:
        try:
            print(f"{PROGRESS} cells={cells_to_run(notebook, papermill_args)}", flush=True)
        except (OSError, ValueError) as error:
            print(f"{PROGRESS} unknown ({error})", flush=True)
        command = [sys.executable, "-m", "papermill", notebook, output, "--log-output", "--no-progress-bar"]
        code = subprocess.call(command + papermill_args)
        emit_output(output)
        return code
    finally:
        if written is not None:
            os.unlink(written)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
