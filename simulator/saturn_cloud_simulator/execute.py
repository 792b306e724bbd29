"""Really executing a job's ``papermill`` command (``--execute``).

The job's ``config_files`` are written into a fresh temporary folder that stands in for the
container's file system (the job's ``working_directory`` is mapped inside it), the command runs
there as an asyncio subprocess, and every output line is appended to the run's log as it arrives.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .models import Job, Run

#: Environment variables of the simulator process that must never reach a job (they hold tokens).
_PRIVATE_ENV_PREFIX = "SATURN_SIMULATOR_"
_HOME = "/home/jovyan"


_PYTHON = ("python", "python3")


def is_executable(command: str, shipped: Iterable[str] = ()) -> bool:
    """Whether ``--execute`` runs this command for real: papermill, or a Python script shipped
    in the job's config_files (``shipped``: their paths), such as the panel's notebook runner.
    Anything else (a seeded ``python train.py``) is simulated."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    if not argv:
        return False
    if argv[0] == "papermill":
        return True
    return argv[0] in _PYTHON and len(argv) > 1 and argv[1].endswith(".py") and argv[1] in set(shipped)


def command_argv(command: str) -> list[str]:
    """The argv to run: a leading ``papermill`` or ``python`` becomes this interpreter (with
    ``-m papermill``), so the simulator's environment (papermill, ipykernel) is used."""
    argv = shlex.split(command)
    if argv and argv[0] == "papermill":
        return [sys.executable, "-m", "papermill", *argv[1:]]
    if argv and argv[0] in _PYTHON:
        return [sys.executable, *argv[1:]]
    return argv


def _container_path(root: Path, cwd: Path, path: str) -> Path:
    """Map a path inside the simulated container onto the temporary folder."""
    if path.startswith("~/"):
        path = f"{_HOME}/{path[2:]}"
    posix = PurePosixPath(path)
    target = root.joinpath(*posix.parts[1:]) if posix.is_absolute() else cwd.joinpath(*posix.parts)
    target = target.resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"path {path!r} leaves the job's file system")
    return target


def _prepare_folder(job: Job) -> tuple[Path, Path]:
    """Create the temporary root, the working directory and the config files (blocking; run in
    a worker thread)."""
    root = Path(tempfile.mkdtemp(prefix="saturn-sim-run-")).resolve()
    try:
        working = job.working_directory or f"{_HOME}/workspace"
        cwd = _container_path(root, root / "home" / "jovyan", working)
        cwd.mkdir(parents=True, exist_ok=True)
        for path, spec in job.config_files.items():
            target = _container_path(root, cwd, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(spec.get("content", "")), encoding="utf-8")
            mode = spec.get("mode")
            if mode:
                target.chmod(int(str(mode), 8))
        return root, cwd
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _job_environment(job: Job) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PRIVATE_ENV_PREFIX)}
    env.update(job.environment_variables)
    env["PYTHONUNBUFFERED"] = "1"  # so lines reach the log while the run is going on
    env["SATURN_RESOURCE_ID"] = job.id
    env["SATURN_RESOURCE_NAME"] = job.name
    return env


#: A tqdm progress bar (papermill draws one on stderr) such as ``Executing:  50%|█  | 1/2 [00:01<..]``.
_PROGRESS_BAR = re.compile(r"^[^|\n]*\d+%\|[^|]*\|[^\[]*\[[^\]]*\]")


def _clean_line(raw: bytes) -> str | None:
    """Decode one output line. Of carriage-return progress updates (tqdm) keep the last, and
    drop a bar that other output was glued to (the bar ends without a newline)."""
    text = raw.decode("utf-8", errors="replace").rstrip("\n")
    if "\r" in text:
        segments = [segment for segment in text.split("\r") if segment.strip()]
        if not segments:
            return None
        text = segments[-1]
    rest = _PROGRESS_BAR.sub("", text, count=1)
    return rest if rest.strip() else text


async def _terminate(process: asyncio.subprocess.Process) -> None:
    """Stop the command and everything it started (papermill starts a kernel)."""
    if process.returncode is not None:
        return
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            await asyncio.wait_for(process.wait(), wait)
            return
        except asyncio.TimeoutError:
            continue


async def _pump(process: asyncio.subprocess.Process, run: Run) -> int:
    """Copy the command's output into the run's log line by line until it exits."""
    assert process.stdout is not None
    while True:
        raw = await process.stdout.readline()
        if not raw:
            break
        line = _clean_line(raw)
        if line is not None:
            run.log(line)
    return await process.wait()


async def execute_run(run: Run, timeout: float) -> int:
    """Run the job's command for ``run``, streaming output into ``run.logs``; return the exit
    code (non-zero on a setup problem or a timeout). Cancelling the task kills the command."""
    job = run.job
    try:
        argv = command_argv(job.command)
        root, cwd = await asyncio.to_thread(_prepare_folder, job)
        if len(argv) > 1 and argv[0] == sys.executable and argv[1].endswith(".py"):
            argv[1] = str(_container_path(root, cwd, argv[1]))  # a script shipped in config_files
        # Any other argument that names a shipped config file by its container path (a
        # parameters file) points at where that file was written.
        argv[2:] = [
            str(_container_path(root, cwd, arg)) if arg in job.config_files and arg.startswith(("/", "~/")) else arg
            for arg in argv[2:]
        ]
    except (ValueError, OSError) as err:
        run.log(f"Error: could not prepare the job's files: {err}")
        return 1
    process: asyncio.subprocess.Process | None = None
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(cwd),
            env=_job_environment(job),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,  # one stream keeps stdout and stderr in order
            start_new_session=True,  # its own process group, so a stop also kills the kernel
            limit=1 << 20,
        )
        try:
            return await asyncio.wait_for(_pump(process, run), timeout)
        except asyncio.TimeoutError:
            run.log(f"Error: the run exceeded {timeout:g} seconds and was killed")
            return 124
    except OSError as err:
        run.log(f"Error: could not start {argv[0]!r}: {err}")
        return 127
    finally:
        if process is not None:
            await _terminate(process)
        await asyncio.to_thread(shutil.rmtree, root, True)
