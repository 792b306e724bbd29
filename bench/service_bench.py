#!/usr/bin/env python
"""Hub cost of 1, 10 and 30 panels without and with the panel's hub service, and how fast a start's
progress reaches 30 panels through it (issue 18).

Without the service every user's panel reads the hub itself (``GET /users?state=active`` every
``hub_poll_interval``, 10 s, while a tab shows it) and follows each start's progress stream itself.
With it (``python -m jupyterlab_saturn_panel.hub_service``) one process reads the hub for everyone
and pushes each panel its token's view. Goals: with the service, 30 panels cost the hub no more than
1.2x what 1 panel costs (requests/min and hub CPU), and a start's progress reaches all 30 panels
within 100 ms of the hub's event.

    .venv/bin/python bench/service_bench.py            # or: bench/run.sh service  (about 11 min)
    .venv/bin/python bench/service_bench.py --quick    # 20 s windows, one start  (about 6 min)

What runs (all on 127.0.0.1): a real JupyterHub (``saturn_panel_demo.local_hub.LocalHub``: node
proxy, DummyAuthenticator, mocksu single-user servers, the demo's slow spawner with ``--steps``
progress steps ``--step-delay`` s apart) with an admin and 30 users ``s01`` ... ``s30``, each with a
running default server and the role of a teaching assistant (``list:users``, ``read:users``,
``read:servers``: every panel sees every user's servers, so all see one common start). The hub
lists the service as an external service (``LocalHub(status_service="external")``, the README's
role and ``read:services!service=saturn-panel-status`` for users); the bench starts it as its own
process (``status_service_process``, ``poll_interval`` 10 s as the panels' default) for the second
half only. For each user a ``jupyter_server`` with the extension (``hub_bench.panel_server``),
whose hub token is the user's own (the README's ``server_token_scopes`` plus the service look-up),
``hub_poll_interval`` at its default (10 s).

Two counting relays (``hub_bench.CountingRelay``) sit in front of the hub's API: every panel's
``hub_api_url`` points at one, the service's ``hub_api_url`` (its reads and HubAuth's token checks)
at the other, so each hub request is counted and attributed (``panels:`` / ``service:`` and its
path class). Hub CPU is the hub process's own (``benchlib.cpu_seconds``: schedstat of its threads;
the node proxy and the single-user servers are other processes); the service's CPU is printed on
its own line, not added to the hub's.

Each half ("without": ``hub_status_service`` ""; "with": the service's name, found through the
hub) starts 30 fresh jupyter_servers and then shows the panel in 1, then 10, then 30 of them: a
shown panel is a ``GET saturn-panel/events`` reader (a subscriber is "watched", as a tab showing
the panel is). The other servers of the 30 are running but unwatched: they read nothing (no tab
ever showed their panel, so no attention lease and no link to the service). After the new panels
have their hub rows (and, with the service, ``config``'s ``hub.statusService.state`` is
``connected``) plus 1 s, what that cost is reported as *connecting*; then ``--window`` s are
counted (with the service: from half a poll interval after its next scheduled read, so that the
window holds ``window / 10`` of its reads, not one more or less by where its edges fall).

The service's view streams live ``view_max_age`` (1,800 s) and then reconnect. A panel asks the
hub for the service's URL (``GET /services/saturn-panel-status``) on its first connection only (it
keeps it until the service fails: tests/test_hub_service.py counts no hub request of the panel over
reconnections); on each (re)connection the service checks the panel's token (``GET /user``), and
reads the hub's servers only when its state is older than its interval. None falls in a 60 s
window, so their cost is measured on the connections the bench makes (the service's requests in
the connecting phases, per connection; the panels' one-time look-ups are reported with the
connecting cost) and added as
``N x per-connection / 30 min``; the same for hub CPU (the connecting phases' hub CPU per
connection, which also holds each panel's one-time identity read: an upper bound). The goal is
judged on steady window + amortised reconnections.

Progress (after the 30-panel window of each half, ``--starts`` starts): ``s01`` starts a named
server from its own panel (``POST saturn-panel/hub/servers/s01/NAME``); the bench subscribes
directly to the hub's progress stream (admin token, not through a relay) and records when it
sees each step; each of the 30 panels' ``events`` stream records when a ``resource`` event of that
server shows that step's progress (or ``running`` for the hub's ``ready``). Delay = panel - direct,
per panel and step; a step a panel never showed is counted as missed. The demo spawner's progress
generator looks for new steps every 0.1 s for each subscriber on its own, so two subscribers see
one step up to 100 ms apart in either order: the bench's hub config subclasses it to look every
``--progress-poll`` s (0.01) so the reference is the hub's event, not a random phase (``--progress-poll
0.1`` gives the demo spawner's behaviour). Also printed: the service's own hub stream as it passed
its relay (the moment the service could know), which splits the delay into hub -> service and
service -> panel. Without the service the same start is measured, for comparison only.

PASS when, with the service, the 30-panel hub requests/min and hub CPU s/min (steady +
amortised reconnections) are each <= 1.2x the 1-panel ones, and every panel showed every step
within 100 ms of the direct subscription (max delay <= 100 ms, nothing missed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import cpu_seconds, figure, run_with_budget, write_results
from hub_bench import (
    DEFAULT_POLL_INTERVAL,
    REPO,
    CountingRelay,
    RelayedRequest,
    call,
    events_times,
    lags,
    now,
    panel_server,
    progress_times,
    reader_progress,
)
from hub_cpu_bench import kind, start_servers
from tornado.httpclient import AsyncHTTPClient
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPStreamClosedError

from jupyterlab_saturn_panel.hub.scopes import RECOMMENDED_SERVER_TOKEN_SCOPES
from jupyterlab_saturn_panel.hub_service import DEFAULT_SERVICE_NAME
from saturn_panel_demo.launcher import LabServer
from saturn_panel_demo.local_hub import CONFIG_FILE, LocalHub, StatusServiceProcess, free_port
from saturn_panel_demo.sse import SSEEvent, SSEReader

GOAL_RATIO = 1.2
GOAL_LAG_MS = 100.0
COUNTS = (1, 10, 30)
ADMIN = "alice"
TA_SCOPES = ["list:users", "read:users", "read:servers"]
#: The service's view stream lives this long (its default ``view_max_age``), then reconnects.
VIEW_MAX_AGE = 1800.0
#: The service reads the hub at the panels' default interval: the two halves compare like for like.
SERVICE_POLL = DEFAULT_POLL_INTERVAL
ACTIVE_LIST = "GET /users?state=active"


def _not_a_left_stream(record: logging.LogRecord) -> bool:
    """Drop what tornado logs of a stream closed on purpose: the relay's abort of a hub stream
    whose reader left (``hub_bench``'s relay raises StreamClosedError) and the bench's own event
    readers closed at the end."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, (StreamClosedError, HTTPStreamClosedError))


logging.getLogger("tornado.application").addFilter(_not_a_left_stream)


def say(t0: float, text: str) -> None:
    print(f"[{now() - t0:6.1f} s] {text}", file=sys.stderr, flush=True)


def hub_config(path: Path, users: list[str], progress_poll: float) -> Path:
    """The demo's hub config plus the bench's teaching-assistant role and a progress generator
    that looks for new steps every ``progress_poll`` s."""
    path.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(CONFIG_FILE)!r})  # noqa: F821\n"
        "import asyncio\n"
        "from saturn_panel_demo.slow_spawner import SlowProgressSpawner\n\n"
        "class BenchProgressSpawner(SlowProgressSpawner):\n"
        "    async def progress(self):\n"
        "        seen = 0\n"
        "        while True:\n"
        "            events = getattr(self, '_events', [])\n"
        "            while seen < len(events):\n"
        "                yield events[seen]\n"
        "                seen += 1\n"
        f"            await asyncio.sleep({progress_poll!r})\n\n"
        "c.JupyterHub.spawner_class = BenchProgressSpawner\n"
        "c.JupyterHub.load_roles.append(\n"
        f"    {{'name': 'bench-ta', 'users': {users!r}, 'scopes': {TA_SCOPES!r}}}\n"
        ")\n"
    )
    return path


# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------


class Meter:
    """The relays and the processes whose CPU is read."""

    def __init__(self, hub_pid: int, panels: CountingRelay, service: CountingRelay | None, service_pid: int | None):
        self.hub_pid, self.panels, self.service, self.service_pid = hub_pid, panels, service, service_pid

    def mark(self) -> tuple[float, float, float]:
        svc = cpu_seconds(self.service_pid) if self.service_pid else 0.0
        return now(), cpu_seconds(self.hub_pid), svc

    def records(self, start: float, end: float) -> list[tuple[str, RelayedRequest]]:
        found = [("panels", r) for r in self.panels.between(start, end)]
        if self.service is not None:
            found += [("service", r) for r in self.service.between(start, end)]
        return found

    def summary(self, first: tuple[float, float, float], last: tuple[float, float, float]) -> dict[str, Any]:
        seconds = last[0] - first[0]
        records = self.records(first[0], last[0])
        by_kind = Counter(f"{who}: {kind(r)}" for who, r in records)
        return {
            "seconds": round(seconds, 2),
            "requests": len(records),
            "requests_per_min": round(len(records) * 60 / seconds, 2),
            "by_kind": dict(sorted(by_kind.items())),
            "hub_cpu_s": round(last[1] - first[1], 4),
            "hub_cpu_s_per_min": round((last[1] - first[1]) * 60 / seconds, 4),
            "service_cpu_s": round(last[2] - first[2], 4),
            "service_cpu_s_per_min": round((last[2] - first[2]) * 60 / seconds, 4),
        }


