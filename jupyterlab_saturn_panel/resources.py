"""The Resource model: what the panel shows of a hub server, a Saturn workspace or a Saturn job.

One vocabulary for both backends (docs/rest-api.md, "Resource"): the statuses, which of them are
active or finished, and how a resource's ``key`` is built. Backends map upstream JSON to Resources
with ``new_resource``; nothing else builds a key or spells a status.
"""

from __future__ import annotations

from typing import Any

#: A Resource as the REST routes and the ``events`` stream send it (a JSON object).
Resource = dict[str, Any]

#: Every status a hub server or a Saturn workspace can be in.
RESOURCE_STATUSES = ("pending", "running", "stopping", "stopped", "error")
#: Every status of a Saturn job run (and so of a job, which shows its latest run's).
RUN_STATUSES = (*RESOURCE_STATUSES, "completed")
#: Statuses in which something is (or is about to be) running upstream.
ACTIVE_STATUSES = frozenset({"pending", "running", "stopping"})
#: Statuses a run ends in: a viewer of its logs stops following.
FINISHED_RUN_STATUSES = frozenset({"completed", "error", "stopped"})


def hub_key(user: str, name: str) -> str:
    """The key of a hub server: ``hub/{user}/{name}`` (the default server: ``hub/{user}/``)."""
    return f"hub/{user}/{name}"


def saturn_key(kind: str, resource_id: str) -> str:
    """The key of a Saturn resource: ``saturn/{kind}/{id}`` (kind ``workspace`` or ``job``)."""
    return f"saturn/{kind}/{resource_id}"


def is_active(status: str) -> bool:
    """True while something runs, starts or stops upstream."""
    return status in ACTIVE_STATUSES


def new_resource(backend: str, kind: str, key: str, resource_id: str, name: str, owner: str, **fields: Any) -> Resource:
    """A Resource with every field of the contract, stopped and idle; ``fields`` set the rest."""
    resource: Resource = {
        "key": key,
        "backend": backend,
        "kind": kind,
        "id": resource_id,
        "name": name,
        "displayName": name,
        "owner": owner,
        "status": "stopped",
        "progress": None,
        "progressEstimated": False,
        "message": None,
        "url": None,
        "started": None,
        "lastActivity": None,
        "actions": [],
        "details": {},
    }
    resource.update(fields)
    return resource
