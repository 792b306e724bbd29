"""State machines: workspace and deployment start/stop over time, and job runs with logs.

Every transition that takes time is an asyncio task on the server's loop; a newer action cancels
the older task, so state always follows the last request.
"""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import json
import logging
import shlex
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from . import cron
from .execute import execute_run, is_executable
from .models import Deployment, Job, Run, Workspace, utcnow
from .options import SimulatorOptions

log = logging.getLogger("saturn_simulator")

_FAILURE_LINES = [
    "Traceback (most recent call last):",
    '  File "/home/jovyan/workspace/<job>", line 1, in <module>',
    "RuntimeError: simulated failure (SIMULATOR_FAIL=1 or /_simulator/fail-next-start)",
]


#: What a workspace or a deployment is: both follow the same state machine.
Service = Workspace | Deployment


class Lifecycle:
    """Drives workspaces, deployments and job runs through their states on the running event loop."""

    def __init__(self, options: SimulatorOptions) -> None:
        self.options = options
        self._tasks: set[asyncio.Task[Any]] = set()
        self._scheduler: asyncio.Task[None] | None = None

    # --- bookkeeping ---------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)  # keep a reference: the loop only holds weak ones
        task.add_done_callback(self._tasks.discard)
        return task

    async def shutdown(self) -> None:
        """Cancel every transition and run (killing real commands) and wait for them."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- workspaces ----------------------------------------------------------------------

    @staticmethod
    def cancel_transition(workspace: Service) -> None:
        """Abandon the workspace's pending start or stop."""
        if workspace.task is not None and not workspace.task.done():
            workspace.task.cancel()
        workspace.task = None

    def start_workspace(self, workspace: Service, debug_mode: bool = False) -> None:
        """``stopped|error|stopping → pending → running`` (or ``error``); a no-op when it is
        already pending or running."""
        if workspace.status in ("pending", "running"):
            return
        self.cancel_transition(workspace)
        fail = workspace.take_failure()
        workspace.status = "pending"
        workspace.started_at = utcnow()
        workspace.debug_mode = debug_mode
        workspace.require_restart = False
        if isinstance(workspace, Deployment):
            end_pods(workspace, "stopped")
            pod = workspace.new_pod()
            workspace.last_deploy = pod.created_at
            pod.log(f"Pulling image {workspace.image_ref.uri}")
        workspace.touch()
        workspace.task = self._spawn(self._finish_start(workspace, fail))

    async def _finish_start(self, workspace: Service, fail: bool) -> None:
        await asyncio.sleep(self.options.start_delay)
        workspace.status = "error" if fail else "running"
        if fail:
            workspace.started_at = None
        if isinstance(workspace, Deployment) and workspace.pods:
            pod = workspace.pods[-1]
            if fail:
                for line in [f"Running command: {workspace.command}", *_FAILURE_LINES]:
                    pod.log(line)
                pod.finish("error", 1)
            else:
                pod.status = "running"
                pod.started_at = utcnow()
                for line in deployment_startup_lines(workspace):
                    pod.log(line)
        workspace.touch()
        workspace.task = None

    def stop_workspace(self, workspace: Service) -> None:
        """``pending|running|error → stopping → stopped``; a no-op when already stopping or
        stopped."""
        if workspace.status in ("stopping", "stopped"):
            return
        self.cancel_transition(workspace)
        workspace.status = "stopping"
        if isinstance(workspace, Deployment):
            for pod in workspace.active_pods:
                pod.log("Received SIGTERM; shutting down")
        workspace.touch()
        workspace.task = self._spawn(self._finish_stop(workspace))

    async def _finish_stop(self, workspace: Service) -> None:
        await asyncio.sleep(self.options.stop_delay)
        if isinstance(workspace, Deployment):
            end_pods(workspace, "stopped")
        workspace.status = "stopped"
        workspace.started_at = None
        workspace.debug_mode = False
        workspace.touch()
        workspace.task = None

    def restart_workspace(self, workspace: Service, debug_mode: bool = False) -> None:
        """Stop (if active) and start again."""
        if workspace.status in ("stopped", "error"):
            self.start_workspace(workspace, debug_mode)
            return
        self.cancel_transition(workspace)
        workspace.status = "stopping"
        workspace.touch()
        workspace.task = self._spawn(self._restart(workspace, debug_mode))

    async def _restart(self, workspace: Service, debug_mode: bool) -> None:
        await asyncio.sleep(self.options.stop_delay)
        if isinstance(workspace, Deployment):
            end_pods(workspace, "stopped")
        workspace.status = "stopped"
        workspace.task = None
        self.start_workspace(workspace, debug_mode)

    # --- job runs ------------------------------------------------------------------------

    def start_job(self, job: Job, debug_mode: bool = False) -> Run:
        """Launch a new run of the job (each start is one more run, running concurrently)."""
        run = Run(name=job.new_run_name(), job=job)
        job.runs.append(run)
        job.debug_mode = debug_mode
        job.touch()
        run.task = self._spawn(self._drive_run(run, job.take_failure()))
        return run

    # --- schedules (Kubernetes CronJobs on real Saturn: five cron fields, UTC) -------------

    def ensure_scheduler(self, jobs: Callable[[], Iterable[Job]]) -> None:
        """Fire scheduled jobs from now on (one watcher for every job, started on demand)."""
        if self._scheduler is None or self._scheduler.done():
            self._scheduler = self._spawn(self._fire_schedules(jobs))

    async def _fire_schedules(self, jobs: Callable[[], Iterable[Job]]) -> None:
        while True:
            now = utcnow()
            for job in list(jobs()):
                self.fire_if_due(job, now)
            await asyncio.sleep(1.0)

    def fire_if_due(self, job: Job, now: dt.datetime) -> Run | None:
        """Start a run when a time of the job's schedule came since the last one taken (as the
        CronJob controller does, from ``lastScheduleTime``: one run for any number of missed
        times), following its concurrency policy (Forbid skips, Replace stops the live runs). A
        schedule with no next time (``0 0 30 2 *``) or that Kubernetes refuses never fires."""
        if not (job.scheduled and job.schedule):
            job.last_schedule_time = None
            return None
        if job.last_schedule_time is None:
            job.last_schedule_time = now  # scheduled just now: the next time is the first
            return None
        try:
            schedule = cron.parse(job.schedule)
        except cron.ScheduleError:
            return None
        due = cron.next_time(schedule, job.last_schedule_time)
        if due is None or due > now:
            return None
        for _ in range(10_000):  # the most recent of the times missed
            following = cron.next_time(schedule, due)
            if following is None or following > now:
                break
            due = following
        job.last_schedule_time = due
        if job.active_runs and job.concurrency_policy == "Forbid":
            return None
        if job.concurrency_policy == "Replace":
            self.stop_job(job)
        log.info("schedule %r of job %s fired", job.schedule, job.name)
        return self.start_job(job)

    def stop_run(self, run: Run) -> None:
        """Stop one live run; it ends ``stopped``. Finished runs are left as they are."""
        if not run.is_active:
            return
        run.log("Received stop request; terminating the run")
        run.finish("stopped", None)
        if run.task is not None and not run.task.done():
            run.task.cancel()  # an executing command is killed by the task's cleanup
        run.task = None

    def stop_job(self, job: Job) -> None:
        """Stop every live run of the job."""
        for run in job.active_runs:
            self.stop_run(run)

    def restart_job(self, job: Job, debug_mode: bool = False) -> Run:
        """Stop every live run and start a new one."""
        self.stop_job(job)
        return self.start_job(job, debug_mode)

    async def _drive_run(self, run: Run, fail: bool) -> None:
        delay = self.options.start_delay
        await asyncio.sleep(delay / 2)  # scheduling and pulling the image
        run.status = "running"
        run.started_at = utcnow()
        run.job.touch()
        try:
            if fail:
                code = await self._play(run, simulated_output(run.job)[:3] + _FAILURE_LINES, 1)
            elif self.options.execute and is_executable(run.job.command, run.job.config_files):
                code = await execute_run(run, self.options.execute_timeout)
            else:
                code = await self._play(run, simulated_output(run.job), 0)
        except Exception as err:  # a simulator bug must not leave a run "running" forever
            log.exception("run %s failed inside the simulator", run.name)
            run.log(f"Simulator error: {type(err).__name__}: {err}")
            code = 1
        if run.is_active:  # not stopped meanwhile
            run.finish("completed" if code == 0 else "error", code)
        run.task = None

    async def _play(self, run: Run, lines: list[str], exit_code: int) -> int:
        """Emit scripted log lines spread over about ``start_delay`` seconds, or over the job's
        ``SIMULATOR_DURATION`` environment variable (seconds) when it sets one."""
        step = run_duration(run.job, self.options.start_delay) / max(len(lines), 1)
        for line in lines:
            run.log(line)
            await asyncio.sleep(step)
        return exit_code


