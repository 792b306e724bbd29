"""The one launcher of JupyterLab (or a bare jupyter_server) with the panel, a JupyterHub and the
Saturn Cloud simulator, all on loopback.

- :class:`LabServer`: ``python -m jupyterlab`` or ``python -m jupyter_server`` with the extension,
  its ``c.SaturnPanel`` settings and token in a config file only we can read (never on a command
  line), on a free (or chosen) port, optionally with every Jupyter folder inside its work folder.
- :class:`PanelStack`: a :class:`~.local_hub.LocalHub`, a
  :class:`~saturn_cloud_simulator.SimulatorProcess` (either may be left out) and a
  :class:`LabServer` configured against both; started in that order, stopped in reverse.

``python -m saturn_panel_demo`` (./run.sh), the galata servers (ui-tests/run_servers.py), the
benchmarks (bench/) and pytest all start their processes with these classes.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from .local_hub import LocalHub, free_port
from .profiles import DEMO_PROFILES

if TYPE_CHECKING:
    from saturn_cloud_simulator.process import SimulatorProcess

#: The example notebook and recipes the README talks about, copied into Lab's root folder.
EXAMPLES = Path(__file__).with_name("examples")

#: Variables a launched server must not inherit: the panel's defaults come from them.
_INHERITED_DEFAULTS = ("JUPYTERHUB_", "SATURN_")


def port_or_free(preferred: int) -> int:
    """``preferred`` when nothing listens there on 127.0.0.1, else any free port (0: any)."""
    if not preferred:
        return free_port()
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            return free_port()


def copy_examples(folder: Path, overwrite: bool = False) -> None:
    """Put the example notebook and recipes into ``folder`` (kept when already there, unless
    ``overwrite``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if EXAMPLES.is_dir():
        for item in EXAMPLES.iterdir():
            target = folder / item.name
            if overwrite or not target.exists():
                shutil.copy(item, target)


def write_private_json(path: Path, content: Mapping[str, Any]) -> None:
    """Write ``content`` as JSON to ``path``, readable by this user only (it holds tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(content, fh, indent=2)


@dataclass
class LabServer:
    """JupyterLab (``app="jupyterlab"``) or a bare jupyter_server with the panel, as a subprocess.

    Its ``c.SaturnPanel`` ``settings`` and its ``token`` go into
    ``workdir/jupyter-config/jupyter_server_config.json`` (``jupyter_config.json`` with a
    ``config_file``), mode 600, found through ``JUPYTER_CONFIG_PATH``. Call :meth:`start`, then
    :meth:`wait_ready` (or, on an asyncio loop, :meth:`wait_ready_async`), and :meth:`stop`.
    """

    workdir: Path
    settings: Mapping[str, Any] = field(default_factory=dict)
    """``c.SaturnPanel`` traits."""
    app: Literal["jupyterlab", "jupyter_server"] = "jupyterlab"
    port: int = 0
    """0: a free port."""
    token: str | None = field(default_factory=lambda: secrets.token_hex(16))
    """The server's token; ``None`` leaves it to the configuration (galata's sets none)."""
    root_dir: Path | None = None
    """Where Lab's file browser starts; default ``workdir/notebooks``."""
    examples: bool = False
    """Copy the example notebook and recipes into ``root_dir``."""
    config_file: Path | None = None
    """An extra ``--config`` file (galata's ``jupyter_server_test_config.py``)."""
    isolate: bool = False
    """Keep Jupyter's config, data and runtime folders, IPython's and Lab's user settings in
    ``workdir`` (nothing read from or written to the user's home), and inherit no ``JUPYTER_*``."""
    log_to_file: bool = True
    """Output to ``workdir/<app>.log``; ``False``: to this process's stdout and stderr."""
    new_session: bool = True
    """Run in its own session (a Ctrl-C in the terminal reaches only us; we stop it)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Extra environment variables."""
    extra_args: Sequence[str] = ()
    process: subprocess.Popen[bytes] | None = None

    @property
    def config_dir(self) -> Path:
        """The folder holding the server's ``jupyter_server_config.json``."""
        return self.workdir / "jupyter-config"

    @property
    def log_path(self) -> Path:
        """The server's log when ``log_to_file``."""
        return self.workdir / f"{self.app}.log"

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT/`` (the port is known once :meth:`start` ran)."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header of API calls (none when the server has no token)."""
        return {"Authorization": f"token {self.token}"} if self.token else {}

    @property
    def lab_url(self) -> str:
        """What a browser opens: ``/lab`` with the token."""
        return self.url("lab") + (f"?token={self.token}" if self.token else "")

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base + path.lstrip("/")

    def command(self) -> list[str]:
        """The server's command line (no secrets in it)."""
        root = self.root_dir or self.workdir / "notebooks"
        argv = [sys.executable, "-m", self.app]
        if self.config_file is not None:
            argv.append(f"--config={self.config_file}")
        argv += [
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
        ]
        if self.app == "jupyter_server":
            argv.append("--ServerApp.jpserver_extensions={'jupyterlab_saturn_panel': True}")
        elif self.isolate:
            argv.append(f"--LabApp.user_settings_dir={self.workdir / 'user-settings'}")
            argv.append(f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}")
        return argv + list(self.extra_args)

    def environment(self) -> dict[str, str]:
        """The server's environment: ours without the panel's defaults, with its config folder."""
        dropped = _INHERITED_DEFAULTS + (("JUPYTER_", "IPYTHONDIR") if self.isolate else ())
        env = {name: value for name, value in os.environ.items() if not name.startswith(dropped)}
        env["JUPYTER_CONFIG_PATH"] = str(self.config_dir)
        if self.isolate:
            env.update(
                JUPYTER_CONFIG_DIR=str(self.config_dir),
                JUPYTER_DATA_DIR=str(self.workdir / "jupyter-data"),
                JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
                IPYTHONDIR=str(self.workdir / "ipython"),
            )
        env.update(self.env)
        return env

    def start(self) -> LabServer:
        """Write the configuration and start the process (without waiting for it to answer)."""
        if self.process is not None:
            raise RuntimeError("already started")
        self.port = self.port or free_port()
        root = self.root_dir or self.workdir / "notebooks"
        root.mkdir(parents=True, exist_ok=True)
        if self.examples:
            copy_examples(root)
        config: dict[str, Any] = {"SaturnPanel": dict(self.settings)}
        if self.token is not None:
            config["IdentityProvider"] = {"token": self.token}
        # With --config, Jupyter reads no jupyter_server_config.* from the config path, but still
        # jupyter_config.*; without it, jupyter_server_config.json there outranks the user's files.
        name = "jupyter_config.json" if self.config_file is not None else "jupyter_server_config.json"
        write_private_json(self.config_dir / name, config)
        if self.isolate:
            for name in ("jupyter-data", "jupyter-runtime", "ipython", "user-settings", "workspaces"):
                (self.workdir / name).mkdir(exist_ok=True)
        output: Any = None
        if self.log_to_file:
            output = open(self.log_path, "ab")  # noqa: SIM115 (the child keeps its own copy)
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT if output is not None else None,
                start_new_session=self.new_session,
            )
        finally:
            if output is not None:
                output.close()
        return self

    def _check_alive(self) -> None:
        if self.process is None:
            raise RuntimeError("not started")
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.app} exited (code {self.process.returncode}):\n{self.log_tail()}")

    def wait_ready(self, timeout: float = 120.0) -> LabServer:
        """Block until ``GET /api/status`` answers 200 (RuntimeError when it exits or times out).

        For scripts and threads; on an asyncio loop use :meth:`wait_ready_async`.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            request = urllib.request.Request(self.url("api/status"), headers=self.headers)
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.app} did not answer at {self.base} in {timeout} s:\n{self.log_tail()}")

    async def wait_ready_async(self, timeout: float = 120.0) -> LabServer:
        """Like :meth:`wait_ready`, without blocking the running loop."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        client = AsyncHTTPClient(force_instance=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while loop.time() < deadline:
                self._check_alive()
                request = HTTPRequest(self.url("api/status"), headers=self.headers, request_timeout=3)
                try:
                    response = await client.fetch(request, raise_error=False)
                    if response.code == 200:
                        return self
                except OSError:
                    pass  # not listening yet
                await asyncio.sleep(0.3)
        finally:
            client.close()
        raise RuntimeError(f"{self.app} did not answer at {self.base} in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log ("" when it logs to our output or has no log yet)."""
        if not self.log_to_file:
            return ""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (the server shuts down its kernels), wait, then kill what is left. Safe twice."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    if self.new_session:
                        os.killpg(process.pid, signal.SIGKILL)
                    else:
                        process.kill()
                except OSError:
                    pass
                process.wait()
        self.process = None


def _process_tree() -> dict[int, tuple[int, str]] | None:
    """Every process's (parent, start time) from /proc; None where there is no /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    table: dict[int, tuple[int, str]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state, ppid, ... starttime (field 22 of stat, 20th here).
        table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """The processes under ``pid`` (at any depth), each with its start time (so a pid reused
    later is not taken for it); empty where there is no /proc."""
    table = _process_tree()
    if not table:
        return {}
    children: dict[int, list[int]] = {}
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = table[child][1]
            todo.append(child)
    return found


def stop_processes(processes: Mapping[int, str], timeout: float = 10.0) -> None:
    """SIGTERM the processes still running as recorded (same pid, same start time), wait up to
    ``timeout``, then SIGKILL what is left."""

    def left() -> list[int]:
        table = _process_tree() or {}
        return [pid for pid, started in processes.items() if pid in table and table[pid][1] == started]

    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while left() and time.monotonic() < deadline:
            time.sleep(0.1)


#: The parts of a :class:`PanelStack`, as :meth:`PanelStack.stopped_part` names them, as a person calls them.
PART_NAMES: Mapping[str, str] = {"hub": "JupyterHub", "simulator": "the Saturn Cloud simulator", "lab": "JupyterLab"}


@dataclass
class PanelStack:
    """A JupyterHub, the Saturn Cloud simulator and JupyterLab with the panel configured against both.

    ``hub`` and ``simulator`` are given not yet started (``None`` leaves one out); ``lab`` is the
    :class:`LabServer` to start, whose ``settings`` are completed with the hub's and the simulator's
    URLs and tokens. The hub token Lab gets is the hub's admin service token, or, with
    ``hub_token_user``, a new token of that user limited to ``hub_token_scopes``.
    """

    lab: LabServer
    hub: LocalHub | None = None
    simulator: SimulatorProcess | None = None
    hub_token_user: str | None = None
    hub_token_scopes: Sequence[str] = ()
    hub_family: dict[int, str] = field(default_factory=dict)
    """The hub's processes (its proxy, services, servers) as :meth:`stopped_part` last saw them:
    a hub that dies leaves them to init, where :meth:`stop` still finds them."""

    def start(self, wait: bool = True, timeout: float = 120.0) -> PanelStack:
        """Start the hub, then the simulator, then Lab (and wait for Lab to answer when ``wait``).

        On a failure, whatever started is stopped again before the error is raised.
        """
        try:
            settings: dict[str, Any] = {}
            if self.hub is not None:
                self.hub.start()
                token = self.hub.admin_token
                if self.hub_token_user:
                    token = self.hub.create_token(self.hub_token_user, list(self.hub_token_scopes), note="saturn-panel")
                settings.update(hub_api_url=self.hub.api_url, hub_api_token=token, hub_public_url=self.hub.public_url)
                # The same profiles as the demo hub's spawner (jupyterhub_config.py).
                settings["hub_spawn_options"] = DEMO_PROFILES
            if self.simulator is not None:
                self.simulator.start()
                settings.update(saturn_url=self.simulator.url, saturn_token=self.simulator.token)
                if self.simulator.admin_token:
                    settings["saturn_admin_token"] = self.simulator.admin_token
            # The caller's own settings (poll intervals...) win over the computed ones.
            self.lab.settings = {**settings, **self.lab.settings}
            self.lab.start()
            if wait:
                self.lab.wait_ready(timeout)
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop Lab, the simulator (and the papermill runs it started) and the hub. Safe twice."""
        try:
            self.lab.stop()
        finally:
            try:
                if self.simulator is not None:
                    self.simulator.close()
            finally:
                if self.hub is not None:
                    try:
                        self.hub.stop()
                    finally:
                        # What a hub that died left running (its managed services, say).
                        family, self.hub_family = self.hub_family, {}
                        stop_processes(family)

    def stopped_part(self) -> str | None:
        """The first part whose process has ended: ``"hub"``, ``"simulator"`` or ``"lab"``
        (None while all run). A process that died but was not reaped yet (a zombie, which
        ``kill -0`` still finds) counts as ended: ``poll()`` reaps it."""
        if self.hub is not None and self.hub.process is not None:
            if self.hub.process.poll() is not None:
                return "hub"
            self.hub_family.update(descendants(self.hub.process.pid))
        if self.simulator is not None and not self.simulator.running:
            return "simulator"
        if not self.lab.running:
            return "lab"
        return None

    def watch(self, interval: float = 1.0) -> str:
        """Block until a part stops; return which one (see :meth:`stopped_part`)."""
        while True:
            part = self.stopped_part()
            if part is not None:
                return part
            time.sleep(interval)

    def stop_report(self, part: str) -> str:
        """What to tell a person when ``part`` stopped on its own: which part, how it ended,
        where its log is, and which parts are stopped because of it."""
        code: int | None = None
        where = ""
        if part == "hub" and self.hub is not None and self.hub.process is not None:
            code, where = self.hub.process.returncode, f" Its log: {self.hub.log_path}"
        elif part == "simulator" and self.simulator is not None:
            process = getattr(self.simulator, "_process", None)
            code = process.returncode if process is not None else None
            tail = self.simulator.stderr_tail(800).strip()
            where = f" Its last output:\n{tail}" if tail else ""
        elif part == "lab" and self.lab.process is not None:
            code = self.lab.process.returncode
            where = f" Its log: {self.lab.log_path}" if self.lab.log_to_file else ""
        if code is None:
            how = "it ended"
        elif code >= 0:
            how = f"exit code {code}"
        else:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        present = {"hub": self.hub is not None, "simulator": self.simulator is not None, "lab": True}
        others = [PART_NAMES[name] for name in ("simulator", "lab", "hub") if present[name] and name != part]
        name = PART_NAMES[part]
        text = f"{name[0].upper()}{name[1:]} stopped ({how}).{where}"
        if others:
            text += f"\nStopping {' and '.join(others)} ..."
        return text

    def urls(self) -> dict[str, str]:
        """Where to go: Lab (with its token), the hub and the simulator, those that run."""
        urls = {"lab": self.lab.lab_url}
        if self.hub is not None:
            urls["hub"] = self.hub.public_url
        if self.simulator is not None:
            urls["saturn"] = self.simulator.url
        return urls

    def __enter__(self) -> PanelStack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
