"""A run that ended between two reads of Saturn (issue 19, finding 5).

Saturn is read at most once per resource per 10 s, so a run of a few seconds is seen ``pending``
at one read and ``completed`` at the next. The panel saw it start, so it must show that it ran:
its duration (from the start and end times Saturn reports) and, for a notebook run, how many cells
it ran. Its logs tab must get the whole log as soon as it opens, not the empty log read while the
run was pending (before the fix, for up to 10 s the answer was that log with ``complete: false``,
and the tab said "following… Waiting for output…").
"""

from __future__ import annotations

import time
from typing import Any

from jupyterlab_saturn_panel.engine import StatusEngine
from jupyterlab_saturn_panel.saturn.backend import SaturnBackend, SaturnSettings
from jupyterlab_saturn_panel.saturn.notebook_runner import PROGRESS

JOB = "a" * 32
RUN = f"id-alice-nb-report-{JOB}-nz-0-abcde"
#: Saturn's 10 s rule, as the panel applies it.
INTERVAL = 10.0


class ShortRunSaturn:
    """Saturn's answers about one notebook job whose only run takes about 3 s; reads are counted."""

    def __init__(self) -> None:
        self.status = "pending"
        self.lines: list[str] = []
        self.log_reads = 0

    def finish(self) -> None:
        self.status = "completed"
        self.lines = [
            f"{PROGRESS} cells=3",
            "Executing Cell 1-------",
            "Executing Cell 2-------",
            "hello from the job",
            "Executing Cell 3-------",
        ]

    async def current_user(self, admin: bool = False) -> dict[str, Any]:
        return {"username": "alice"}

    async def job_history(self, job_id: str) -> list[dict[str, Any]]:
        end = "2026-01-01T10:00:03+00:00" if self.status == "completed" else "2026-01-01T10:00:00+00:00"
        return [{"pod_name": RUN, "status": self.status, "start_time": "2026-01-01T10:00:00+00:00", "last_seen": end}]

    async def job_logs_page(self, job_id: str, run: str, key: str | None) -> tuple[list[dict[str, Any]], None]:
        self.log_reads += 1
        return [{"timestamp": None, "content": line} for line in self.lines], None


def backend_for(saturn: ShortRunSaturn) -> SaturnBackend:
    settings = SaturnSettings(min_interval=INTERVAL, has_admin_token=False)
    return SaturnBackend(saturn, settings, StatusEngine())  # type: ignore[arg-type]


async def test_a_run_seen_pending_then_completed_shows_its_duration_and_cells() -> None:
    saturn = ShortRunSaturn()
    backend = backend_for(saturn)
    pending = await backend.load_runs(JOB, notebook=True)  # the read that saw it start
    assert pending[0]["status"] == "pending" and pending[0]["progress"] is None
    assert saturn.log_reads == 1

    saturn.finish()  # it ran and ended before the next read (well within 10 s)
    done = await backend.load_runs(JOB, notebook=True)
    run = done[0]
    assert run["status"] == "completed"
    assert run["duration"] == 3.0  # from Saturn's start_time and last_seen
    # It ran all its 3 cells: the log is read once more now that the run has ended.
    assert run["progress"] == {"cell": 3, "cells": 3}
    assert saturn.log_reads == 2

    # Read once after the end, the log is never read again, whoever asks.
    await backend.load_runs(JOB, notebook=True)
    assert saturn.log_reads == 2


async def test_a_finished_runs_logs_come_whole_at_once() -> None:
    saturn = ShortRunSaturn()
    backend = backend_for(saturn)
    # A tab opened while it was pending read its (empty) log.
    await backend.runs_of(JOB, notebook=False)
    first = await backend.run_logs(JOB, RUN)
    assert first["status"] == "pending" and first["lines"] == [] and not first["complete"]

    saturn.finish()
    backend._runs_read_at.clear()  # the panel's next read of the runs says it completed
    asked = time.monotonic()
    logs = await backend.run_logs(JOB, RUN)  # within 10 s of the last read of the log
    assert time.monotonic() - asked < 1.0
    assert logs["status"] == "completed" and logs["complete"] is True
    assert [line["content"] for line in logs["lines"]][-2:] == ["hello from the job", "Executing Cell 3-------"]
    assert logs["total"] == 5 and logs["progress"] == {"cell": 3, "cells": 3}
    assert saturn.log_reads == 2

    again = await backend.run_logs(JOB, RUN)
    assert again["complete"] and again["total"] == 5 and saturn.log_reads == 2
