#!/usr/bin/env python
"""Benchmark of the JupyterHub half of jupyterlab-saturn-panel, against a real hub on loopback.

Run it from the repository root (it takes about ``2 x duration + 1.5 min``)::

    .venv/bin/python bench/hub_bench.py            # or: bench/run.sh
    .venv/bin/python bench/hub_bench.py --duration 30 --starts 3

It measures two things in one run and prints them as a table (and writes them as JSON to
``bench/results/hub-<timestamp>.json``):

(a) Upstream cost. The product claims that one status engine polls the hub for every open tab, so
    twenty tabs cost the hub what one costs. A small *counting relay* (an HTTP pass-through written
    with tornado, running inside this process on a free 127.0.0.1 port) sits between the extension
    and the hub API: ``c.SaturnPanel.hub_api_url`` points at the relay, the relay forwards every
    request to the hub and records its method, path class, status and time. The jupyter_server with
    the extension runs as a subprocess with the default ``hub_poll_interval`` (10 s). We then hold 1
    and afterwards 20 real ``GET saturn-panel/events`` streams open for ``--duration`` seconds each
    and count what reached the hub in each window. Counting at the relay (the hub's side of the
    wire) sees every request, whatever code path made it.

(b) Relay lag. We start named servers ``alice/bench-N`` through the extension
    (``POST saturn-panel/hub/servers/alice/bench-N``) while reading, in this process and on one
    clock: the extension's ``events`` stream, the extension's ``.../progress`` relay route, and the
    hub's own progress stream directly (admin token). Each progress step is matched by its
    ``progress`` value (and the final ``ready`` by ``status: running``); lag = time seen on the
    extension - time seen on the reference. Two references are used:

    * the bench's own subscription to the hub progress stream (what a reader of the hub sees);
    * the extension's *own* hub progress stream, timestamped at the counting relay as the hub's
      bytes pass through (the exact moment the extension could have known).

    The first is noisy by design of JupyterHub: every subscriber of a progress stream gets its own
    copy of the spawner's ``progress()`` generator, and the demo spawner checks for new steps every
    0.1 s, so two subscribers see the same step up to 100 ms apart, in either order. The second has
    no such noise. Both are printed.

Everything runs on 127.0.0.1, every wait is bounded, and the hub (SIGTERM + wait) and the
jupyter_server (terminate + wait) are stopped even when the run fails or is interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchlib import run_with_budget  # noqa: E402  (bench/ is the script's folder)
from tornado import web  # noqa: E402
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse  # noqa: E402
from tornado.httpserver import HTTPServer  # noqa: E402
from tornado.httputil import HTTPHeaders  # noqa: E402
from tornado.iostream import StreamClosedError  # noqa: E402

# A source checkout has no _version.py; the package says so with a warning we do not need here.
warnings.filterwarnings("ignore", message="Importing 'jupyterlab_saturn_panel' outside")
from jupyterlab_saturn_panel.hub.scopes import RECOMMENDED_SERVER_TOKEN_SCOPES  # noqa: E402
from saturn_panel_demo.launcher import LabServer  # noqa: E402
from saturn_panel_demo.local_hub import LocalHub, free_port  # noqa: E402
from saturn_panel_demo.sse import SSEEvent, SSEParser, SSEReader  # noqa: E402

#: The extension's default ``c.SaturnPanel.hub_poll_interval``; the bench does not change it.
DEFAULT_POLL_INTERVAL = 10.0
#: The product's claim: 20 tabs cost the hub what 1 tab costs, within this fraction.
TOLERANCE = 0.05
HUB_USER = "alice"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def now() -> float:
    """The one clock of the bench (monotonic, high resolution); every timestamp uses it."""
    return time.perf_counter()


# ---------------------------------------------------------------------------------------------
# The counting relay: extension -> relay -> hub API
# ---------------------------------------------------------------------------------------------

#: Headers that belong to one connection, not to the message; never forwarded.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",  # the relay streams: tornado frames the body itself
    "host",
    "date",
    "server",
}

_USER_SEGMENT = re.compile(r"/users/[^/]+")
_SERVER_SEGMENT = re.compile(r"/servers/[^/]+")


def path_class(method: str, uri: str) -> str:
    """``GET /users/alice/servers/dev/progress?x=1`` -> ``GET /users/{user}/servers/{name}/progress``.

    The ``/hub/api`` prefix and the query are dropped; user and server names become placeholders so
    that requests of the same kind are counted together.
    """
    path = uri.split("?", 1)[0]
    if path.startswith("/hub/api"):
        path = path[len("/hub/api") :] or "/"
    path = _USER_SEGMENT.sub("/users/{user}", path)
    path = _SERVER_SEGMENT.sub("/servers/{name}", path)
    return f"{method} {path.rstrip('/') or '/'}"


@dataclass
class RelayedRequest:
    """One request that went through the relay, as the hub's side of the wire saw it."""

    index: int
    started: float
    method: str
    uri: str
    kind: str
    status: int | None = None
    ended: float | None = None
    #: Bytes of the answer's body as they passed the relay (compressed if the hub compressed them).
    bytes: int = 0
    #: For progress streams: (time the line passed the relay, parsed ``data:`` JSON), in order.
    data_lines: list[tuple[float, Any]] = field(default_factory=list)

    @property
    def is_progress_stream(self) -> bool:
        return self.uri.split("?", 1)[0].endswith("/progress")


