"""What every benchmark of bench/ shares: the results file, /proc readings, small statistics.

Every bench writes one JSON file to ``bench/results/<bench>-<YYYYmmdd-HHMMSS>.json`` whose top
level has this shape (``bench/summary.py`` prints the figures of every file of a run as one table;
any other keys are the bench's own details)::

    {
      "bench": "hub-cpu",                       # short name, also the file name's prefix
      "when": "2026-12-01 03:40:00Z",           # UTC, when the figures were taken
      "title": "Hub CPU with the panel open vs idle, 5,000 users",
      "figures": [
        {
          "name": "hub CPU, panel open (1 tab)",  # what was measured
          "value": 0.41,                          # the figure (a number, or null if not measured)
          "unit": "s/min",
          "baseline": 0.33,                       # the figure it is compared with, same run (or null)
          "baselineLabel": "idle (no tab)",       # what the baseline is
          "goal": "<= 1.3x idle",                 # the goal, in words (or null: informative only)
          "pass": true                            # true/false against the goal, null when none
        }
      ]
    }
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Coroutine, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def figure(
    name: str,
    value: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_label: str | None = None,
    goal: str | None = None,
    passed: bool | None = None,
) -> dict[str, Any]:
    """One figure in the shape bench/summary.py reads (see the module's docstring)."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baselineLabel": baseline_label,
        "goal": goal,
        "pass": passed,
    }


def write_results(bench: str, title: str, figures: list[dict[str, Any]], details: dict[str, Any]) -> Path:
    """Write ``bench/results/<bench>-<stamp>.json``; return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{bench}-{stamp}.json"
    body = {
        "bench": bench,
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
        "title": title,
        "figures": figures,
        **details,
    }
    path.write_text(json.dumps(body, indent=1, default=str))
    return path


def cpu_seconds(pid: int) -> float:
    """CPU seconds the process has run, in nanoseconds' precision: the sum over its threads of
    ``/proc/<pid>/task/<tid>/schedstat`` (time on a CPU). ``/proc/<pid>/stat`` counts in clock
    ticks of 10 ms, too coarse for a hub that idles at a quarter of a second a minute. (A thread
    that ended takes its time with it; the hub's threads live as long as it does.) Falls back to
    ``/proc/<pid>/stat`` (user + system, not its children) where schedstat is missing."""
    try:
        total = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
                total += int(fh.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        pass
    with open(f"/proc/{pid}/stat") as fh:
        text = fh.read()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def rss_mb(pid: int) -> float:
    """The process's resident memory (VmRSS of /proc/<pid>/status) in MB (10^6 bytes)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmRSS for pid {pid}")


def slope_per_minute(samples: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) samples, in value per minute (0 for < 2 samples)."""
    if len(samples) < 2:
        return 0.0
    xs = [t for t, _ in samples]
    ys = [v for _, v in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return 0.0
    return 60.0 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var


def monotonic() -> float:
    return time.monotonic()


async def run_with_budget(run: Coroutine[Any, Any, int], budget: float) -> int:
    """Run a bench's coroutine with an overall deadline, SIGTERM cancelling it as Ctrl-C does
    (the bench's own clean-up then stops what it started). Returns its exit status, 2 when the
    deadline passed, 130 when interrupted."""
    task = asyncio.ensure_future(run)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await asyncio.wait_for(task, budget)
    except asyncio.TimeoutError:
        print(f"The benchmark did not finish in {budget:.0f} s; stopped.", file=sys.stderr)
        return 2
    except asyncio.CancelledError:
        print("Interrupted; everything was stopped.", file=sys.stderr)
        return 130
