#!/usr/bin/env python
"""Memory of the Lab server while many changes flow, with and without clients that stopped reading.

Issue 11: every ``events`` subscriber had an unbounded queue; 5 clients that stopped reading grew
the server's memory from 86 to 122 MB over 42,000 changes, without end. Goal: memory flat.

    .venv/bin/python bench/memory_bench.py                 # or: bench/run.sh memory
    .venv/bin/python bench/memory_bench.py --changes 40000 --stalled 5

What runs (all on 127.0.0.1): a real JupyterHub (``LocalHub``, mocksu servers) whose demo spawner
reports ``--steps`` progress steps ``--step-delay`` s apart on each start, and a jupyter_server with
the extension (hub token: alice's, the recommended scopes). The bench starts ``--parallel`` named
servers of alice through the extension (``POST saturn-panel/hub/servers/alice/mem-N``), waits until
they run, removes them (``DELETE ...?remove=1``) and starts them again, so each cycle's progress
steps flow through the extension's real path: the hub's progress stream, the status engine, every
``events`` subscriber. One healthy reader (a tab that reads) counts the changes it receives.

Two phases, each on a fresh jupyter_server (same hub, same load):

1. **baseline**: the healthy reader only;
2. **stalled**: the same, plus ``--stalled`` clients that opened ``GET saturn-panel/events`` on raw
   sockets with a 4 KB receive buffer and never read a byte.

Each phase first lets ``--warmup`` changes through (first-time allocations), then samples the
server's VmRSS (``/proc/<pid>/status``) every second while ``--changes`` more changes flow.
Figures: RSS growth over the measured part (median of the last 5 samples - median of the first 5)
and the slope of the second half (MB/min). PASS when the stalled phase grew at most 5 MB more
than the baseline and its second-half slope is under 2 MB/min.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import shutil
import socket
import statistics
import struct
import sys
import tempfile
import termios
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import figure, rss_mb, run_with_budget, slope_per_minute, write_results
from hub_bench import REPO, call, now, panel_server
from tornado.httpclient import AsyncHTTPClient

from jupyterlab_saturn_panel.hub.scopes import RECOMMENDED_SERVER_TOKEN_SCOPES
from saturn_panel_demo.launcher import LabServer
from saturn_panel_demo.local_hub import LocalHub
from saturn_panel_demo.sse import SSEReader

USER = "alice"
GROWTH_MARGIN_MB = 5.0
MAX_SLOPE_MB_PER_MIN = 2.0


def say(t0: float, text: str) -> None:
    print(f"[{now() - t0:6.1f} s] {text}", file=sys.stderr, flush=True)


@dataclass
class ChangeCounter:
    """Follows the healthy reader's events incrementally: counts changes, wakes waiters per key."""

    reader: SSEReader
    changes: int = 0
    resyncs: int = 0
    seen: int = 0
    status: dict[str, str] = field(default_factory=dict)
    waiters: dict[str, tuple[str, asyncio.Event]] = field(default_factory=dict)

    def pump(self) -> None:
        blocks = self.reader.blocks
        while self.seen < len(blocks):
            block = blocks[self.seen]
            self.seen += 1
            if block.event == "resource" and isinstance(block.data, dict):
                self.changes += 1
                self.status[block.data["key"]] = block.data.get("status", "")
            elif block.event == "removed" and isinstance(block.data, dict):
                self.changes += 1
                self.status[block.data["key"]] = "removed"
            elif block.event == "snapshot" and self.seen > 2:
                self.resyncs += 1
            else:
                continue
            key = block.data["key"] if isinstance(block.data, dict) and "key" in block.data else None
            if key in self.waiters and self.status.get(key) == self.waiters[key][0]:
                self.waiters.pop(key)[1].set()

    async def run(self) -> None:
        while self.reader.ended is None:
            self.pump()
            await asyncio.sleep(0.05)
        self.pump()

    async def wait_status(self, key: str, status: str, timeout: float) -> None:
        self.pump()
        if self.status.get(key) == status:
            return
        event = asyncio.Event()
        self.waiters[key] = (status, event)
        await asyncio.wait_for(event.wait(), timeout)