def has_hub_rows(block: SSEEvent) -> bool:
    """An ``events`` block that shows the panel has read the hub (a row of a hub server)."""
    if not isinstance(block.data, dict):
        return False
    if block.event == "snapshot":
        return any(str(r.get("key", "")).startswith("hub/") for r in block.data.get("resources") or [])
    return block.event == "resource" and str(block.data.get("key", "")).startswith("hub/")


async def until_connected(client: AsyncHTTPClient, server: LabServer, timeout: float) -> float:
    """Poll ``config`` until ``hub.statusService.state`` is ``connected``; when it became so."""
    deadline = now() + timeout
    state: Any = None
    while now() < deadline:
        response = await call(client, "GET", server.url("saturn-panel/config"), server.headers, expect=200)
        state = (json.loads(response.body).get("hub") or {}).get("statusService")
        if isinstance(state, dict) and state.get("state") == "connected":
            return now()
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{server.base}: statusService not connected in {timeout:g} s: {state}")


# ---------------------------------------------------------------------------------------------
# One half of the run: 30 panels, without or with the service
# ---------------------------------------------------------------------------------------------


class Half:
    def __init__(
        self,
        mode: str,
        hub: LocalHub,
        service: tuple[StatusServiceProcess, CountingRelay],
        users: list[str],
        tokens: dict[str, str],
        args: argparse.Namespace,
    ):
        self.mode, self.hub, self.users, self.tokens, self.args = mode, hub, users, tokens, args
        self.workdir = hub.workdir.parent / mode
        self.client = AsyncHTTPClient(force_instance=True, max_clients=64)
        self.panel_relay = CountingRelay(f"http://127.0.0.1:{hub.api_port}")
        self.service, self.service_relay = service
        self.servers: dict[str, LabServer] = {}
        self.readers: dict[str, SSEReader] = {}
        self.meter: Meter | None = None

    @property
    def with_service(self) -> bool:
        return self.mode == "with"

    async def run(self, t0: float) -> dict[str, Any]:
        try:
            return await self._run(t0)
        except BaseException:
            first = self.servers.get(self.users[0])
            if first is not None:
                print(f"--- jupyter_server ({self.users[0]}) log tail ---\n{first.log_tail()}", file=sys.stderr)
            print(f"--- hub service log tail ---\n{self.service.log_tail()}", file=sys.stderr)
            raise
        finally:
            await self.close()

    async def _run(self, t0: float) -> dict[str, Any]:
        hub, args = self.hub, self.args
        self.panel_relay.start()
        assert hub.process is not None and self.service.process is not None
        service_pid = self.service.process.pid
        self.meter = meter = Meter(hub.process.pid, self.panel_relay, self.service_relay, service_pid)
        setting = DEFAULT_SERVICE_NAME if self.with_service else ""
        begun = now()

        async def up(user: str) -> None:
            # A free port may be taken by another process before the server binds it: try again.
            for attempt in range(3):
                server = self.servers[user] = panel_server(
                    self.workdir / f"server-{user}",
                    {
                        "hub_api_url": f"{self.panel_relay.origin}/hub/api",
                        "hub_api_token": self.tokens[user],
                        "hub_public_url": hub.public_url,
                        "hub_status_service": setting,
                    },
                )
                server.start()
                try:
                    await server.wait_ready_async(240.0)
                    return
                except RuntimeError as exc:
                    if "is not available" not in str(exc) or attempt == 2:
                        raise
                    await asyncio.to_thread(server.stop)

        await asyncio.gather(*(up(user) for user in self.users))
        ready = now()
        say(t0, f"[{self.mode}] {len(self.servers)} jupyter_servers up in {ready - begun:.0f} s")
        before = Counter(f"{who}: {kind(r)}" for who, r in meter.records(begun, ready))

        steps: list[dict[str, Any]] = []
        shown = 0
        for count in self.args.counts:
            new = self.users[shown:count]
            first = meter.mark()
            for user in new:
                server = self.servers[user]
                self.readers[user] = SSEReader(
                    server.url("saturn-panel/events"), server.headers, timeout=3600, clock=now
                ).start()
            await asyncio.gather(*(self.readers[u].wait_for(has_hub_rows, timeout=60) for u in new))
            if self.with_service:
                await asyncio.gather(*(until_connected(self.client, self.servers[u], 60) for u in new))
            connected_after = now() - first[0]
            await asyncio.sleep(1.0)
            last = meter.mark()
            connect = meter.summary(first, last)
            connect.update(panels=len(new), connected_after_s=round(connected_after, 2))
            if self.with_service:
                await self._next_service_poll(last[0])
            await asyncio.sleep(SERVICE_POLL / 2)
            say(t0, f"[{self.mode}] {count} panel(s) watched; counting {args.window:g} s")
            start = meter.mark()
            await asyncio.sleep(args.window)
            window = meter.summary(start, meter.mark())
            shown = count
            steps.append({"panels": count, "connect": connect, "window": window})
            say(
                t0,
                f"[{self.mode}] {count} panel(s): {window['requests_per_min']:.1f} hub req/min,"
                f" hub CPU {window['hub_cpu_s_per_min']:.2f} s/min",
            )
        starts = [await self._start(t0, index) for index in range(1, self.args.starts + 1)]
        errors = {u: r.error for u, r in self.readers.items() if r.ended is not None}
        return {
            "mode": self.mode,
            "servers_up_s": round(ready - begun, 1),
            "before_watching": dict(before),
            "steps": steps,
            "starts": starts,
            "ended_streams": errors,
        }

    async def _next_service_poll(self, after: float) -> None:
        """Wait for the service's next read of the active list (its schedule, not a wake-up)."""
        deadline = now() + SERVICE_POLL * 1.5 + 5
        while now() < deadline:
            if any(kind(r) == ACTIVE_LIST for r in self.service_relay.between(after, now())):
                return
            await asyncio.sleep(0.05)

    async def _start(self, t0: float, index: int) -> dict[str, Any]:
        """``s01`` starts a named server from its panel; every watched panel's view of its progress
        against the bench's direct subscription to the hub's progress stream."""
        hub, owner = self.hub, self.users[0]
        name = f"{self.mode}-{index}"
        key = f"hub/{owner}/{name}"
        stream_path = f"/users/{owner}/servers/{name}/progress"
        marks = (len(self.panel_relay.records), len(self.service_relay.records))
        say(t0, f"[{self.mode}] start {index}: {owner}/{name} from {owner}'s panel")
        t_post = now()
        server = self.servers[owner]
        await call(
            self.client,
            "POST",
            server.url(f"saturn-panel/hub/servers/{owner}/{name}"),
            server.headers,
            body="{}",
            expect=202,
        )
        direct = SSEReader(
            f"{hub.api_url}{stream_path}", {"Authorization": f"token {hub.admin_token}"}, timeout=120, clock=now
        ).start()

        def done(block: SSEEvent) -> bool:
            return (
                block.event == "resource"
                and isinstance(block.data, dict)
                and block.data.get("key") == key
                and block.data.get("status") in ("running", "error")
            )

        results = await asyncio.gather(
            *(r.wait_for(done, timeout=60) for r in self.readers.values()), return_exceptions=True
        )
        timeouts = sum(1 for r in results if isinstance(r, BaseException))
        try:
            await direct.wait_ended(30)
        except asyncio.TimeoutError:
            direct.close()
        end = now()
        direct_events, direct_first = reader_progress(direct)
        hub_times = progress_times(direct_events, skip_replayed_after=direct_first)
        per_panel: dict[str, dict[str, float]] = {}
        missed: dict[str, list[str]] = {}
        for user, reader in self.readers.items():
            seen = events_times(reader, key, t_post)
            per_panel[user] = lags(seen, hub_times)
            gone = [step for step in hub_times if step not in seen]
            if gone:
                missed[user] = gone
        service_stream: dict[str, Any] = {}
        streams = [
            r
            for r in self.service_relay.records[marks[1] :]
            if r.is_progress_stream and r.uri.split("?", 1)[0].endswith(stream_path)
        ]
        if streams:
            at_relay = progress_times(streams[0].data_lines)
            service_stream = {
                "hub_to_service_ms": lags(at_relay, hub_times),
                "service_to_panels_ms": [
                    v for r in self.readers.values() for v in lags(events_times(r, key, t_post), at_relay).values()
                ],
            }
        panel_requests = Counter(kind(r) for r in self.panel_relay.records[marks[0] :] if r.started < end)
        service_requests = Counter(kind(r) for r in self.service_relay.records[marks[1] :] if r.started < end)
        status, _ = await asyncio.to_thread(hub.api, "DELETE", f"users/{owner}/servers/{name}", {"remove": True})
        deadline = now() + 30
        while now() < deadline:
            _, model = await asyncio.to_thread(hub.api, "GET", f"users/{owner}")
            if name not in ((model or {}).get("servers") or {}):
                break
            await asyncio.sleep(0.3)
        await asyncio.sleep(1.0)
        samples = [v for lag in per_panel.values() for v in lag.values()]
        return {
            "name": name,
            "hub_steps": sorted(hub_times),
            "direct_status": direct.status,
            "panels": len(self.readers),
            "panels_without_running": timeouts,
            "lag_ms": per_panel,
            "samples": len(samples),
            "missed": missed,
            "service_stream": service_stream,
            "hub_progress_streams": sum(
                1
                for r in [*self.panel_relay.records[marks[0] :], *self.service_relay.records[marks[1] :]]
                if r.is_progress_stream
            ),
            "panel_requests": dict(panel_requests),
            "service_requests": dict(service_requests),
            "delete_status": status,
        }

    async def close(self) -> None:
        for reader in self.readers.values():
            reader.close()
        await asyncio.gather(*(asyncio.to_thread(s.stop) for s in self.servers.values()))
        await self.panel_relay.stop()
        self.client.close()


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def progress_stats(starts: list[dict[str, Any]]) -> dict[str, Any]:
    samples = [v for s in starts for lag in s["lag_ms"].values() for v in lag.values()]
    expected = sum(len(s["hub_steps"]) * s["panels"] for s in starts)
    missed = sum(len(v) for s in starts for v in s["missed"].values())
    hub_to_service = [v for s in starts for v in (s["service_stream"].get("hub_to_service_ms") or {}).values()]
    service_to_panels = [v for s in starts for v in s["service_stream"].get("service_to_panels_ms") or []]
    return {
        "samples": len(samples),
        "expected": expected,
        "missed": missed,
        "p50_ms": statistics.median(samples) if samples else None,
        "p95_ms": pct(samples, 0.95),
        "max_ms": max(samples) if samples else None,
        "min_ms": min(samples) if samples else None,
        "hub_to_service_p50_ms": statistics.median(hub_to_service) if hub_to_service else None,
        "hub_to_service_max_ms": max(hub_to_service) if hub_to_service else None,
        "service_to_panels_p50_ms": statistics.median(service_to_panels) if service_to_panels else None,
        "service_to_panels_p95_ms": pct(service_to_panels, 0.95),
        "service_to_panels_max_ms": max(service_to_panels) if service_to_panels else None,
        "hub_progress_streams": [s["hub_progress_streams"] for s in starts],
        "panels_without_running": sum(s["panels_without_running"] for s in starts),
    }


