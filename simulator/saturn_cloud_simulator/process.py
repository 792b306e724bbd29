"""Starting the simulator as a subprocess, for tests and the demo command.

    with SimulatorProcess(token="u", admin_token="a", seed="demo", start_delay=1) as sim:
        requests.get(f"{sim.url}/api/workspaces", headers={"Authorization": "token u"})

Tokens are handed over in the environment, not on the command line, so they never show up in
the process list.
"""

from __future__ import annotations

import collections
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

_LISTENING = re.compile(r"^Saturn simulator listening on (http://\S+)\s*$")
#: The directory holding the ``saturn_cloud_simulator`` package, so ``python -m`` finds it
#: even when the distribution is not installed.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[1])


class SimulatorError(RuntimeError):
    """The simulator did not come up; the message carries the tail of its stderr."""


class SimulatorProcess:
    """A simulator subprocess on a free loopback port. Call :meth:`start` (or use ``with``),
    read :attr:`url`, and :meth:`stop` it."""

    def __init__(
        self,
        *,
        token: str,
        admin_token: str | None = None,
        seed: str | None = "demo",
        start_delay: float = 1.0,
        strict_rate_limit: bool = False,
        execute: bool = False,
        min_status_interval: float | None = None,
        env: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 30.0,
        python: str = sys.executable,
    ) -> None:
        self.token = token
        self.admin_token = admin_token
        self.startup_timeout = startup_timeout
        self.url: str = ""
        """``http://127.0.0.1:PORT`` once started."""
        self._argv: list[str] = [
            python,
            "-m",
            "saturn_cloud_simulator",
            "--host",
            host,
            "--port",
            str(port),
            "--start-delay",
            repr(float(start_delay)),
        ]
        if seed:
            self._argv += ["--seed", seed]
        if strict_rate_limit:
            self._argv.append("--strict-rate-limit")
        if execute:
            self._argv.append("--execute")
        if min_status_interval is not None:
            self._argv += ["--min-status-interval", repr(float(min_status_interval))]
        self._argv += list(extra_args)
        self._env = dict(os.environ)
        self._env.update(env or {})
        self._env["SATURN_SIMULATOR_TOKEN"] = token
        if admin_token:
            self._env["SATURN_SIMULATOR_ADMIN_TOKEN"] = admin_token
        else:
            self._env.pop("SATURN_SIMULATOR_ADMIN_TOKEN", None)
        self._env["PYTHONPATH"] = os.pathsep.join(p for p in (_SOURCE_ROOT, self._env.get("PYTHONPATH", "")) if p)
        self._env["PYTHONUNBUFFERED"] = "1"
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._stdout_lines: collections.deque[str] = collections.deque(maxlen=50)

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> SimulatorProcess:
        """Start the process and wait (up to ``startup_timeout`` s) until it listens."""
        if self._process is not None:
            raise RuntimeError("already started")
        # A file, not a pipe, so a chatty stderr never blocks it; closed by close().
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            self._argv,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,  # a Ctrl-C in a terminal goes to the tests, not to it
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_stdout, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail(f"did not report listening within {self.startup_timeout:g} s")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                self._fail(f"exited with code {self._process.wait()} before listening")
            match = _LISTENING.match(line or "")
            if match:
                self.url = match.group(1)
                return self

    def _read_stdout(self, lines: queue.Queue[str | None]) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        try:
            for line in stdout:  # keeps draining after the listening line
                self._stdout_lines.append(line.rstrip("\n"))
                lines.put(line)
        except (OSError, ValueError):
            pass
        finally:
            lines.put(None)
            stdout.close()  # EOF: the process is gone

    def _fail(self, why: str) -> None:
        tail = self.stderr_tail()
        self.stop()
        raise SimulatorError(f"Saturn simulator {why}.\n--- stderr (tail) ---\n{tail}")

    def stderr_tail(self, max_chars: int = 4000) -> str:
        """The end of the simulator's stderr (request log and errors; never tokens)."""
        if self._stderr is None:
            return ""
        try:
            self._stderr.flush()
            size = self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, size - max_chars))
            return self._stderr.read().decode("utf-8", errors="replace")
        except (OSError, ValueError):
            return ""

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The simulator's process id."""
        return self._process.pid if self._process else None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL. Safe to call twice; the stderr
        tail stays readable until :meth:`close`."""
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def close(self) -> None:
        """Stop and release the stderr buffer."""
        self.stop()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> SimulatorProcess:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:  # never show tokens
        return f"SimulatorProcess(url={self.url!r}, pid={self.pid})"
