"""Configuration and start-up of the service (``python -m jupyterlab_saturn_panel.hub_service``).

JupyterHub starts a managed service with ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_API_TOKEN``,
``JUPYTERHUB_SERVICE_URL`` (where to listen) and ``JUPYTERHUB_SERVICE_PREFIX`` set; an external
one gets the same from its own environment or from the options below
(``--SaturnPanelHubService.poll_interval=5``, or a ``--config`` file).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any
from urllib.parse import urlsplit

from jupyterhub.services.auth import HubAuth
from tornado import web
from tornado.httpserver import HTTPServer
from traitlets import Float, Int, Unicode, default
from traitlets.config import Application

from ..hub.client import HubClient
from . import DEFAULT_SERVICE_NAME
from .state import HubState
from .web import routes


class SaturnPanelHubService(Application):
    """Reads the hub once for every user's Saturn panel."""

    name = "saturn-panel-hub-service"
    description = __doc__ or ""

    hub_api_url = Unicode(help="The hub's API URL. Default: $JUPYTERHUB_API_URL.").tag(config=True)
    api_token = Unicode(
        help="The service's token (its role: list:users, read:users, read:servers). Default: $JUPYTERHUB_API_TOKEN."
    ).tag(config=True)
    url = Unicode(help="Where to listen, e.g. http://127.0.0.1:10101. Default: $JUPYTERHUB_SERVICE_URL.").tag(
        config=True
    )
    prefix = Unicode(help="The path the API is served under. Default: $JUPYTERHUB_SERVICE_PREFIX.").tag(config=True)
    poll_interval = Float(
        10.0, help="Seconds between two reads of the hub's active servers while a panel watches."
    ).tag(config=True)
    stopping_poll_interval = Float(1.0, help="Seconds between two reads of a user whose server is stopping.").tag(
        config=True
    )
    spawn_timeout = Float(900.0, help="Seconds to follow one start's progress stream at most.").tag(config=True)
    max_progress_streams = Int(
        500, help="Starts followed at once (one hub connection each); beyond, the poll shows them."
    ).tag(config=True)
    recent_window = Float(
        3600.0, help="Seconds a user whose servers all stopped stays in the views (their rows say stopped)."
    ).tag(config=True)
    view_max_age = Float(
        1800.0,
        help="Seconds a view stream lives before the panel reconnects and its token is checked again.",
    ).tag(config=True)
    cache_max_age = Int(300, help="Seconds HubAuth caches the hub's answer about a token (HubAuth's own default).").tag(
        config=True
    )
    request_timeout = Float(20.0, help="Seconds to wait for the hub's answer.").tag(config=True)

    @default("hub_api_url")
    def _default_api_url(self) -> str:
        return os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")

    @default("api_token")
    def _default_token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    @default("url")
    def _default_url(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101")

    @default("prefix")
    def _default_prefix(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{DEFAULT_SERVICE_NAME}/")

    @default("log_level")
    def _default_log_level(self) -> int:
        return logging.INFO

    def make_app(self) -> web.Application:
        """The tornado application with its state (call on the running loop)."""
        if not self.api_token:
            raise SystemExit("The service needs a hub token: set JUPYTERHUB_API_TOKEN (the hub does for its services).")
        client = HubClient(
            self.hub_api_url,
            self.api_token,
            request_timeout=self.request_timeout,
            url_setting="JUPYTERHUB_API_URL",
            token_setting="the service's api_token in c.JupyterHub.services",
            stream_connections=self.max_progress_streams + 4,
        )
        self.state = HubState(
            client,
            poll_interval=self.poll_interval,
            stopping_poll_interval=self.stopping_poll_interval,
            spawn_timeout=self.spawn_timeout,
            max_progress_streams=self.max_progress_streams,
            recent_window=self.recent_window,
            log=self.log,
        )
        auth = HubAuth(api_token=self.api_token, api_url=self.hub_api_url, cache_max_age=self.cache_max_age)
        prefix = "/" + self.prefix.strip("/") + "/"
        return web.Application(
            routes(prefix),
            saturn_status_state=self.state,
            saturn_status_auth=auth,
            saturn_status_view_max_age=self.view_max_age,
        )

    def start(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        app = self.make_app()
        where = urlsplit(self.url)
        server = HTTPServer(app, xheaders=True)
        server.listen(where.port or 80, where.hostname or "127.0.0.1")
        where_to = self.url.rstrip("/") + self.prefix
        self.log.info("Saturn panel hub service on %s, reading %s", where_to, self.hub_api_url)
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, done.set)
        watch = asyncio.ensure_future(self._exit_with_parent(done))
        await done.wait()
        watch.cancel()
        server.stop()
        await self.state.close()

    async def _exit_with_parent(self, done: asyncio.Event) -> None:
        """Stop when the process that started this one is gone: a hub killed with SIGKILL cannot
        stop its managed services, which would keep reading a hub that a new one replaced. (A
        service started by init, systemd or a container runtime has no parent to lose.)"""
        parent = os.getppid()
        if parent == 1:
            return
        while os.getppid() == parent:
            await asyncio.sleep(2.0)
        self.log.warning("The process that started the service (pid %d) is gone: stopping.", parent)
        done.set()


def main(argv: list[str] | None = None) -> Any:
    """Entry point: ``python -m jupyterlab_saturn_panel.hub_service [--options]``."""
    app = SaturnPanelHubService.instance()
    app.initialize(argv)
    app.start()
