"""The embedded default: a real JupyterHub and the Saturn Cloud simulator on loopback.

``python -m jupyterlab_saturn_panel.demo`` runs the README's demo; tests and benchmarks reuse
``LocalHub`` to get a real hub on free ports.
"""
