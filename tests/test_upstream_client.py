"""The upstream client (upstream.py) against real HTTP servers on loopback: connections are kept
alive and reused, long-lived streams have a pool of their own so requests never wait behind them,
transport failures map to 503/504 without a token anywhere, and stream lines arrive as written."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import socket
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream, StreamClosedError
from tornado.netutil import bind_sockets

from jupyterlab_saturn_panel.errors import Unavailable, UpstreamError, UpstreamTimeout
from jupyterlab_saturn_panel.upstream import StreamAborted, UpstreamClient

TOKEN = "tok-3f9c2a7e51d84b6c"


class Upstream:
    """What the test server saw: the TCP connections it accepted and the streams it holds open."""

    def __init__(self) -> None:
        self.connections: list[IOStream] = []
        self.open_streams = 0
        self.aborted_streams = 0
        self.release = asyncio.Event()  # ends every held stream
        self.next_line = asyncio.Event()  # lets the two-line stream write its second line
        self.second_written_at = 0.0
        self.port = 0

    @property
    def accepted(self) -> int:
        return len(self.connections)

    @property
    def open_connections(self) -> int:
        return sum(not stream.closed() for stream in self.connections)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"


class CountingServer(HTTPServer):
    """An HTTPServer that counts the TCP connections it accepts."""

    upstream: Upstream

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        self.upstream.connections.append(stream)
        super().handle_stream(stream, address)


class Handler(web.RequestHandler):
    SUPPORTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

    def initialize(self, upstream: Upstream) -> None:
        self.upstream = upstream

    def check_xsrf_cookie(self) -> None:
        pass


class Echo(Handler):
    """What arrived: method, body, the headers that matter."""

    def _echo(self) -> None:
        self.write(
            {
                "method": self.request.method,
                "body": self.request.body.decode(),
                "content_length": self.request.headers.get("Content-Length"),
                "content_type": self.request.headers.get("Content-Type"),
                "authorization": self.request.headers.get("Authorization"),
            }
        )

    get = post = put = patch = delete = _echo


class Slow(Handler):
    async def get(self) -> None:
        await asyncio.sleep(10)
        self.write({})


class Redirect(Handler):
    def get(self) -> None:
        self.redirect(f"/login?next=/api&token={TOKEN}")


class Html(Handler):
    def get(self) -> None:
        self.write("<html>not an API</html>")


class Refuses(Handler):
    def get(self) -> None:
        self.set_status(500)
        self.finish({"message": f"the token {TOKEN} is not welcome here"})


class Held(Handler):
    """A long-lived stream: one line, then nothing until the test releases it."""

    async def get(self) -> None:
        self.upstream.open_streams += 1
        try:
            self.write("held\n")
            await self.flush()
            await self.upstream.release.wait()
        finally:
            self.upstream.open_streams -= 1


class TwoLines(Handler):
    """One line, then (only once the client saw it) a second one and a partial last line."""

    async def get(self) -> None:
        self.write("first\r\n")
        await self.flush()
        await asyncio.wait_for(self.upstream.next_line.wait(), 10)
        self.upstream.second_written_at = time.monotonic()
        self.write("second\r\n\nlast without newline")


class Endless(Handler):
    """A line every 50 ms until the client goes away."""

    async def get(self) -> None:
        try:
            for n in range(1000):
                self.write(f"line {n}\n")
                await self.flush()
                await asyncio.sleep(0.05)
        except StreamClosedError:
            self.upstream.aborted_streams += 1

    def on_connection_close(self) -> None:
        self.upstream.aborted_streams += 1


class RefusedStream(Handler):
    def get(self) -> None:
        self.set_status(403)
        self.finish({"message": f"missing scope for {TOKEN}", "padding": "x" * 10000})


@asynccontextmanager
async def serving(ssl_options: Any = None) -> AsyncIterator[Upstream]:
    upstream = Upstream()
    routes = [
        ("/api/echo", Echo),
        ("/api/slow", Slow),
        ("/api/redirect", Redirect),
        ("/api/html", Html),
        ("/api/refuses", Refuses),
        ("/api/held", Held),
        ("/api/two-lines", TwoLines),
        ("/api/endless", Endless),
        ("/api/refused-stream", RefusedStream),
    ]
    app = web.Application([(path, handler, {"upstream": upstream}) for path, handler in routes])
    server = CountingServer(app, ssl_options=ssl_options)
    server.upstream = upstream
    sockets = bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    upstream.port = sockets[0].getsockname()[1]
    try:
        yield upstream
    finally:
        upstream.release.set()
        upstream.next_line.set()
        server.stop()
        await server.close_all_connections()


def hub_client(base_url: str, **kwargs: Any) -> UpstreamClient:
    return UpstreamClient(
        base_url,
        TOKEN,
        service="JupyterHub",
        request_timeout=kwargs.pop("request_timeout", 10.0),
        url_setting="c.SaturnPanel.hub_api_url",
        token_setting="c.SaturnPanel.hub_api_token",
        **kwargs,
    )


def no_token_in(error: Any) -> None:
    for text in (error.message, error.hint or "", error.detail or "", str(error), json.dumps(error.to_json())):
        assert TOKEN not in text, text


async def test_sequential_requests_reuse_one_connection() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        for _ in range(10):
            response = await client.request("GET", "echo")
            assert response.status == 200 and response.body["authorization"] == f"token {TOKEN}"
        assert client.request_count == 10
        assert upstream.accepted == 1, "ten requests, one TCP connection"

        # A few at once take a few connections; the next ones reuse them.
        await asyncio.gather(*(client.request("GET", "echo") for _ in range(3)))
        at_once = upstream.accepted
        assert at_once <= 3
        for _ in range(5):
            await client.request("GET", "echo")
        assert upstream.accepted == at_once

        # aclose releases them: the server sees its connections closed, the next request opens one.
        await client.aclose()
        for _ in range(50):
            if upstream.open_connections == 0:
                break
            await asyncio.sleep(0.02)
        assert upstream.open_connections == 0
        await client.request("GET", "echo")
        assert upstream.accepted == at_once + 1

        # close() from sync code on the loop (as the backends call it) releases them too.
        client.close()
        for _ in range(50):
            if upstream.open_connections == 0:
                break
            await asyncio.sleep(0.02)
        assert upstream.open_connections == 0


async def test_bodies_methods_and_answers_that_are_not_the_api() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        try:
            delete = (await client.request("DELETE", "echo")).body
            assert delete["method"] == "DELETE" and delete["body"] == "" and delete["content_type"] is None
            post = (await client.request("POST", "echo")).body
            assert post["body"] == "" and post["content_length"] == "0"
            removed = (await client.request("DELETE", "echo", body={"remove": True})).body
            assert json.loads(removed["body"]) == {"remove": True}
            assert removed["content_type"] == "application/json"
            patch = (await client.request("PATCH", "echo", body={"a": 1}, token="")).body
            assert json.loads(patch["body"]) == {"a": 1} and patch["authorization"] is None
            absolute = await client.request("GET", "", absolute_url=f"{upstream.base_url}echo?x=1")
            assert absolute.body["method"] == "GET"

            with pytest.raises(UpstreamError) as redirect:
                await client.request("GET", "redirect")
            assert redirect.value.status == 502 and "redirect" in redirect.value.message
            assert "/login" in (redirect.value.detail or "")
            no_token_in(redirect.value)
            allowed = await client.request("GET", "redirect", redirect_ok=True)
            assert allowed.status == 302 and allowed.body is None and "/login" in allowed.headers["Location"]

            with pytest.raises(UpstreamError) as html:
                await client.request("GET", "html")
            assert "not JSON" in html.value.message and "text/html" in html.value.message

            refused = await client.request("GET", "refuses")
            assert refused.status == 500 and "[secret]" in refused.message and TOKEN not in refused.message
        finally:
            await client.aclose()


async def test_requests_never_wait_behind_streams() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url, stream_connections=30)
        first_lines: list[str] = []
        streams = [
            asyncio.ensure_future(client.stream_lines("held", first_lines.append, timeout=60)) for _ in range(31)
        ]
        try:
            for _ in range(250):
                if upstream.open_streams >= 30 and len(first_lines) >= 30:
                    break
                await asyncio.sleep(0.02)
            # The stream budget is full: 30 held open, the 31st waits for one of them.
            assert upstream.open_streams == 30 and first_lines == ["held"] * 30

            started = time.monotonic()
            answered = await asyncio.wait_for(client.request("GET", "echo"), 5)
            took = time.monotonic() - started
            assert answered.status == 200
            assert upstream.open_streams == 30 and not any(s.done() for s in streams), "the streams are still open"
            assert took < 5
            # Polls go on while the streams stay open.
            for _ in range(5):
                assert (await asyncio.wait_for(client.request("GET", "echo"), 5)).status == 200
            assert upstream.open_streams == 30 and not any(s.done() for s in streams)

            # One stream ends: the waiting one gets its connection.
            streams[0].cancel()
            for _ in range(250):
                if len(first_lines) == 31:
                    break
                await asyncio.sleep(0.02)
            assert first_lines == ["held"] * 31
        finally:
            for stream in streams:
                stream.cancel()
            await asyncio.gather(*streams, return_exceptions=True)
            await client.aclose()


async def test_time_out_and_refused_connection_map_to_504_and_503_without_the_token() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url, request_timeout=0.5)
        try:
            started = time.monotonic()
            with pytest.raises(UpstreamTimeout) as slow:
                await client.request("GET", "slow")
            assert time.monotonic() - started < 5
            assert slow.value.status == 504 and slow.value.message == "JupyterHub did not answer in time."
            assert "request_timeout" in (slow.value.hint or "")
            no_token_in(slow.value)

            # A stream is read for its time-out at most, then it is a time-out too.
            with pytest.raises(UpstreamTimeout) as held:
                await client.stream_lines("held", lambda line: None, timeout=0.5)
            assert held.value.status == 504
            no_token_in(held.value)
        finally:
            await client.aclose()

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = hub_client(f"http://127.0.0.1:{port}/hub/api")
    with pytest.raises(Unavailable) as refused:
        await down.request("GET", "users")
    assert refused.value.status == 503 and refused.value.message == "JupyterHub cannot be reached."
    assert refused.value.detail is not None and refused.value.detail.startswith(f"http://127.0.0.1:{port}/hub/api/")
    assert "hub_api_url" in (refused.value.hint or "")
    no_token_in(refused.value)
    with pytest.raises(Unavailable) as refused_stream:
        await down.stream_lines("users/alice/server/progress", lambda line: None, timeout=5)
    assert refused_stream.value.status == 503
    no_token_in(refused_stream.value)
    await down.aclose()


def self_signed(directory: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


async def test_an_untrusted_certificate_says_so(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    async with serving(ssl_options=context) as upstream:
        client = hub_client(f"https://127.0.0.1:{upstream.port}/api/")
        with pytest.raises(Unavailable) as untrusted:
            await client.request("GET", "echo")
        assert untrusted.value.status == 503
        assert "TLS certificate was not accepted" in untrusted.value.message
        no_token_in(untrusted.value)
        await client.aclose()


async def test_stream_lines_arrive_as_written() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        seen: list[tuple[str, float]] = []

        def on_line(line: str) -> None:
            seen.append((line, time.monotonic()))
            if line == "first":
                upstream.next_line.set()  # only now does the server write the second line

        try:
            response = await asyncio.wait_for(client.stream_lines("two-lines", on_line, timeout=20), 15)
            assert response.status == 200
            assert [line for line, _ in seen] == ["first", "second", "", "last without newline"]
            assert seen[0][1] < upstream.second_written_at <= seen[1][1]
            assert client.request_count == 1
        finally:
            await client.aclose()


async def test_stream_aborted_stops_the_stream() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        lines: list[str] = []

        def on_line(line: str) -> None:
            lines.append(line)
            if len(lines) == 3:
                raise StreamAborted()

        try:
            with pytest.raises(StreamAborted):
                await asyncio.wait_for(client.stream_lines("endless", on_line, timeout=20), 15)
            assert lines == ["line 0", "line 1", "line 2"]
            for _ in range(100):
                if upstream.aborted_streams:
                    break
                await asyncio.sleep(0.02)
            assert upstream.aborted_streams >= 1, "the server saw the stream closed"
            await asyncio.sleep(0.2)
            assert len(lines) == 3, "no line after the abort"

            # Anything else the callback raises is the callback's, not a transport failure.
            def broken(line: str) -> None:
                raise OSError("the callback's own")

            with pytest.raises(OSError, match="the callback's own"):
                await asyncio.wait_for(client.stream_lines("endless", broken, timeout=20), 15)
        finally:
            await client.aclose()


async def test_a_refused_stream_answers_its_status_and_message() -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        lines: list[str] = []
        try:
            response = await client.stream_lines("refused-stream", lines.append, timeout=10)
            assert response.status == 403 and lines == []
            # Only 4 KiB of the body is kept: not JSON any more, so its start is the message.
            assert isinstance(response.body, dict) and TOKEN not in response.body["message"]
            assert response.body["message"].startswith('{"message": "missing scope for [secret]"')
        finally:
            await client.aclose()


async def test_no_token_or_link_code_in_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    async with serving() as upstream:
        client = hub_client(upstream.base_url)
        caplog.set_level(logging.DEBUG)
        try:
            await client.request("GET", "", absolute_url=f"{upstream.base_url}echo?code=login-code-8d1e6f")
            await client.request("GET", "echo", params={"user": TOKEN})
            await client.stream_lines("two-lines", lambda line: upstream.next_line.set(), timeout=10)
        finally:
            await client.aclose()
    # The client's log lines (the test server's own access log shows what it received).
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith(("httpx", "httpcore"))
    )
    assert "echo" in logged, "httpx logs its requests"
    assert TOKEN not in logged and "login-code-8d1e6f" not in logged
