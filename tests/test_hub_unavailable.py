"""A hub that is missing, down, slow or answering garbage gives a clear state, never a 500."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import body, error_of
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from saturn_panel_demo.local_hub import free_port


async def expect(jp_fetch: Any, status: int, *parts: str, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*parts, **kwargs)
    code, payload = error_of(info.value)
    assert code == status, payload
    return payload


class TestNotConfigured:
    @pytest.fixture
    def panel_config(self) -> dict[str, Any]:
        return {"hub_api_url": "", "hub_api_token": ""}

    async def test_config_explains_how_to_configure(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["configured"] is False and hub["reachable"] is None
        assert "c.SaturnPanel.hub_api_url" in hub["hint"]
        assert body(await jp_fetch("saturn-panel", "resources"))["resources"] == []

    async def test_actions_answer_503(self, jp_fetch: Any) -> None:
        payload = await expect(jp_fetch, 503, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        assert "not configured" in payload["message"]


class TestHubDown:
    @pytest.fixture
    def panel_config(self) -> dict[str, Any]:
        return {"hub_api_url": f"http://127.0.0.1:{free_port()}/hub/api", "hub_api_token": "x" * 32}

    async def test_the_panel_says_the_hub_cannot_be_reached(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["configured"] is True and hub["reachable"] is False
        assert "cannot be reached" in hub["message"]
        # A sentence for the user; the address tried is a detail for whoever configures it.
        assert "127.0.0.1" not in hub["message"] and "127.0.0.1" in hub["detail"]
        assert "hub_api_url" in hub["hint"] and "token" not in hub["hint"]
        assert body(await jp_fetch("saturn-panel", "resources"))["resources"] == []
        await expect(jp_fetch, 503, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        await expect(jp_fetch, 503, "saturn-panel/hub/servers/alice/dev/progress")


class TestHubHangs:
    @pytest.fixture
    def panel_config(self, silent_server: str) -> dict[str, Any]:
        return {"hub_api_url": silent_server, "hub_api_token": "y" * 32, "request_timeout": 1.0}

    async def test_time_outs_are_504_and_reported(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["reachable"] is False and "did not answer in time" in hub["message"]
        assert "request_timeout" in hub["hint"]
        payload = await expect(jp_fetch, 504, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        assert "did not answer in time" in payload["message"]


class TestHubHangsLong:
    @pytest.fixture
    def panel_config(self, silent_server: str) -> dict[str, Any]:
        # A hub that accepts connections and never answers, with the default-ish time-out.
        return {"hub_api_url": silent_server, "hub_api_token": "y" * 32, "request_timeout": 30.0}

    async def test_the_snapshot_does_not_wait_for_a_hung_hub(self, jp_fetch: Any, open_events: Any) -> None:
        began = time.monotonic()
        tab = open_events()
        await tab.wait_for(lambda n, d: n == "snapshot", timeout=15)
        backends = await tab.wait_for(lambda n, d: n == "backends", timeout=15)
        assert time.monotonic() - began < 15  # not the 30 s the hub's read may take
        assert backends["hub"]["configured"] is True


@pytest.fixture(scope="module")
def garbage_server() -> Iterator[str]:
    """Answers every request with an HTML page: not a hub API."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>Welcome to nginx</body></html>")

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    server.shutdown()
    server.server_close()