class _RelayHandler(web.RequestHandler):
    """Forwards one request to the hub and streams the answer back, chunk by chunk."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

    def initialize(self, relay: CountingRelay) -> None:
        self.relay = relay
        self._downstream_gone = False

    def on_connection_close(self) -> None:
        self._downstream_gone = True

    def check_xsrf_cookie(self) -> None:
        """The relay is transparent: the hub does its own checks."""

    async def get(self) -> None:
        await self._relay()

    async def head(self) -> None:
        await self._relay()

    async def post(self) -> None:
        await self._relay()

    async def delete(self) -> None:
        await self._relay()

    async def patch(self) -> None:
        await self._relay()

    async def put(self) -> None:
        await self._relay()

    async def options(self) -> None:
        await self._relay()

    async def _relay(self) -> None:
        method = self.request.method or "GET"
        record = self.relay.open_record(method, self.request.uri or "/")
        upstream_headers = {
            name: value for name, value in self.request.headers.get_all() if name.lower() not in HOP_BY_HOP
        }
        answer_headers = HTTPHeaders()
        reason: dict[str, str] = {"text": ""}
        headers_sent = {"done": False}
        parser = SSEParser()

        def on_header(line: str) -> None:
            if line.startswith("HTTP/"):
                parts = line.strip().split(" ", 2)
                record.status = int(parts[1])
                reason["text"] = parts[2] if len(parts) > 2 else ""
                answer_headers.clear()
            elif line.strip():
                answer_headers.parse_line(line)
            elif record.status not in (None, 100):
                send_headers()

        def send_headers() -> None:
            if headers_sent["done"]:
                return
            headers_sent["done"] = True
            self.set_status(record.status or 502, reason["text"] or None)
            self.clear_header("Content-Type")
            for name, value in answer_headers.get_all():
                if name.lower() not in HOP_BY_HOP:
                    self.add_header(name, value)

        def on_chunk(chunk: bytes) -> None:
            seen = now()
            if self._downstream_gone:
                raise StreamClosedError()  # aborts the upstream request: the extension left
            record.bytes += len(chunk)
            if record.is_progress_stream:
                for event in parser.feed(chunk, seen):
                    if event.data is not None and not isinstance(event.data, str):  # JSON only
                        record.data_lines.append((seen, event.data))
            send_headers()
            self.write(chunk)
            self.flush().add_done_callback(_ignore_result)

        body = self.request.body if method in ("POST", "PUT", "PATCH", "DELETE") else None
        request = HTTPRequest(
            self.relay.upstream + (self.request.uri or "/"),
            method=method,
            headers=upstream_headers,
            body=body if body or method != "DELETE" else None,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            decompress_response=False,
            connect_timeout=10,
            request_timeout=self.relay.request_timeout,
            header_callback=on_header,
            streaming_callback=on_chunk,
        )
        try:
            response = await self.relay.client.fetch(request, raise_error=False)
            failure = response.error if response.code == 599 else None
        except (OSError, HTTPClientError) as exc:  # the hub is not listening, or timed out
            failure = exc
        record.ended = now()
        if failure is not None and not headers_sent["done"]:
            record.status = 502
            self.set_status(502)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": f"bench relay: {failure}"}))
            return
        send_headers()
        if not self._downstream_gone and not self._finished:
            try:
                await self.finish()
            except StreamClosedError:
                pass


def _ignore_result(future: asyncio.Future[Any]) -> None:
    """Retrieve a flush's outcome so a closed connection is not reported as 'never retrieved'."""
    if not future.cancelled():
        future.exception()


