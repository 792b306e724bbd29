"""The shared reader of a run's log (saturn/run_logs.py): a finished run's log is complete only once
read after the run ended, and that last read is made at once (a finished run's logs tab and its
executed notebook get the whole log, not what a viewer read a moment before the end, without
waiting for the 10 s rule); after it, the log is never read again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from jupyterlab_saturn_panel.saturn.run_logs import RunLogs


class GrowingLog:
    """A run's log in Saturn: lines appear as the run goes; every read is counted and timed."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []
        self.reads: list[float] = []

    def write(self, *contents: str) -> None:
        self.lines.extend({"timestamp": None, "content": c} for c in contents)

    async def read_page(self, job: str, run: str, key: str | None) -> tuple[list[dict[str, Any]], str | None]:
        self.reads.append(time.monotonic())
        return list(self.lines), None


async def test_the_last_lines_are_read_once_the_run_ended() -> None:
    saturn = GrowingLog()
    logs = RunLogs(saturn.read_page, min_interval=0.5)
    saturn.write("cell 1", "cell 2")
    seen = await logs.read("job", "run-1", finished=False)  # a viewer, while it runs
    assert [line["content"] for line in seen.lines] == ["cell 1", "cell 2"] and not seen.complete

    # A viewer while it runs, within the rule: answered from memory.
    again = await logs.read("job", "run-1", finished=False)
    assert len(saturn.reads) == 1 and not again.complete

    saturn.write("cell 3", "notebook frame")  # the run ends with its executed notebook
    # A viewer right after the end, within the rule: the last read is made at once, whole.
    started = time.monotonic()
    whole = await logs.read("job", "run-1", finished=True)
    assert whole.complete and whole.lines[-1]["content"] == "notebook frame"
    assert len(saturn.reads) == 2 and time.monotonic() - started < 0.4

    # Complete: never read again, whoever asks.
    await asyncio.gather(*(logs.read("job", "run-1", finished=True, wait=True) for _ in range(5)))
    assert len(saturn.reads) == 2
