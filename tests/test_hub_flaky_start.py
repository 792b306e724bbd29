"""A hub that answers a start with a 5xx while the spawn goes on (build-notes.md: JupyterHub 6.1.1
once answered 500 InvalidStateError after 10 s for a spawn that was still pending)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import body, error_of
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets


class _Relay(web.RequestHandler):
    """Passes every request to the hub (streaming), but answers 500 to server starts after the
    hub has accepted them; for a server named ``slowfail…`` only 2.5 s later, when its spawn has
    failed (the hub's own 500 for a spawn that fails at once)."""

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
            headers={
                k: v
                for k, v in self.request.headers.items()
                if k.lower() in ("authorization", "accept", "content-type")
            },
            body=self.request.body if self.request.method != "GET" else None,
            allow_nonstandard_methods=True,
            streaming_callback=on_chunk,
            header_callback=on_header,
            request_timeout=120,
        )
        await AsyncHTTPClient().fetch(request, raise_error=False)
        if starting and "/slowfail" in self.request.path:
            await asyncio.sleep(2.5)
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
        "accept_wait": 6.0,
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


async def test_a_start_that_fails_at_once_shows_the_spawners_message(jp_fetch: Any, open_events: Any) -> None:
    # The POST's answer is the hub's generic 500; the spawner's own words are in the progress
    # stream of the failed server, and that is what the user reads.
    tab = open_events()
    await tab.ready()
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "saturn-panel/hub/servers/bob/slowfail", method="POST", body=json.dumps({"userOptions": {"fail": True}})
        )
    code, payload = error_of(info.value)
    assert code == 502 and "asked to fail" in payload["message"], payload
    assert "InvalidStateError" not in payload["message"]
    failed = await tab.wait_resource("hub/bob/slowfail", lambda r: r["status"] == "error")
    assert "asked to fail" in failed["message"]
    await jp_fetch("saturn-panel/hub/servers/bob/slowfail", method="DELETE", params={"remove": "1"})
