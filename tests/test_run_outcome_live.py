"""A job run's outcome reaches the live channel by the server's own reads (issue 17, case 5).

Nobody reads ``saturn/jobs/{id}/runs`` here: only the ``events`` stream is open, as a script or a
tab whose Jobs section is hidden would have it. The run is started so that the panel's next read of
Saturn comes after the run ended but within Saturn's 10 s rule of the runs read at the start: the
job's listed fields then say "changed", the runs read is answered from memory (still pending), and
before the fix that change was taken as seen, so the runs were never read again and the job stayed
``pending`` for good.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from conftest import body, fetch_url, saturn_only_config

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, start_simulator

#: The panel's (and the simulator's) interval between two reads of one resource.
INTERVAL = 6.0
#: A simulated run: pending for half of this, then its lines over this (about 1.5 s in all).
RUN_DELAY = 1.0


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=RUN_DELAY, min_status_interval=INTERVAL)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, INTERVAL, request_timeout=10.0)


async def test_a_run_that_ends_between_two_reads_reaches_the_event_stream(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()  # the first read of Saturn has just ended
    read_at = time.monotonic()
    snapshot = next(data for name, data in tab.events if name == "snapshot")
    job = next(r for r in snapshot["resources"] if r["name"] == "train-model")
    # Start half an interval after that read: the panel's next read (one interval after it) comes
    # once the run has ended (about 1.5 s) and within the interval of the start's own runs read.
    await asyncio.sleep(max(0.0, INTERVAL / 2 - (time.monotonic() - read_at)))
    started = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/start", method="POST", body=""))
    run = started["details"]["runs"][0]
    assert started["status"] == "pending" and run["status"] == "pending"

    done = await tab.wait_resource(
        job["key"],
        lambda r: r["details"]["runs"][0]["name"] == run["name"] and r["status"] == "completed",
        timeout=4 * INTERVAL,
    )
    assert done["details"]["runs"][0]["status"] == "completed" and done["details"]["runs"][0]["finished"]
    assert "stop" not in done["actions"]


async def test_every_run_of_a_job_started_elsewhere_ends_on_the_stream(
    jp_fetch: Any, open_events: Any, simulator: Any
) -> None:
    """A run started by another client (Saturn's UI, the sc CLI) while the stream is open."""
    tab = open_events()
    await tab.ready()
    snapshot = next(data for name, data in tab.events if name == "snapshot")
    job = next(r for r in snapshot["resources"] if r["name"] == "nightly-report")
    status, started = await fetch_url(f"{simulator.url}/api/jobs/{job['id']}/start", SATURN_ADMIN_TOKEN, "POST")
    assert status == 200, started
    await tab.wait_resource(
        job["key"],
        lambda r: (
            r["status"] == "completed"
            and len(r["details"]["runs"]) >= 2
            and r["details"]["runs"][0]["started"] != job["details"]["runs"][0]["started"]
        ),
        timeout=60,
    )
