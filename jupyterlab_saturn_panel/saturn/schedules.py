"""Cron schedules of Saturn Cloud jobs: checked before they are sent, and their next runs.

Saturn runs scheduled jobs as Kubernetes CronJobs: five cron fields (minute hour day-of-month
month day-of-week) or a macro such as ``@hourly``, in UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from croniter import croniter

from ..errors import BadRequest

TIMEZONE = "UTC"
_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


def check_schedule(value: Any) -> str:
    """A cron schedule Saturn accepts, else a 400 that says what is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest('schedule must be a cron expression such as "0 7 * * 1-5".')
    schedule = " ".join(value.split())
    if schedule.startswith("@"):
        if schedule not in _MACROS:
            raise BadRequest(f"Unknown schedule macro {schedule!r}: use one of {', '.join(_MACROS)}.")
        return schedule
    fields = schedule.split(" ")
    if len(fields) != 5:
        raise BadRequest(
            f"A cron schedule has 5 fields (minute hour day month weekday), not {len(fields)}: {schedule!r}."
        )
    if not croniter.is_valid(schedule):
        raise BadRequest(f"{schedule!r} is not a valid cron schedule.")
    return schedule


def next_runs(schedule: str, *, count: int = 3, after: datetime | None = None) -> list[str]:
    """The next ``count`` run times of a valid schedule, as ISO times in UTC."""
    start = after or datetime.now(timezone.utc)
    times = croniter(schedule, start)
    return [times.get_next(datetime).astimezone(timezone.utc).isoformat().replace("+00:00", "Z") for _ in range(count)]


def next_run(schedule: Any, after: datetime | None = None) -> str | None:
    """The next run of a job's schedule as Saturn reports it, or None when it has none valid."""
    try:
        return next_runs(check_schedule(schedule), count=1, after=after)[0]
    except BadRequest:
        return None
