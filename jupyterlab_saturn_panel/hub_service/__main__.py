"""``python -m jupyterlab_saturn_panel.hub_service``: run the service (see ``app``)."""

from .app import main

main()
