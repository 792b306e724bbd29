"""JupyterLab for the browser tests (TEST ONLY: galata's configuration removes all protections)."""

import json
import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821
configure_jupyter_server(c)
# The tester's own JupyterLab settings (~/.jupyter/lab/user-settings) must not change what the tests see.
# run_servers.py's work folder (removed when the run ends) holds them.
c.LabApp.user_settings_dir = os.path.join(os.path.dirname(os.environ["SATURN_PANEL_UI_SETTINGS"]), "user-settings")
c.ServerApp.port = int(os.environ["SATURN_PANEL_UI_PORT"])
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.allow_root = True
# The panel's settings, written by run_servers.py (tokens in a file, not on a command line).
with open(os.environ["SATURN_PANEL_UI_SETTINGS"]) as fh:
    for name, value in json.load(fh).items():
        setattr(c.SaturnPanel, name, value)
