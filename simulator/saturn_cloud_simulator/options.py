"""Run-time options of the Saturn Cloud API simulator."""

from __future__ import annotations

from dataclasses import dataclass

#: The API version reported by ``GET /api/status``. saturn-client compares it with
#: ``2026.02.01`` to decide whether the ``/api/active/pods`` routes exist.
API_VERSION = "2026.02.01"

#: Every simulated identity lives in this one organisation.
ORG_NAME = "main"

#: Seed 000 asks clients not to poll a resource's status more than once per this many seconds.
DEFAULT_MIN_STATUS_INTERVAL = 10.0


@dataclass(frozen=True)
class SimulatorOptions:
    """Everything the command line can change; the app and the state read it, never mutate it."""

    token: str
    """Token of the user ``alice``."""

    admin_token: str | None = None
    """Token of the user ``admin`` (``admin: true``); ``None`` means there is no admin."""

    seed: str | None = None
    """``"demo"`` loads the demo users and resources (see ``seed.py``); ``None`` starts empty."""

    start_delay: float = 5.0
    """Seconds a workspace stays ``pending`` before it runs; job runs take about as long."""

    strict_rate_limit: bool = False
    """Answer a status request that breaks the polling rule with 429 instead of only counting it."""

    execute: bool = False
    """Really run ``papermill`` job commands instead of simulating their output."""

    min_status_interval: float = DEFAULT_MIN_STATUS_INTERVAL
    """Seconds that must pass between two status requests for one resource (seed 000: 10 s)."""

    execute_timeout: float = 600.0
    """Seconds after which a real (``--execute``) run is killed and marked ``error``."""

    @property
    def stop_delay(self) -> float:
        """Seconds a workspace stays ``stopping``: short, but never longer than a start."""
        return min(self.start_delay, max(1.0, self.start_delay / 3))
