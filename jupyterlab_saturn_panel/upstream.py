"""A small non-blocking JSON client shared by the JupyterHub and Saturn Cloud clients.

It owns the one error-mapping rule of the package (jupyterlab-git's ``handle_git_error`` idea):
connection failures become 503, time-outs 504, upstream errors keep their status class with the
upstream's own message (tokens removed), and a body that is not JSON becomes a 502 that says so.
Each error says what happened in a sentence (``message``), which setting fixes it (``hint``:
the URL setting for an unreachable service, a redirect or an answer that is not its API; the
token setting for a refused token) and, apart, the URL tried and the upstream's own words
(``detail``), so no internal address is the headline and no setting is blamed wrongly.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from .errors import Forbidden, PanelError, Unavailable, UpstreamError, UpstreamTimeout, scrub

#: Ordinary requests (reads, polls, actions): kept-alive connections, reused from one request to the
#: next instead of a new TCP (and TLS) handshake each time.
REQUEST_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)
#: Long-lived streams (the hub's progress) have a pool of their own, so a request never waits
#: behind them; this many may be open at once, a further one waits for one to end.
STREAM_CONNECTIONS = 64
#: What is kept of an error answer on a stream.
STREAM_ERROR_BODY = 4096

_T = TypeVar("_T")

#: While one of our clients sends, the secrets its log lines must not show (httpx logs each request).
_sending: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("saturn_panel_upstream", default=None)


class _ScrubHttpxLog(logging.Filter):
    """httpx logs every request's URL at INFO; scrub the lines it writes for our clients."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _sending.get()
        if secrets:
            record.msg = scrub(record.getMessage(), secrets)
            record.args = None
        return True


_log_filter = _ScrubHttpxLog()
logging.getLogger("httpx").addFilter(_log_filter)


class _CallbackFailed(Exception):
    """Carries an exception raised by a line callback past the transport's error mapping."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class UpstreamResponse:
    """A parsed upstream answer: status, JSON body (or None) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def message(self) -> str:
        """The upstream's own error text, when it sent one."""
        if isinstance(self.body, dict):
            message = self.body.get("message") or self.body.get("detail") or self.body.get("error")
            if message:
                return str(message)
        return f"HTTP {self.status}"


class StreamAborted(Exception):
    """Raised by a line callback to stop a stream (e.g. the browser went away)."""