def stalled_client(server: LabServer) -> socket.socket:
    """A client that asks for ``events`` and never reads: 4 KB receive buffer, no recv."""
    parts = urlsplit(server.base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    token = server.headers.get("Authorization", "")
    sock.sendall(
        f"GET /saturn-panel/events HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    return sock


def server_send_queue(sock: socket.socket) -> int:
    """Bytes the server's kernel holds for this client, not yet taken by it (tx_queue of the
    server's end of the connection in /proc/net/tcp): a stalled client's window is full."""
    local_port = sock.getsockname()[1]
    try:
        with open("/proc/net/tcp") as fh:
            next(fh)
            for line in fh:
                fields = line.split()
                remote_port = int(fields[2].split(":")[1], 16)
                if remote_port == local_port:
                    return int(fields[4].split(":")[0], 16)
    except (OSError, ValueError, IndexError):
        pass
    return -1


def unread_bytes(sock: socket.socket) -> int:
    """Bytes waiting in the socket's receive queue (what the server sent that nobody read)."""
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
        return int(struct.unpack("i", raw)[0])
    except OSError:
        return -1


async def cycle(client: AsyncHTTPClient, server: LabServer, counter: ChangeCounter, name: str, timeout: float) -> None:
    """Start alice/name through the extension, wait until it runs, remove it, wait until gone."""
    key = f"hub/{USER}/{name}"
    url = server.url(f"saturn-panel/hub/servers/{USER}/{name}")
    await call(client, "POST", url, server.headers, expect=202, body="{}")
    await counter.wait_status(key, "running", timeout)
    await call(client, "DELETE", url + "?remove=1", server.headers, expect=202)
    await counter.wait_status(key, "removed", timeout)


async def phase(
    args: argparse.Namespace, hub: LocalHub, token: str, workdir: Path, stalled: int, t0: float
) -> dict[str, Any]:
    label = "stalled" if stalled else "baseline"
    server = panel_server(
        workdir / label, {"hub_api_url": hub.api_url, "hub_api_token": token, "hub_public_url": hub.public_url}
    )
    client = AsyncHTTPClient(force_instance=True, max_clients=args.parallel + 10)
    sockets: list[socket.socket] = []
    reader: SSEReader | None = None
    tasks: list[asyncio.Task[Any]] = []
    try:
        server.start()
        await server.wait_ready_async(90.0)
        assert server.process is not None
        pid = server.process.pid
        await call(client, "GET", server.url("saturn-panel/config"), server.headers, expect=200)
        reader = SSEReader(server.url("saturn-panel/events"), server.headers, timeout=3600, client=client, clock=now)
        reader.start()
        await reader.wait_for(lambda b: b.event == "snapshot", timeout=60)
        counter = ChangeCounter(reader)
        tasks.append(asyncio.ensure_future(counter.run()))
        for _ in range(stalled):
            sockets.append(stalled_client(server))
        await asyncio.sleep(1.0)

        samples: list[tuple[float, float]] = []
        marks: dict[str, float] = {}
        deadline = now() + args.phase_timeout
        stop = asyncio.Event()

        async def worker(index: int) -> None:
            while not stop.is_set() and now() < deadline:
                await cycle(client, server, counter, f"mem-{index}", timeout=60)

        async def sampler() -> None:
            while True:
                samples.append((now(), rss_mb(pid)))
                await asyncio.sleep(1.0)

        say(t0, f"{label}: {stalled} stalled client(s); warm-up of {args.warmup} changes")
        workers = [asyncio.ensure_future(worker(i)) for i in range(args.parallel)]
        tasks.extend(workers)
        while counter.changes < args.warmup and now() < deadline:
            await asyncio.sleep(0.2)
            for w in workers:
                if w.done() and w.exception():
                    raise w.exception()  # type: ignore[misc]
        first = counter.changes
        marks["start"] = now()
        tasks.append(asyncio.ensure_future(sampler()))
        say(t0, f"{label}: measuring while {args.changes} changes flow (RSS {rss_mb(pid):.1f} MB)")
        while counter.changes - first < args.changes and now() < deadline:
            await asyncio.sleep(0.5)
            for w in workers:
                if w.done() and w.exception():
                    raise w.exception()  # type: ignore[misc]
        marks["end"] = now()
        changes = counter.changes - first
        stop.set()
        await asyncio.wait(workers, timeout=90)
        await asyncio.sleep(2.0)  # the last samples, after the load
        unread = [unread_bytes(s) for s in sockets]
        queued = [server_send_queue(s) for s in sockets]
        rss = [v for _, v in samples]
        head, tail = statistics.median(rss[:5]), statistics.median(rss[-5:])
        t_start = samples[0][0]
        second_half = [(t - t_start, v) for t, v in samples if t - t_start >= (marks["end"] - t_start) / 2]
        result = {
            "label": label,
            "stalled_clients": stalled,
            "changes": changes,
            "seconds": round(marks["end"] - marks["start"], 1),
            "changes_per_s": round(changes / max(marks["end"] - marks["start"], 1e-3)),
            "rss_start_mb": round(head, 1),
            "rss_end_mb": round(tail, 1),
            "rss_max_mb": round(max(rss), 1),
            "growth_mb": round(tail - head, 2),
            "second_half_slope_mb_per_min": round(slope_per_minute(second_half), 2),
            "healthy_reader_resyncs": counter.resyncs,
            "stalled_unread_bytes": unread,
            "stalled_server_send_queue_bytes": queued,
            "complete": changes >= args.changes,
            "samples": [(round(t - t_start, 1), round(v, 2)) for t, v in samples],
        }
        say(
            t0,
            f"{label}: {changes} changes in {result['seconds']} s; RSS {head:.1f} -> {tail:.1f} MB"
            f" (max {max(rss):.1f})",
        )
        return result
    finally:
        for task in tasks:
            task.cancel()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()
        if reader is not None:
            reader.close()
        server.stop()
        client.close()


def render(base: dict[str, Any], stalled: dict[str, Any], passed: bool) -> str:
    n = stalled["stalled_clients"]
    col = f"{n} stalled clients"
    rows = [
        ("changes received by the healthy tab", "changes", "{:,}"),
        ("changes per second", "changes_per_s", "{:,}"),
        ("RSS at start, MB", "rss_start_mb", "{:.1f}"),
        ("RSS at end, MB", "rss_end_mb", "{:.1f}"),
        ("RSS max, MB", "rss_max_mb", "{:.1f}"),
        ("growth, MB", "growth_mb", "{:+.1f}"),
        ("slope of the second half, MB/min", "second_half_slope_mb_per_min", "{:+.2f}"),
    ]
    lines = [
        "Lab server memory while changes flow, no stalled client vs stalled clients (VmRSS, 1 s samples)",
        f"  {'':<38}{'baseline (0)':>14}{col:>20}",
    ]
    for label, key, fmt in rows:
        lines.append(f"  {label:<38}{fmt.format(base[key]):>14}{fmt.format(stalled[key]):>20}")
    lines.append(
        f"  each stalled client: bytes unread in its socket {stalled['stalled_unread_bytes']}, bytes the server's"
        f" kernel holds for it {stalled['stalled_server_send_queue_bytes']}"
        " (the rest waits in the server's bounded queue)"
    )
    lines.append(
        f"  {'PASS' if passed else 'FAIL'}  growth with stalled clients {stalled['growth_mb']:+.1f} MB vs"
        f" {base['growth_mb']:+.1f} MB baseline (goal: within {GROWTH_MARGIN_MB:g} MB), second-half slope"
        f" {stalled['second_half_slope_mb_per_min']:+.2f} MB/min (goal < {MAX_SLOPE_MB_PER_MIN:g})"
        f"; issue 11 measured 86 -> 122 MB over 42,000 changes"
    )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    t0 = now()
    workdir = Path(tempfile.mkdtemp(prefix="saturn-memory-bench-"))
    hub = LocalHub(
        workdir / "hub",
        users=(USER, "bob"),
        admins=(USER,),
        step_delay=args.step_delay,
        steps=args.steps,
        stop_delay=0.0,
        named_server_limit=args.parallel,
        singleuser="mocksu",
        log_level="WARN",
    )
    try:
        say(t0, f"starting JupyterHub on loopback (work dir {workdir})")
        await asyncio.to_thread(hub.start)
        token = await asyncio.to_thread(
            hub.create_token, USER, list(RECOMMENDED_SERVER_TOKEN_SCOPES), "saturn-panel-memory-bench"
        )
        base = await phase(args, hub, token, workdir, 0, t0)
        stalled = await phase(args, hub, token, workdir, args.stalled, t0)
        passed = (
            base["complete"]
            and stalled["complete"]
            and stalled["growth_mb"] - base["growth_mb"] <= GROWTH_MARGIN_MB
            and stalled["second_half_slope_mb_per_min"] < MAX_SLOPE_MB_PER_MIN
        )
        print(render(base, stalled, passed), flush=True)
        figures = [
            figure(
                f"Lab RSS growth, {args.stalled} stalled clients, {stalled['changes']:,} changes",
                stalled["growth_mb"],
                "MB",
                baseline=base["growth_mb"],
                baseline_label=f"no stalled client, {base['changes']:,} changes",
                goal=f"<= baseline + {GROWTH_MARGIN_MB:g} MB, slope < {MAX_SLOPE_MB_PER_MIN:g} MB/min",
                passed=passed,
            ),
            figure(
                "Lab RSS slope (2nd half), stalled clients",
                stalled["second_half_slope_mb_per_min"],
                "MB/min",
                baseline=base["second_half_slope_mb_per_min"],
                baseline_label="no stalled client",
            ),
        ]
        details = {
            "steps": args.steps,
            "step_delay": args.step_delay,
            "parallel": args.parallel,
            "baseline": base,
            "stalled": stalled,
            "passed": passed,
        }
        path = write_results("memory", "Lab server memory under stalled clients", figures, details)
        say(t0, f"figures written to {path.relative_to(REPO)}")
        return 0 if passed else 1
    except BaseException:
        print(f"--- jupyterhub log tail ---\n{hub.log_tail()}", file=sys.stderr)
        raise
    finally:
        say(t0, "stopping JupyterHub")
        await asyncio.to_thread(hub.stop)
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--changes", type=int, default=40000, help="changes measured per phase (default 40000)")
    parser.add_argument("--warmup", type=int, default=2000, help="changes before measuring (default 2000)")
    parser.add_argument("--stalled", type=int, default=5, help="clients that stop reading (default 5)")
    parser.add_argument("--parallel", type=int, default=8, help="servers started at once (default 8)")
    parser.add_argument("--steps", type=int, default=1000, help="progress steps per start (default 1000)")
    parser.add_argument("--step-delay", type=float, default=0.001, help="seconds per step (default 0.001)")
    parser.add_argument("--phase-timeout", type=float, default=240.0, help="seconds at most per phase (default 240)")
    parser.add_argument("--quick", action="store_true", help="15,000 changes per phase")
    args = parser.parse_args(argv)
    if args.quick:
        args.changes = 15000
        args.warmup = 1000
    if args.changes < 1 or args.stalled < 1 or args.parallel < 1 or args.steps < 1:
        parser.error("--changes, --stalled, --parallel and --steps must be >= 1")
    return args


async def main_async(args: argparse.Namespace) -> int:
    """Run with an overall deadline (see ``benchlib.run_with_budget``)."""
    budget = 2 * (args.phase_timeout + 200) + 120
    return await run_with_budget(run(args), budget)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
