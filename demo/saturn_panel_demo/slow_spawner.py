"""A local-process spawner whose start shows several progress steps, for the demo and the tests.

JupyterHub's own spawners report one "Spawning server..." event; this one reports steps the hub
relays on its progress stream, so the panel's progress bar has something to show. A server started
with ``user_options = {"fail": true}`` fails after its steps, to show a failed start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Float, Integer


class SlowProgressSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]  # jupyterhub is untyped
    """SimpleLocalProcessSpawner with visible, replayable progress steps and an optional stop delay."""

    step_delay = Float(1.0, help="Seconds per progress step.").tag(config=True)
    steps = Integer(4, help="Number of progress steps before the server process starts.").tag(config=True)
    stop_delay = Float(0.0, help="Seconds a stop takes before the process is stopped.").tag(config=True)

    _events: list[dict[str, Any]]

    async def start(self) -> Any:
        """Report ``steps`` progress steps ``step_delay`` apart, then start the server process."""
        # Replayable: every subscriber of the progress stream sees all events (kubespawner #153).
        self._events = []
        for step in range(1, self.steps + 1):
            await asyncio.sleep(self.step_delay)
            self._events.append(
                {"progress": 10 + int(80 * step / (self.steps + 1)), "message": f"Preparing step {step}/{self.steps}"}
            )
        if (self.user_options or {}).get("fail"):
            raise RuntimeError("The demo spawner was asked to fail (user_options.fail)")
        self._events.append({"progress": 90, "message": "Starting the single-user server"})
        return await super().start()

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        """Every step of the current start, from the first, to each subscriber (the hub ends it)."""
        seen = 0
        while True:
            events = getattr(self, "_events", [])
            while seen < len(events):
                yield events[seen]
                seen += 1
            await asyncio.sleep(0.1)

    async def stop(self, now: bool = False) -> None:
        """Wait ``stop_delay`` seconds (so "stopping" is visible), then stop the process."""
        if self.stop_delay:
            await asyncio.sleep(self.stop_delay)
        await super().stop(now=now)
