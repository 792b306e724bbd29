"""The README's run command: the panel on its embedded default, everything on loopback.

Starts a real JupyterHub (DummyAuthenticator, named servers, a spawner with visible progress
steps), the Saturn Cloud simulator (seeded with workspaces and jobs) and JupyterLab with the panel
configured against both, then prints where to go. Ctrl-C stops everything. When one of them stops
on its own (the hub crashed, the simulator was killed, Lab exited), it says which one, stops the
others and exits with status 1.

    python -m saturn_panel_demo [--port 8888] [--hub-port 8000] [--dir demo-run] [--saturn-start-delay 8] [--no-saturn]
"""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from .launcher import LabServer, PanelStack, port_or_free
from .local_hub import LocalHub

DEMO_USER = "alice"
#: What the demo gives Lab's hub token: everything the panel uses (alice is a hub admin).
#: The demo Lab's token: an admin's, as the README's server_token_scopes give it, with the
#: look-up of the panel's hub service.
DEMO_HUB_SCOPES = [
    "list:users",
    "read:users",
    "read:servers",
    "servers",
    "access:servers",
    "read:services!service=saturn-panel-status",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The demo's command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m saturn_panel_demo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab port (another if taken)")
    parser.add_argument("--hub-port", type=int, default=8000, help="JupyterHub port (another if taken)")
    parser.add_argument("--dir", default="demo-run", help="folder for the demo's state and logs")
    parser.add_argument("--saturn-start-delay", type=float, default=8.0, help="simulated start time (s)")
    parser.add_argument("--no-saturn", action="store_true", help="run without the Saturn simulator")
    return parser.parse_args(argv)


def demo_stack(args: argparse.Namespace) -> PanelStack:
    """The README's demo: hub (alice, bob, carol; real JupyterLab servers), simulator, Lab."""
    workdir = Path(args.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    hub = LocalHub(
        workdir / "hub",
        users=("alice", "bob", "carol"),
        admins=(DEMO_USER,),
        step_delay=1.0,
        steps=4,
        stop_delay=1.0,
        singleuser="lab",
        port=port_or_free(args.hub_port),
        # The panel's hub service, as the README sets it up: every panel of the hub (this Lab's
        # and those in the hub's servers) reads the hub through it.
        status_service="managed",
    )
    simulator: Any = None
    if not args.no_saturn:
        from saturn_cloud_simulator.process import SimulatorProcess

        simulator = SimulatorProcess(
            token=secrets.token_hex(20),
            admin_token=secrets.token_hex(20),
            seed="demo",
            start_delay=args.saturn_start_delay,
            execute=True,
        )
    lab = LabServer(workdir, port=port_or_free(args.port), root_dir=workdir / "notebooks", examples=True)
    return PanelStack(lab, hub=hub, simulator=simulator, hub_token_user=DEMO_USER, hub_token_scopes=DEMO_HUB_SCOPES)


def main(argv: list[str] | None = None) -> int:
    """Start everything, print where to go, and run until Ctrl-C (or SIGTERM)."""
    args = parse_args(argv)
    stack = demo_stack(args)
    try:
        print(
            "Starting JupyterHub" + ("" if args.no_saturn else ", the Saturn Cloud simulator") + " and JupyterLab ...",
            flush=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        stack.start()
        urls = stack.urls()
        print(
            "\n"
            f"  JupyterLab with the panel:  {urls['lab']}\n"
            f"  JupyterHub:                 {urls['hub']}  (log in as alice, any password)\n"
            + (f"  Saturn Cloud simulator:     {urls['saturn']}\n" if "saturn" in urls else "")
            + f"  Logs:                       {stack.lab.workdir}\n\n"
            "Open the first link, then the panel's icon in the left sidebar. Ctrl-C stops everything.\n",
            flush=True,
        )
        # A part that stops on its own (a crashed hub left unreaped counts) stops the rest.
        part = stack.watch()
        print(stack.stop_report(part), file=sys.stderr, flush=True)
        stack.stop()
        print("Stopped.", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
