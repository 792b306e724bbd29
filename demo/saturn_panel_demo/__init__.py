"""The embedded default of jupyterlab-saturn-panel: a real JupyterHub, the Saturn Cloud simulator and
JupyterLab with the panel, on loopback.

``python -m saturn_panel_demo`` (./run.sh) runs the README's demo. The pieces are reused by the
tests, the browser tests and the benchmarks:

- :mod:`.local_hub`: ``LocalHub`` (a real JupyterHub on free ports) and ``free_port``;
- :mod:`.slow_spawner`: the spawner whose start shows progress steps (``jupyterhub_config.py``);
- :mod:`.launcher`: ``LabServer`` and ``PanelStack``, the one launcher of Lab + hub + simulator;
- :mod:`.sse`: the one text/event-stream reader of the tests and benchmarks;
- ``examples/``: the example notebook and recipe the README talks about.
"""
