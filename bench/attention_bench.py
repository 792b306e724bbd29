#!/usr/bin/env python
"""Hub API requests per minute caused by the panels: visible, every tab hidden, and the hub down.

Issue 16: each Lab polled the hub every 10 s while any tab was open, panel shown or not: 6 requests
per minute per user (1,000 users: about 100 requests/s for the hub while nothing changes), and
when the hub was down every server retried on the same 10 s beat. Now the server reads the hub
only while a tab shows the panel (its ``GET resources?watching=1`` every 20 s holds a 60 s
attention lease), and failures back off (doubling up to 300 s, with jitter).

    .venv/bin/python bench/attention_bench.py               # or: bench/run.sh attention
    .venv/bin/python bench/attention_bench.py --quick       # 30 s windows, (b) with 6 users only

What runs (all on 127.0.0.1): a real JupyterHub (``saturn_panel_demo.local_hub.LocalHub``: node
proxy, DummyAuthenticator, mocksu single-user servers) with users ``user1`` ... ``user6`` (not
admins), each with a running default server; for each user a ``jupyter_server`` with the extension
(the demo's launcher: ``--ServerApp.jpserver_extensions={'jupyterlab_saturn_panel': True}``,
``--allow-root``, token auth; ``c.SaturnPanel.hub_api_url`` and ``hub_api_token`` set, Saturn not
configured, ``hub_poll_interval`` at its default, 10 s) whose hub token is that user's own, with
the README's ``server_token_scopes`` as far as the user holds them (the hub refuses the rest: the
bench asks for each scope, and for its ``!user`` form, and keeps what the hub grants, as the hub
does for a single-user server's token); and a counting proxy in this process between every
panel's ``hub_api_url`` and the hub's API, which records each request's token (so its user),
method, path class and status. The bench's own calls go to the hub directly: only the panels'
requests are counted.

A tab is what a JupyterLab tab with the panel does (``src/api/liveUpdates.ts``): at load
``GET saturn-panel/config`` and the event bus WebSocket (``/api/events/subscribe``, held for the
tab's life); while the panel is shown in a visible tab, ``GET saturn-panel/resources?watching=1``
at once and then 20 s after each answer (the first without ``since``/``epoch``, then with the
``seq``/``epoch`` of the previous answer); on each ``changed`` notice of the event bus announcing a
state it does not hold, ``GET resources?since=SEQ&epoch=EPOCH`` (no ``watching``) after 50 ms. A
hidden tab sends no ``watching`` request but keeps its WebSocket and still fetches on notices.

Scenarios, one after the other on the same hub and servers:

(a) one visible panel per user, for 1 user (``user1``) then for 6: ``--window`` s counted from
    5 s (half a poll interval) after every tab got its first answer, so that the window's edges
    fall between two reads (what opening the tabs cost is reported apart);
(b) every tab hidden, for 1 user then for 6 (``--quick``: 6 only): the tabs stop; after
    ``--grace`` s (the 60 s attention lease plus one poll interval and its jitter) ``--window`` s
    are counted. Goal: 0 per minute per user;
(c) hub down: every tab visible again; once each server has read the hub, the proxy stops
    forwarding (``--down-mode drop``: it reads the request, counts it, and closes the connection
    without an answer; ``503``: it answers 503) for ``--down-window`` s. For each server the
    intervals between its successive attempts (the first from its last good read) must grow.

PASS when (b) counted 0 hub requests for every user and in (c) every server made at least 3
attempts with strictly growing intervals. The baseline, what the code before issue 16 did, is
the issue's measurement: 6 requests/min per user whatever the tabs do, and every 10 s while the
hub is down; it is not measured here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import figure, run_with_budget, write_results
from hub_bench import DEFAULT_POLL_INTERVAL, HOP_BY_HOP, REPO, call, now, panel_server, path_class
from hub_cpu_bench import start_servers
from tornado import web, websocket
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.httpserver import HTTPServer

from jupyterlab_saturn_panel.app import CHANGED_SCHEMA_ID
from jupyterlab_saturn_panel.engine import ATTENTION_LEASE, JITTER, MAX_BACKOFF
from jupyterlab_saturn_panel.hub.scopes import RECOMMENDED_SERVER_TOKEN_SCOPES
from saturn_panel_demo.launcher import LabServer
from saturn_panel_demo.local_hub import LocalHub, free_port

#: A shown panel's request interval (``LiveUpdates``' ``interval``, 20000 ms).
TAB_INTERVAL = 20.0
#: A notice is fetched after this debounce (``LiveUpdates``' ``Debouncer``, 50 ms).
NOTICE_DEBOUNCE = 0.05
#: The code before issue 16: every Lab read the hub every 10 s while any tab was open (issue 16).
BASELINE_PER_USER = 60.0 / DEFAULT_POLL_INTERVAL
#: After the tabs hide, the lease runs out within ATTENTION_LEASE s of their last request; a read
#: due just before may still go out one (jittered) poll interval later.
DEFAULT_GRACE = ATTENTION_LEASE + DEFAULT_POLL_INTERVAL * (1 + JITTER) + 3.5
#: Requests of one server closer than this are one attempt (a retry inside the client).
SAME_ATTEMPT = 2.0
#: (a) counts from this long after the panels' first answers: half a poll interval, so that the
#: window's edges fall between two reads of a server (all servers of (a) read at its opening).
WINDOW_OFFSET = DEFAULT_POLL_INTERVAL / 2
#: (c) passes with at least this many intervals per server, each longer than the one before.
MIN_INTERVALS = 3
ADMIN = "alice"


def say(t0: float, text: str) -> None:
    print(f"[{now() - t0:6.1f} s] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The counting proxy: every panel's hub_api_url -> proxy -> the hub's API
# ---------------------------------------------------------------------------------------------


@dataclass
class HubRequest:
    """One request that reached the proxy."""

    at: float
    user: str  # the owner of its token ("?" for a token the bench did not make)
    method: str
    uri: str
    kind: str  # path class: GET /users/{user}
    status: int | None = None  # None: dropped without an answer (the hub down)
    forwarded: bool = False


class _ProxyHandler(web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

    def initialize(self, proxy: CountingProxy) -> None:
        self.proxy = proxy

    def check_xsrf_cookie(self) -> None:
        """Transparent: the hub does its own checks."""

    async def get(self) -> None:
        await self._handle()

    async def head(self) -> None:
        await self._handle()

    async def post(self) -> None:
        await self._handle()

    async def delete(self) -> None:
        await self._handle()

    async def patch(self) -> None:
        await self._handle()

    async def put(self) -> None:
        await self._handle()

    async def options(self) -> None:
        await self._handle()

    async def _handle(self) -> None:
        method, uri = self.request.method or "GET", self.request.uri or "/"
        record = self.proxy.record(method, uri, self.request.headers.get("Authorization", ""))
        if self.proxy.down == "drop":
            # The hub does not answer: the connection closes with no response at all.
            stream = self.request.connection.detach()  # type: ignore[union-attr]
            stream.close()
            self._finished = True  # nothing more to send on a closed connection
            return
        if self.proxy.down == "503":
            record.status = 503
            self.set_status(503)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"status": 503, "message": "bench proxy: the hub is down"}))
            return
        headers = {k: v for k, v in self.request.headers.get_all() if k.lower() not in HOP_BY_HOP}
        body = self.request.body if method in ("POST", "PUT", "PATCH") or self.request.body else None
        request = HTTPRequest(
            self.proxy.upstream + uri,
            method=method,
            headers=headers,
            body=body,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            decompress_response=False,
            connect_timeout=10,
            request_timeout=60,
        )
        try:
            response = await self.proxy.client.fetch(request, raise_error=False)
        except (OSError, HTTPClientError) as exc:
            record.status = 502
            self.set_status(502)
            self.finish(json.dumps({"message": f"bench proxy: {exc}"}))
            return
        record.status, record.forwarded = response.code, True
        if response.code == 599:
            record.status = 502
            self.set_status(502)
            self.finish(json.dumps({"message": f"bench proxy: {response.error}"}))
            return
        self.set_status(response.code, response.reason)
        self.clear_header("Content-Type")
        for name, value in response.headers.get_all():
            if name.lower() not in HOP_BY_HOP:
                self.add_header(name, value)
        self.finish(response.body or b"")


class CountingProxy:
    """An HTTP proxy on 127.0.0.1 in front of the hub API that records every request with the
    user of its token. ``down`` (``"drop"`` or ``"503"``) makes it stop forwarding."""

    def __init__(self, upstream: str, tokens: dict[str, str]) -> None:
        self.upstream = upstream.rstrip("/")
        self.tokens = tokens  # token -> user
        self.records: list[HubRequest] = []
        self.down: str | None = None
        self.port = 0
        self.client = AsyncHTTPClient(force_instance=True, max_clients=50)
        self._server: HTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        self._server = HTTPServer(web.Application([(r".*", _ProxyHandler, {"proxy": self})]))
        self._server.listen(self.port, address="127.0.0.1")

    def record(self, method: str, uri: str, authorization: str) -> HubRequest:
        token = authorization.split(" ", 1)[1].strip() if " " in authorization else ""
        entry = HubRequest(now(), self.tokens.get(token, "?"), method, uri, path_class(method, uri))
        self.records.append(entry)
        return entry

    def between(self, start: float, end: float, user: str | None = None) -> list[HubRequest]:
        return [r for r in self.records if start <= r.at < end and (user is None or r.user == user)]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            try:
                await asyncio.wait_for(self._server.close_all_connections(), 5)
            except asyncio.TimeoutError:
                pass
        self.client.close()


# ---------------------------------------------------------------------------------------------
# A browser tab with the panel (src/api/liveUpdates.ts)
# ---------------------------------------------------------------------------------------------


class Tab:
    """One JupyterLab tab of ``user``'s server, as far as the panel's traffic goes."""

    def __init__(self, user: str, server: LabServer, client: AsyncHTTPClient) -> None:
        self.user, self.server, self.client = user, server, client
        self.position: tuple[str, int] | None = None  # (epoch, seq) the tab holds
        self.wanted: tuple[str, int] | None = None
        self.visible = False
        self.loaded = False
        #: (time sent, "config" | "watching" | "since", status) of each request to jupyter_server.
        self.requests: list[tuple[float, str, int]] = []
        self.notices: list[float] = []  # times of changed notices received
        self.errors: list[str] = []
        self._lock = asyncio.Lock()  # one fetch at a time, answers applied in order
        self._wake = asyncio.Event()
        self._first = asyncio.Event()
        self._poll: asyncio.Task[None] | None = None
        self._debounce: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ws: websocket.WebSocketClientConnection | None = None

    async def load(self) -> None:
        """Page load: ``GET config`` and the event bus WebSocket."""
        if self.loaded:
            return
        self.loaded = True
        sent = now()
        response = await call(
            self.client, "GET", self.server.url("saturn-panel/config"), self.server.headers, expect=200
        )
        self.requests.append((sent, "config", response.code))
        ws_url = self.server.url("api/events/subscribe").replace("http://", "ws://", 1)
        self._ws = await websocket.websocket_connect(HTTPRequest(ws_url, headers=self.server.headers))
        self._reader = asyncio.ensure_future(self._read_notices())

    async def show(self) -> None:
        """The tab is visible and shows the panel: ask with ``watching=1`` now and every 20 s
        after each answer; return once the first answer arrived."""
        await self.load()
        if self.visible:
            return
        self.visible = True
        self._first.clear()
        if self._poll is None or self._poll.done():
            self._poll = asyncio.ensure_future(self._poll_loop())
        await self._first.wait()

    def hide(self) -> None:
        """The tab is hidden: no further ``watching`` request (``linger: 0``)."""
        self.visible = False
        self._wake.set()

    async def _poll_loop(self) -> None:
        while self.visible:
            try:
                await self.sync(watching=True)
            except Exception as exc:  # recorded; the tab goes on as the Poll would
                self.errors.append(f"watching: {exc}")
            self._first.set()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), TAB_INTERVAL)
            except asyncio.TimeoutError:
                pass

    async def sync(self, *, watching: bool) -> None:
        async with self._lock:
            params: dict[str, str] = {}
            if self.position is not None:
                params.update(since=str(self.position[1]), epoch=self.position[0])
            if watching:
                params["watching"] = "1"
            url = self.server.url("saturn-panel/resources") + ("?" + urlencode(params) if params else "")
            sent = now()
            response = await call(self.client, "GET", url, self.server.headers, expect=200)
            self.requests.append((sent, "watching" if watching else "since", response.code))
            body = json.loads(response.body)
            self.position = (str(body["epoch"]), int(body["seq"]))

    def holds(self, position: tuple[str, int]) -> bool:
        return self.position is not None and self.position[0] == position[0] and self.position[1] >= position[1]

    async def _read_notices(self) -> None:
        assert self._ws is not None
        while True:
            message = await self._ws.read_message()
            if message is None:
                return
            try:
                event = json.loads(message)
            except ValueError:
                continue
            if not isinstance(event, dict) or event.get("schema_id") != CHANGED_SCHEMA_ID:
                continue
            self.notices.append(now())
            position = (str(event.get("epoch")), int(event.get("seq", 0)))
            if self.holds(position):
                continue
            self.wanted = position
            if self._debounce is None or self._debounce.done():
                self._debounce = asyncio.ensure_future(self._announced())

    async def _announced(self) -> None:
        await asyncio.sleep(NOTICE_DEBOUNCE)
        if self.wanted is not None and self.holds(self.wanted):
            return
        try:
            await self.sync(watching=False)
        except Exception as exc:
            self.errors.append(f"since: {exc}")

    async def close(self) -> None:
        self.visible = False
        self._wake.set()
        for task in (self._poll, self._debounce, self._reader):
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        if self._ws is not None:
            self._ws.close()

    def between(self, start: float, end: float) -> Counter[str]:
        return Counter(kind for at, kind, _ in self.requests if start <= at < end)


# ---------------------------------------------------------------------------------------------
# Scopes and figures
# ---------------------------------------------------------------------------------------------


async def held_scopes(hub: LocalHub, user: str) -> tuple[list[str], list[str]]:
    """The README's ``server_token_scopes`` as far as ``user`` holds them: each scope as it is,
    else its ``!user`` form, else left out (the hub's own intersection for a server token). Each
    probe's token is deleted again. Returns (granted, left out)."""
    granted, dropped = [], []
    for scope in RECOMMENDED_SERVER_TOKEN_SCOPES:
        name = scope.split("!", 1)[0]
        for candidate in dict.fromkeys((scope, f"{name}!user")):
            status, body = await asyncio.to_thread(
                hub.api, "POST", f"users/{user}/tokens", {"scopes": [candidate], "note": "scope probe"}
            )
            if status == 201:
                granted.append(candidate)
                await asyncio.to_thread(hub.api, "DELETE", f"users/{user}/tokens/{body['id']}")
                break
        else:
            dropped.append(scope)
    return granted, dropped


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


def attempts(records: list[HubRequest]) -> list[float]:
    """Start times of attempts: requests of one server closer than ``SAME_ATTEMPT`` are one."""
    starts: list[float] = []
    last: float | None = None
    for r in sorted(records, key=lambda r: r.at):
        if last is None or r.at - last > SAME_ATTEMPT:
            starts.append(r.at)
        last = r.at
    return starts


def window_summary(proxy: CountingProxy, tabs: list[Tab], users: list[str], start: float, end: float) -> dict[str, Any]:
    """What reached the hub in [start, end), in all and per user of the scenario (those with a tab
    in ``tabs``); ``per_user`` lists every user of the hub (one without a tab must cost nothing)."""
    records = proxy.between(start, end)
    minutes = (end - start) / 60
    count = len(tabs)
    per_user = {user: len([r for r in records if r.user == user]) for user in users}
    others = len([r for r in records if r.user not in users])
    gap_per_user = {
        user: round(statistics.median(g), 2) if (g := gaps([r.at for r in records if r.user == user])) else None
        for user in users
    }
    tab_requests: Counter[str] = Counter()
    for tab in tabs:
        tab_requests.update(tab.between(start, end))
    return {
        "seconds": round(end - start, 2),
        "users": count,
        "requests": len(records),
        "requests_per_min": round(len(records) / minutes, 2),
        "per_user_per_min": round(len(records) / minutes / count, 2),
        "per_user": per_user,
        "other_tokens": others,
        "by_kind": dict(Counter(r.kind for r in records)),
        "median_gap_s": gap_per_user,
        "tab_requests": dict(tab_requests),
        "notices": sum(1 for tab in tabs for at in tab.notices if start <= at < end),
    }


async def scenario_visible(
    proxy: CountingProxy, tabs: list[Tab], all_users: list[str], window: float, t0: float
) -> dict[str, Any]:
    """(a): every tab in ``tabs`` shows the panel; ``window`` s counted from half a poll interval
    after their first answers (a window that opened with a read would count one read fewer)."""
    opened = now()
    await asyncio.gather(*(tab.show() for tab in tabs))
    answered = now()
    say(t0, f"{len(tabs)} visible panel(s) answered after {answered - opened:.1f} s; counting {window:g} s")
    await asyncio.sleep(WINDOW_OFFSET)
    start = now()
    opening = proxy.between(opened, start)
    await asyncio.sleep(window)
    result = window_summary(proxy, tabs, all_users, start, now())
    result["opening"] = {"seconds": round(answered - opened, 2), "by_kind": dict(Counter(r.kind for r in opening))}
    return result


async def scenario_hidden(
    proxy: CountingProxy, tabs: list[Tab], all_users: list[str], grace: float, window: float, t0: float
) -> dict[str, Any]:
    """(b): every tab hides; after ``grace`` s, ``window`` s counted."""
    hidden = now()
    for tab in tabs:
        tab.hide()
    say(t0, f"{len(tabs)} tab(s) hidden; grace {grace:.0f} s, then counting {window:g} s")
    await asyncio.sleep(grace)
    start = now()
    await asyncio.sleep(window)
    result = window_summary(proxy, tabs, all_users, start, now())
    during = proxy.between(hidden, start)
    # The lease: how long after its own tab's last watching=1 (when it was sent) each server read.
    after_own: dict[str, float] = {}
    for tab in tabs:
        reads = [r.at for r in during if r.user == tab.user]
        sent = [at for at, kind, _ in tab.requests if kind == "watching" and at < hidden]
        if reads and sent:
            after_own[tab.user] = round(max(reads) - max(sent), 1)
    result["grace"] = {
        "seconds": round(grace, 2),
        "requests": len(during),
        "by_kind": dict(Counter(r.kind for r in during)),
        "last_after_hide_s": round(max(r.at for r in during) - hidden, 1) if during else None,
        "last_after_own_watching_s": after_own,
        "max_after_own_watching_s": max(after_own.values()) if after_own else None,
    }
    result["window_records"] = [
        {"at_after_hide_s": round(r.at - hidden, 2), "user": r.user, "request": f"{r.method} {r.uri}"}
        for r in proxy.between(start, now())
    ]
    return result


async def scenario_down(
    proxy: CountingProxy, tabs: list[Tab], all_users: list[str], mode: str, window: float, t0: float
) -> dict[str, Any]:
    """(c): every tab shows the panel; once each server read the hub, the proxy stops forwarding."""
    shown = now()
    await asyncio.gather(*(tab.show() for tab in tabs))
    users = [tab.user for tab in tabs]
    deadline = now() + 30
    while now() < deadline:  # each server's immediate read of a stale state has gone through
        if all(any(r.forwarded and r.user == u for r in proxy.between(shown, now())) for u in users):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    down_at = now()
    proxy.down = mode
    say(t0, f"hub down ({mode}) for {window:g} s with {len(tabs)} visible panel(s)")
    await asyncio.sleep(window)
    end = now()
    proxy.down = None
    servers: dict[str, Any] = {}
    for user in users:
        good = [r.at for r in proxy.records if r.user == user and r.forwarded and r.at < down_at]
        failed = proxy.between(down_at, end, user)
        tries = attempts(failed)
        series = ([good[-1]] if good else []) + tries
        intervals = [round(g, 1) for g in gaps(series)]
        servers[user] = {
            "last_good_before_down_s": round(good[-1] - down_at, 2) if good else None,
            "attempts_after_down_s": [round(t - down_at, 1) for t in tries],
            "requests": len(failed),
            "intervals_s": intervals,
            "grows": len(intervals) >= MIN_INTERVALS and all(b > a for a, b in zip(intervals, intervals[1:])),
        }
    steps = max((len(s["intervals_s"]) for s in servers.values()), default=0)
    median_steps = [
        round(statistics.median(s["intervals_s"][i] for s in servers.values() if len(s["intervals_s"]) > i), 1)
        for i in range(steps)
    ]
    result = window_summary(proxy, tabs, all_users, down_at, end)
    result.update(mode=mode, servers=servers, median_intervals_s=median_steps)
    return result


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def fmt(value: float) -> str:
    return f"{value:,.1f}" if value else "0"


def kinds_text(by_kind: dict[str, int]) -> str:
    return ", ".join(f"{k} x{v}" for k, v in sorted(by_kind.items())) or "none"


def render(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        f"Hub API requests caused by the panels  {result['when']}  (JupyterHub {result['hub_version']}, one"
        f" jupyter_server per user, hub_poll_interval {DEFAULT_POLL_INTERVAL:g} s (default), {os.cpu_count()} CPUs)",
        f"  {'scenario':<40}{'users':>6}{'window':>8}{'hub req/min':>13}{'per user':>10}"
        f"{'before #16':>12}{'per user':>10}",
    ]
    for row in rows:
        lines.append(
            f"  {row['label']:<40}{row['users']:>6}{row['seconds']:>6.0f} s{fmt(row['requests_per_min']):>13}"
            f"{fmt(row['per_user_per_min']):>10}{fmt(BASELINE_PER_USER * row['users']):>12}"
            f"{fmt(BASELINE_PER_USER):>10}"
        )
    a_rows = [r for r in rows if r["scenario"] == "a"]
    b_rows = [r for r in rows if r["scenario"] == "b"]
    a_per_user = a_rows[-1]["per_user_per_min"] if a_rows else 0.0
    b_per_user = max((r["per_user_per_min"] for r in b_rows), default=0.0)
    before = BASELINE_PER_USER * 1000 / 60
    lines += [
        f"  1,000 users: (a) {a_per_user * 1000 / 60:,.1f} req/s with every panel visible (before: {before:,.0f});"
        f" (b) {b_per_user * 1000 / 60:,.1f} req/s with every tab hidden (before: {before:,.0f})",
        "  ('before #16': the code before issue 16 read the hub every 10 s per Lab while any tab was open, panel"
        " shown or not, and every 10 s while the hub was down: issue 16's figure, not measured here)",
    ]
    for row in rows:
        detail = f"  {row['label'].strip()} ({row['users']}): {kinds_text(row['by_kind'])}"
        if row["scenario"] == "a":
            gaps_ = [g for g in row["median_gap_s"].values() if g is not None]
            if gaps_:
                gap = statistics.median(gaps_)
                detail += f"; median gap between a server's reads {gap:.1f} s ({60 / gap:.1f}/min)"
            detail += f"; opening the tab(s): {kinds_text(row['opening']['by_kind'])}"
        if row["scenario"] == "b":
            grace = row["grace"]
            detail += f"; in the {grace['seconds']:.0f} s grace: {kinds_text(grace['by_kind'])}"
            if grace["last_after_hide_s"] is not None:
                detail += f", the last {grace['last_after_hide_s']:.1f} s after the tabs hid"
            if grace["max_after_own_watching_s"] is not None:
                detail += (
                    f"; a server's last read at most {grace['max_after_own_watching_s']:.1f} s after its"
                    f" tab's last watching=1 (lease {ATTENTION_LEASE:g} s)"
                )
        if row["other_tokens"]:
            detail += f"; with a token the bench did not make: {row['other_tokens']}"
        tab = row["tab_requests"]
        detail += f"; tabs -> Lab: {kinds_text(tab)}, {row['notices']} notice(s)"
        lines.append(detail)
    down = result.get("down")
    if down:
        what = "drops every request without an answer" if down["mode"] == "drop" else "answers 503"
        lines.append(
            f"  (c) hub down for {down['seconds']:.0f} s (the proxy {what}); intervals between a server's"
            " successive attempts, the first from its last good read:"
        )
        for user, server in down["servers"].items():
            series = "  ".join(f"{v:6.1f}" for v in server["intervals_s"])
            lines.append(
                f"    {user:<8}{series}   ({len(server['attempts_after_down_s'])} attempts,"
                f" {server['requests']} requests; {'grows' if server['grows'] else 'DOES NOT GROW'})"
            )
        lines.append(
            "    median  " + "  ".join(f"{v:6.1f}" for v in down["median_intervals_s"]) + "   (before #16: 10 s each)"
        )
        lines.append(
            f"    at the {MAX_BACKOFF:.0f} s cap ({JITTER:.0%} jitter) 1,000 servers would try {1000 / MAX_BACKOFF:.1f}"
            f" req/s (computed; before: {before:,.0f})"
        )
    lines.append(
        f"  {'PASS' if result['passed'] else 'FAIL'}  (b) hub requests with every tab hidden:"
        f" {result['hidden_total']} in all, {b_per_user:g}/min per user (goal 0);"
        f" (c) retry intervals grew for {result['growing']}/{result['down_servers']} servers"
        f" (goal: all, at least {MIN_INTERVALS} each)"
    )
    return "\n".join(lines)


def row_of(scenario: str, label: str, summary: dict[str, Any]) -> dict[str, Any]:
    return {"scenario": scenario, "label": label, **summary}


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    t0 = now()
    workdir = Path(tempfile.mkdtemp(prefix="saturn-attention-bench-"))
    users = [f"user{i}" for i in range(1, args.users + 1)]
    hub = LocalHub(
        workdir / "hub",
        users=(ADMIN, *users),
        admins=(ADMIN,),
        step_delay=0.1,
        steps=1,
        stop_delay=0.0,
        singleuser="mocksu",
        log_level="WARN",
    )
    client = AsyncHTTPClient(force_instance=True, max_clients=50)
    proxy: CountingProxy | None = None
    servers: dict[str, LabServer] = {}
    tabs: dict[str, Tab] = {}
    failed = True
    try:
        say(t0, f"starting JupyterHub on loopback (work dir {workdir})")
        await asyncio.to_thread(hub.start)
        _, info = await asyncio.to_thread(hub.api, "GET", "/")
        hub_version = info.get("version", "?") if isinstance(info, dict) else "?"
        # Each panel runs in its user's own server: that server runs on the hub.
        await start_servers(hub, users)
        granted, dropped = await held_scopes(hub, users[0])
        say(t0, f"a user's token gets {' '.join(granted)} (not held: {' '.join(dropped) or 'none'})")
        token_of = {
            user: await asyncio.to_thread(hub.create_token, user, granted, "saturn-panel-attention-bench")
            for user in users
        }
        proxy = CountingProxy(f"http://127.0.0.1:{hub.api_port}", {t: u for u, t in token_of.items()})
        proxy.start()
        for user in users:
            servers[user] = panel_server(
                workdir / f"server-{user}",
                {
                    "hub_api_url": f"{proxy.origin}/hub/api",
                    "hub_api_token": token_of[user],
                    "hub_public_url": hub.public_url,
                },
            )
            servers[user].start()
        await asyncio.gather(*(s.wait_ready_async(120.0) for s in servers.values()))
        tabs = {user: Tab(user, servers[user], client) for user in users}
        say(t0, f"{len(servers)} jupyter_servers with the panel up; counting proxy on {proxy.origin}")
        idle = proxy.between(t0, now())
        if idle:
            say(t0, f"requests before any tab: {kinds_text(dict(Counter(r.kind for r in idle)))}")

        rows: list[dict[str, Any]] = []
        one, many = [tabs[users[0]]], [tabs[u] for u in users]
        all_tabs = list(tabs.values())
        say(t0, "(a) 1 user: one visible panel")
        rows.append(
            row_of("a", "(a) one visible panel per user", await scenario_visible(proxy, one, users, args.window, t0))
        )
        if not args.quick:
            say(t0, "(b) 1 user: the tab hidden")
            rows.append(
                row_of(
                    "b",
                    "(b) every tab hidden",
                    await scenario_hidden(proxy, one, users, args.grace, args.window, t0),
                )
            )
        say(t0, f"(a) {len(users)} users: one visible panel each")
        rows.append(
            row_of("a", "(a) one visible panel per user", await scenario_visible(proxy, many, users, args.window, t0))
        )
        say(t0, f"(b) {len(users)} users: every tab hidden")
        rows.append(
            row_of("b", "(b) every tab hidden", await scenario_hidden(proxy, many, users, args.grace, args.window, t0))
        )
        say(t0, f"(c) {len(users)} users: panels visible, then the hub down")
        down = await scenario_down(proxy, many, users, args.down_mode, args.down_window, t0)
        rows.append(row_of("c", "(c) hub down, panels visible", down))

        hidden_total = sum(r["requests"] for r in rows if r["scenario"] == "b")
        growing = sum(1 for s in down["servers"].values() if s["grows"])
        tab_errors = {t.user: t.errors for t in all_tabs if t.errors}
        passed = hidden_total == 0 and growing == len(down["servers"]) and not tab_errors
        result: dict[str, Any] = {
            "when": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
            "hub_version": hub_version,
            "python": platform.python_version(),
            "users": users,
            "token_scopes": granted,
            "token_scopes_not_held": dropped,
            "poll_interval_s": DEFAULT_POLL_INTERVAL,
            "attention_lease_s": ATTENTION_LEASE,
            "tab_interval_s": TAB_INTERVAL,
            "window_s": args.window,
            "grace_s": args.grace,
            "quick": args.quick,
            "rows": rows,
            "down": down,
            "hidden_total": hidden_total,
            "growing": growing,
            "down_servers": len(down["servers"]),
            "tab_errors": tab_errors,
            "run_seconds": round(now() - t0, 1),
            "passed": passed,
        }
        print(render(result), flush=True)
        if tab_errors:
            print(f"  tab requests that failed: {tab_errors}", flush=True)
        a_many = [r for r in rows if r["scenario"] == "a"][-1]
        b_per_user = max(r["per_user_per_min"] for r in rows if r["scenario"] == "b")
        b_users = " and ".join(str(r["users"]) for r in rows if r["scenario"] == "b")
        figures = [
            figure(
                f"hub req/min per user, panel visible ({a_many['users']} users)",
                a_many["per_user_per_min"],
                "req/min",
                baseline=BASELINE_PER_USER,
                baseline_label="before issue 16",
            ),
            figure(
                f"hub req/min per user, every tab hidden ({b_users} users)",
                b_per_user,
                "req/min",
                baseline=BASELINE_PER_USER,
                baseline_label="before issue 16",
                goal=f"0; hub down: retry intervals grow ({growing}/{len(down['servers'])} servers)",
                passed=passed,
            ),
            figure(
                f"hub down: longest retry interval in {args.down_window:g} s (median of servers)",
                down["median_intervals_s"][-1] if down["median_intervals_s"] else None,
                "s",
                baseline=DEFAULT_POLL_INTERVAL,
                baseline_label="before issue 16, no backoff",
            ),
        ]
        path = write_results("attention", "Hub API requests caused by the panels", figures, {"details": result})
        say(t0, f"figures written to {path.relative_to(REPO)}")
        failed = False
        return 0 if passed else 1
    except BaseException:
        first = servers.get(users[0])
        if first is not None:
            print(f"--- jupyter_server ({users[0]}) log tail ---\n{first.log_tail()}", file=sys.stderr)
        print(f"--- jupyterhub log tail ---\n{hub.log_tail()}", file=sys.stderr)
        raise
    finally:
        say(t0, "stopping the tabs, jupyter_servers, proxy and JupyterHub")
        for tab in tabs.values():
            await tab.close()
        await asyncio.gather(*(asyncio.to_thread(s.stop) for s in servers.values()))
        if proxy is not None:
            await proxy.stop()
        client.close()
        await asyncio.to_thread(hub.stop)
        if args.keep or failed:
            print(f"(work folder with the hub's and servers' logs kept: {workdir})", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=6, help="users of the many-user scenarios (default 6)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds counted in (a) and (b) (default 60)")
    parser.add_argument(
        "--grace",
        type=float,
        default=DEFAULT_GRACE,
        help=f"seconds after hiding before (b) counts (default {DEFAULT_GRACE:g}: the {ATTENTION_LEASE:g} s lease"
        " + one poll interval with its jitter)",
    )
    parser.add_argument("--down-window", type=float, default=200.0, help="seconds the hub is down in (c) (default 200)")
    parser.add_argument(
        "--down-mode",
        choices=("drop", "503"),
        default="drop",
        help="(c): drop each request without an answer (default), or answer 503",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (hub and server logs)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="30 s windows for (a) and (b), (b) with the many users only, the hub down for 100 s",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.window, args.down_window = 30.0, 100.0
    if args.users < 1 or args.window <= 0 or args.grace < 0 or args.down_window <= 0:
        parser.error("--users >= 1, --window > 0, --grace >= 0, --down-window > 0")
    return args


async def main_async(args: argparse.Namespace) -> int:
    """Run with an overall deadline (see ``benchlib.run_with_budget``)."""
    budget = 2 * args.window + 2 * (args.grace + args.window) + args.down_window + 300
    return await run_with_budget(run(args), budget)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