class CountingRelay:
    """An HTTP relay on 127.0.0.1 in front of the hub API that records every request.

    ``upstream`` is the hub's origin (``http://127.0.0.1:PORT``); the relay keeps paths as they
    are, so ``http://127.0.0.1:RELAY/hub/api`` is used as ``c.SaturnPanel.hub_api_url``.
    """

    def __init__(self, upstream: str, request_timeout: float = 1800.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.request_timeout = request_timeout
        self.records: list[RelayedRequest] = []
        self.port = 0
        self._server: HTTPServer | None = None
        self._changed = asyncio.Event()
        self.client = AsyncHTTPClient(force_instance=True, max_clients=100)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = web.Application([(r".*", _RelayHandler, {"relay": self})])
        self.port = free_port()
        self._server = HTTPServer(app)
        self._server.listen(self.port, address="127.0.0.1")

    def open_record(self, method: str, uri: str) -> RelayedRequest:
        record = RelayedRequest(len(self.records), now(), method, uri, path_class(method, uri))
        self.records.append(record)
        self._changed.set()
        return record

    def between(self, start: float, end: float) -> list[RelayedRequest]:
        """The requests that reached the relay in ``[start, end)``."""
        return [r for r in self.records if start <= r.started < end]

    async def wait_for_stream(self, path_end: str, after_index: int, timeout: float) -> RelayedRequest:
        """The first progress stream whose path ends with ``path_end`` opened after ``after_index``."""
        deadline = now() + timeout
        while True:
            for record in self.records[after_index:]:
                if record.is_progress_stream and record.uri.split("?", 1)[0].endswith(path_end):
                    return record
            remaining = deadline - now()
            if remaining <= 0:
                raise TimeoutError(f"the extension opened no hub stream {path_end} in {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await asyncio.wait_for(self._server.close_all_connections(), 5)
        self.client.close()


# ---------------------------------------------------------------------------------------------
# Event-stream readers (a browser tab, the hub's progress stream)
# ---------------------------------------------------------------------------------------------


#: One event of a stream, with the time its last byte arrived (saturn_panel_demo.sse, the
#: repository's one event-stream reader, reads every stream of the bench).
SSEBlock = SSEEvent


async def call(
    client: AsyncHTTPClient,
    method: str,
    url: str,
    headers: dict[str, str],
    *,
    expect: int,
    body: str | None = None,
) -> HTTPResponse:
    """One plain request; RuntimeError unless it answers ``expect``."""
    request = HTTPRequest(
        url,
        method=method,
        headers={**headers, "Content-Type": "application/json"} if body is not None else headers,
        body=body,
        request_timeout=30,
    )
    try:
        response = await client.fetch(request, raise_error=False)
    except (OSError, HTTPClientError) as exc:
        raise RuntimeError(f"{method} {url}: {exc}") from None
    if response.code != expect:
        raise RuntimeError(f"{method} {url} answered {response.code}: {response.body!r}")
    return response


# ---------------------------------------------------------------------------------------------
# The jupyter_server with the extension, as a subprocess
# ---------------------------------------------------------------------------------------------


def panel_server(workdir: Path, panel_config: dict[str, Any]) -> LabServer:
    """``python -m jupyter_server`` with the extension, started by the demo's launcher: its
    c.SaturnPanel and token in a mode-600 JSON file (never on the command line), every Jupyter
    folder in ``workdir``, no JUPYTERHUB_/SATURN_/JUPYTER_ variable inherited."""
    return LabServer(
        workdir,
        panel_config,
        app="jupyter_server",
        root_dir=workdir / "root",
        isolate=True,
        env={
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
            "PYTHONWARNINGS": "ignore",
        },
    )


# ---------------------------------------------------------------------------------------------
# (a) Upstream cost: 1 client, then 20 clients
# ---------------------------------------------------------------------------------------------


@dataclass
class Window:
    """What reached the hub while ``clients`` event streams were open for ``duration`` seconds."""

    clients: int
    duration: float
    start: float
    requests: list[RelayedRequest]
    readers: list[SSEReader]

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def by_kind(self) -> Counter[str]:
        return Counter(r.kind for r in self.requests)

    @property
    def per_minute(self) -> float:
        return self.total * 60.0 / self.duration

    def poll_gaps(self) -> list[float]:
        """Seconds between consecutive ``GET /users`` (the engine's poll) in the window."""
        times = [r.started for r in self.requests if r.kind == "GET /users"]
        return [b - a for a, b in zip(times, times[1:])]

    def healthy_clients(self) -> int:
        """Clients that got the snapshot and stayed until the window closed them."""

        def first_event(reader: SSEReader) -> str | None:
            # The server may open the stream with a comment (": connected"): not an event.
            return next((b.event for b in reader.blocks if b.event != "comment"), None)

        return sum(
            1
            for reader in self.readers
            if first_event(reader) == "snapshot"
            and reader.ended is not None
            and reader.ended - reader.opened >= self.duration - 1.0
        )


async def measure_window(
    server: LabServer, relay: CountingRelay, client: AsyncHTTPClient, clients: int, duration: float
) -> Window:
    """Open ``clients`` event streams at once, keep them ``duration`` s, count the hub's requests."""
    start = now()
    readers = [
        SSEReader(server.url("saturn-panel/events"), server.headers, timeout=duration, client=client, clock=now).start()
        for _ in range(clients)
    ]
    await asyncio.gather(*(reader.wait_ended(duration + 30) for reader in readers))
    return Window(clients, duration, start, relay.between(start, start + duration), readers)


async def measure_upstream(
    server: LabServer,
    relay: CountingRelay,
    client: AsyncHTTPClient,
    clients: int,
    duration: float,
    settle: float,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Warm up, then the 1-client window, a quiet gap, the N-client window and a quiet gap."""
    # Warm-up: the engine identifies its token once per server (GET /user) and starts its loop.
    # This one-time cost must not land in either window, so it is paid (and reported) here.
    warm_start = now()
    response = await call(client, "GET", server.url("saturn-panel/config"), server.headers, expect=200)
    hub_block = json.loads(response.body)["hub"]
    if not hub_block.get("reachable"):
        raise RuntimeError(f"The extension cannot use the hub through the relay: {hub_block}")
    who = hub_block.get("user")
    say(f"warm-up: GET saturn-panel/config -> hub reachable as {who!r}; settling {settle:.0f} s")
    await asyncio.sleep(settle)
    warm_up = relay.between(warm_start, now())

    say(f"window 1: 1 client on events for {duration:.0f} s")
    one = await measure_window(server, relay, client, 1, duration)
    gap_start = now()
    say(f"quiet gap: no client for {settle:.0f} s")
    await asyncio.sleep(settle)
    quiet_between = relay.between(gap_start, now())

    say(f"window 2: {clients} clients on events for {duration:.0f} s")
    many = await measure_window(server, relay, client, clients, duration)
    gap_start = now()
    say(f"quiet gap: no client for {settle:.0f} s")
    await asyncio.sleep(settle)
    quiet_after = relay.between(gap_start, now())

    per_tab = clients * duration / DEFAULT_POLL_INTERVAL
    passed = abs(many.total - one.total) <= TOLERANCE * one.total if one.total else False
    return {
        "one": one,
        "many": many,
        "warm_up": warm_up,
        "quiet_between": quiet_between,
        "quiet_after": quiet_after,
        "settle": settle,
        "per_tab_polling": per_tab,
        "passed": passed,
    }


# ---------------------------------------------------------------------------------------------
# (b) Relay lag while servers start
# ---------------------------------------------------------------------------------------------


def progress_times(events: list[tuple[float, Any]], *, skip_replayed_after: float | None = None) -> dict[str, float]:
    """First time each step was seen: ``{"18": t, ..., "ready": t}`` from hub progress events.

    Progress 0 ("Server requested") is sent to each subscriber when it connects, not when anything
    happens, so it is no sample. With ``skip_replayed_after`` (the time of that first event), steps
    that arrive within 20 ms of it are replays of steps that happened before we connected: dropped.
    """
    times: dict[str, float] = {}
    for seen, event in events:
        if not isinstance(event, dict):
            continue
        if event.get("ready"):
            key = "ready"
        elif isinstance(event.get("progress"), (int, float)) and event["progress"] > 0 and not event.get("failed"):
            key = str(int(event["progress"]))
        else:
            continue
        if skip_replayed_after is not None and seen - skip_replayed_after < 0.020:
            continue
        times.setdefault(key, seen)
    return times


def reader_progress(reader: SSEReader) -> tuple[list[tuple[float, Any]], float | None]:
    """A progress-stream reader's (time, event) pairs and the time of its first event."""
    pairs = [(b.seen, b.data) for b in reader.blocks if b.event == "message"]
    return pairs, (pairs[0][0] if pairs else None)


def events_times(reader: SSEReader, key: str, after: float) -> dict[str, float]:
    """First time the events stream showed each progress value of ``key`` (and ``running``)."""
    times: dict[str, float] = {}
    for block in reader.blocks:
        if block.seen < after or block.event != "resource" or not isinstance(block.data, dict):
            continue
        if block.data.get("key") != key:
            continue
        if block.data.get("status") == "running":
            times.setdefault("ready", block.seen)
        elif block.data.get("status") == "pending" and block.data.get("progress"):
            times.setdefault(str(int(block.data["progress"])), block.seen)
    return times


def lags(observed: dict[str, float], reference: dict[str, float]) -> dict[str, float]:
    """Milliseconds from the reference to the observation, for every step seen in both."""
    return {step: (observed[step] - reference[step]) * 1000.0 for step in reference if step in observed}


async def one_start(
    index: int,
    server: LabServer,
    relay: CountingRelay,
    hub: LocalHub,
    client: AsyncHTTPClient,
    events: SSEReader,
) -> dict[str, Any]:
    """Start alice/bench-N through the extension, watch it from every side, then remove it."""
    name = f"bench-{index}"
    key = f"hub/{HUB_USER}/{name}"
    stream_path = f"/users/{HUB_USER}/servers/{name}/progress"
    mark = len(relay.records)
    t_post = now()
    start_url = server.url(f"saturn-panel/hub/servers/{HUB_USER}/{name}")
    await call(client, "POST", start_url, server.headers, body="{}", expect=202)
    post_ms = (now() - t_post) * 1000.0
    # The engine opens its hub progress stream while handling the POST; open ours once it has,
    # so the relay's next progress stream for this server is the one of the progress route.
    follow = await relay.wait_for_stream(stream_path, mark, timeout=5)
    route_mark = len(relay.records)
    direct = SSEReader(
        f"{hub.api_url}{stream_path}",
        {"Authorization": f"token {hub.admin_token}"},
        timeout=60,
        client=client,
        clock=now,
    ).start()
    route = SSEReader(
        server.url(f"saturn-panel/hub/servers/{HUB_USER}/{name}/progress"),
        server.headers,
        timeout=60,
        client=client,
        clock=now,
    ).start()
    await events.wait_for(
        lambda b: (
            b.event == "resource"
            and isinstance(b.data, dict)
            and b.data.get("key") == key
            and b.data.get("status") in ("running", "error")
        ),
        timeout=60,
    )
    await direct.wait_ended(30)
    await route.wait_ended(30)
    route_upstream = await relay.wait_for_stream(stream_path, route_mark, timeout=5)
    t_ready = now()

    t_delete = now()
    await call(client, "DELETE", f"{start_url}?remove=1", server.headers, expect=202)
    await events.wait_for(
        lambda b: b.seen >= t_delete and b.event == "removed" and isinstance(b.data, dict) and b.data.get("key") == key,
        timeout=60,
    )
    t_removed = now()

    direct_events, direct_first = reader_progress(direct)
    route_events, _ = reader_progress(route)
    hub_times = progress_times(direct_events, skip_replayed_after=direct_first)
    follow_times = progress_times(follow.data_lines)
    route_up_times = progress_times(route_upstream.data_lines)
    events_seen = events_times(events, key, t_post)
    route_seen = progress_times(route_events)
    steps = sorted(set(progress_times(direct_events)))
    return {
        "name": name,
        "post_ms": post_ms,
        "start_to_running_s": t_ready - t_post,
        "delete_to_removed_s": t_removed - t_delete,
        "hub_steps": steps,
        "direct_replayed": len(progress_times(direct_events)) - len(hub_times),
        "direct_status": direct.status,
        "route_status": route.status,
        "missing_on_events": [s for s in follow_times if s not in events_seen],
        "missing_on_route": [s for s in route_up_times if s not in route_seen],
        "lag_ms": {
            "events_vs_hub": lags(events_seen, hub_times),
            "events_vs_own_upstream": lags(events_seen, follow_times),
            "route_vs_hub": lags(route_seen, hub_times),
            "route_vs_own_upstream": lags(route_seen, route_up_times),
        },
        "requests": Counter(r.kind for r in relay.records[mark:]),
        "timeline": [(round(r.started - t_post, 3), r.kind) for r in relay.records[mark:]],
    }


async def measure_lag(
    server: LabServer,
    relay: CountingRelay,
    hub: LocalHub,
    client: AsyncHTTPClient,
    starts: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """``starts`` start/remove cycles with one events tab open; lag samples of every cycle."""
    events = SSEReader(
        server.url("saturn-panel/events"), server.headers, timeout=starts * 150 + 60, client=client, clock=now
    ).start()
    await events.wait_for(lambda b: b.event == "snapshot", timeout=30)
    cycles: list[dict[str, Any]] = []
    errors: list[str] = []
    mark = len(relay.records)
    t0 = now()
    for index in range(1, starts + 1):
        say(f"start {index}/{starts}: POST saturn-panel/hub/servers/{HUB_USER}/bench-{index}")
        try:
            cycles.append(await one_start(index, server, relay, hub, client, events))
        except (TimeoutError, RuntimeError, asyncio.TimeoutError) as exc:
            errors.append(f"bench-{index}: {exc}")
            say(f"  failed: {exc}")
            # Best effort: do not leave the server behind for the next cycle.
            url = server.url(f"saturn-panel/hub/servers/{HUB_USER}/bench-{index}?remove=1")
            try:
                await call(client, "DELETE", url, server.headers, expect=202)
            except RuntimeError as cleanup:
                errors.append(f"bench-{index} clean-up: {cleanup}")
            await asyncio.sleep(5)
    elapsed = now() - t0
    series: dict[str, list[float]] = {}
    for cycle in cycles:
        for name, samples in cycle["lag_ms"].items():
            series.setdefault(name, []).extend(samples.values())
    return {
        "cycles": cycles,
        "errors": errors,
        "series": series,
        "elapsed": elapsed,
        "requests": Counter(r.kind for r in relay.records[mark:]),
    }


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def stats(samples: list[float]) -> dict[str, float | int | None]:
    if not samples:
        return {"n": 0, "median": None, "p90": None, "worst": None, "best": None}
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))],
        "worst": ordered[-1],
        "best": ordered[0],
    }


