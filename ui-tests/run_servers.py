"""Start what the browser tests talk to: a real JupyterHub, the Saturn simulator, and JupyterLab.

Playwright's webServer runs this; it stops everything when Playwright stops it (SIGTERM).
The hub's spawner shows 4 progress steps; the simulator runs notebooks for real (--execute).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from jupyterlab_saturn_panel.demo.local_hub import LocalHub  # noqa: E402
from jupyterlab_saturn_panel.saturn_simulator.process import SimulatorProcess  # noqa: E402

EXAMPLES = HERE.parent / "jupyterlab_saturn_panel" / "demo" / "examples"


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="saturn-panel-ui-"))
    hub = LocalHub(workdir / "hub", users=("alice", "bob"), admins=("alice",), step_delay=0.8,
                   steps=4, stop_delay=1.0, singleuser="mocksu")
    simulator = None
    lab = None
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        if lab is not None and lab.poll() is None:
            lab.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Playwright may kill us without a signal we can catch: when our parent goes, stop too, so no
    # hub or simulator outlives the test run.
    parent = os.getppid()

    def watch_parent() -> None:
        while not stopping:
            if os.getppid() != parent:
                stop()
                return
            time.sleep(1)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        hub.start()
        simulator = SimulatorProcess(token="ui-alice-token-0123456789", admin_token="ui-admin-token-0123456789",
                                     seed="demo", start_delay=3.0, execute=True, min_status_interval=2.0).start()
        settings = {
            "hub_api_url": hub.api_url,
            "hub_api_token": hub.admin_token,
            "hub_public_url": hub.public_url,
            "hub_poll_interval": 2.0,
            "hub_stopping_poll_interval": 0.5,
            "saturn_url": simulator.url,
            "saturn_token": "ui-alice-token-0123456789",
            "saturn_admin_token": "ui-admin-token-0123456789",
            "saturn_min_poll_interval": 2.0,
        }
        settings_file = workdir / "panel-settings.json"
        settings_file.write_text(json.dumps(settings))
        settings_file.chmod(0o600)
        root = workdir / "notebooks"
        root.mkdir()
        for example in EXAMPLES.iterdir():
            shutil.copy(example, root / example.name)
        # Lab keeps its config, data (notebook signatures), runtime files and IPython's profile in the
        # run's folder: the tests neither read the tester's ~/.jupyter nor write into their home.
        jupyter_dirs = {name: workdir / folder for name, folder in (
            ("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
            ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"))}
        for folder in jupyter_dirs.values():
            folder.mkdir()
        env = {**os.environ, **{name: str(folder) for name, folder in jupyter_dirs.items()},
               "SATURN_PANEL_UI_SETTINGS": str(settings_file), "JUPYTERLAB_GALATA_ROOT_DIR": str(root)}
        if not stopping:
            lab = subprocess.Popen(
                [sys.executable, "-m", "jupyterlab", "--config", str(HERE / "jupyter_server_test_config.py")],
                env=env,
            )
            while lab.poll() is None:
                time.sleep(0.5)
        return 0
    finally:
        if lab is not None and lab.poll() is None:
            lab.terminate()
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                lab.kill()
        if simulator is not None:
            simulator.stop()
        hub.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
