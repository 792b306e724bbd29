"""The README's run command: the panel on its embedded default, everything on loopback.

Starts a real JupyterHub (DummyAuthenticator, named servers, a spawner with visible progress
steps), the Saturn Cloud simulator (seeded with workspaces and jobs) and JupyterLab with the panel
configured against both, then prints where to go. Ctrl-C stops everything.

    python -m jupyterlab_saturn_panel.demo [--port 8888] [--hub-port 8000] [--dir demo-run]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .local_hub import LocalHub, free_port

DEMO_USER = "alice"
#: What the demo gives Lab's hub token: everything the panel uses (alice is a hub admin).
DEMO_HUB_SCOPES = ["list:users", "read:users", "read:servers", "servers", "access:servers"]


def port_or_free(preferred: int) -> int:
    """``preferred`` when nothing listens there, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            return free_port()


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer at {url} in {timeout} s")


def write_lab_config(path: Path, settings: dict[str, object]) -> None:
    """Lab's ``c.SaturnPanel`` settings, tokens included, in a file only we can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"SaturnPanel": settings}, fh, indent=2)


def copy_examples(notebooks: Path) -> None:
    """Give Lab a folder with the example notebook and recipes the README talks about."""
    notebooks.mkdir(parents=True, exist_ok=True)
    examples = Path(__file__).with_name("examples")
    if examples.is_dir():
        for item in examples.iterdir():
            target = notebooks / item.name
            if not target.exists():
                shutil.copy(item, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab port (another if taken)")
    parser.add_argument("--hub-port", type=int, default=8000, help="JupyterHub port (another if taken)")
    parser.add_argument("--dir", default="demo-run", help="folder for the demo's state and logs")
    parser.add_argument("--saturn-start-delay", type=float, default=8.0, help="simulated start time (s)")
    parser.add_argument("--no-saturn", action="store_true", help="run without the Saturn simulator")
    args = parser.parse_args(argv)

    workdir = Path(args.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    hub = LocalHub(workdir / "hub", users=("alice", "bob", "carol"), admins=(DEMO_USER,),
                   step_delay=1.0, steps=4, stop_delay=1.0, singleuser="lab",
                   port=port_or_free(args.hub_port))
    simulator = None
    lab: subprocess.Popen[bytes] | None = None
    try:
        print("Starting JupyterHub ...", flush=True)
        hub.start()
        settings: dict[str, object] = {
            "hub_api_url": hub.api_url,
            "hub_api_token": hub.create_token(DEMO_USER, DEMO_HUB_SCOPES, note="saturn-panel demo"),
            "hub_public_url": hub.public_url,
        }
        if not args.no_saturn:
            from ..saturn_simulator.process import SimulatorProcess

            print("Starting the Saturn Cloud simulator ...", flush=True)
            user_token, admin_token = secrets.token_hex(20), secrets.token_hex(20)
            simulator = SimulatorProcess(token=user_token, admin_token=admin_token, seed="demo",
                                         start_delay=args.saturn_start_delay, execute=True).start()
            settings.update(saturn_url=simulator.url, saturn_token=user_token,
                            saturn_admin_token=admin_token)
        config = workdir / "lab" / "jupyter_server_config.json"
        write_lab_config(config, settings)
        notebooks = workdir / "notebooks"
        copy_examples(notebooks)
        port = port_or_free(args.port)
        lab_token = secrets.token_hex(16)
        log = workdir / "jupyterlab.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "SATURN_"))}
        env["JUPYTER_CONFIG_PATH"] = str(config.parent)  # picks up jupyter_server_config.json
        print("Starting JupyterLab ...", flush=True)
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--allow-root", f"--ServerApp.root_dir={notebooks}", f"--IdentityProvider.token={lab_token}"],
            env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True,
        )
        wait_for_http(f"http://127.0.0.1:{port}/api/status?token={lab_token}", 120, lab, log)
        print(
            "\n"
            f"  JupyterLab with the panel:  http://127.0.0.1:{port}/lab?token={lab_token}\n"
            f"  JupyterHub:                 {hub.public_url}  (log in as alice, any password)\n"
            + (f"  Saturn Cloud simulator:     {simulator.url}\n" if simulator else "")
            + f"  Logs:                       {workdir}\n\n"
            "Open the first link, then the panel's icon in the left sidebar. Ctrl-C stops everything.\n",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while lab.poll() is None:
            time.sleep(1)
        print(f"JupyterLab exited; see {log}")
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        if lab is not None and lab.poll() is None:
            lab.send_signal(signal.SIGINT)
            lab.send_signal(signal.SIGINT)  # jupyter asks for confirmation on the first one
            try:
                lab.wait(timeout=15)
            except subprocess.TimeoutExpired:
                lab.kill()
        if simulator is not None:
            simulator.stop()
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
