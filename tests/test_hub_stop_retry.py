"""A stop the hub answers with its 500 "pending spawn" (JupyterHub 6.1.1, busy, interrupting a
start: seen by tests/test_mass_start.py) is asked once more, a moment later, instead of failing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from jupyterlab_saturn_panel.errors import UpstreamError
from jupyterlab_saturn_panel.hub import client as client_module
from jupyterlab_saturn_panel.hub.client import HubClient


class Stops(web.RequestHandler):
    """DELETE users/{user}/server: the hub's own 500 the first ``refusals`` times, then 204."""

    def initialize(self, seen: list[str], refusals: int) -> None:
        self.seen, self.refusals = seen, refusals

    def delete(self, user: str) -> None:
        self.seen.append(user)
        if len(self.seen) <= self.refusals:
            self.set_status(500)
            self.finish(json.dumps({"status": 500, "message": f"RuntimeError: {user} pending spawn"}))
        else:
            self.set_status(204)


async def stop_with(refusals: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Any]:
    monkeypatch.setattr(client_module, "PENDING_SPAWN_RETRY", 0.05)
    seen: list[str] = []
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(
        web.Application([(r"/hub/api/users/([^/]+)/server", Stops, {"seen": seen, "refusals": refusals})])
    )
    server.add_sockets(sockets)
    client = HubClient(f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hub/api", "tok", request_timeout=5)
    try:
        outcome: Any = await client.stop_server("u006", "", remove=False)
    except UpstreamError as exc:
        outcome = exc
    finally:
        await client.aclose()
        server.stop()
    return seen, outcome


async def test_a_pending_spawn_refusal_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, outcome = await stop_with(1, monkeypatch)
    assert seen == ["u006", "u006"] and outcome is None


async def test_a_second_refusal_is_the_hubs_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, outcome = await stop_with(2, monkeypatch)
    assert len(seen) == 2
    assert isinstance(outcome, UpstreamError) and "pending spawn" in outcome.message
