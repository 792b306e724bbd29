"""Issue 18: the panel's JupyterHub service reads the hub once for every panel.

A real JupyterHub 6.1.1 lists the service (``saturn-panel-status``, role ``list:users``,
``read:users``, ``read:servers``) as an external service, which the tests start, stop and start
again (``python -m jupyterlab_saturn_panel.hub_service``). Users: alice (admin), bob and carol in
group ``team``, dan outside it. Each token gets from the service exactly what the hub itself
answers that token: the tests compare the two.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import body, fetch_url

from saturn_panel_demo.local_hub import CONFIG_FILE, LocalHub, StatusServiceProcess

PREFIX = "/services/saturn-panel-status/"
USER_SCOPES = ["read:users!user=bob", "read:servers!user=bob", "servers!user=bob"]
#: What c.Spawner.server_token_scopes gives bob's server in the demo, service look-up included.
BOB_SERVER_SCOPES = [*USER_SCOPES, "read:services!service=saturn-panel-status"]
TEAM_SCOPES = ["list:users!group=team", "read:users!group=team", "read:servers!group=team"]


@pytest.fixture(scope="module")
def service_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    workdir = tmp_path_factory.mktemp("service-hub")
    config = workdir / "team_config.py"
    config.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(CONFIG_FILE)!r})  # noqa: F821\n"
        "c.JupyterHub.load_groups = {'team': {'users': ['bob', 'carol']}}\n"
    )
    hub = LocalHub(
        workdir,
        users=("alice", "bob", "carol", "dan"),
        admins=("alice",),
        step_delay=0.5,
        steps=4,
        stop_delay=0.5,
        singleuser="mocksu",
        status_service="external",
        config_file=config,
    )
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def status_service(service_hub: LocalHub) -> Iterator[StatusServiceProcess]:
    # HubAuth's cache (cache_max_age) shortened so that a revoked token's cached answer runs out
    # within the test; a view stream checks its token afresh in any case.
    service = service_hub.status_service_process(poll_interval=0.5, stopping_poll_interval=0.3, cache_max_age=1)
    service.start()
    yield service
    service.stop()


def call(hub: LocalHub, path: str, token: str, method: str = "GET") -> tuple[int, Any]:
    """A blocking call to the service (for the tests that run no server of their own)."""
    request = urllib.request.Request(
        f"{hub.status_service_url}{PREFIX}{path}",
        method=method,
        data=b"" if method == "POST" else None,
        headers={"Authorization": f"token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def first_view(hub: LocalHub, token: str) -> tuple[int, Any]:
    """Open the view stream and return its first event's data (``view``), or the refusal."""
    request = urllib.request.Request(
        f"{hub.status_service_url}{PREFIX}api/view/stream", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            event = ""
            for raw in response:
                line = raw.decode().strip()
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "view":
                    return response.status, json.loads(line[5:])
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    raise AssertionError("the stream ended without a view")


def servers_seen(users: list[dict[str, Any]]) -> set[str]:
    return {f"{u['name']}/{name}" for u in users for name in u.get("servers", {})}


def wait_until(check: Any, timeout: float = 20.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture(scope="module")
def running_servers(service_hub: LocalHub) -> None:
    """carol/dev (in the team) and dan/dev (outside it) run."""
    for user in ("carol", "dan"):
        status, _ = service_hub.api("POST", f"users/{user}/servers/dev")
        assert status in (201, 202)
    wait_until(
        lambda: all(
            (service_hub.api("GET", f"users/{u}")[1]["servers"].get("dev") or {}).get("ready") for u in ("carol", "dan")
        ),
        what="carol/dev and dan/dev ready",
    )


def test_a_users_token_gets_only_that_users_servers(
    service_hub: LocalHub, status_service: StatusServiceProcess, running_servers: None
) -> None:
    bob = service_hub.create_token("bob", USER_SCOPES, note="bob")
    status, view = call(service_hub, "api/view", bob)
    assert status == 200
    assert [u["name"] for u in view["users"]] == ["bob"]  # carol's and dan's running servers: not shown
    assert servers_seen(view["users"]) <= {"bob/"}
    status, streamed = first_view(service_hub, bob)
    assert status == 200 and [u["name"] for u in streamed["users"]] == ["bob"]
    # Asking for someone else is the hub's own "not found", and reads nothing for this token.
    status, refused = call(service_hub, "api/users/carol/refresh", bob, method="POST")
    assert (status, refused) == (404, {"message": "No access to resources or resources not found"})


def test_a_group_scoped_token_gets_its_groups_servers_as_the_hub_answers_it(
    service_hub: LocalHub, status_service: StatusServiceProcess, running_servers: None
) -> None:
    teacher = service_hub.create_token("alice", TEAM_SCOPES, note="team")
    status, view = call(service_hub, "api/view", teacher)
    assert status == 200
    assert "carol/dev" in servers_seen(view["users"])
    assert not any(u["name"] in ("alice", "dan") for u in view["users"])
    # The hub's own answer to the same token, for the same (active) users.
    status, hub_answer = service_hub.api("GET", "users?state=active&include_stopped_servers=1", token=teacher)
    assert status == 200
    active = {u["name"] for u in hub_answer}
    assert active == {"carol"}
    assert servers_seen([u for u in view["users"] if u["name"] in active]) == servers_seen(hub_answer)
    # Groups are shown as the hub shows them to this token (read:users!group=team).
    assert {u["name"]: u.get("groups") for u in view["users"]}["carol"] == ["team"]
    # An admin's unfiltered token sees everyone.
    admin = service_hub.create_token("alice", ["list:users", "read:users", "read:servers"], note="admin")
    assert {"carol/dev", "dan/dev"} <= servers_seen(call(service_hub, "api/view", admin)[1]["users"])


def test_a_revoked_token_gets_403_and_nothing_more(
    service_hub: LocalHub, status_service: StatusServiceProcess, running_servers: None
) -> None:
    token = service_hub.create_token("bob", USER_SCOPES, note="to-revoke")
    assert call(service_hub, "api/view", token)[0] == 200
    status, tokens = service_hub.api("GET", "users/bob/tokens")
    assert status == 200
    (found,) = [t for t in tokens["api_tokens"] if t["note"] == "to-revoke"]
    assert service_hub.api("DELETE", f"users/bob/tokens/{found['id']}")[0] == 204
    # A view stream checks afresh: refused at once, with a message and nothing else.
    status, refused = first_view(service_hub, token)
    assert status == 403 and list(refused) == ["message"] and "revoked" in refused["message"]
    # A plain read is answered from HubAuth's cache for at most cache_max_age (1 s here).
    time.sleep(1.2)
    status, refused = call(service_hub, "api/view", token)
    assert status == 403 and list(refused) == ["message"]
    # No token, or a token the hub never issued: the same.
    assert call(service_hub, "api/status", "not-a-token")[0] == 403


# -- a panel that uses the service ------------------------------------------------------------------
@pytest.fixture(scope="module")
def bob_server_token(service_hub: LocalHub) -> str:
    return service_hub.create_token("bob", BOB_SERVER_SCOPES, note="bob-server")


@pytest.fixture
def status_setting() -> str:
    return "saturn-panel-status"  # the default: found by name through the hub


@pytest.fixture(scope="module")
def garbage_service() -> Iterator[str]:
    """A "service" whose view stream is an HTML page's worth of nonsense."""

    class Garbage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"event: view\ndata: <html>Bad gateway</html>\n\n")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/services/saturn-panel-status/"
    server.shutdown()


@pytest.fixture
def panel_config(
    service_hub: LocalHub, bob_server_token: str, status_setting: str, request: pytest.FixtureRequest
) -> dict[str, Any]:
    if status_setting in ("garbage_service", "silent_server"):
        status_setting = request.getfixturevalue(status_setting)
    return {
        "hub_api_url": service_hub.api_url,
        "hub_api_token": bob_server_token,
        "hub_public_url": service_hub.public_url,
        "hub_poll_interval": 0.5,
        "hub_stopping_poll_interval": 0.3,
        "request_timeout": 10.0,
        "hub_status_service": status_setting,
    }


async def panel_state(jp_fetch: Any) -> dict[str, Any]:
    """The panel's hub block after a read as a shown panel makes it."""
    await jp_fetch("saturn-panel", "resources", params={"watching": "1"})
    return body(await jp_fetch("saturn-panel", "config"))["hub"]  # type: ignore[no-any-return]


async def until_state(jp_fetch: Any, state: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    hub: dict[str, Any] = {}
    while time.monotonic() < deadline:
        hub = await panel_state(jp_fetch)
        if hub["statusService"]["state"] == state:
            return hub
        await asyncio.sleep(0.2)
    raise AssertionError(f"statusService never {state!r}: {hub.get('statusService')}")


async def bob_rows(jp_fetch: Any) -> dict[str, str]:
    answer = body(await jp_fetch("saturn-panel", "resources", params={"watching": "1"}))
    return {r["name"]: r["status"] for r in answer["resources"] if r["backend"] == "hub"}


async def until_row(jp_fetch: Any, name: str, status: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    rows: dict[str, str] = {}
    while time.monotonic() < deadline:
        rows = await bob_rows(jp_fetch)
        if rows.get(name) == status:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"bob/{name} never {status}: {rows}")


async def test_a_panel_reads_through_the_service_falls_back_and_comes_back(
    jp_fetch: Any,
    jp_serverapp: Any,
    open_events: Any,
    service_hub: LocalHub,
    status_service: StatusServiceProcess,
    running_servers: None,
) -> None:
    hub_backend = jp_serverapp.web_app.settings["saturn_panel_hub"]
    state = await until_state(jp_fetch, "connected")
    assert state["statusService"] == {"name": "saturn-panel-status", "state": "connected", "message": None}
    assert set(await bob_rows(jp_fetch)) == {""}  # bob's own servers only, as his token reads them

    # Watched for 3 s (six hub poll intervals): the panel itself reads the hub not once.
    before = hub_backend.client.request_count
    for _ in range(15):
        await bob_rows(jp_fetch)
        await asyncio.sleep(0.2)
    assert hub_backend.client.request_count == before

    # A start asked from the panel: its progress comes from the service's one stream.
    tab = open_events()
    await tab.ready()
    await jp_fetch("saturn-panel", "hub", "servers", "bob", "svc", method="POST", body=json.dumps({}))
    await tab.wait_resource("hub/bob/svc", lambda r: r["status"] == "running")
    seen = [s["progress"] for s in tab.resource_states("hub/bob/svc") if s["status"] == "pending"]
    assert any(p for p in seen), f"no progress shown: {seen}"
    assert hub_backend._following == {}  # the panel followed no progress stream itself
    stopped_service = False
    try:
        # The service stops: the panel says so and reads the hub itself.
        status_service.stop()
        stopped_service = True
        state = await until_state(jp_fetch, "unavailable")
        assert state["statusService"]["message"] and state["message"] is None
        await jp_fetch("saturn-panel", "hub", "servers", "bob", "svc", method="DELETE")
        await until_row(jp_fetch, "svc", "stopped")  # read by the panel itself
        # Back: the panel switches to it again.
        status_service.start()
        stopped_service = False
        await until_state(jp_fetch, "connected", timeout=40.0)
        before = hub_backend.client.request_count
        await asyncio.sleep(2.0)
        await bob_rows(jp_fetch)
        assert hub_backend.client.request_count == before
    finally:
        if stopped_service:
            status_service.start()
        await fetch_url(f"{service_hub.api_url}/users/bob/servers/svc", service_hub.admin_token, method="DELETE")


async def test_a_reconnection_costs_the_panel_no_hub_request(
    jp_fetch: Any,
    jp_serverapp: Any,
    service_hub: LocalHub,
    status_service: StatusServiceProcess,
    running_servers: None,
) -> None:
    """A view stream ends after view_max_age (2 s here, 30 min by default) and the panel opens
    another at once: it asks the hub nothing again (the service's URL is kept), and the service
    checks the token (HubAuth) without reading the hub's servers again (read a moment ago)."""
    status_service.stop()
    short = service_hub.status_service_process(poll_interval=5.0, view_max_age=2)
    short.start()
    try:
        await until_state(jp_fetch, "connected", timeout=40.0)
        link = jp_serverapp.web_app.settings["saturn_panel_hub"].status_link
        panel_before, views_before = link.hub.request_count, link.views
        _, status = await fetch_url(f"{service_hub.status_service_url}{PREFIX}api/status", service_hub.admin_token)
        service_before = status["hubRequests"]
        for _ in range(25):  # 5 s watched: about two reconnections
            await bob_rows(jp_fetch)
            await asyncio.sleep(0.2)
        _, status = await fetch_url(f"{service_hub.status_service_url}{PREFIX}api/status", service_hub.admin_token)
        assert link.views - views_before >= 2
        assert link.hub.request_count == panel_before
        # The service read the hub only at its own 5 s interval: once, maybe twice in 5 s.
        assert status["hubRequests"] - service_before <= 2
        assert (await panel_state(jp_fetch))["statusService"]["state"] == "connected"
    finally:
        short.stop()
        status_service.start()


@pytest.mark.parametrize("status_setting", ["no-such-service"])
async def test_a_hub_without_the_service_is_read_by_the_panel_and_config_says_why(
    jp_fetch: Any, service_hub: LocalHub, status_setting: str
) -> None:
    state = await until_state(jp_fetch, "absent")
    assert "no-such-service" in state["statusService"]["message"]
    assert state["message"] is None and state["reachable"] is True
    assert "" in await bob_rows(jp_fetch)


@pytest.mark.parametrize("status_setting", [""])
async def test_the_service_can_be_turned_off(jp_fetch: Any, status_setting: str) -> None:
    state = await panel_state(jp_fetch)
    assert state["statusService"] is None
    assert "" in await bob_rows(jp_fetch)


@pytest.mark.parametrize("status_setting", ["garbage_service"])
async def test_a_service_answering_garbage_is_set_aside_with_a_clear_state(
    jp_fetch: Any, service_hub: LocalHub, status_setting: str
) -> None:
    state = await until_state(jp_fetch, "unavailable")
    assert "unexpected" in state["statusService"]["message"]
    assert state["message"] is None  # the hub section itself is fine
    assert "" in await bob_rows(jp_fetch)


@pytest.mark.parametrize("status_setting", ["silent_server"])
async def test_a_hung_service_delays_a_read_once_and_the_panel_reads_the_hub_itself(
    jp_fetch: Any, service_hub: LocalHub, status_setting: str
) -> None:
    # The first read waits for the service 1 s at most, then reads the hub: the rows come (the
    # browser hears of them on the event bus) instead of waiting for a service that never answers.
    await until_row(jp_fetch, "", "stopped", timeout=10.0)
    for _ in range(5):
        assert "" in await bob_rows(jp_fetch)
    state = await panel_state(jp_fetch)
    assert state["statusService"]["state"] == "connecting" and state["message"] is None
