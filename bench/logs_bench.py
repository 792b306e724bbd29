#!/usr/bin/env python
"""Saturn Cloud requests per minute while 1, then 5 tabs follow a running job's logs.

Issue 11: a logs tab re-read the whole log every 2 s: 1 viewer cost Saturn 425-525 requests/min,
5 viewers about 8,900/min, and the run history was read every ~1.7 s per viewer. Goal: upstream
requests independent of the number of viewers, and every per-resource read keeps Saturn's 10 s rule.

    .venv/bin/python bench/logs_bench.py                 # or: bench/run.sh logs
    .venv/bin/python bench/logs_bench.py --window 60 --viewers 5 --lines 6000

What runs (all on 127.0.0.1): the project's Saturn Cloud simulator (it counts every API request by
route, and every status request that breaks the 10 s rule), the counting relay of ``hub_bench.py``
in front of it (``c.SaturnPanel.saturn_url`` points at the relay, which timestamps every request),
and a jupyter_server with the extension (default ``saturn_min_poll_interval``, 10 s).

The bench makes a job whose run writes ``--lines`` log lines spread over ``--window`` + 25 s (a
papermill command on a notebook of ``print`` cells, which the simulator plays back). For each
window it starts a new run, waits 11 s (running, the start's read of the history older than
10 s), zeroes the simulator's counters and opens N tabs; a tab is what a JupyterLab tab with a
logs view does: one ``GET saturn-panel/events`` reader (the panel) and a follower that reads
``GET saturn-panel/saturn/jobs/{id}/logs?run=NAME&since=N`` every 2 s after the previous answer,
asking only for the lines after those it has (``src/jobs/logFollower.ts``).

Figures per window: Saturn requests per minute (the simulator's own count, all routes) and by route;
the shortest time between two reads of the same resource seen at the relay (a read that follows
several pages in a row counts once); the simulator's 10 s rule violations. PASS when the 5-tab
figure is within 10% (or 2 requests/min) of the 1-tab figure and no read broke the 10 s rule.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import figure, run_with_budget, write_results
from hub_bench import REPO, CountingRelay, RelayedRequest, call, now, panel_server
from tornado.httpclient import AsyncHTTPClient

from saturn_cloud_simulator.process import SimulatorProcess
from saturn_panel_demo.launcher import LabServer
from saturn_panel_demo.sse import SSEReader

RULE = 10.0  # Saturn's rule: at most one read of a resource per 10 s
SAME_READ = 1.0  # requests of one resource closer than this are one read following pages
TAB_INTERVAL = 2.0  # a logs tab's follow interval (LogFollower's default, 2000 ms)
MAX_INTERVAL = 30.0  # LogFollower's maxInterval (30000 ms)
NOT_FOUND_TRIES = 3  # LogFollower.NOT_FOUND_TRIES
TOLERANCE = 0.10


def say(t0: float, text: str) -> None:
    print(f"[{now() - t0:6.1f} s] {text}", file=sys.stderr, flush=True)


def notebook(lines: int) -> str:
    """A notebook whose cells print literal lines (the simulator plays them back as the log)."""
    per_cell = 99
    cells = max(1, lines // (per_cell + 1))
    code = "\n".join(f'print("cell output line {i}: loss=0.{i:04d}")' for i in range(per_cell))
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": code, "metadata": {}, "outputs": [], "execution_count": None}
                for _ in range(cells)
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


async def sim_api(
    client: AsyncHTTPClient, sim: SimulatorProcess, method: str, path: str, *, admin: bool = False, body: Any = None
) -> Any:
    token = sim.admin_token if admin else sim.token
    expect = 201 if (method == "POST" and path == "/api/jobs") else 200
    response = await call(
        client,
        method,
        f"{sim.url}{path}",
        {"Authorization": f"token {token}"},
        expect=expect,
        body=json.dumps(body) if body is not None else ("" if method == "POST" else None),
    )
    return json.loads(response.body or b"null")


def read_key(r: RelayedRequest) -> str:
    """The resource a GET reads: its path and query without the paging parameters."""
    parts = urlsplit(r.uri)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("next_key", "page_size", "limit", "offset")]
    return f"{r.method} {parts.path}" + (f"?{urlencode(sorted(query))}" if query else "")


def reads(requests: list[RelayedRequest]) -> list[list[RelayedRequest]]:
    """Requests of one resource grouped into reads. A read is one request, or a chain of requests
    each sent less than SAME_READ s after the previous one *ended* (following pages one by one).
    A request sent while another of the same resource is still in flight is a read of its own:
    concurrent duplicates are what the 10 s rule forbids."""
    chains: list[list[RelayedRequest]] = []
    for r in sorted(requests, key=lambda r: r.started):
        last = chains[-1][-1] if chains else None
        if last is not None and last.ended is not None and 0 <= r.started - last.ended < SAME_READ:
            chains[-1].append(r)
        else:
            chains.append([r])
    return chains


def min_read_gaps(requests: list[RelayedRequest]) -> dict[str, float]:
    """Per resource read at least twice: the shortest time between the starts of two reads."""
    by_key: dict[str, list[RelayedRequest]] = defaultdict(list)
    for r in requests:
        if r.method == "GET":
            by_key[read_key(r)].append(r)
    gaps: dict[str, float] = {}
    for key, rs in by_key.items():
        starts = [chain[0].started for chain in reads(rs)]
        if len(starts) > 1:
            gaps[key] = min(b - a for a, b in zip(starts, starts[1:]))
    return gaps


class Tab:
    """One JupyterLab tab with the panel and a logs view of the run."""

    def __init__(self, client: AsyncHTTPClient, server: LabServer, job_id: str, run: str, window: float) -> None:
        self.client, self.server, self.job_id, self.run_name = client, server, job_id, run
        self.reader = SSEReader(
            server.url("saturn-panel/events"), server.headers, timeout=window, client=client, clock=now
        )
        self.lines = 0
        self.requests = 0
        self.bytes = 0
        self.errors: list[str] = []
        self.complete = False

    async def _fetch(self, since: int) -> dict[str, Any]:
        query = urlencode({"run": self.run_name, "since": since})
        response = await call(
            self.client,
            "GET",
            self.server.url(f"saturn-panel/saturn/jobs/{self.job_id}/logs?{query}"),
            self.server.headers,
            expect=200,
        )
        self.requests += 1
        self.bytes += len(response.body or b"")
        return dict(json.loads(response.body))

    async def follow(self, until: float) -> None:
        """LogFollower: fetch from the lines known, append, again TAB_INTERVAL s after the answer;
        errors back off (2 s x 2^failures, at most 30 s); 3 answers 404 in a row end following."""
        self.reader.start()
        failures = 0
        while now() < until and not self.complete:
            try:
                answer = await self._fetch(self.lines)
                since = int(answer.get("since") or 0)
                if since > 0 and (since != self.lines or int(answer.get("total", since)) < since):
                    answer = await self._fetch(0)
                    self.lines = 0
                self.lines += len(answer.get("lines", []))
                self.complete = bool(answer.get("complete"))
                failures = 0
            except RuntimeError as exc:
                failures += 1
                self.errors.append(str(exc).split(" answered ", 1)[-1][:200])
                if " answered 404" in str(exc) and failures >= NOT_FOUND_TRIES:
                    break
            delay = TAB_INTERVAL if failures == 0 else min(MAX_INTERVAL, TAB_INTERVAL * 2**failures)
            await asyncio.sleep(max(0.0, min(delay, until - now())))
        self.reader.close()


async def start_run(client: AsyncHTTPClient, server: LabServer, job_id: str) -> str:
    """Start a run through the extension, as the panel's Run button does; the new run's name."""
    response = await call(
        client, "POST", server.url(f"saturn-panel/saturn/jobs/{job_id}/start"), server.headers, expect=202, body=""
    )
    runs = json.loads(response.body)["details"]["runs"]
    return str(runs[0]["name"])


async def window(
    client: AsyncHTTPClient,
    sim: SimulatorProcess,
    relay: CountingRelay,
    server: LabServer,
    job_id: str,
    tabs_count: int,
    args: argparse.Namespace,
    t0: float,
) -> dict[str, Any]:
    run = await start_run(client, server, job_id)
    # Running, with lines, when the logs are opened; and more than the rule after the start's own
    # read of the run history, so the tabs' first reads find it stale (as for any run older than 10 s).
    await asyncio.sleep(max(args.start_delay + 2.0, RULE + 1.0))
    await sim_api(client, sim, "POST", "/_simulator/reset-stats", admin=True)
    say(t0, f"{tabs_count} tab(s) follow run {run} for {args.window:g} s")
    start = now()
    until = start + args.window
    tabs = [Tab(client, server, job_id, run, args.window) for _ in range(tabs_count)]
    await asyncio.gather(*(tab.follow(until) for tab in tabs))
    await asyncio.sleep(max(0.0, until - now()))
    end = now()
    stats = await sim_api(client, sim, "GET", "/_simulator/stats", admin=True)
    calls: dict[str, int] = stats.get("api_calls", {})
    total = sum(calls.values())
    seconds = end - start
    requests = relay.between(start, end)
    gaps = min_read_gaps(requests)
    worst = min(gaps.items(), key=lambda kv: kv[1]) if gaps else None
    await sim_api(client, sim, "POST", f"/api/jobs/{job_id}/stop")  # the next window starts a new run
    return {
        "tabs": tabs_count,
        "run": run,
        "seconds": round(seconds, 1),
        "saturn_requests": total,
        "saturn_requests_per_min": round(total * 60 / seconds, 1),
        "by_route": dict(sorted(calls.items(), key=lambda kv: -kv[1])),
        "relay_requests": len(requests),
        "min_gap_by_read": {k: round(v, 2) for k, v in sorted(gaps.items())},
        "min_gap_s": round(worst[1], 2) if worst else None,
        "min_gap_read": worst[0] if worst else None,
        "violations": int(stats.get("rate_limit_violations", 0)),
        "tab_requests_per_min": round(sum(t.requests for t in tabs) * 60 / seconds, 1),
        "tab_bytes": sum(t.bytes for t in tabs),
        "lines_per_tab": [t.lines for t in tabs],
        "tab_errors": [e for t in tabs for e in t.errors][:5],
        "timeline": [
            (round(r.started - start, 3), round((r.ended or end) - start, 3), r.status, r.method, r.uri)
            for r in requests
        ],
    }


def render(one: dict[str, Any], many: dict[str, Any], passed: bool, rule_ok: bool) -> str:
    n = many["tabs"]
    gaps = [w for w in (one, many) if w["min_gap_s"] is not None]
    worst = min(gaps, key=lambda w: w["min_gap_s"]) if gaps else many
    worst_tabs = worst["tabs"]
    rows = [
        ("Saturn requests/min (simulator's count)", "saturn_requests_per_min", "{:.1f}"),
        ("Saturn requests in the window", "saturn_requests", "{}"),
        ("tabs' log reads/min (to the Lab server)", "tab_requests_per_min", "{:.1f}"),
        ("shortest gap between reads of a resource", "min_gap_s", "{} s"),
        ("10 s rule violations (simulator)", "violations", "{}"),
    ]
    lines = [
        f"Saturn requests while tabs follow a running job's logs ({one['seconds']:g} s windows, a new run each)",
        f"  {'':<44}{'1 tab':>10}{f'{n} tabs':>10}",
    ]
    for label, key, fmt in rows:
        lines.append(f"  {label:<44}{fmt.format(one[key]):>10}{fmt.format(many[key]):>10}")
    routes = sorted(set(one["by_route"]) | set(many["by_route"]))
    for route in routes:
        lines.append(f"    {route:<42}{one['by_route'].get(route, 0):>10}{many['by_route'].get(route, 0):>10}")
    lines.append(f"  lines each tab received: {one['lines_per_tab']} and {many['lines_per_tab']}")
    if one["tab_errors"] or many["tab_errors"]:
        lines.append(f"  tab errors: {one['tab_errors'] + many['tab_errors']}")
    lines.append(
        f"  {'PASS' if passed else 'FAIL'}  {n} tabs cost {many['saturn_requests_per_min']:.1f} Saturn requests/min"
        f" vs {one['saturn_requests_per_min']:.1f} for 1 (goal: within {TOLERANCE:.0%} or 2/min), reads"
        f" {'all' if rule_ok else 'NOT all'} >= {RULE:g} s apart (shortest {worst['min_gap_s']} s, {worst_tabs} tab(s):"
        f" {worst['min_gap_read']}); issue 11 measured 425-525/min for 1 viewer, ~8,900/min for 5"
    )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    t0 = now()
    workdir = Path(tempfile.mkdtemp(prefix="saturn-logs-bench-"))
    client = AsyncHTTPClient(force_instance=True, max_clients=4 * args.viewers + 10)
    sim = SimulatorProcess(
        token=secrets.token_hex(16), admin_token=secrets.token_hex(16), seed="demo", start_delay=args.start_delay
    )
    relay: CountingRelay | None = None
    server: LabServer | None = None
    try:
        await asyncio.to_thread(sim.start)
        relay = CountingRelay(sim.url.rstrip("/"))
        relay.start()
        server = panel_server(workdir, {"saturn_url": relay.origin, "saturn_token": sim.token})
        server.start()
        await server.wait_ready_async(90.0)
        await call(client, "GET", server.url("saturn-panel/config"), server.headers, expect=200)
        job = await sim_api(
            client,
            sim,
            "POST",
            "/api/jobs",
            body={
                "name": "bench-logs",
                "command": "papermill train.ipynb out.ipynb",
                "config_files": {"train.ipynb": {"content": notebook(args.lines), "mode": "0644"}},
                "environment_variables": {"SIMULATOR_DURATION": str(args.window + RULE + 15)},
            },
        )
        job_id = str(job["id"])
        say(t0, f"simulator {sim.url}, relay {relay.origin}, extension {server.base}; job {job_id}")
        one = await window(client, sim, relay, server, job_id, 1, args, t0)
        await asyncio.sleep(RULE + 2)
        many = await window(client, sim, relay, server, job_id, args.viewers, args, t0)
        base = one["saturn_requests_per_min"]
        same = many["saturn_requests_per_min"] <= max(base * (1 + TOLERANCE), base + 2)
        rule_ok = all(
            w["violations"] == 0 and (w["min_gap_s"] is None or w["min_gap_s"] >= RULE - 0.1) for w in (one, many)
        )
        healthy = not one["tab_errors"] and not many["tab_errors"] and min(many["lines_per_tab"]) > 0
        passed = same and rule_ok and healthy
        print(render(one, many, passed, rule_ok), flush=True)
        figures = [
            figure(
                f"Saturn requests/min, {args.viewers} log viewers",
                many["saturn_requests_per_min"],
                "req/min",
                baseline=base,
                baseline_label="1 log viewer",
                goal=f"within {TOLERANCE:.0%} of 1 viewer",
                passed=same and healthy,
            ),
            figure(
                "shortest gap between reads of one resource",
                many["min_gap_s"],
                "s",
                baseline=one["min_gap_s"],
                baseline_label="1 log viewer",
                goal=f">= {RULE:g} s, 0 violations",
                passed=rule_ok,
            ),
        ]
        details = {"lines": args.lines, "one": one, "many": many, "passed": passed}
        path = write_results("logs", "Saturn requests with 1 vs N log viewers", figures, details)
        say(t0, f"figures written to {path.relative_to(REPO)}")
        return 0 if passed else 1
    except BaseException:
        if server is not None:
            print(f"--- jupyter_server log tail ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        if relay is not None:
            try:
                await relay.stop()
            except (asyncio.TimeoutError, OSError):
                pass
        await asyncio.to_thread(sim.stop)
        client.close()
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--window", type=float, default=60.0, help="seconds per window (default 60)")
    parser.add_argument("--viewers", type=int, default=5, help="tabs in the second window (default 5)")
    parser.add_argument("--lines", type=int, default=6000, help="log lines of a run (default 6000)")
    parser.add_argument("--start-delay", type=float, default=2.0, help="the simulator's start delay (default 2 s)")
    parser.add_argument("--quick", action="store_true", help="30 s windows")
    args = parser.parse_args(argv)
    if args.quick:
        args.window = 30.0
    if args.window <= 0 or args.viewers < 1 or args.lines < 1:
        parser.error("--window > 0, --viewers >= 1, --lines >= 1")
    return args


async def main_async(args: argparse.Namespace) -> int:
    """Run with an overall deadline (see ``benchlib.run_with_budget``)."""
    budget = 2 * args.window + 240
    return await run_with_budget(run(args), budget)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
