"""A notebook job hands its executed notebook back through its log: the runner shipped into the
job writes it, the panel rebuilds it, and a cut or corrupted hand-back is refused, never half-used.
The runner really runs papermill here, on a real notebook with parameters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jupyterlab_saturn_panel.saturn import notebook_runner
from jupyterlab_saturn_panel.saturn.notebook_output import (
    OutputUnavailable,
    cell_progress,
    error_cell,
    parse_notebook,
    rebuild_output,
)


def text(value: str | list[str]) -> str:
    """A notebook's multiline string (stored as a string or a list of lines)."""
    return "".join(value) if isinstance(value, list) else value


def write_notebook(folder: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("days = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Report"), params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "report.ipynb"
    nbformat.write(nb, path)
    return path


def run_job(folder: Path, *args: str) -> tuple[int, list[str]]:
    """Run the shipped runner as a job would, and return its exit code and log lines."""
    done = subprocess.run(
        [sys.executable, notebook_runner.__file__, "report.ipynb", "report-output.ipynb", "-k", "python3", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("job")
    write_notebook(folder, "for day in range(days):\n    print(f'day {day + 1}')")
    code, lines = run_job(folder, "-p", "days", "3")
    assert code == 0, "\n".join(lines[-30:])
    return lines


def test_the_executed_notebook_comes_back_whole_with_its_outputs(finished: list[str]) -> None:
    notebook = parse_notebook(rebuild_output(finished))
    sources = [text(c["source"]) for c in notebook["cells"]]
    assert any("days = 3" in s for s in sources)  # the parameters cell papermill injected
    printed = "".join(text(o.get("text", "")) for c in notebook["cells"] for o in c.get("outputs", []))
    assert "day 1\nday 2\nday 3" in printed and error_cell(notebook) is None


def test_cell_progress_reads_papermills_own_lines(finished: list[str]) -> None:
    assert cell_progress(finished[:1]) is None  # nothing has run yet
    progress = cell_progress(finished)
    assert progress is not None and progress.cells == 4 and progress.cell == 4  # 3 cells + injected
    midway = [line for line in finished if "Executing Cell 3" in line]
    upto = finished[: finished.index(midway[0]) + 1]
    assert cell_progress(upto) == type(progress)(3, 4)


def test_a_cut_or_corrupted_hand_back_is_refused(finished: list[str]) -> None:
    frames = [i for i, line in enumerate(finished) if line.startswith(notebook_runner.OUTPUT)]
    without_end = finished[: frames[-1]]
    with pytest.raises(OutputUnavailable, match="incomplete"):
        rebuild_output(without_end)
    without_begin = [line for i, line in enumerate(finished) if i != frames[0]]
    with pytest.raises(OutputUnavailable, match="no beginning"):
        rebuild_output(without_begin)
    middle = frames[1]
    flipped = list(finished)
    chunk = flipped[middle]
    flipped[middle] = chunk[:-5] + ("A" if chunk[-5] != "A" else "B") + chunk[-4:]
    with pytest.raises(OutputUnavailable, match="corrupted"):
        rebuild_output(flipped)
    with pytest.raises(OutputUnavailable, match="no executed notebook"):
        rebuild_output([line for line in finished if not line.startswith(notebook_runner.OUTPUT)])


def test_a_failed_run_hands_back_the_cell_that_raised(tmp_path: Path) -> None:
    write_notebook(tmp_path, "raise ValueError('no data for these days')")
    code, lines = run_job(tmp_path)
    assert code != 0  # Saturn sees the run fail
    notebook = parse_notebook(rebuild_output(lines))
    failed = error_cell(notebook)
    assert failed is not None and "raise ValueError" in text(notebook["cells"][failed]["source"])


def test_past_the_limit_the_log_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.ipynb"
    big.write_text(json.dumps({"cells": [], "padding": "x" * 2000}))
    monkeypatch.setattr(notebook_runner, "LIMIT", 1000)
    notebook_runner.emit_output(str(big))
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{notebook_runner.OUTPUT} skipped bytes={big.stat().st_size} limit=1000"]
    with pytest.raises(OutputUnavailable, match="larger than"):
        rebuild_output(lines)