def reconnect_cost(half: dict[str, Any]) -> dict[str, Any]:
    """What one reconnection of a panel to the service costs the hub, from the connecting phases:
    the service's requests and the hub CPU (an upper bound: it holds the panels' first reads too),
    per connection."""
    connections = sum(step["connect"]["panels"] for step in half["steps"])
    recurring: Counter[str] = Counter()
    cpu = 0.0
    for step in half["steps"]:
        cpu += step["connect"]["hub_cpu_s"]
        for name, count in step["connect"]["by_kind"].items():
            if name.startswith("service: "):  # the panels' look-up is on a first connection only
                recurring[name] += count
    return {
        "connections": connections,
        "by_kind": dict(recurring),
        "requests_per_connection": round(sum(recurring.values()) / connections, 3),
        "hub_cpu_s_per_connection": round(cpu / connections, 4),
    }


def add_totals(halves: dict[str, dict[str, Any]]) -> None:
    """Each step's steady figures plus, with the service, its panels' reconnections every
    ``VIEW_MAX_AGE`` s, amortised."""
    for half in halves.values():
        rc = reconnect_cost(half) if half["mode"] == "with" else None
        half["reconnect"] = rc
        for step in half["steps"]:
            w = step["window"]
            per_min = step["panels"] * 60.0 / VIEW_MAX_AGE
            step["amortised_requests_per_min"] = round(per_min * rc["requests_per_connection"], 3) if rc else 0.0
            step["amortised_hub_cpu_s_per_min"] = round(per_min * rc["hub_cpu_s_per_connection"], 4) if rc else 0.0
            step["requests_per_min"] = round(w["requests_per_min"] + step["amortised_requests_per_min"], 2)
            step["hub_cpu_s_per_min"] = round(w["hub_cpu_s_per_min"] + step["amortised_hub_cpu_s_per_min"], 4)


