"""Saturn Cloud upstream cost of jupyterlab-saturn-panel: status requests per workspace.

Seed 000 asks clients to read a workspace's status at most once every 10 s. This benchmark runs
the Saturn Cloud simulator (which counts every status request per resource, and every request
that comes less than 10 s after the previous one for the same resource) and the extension with
its default ``saturn_min_poll_interval`` (10 s), then watches with 1 and with 20 event-stream
clients for ``--duration`` seconds each. In each window one workspace is started and stopped, so
the faster "something is changing" polling is part of the figure. It prints, per workspace, the
status requests per minute beside what 20 tabs polling every 10 s themselves would cost.

    bench/run.sh saturn            # or: .venv/bin/python bench/saturn_bench.py [--duration 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub_bench import REPO, call, now, panel_server
from tornado.httpclient import AsyncHTTPClient

from saturn_cloud_simulator.process import SimulatorProcess
from saturn_panel_demo.launcher import LabServer
from saturn_panel_demo.sse import SSEReader

RULE = 10.0  # seconds: seed 000's minimum time between two status reads of one resource
WATCHED = "gpu-training"  # the workspace started and stopped in each window


async def simulator_api(client: AsyncHTTPClient, sim: SimulatorProcess, method: str, path: str) -> Any:
    headers = {"Authorization": f"token {sim.admin_token}"}
    response = await call(
        client, method, f"{sim.url}{path}", headers, expect=200, body="" if method == "POST" else None
    )
    return json.loads(response.body or b"null")


async def window(
    client: AsyncHTTPClient, server: LabServer, sim: SimulatorProcess, clients: int, duration: float
) -> dict[str, Any]:
    """Open ``clients`` event streams for ``duration`` s, start and stop one workspace meanwhile,
    and return the simulator's counts for exactly that window."""
    await simulator_api(client, sim, "POST", "/_simulator/reset-stats")
    started = now()
    readers = [
        SSEReader(server.url("saturn-panel/events"), server.headers, timeout=duration, client=client, clock=now).start()
        for _ in range(clients)
    ]
    for reader in readers:
        await reader.wait_for(lambda block: block.event == "snapshot", timeout=30)
    resources = json.loads(
        (await call(client, "GET", server.url("saturn-panel/resources"), server.headers, expect=200)).body
    )["resources"]
    target = next(r for r in resources if r["name"] == WATCHED)
    await asyncio.sleep(max(0.0, 5 - (now() - started)))
    await call(
        client,
        "POST",
        server.url(f"saturn-panel/saturn/workspaces/{target['id']}/start"),
        server.headers,
        expect=202,
        body="",
    )
    running = await readers[0].wait_for(
        lambda b: b.event == "resource" and b.data["key"] == target["key"] and b.data["status"] == "running",
        timeout=duration,
    )
    await call(
        client,
        "POST",
        server.url(f"saturn-panel/saturn/workspaces/{target['id']}/stop"),
        server.headers,
        expect=202,
        body="",
    )
    for reader in readers:
        await reader.wait_ended(duration + 15)
    stats = await simulator_api(client, sim, "GET", "/_simulator/stats")
    names = {r["id"]: r["name"] for r in resources if r["kind"] == "workspace"}
    per_workspace = {names[i]: n for i, n in stats["status_requests"].items() if i in names}
    served = sum(1 for r in readers if any(b.event == "snapshot" for b in r.blocks))
    return {
        "clients": clients,
        "served": served,
        "duration": duration,
        "per_workspace": per_workspace,
        "violations": stats["rate_limit_violations"],
        "start_to_running": round(running.seen - started - 5, 1),
    }


def render(windows: list[dict[str, Any]], duration: float) -> str:
    one, many = windows
    per_tab = many["clients"] * duration / RULE
    n = many["clients"]
    many_label, per_tab_label = f"{n} clients", f"per-tab 10 s polling ({n} tabs)"
    lines = [
        f"Saturn status requests per workspace in {duration:g} s (simulator's count; extension's"
        f" saturn_min_poll_interval {RULE:g} s, default)",
        f"  {'workspace':<22}{'1 client':>10}{many_label:>13}{per_tab_label:>36}",
    ]
    for name in sorted(set(one["per_workspace"]) | set(many["per_workspace"])):
        lines.append(
            f"  {name:<22}{one['per_workspace'].get(name, 0):>10}{many['per_workspace'].get(name, 0):>13}"
            f"{per_tab:>36.0f}"
        )
    lines.append(
        f"  {'per workspace per min':<22}{max(one['per_workspace'].values()) * 60 / duration:>10.1f}"
        f"{max(many['per_workspace'].values()) * 60 / duration:>13.1f}{per_tab * 60 / duration:>36.1f}"
        "   (busiest workspace)"
    )
    lines.append(f"  {'10 s rule violations':<22}{one['violations']:>10}{many['violations']:>13}")
    lines.append(
        f"  clients served: {one['served']}/{one['clients']} and {many['served']}/{many['clients']};"
        f" {WATCHED} started and stopped in each window (start -> running seen after"
        f" {one['start_to_running']} s and {many['start_to_running']} s)"
    )
    ok = one["violations"] == 0 and many["violations"] == 0
    lines.append(("  PASS" if ok else "  FAIL") + "  no status request broke the 10 s rule, with 1 or 20 clients")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="saturn-bench-"))
    client = AsyncHTTPClient(force_instance=True, max_clients=args.clients + 10)
    sim = SimulatorProcess(token=secrets.token_hex(16), admin_token=secrets.token_hex(16), seed="demo", start_delay=8.0)
    server = None
    began = now()
    try:
        sim.start()
        server = panel_server(workdir, {"saturn_url": sim.url, "saturn_token": sim.token})
        server.start()
        await server.wait_ready_async(90.0)
        await call(client, "GET", server.url("saturn-panel/config"), server.headers, expect=200)
        await asyncio.sleep(RULE + 2)  # the warm-up read must not count in the first window
        windows = []
        for clients in (1, args.clients):
            print(f"[{now() - began:6.1f} s] {clients} client(s) on events for {args.duration:g} s", flush=True)
            windows.append(await window(client, server, sim, clients, args.duration))
            await asyncio.sleep(RULE + 2)
        report = render(windows, args.duration)
        print(report)
        out = REPO / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        one, many = windows
        busiest = [max(w["per_workspace"].values() or [0]) * 60 / args.duration for w in windows]
        figures = [
            {
                "name": f"Saturn status reads/min of the busiest workspace, {many['clients']} clients",
                "value": round(busiest[1], 1),
                "unit": "req/min",
                "baseline": round(busiest[0], 1),
                "baselineLabel": "1 client",
                "goal": "no 10 s rule violation",
                "pass": one["violations"] == 0 and many["violations"] == 0,
            }
        ]
        body = {"bench": "saturn", "title": "Saturn status requests per workspace", "figures": figures}
        (out / f"saturn-{stamp}.json").write_text(json.dumps({**body, "windows": windows}, indent=2))
        return 0 if all(w["violations"] == 0 for w in windows) else 1
    finally:
        if server is not None:
            server.stop()
        sim.stop()
        client.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per window (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="clients in the second window (default 20)")
    args = parser.parse_args(argv)

    async def main_async() -> int:
        task = asyncio.ensure_future(run(args))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await asyncio.wait_for(task, 4 * args.duration + 240)

    return asyncio.run(main_async())


if __name__ == "__main__":
    sys.exit(main())
