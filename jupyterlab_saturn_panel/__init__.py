"""jupyterlab_saturn_panel: Saturn Cloud workspaces and jobs and JupyterHub servers in a JupyterLab sidebar."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_saturn_panel' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-saturn-panel"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import SaturnPanel

    return [{"module": "jupyterlab_saturn_panel", "app": SaturnPanel}]