def end_pods(deployment: Deployment, status: str) -> None:
    """End every live pod of the deployment (a stop, or a new start replacing them)."""
    for pod in deployment.active_pods:
        pod.finish(status, 0 if status == "stopped" else 1)


def deployment_startup_lines(deployment: Deployment) -> list[str]:
    """Plausible log lines of a deployment's server coming up."""
    return [
        f"Running command: {deployment.command}",
        "Started server process [1]",
        "Waiting for application startup.",
        "Application startup complete.",
        "Listening on http://0.0.0.0:8000 (Press CTRL+C to quit)",
    ]


def run_duration(job: Job, default: float) -> float:
    """How long a simulated run of ``job`` keeps running: ``SIMULATOR_DURATION`` in the job's
    environment (e.g. for a long run to watch or stop), else ``default``."""
    try:
        value = float(job.environment_variables.get("SIMULATOR_DURATION", default))
    except ValueError:
        return default
    return value if 0 <= value <= 24 * 3600 else default


# --- scripted output ---------------------------------------------------------------------


def _papermill_args(argv: list[str]) -> tuple[str | None, str | None, str]:
    """Input notebook, output notebook and kernel of a papermill command line."""
    positional: list[str] = []
    kernel = "python3"
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("--kernel", "-k") and i + 1 < len(argv):
            kernel = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--kernel="):
            kernel = arg.split("=", 1)[1]
        elif arg.startswith("-") and arg != "-":
            # options with values we know of; flags take none
            if arg in ("--stdout-file", "--stderr-file", "--cwd", "--engine", "-f", "-y", "-b", "--language"):
                i += 1
            elif arg in ("-p", "-r", "--parameters", "--parameters_raw"):
                i += 2
        else:
            positional.append(arg)
        i += 1
    notebook = positional[0] if positional else None
    output = positional[1] if len(positional) > 1 else None
    return notebook, output, kernel


