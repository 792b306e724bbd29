"""The panel's JupyterHub service: the hub's servers read once for every user's panel.

Run by the hub (``c.JupyterHub.services``) as ``python -m jupyterlab_saturn_panel.hub_service``
with a read-only role (``list:users``, ``read:users``, ``read:servers``). It reads the hub's active
servers once per interval while anyone watches, follows each start's progress stream once, and
pushes each panel the part of that state the panel's own token may read (``views``). Starting and
stopping never go through it: panels ask the hub with their own tokens.

- ``state``: the shared state and the only code that reads the hub;
- ``views``: what one token may see of it (JupyterHub's scope rules, ``hub.scopes``);
- ``web``: the HTTP API panels use (``api/view``, its event stream, ``api/users/{name}/refresh``);
- ``app``: configuration and start-up.
"""

#: The service name panels look for by default (``c.SaturnPanel.hub_status_service``).
DEFAULT_SERVICE_NAME = "saturn-panel-status"
