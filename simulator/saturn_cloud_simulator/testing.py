"""pytest fixtures that run the Saturn Cloud API simulator as a real subprocess.

A pytest plugin: a ``conftest.py`` registers it with
``pytest_plugins = ["saturn_cloud_simulator.testing"]`` (the simulator's own ``tests/`` and the
panel's ``tests/`` both do). Importing this module needs pytest; the simulator itself does not.

- ``saturn_simulator``: one simulator per test module, seeded ``demo``, ``--start-delay 1``,
  user token :data:`SATURN_USER_TOKEN` (alice) and admin token :data:`SATURN_ADMIN_TOKEN`.
- ``saturn_simulator_factory``: ``factory(**kwargs)`` starts another simulator with other
  options (any :class:`SimulatorProcess` argument); all are stopped when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest

from .process import SimulatorProcess

SATURN_USER_TOKEN = "sim-user-token-alice-0123456789"
SATURN_ADMIN_TOKEN = "sim-admin-token-9876543210"


def start_simulator(**kwargs: Any) -> SimulatorProcess:
    """Start a simulator with the test tokens; keyword arguments override the defaults."""
    options: dict[str, Any] = {
        "token": SATURN_USER_TOKEN,
        "admin_token": SATURN_ADMIN_TOKEN,
        "seed": "demo",
        "start_delay": 1.0,
    }
    options.update(kwargs)
    return SimulatorProcess(**options).start()


@pytest.fixture(scope="module")
def saturn_simulator() -> Iterator[SimulatorProcess]:
    """A demo-seeded simulator shared by the tests of one module."""
    simulator = start_simulator()
    try:
        yield simulator
    finally:
        simulator.close()


@pytest.fixture
def saturn_simulator_factory() -> Iterator[Callable[..., SimulatorProcess]]:
    """Start simulators with custom options; each is stopped after the test."""
    started: list[SimulatorProcess] = []

    def factory(**kwargs: Any) -> SimulatorProcess:
        simulator = start_simulator(**kwargs)
        started.append(simulator)
        return simulator

    try:
        yield factory
    finally:
        for simulator in started:
            simulator.close()