def _notebook_cells(job: Job, notebook: str | None) -> list[str] | None:
    """Sources of the code cells of ``notebook`` if the job ships it in ``config_files``."""
    if not notebook:
        return None
    for path, spec in job.config_files.items():
        if path == notebook or path.endswith("/" + notebook.lstrip("./")):
            try:
                content = json.loads(str(spec.get("content", "")))
                cells = content.get("cells", [])
                return [
                    "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                    for c in cells
                    if c.get("cell_type") == "code"
                ]
            except (ValueError, AttributeError, KeyError, TypeError):
                return None
    return None


def _literal_prints(source: str) -> list[str]:
    """What ``print("literal")`` calls in a cell would write; other output can't be guessed."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and node.args
            and all(isinstance(a, ast.Constant) for a in node.args)
        ):
            out.append(" ".join(str(a.value) for a in node.args))  # type: ignore[attr-defined]
    return out


def simulated_output(job: Job) -> list[str]:
    """Plausible log lines for the job's command when it is not really executed."""
    try:
        argv = shlex.split(job.command)
    except ValueError:
        argv = job.command.split()
    if argv and argv[0] == "papermill":
        notebook, output, kernel = _papermill_args(argv)
        cells = _notebook_cells(job, notebook)
        lines = [
            f"Input Notebook:  {notebook or '-'}",
            f"Output Notebook: {output or '-'}",
            f"Executing notebook with kernel: {kernel}",
        ]
        sources = cells if cells is not None else [""] * 4
        for number, source in enumerate(sources, start=1):
            lines.append(f"Executing Cell {number}/{len(sources)}")
            lines.extend(_literal_prints(source))
        return lines
    lines = [f"Running command: {job.command}"]
    lines.extend(f"step {i}/5: processing batch {i}" for i in range(1, 6))
    lines.append("Command finished successfully")
    return lines
