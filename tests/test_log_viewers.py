"""Several tabs following a running job's logs (issue 11): Saturn sees one reader per run, reading
only where the log grew, and no read of a resource closer than the rule (bench/logs_bench.py
measures the same with 1 and 5 tabs over minutes)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from conftest import body, fetch_url

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator

RULE = 3.0  # the extension's saturn_min_poll_interval in these tests (Saturn's is 10 s)
LINES = 24_000  # log lines of a run, written over DURATION seconds
DURATION = 30


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=1.0)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return {"saturn_url": simulator.url, "saturn_token": SATURN_USER_TOKEN, "saturn_min_poll_interval": RULE}


def chatty_notebook(lines: int) -> str:
    """A notebook of ``print`` cells: the simulator plays their output back as the run's log."""
    code = "\n".join(f'print("line {i}")' for i in range(99))
    cell: dict[str, Any] = {"cell_type": "code", "source": code, "metadata": {}, "outputs": [], "execution_count": None}
    return json.dumps({"cells": [cell] * (lines // 100), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


async def new_running_job(simulator: Any, jp_fetch: Any) -> tuple[str, str]:
    """A job whose run logs LINES lines over DURATION s, started through the extension."""
    from tornado.httpclient import AsyncHTTPClient

    response = await AsyncHTTPClient().fetch(
        f"{simulator.url}/api/jobs",
        method="POST",
        headers={"Authorization": f"token {SATURN_USER_TOKEN}", "Content-Type": "application/json"},
        body=json.dumps(
            {
                "name": f"chatty-{time.monotonic_ns() % 10**9}",
                "command": "papermill train.ipynb out.ipynb",
                "config_files": {"train.ipynb": {"content": chatty_notebook(LINES), "mode": "0644"}},
                "environment_variables": {"SIMULATOR_DURATION": str(DURATION)},
            }
        ),
    )
    job_id = json.loads(response.body)["id"]
    started = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job_id}/start", method="POST", body=""))
    return job_id, started["details"]["runs"][0]["name"]


async def calls(simulator: Any, reset: bool = False) -> dict[str, int]:
    _, stats = await fetch_url(f"{simulator.url}/_simulator/stats", SATURN_ADMIN_TOKEN)
    if reset:
        await fetch_url(f"{simulator.url}/_simulator/reset-stats", SATURN_ADMIN_TOKEN, method="POST")
    return dict(stats["api_calls"])


async def read_logs(jp_fetch: Any, job_id: str, run: str, since: int = 0) -> dict[str, Any]:
    return dict(
        body(await jp_fetch(f"saturn-panel/saturn/jobs/{job_id}/logs", params={"run": run, "since": str(since)}))
    )


async def test_five_tabs_share_one_reader_that_reads_only_where_the_log_grew(jp_fetch: Any, simulator: Any) -> None:
    job_id, run = await new_running_job(simulator, jp_fetch)
    await asyncio.sleep(RULE + 3.0)  # running, a few thousand lines written; the start's reads are old
    await calls(simulator, reset=True)
    first = await asyncio.gather(*(read_logs(jp_fetch, job_id, run) for _ in range(5)))
    seen = await calls(simulator, reset=True)
    total = first[0]["total"]
    assert total >= 1000, "the run should have written a page or more by now"
    assert all(answer["total"] == total and len(answer["lines"]) == total for answer in first)
    # One read for the five tabs: one request per page of 1000 lines (and a last, empty one, which
    # says there is nothing more yet), not five.
    assert seen.get("GET /api/jobs/{id}/logs", 0) <= total // 1000 + 2, seen

    # Within the rule every tab is answered from memory, with only its new lines.
    again = await asyncio.gather(*(read_logs(jp_fetch, job_id, run, since=total) for _ in range(5)))
    assert all(answer["since"] == total and answer["lines"] == [] for answer in again)
    assert (await calls(simulator, reset=True)).get("GET /api/jobs/{id}/logs", 0) == 0

    # After the rule's interval, one read from the last page on: not the whole log again.
    await asyncio.sleep(RULE + 0.5)
    later = await asyncio.gather(*(read_logs(jp_fetch, job_id, run, since=total) for _ in range(5)))
    grown = later[0]["total"]
    assert grown > total and all(len(answer["lines"]) == grown - total for answer in later)
    pages = (await calls(simulator)).get("GET /api/jobs/{id}/logs", 0)
    # From the page where the last read ended (lines already read before it are not asked again).
    assert pages <= grown // 1000 - total // 1000 + 2, (pages, total, grown)
    assert pages < grown // 1000 + 2, "the whole log was read again"


async def test_five_tabs_share_one_read_of_the_run_history(jp_fetch: Any, simulator: Any) -> None:
    job_id, run = await new_running_job(simulator, jp_fetch)
    await asyncio.sleep(RULE + 0.5)  # the history read at the start is older than the rule
    await calls(simulator, reset=True)
    await asyncio.gather(*(read_logs(jp_fetch, job_id, run) for _ in range(5)))
    seen = await calls(simulator)
    # One read for the five (none when the engine, following the run it started, read the history
    # within the rule just before): never one per tab.
    assert seen.get("GET /api/jobs/{id}/history", 0) <= 1, seen
