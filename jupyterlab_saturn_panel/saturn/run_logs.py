"""Job run logs, read once for every viewer and only where they grew.

One ``RunLog`` per run holds the lines read so far and the page key where the last (partial)
page began. A new read starts at that page, so Saturn sends that page and what follows, never
the whole log again; a read within ``min_interval`` of the last one (Saturn's 10 s rule) is
answered from memory, and concurrent readers join the read under way. Upstream requests so
depend on the runs being followed, not on how many tabs show them. The first read after a run
finished is made at once, whenever the last one was (a finished run's tab shows its whole log as
it opens, not 10 s later): that is one read more per run, never more, for once read after it
finished, a run's log is never read again.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

#: Lines per page asked of Saturn (its maximum).
PAGE_SIZE = 1000
#: Pages one read follows at most (a misbehaving server cannot keep us reading forever).
MAX_PAGES = 1000
#: Runs whose lines are kept in memory; the least recently read are forgotten first.
MAX_RUNS = 64

#: Reads one page: (job id, run name, page key or None) -> (lines, next key or None).
PageReader = Callable[[str, str, "str | None"], Awaitable[tuple[list[dict[str, Any]], "str | None"]]]


@dataclass
class RunLog:
    """What is known of one run's log."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    #: The key of the page ``lines[page_start:]`` came from (None: the first page).
    page_key: str | None = None
    page_start: int = 0
    read_at: float | None = None  # monotonic time of the last read
    complete: bool = False  # read after the run had finished: nothing more will come


class RunLogs:
    """The logs of the runs someone follows, shared by every viewer and by progress."""

    def __init__(self, read_page: PageReader, min_interval: float) -> None:
        self._read_page = read_page
        self.min_interval = min_interval
        self._logs: OrderedDict[tuple[str, str], RunLog] = OrderedDict()
        self._reading: dict[tuple[str, str], asyncio.Future[RunLog]] = {}

    def known(self, job_id: str, run: str) -> RunLog | None:
        """What was read of a run so far, without reading."""
        return self._logs.get((job_id, run))

    async def read(self, job_id: str, run: str, *, finished: bool, wait: bool = False) -> RunLog:
        """The run's log, brought up to date unless it was within ``min_interval`` (or is
        complete). ``finished``: the run has ended, so this read is the last one, and it is made
        at once, without waiting for ``min_interval`` (``wait`` is kept for callers that need
        the whole log: a finished run's read always brings it)."""
        key = (job_id, run)
        entry = self._logs.get(key)
        if entry is None:
            entry = self._logs[key] = RunLog()
            while len(self._logs) > MAX_RUNS:
                self._logs.popitem(last=False)
        self._logs.move_to_end(key)
        while True:
            if entry.complete:
                return entry
            # Within the rule, a run still going is answered from memory; a finished one is not.
            if not finished and entry.read_at is not None and time.monotonic() - entry.read_at < self.min_interval:
                return entry
            if key not in self._reading:
                self._reading[key] = asyncio.ensure_future(self._update(job_id, run, entry, finished))
                self._reading[key].add_done_callback(lambda _: self._reading.pop(key, None))
            entry = await asyncio.shield(self._reading[key])
            # A read begun before the run ended (by a viewer) is not the last one: a finished
            # run's reader reads again at once.
            if entry.complete or not finished:
                return entry

    async def _update(self, job_id: str, run: str, entry: RunLog, finished: bool) -> RunLog:
        lines = entry.lines[: entry.page_start]
        page_key, page_start = entry.page_key, entry.page_start
        for _ in range(MAX_PAGES):
            page, following = await self._read_page(job_id, run, page_key)
            page_start = len(lines)
            lines.extend(page)
            if not following or len(page) < PAGE_SIZE:
                break
            page_key = following
        entry.lines, entry.page_key, entry.page_start = lines, page_key, page_start
        entry.read_at = time.monotonic()
        entry.complete = finished
        return entry
