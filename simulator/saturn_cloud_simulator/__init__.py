"""A Saturn Cloud API simulator: one tornado process, all state in memory.

It follows ``reference/saturn-api.md`` (paths, bodies, status values, ``{"message"}`` errors,
``next_key`` pagination, ``token``/``Bearer`` auth, seed 000's embed endpoints, job runs with logs)
so the panel, its tests, the demo and the official ``saturn-client`` can run without an account.

Run it with ``python -m saturn_cloud_simulator --port 0 --token TOKEN``; start it
from Python with :class:`~.process.SimulatorProcess`; embed it with :func:`~.app.make_app`.
"""

from __future__ import annotations

from typing import Any

from .options import API_VERSION, SimulatorOptions
from .process import SimulatorProcess

__all__ = ["API_VERSION", "SimulatorOptions", "SimulatorProcess", "make_app"]


def __getattr__(name: str) -> Any:  # keep tornado out of plain `import ...saturn_simulator`
    if name == "make_app":
        from .app import make_app

        return make_app
    raise AttributeError(name)
