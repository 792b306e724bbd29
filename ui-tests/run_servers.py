"""Start what the browser tests talk to: a real JupyterHub, the Saturn simulator, and JupyterLab.

Playwright's webServer runs this; it stops everything when Playwright stops it (SIGTERM).
The hub's spawner shows 4 progress steps; the simulator runs notebooks for real (--execute).
Everything is started by the demo's launcher (saturn_panel_demo.launcher.PanelStack); this file
only chooses the options the tests rely on (see README.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from saturn_cloud_simulator.process import SimulatorProcess
from saturn_panel_demo.launcher import LabServer, PanelStack
from saturn_panel_demo.local_hub import LocalHub

HERE = Path(__file__).resolve().parent


def ui_stack(workdir: Path, port: int) -> PanelStack:
    """Hub (alice, bob; mocksu), simulator (3 s starts, real papermill runs) and galata's Lab on ``port``."""
    root = workdir / "notebooks"
    lab = LabServer(
        workdir,
        settings={
            # Lab runs as alice (an admin): her servers are always listed, other users' while
            # they run, and the rest are found by searching (the panel's filter).
            "hub_user": "alice",
            "hub_poll_interval": 2.0,
            "hub_stopping_poll_interval": 0.5,
            "saturn_min_poll_interval": 2.0,
        },
        port=port,
        token=None,  # galata's configuration serves Lab without one
        root_dir=root,
        examples=True,
        config_file=HERE / "jupyter_server_test_config.py",
        # Lab keeps its config, data (notebook signatures), runtime files, IPython's profile and its
        # user settings in the run's folder: the tests neither read the tester's ~/.jupyter nor
        # write into their home.
        isolate=True,
        log_to_file=False,  # Playwright shows Lab's output as [WebServer] lines
        new_session=False,  # in Playwright's process group, like this script
        env={"JUPYTERLAB_GALATA_ROOT_DIR": str(root)},
    )
    hub = LocalHub(
        workdir / "hub",
        users=("alice", "bob"),
        admins=("alice",),
        step_delay=0.8,
        steps=4,
        stop_delay=1.0,
        singleuser="mocksu",
    )
    simulator = SimulatorProcess(
        token="ui-alice-token-0123456789",
        admin_token="ui-admin-token-0123456789",
        seed="demo",
        start_delay=3.0,
        execute=True,
        min_status_interval=2.0,
    )
    return PanelStack(lab, hub=hub, simulator=simulator)


def main() -> int:
    """Start the stack, run until Lab exits or we are told to stop, then stop it all."""
    workdir = Path(tempfile.mkdtemp(prefix="saturn-panel-ui-"))
    stack = ui_stack(workdir, int(os.environ["SATURN_PANEL_UI_PORT"]))
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()
        if stack.lab.running:
            assert stack.lab.process is not None
            stack.lab.process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Playwright may kill us without a signal we can catch: when our parent goes, stop too, so no
    # hub or simulator outlives the test run.
    parent = os.getppid()

    def watch_parent() -> None:
        while not stopping.is_set():
            if os.getppid() != parent:
                stop()
                return
            time.sleep(1)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        # Playwright waits for Lab's URL itself: the stack does not.
        stack.start(wait=False)
        while not stopping.is_set() and stack.lab.running:
            time.sleep(0.5)
        return 0
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
