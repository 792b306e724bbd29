"""A hub that answers a start with a 5xx while the spawn goes on (build-notes.md: JupyterHub 6.1.1
once answered 500 InvalidStateError after 10 s for a spawn that was still pending)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import body
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets


class _Relay(web.RequestHandler):
    """Passes every request to the hub (streaming), but answers 500 to server starts after the
    hub has accepted them."""

    SUPPORTED_METHODS = ("GET", "POST", "DELETE")

    def initialize(self, target: str) -> None:
        self.target = target

    def check_xsrf_cookie(self) -> None:
        pass

    async def _relay(self) -> None:
        starting = self.request.method == "POST" and "/servers/" in self.request.path

        def on_chunk(chunk: bytes) -> None:
            if not starting:
                self.write(chunk)
                self.flush()

        def on_header(line: str) -> None:
            if not starting and line.startswith("HTTP/"):
                self.set_status(int(line.split()[1]))
            elif not starting and line.lower().startswith("content-type:"):
                self.set_header("Content-Type", line.split(":", 1)[1].strip())

        request = HTTPRequest(
            self.target + self.request.uri.removeprefix("/hub/api"),
            method=self.request.method,
            headers={k: v for k, v in self.request.headers.items() if k.lower() in ("authorization", "accept", "content-type")},
            body=self.request.body if self.request.method != "GET" else None,
            allow_nonstandard_methods=True,
            streaming_callback=on_chunk,
            header_callback=on_header,
            request_timeout=120,
        )
        await AsyncHTTPClient().fetch(request, raise_error=False)
        if starting:
            self.set_status(500)
            self.set_header("Content-Type", "application/json")
            self.write({"status": 500, "message": "InvalidStateError: Exception is not set."})
        self.finish()

    get = post = delete = _relay


@pytest.fixture
def flaky_hub(local_hub: Any) -> Iterator[str]:
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(web.Application([(r"/.*", _Relay, {"target": local_hub.api_url})]))
    server.add_sockets(sockets)
    yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hub/api"
    server.stop()


@pytest.fixture
def panel_config(local_hub: Any, flaky_hub: str) -> dict[str, Any]:
    return {
        "hub_api_url": flaky_hub,
        "hub_api_token": local_hub.admin_token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
    }


async def test_a_500_from_a_hub_that_is_spawning_is_not_a_failure(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    started = body(await jp_fetch("saturn-panel/hub/servers/bob/unlucky", method="POST", body="{}"))
    assert started["status"] in ("pending", "running")
    running = await tab.wait_resource("hub/bob/unlucky", lambda r: r["status"] == "running")
    assert running["url"].endswith("/user/bob/unlucky/")
    assert all(s["status"] != "error" for s in tab.resource_states("hub/bob/unlucky"))
    await jp_fetch("saturn-panel/hub/servers/bob/unlucky", method="DELETE", params={"remove": "1"})
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/bob/unlucky")