def fmt_kinds(counter: Counter[str]) -> str:
    return ", ".join(f"{kind} x{count}" for kind, count in sorted(counter.items())) or "none"


LAG_ROWS = [
    ("events_vs_own_upstream", "events   vs the extension's own hub stream (at relay)"),
    ("events_vs_hub", "events   vs the bench's hub stream (direct)"),
    ("route_vs_own_upstream", "progress route vs its own hub stream (at relay)"),
    ("route_vs_hub", "progress route vs the bench's hub stream (direct)"),
]


def render(upstream: dict[str, Any] | None, lag: dict[str, Any] | None, meta: dict[str, Any]) -> str:
    """The human-readable table."""
    out: list[str] = []
    out.append(
        f"Saturn panel hub benchmark  {meta['when']}  (JupyterHub {meta['hub_version']},"
        f" {meta['cpus']} CPUs, Python {meta['python']})"
    )
    if upstream is not None:
        one: Window = upstream["one"]
        many: Window = upstream["many"]
        duration = one.duration
        n = many.clients
        out.append("")
        out.append(
            f"(a) Hub requests, counted at the relay; extension poll interval {DEFAULT_POLL_INTERVAL:g} s (default)"
        )
        head = f"Hub requests in {duration:g} s"
        c1, c2, c3 = "1 client", f"{n} clients", f"per-tab {DEFAULT_POLL_INTERVAL:g} s polling ({n} tabs)"
        out.append(f"  {head:<38}{c1:>10}{c2:>13}   {c3}")
        out.append(f"  {'total':<38}{one.total:>10}{many.total:>13}   {upstream['per_tab_polling']:>14.0f}")
        for kind in sorted(set(one.by_kind) | set(many.by_kind)):
            out.append(f"    {kind:<36}{one.by_kind.get(kind, 0):>10}{many.by_kind.get(kind, 0):>13}")
        per_tab_min = upstream["per_tab_polling"] * 60.0 / duration
        out.append(
            f"  {'requests per minute':<38}{one.per_minute:>10.1f}{many.per_minute:>13.1f}   {per_tab_min:>14.1f}"
        )
        g1, g2 = one.poll_gaps(), many.poll_gaps()
        gap1 = f"{statistics.median(g1):.2f} s" if g1 else "-"
        gap2 = f"{statistics.median(g2):.2f} s" if g2 else "-"
        out.append(f"  {'median gap between GET /users':<38}{gap1:>10}{gap2:>13}   {DEFAULT_POLL_INTERVAL:>12.2f} s")
        out.append(
            f"  {'clients served (snapshot, whole window)':<38}{one.healthy_clients():>7}/{one.clients:<2}"
            f"{many.healthy_clients():>10}/{many.clients:<2}"
        )
        ratio = many.total / one.total if one.total else float("nan")
        per_tab_ratio = upstream["per_tab_polling"] / one.total if one.total else float("nan")
        ratio_label = f"ratio {n} clients / 1 client"
        out.append(f"  {ratio_label:<38}{ratio:>10.2f}   (per-tab polling: {per_tab_ratio:.1f}x the 1-client figure)")
        settle = upstream["settle"]

        def kinds(key: str) -> str:
            return fmt_kinds(Counter(r.kind for r in upstream[key]))

        out.append(f"  once before the windows (warm-up GET config + {settle:g} s): {kinds('warm_up')}")
        out.append(f"  with no client connected ({settle:g} s between windows): {kinds('quiet_between')}")
        out.append(f"  with no client connected ({settle:g} s after the {n}-client window): {kinds('quiet_after')}")
        verdict = "PASS" if upstream["passed"] else "FAIL"
        out.append(
            f"  {verdict}  {n}-client figure equals the 1-client figure within {TOLERANCE:.0%}"
            f" ({many.total} vs {one.total})"
        )
    if lag is not None:
        cycles = lag["cycles"]
        out.append("")
        out.append(
            f"(b) Relay lag over {len(cycles)} start(s) of {HUB_USER}/bench-N ({meta['steps']} steps of"
            f" {meta['step_delay']:g} s + ready each); lag = seen on the extension - seen on the reference"
        )
        out.append(f"  {'':<56}{'median':>9}{'p90':>9}{'worst':>9}{'best':>9}{'n':>5}")
        for series_name, label in LAG_ROWS:
            s = stats(lag["series"].get(series_name, []))
            if s["n"]:
                out.append(
                    f"  {label:<56}{s['median']:>6.1f} ms{s['p90']:>6.1f} ms{s['worst']:>6.1f} ms"
                    f"{s['best']:>6.1f} ms{s['n']:>5}"
                )
            else:
                out.append(f"  {label:<56}{'no samples':>36}")
        out.append(
            "  (direct rows include JupyterHub's own jitter: each progress subscriber gets its own copy of"
            " the\n   spawner's progress() generator, which looks for new steps every 0.1 s, so two"
            " subscribers see a step\n   up to 100 ms apart; the 'at relay' rows compare with the bytes"
            " the extension itself received)"
        )
        if cycles:
            post = statistics.median(c["post_ms"] for c in cycles)
            run = statistics.median(c["start_to_running_s"] for c in cycles)
            rem = statistics.median(c["delete_to_removed_s"] for c in cycles)
            out.append(
                f"  POST start answered in {post:.0f} ms (median); start -> running {run:.1f} s;"
                f" DELETE ?remove=1 -> removed {rem:.1f} s"
            )
            missing = sum(len(c["missing_on_events"]) for c in cycles)
            missing_route = sum(len(c["missing_on_route"]) for c in cycles)
            replayed = sum(c["direct_replayed"] for c in cycles)
            out.append(
                f"  steps the extension received but did not show: events {missing}, progress route"
                f" {missing_route}; bench hub-stream samples dropped as replays: {replayed}"
            )
        out.append(f"  hub requests during the {len(cycles)} cycles ({lag['elapsed']:.0f} s, 1 events client open):")
        for kind, count in sorted(lag["requests"].items()):
            out.append(f"    {kind:<52}{count:>5}")
        for error in lag["errors"]:
            out.append(f"  ERROR {error}")
    return "\n".join(out)


