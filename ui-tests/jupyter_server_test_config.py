"""JupyterLab for the browser tests (TEST ONLY: galata's configuration removes all protections).

run_servers.py starts Lab with this file through the demo's launcher, which adds the rest on the
command line and in the run's folder (removed when the run ends): Lab's port
($SATURN_PANEL_UI_PORT, checked free by playwright.config.js), 127.0.0.1, the root folder, Lab's
user settings (the tester's own ~/.jupyter/lab/user-settings must not change what the tests see),
Jupyter's config, data and runtime folders, and the panel's settings (tokens in a file, not on a
command line).
"""

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821
configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.allow_root = True
