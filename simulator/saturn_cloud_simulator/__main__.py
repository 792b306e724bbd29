"""Command line: ``python -m saturn_cloud_simulator --port 0 --token TOKEN ...``.

Prints exactly one line to stdout once it accepts connections
(``Saturn simulator listening on http://127.0.0.1:PORT``); request logs go to stderr, without
tokens. Tokens may also come from the environment (``SATURN_SIMULATOR_TOKEN``,
``SATURN_SIMULATOR_ADMIN_TOKEN``) so they do not show in the process list.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

import tornado.httpserver
import tornado.netutil

from .app import make_app
from .options import DEFAULT_MIN_STATUS_INTERVAL, SimulatorOptions
from .seed import SEEDS

TOKEN_ENV = "SATURN_SIMULATOR_TOKEN"
ADMIN_TOKEN_ENV = "SATURN_SIMULATOR_ADMIN_TOKEN"


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m saturn_cloud_simulator",
        description="An in-memory simulator of the Saturn Cloud API for demos and tests.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--token", default=os.environ.get(TOKEN_ENV), help=f"API token of user alice (or ${TOKEN_ENV})")
    parser.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_ENV),
        help=f"API token of the admin user (or ${ADMIN_TOKEN_ENV})",
    )
    parser.add_argument("--seed", choices=SEEDS, default=None, help="load demo users and resources")
    parser.add_argument(
        "--start-delay", type=_non_negative, default=5.0, help="seconds a start stays pending (default 5)"
    )
    parser.add_argument("--strict-rate-limit", action="store_true", help="answer too-frequent status requests with 429")
    parser.add_argument("--execute", action="store_true", help="really run papermill job commands")
    parser.add_argument(
        "--min-status-interval",
        type=_non_negative,
        default=DEFAULT_MIN_STATUS_INTERVAL,
        help="seconds required between status requests for one resource (default 10, seed 000)",
    )
    args = parser.parse_args(argv)
    if not args.token:
        parser.error(f"--token (or ${TOKEN_ENV}) is required")
    if args.admin_token and args.admin_token == args.token:
        parser.error("the admin token must differ from the user token")
    return args


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else (f"[{host}]" if ":" in host else host)


async def serve(options: SimulatorOptions, host: str, port: int) -> None:
    """Listen, announce the URL on stdout, and run until SIGTERM/SIGINT."""
    app = make_app(options)
    state = app.settings["simulator_state"]
    sockets = tornado.netutil.bind_sockets(port, host)
    server = tornado.httpserver.HTTPServer(app, xheaders=False)
    server.add_sockets(sockets)
    actual_port = sockets[0].getsockname()[1]
    state.base_url = f"http://{_display_host(host)}:{actual_port}"

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    print(f"Saturn simulator listening on {state.base_url}", flush=True)
    await stop.wait()
    server.stop()
    await state.lifecycle.shutdown()  # kills real (--execute) runs too
    await server.close_all_connections()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # tornado's own access log would duplicate ours; its errors still show
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    options = SimulatorOptions(
        token=args.token,
        admin_token=args.admin_token or None,
        seed=args.seed,
        start_delay=args.start_delay,
        strict_rate_limit=args.strict_rate_limit,
        execute=args.execute,
        min_status_interval=args.min_status_interval,
    )
    asyncio.run(serve(options, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
