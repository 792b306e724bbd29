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

import json
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse

from .errors import Forbidden, PanelError, Unavailable, UpstreamError, UpstreamTimeout, scrub


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

    ``service`` names the upstream in error messages ("JupyterHub", "Saturn Cloud").
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
        self._http_client: AsyncHTTPClient | None = None
        self.request_count = 0

    @property
    def _http(self) -> AsyncHTTPClient:
        # Created on first use, on the loop that serves requests (tornado binds a client to the
        # current IOLoop). A private instance: the shared one caps at 10 concurrent requests, and
        # progress streams are long-lived.
        if self._http_client is None:
            self._http_client = AsyncHTTPClient(force_instance=True, max_clients=64)
        return self._http_client

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
        encoded = None
        all_headers = self._headers(token, headers)
        if body is not None:
            encoded = json.dumps(body)
            all_headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT", "PATCH"):
            encoded = ""
        request = HTTPRequest(
            url,
            method=method,
            headers=all_headers,
            body=encoded,
            request_timeout=timeout or self.request_timeout,
            connect_timeout=min(timeout or self.request_timeout, 10.0),
            follow_redirects=False,
            allow_nonstandard_methods=True,
        )
        self.request_count += 1
        try:
            response = await self._http.fetch(request, raise_error=False)
        except (OSError, ssl.SSLError, HTTPClientError) as exc:
            # raise_error=False still raises for time-outs and transport failures
            raise self.unreachable(exc) from None
        return self._parse(response, redirect_ok=redirect_ok)

    def unreachable(self, exc: BaseException) -> PanelError:
        """Map a transport failure to the contract's 503 or 504."""
        text = self.scrub(str(exc) or type(exc).__name__)
        detail = f"{self.base_url}: {text}"
        if (isinstance(exc, HTTPClientError) and exc.code == 599 and "Timeout" in text) or isinstance(
            exc, TimeoutError
        ):
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

    def _parse(self, response: HTTPResponse, *, redirect_ok: bool = False) -> UpstreamResponse:
        if response.code == 599:
            raise self.unreachable(response.error or OSError("connection failed"))
        if 300 <= response.code < 400 and redirect_ok:
            return UpstreamResponse(response.code, None, response.headers)
        if 300 <= response.code < 400:
            # An API never redirects: a redirect means a wrong base URL (or http for https).
            location = self.scrub(response.headers.get("Location", "") or "")
            raise UpstreamError(
                f"{self.service} answered with a redirect: the configured address is probably not"
                " its API (or needs https://).",
                hint=f"Check {self.url_setting}.",
                detail=f"{self.base_url} answered HTTP {response.code}"
                + (f", redirecting to {location}" if location else ""),
            )
        raw = response.body or b""
        body: Any = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                content_type = response.headers.get("Content-Type", "")
                if response.code < 400 or "json" in content_type:
                    raise UpstreamError(
                        f"{self.service} answered HTTP {response.code} with a body that is not JSON"
                        f" ({content_type or 'no content type'}): the configured address is"
                        " probably not its API.",
                        hint=f"Check {self.url_setting}.",
                        detail=f"{self.base_url}: {self.scrub(raw[:120].decode('utf-8', 'replace'))}",
                    ) from None
                body = {"message": self.scrub(raw[:200].decode("utf-8", "replace").strip())}
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            body["message"] = self.scrub(body["message"])
        return UpstreamResponse(response.code, body, response.headers)

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
        order; a trailing partial line is delivered when the stream ends.
        """
        buffer = bytearray()
        status: dict[str, int] = {"code": 0}

        def on_header(line: str) -> None:
            if line.startswith("HTTP/"):
                parts = line.split(" ", 2)
                if len(parts) >= 2 and parts[1].isdigit():
                    status["code"] = int(parts[1])

        error_body = bytearray()

        def on_chunk(chunk: bytes) -> None:
            if status["code"] >= 400:
                error_body.extend(chunk[: 4096 - len(error_body)])
                return
            buffer.extend(chunk)
            while True:
                index = buffer.find(b"\n")
                if index < 0:
                    break
                line = bytes(buffer[:index]).rstrip(b"\r").decode("utf-8", "replace")
                del buffer[: index + 1]
                on_line(line)

        request = HTTPRequest(
            self.url(path),
            method="GET",
            headers={**self._headers(None, headers), "Accept": "text/event-stream"},
            request_timeout=timeout,
            connect_timeout=min(self.request_timeout, 10.0),
            streaming_callback=on_chunk,
            header_callback=on_header,
            follow_redirects=False,
        )
        self.request_count += 1
        try:
            response = await self._http.fetch(request, raise_error=False)
        except StreamAborted:
            raise
        except (OSError, ssl.SSLError, HTTPClientError) as exc:
            raise self.unreachable(exc) from None
        if response.code == 599:
            if isinstance(response.error, StreamAborted):
                raise response.error
            raise self.unreachable(response.error or OSError("connection failed"))
        if buffer:
            on_line(bytes(buffer).decode("utf-8", "replace"))
        body: Any = None
        if response.code >= 400 and error_body:
            try:
                body = json.loads(bytes(error_body))
            except ValueError:
                body = {"message": self.scrub(bytes(error_body)[:200].decode("utf-8", "replace"))}
            if isinstance(body, dict) and isinstance(body.get("message"), str):
                body["message"] = self.scrub(body["message"])
        return UpstreamResponse(response.code, body, response.headers)

    def close(self) -> None:
        """Release the HTTP client's connections."""
        if self._http_client is not None:
            self._http_client.close()
            self._http_client = None