class UpstreamClient:
    """Talks JSON to one upstream base URL with a bearer-style token, without blocking.

    ``service`` names the upstream in error messages ("JupyterHub", "Saturn Cloud"). Connections
    are kept alive and reused: one pool for requests, another for long-lived streams, each
    created on first use on the running loop; ``aclose`` (or ``close``) releases them.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        service: str,
        request_timeout: float,
        url_setting: str,
        token_setting: str,
        auth_scheme: str = "token",
        extra_secrets: tuple[str, ...] = (),
        stream_connections: int = STREAM_CONNECTIONS,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._token = token
        self.service = service
        #: The settings that fix a wrong address or a refused token, as the README names them.
        self.url_setting = url_setting
        self.token_setting = token_setting
        self.request_timeout = request_timeout
        self._auth_scheme = auth_scheme
        self._secrets = tuple(s for s in (token, *extra_secrets) if s)
        self.stream_connections = stream_connections
        self._requests: httpx.AsyncClient | None = None
        self._streams: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ssl: ssl.SSLContext | None = None
        self._closing: set[asyncio.Future[None]] = set()
        self.request_count = 0

    def auth_token(self) -> str:
        """The token this client sends: for a client of a service that accepts the same one
        (the panel's hub token, for the hub service). Never put it in a message."""
        return self._token

    # -- the HTTP clients ----------------------------------------------------------------------
    def _new_client(self, limits: httpx.Limits) -> httpx.AsyncClient:
        if self._ssl is None:
            # The system's trust store, as tornado's client used (httpx alone would use certifi's).
            self._ssl = ssl.create_default_context()
        return httpx.AsyncClient(
            limits=limits,
            verify=self._ssl,
            follow_redirects=False,
            # No proxy or .netrc from the environment: the panel talks to the address configured.
            trust_env=False,
        )

    def _on_this_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # Connections belong to the loop that opened them; those of another loop cannot be
            # used (or closed) from this one and are left to the garbage collector.
            self._requests = self._streams = None
            self._loop = loop

    @property
    def _http(self) -> httpx.AsyncClient:
        """The pool of ordinary requests, created on first use on the running loop."""
        self._on_this_loop()
        if self._requests is None:
            self._requests = self._new_client(REQUEST_LIMITS)
        return self._requests

    @property
    def _stream_http(self) -> httpx.AsyncClient:
        """The pool of long-lived streams, apart so that requests never wait behind them."""
        self._on_this_loop()
        if self._streams is None:
            self._streams = self._new_client(
                httpx.Limits(
                    max_connections=self.stream_connections,
                    max_keepalive_connections=min(4, self.stream_connections),
                    keepalive_expiry=30.0,
                )
            )
        return self._streams

    async def _deadline(self, work: Awaitable[_T], seconds: float, secrets: tuple[str, ...]) -> _T:
        """``work`` within ``seconds`` in all (waiting for a connection, sending, reading), its
        httpx log lines scrubbed of ``secrets``."""
        reset = _sending.set(secrets)  # copied into the task wait_for may run ``work`` in
        try:
            return await asyncio.wait_for(work, seconds)
        finally:
            _sending.reset(reset)

    # -- requests ------------------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        """Remove this client's secrets from ``text``."""
        return scrub(text, self._secrets)

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The absolute URL of ``path`` (already quoted) under the base URL."""
        url = self.base_url + path.lstrip("/")
        if params:
            query = {k: v for k, v in params.items() if v is not None}
            if query:
                url += "?" + urlencode(query, doseq=True)
        return url

    def _headers(self, token: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        use = self._token if token is None else token
        if use:
            headers["Authorization"] = f"{self._auth_scheme} {use}"
        if extra:
            headers.update(extra)
        return headers

    @staticmethod
    def _timeout(seconds: float, connect: float) -> httpx.Timeout:
        """Each step (a connection from the pool, connecting, sending, reading) within
        ``seconds``, connecting within ``connect`` (at most 10 s)."""
        return httpx.Timeout(seconds, connect=min(connect, 10.0))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        timeout: float | None = None,
        absolute_url: str | None = None,
        redirect_ok: bool = False,
    ) -> UpstreamResponse:
        """Send one request and return the parsed answer, whatever its status.

        Raises ``Unavailable`` when the service cannot be reached, ``UpstreamTimeout`` when it does
        not answer in time, ``UpstreamError`` when it answers something that is not JSON.
        """
        url = absolute_url or self.url(path, params)
        content: bytes | None = None
        all_headers = self._headers(token, headers)
        if body is not None:
            content = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            content = b""  # sent with Content-Length: 0
        seconds = timeout or self.request_timeout
        # A link's query (a login link's code) is as secret as a token in a log line.
        secrets = (*self._secrets, *((urlsplit(absolute_url).query,) if absolute_url else ()))
        self.request_count += 1
        try:
            http = self._http
            response = await self._deadline(
                http.request(
                    method, url, headers=all_headers, content=content, timeout=self._timeout(seconds, seconds)
                ),
                seconds,
                secrets,
            )
        except (httpx.RequestError, httpx.InvalidURL, OSError, ssl.SSLError, asyncio.TimeoutError) as exc:
            raise self.unreachable(exc) from None
        return self._parse(response.status_code, response.headers, response.content, redirect_ok=redirect_ok)

    def unreachable(self, exc: BaseException) -> PanelError:
        """Map a transport failure to the contract's 503 or 504."""
        text = self.scrub(str(exc) or type(exc).__name__)
        detail = f"{self.base_url}: {text}"
        if isinstance(exc, (httpx.TimeoutException, TimeoutError, asyncio.TimeoutError)):
            return UpstreamTimeout(
                f"{self.service} did not answer in time.",
                hint=f"It may be overloaded or hung; the panel waits {self.request_timeout:g} s"
                " (c.SaturnPanel.request_timeout).",
                detail=detail,
            )
        if isinstance(exc, ssl.SSLError) or "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return Unavailable(
                f"{self.service} cannot be reached securely: its TLS certificate was not accepted.",
                hint=f"Check {self.url_setting} (https:// for a server with a trusted certificate).",
                detail=detail,
            )
        return Unavailable(
            f"{self.service} cannot be reached.",
            hint=f"Check that it runs and that {self.url_setting} is its address.",
            detail=detail,
        )

    def token_rejected(self, response: UpstreamResponse, action: str | None = None) -> PanelError:
        """The configured token was refused (wrong, expired or revoked): name the token setting."""
        doing = f", so it cannot {action}" if action else ""
        return Forbidden(
            f"{self.service} rejected the configured token{doing}: it is wrong, expired or revoked.",
            hint=f"Set {self.token_setting} to a valid token.",
            detail=f"{self.service} answered HTTP {response.status}: {response.message}",
        )

    def not_the_api(self, response: UpstreamResponse, action: str, what: str) -> PanelError:
        """An answer that is not the upstream's API (a redirect, HTML, a 404 for its own root):
        the URL setting is wrong, not the token."""
        return UpstreamError(
            f"{self.service} answered {what} when asked to {action}: the configured address is probably not its API.",
            hint=f"Check {self.url_setting}.",
            detail=f"{self.base_url} answered HTTP {response.status}",
        )

    def _parse(
        self, status: int, headers: Mapping[str, str], raw: bytes, *, redirect_ok: bool = False
    ) -> UpstreamResponse:
        if 300 <= status < 400 and redirect_ok:
            return UpstreamResponse(status, None, headers)
        if 300 <= status < 400:
            # An API never redirects: a redirect means a wrong base URL (or http for https).
            location = self.scrub(headers.get("Location", "") or "")
            raise UpstreamError(
                f"{self.service} answered with a redirect: the configured address is probably not"
                " its API (or needs https://).",
                hint=f"Check {self.url_setting}.",
                detail=f"{self.base_url} answered HTTP {status}" + (f", redirecting to {location}" if location else ""),
            )
        body: Any = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                content_type = headers.get("Content-Type", "")
                if status < 400 or "json" in content_type:
                    raise UpstreamError(
                        f"{self.service} answered HTTP {status} with a body that is not JSON"
                        f" ({content_type or 'no content type'}): the configured address is"
                        " probably not its API.",
                        hint=f"Check {self.url_setting}.",
                        detail=f"{self.base_url}: {self.scrub(raw[:120].decode('utf-8', 'replace'))}",
                    ) from None
                body = {"message": self.scrub(raw[:200].decode("utf-8", "replace").strip())}
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            body["message"] = self.scrub(body["message"])
        return UpstreamResponse(status, body, headers)

    # -- streams -------------------------------------------------------------------------------
    async def stream_lines(
        self,
        path: str,
        on_line: Callable[[str], None],
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> UpstreamResponse:
        """GET a text stream and call ``on_line`` with each line as it arrives.

        Returns the final response (status and, for errors, the parsed body). Lines are delivered in
        order (``\\r`` removed); a trailing partial line is delivered when the stream ends. The
        stream is read for ``timeout`` seconds at most, over a connection of the stream pool, so
        ordinary requests never wait behind it. ``StreamAborted`` (or anything else) raised by
        ``on_line`` stops the stream and propagates as it is.
        """
        request_headers = {**self._headers(None, headers), "Accept": "text/event-stream"}
        # Lines are passed on as they come: no compression to buffer them.
        request_headers["Accept-Encoding"] = "identity"
        self.request_count += 1
        try:
            http = self._stream_http
            return await self._deadline(
                self._read_stream(http, self.url(path), request_headers, on_line, timeout), timeout, self._secrets
            )
        except _CallbackFailed as failed:
            raise failed.error from None
        except (httpx.RequestError, httpx.InvalidURL, OSError, ssl.SSLError, asyncio.TimeoutError) as exc:
            raise self.unreachable(exc) from None

    async def _read_stream(
        self,
        http: httpx.AsyncClient,
        url: str,
        headers: Mapping[str, str],
        on_line: Callable[[str], None],
        timeout: float,
    ) -> UpstreamResponse:
        def deliver(line: bytes) -> None:
            try:
                on_line(line.decode("utf-8", "replace"))
            except Exception as exc:  # the callback's own, kept apart from transport errors
                raise _CallbackFailed(exc) from None

        buffer = bytearray()
        error_body = bytearray()
        async with http.stream(
            "GET", url, headers=headers, timeout=self._timeout(timeout, self.request_timeout)
        ) as response:
            status = response.status_code
            async for chunk in response.aiter_bytes():
                if status >= 400:
                    error_body.extend(chunk[: STREAM_ERROR_BODY - len(error_body)])
                    if len(error_body) >= STREAM_ERROR_BODY:
                        break
                    continue
                buffer.extend(chunk)
                while True:
                    index = buffer.find(b"\n")
                    if index < 0:
                        break
                    line = bytes(buffer[:index]).rstrip(b"\r")
                    del buffer[: index + 1]
                    deliver(line)
        if buffer:
            deliver(bytes(buffer))
        body: Any = None
        if status >= 400 and error_body:
            try:
                body = json.loads(bytes(error_body))
            except ValueError:
                body = {"message": self.scrub(bytes(error_body)[:200].decode("utf-8", "replace"))}
            if isinstance(body, dict) and isinstance(body.get("message"), str):
                body["message"] = self.scrub(body["message"])
        return UpstreamResponse(status, body, response.headers)

    # -- closing -------------------------------------------------------------------------------
    def _take_clients(self) -> list[httpx.AsyncClient]:
        clients = [c for c in (self._requests, self._streams) if c is not None]
        self._requests = self._streams = None
        return clients

    async def aclose(self) -> None:
        """Release the connections of both pools (a later request opens new ones)."""
        for client in self._take_clients():
            await client.aclose()

    def close(self) -> None:
        """Release the connections from sync code: on the running loop, ``aclose`` is scheduled
        (await ``aclose`` where possible, to know they are released)."""
        clients = self._take_clients()
        if not clients:
            return

        async def release() -> None:
            for client in clients:
                await client.aclose()

        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        loop = self._loop
        if running is not None and running is loop:
            task = asyncio.ensure_future(release())
            self._closing.add(task)  # keep a reference until it is done
            task.add_done_callback(self._closing.discard)
        elif running is None and loop is not None and not loop.is_closed() and not loop.is_running():
            loop.run_until_complete(release())
        # Otherwise the loop that opened them is gone: its sockets close as they are collected.
