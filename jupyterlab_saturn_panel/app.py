"""The server extension and its configuration (``c.SaturnPanel.*``).

Every secret lives here and stays on the server. Defaults come from the variables JupyterHub and
Saturn Cloud set inside their servers, so the panel works with no configuration there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jupyter_server.extension.application import ExtensionApp
from traitlets import Any as AnyValue
from traitlets import Bool, Dict, Float, List, Unicode, Union, default, validate

from .engine import StatusEngine
from .hub.backend import HubBackend, HubSettings
from .hub.client import HubClient
from .hub.spawn_options import parse_spawn_options
from .hub_service import DEFAULT_SERVICE_NAME
from .saturn.backend import SaturnBackend, SaturnSettings
from .saturn.client import SaturnClient

#: The event jupyter_server's event bus carries to every browser tab when the state changed.
CHANGED_SCHEMA_ID = "https://events.jupyter.org/jupyterlab_saturn_panel/changed/v1"
CHANGED_SCHEMA = Path(__file__).parent / "event_schemas" / "changed.yaml"


class SaturnPanel(ExtensionApp):
    """Serves ``{base_url}saturn-panel/`` and runs the status engine behind it."""

    name = "jupyterlab_saturn_panel"
    load_other_extensions = True

    hub_api_url = Unicode(
        help="JupyterHub API URL, e.g. http://127.0.0.1:8081/hub/api. Default: $JUPYTERHUB_API_URL.",
    ).tag(config=True)
    hub_api_token = Unicode(
        help="JupyterHub API token. It needs read:servers and servers (and list:users to show every"
        " user). Default: $JUPYTERHUB_API_TOKEN.",
    ).tag(config=True)
    hub_user = Unicode(
        help="Whose servers to show when the token may not list users. Default: $JUPYTERHUB_USER.",
    ).tag(config=True)
    hub_public_url = Unicode(
        help="Where browsers reach the hub, for 'open' links (e.g. https://hub.example.org). Only its"
        " origin counts (scheme, host, port): inside a single-user server $JUPYTERHUB_PUBLIC_URL is"
        " that server's own URL. Empty: links are the hub's paths (/user/alice/dev/), which the"
        " browser opens on the origin it shows JupyterLab from. Default: $JUPYTERHUB_PUBLIC_URL.",
    ).tag(config=True)
    hub_poll_interval = Float(10.0, help="Seconds between two reads of the hub while someone watches the panel.").tag(
        config=True
    )
    hub_stopping_poll_interval = Float(
        1.0, help="Seconds between two reads of the hub while a server is stopping (no stop stream)."
    ).tag(config=True)
    saturn_url = Unicode(
        help="Saturn Cloud base URL, e.g. https://app.example.saturnenterprise.io. Default: $SATURN_BASE_URL.",
    ).tag(config=True)
    saturn_token = Unicode(help="Saturn Cloud user token. Default: $SATURN_TOKEN.").tag(config=True)
    saturn_admin_token = Unicode(
        help="Optional Saturn Cloud admin token: lets the panel create resources for other users."
    ).tag(config=True)
    saturn_min_poll_interval = Float(
        10.0,
        help="Seconds between two status reads of one Saturn resource. Saturn asks for at least 10.",
    ).tag(config=True)
    request_timeout = Float(20.0, help="Seconds to wait for an upstream answer.").tag(config=True)
    spawn_timeout = Float(900.0, help="Seconds to follow a hub server's progress stream before giving up.").tag(
        config=True
    )
    hub_spawn_options = Union(
        # Any other value is taken too: the panel starts, and 'Start with options...' says what is wrong.
        [List(), Dict(), AnyValue()],
        default_value=None,
        allow_none=True,
        help="The choices a hub server starts with, for 'Start with options...': a KubeSpawner"
        " profile_list, read as KubeSpawner reads it (started with the user_options it reads: profile,"
        " {option} and {option}--unlisted-choice), or a JSON Schema of an object whose form data is"
        " the user_options. Default: none (the hub's own start page).",
    ).tag(config=True)
    hub_status_service = Unicode(
        help="The panel's JupyterHub service (python -m jupyterlab_saturn_panel.hub_service), which reads"
        " the hub once for every user's panel: its name in c.JupyterHub.services (the panel asks the"
        " hub for its URL, which needs read:services!service=NAME) or its URL with its prefix"
        " (http://hub:10101/services/saturn-panel-status/). Where it is absent or down the panel"
        " reads the hub itself, and config says so. Empty: never use it."
        " Default: $SATURN_PANEL_HUB_SERVICE, else 'saturn-panel-status'.",
    ).tag(config=True)
    allow_shared_access = Bool(
        False,
        help="Let people the server's owner shares this JupyterHub server with (JupyterHub 5 shares,"
        " an admin's access) use the panel. It acts with the owner's hub and Saturn Cloud"
        " credentials, so by default only the owner may.",
    ).tag(config=True)
    accept_wait = Float(
        2.0,
        help="Seconds a start or stop waits for the upstream's verdict before answering 202"
        " (the hub only answers a slow spawn after slow_spawn_timeout).",
    ).tag(config=True)

    @default("hub_api_url")
    def _default_hub_api_url(self) -> str:
        return os.environ.get("JUPYTERHUB_API_URL", "")

    @default("hub_api_token")
    def _default_hub_api_token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    @default("hub_user")
    def _default_hub_user(self) -> str:
        return os.environ.get("JUPYTERHUB_USER", "")

    @default("hub_public_url")
    def _default_hub_public_url(self) -> str:
        # traitlets does not validate dynamic defaults: reduce to the origin here too (inside a
        # single-user server this variable is the server's own URL, not the hub's).
        value = os.environ.get("JUPYTERHUB_PUBLIC_URL", "")
        try:
            return _origin(value)
        except ValueError:
            self.log.warning("Ignoring JUPYTERHUB_PUBLIC_URL: it is not an http(s) URL.")
            return ""

    @default("hub_status_service")
    def _default_hub_status_service(self) -> str:
        return os.environ.get("SATURN_PANEL_HUB_SERVICE", DEFAULT_SERVICE_NAME)

    @default("saturn_url")
    def _default_saturn_url(self) -> str:
        return os.environ.get("SATURN_BASE_URL", "")

    @default("saturn_token")
    def _default_saturn_token(self) -> str:
        return os.environ.get("SATURN_TOKEN", "")

    @validate("hub_api_url", "saturn_url")
    def _check_url(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"{proposal['trait'].name} must start with http:// or https://")
        return value.rstrip("/")

    @validate("hub_public_url")
    def _check_public_url(self, proposal: dict[str, Any]) -> str:
        return _origin(str(proposal["value"]))

    @validate("hub_spawn_options")
    def _check_spawn_options(self, proposal: dict[str, Any]) -> Any:
        # A value the panel cannot use never stops it: the hub section works, and config's
        # hub.spawnOptions.problems (shown by 'Start with options...') say what is wrong.
        options = parse_spawn_options(proposal["value"])
        for problem in options.problems if options else ():
            self.log.warning("Saturn panel: %s", problem)
        return proposal["value"]

    @validate("hub_poll_interval", "hub_stopping_poll_interval", "request_timeout", "saturn_min_poll_interval")
    def _check_positive(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if value <= 0:
            raise ValueError(f"{proposal['trait'].name} must be positive")
        return value

    def initialize_settings(self) -> None:
        """Build the upstream clients and the status engine once per server."""
        self.engine = StatusEngine(self.log)
        hub_client = None
        if self.hub_api_url and self.hub_api_token:
            hub_client = HubClient(self.hub_api_url, self.hub_api_token, request_timeout=self.request_timeout)
        self.hub = HubBackend(
            hub_client,
            HubSettings(
                public_url=self.hub_public_url,
                user=self.hub_user,
                poll_interval=self.hub_poll_interval,
                stopping_poll_interval=self.hub_stopping_poll_interval,
                accept_wait=self.accept_wait,
                spawn_timeout=self.spawn_timeout,
                hub_prefix=_hub_prefix(self.hub_api_url),
                spawn_options=parse_spawn_options(self.hub_spawn_options),
                status_service=self.hub_status_service,
            ),
            self.engine,
        )
        self.engine.add_backend(self.hub)
        saturn_client = None
        if self.saturn_url and self.saturn_token:
            saturn_client = SaturnClient(
                self.saturn_url,
                self.saturn_token,
                admin_token=self.saturn_admin_token,
                request_timeout=self.request_timeout,
            )
        self.saturn = SaturnBackend(
            saturn_client,
            SaturnSettings(
                min_interval=self.saturn_min_poll_interval,
                has_admin_token=bool(self.saturn_admin_token),
            ),
            self.engine,
        )
        self.engine.add_backend(self.saturn)
        self._announce_changes_on_the_event_bus()
        # Handlers get the engine and both backends, typed, from the web app's settings.
        self.settings["saturn_panel_engine"] = self.engine
        self.settings["saturn_panel_hub"] = self.hub
        self.settings["saturn_panel_saturn"] = self.saturn
        self.settings["saturn_panel_owner"] = self._server_owner()
        self.settings["saturn_panel_allow_shared"] = self.allow_shared_access
        self.log.info(
            "Saturn panel: JupyterHub %s; Saturn Cloud %s",
            f"at {self.hub_api_url}" if hub_client else "not configured",
            f"at {self.saturn_url}" if saturn_client else "not configured",
        )

    def _server_owner(self) -> str:
        """The hub user who owns this server, when it is a JupyterHub single-user server (whose
        identity provider is the hub's); "" elsewhere (a plain Lab: whoever has its token)."""
        provider = getattr(self.serverapp, "identity_provider", None)
        if provider is None or not type(provider).__module__.startswith("jupyterhub."):
            return ""
        return os.environ.get("JUPYTERHUB_USER", "")

    def _announce_changes_on_the_event_bus(self) -> None:
        """Tell browser tabs about changes over jupyter_server's event bus: the WebSocket every
        JupyterLab tab already holds (``/api/events/subscribe``), so the panel takes none of the
        browser's six HTTP/1.1 connections per host. Tabs fetch what changed in a short request."""
        event_logger = getattr(self.serverapp, "event_logger", None)
        if event_logger is None:
            self.log.warning("Saturn panel: jupyter_server has no event bus; open panels refresh every 20 s.")
            return
        event_logger.register_event_schema(CHANGED_SCHEMA)

        def announce(seq: int, epoch: str) -> None:
            event_logger.emit(schema_id=CHANGED_SCHEMA_ID, data={"seq": seq, "epoch": epoch})

        self.engine.add_notice_listener(announce)

    def initialize_handlers(self) -> None:
        from .handlers import route_table

        self.handlers.extend(route_table())

    async def stop_extension(self) -> None:
        """Close upstream streams and connections when the server stops."""
        await self.engine.close()


def _hub_prefix(api_url: str) -> str:
    """The path of the hub's own pages from its API URL: ``.../hub/api`` gives ``/hub/``."""
    path = urlsplit(api_url).path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return (path or "/hub") + "/"


def _origin(url: str) -> str:
    """The origin (scheme, host, port) of an http(s) URL, "" for ""; ValueError otherwise.

    Server paths from the hub already carry the hub's base URL (/prefix/user/alice/dev/), so only
    the origin of ``hub_public_url`` is used, whatever path it carries.
    """
    value = url.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("hub_public_url must be an http:// or https:// URL")
    return f"{parts.scheme}://{parts.netloc}"
