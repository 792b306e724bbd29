"""Counting status requests per resource, to prove clients keep seed 000's polling rule.

Seed 000: "This endpoint should not be hit more than once every ten seconds." A *status request*
is any answer that tells the client a resource's current state (a GET of the resource, or the
resource appearing in a list). A *violation* is a status request for a resource less than
``min_interval`` seconds after the previous *answered* status request for that resource.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Callable


class StatusRequestCounter:
    """Per-resource status-request counts and the number of rule violations."""

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self.requests: dict[str, int] = {}
        self.violations: dict[str, int] = {}
        self._last_answered: dict[str, float] = {}
        self.calls: Counter[str] = Counter()

    def would_violate(self, resource_ids: Iterable[str]) -> list[str]:
        """The ids among these whose status was answered less than ``min_interval`` ago."""
        now = self._clock()
        return [
            rid
            for rid in resource_ids
            if rid in self._last_answered and now - self._last_answered[rid] < self.min_interval
        ]

    def record(self, resource_ids: Iterable[str], answered: bool = True) -> list[str]:
        """Count one status request for each id and return those that violated the rule.

        ``answered=False`` (a strict-mode 429) still counts the request and the violation but does
        not restart the interval: a client that waits the full interval after its last answered
        request is served again.
        """
        ids = list(dict.fromkeys(resource_ids))
        violating = self.would_violate(ids)
        now = self._clock()
        for rid in ids:
            self.requests[rid] = self.requests.get(rid, 0) + 1
            if answered:
                self._last_answered[rid] = now
        for rid in violating:
            self.violations[rid] = self.violations.get(rid, 0) + 1
        return violating

    def count_call(self, method: str, path: str) -> None:
        """Count one API request by route (ids and names become placeholders), for benchmarks
        and tests that measure what a client costs Saturn."""
        parts = ["{id}" if len(p) == 32 and all(c in "0123456789abcdef" for c in p) else p for p in path.split("/")]
        self.calls[f"{method} {'/'.join(parts)}"] += 1

    def reset(self) -> None:
        """Forget every count and every last-request time."""
        self.requests.clear()
        self.calls.clear()
        self.violations.clear()
        self._last_answered.clear()

    def snapshot(self) -> dict[str, object]:
        """The body of ``GET /_simulator/stats``."""
        return {
            "status_requests": dict(self.requests),
            "rate_limit_violations": sum(self.violations.values()),
            "violations_by_resource": dict(self.violations),
            "min_interval_seconds": self.min_interval,
            "api_calls": dict(self.calls),
        }
