"""Start a real JupyterHub on loopback (free ports, node configurable-http-proxy) and stop it cleanly.

Used by the demo, the pytest fixtures and the benchmark. Readiness means ``GET /hub/api/`` through
the proxy answers 200 (the proxy answers 404 before the hub's route exists).
"""

from __future__ import annotations

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_chp() -> str:
    """The node configurable-http-proxy: $SATURN_PANEL_CHP, ./node_modules/.bin, or PATH.

    (The PyPI configurable-http-proxy buffers responses and breaks the progress stream.)
    """
    candidates = [os.environ.get("SATURN_PANEL_CHP", "")]
    here = Path(__file__).resolve()
    for base in [Path.cwd(), *here.parents]:
        candidates.append(str(base / "node_modules" / ".bin" / "configurable-http-proxy"))
    candidates.append(shutil.which("configurable-http-proxy") or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            with open(candidate, "rb") as fh:
                if b"python" in fh.readline():
                    continue  # the PyPI one
            return candidate
    raise RuntimeError(
        "The node configurable-http-proxy was not found: run `jlpm install` in the repository"
        " (it is a devDependency) or set SATURN_PANEL_CHP."
    )


@dataclass
class LocalHub:
    """A JupyterHub subprocess with DummyAuthenticator, named servers and a slow, visible spawner."""

    workdir: Path
    users: tuple[str, ...] = ("alice", "bob")
    admins: tuple[str, ...] = ("alice",)
    step_delay: float = 1.0
    steps: int = 4
    stop_delay: float = 1.0
    named_server_limit: int = 5
    singleuser: str = "lab"  # "lab" (real JupyterLab) or "mocksu" (a tiny echo server, fast)
    log_level: str = "INFO"
    set_public_url: bool = False  # set c.JupyterHub.public_url to the proxy's URL
    admin_token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = 0
    api_port: int = 0
    process: subprocess.Popen[bytes] | None = None
    # A config file used instead of CONFIG_FILE; it may `load_subconfig(CONFIG_FILE)` and add to it.
    config_file: Path | None = None
    # The panel's hub service (jupyterlab_saturn_panel.hub_service) as c.JupyterHub.services lists
    # it: "" not at all, "managed" started (and restarted) by the hub, "external" listed with its
    # URL and token but started by the caller (``status_service_process``), to stop and restart.
    status_service: str = ""
    status_service_port: int = 0
    status_service_token: str = field(default_factory=lambda: secrets.token_hex(16))
    status_service_poll: float = 10.0

    @property
    def public_url(self) -> str:
        """The proxy's URL: what a browser opens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The hub API, reached directly (as $JUPYTERHUB_API_URL is inside a single-user server)."""
        return f"http://127.0.0.1:{self.api_port}/hub/api"

    @property
    def status_service_url(self) -> str:
        """Where the hub service listens ("" when there is none)."""
        return f"http://127.0.0.1:{self.status_service_port}" if self.status_service else ""

    def status_service_process(self, **options: Any) -> StatusServiceProcess:
        """The hub service of an ``external`` set-up, not started yet; ``options`` are its traits
        (``poll_interval=1.0``)."""
        if self.status_service != "external":
            raise RuntimeError("status_service_process() is for status_service='external'")
        return StatusServiceProcess(self, options)

    @property
    def log_path(self) -> Path:
        """The hub's log (stdout and stderr), in its work folder."""
        return self.workdir / "jupyterhub.log"

    def start(self, timeout: float = 90.0) -> LocalHub:
        """Start the hub and wait until its API answers through the proxy."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.api_port = self.api_port or free_port()
        if self.status_service:
            self.status_service_port = self.status_service_port or free_port()
        env = {
            **os.environ,
            "SP_HUB_DIR": str(self.workdir),
            "SP_HUB_PORT": str(self.port),
            "SP_HUB_API_PORT": str(self.api_port),
            "SP_PROXY_API_PORT": str(free_port()),
            "SP_CHP": find_chp(),
            "SP_COOKIE_SECRET": secrets.token_hex(32),
            "SP_ADMINS": json.dumps(list(self.admins)),
            "SP_USERS": json.dumps(list(self.users)),
            "SP_STEP_DELAY": str(self.step_delay),
            "SP_STEPS": str(self.steps),
            "SP_STOP_DELAY": str(self.stop_delay),
            "SP_NAMED_LIMIT": str(self.named_server_limit),
            "SP_SINGLEUSER": self.singleuser,
            "SP_LOG_LEVEL": self.log_level,
            "SP_ADMIN_TOKEN": self.admin_token,
            "SP_STATUS_SERVICE": self.status_service,
            "SP_STATUS_SERVICE_URL": self.status_service_url,
            "SP_STATUS_TOKEN": self.status_service_token,
            "SP_STATUS_POLL": str(self.status_service_poll),
            # c.JupyterHub.public_url: the hub then tells each server its public URL
            # ($JUPYTERHUB_PUBLIC_URL), as a deployment behind a known address does.
            "SP_PUBLIC_URL": f"{self.public_url}/" if self.set_public_url else "",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
            # The spawner class is imported by the hub: make this package importable even from a
            # source checkout that is not installed.
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")) if p
            ),
        }
        # The hub's own variables must not leak in when we run inside a hub server ourselves.
        for name in list(env):
            if name.startswith("JUPYTERHUB_"):
                del env[name]
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the subprocess's lifetime)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config_file or CONFIG_FILE)],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.public_url}/hub/api/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterHub did not come up in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the hub's log ("" when there is none)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        """A blocking hub API call for set-up code (tests and the demo, not the extension)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.api_url}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {token or self.admin_token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw.strip() else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw.decode(errors="replace")

    def create_token(self, user: str, scopes: list[str], note: str = "saturn-panel") -> str:
        """A new API token of ``user`` limited to ``scopes`` (which the user must hold)."""
        status, body = self.api("POST", f"users/{user}/tokens", {"scopes": scopes, "note": note})
        if status != 201:
            raise RuntimeError(f"Could not create a token for {user}: {status} {body}")
        return str(body["token"])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the hub (it stops its servers and proxy) and wait; kill what is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # If the hub died early its proxy (own session? no: same group) may be left: kill by pid file.
        pid_file = self.workdir / "proxy.pid"
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # single-user servers left behind
        except OSError:
            pass
        self.process = None

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class StatusServiceProcess:
    """The panel's hub service run as an external JupyterHub service (its own process, with the
    environment the hub gives a managed one), to stop and start again at will."""

    def __init__(self, hub: LocalHub, options: dict[str, Any]) -> None:
        self.hub = hub
        self.options = options
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = hub.workdir / "status-service.log"

    def start(self, timeout: float = 30.0) -> StatusServiceProcess:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")},
            "JUPYTERHUB_API_URL": self.hub.api_url,
            "JUPYTERHUB_API_TOKEN": self.hub.status_service_token,
            "JUPYTERHUB_SERVICE_URL": self.hub.status_service_url,
            "JUPYTERHUB_SERVICE_PREFIX": "/services/saturn-panel-status/",
            "JUPYTERHUB_SERVICE_NAME": "saturn-panel-status",
        }
        args = [f"--SaturnPanelHubService.{name}={value}" for name, value in self.options.items()]
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the subprocess's lifetime)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab_saturn_panel.hub_service", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The hub service exited at start:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.hub.status_service_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The hub service did not come up in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM it and wait (SIGKILL after 10 s). Safe twice."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