def ratio(half: dict[str, Any], field: str) -> float | None:
    one, many = half["steps"][0][field], half["steps"][-1][field]
    return round(many / one, 3) if one else None


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def render(result: dict[str, Any]) -> str:
    halves = result["halves"]
    cols = [(mode, step) for mode in ("without", "with") for step in halves[mode]["steps"]]
    head = "".join(f"{step['panels']:>9}" for _, step in cols)
    first, last = halves["with"]["steps"][0]["panels"], halves["with"]["steps"][-1]["panels"]

    def row(label: str, values: list[str]) -> str:
        return f"  {label:<44}" + "".join(f"{v:>9}" for v in values)

    lines = [
        f"Hub cost of the panels without and with the hub service  {result['when']}  (JupyterHub"
        f" {result['hub_version']}, {len(result['users'])} users with running servers, one jupyter_server per"
        f" panel, poll interval 10 s, {os.cpu_count()} CPUs)",
        f"  {'':<44}{'without the service':^27}{'with the service':^27}",
        f"  {'panels watched':<44}{head}",
        row("hub requests/min, steady window", [fmt(s["window"]["requests_per_min"]) for _, s in cols]),
        row(
            "  + reconnections every 30 min (amortised)",
            [fmt(s["amortised_requests_per_min"], 2) if m == "with" else "-" for m, s in cols],
        ),
        row("= hub requests/min", [fmt(s["requests_per_min"]) for _, s in cols]),
        row("hub CPU s/min (hub process), steady window", [fmt(s["window"]["hub_cpu_s_per_min"], 3) for _, s in cols]),
        row(
            "  + reconnections every 30 min (amortised)",
            [fmt(s["amortised_hub_cpu_s_per_min"], 3) if m == "with" else "-" for m, s in cols],
        ),
        row("= hub CPU s/min", [fmt(s["hub_cpu_s_per_min"], 3) for _, s in cols]),
        row(
            "service CPU s/min (its own process)",
            [fmt(s["window"]["service_cpu_s_per_min"], 3) for _, s in cols],
        ),
        f"  window {result['window_s']:g} s each; {last} vs {first} panel(s): without"
        f" {fmt(ratio(halves['without'], 'requests_per_min'), 2)}x"
        f" requests, {fmt(ratio(halves['without'], 'hub_cpu_s_per_min'), 2)}x CPU;"
        f" with the service {fmt(ratio(halves['with'], 'requests_per_min'), 2)}x requests,"
        f" {fmt(ratio(halves['with'], 'hub_cpu_s_per_min'), 2)}x CPU (goal <= {GOAL_RATIO}x)",
        "  requests in each steady window, by path class:",
    ]
    for mode, step in cols:
        kinds = ", ".join(f"{k} x{v}" for k, v in step["window"]["by_kind"].items()) or "none"
        lines.append(f"    {mode:<8}{step['panels']:>3}: {kinds}")
    lines.append("  connecting (new panels' first reads until each has its hub rows / is connected, + 1 s):")
    for mode, step in cols:
        c = step["connect"]
        kinds = ", ".join(f"{k} x{v}" for k, v in c["by_kind"].items()) or "none"
        lines.append(
            f"    {mode:<8}+{c['panels']:>2} panels in {c['connected_after_s']:.1f} s: hub CPU {c['hub_cpu_s']:.3f} s,"
            f" service CPU {c['service_cpu_s']:.3f} s; {kinds}"
        )
    rc = halves["with"]["reconnect"]
    lines.append(
        f"  a reconnection to the service costs the hub {rc['requests_per_connection']:.2f} requests and"
        f" {rc['hub_cpu_s_per_connection'] * 1000:.1f} ms CPU ({rc['connections']} connections:"
        f" {', '.join(f'{k} x{v}' for k, v in rc['by_kind'].items())}); each panel reconnects every"
        f" {VIEW_MAX_AGE / 60:.0f} min (view_max_age)"
    )
    for mode in ("without", "with"):
        if halves[mode]["ended_streams"]:
            lines.append(f"  {mode}: events streams that ended during the run: {halves[mode]['ended_streams']}")
        before = halves[mode]["before_watching"]
        if before:
            lines.append(
                f"  {mode}: while the servers started, unwatched: {', '.join(f'{k} x{v}' for k, v in before.items())}"
            )
    lines.append(
        f"  a start's progress on every watched panel vs the bench's direct hub subscription (ms; {result['starts']}"
        f" start(s) of {result['progress_steps']} steps + ready, spawner looks every {result['progress_poll_s']:g} s):"
    )
    lines.append(
        f"    {'':<10}{'samples':>9}{'missed':>8}{'p50':>8}{'p95':>8}{'max':>8}   hub progress streams per start"
    )
    for mode in ("without", "with"):
        p = halves[mode]["progress"]
        lines.append(
            f"    {mode:<10}{p['samples']:>9}{p['missed']:>8}{fmt(p['p50_ms']):>8}{fmt(p['p95_ms']):>8}"
            f"{fmt(p['max_ms']):>8}   {', '.join(str(n) for n in p['hub_progress_streams'])}"
        )
    p = halves["with"]["progress"]
    lines.append(
        f"    with: hub -> the service's own stream at its relay p50 {fmt(p['hub_to_service_p50_ms'])}, max"
        f" {fmt(p['hub_to_service_max_ms'])}; the service's stream -> panels p50 {fmt(p['service_to_panels_p50_ms'])},"
        f" p95 {fmt(p['service_to_panels_p95_ms'])}, max {fmt(p['service_to_panels_max_ms'])}"
    )
    lines.append(
        f"  {'PASS' if result['passed'] else 'FAIL'}  with the service, {last} vs {first} panel(s):"
        f" {fmt(result['ratios']['requests'], 2)}x hub requests/min, {fmt(result['ratios']['cpu'], 2)}x hub CPU"
        f" (goal <= {GOAL_RATIO}x each); progress to all {last} panels max {fmt(p['max_ms'])} ms, {p['missed']} missed"
        f" (goal <= {GOAL_LAG_MS:g} ms, none missed)"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    t0 = now()
    workdir = Path(tempfile.mkdtemp(prefix="saturn-service-bench-"))
    users = [f"s{i:02d}" for i in range(1, max(args.counts) + 1)]
    hub = LocalHub(
        workdir / "hub",
        users=(ADMIN, *users),
        admins=(ADMIN,),
        step_delay=args.step_delay,
        steps=args.steps,
        stop_delay=0.0,
        singleuser="mocksu",
        log_level="WARN",
        status_service="external",
        config_file=hub_config(workdir / "bench_hub_config.py", users, args.progress_poll),
    )
    # The service (listed by the hub as external) runs from before the hub starts, which then
    # finds it at once (it waits 30 s for an external service that does not answer); with no
    # view open it reads nothing, and no panel of the first half uses it (hub_status_service "").
    hub.api_port, hub.status_service_port = free_port(), free_port()
    service_relay = CountingRelay(f"http://127.0.0.1:{hub.api_port}")
    service_relay.start()
    service = hub.status_service_process(hub_api_url=f"{service_relay.origin}/hub/api", poll_interval=SERVICE_POLL)
    failed = True
    try:
        hub.workdir.mkdir(parents=True)
        await asyncio.to_thread(service.start)
        say(t0, f"hub service up on {hub.status_service_url} (its hub requests through {service_relay.origin})")
        say(t0, f"starting JupyterHub on loopback (work dir {workdir})")
        await asyncio.to_thread(hub.start)
        _, info = await asyncio.to_thread(hub.api, "GET", "/")
        hub_version = info.get("version", "?") if isinstance(info, dict) else "?"
        await start_servers(hub, users)
        scopes = [*RECOMMENDED_SERVER_TOKEN_SCOPES, f"read:services!service={DEFAULT_SERVICE_NAME}"]
        tokens = {u: await asyncio.to_thread(hub.create_token, u, scopes, "saturn-panel-service-bench") for u in users}
        say(t0, f"{len(users)} users with running servers and tokens ({' '.join(scopes)})")
        halves: dict[str, dict[str, Any]] = {}
        for mode in ("without", "with"):
            halves[mode] = await Half(mode, hub, (service, service_relay), users, tokens, args).run(t0)
            halves[mode]["progress"] = progress_stats(halves[mode]["starts"])
        add_totals(halves)
        ratios = {
            "requests": ratio(halves["with"], "requests_per_min"),
            "cpu": ratio(halves["with"], "hub_cpu_s_per_min"),
        }
        prog = halves["with"]["progress"]
        lag_ok = (
            prog["samples"] > 0
            and prog["max_ms"] is not None
            and prog["max_ms"] <= GOAL_LAG_MS
            and prog["missed"] == 0
            and prog["panels_without_running"] == 0
        )
        cost_ok = all(r is not None and r <= GOAL_RATIO for r in ratios.values())
        result: dict[str, Any] = {
            "when": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
            "hub_version": hub_version,
            "python": platform.python_version(),
            "users": users,
            "token_scopes": scopes,
            "window_s": args.window,
            "starts": args.starts,
            "progress_steps": args.steps,
            "progress_poll_s": args.progress_poll,
            "service_poll_s": SERVICE_POLL,
            "view_max_age_s": VIEW_MAX_AGE,
            "quick": args.quick,
            "halves": halves,
            "ratios": ratios,
            "cost_passed": cost_ok,
            "progress_passed": lag_ok,
            "passed": cost_ok and lag_ok,
            "run_seconds": round(now() - t0, 1),
        }
        print(render(result), flush=True)
        w30, w1 = halves["with"]["steps"][-1], halves["with"]["steps"][0]
        wo30 = halves["without"]["steps"][-1]
        figures = [
            figure(
                "with the service: hub req/min, 30 panels vs 1",
                ratios["requests"],
                "x",
                goal=f"<= {GOAL_RATIO}x ({w30['requests_per_min']:g} vs {w1['requests_per_min']:g} req/min)",
                passed=ratios["requests"] is not None and ratios["requests"] <= GOAL_RATIO,
            ),
            figure(
                "with the service: hub CPU, 30 panels vs 1",
                ratios["cpu"],
                "x",
                goal=f"<= {GOAL_RATIO}x ({w30['hub_cpu_s_per_min']:.3f} vs {w1['hub_cpu_s_per_min']:.3f} s/min)",
                passed=ratios["cpu"] is not None and ratios["cpu"] <= GOAL_RATIO,
            ),
            figure(
                "with the service: progress to 30 panels, max delay",
                prog["max_ms"],
                "ms",
                goal=f"<= {GOAL_LAG_MS:g} ms, none missed (p50 {fmt(prog['p50_ms'])}, p95 {fmt(prog['p95_ms'])},"
                f" {prog['missed']} missed)",
                passed=lag_ok,
            ),
            figure(
                "hub req/min, 30 panels, with the service",
                w30["requests_per_min"],
                "req/min",
                baseline=wo30["requests_per_min"],
                baseline_label="without the service",
            ),
            figure(
                "hub CPU, 30 panels, with the service",
                w30["hub_cpu_s_per_min"],
                "s/min",
                baseline=wo30["hub_cpu_s_per_min"],
                baseline_label="without the service",
            ),
            figure("service process CPU, 30 panels", w30["window"]["service_cpu_s_per_min"], "s/min"),
        ]
        path = write_results(
            "service", "Hub cost of the panels without and with the hub service", figures, {"details": result}
        )
        say(t0, f"figures written to {path.relative_to(REPO)}")
        failed = False
        return 0 if result["passed"] else 1
    except BaseException:
        print(f"--- jupyterhub log tail ---\n{hub.log_tail()}", file=sys.stderr)
        print(f"--- hub service log tail ---\n{service.log_tail()}", file=sys.stderr)
        raise
    finally:
        say(t0, "stopping the hub service and JupyterHub")
        await asyncio.to_thread(service.stop)
        await service_relay.stop()
        await asyncio.to_thread(hub.stop)
        if args.keep or failed:
            print(f"(work folder with the hub's, service's and servers' logs kept: {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--window", type=float, default=60.0, help="seconds counted per step (default 60)")
    parser.add_argument("--starts", type=int, default=2, help="starts whose progress is timed per half (default 2)")
    parser.add_argument("--steps", type=int, default=6, help="progress steps of a start (default 6)")
    parser.add_argument("--step-delay", type=float, default=0.5, help="seconds between two steps (default 0.5)")
    parser.add_argument(
        "--progress-poll",
        type=float,
        default=0.01,
        help="seconds the hub's progress generator waits between looks for a new step (default 0.01;"
        " the demo spawner: 0.1)",
    )
    parser.add_argument(
        "--counts",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        default=COUNTS,
        help="panels watched in each step, growing (default 1,10,30; the goal is for 1 vs 30)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (hub, service and server logs)")
    parser.add_argument("--quick", action="store_true", help="20 s windows, one start per half")
    args = parser.parse_args(argv)
    if args.quick:
        args.window, args.starts = 20.0, 1
    if args.window <= 0 or args.starts < 1 or args.steps < 1 or args.step_delay <= 0 or args.progress_poll <= 0:
        parser.error("--window > 0, --starts >= 1, --steps >= 1, --step-delay > 0, --progress-poll > 0")
    return args


async def main_async(args: argparse.Namespace) -> int:
    """Run with an overall deadline (see ``benchlib.run_with_budget``)."""
    budget = 2 * (len(args.counts) * (args.window + 40) + args.starts * 60 + 400) + 120
    return await run_with_budget(run(args), budget)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
