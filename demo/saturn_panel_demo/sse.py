"""Reading ``text/event-stream`` (server-sent events) in tests and benchmarks.

One parser and one reader for every Python client of an event stream in this repository: the
pytest tabs on ``GET saturn-panel/events``, the hub's and the extension's progress streams, and the
benchmark's clients and counting relay.

- :class:`SSEParser` turns bytes, as they arrive in any chunking, into complete :class:`SSEEvent` s.
- :class:`SSEReader` reads one stream with tornado's streaming client on the running asyncio loop
  (nothing blocks it) and keeps every event with the time it arrived.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse


@dataclass
class SSEEvent:
    """One complete event of a text/event-stream, with the time its last byte arrived."""

    seen: float
    """When the chunk that completed it arrived (the reader's clock)."""
    event: str
    """``event:`` of the block: ``"snapshot"``, ``"resource"``, ...; ``"message"`` for data-only
    events; ``"comment"`` for a comment-only block (a keepalive such as ``: keepalive``)."""
    data: Any
    """The JSON of the ``data:`` lines joined by newlines (the text when it is not JSON), or ``None``."""
    chunk: int
    """Which network chunk completed it (0-based)."""


class SSEParser:
    """Incremental parser: :meth:`feed` chunks, get the events they complete.

    Lines may end with ``\\n`` or ``\\r\\n``; blank blocks (a hub's keepalive newlines) are skipped;
    a UTF-8 character split between two chunks is decoded once whole.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._text = ""
        self.chunks = 0
        """How many chunks were fed so far."""

    def feed(self, chunk: bytes, seen: float | None = None) -> list[SSEEvent]:
        """The events that ``chunk`` completes, stamped ``seen`` (default: ``time.perf_counter()``)."""
        stamp = time.perf_counter() if seen is None else seen
        self._text += self._decoder.decode(chunk).replace("\r\n", "\n")
        events: list[SSEEvent] = []
        while "\n\n" in self._text:
            raw, self._text = self._text.split("\n\n", 1)
            if not raw.strip():
                continue
            event, data = "message", []
            for line in raw.split("\n"):
                if line.startswith(":"):
                    event = "comment"
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
            parsed: Any = None
            if data:
                text = "\n".join(data)
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = text
            events.append(SSEEvent(stamp, event, parsed, self.chunks))
        self.chunks += 1
        return events


class SSEReader:
    """Reads one event stream and keeps every event (:attr:`blocks`) with its arrival time.

    :meth:`start` opens it on the running loop. The stream ends when the server ends it, when the
    server goes away, after ``timeout`` seconds (tornado's request timeout), or on :meth:`close`
    when the reader owns its client. ``clock`` gives the arrival times (``time.perf_counter`` by
    default, the benchmark's one clock).
    """

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 3600.0,
        client: AsyncHTTPClient | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.clock = clock
        self._own_client = client is None
        self.client = AsyncHTTPClient(force_instance=True) if client is None else client
        self.blocks: list[SSEEvent] = []
        """Every event so far, in order (comment-only blocks included)."""
        self.raw = bytearray()
        """Every byte received, as received."""
        self.response: HTTPResponse | None = None
        self.opened = 0.0
        self.ended: float | None = None
        """When the stream ended (``None`` while it is open)."""
        self.error: str | None = None
        """Why it ended when that was not the server's answer (timeout, connection refused...)."""
        self.task: asyncio.Task[None] | None = None
        self._parser = SSEParser()
        self._changed = asyncio.Event()

    def start(self) -> SSEReader:
        """Open the stream (on the running loop) and return ``self``."""
        self.opened = self.clock()
        self.task = asyncio.ensure_future(self._run())
        return self

    async def _run(self) -> None:
        request = HTTPRequest(
            self.url,
            headers={**self.headers, "Accept": "text/event-stream"},
            connect_timeout=10,
            request_timeout=self.timeout,
            streaming_callback=self._on_chunk,
            follow_redirects=False,
        )
        try:
            self.response = await self.client.fetch(request, raise_error=False)
        except HTTPClientError as exc:  # our own request timeout, or the client was closed
            self.error = str(exc)
        except OSError as exc:  # could not connect at all, or the server went away
            self.error = str(exc)
        finally:
            self.ended = self.clock()
            self._changed.set()

    def _on_chunk(self, chunk: bytes) -> None:
        self.raw.extend(chunk)
        self.blocks.extend(self._parser.feed(chunk, self.clock()))
        self._changed.set()

    @property
    def status(self) -> int | None:
        """The HTTP status once the stream ended (``None`` before, or when it never answered)."""
        return self.response.code if self.response is not None else None

    async def wait_for(self, predicate: Callable[[SSEEvent], bool], timeout: float) -> SSEEvent:
        """The first event (from the start) matching ``predicate``.

        Raises :class:`TimeoutError` after ``timeout`` seconds, or when the stream ended without one.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        checked = 0
        while True:
            for block in self.blocks[checked:]:
                if predicate(block):
                    return block
            checked = len(self.blocks)
            if self.ended is not None:
                raise TimeoutError(f"{self.url} ended (HTTP {self.status}) without the awaited event")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no awaited event on {self.url} in {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_ended(self, timeout: float) -> None:
        """Wait until the stream has ended (at most ``timeout`` seconds)."""
        if self.task is not None:
            await asyncio.wait_for(asyncio.shield(self.task), timeout)

    def close(self) -> None:
        """End the stream like a closed browser tab (only a reader that made its own client can)."""
        if self.task is not None:
            # Closing the client ends the fetch with "connection closed": expected, not reported.
            self.task.add_done_callback(lambda f: f.cancelled() or f.exception())
        if self._own_client:
            self.client.close()
