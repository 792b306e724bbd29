"""Reading a notebook job's log: its cell progress and its executed notebook.

``notebook_runner.py`` (shipped into the job) writes both into the log; this module reads them
back. Rebuilding refuses anything it cannot verify (a missing ``end``, a gap, bad base64, a size
or SHA-256 that does not match) with an ``OutputUnavailable`` that says which, so no partial
notebook is ever written.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .notebook_runner import LIMIT, OUTPUT, PROGRESS

_BEGIN = re.compile(r"^begin v1 bytes=(\d+) sha256=([0-9a-f]{64})$")
_SKIPPED = re.compile(r"^skipped bytes=(\d+) limit=(\d+)$")
_CELLS = re.compile(r"cells=(\d+)")
#: papermill's own ``--log-output`` line as each cell starts.
_EXECUTING = re.compile(r"Executing Cell (\d+)-")


class OutputUnavailable(Exception):
    """The run's log holds no usable executed notebook; the message says why, for a user."""


@dataclass(frozen=True)
class CellProgress:
    """Which cell papermill is running, of how many (``cells`` None when the log does not say)."""

    cell: int
    cells: int | None

    def to_json(self) -> dict[str, Any]:
        return {"cell": self.cell, "cells": self.cells}


def _marked(line: str, mark: str) -> str | None:
    at = line.find(mark)
    return line[at + len(mark) :].strip() if at >= 0 else None


def cell_progress(lines: Iterable[str]) -> CellProgress | None:
    """The latest cell papermill started, from the log lines so far (None before the first)."""
    cells: int | None = None
    cell = 0
    for line in lines:
        marked = _marked(line, PROGRESS)
        if marked is not None:
            found = _CELLS.search(marked)
            cells = int(found.group(1)) if found else None
            continue
        executing = _EXECUTING.search(line)
        if executing:
            cell = int(executing.group(1))
    return CellProgress(cell, cells) if cell else None


def rebuild_output(lines: Iterable[str]) -> bytes:
    """The executed notebook's bytes from the run's log lines (the last complete hand-back)."""
    frames = [f for f in (_marked(line, OUTPUT) for line in lines) if f is not None]
    if not frames:
        raise OutputUnavailable(
            "This run's log holds no executed notebook: it ran before the panel handed notebooks"
            " back, or it was stopped before papermill finished."
        )
    last_begin = max((i for i, f in enumerate(frames) if f.startswith(("begin ", "skipped ", "missing "))), default=-1)
    if last_begin < 0:
        raise OutputUnavailable("The executed notebook in this run's log has no beginning: the log is cut.")
    header = frames[last_begin]
    skipped = _SKIPPED.match(header)
    if skipped:
        raise OutputUnavailable(
            f"The executed notebook ({int(skipped.group(1)) // 1024 // 1024} MB) is larger than the"
            f" {int(skipped.group(2)) // 1024 // 1024} MB a run can hand back through its log."
        )
    if header.startswith("missing "):
        raise OutputUnavailable(f"papermill wrote no executed notebook ({header[len('missing ') :]}).")
    begin = _BEGIN.match(header)
    if not begin:
        raise OutputUnavailable(f"The executed notebook's frame is not one this panel reads ({header[:40]!r}).")
    size, digest = int(begin.group(1)), begin.group(2)
    if size > LIMIT:
        raise OutputUnavailable("The executed notebook claims a size past the hand-back limit.")
    body = frames[last_begin + 1 :]
    if "end" not in body:
        raise OutputUnavailable("The executed notebook in this run's log is incomplete (no end): the log is cut.")
    chunks = body[: body.index("end")]
    try:
        data = gzip.decompress(base64.b64decode("".join(chunks), validate=True))
    except (binascii.Error, ValueError, OSError, EOFError, zlib.error):
        raise OutputUnavailable("The executed notebook in this run's log is corrupted (it does not decode).") from None
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        raise OutputUnavailable("The executed notebook in this run's log is corrupted (its checksum does not match).")
    return data


def parse_notebook(data: bytes) -> dict[str, Any]:
    """The rebuilt bytes as a notebook (a JSON object with cells), else ``OutputUnavailable``."""
    try:
        notebook = json.loads(data)
    except ValueError:
        raise OutputUnavailable("The executed notebook handed back is not JSON.") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise OutputUnavailable("The executed notebook handed back is not a notebook.")
    return notebook


def error_cell(notebook: dict[str, Any]) -> int | None:
    """The index of the first cell whose outputs hold an error (where a failed run stopped)."""
    for index, cell in enumerate(notebook["cells"]):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        if isinstance(outputs, list) and any(isinstance(o, dict) and o.get("output_type") == "error" for o in outputs):
            return index
    return None
