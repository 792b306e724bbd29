"""A hub that is missing, down, slow or answering garbage gives a clear state, never a 500."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import body, error_of
from tornado.httpclient import HTTPClientError

from jupyterlab_saturn_panel.demo.local_hub import free_port


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
        assert body(await jp_fetch("saturn-panel", "resources"))["resources"] == []
        await expect(jp_fetch, 503, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        await expect(jp_fetch, 503, "saturn-panel/hub/servers/alice/dev/progress")


@pytest.fixture(scope="module")
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung upstream."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hub/api"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


class TestHubHangs:
    @pytest.fixture
    def panel_config(self, silent_server: str) -> dict[str, Any]:
        return {"hub_api_url": silent_server, "hub_api_token": "y" * 32, "request_timeout": 1.0}

    async def test_time_outs_are_504_and_reported(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["reachable"] is False and "did not answer in time" in hub["message"]
        payload = await expect(jp_fetch, 504, "saturn-panel/hub/servers/alice/dev", method="POST", body="{}")
        assert "did not answer in time" in payload["message"]


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