class TestHubAnswersGarbage:
    @pytest.fixture
    def panel_config(self, garbage_server: str) -> dict[str, Any]:
        return {"hub_api_url": garbage_server, "hub_api_token": "z" * 32}

    async def test_garbage_is_a_502_that_says_so(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["reachable"] is True and "not JSON" in hub["message"]
        assert "hub_api_url" in hub["hint"] and "Welcome to nginx" in hub["detail"]
        payload = await expect(jp_fetch, 502, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        assert "not JSON" in payload["message"]


class TestBadToken:
    @pytest.fixture
    def panel_config(self, local_hub: Any) -> dict[str, Any]:
        return {"hub_api_url": local_hub.api_url, "hub_api_token": "not-a-real-token-0123456789"}

    async def test_a_refused_token_is_named_as_the_problem(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["reachable"] is True
        assert "rejected the configured token" in hub["message"]
        assert "hub_api_token" in hub["hint"]
        assert "not-a-real-token" not in str(hub)


@pytest.fixture(scope="module")
def redirecting_server() -> Iterator[str]:
    """Answers every request with a redirect, as a hub's front page does for a wrong API URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "/hub/login")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub"
    server.shutdown()
    server.server_close()


class TestWrongAddress:
    """A wrong base URL or path is blamed on hub_api_url, never on the token."""

    @pytest.fixture(params=["redirect", "wrong-path"])
    def panel_config(self, request: pytest.FixtureRequest, local_hub: Any, redirecting_server: str) -> dict[str, Any]:
        url = redirecting_server if request.param == "redirect" else f"{local_hub.public_url}/hub/apx"
        return {"hub_api_url": url, "hub_api_token": local_hub.admin_token}

    async def test_the_setting_to_fix_is_the_url(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert "probably not its API" in hub["message"], hub
        assert "hub_api_url" in hub["hint"] and "hub_api_token" not in hub["hint"]


class _SwitchableRelay(web.RequestHandler):
    """Relays to the hub while ``up``; while down, drops every connection unanswered."""

    SUPPORTED_METHODS = ("GET", "POST", "DELETE")
    up = True

    def initialize(self, target: str) -> None:
        self.target = target

    def check_xsrf_cookie(self) -> None:
        pass

    async def _relay(self) -> None:
        if not _SwitchableRelay.up:
            self.request.connection.stream.close()  # type: ignore[union-attr]
            return
        response = await AsyncHTTPClient().fetch(
            self.target + self.request.uri.removeprefix("/hub/api"),
            method=self.request.method,
            headers={
                k: v
                for k, v in self.request.headers.items()
                if k.lower() in ("authorization", "accept", "content-type")
            },
            body=self.request.body if self.request.method != "GET" else None,
            allow_nonstandard_methods=True,
            raise_error=False,
        )
        self.set_status(response.code)
        self.set_header("Content-Type", response.headers.get("Content-Type", "application/json"))
        self.finish(response.body or b"")

    get = post = delete = _relay


class TestLastKnownState:
    @pytest.fixture
    def relay(self, local_hub: Any) -> Iterator[str]:
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(web.Application([(r"/.*", _SwitchableRelay, {"target": local_hub.api_url})]))
        server.add_sockets(sockets)
        _SwitchableRelay.up = True
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hub/api"
        _SwitchableRelay.up = True
        server.stop()

    @pytest.fixture
    def panel_config(self, local_hub: Any, relay: str) -> dict[str, Any]:
        return {
            "hub_api_url": relay,
            "hub_api_token": local_hub.admin_token,
            "hub_user": "alice",  # her servers are listed, stopped ones too
            "hub_poll_interval": 0.5,
        }

    async def test_rows_stay_marked_last_known_and_retry_brings_them_back(
        self, jp_fetch: Any, open_events: Any
    ) -> None:
        tab = open_events()
        await tab.ready()
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["stale"] is False and hub["lastGoodRead"] is None
        before = {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
        assert "hub/alice/" in before

        _SwitchableRelay.up = False
        hub = body(await jp_fetch("saturn-panel/refresh", method="POST", body='{"backend": "hub"}'))["hub"]
        assert hub["stale"] is True and "cannot be reached" in hub["message"]
        assert hub["lastGoodRead"].endswith("Z")
        # What the hub last said stays, for the panel to show as last known.
        after = {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
        assert after == before
        await tab.wait_for(lambda n, d: n == "backends" and d["hub"]["stale"] is True)

        _SwitchableRelay.up = True
        hub = body(await jp_fetch("saturn-panel/refresh", method="POST", body="{}"))["hub"]
        assert hub["stale"] is False and hub["message"] is None
        await tab.wait_for(lambda n, d: n == "backends" and d["hub"]["stale"] is False and d["hub"]["reachable"])

    async def test_retry_refuses_what_it_does_not_know(self, jp_fetch: Any) -> None:
        for raw in ('{"backend": "cloud"}', '{"backend": ["hub"]}', '{"all": true}', "[1]"):
            await expect(jp_fetch, 400, "saturn-panel/refresh", method="POST", body=raw)
