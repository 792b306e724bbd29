"""The simulator fires scheduled job runs as Saturn's CronJobs do (five cron fields, UTC)."""

from __future__ import annotations

import asyncio
import datetime as dt

from saturn_cloud_simulator.models import Job
from saturn_cloud_simulator.options import SimulatorOptions
from saturn_cloud_simulator.state import SimulatorState

T0 = dt.datetime(2026, 11, 30, 21, 0, 30, tzinfo=dt.timezone.utc)


def test_a_schedule_fires_once_per_cron_time_and_follows_its_policy() -> None:
    async def scenario() -> None:
        state = SimulatorState(SimulatorOptions(token="t" * 20, start_delay=30.0))
        lifecycle = state.lifecycle
        job = state.create("job", state.users["alice"], "every-minute", {"command": "echo hi"})
        assert isinstance(job, Job)
        job.schedule, job.scheduled = "* * * * *", True
        assert lifecycle.fire_if_due(job, T0) is None  # just scheduled: from now on
        assert lifecycle.fire_if_due(job, T0 + dt.timedelta(seconds=20)) is None  # 21:00:50, no cron time yet
        fired = lifecycle.fire_if_due(job, T0 + dt.timedelta(seconds=31))  # 21:01:01 passed 21:01
        assert fired is not None and job.runs == [fired]
        assert lifecycle.fire_if_due(job, T0 + dt.timedelta(seconds=40)) is None  # once per cron time
        job.concurrency_policy = "Forbid"  # the first run is still going: skip this one
        assert lifecycle.fire_if_due(job, T0 + dt.timedelta(seconds=95)) is None
        job.scheduled = False  # paused
        assert lifecycle.fire_if_due(job, T0 + dt.timedelta(seconds=200)) is None
        assert len(job.runs) == 1
        await lifecycle.shutdown()

    asyncio.run(scenario())