def to_json(
    upstream: dict[str, Any] | None, lag: dict[str, Any] | None, meta: dict[str, Any], t0: float
) -> dict[str, Any]:
    """Every figure, plus the raw request log, for later comparison."""

    def request_json(r: RelayedRequest) -> dict[str, Any]:
        return {
            "t": round(r.started - t0, 4),
            "method": r.method,
            "kind": r.kind,
            "status": r.status,
            "ms": round((r.ended - r.started) * 1000.0, 2) if r.ended else None,
        }

    def window_json(w: Window) -> dict[str, Any]:
        return {
            "clients": w.clients,
            "duration_s": w.duration,
            "start_t": round(w.start - t0, 4),
            "total": w.total,
            "per_minute": w.per_minute,
            "by_kind": dict(w.by_kind),
            "poll_gaps_s": [round(g, 3) for g in w.poll_gaps()],
            "healthy_clients": w.healthy_clients(),
            "events_per_client": [dict(Counter(b.event for b in r.blocks)) for r in w.readers],
            "client_end": Counter(r.error or f"HTTP {r.status}" for r in w.readers),
            "requests": [request_json(r) for r in w.requests],
        }

    result: dict[str, Any] = {"meta": meta}
    if upstream is not None:
        one, many = upstream["one"], upstream["many"]
        result["upstream"] = {
            "one_client": window_json(one),
            "many_clients": window_json(many),
            "ratio": many.total / one.total if one.total else None,
            "per_tab_polling_estimate": upstream["per_tab_polling"],
            "tolerance": TOLERANCE,
            "passed": upstream["passed"],
            "warm_up": [request_json(r) for r in upstream["warm_up"]],
            "quiet_between": [request_json(r) for r in upstream["quiet_between"]],
            "quiet_after": [request_json(r) for r in upstream["quiet_after"]],
        }
    if lag is not None:
        result["lag"] = {
            "stats_ms": {name: stats(samples) for name, samples in lag["series"].items()},
            "cycles": [{**c, "requests": dict(c["requests"])} for c in lag["cycles"]],
            "errors": lag["errors"],
            "requests": dict(lag["requests"]),
        }
    # The figures bench/summary.py prints (shape: bench/benchlib.py).
    figures: list[dict[str, Any]] = []
    if upstream is not None:
        one, many = upstream["one"], upstream["many"]
        figures.append(
            {
                "name": f"hub requests/min, {many.clients} events clients",
                "value": round(many.per_minute, 1),
                "unit": "req/min",
                "baseline": round(one.per_minute, 1),
                "baselineLabel": "1 client",
                "goal": f"within {TOLERANCE:.0%} of 1 client",
                "pass": bool(upstream["passed"]),
            }
        )
    if lag is not None:
        median = stats(lag["series"].get("events_vs_own_upstream", []))["median"]
        figures.append(
            {
                "name": "progress step relay lag on events (median)",
                "value": round(median, 2) if median is not None else None,
                "unit": "ms",
                "baseline": None,
                "baselineLabel": "vs the extension's own hub stream",
                "goal": "every start relayed" if lag["errors"] == [] else None,
                "pass": not lag["errors"],
            }
        )
    return {"bench": "hub", "title": "Hub requests with 1 vs N tabs; progress relay lag", "figures": figures, **result}


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    """Start everything, measure, report; always stop the server, the relay and the hub."""
    t0 = now()

    def say(text: str) -> None:
        print(f"[{now() - t0:6.1f} s] {text}", file=sys.stderr, flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="saturn-hub-bench-"))
    hub = LocalHub(
        workdir / "hub",
        users=(HUB_USER, "bob"),
        admins=(HUB_USER,),
        step_delay=args.step_delay,
        steps=args.steps,
        stop_delay=0.5,
        named_server_limit=5,
        singleuser="mocksu",
        log_level="WARN",
    )
    client = AsyncHTTPClient(force_instance=True, max_clients=100)
    relay: CountingRelay | None = None
    server: LabServer | None = None
    upstream: dict[str, Any] | None = None
    lag: dict[str, Any] | None = None
    failed = False
    try:
        say(f"starting JupyterHub on loopback (work dir {workdir})")
        await asyncio.to_thread(hub.start)
        _, info = await asyncio.to_thread(hub.api, "GET", "/")
        hub_version = info.get("version", "?") if isinstance(info, dict) else "?"
        token = await asyncio.to_thread(
            hub.create_token, HUB_USER, list(RECOMMENDED_SERVER_TOKEN_SCOPES), "saturn-panel-bench"
        )
        relay = CountingRelay(f"http://127.0.0.1:{hub.api_port}")
        relay.start()
        say(f"counting relay on {relay.origin} -> hub API {hub.api_url}")
        server = panel_server(
            workdir / "server",
            {
                # Only what must be set; hub_poll_interval stays at its default (10 s).
                "hub_api_url": f"{relay.origin}/hub/api",
                "hub_api_token": token,
                "hub_public_url": hub.public_url,
            },
        )
        server.start()
        await server.wait_ready_async(90.0)
        say(f"jupyter_server with the extension on {server.base}")
        meta = {
            "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
            "hub_version": hub_version,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duration_s": args.duration,
            "clients": args.clients,
            "settle_s": args.settle,
            "poll_interval_s": DEFAULT_POLL_INTERVAL,
            "starts": args.starts,
            "steps": args.steps,
            "step_delay": args.step_delay,
            "token": f"user token of {HUB_USER} with {RECOMMENDED_SERVER_TOKEN_SCOPES}",
        }
        if not args.skip_upstream:
            upstream = await measure_upstream(server, relay, client, args.clients, args.duration, args.settle, say)
        if args.starts > 0:
            lag = await measure_lag(server, relay, hub, client, args.starts, say)
        report = render(upstream, lag, meta)
        print(report, flush=True)
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"hub-{stamp}.json"
        path.write_text(json.dumps(to_json(upstream, lag, meta, t0), indent=1, default=str))
        say(f"figures written to {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        failed = (upstream is not None and not upstream["passed"]) or bool(lag and lag["errors"])
    except asyncio.CancelledError:
        raise  # interrupted: no logs needed, just the clean-up below
    except BaseException:
        failed = True
        if server is not None:
            print(f"--- jupyter_server log tail ---\n{server.log_tail()}", file=sys.stderr)
        print(f"--- jupyterhub log tail ---\n{hub.log_tail()}", file=sys.stderr)
        raise
    finally:
        say("stopping jupyter_server, relay and JupyterHub")
        if server is not None:
            server.stop()
        if relay is not None:
            try:
                await relay.stop()
            except (asyncio.TimeoutError, OSError):
                pass
        client.close()
        await asyncio.to_thread(hub.stop)
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Hub upstream cost (1 vs N event-stream clients) and progress relay lag of"
        " jupyterlab-saturn-panel, against a real JupyterHub on 127.0.0.1.",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per client window (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="clients in the second window (default 20)")
    parser.add_argument(
        "--settle",
        type=float,
        default=DEFAULT_POLL_INTERVAL + 2.0,
        help="seconds with no client before and between windows (default 12)",
    )
    parser.add_argument(
        "--starts", type=int, default=5, help="server starts for the lag measurement (default 5; 0 skips)"
    )
    parser.add_argument("--steps", type=int, default=8, help="progress steps of the demo spawner (default 8)")
    parser.add_argument("--step-delay", type=float, default=0.5, help="seconds per progress step (default 0.5)")
    parser.add_argument("--skip-upstream", action="store_true", help="only measure the relay lag")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work dir (hub and server logs)")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.clients < 1 or args.settle < 0 or args.starts < 0:
        parser.error("--duration must be > 0, --clients >= 1, --settle >= 0, --starts >= 0")
    if args.settle < DEFAULT_POLL_INTERVAL or args.duration % DEFAULT_POLL_INTERVAL:
        print(
            f"note: with --settle under {DEFAULT_POLL_INTERVAL:g} s or a --duration that is not a multiple of"
            f" {DEFAULT_POLL_INTERVAL:g} s, where the window edges fall against the 10 s poll decides the"
            " counts (+-1 request); use the defaults for the PASS/FAIL verdict.",
            file=sys.stderr,
        )
    return args


async def main_async(args: argparse.Namespace) -> int:
    """Run with an overall deadline (see ``benchlib.run_with_budget``)."""
    budget = 2 * args.duration + 3 * args.settle + args.starts * 150 + 300
    return await run_with_budget(run(args), budget)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
