"""The JupyterHub half of the contract against a real hub, with an admin-scoped service token."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from conftest import body, error_of, fetch_url
from tornado.httpclient import HTTPClientError

from saturn_panel_demo.sse import SSEParser

SERVERS = "saturn-panel/hub/servers"


async def post(jp_fetch: Any, path: str, payload: Any = None, raw: str | None = None) -> Any:
    data = raw if raw is not None else json.dumps(payload or {})
    return await jp_fetch(f"{SERVERS}/{path}", method="POST", body=data)


async def expect_error(call: Any, status: int) -> dict[str, Any]:
    with pytest.raises(HTTPClientError) as info:
        await call
    code, payload = error_of(info.value)
    assert code == status, payload
    assert isinstance(payload.get("message"), str) and payload["message"]
    return payload


async def test_config_says_who_and_what_without_secrets(jp_fetch: Any, local_hub: Any) -> None:
    config = body(await jp_fetch("saturn-panel", "config"))
    hub = config["hub"]
    assert hub["configured"] is True and hub["reachable"] is True
    assert hub["kind"] == "service"
    assert hub["abilities"] == {
        "listAllUsers": True,
        "start": True,
        "stop": True,
        "delete": True,
        "share": True,
        "shareWithNames": True,
        "shareWithUsers": True,
        "shareWithGroups": False,
    }
    assert hub["missingScopes"] == [] and hub["message"] is None
    assert local_hub.admin_token not in json.dumps(config)


async def test_only_active_servers_are_polled_and_search_finds_the_rest(
    jp_fetch: Any, open_events: Any, local_hub: Any
) -> None:
    # More stopped users than one page of the hub's (200): listing them every poll is what made
    # one open tab cost a 5,000-user hub 20x its idle CPU.
    quiet = [f"quiet{i:03d}" for i in range(230)]
    status, _ = local_hub.api("POST", "users", {"usernames": quiet})
    assert status in (201, 409)
    tab = open_events()
    await tab.ready()
    resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
    assert not {r["owner"] for r in resources} & set(quiet)

    page = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "QUIET", "limit": "200"}))
    assert [u["name"] for u in page["users"]] == quiet[:200]  # the hub's case-insensitive search
    assert page["next"] == 200 and page["total"] == 230
    rest = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "quiet", "offset": "200"}))
    assert [u["name"] for u in rest["users"]] == quiet[200:] and rest["next"] is None
    found = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "quiet007"}))["users"]
    assert [u["name"] for u in found] == ["quiet007"]
    default = found[0]["servers"][0]
    assert default["key"] == "hub/quiet007/" and default["status"] == "stopped" and default["actions"] == ["start"]

    # Started from a search, a server joins the polled state; stopped, its row stays, stopped.
    assert (await post(jp_fetch, "quiet007/")).code == 202
    await tab.wait_resource("hub/quiet007/", lambda r: r["status"] == "running")
    await jp_fetch(f"{SERVERS}/quiet007/", method="DELETE")
    await tab.wait_resource("hub/quiet007/", lambda r: r["status"] == "stopped")
    await jp_fetch("saturn-panel", "refresh", method="POST", body="{}")
    await asyncio.sleep(1.5)  # a poll or two (hub_poll_interval is 1 s here)
    keys = {r["key"]: r for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert keys["hub/quiet007/"]["status"] == "stopped"
    assert not any(name == "removed" and data.get("key") == "hub/quiet007/" for name, data in tab.events)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"search": "a\tb"}, "search"),
        ({"search": "x" * 256}, "search"),
    ],
)
async def test_user_search_refuses_bad_input(jp_fetch: Any, params: dict[str, str], field: str) -> None:
    payload = await expect_error(jp_fetch("saturn-panel", "hub", "users", params=params), 400)
    assert field in payload["message"]


async def test_start_shows_progress_then_running_and_the_link_opens(
    jp_fetch: Any, open_events: Any, local_hub: Any
) -> None:
    tab = open_events()
    await tab.wait_for(lambda name, data: name == "snapshot")
    started = body(await post(jp_fetch, "alice/analysis", {"displayName": "Analysis box"}))
    assert started["key"] == "hub/alice/analysis"
    assert started["status"] == "pending" and started["displayName"] == "Analysis box"

    running = await tab.wait_for(
        lambda n, d: n == "resource" and d["key"] == "hub/alice/analysis" and d["status"] == "running"
    )
    states = tab.resource_states("hub/alice/analysis")
    progress = [s["progress"] for s in states if s["status"] == "pending"]
    messages = [s["message"] for s in states if s["status"] == "pending"]
    # The hub's steps arrive one by one, increasing, with their messages.
    assert len(progress) >= 4 and progress == sorted(progress) and progress[-1] >= 74
    assert any("step 2/4" in (m or "") for m in messages)
    assert running["progress"] is None
    assert running["url"] == f"{local_hub.public_url}/user/alice/analysis/"
    assert set(running["actions"]) == {"stop", "open"}
    assert (await fetch_url(running["url"]))[0] == 200  # the link really opens

    # Starting what already runs is a success, not an error.
    again = body(await post(jp_fetch, "alice/analysis"))
    assert again["status"] == "running"

    stopped = body(await jp_fetch(f"{SERVERS}/alice/analysis", method="DELETE"))
    assert stopped["status"] in ("stopping", "stopped")
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/alice/analysis" and d["status"] == "stopped")
    assert "stopping" in [s["status"] for s in tab.resource_states("hub/alice/analysis")]
    # Stopping what is stopped is a success too.
    assert body(await jp_fetch(f"{SERVERS}/alice/analysis", method="DELETE"))["status"] == "stopped"

    removed = await jp_fetch(f"{SERVERS}/alice/analysis", method="DELETE", params={"remove": "1"})
    assert removed.code == 202
    await tab.wait_for(lambda n, d: n == "removed" and d["key"] == "hub/alice/analysis")
    keys = [r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]]
    assert "hub/alice/analysis" not in keys


async def test_progress_route_relays_events_as_they_arrive(jp_fetch: Any) -> None:
    await post(jp_fetch, "bob/relay")
    arrivals: list[tuple[float, Any]] = []
    t0 = time.monotonic()
    parser = SSEParser()

    def on_chunk(chunk: bytes) -> None:
        for event in parser.feed(chunk, time.monotonic() - t0):
            if event.data is not None:
                arrivals.append((event.seen, event.data))

    response = await jp_fetch(f"{SERVERS}/bob/relay/progress", streaming_callback=on_chunk, request_timeout=60)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = [data for _, data in arrivals]
    assert events[-1]["ready"] is True and events[-1]["url"] == "/user/bob/relay/"
    assert [e["progress"] for e in events] == sorted(e["progress"] for e in events)
    # Relayed, not buffered: the steps (0.4 s apart at the hub) reached us spread out in time.
    assert arrivals[-1][0] - arrivals[0][0] > 1.0

    # A running server's stream is a single ready event.
    again = await jp_fetch(f"{SERVERS}/bob/relay/progress", request_timeout=30)
    datas = [event.data for event in SSEParser().feed(again.body) if event.data is not None]
    assert len(datas) == 1 and datas[0]["ready"] is True
    await jp_fetch(f"{SERVERS}/bob/relay", method="DELETE", params={"remove": "1"})


async def test_progress_of_a_server_that_is_not_starting(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    await post(jp_fetch, "carol/idle")
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/carol/idle" and d["status"] == "running")
    stopping = body(await jp_fetch(f"{SERVERS}/carol/idle", method="DELETE"))
    assert stopping["status"] == "stopping"
    # A server that exists but is not starting: the hub's 400 is passed on.
    payload = await expect_error(jp_fetch(f"{SERVERS}/carol/idle/progress"), 400)
    assert "not starting" in payload["message"]
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/carol/idle" and d["status"] == "stopped")
    await expect_error(jp_fetch(f"{SERVERS}/carol/never-made/progress"), 404)
    await jp_fetch(f"{SERVERS}/carol/idle", method="DELETE", params={"remove": "1"})


async def test_a_failed_start_ends_in_error_with_the_hubs_message(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    await post(jp_fetch, "carol/broken", {"userOptions": {"fail": True}})
    failed = await tab.wait_for(
        lambda n, d: n == "resource" and d["key"] == "hub/carol/broken" and d["status"] == "error"
    )
    assert "asked to fail" in failed["message"]
    assert "start" in failed["actions"] and "delete" in failed["actions"]
    # The error stays visible after the next polls (the hub itself just says "stopped").
    await asyncio.sleep(2.5)
    current = {r["key"]: r for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert current["hub/carol/broken"]["status"] == "error"
    await jp_fetch(f"{SERVERS}/carol/broken", method="DELETE", params={"remove": "1"})


async def test_bad_input_gets_400_before_the_hub_is_asked(jp_fetch: Any) -> None:
    for name in ["Bad_Name", "1abc", "a--b", "x" * 31, "trailing-", "sp%20ace"]:
        payload = await expect_error(post(jp_fetch, f"alice/{name}"), 400)
        assert "Invalid server name" in payload["message"]
    for raw in ["{not json", "[1, 2]", '"text"']:
        await expect_error(post(jp_fetch, "alice/ok", raw=raw), 400)
    payload = await expect_error(post(jp_fetch, "alice/ok", {"userOptions": []}), 400)
    assert "userOptions" in payload["message"]
    payload = await expect_error(post(jp_fetch, "alice/ok", {"displayName": "two  spaces"}), 400)
    assert "displayName" in payload["message"]
    payload = await expect_error(post(jp_fetch, "alice/ok", {"colour": "red"}), 400)
    assert "colour" in payload["message"]
    payload = await expect_error(jp_fetch(f"{SERVERS}/alice/ok", method="DELETE", params={"remove": "yes"}), 400)
    payload = await expect_error(jp_fetch(f"{SERVERS}/alice/", method="DELETE", params={"remove": "1"}), 400)
    assert "default server" in payload["message"]


async def test_unknown_users_and_servers_are_404(jp_fetch: Any) -> None:
    await expect_error(post(jp_fetch, "nobody-here/dev"), 404)
    await expect_error(jp_fetch(f"{SERVERS}/bob/no-such-server", method="DELETE"), 404)


async def test_the_hubs_own_refusals_are_passed_on(jp_fetch: Any) -> None:
    # The named-server limit (3 here) is the hub's rule: its message reaches the user.
    for name in ("one", "two", "three"):
        await post(jp_fetch, f"carol/{name}")
    payload = await expect_error(post(jp_fetch, "carol/four"), 400)
    assert "maximum of 3 named servers" in payload["message"]
    for name in ("one", "two", "three"):
        await jp_fetch(f"{SERVERS}/carol/{name}", method="DELETE", params={"remove": "1"})


async def test_starting_a_stopping_server_is_a_conflict(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    await post(jp_fetch, "bob/flip")
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/bob/flip" and d["status"] == "running")
    stopping = body(await jp_fetch(f"{SERVERS}/bob/flip", method="DELETE"))
    assert stopping["status"] == "stopping"
    payload = await expect_error(post(jp_fetch, "bob/flip"), 409)
    assert "stopping" in payload["message"]
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/bob/flip" and d["status"] == "stopped")
    await jp_fetch(f"{SERVERS}/bob/flip", method="DELETE", params={"remove": "1"})


async def test_every_tab_gets_the_same_changes_for_the_cost_of_one(
    jp_fetch: Any, jp_serverapp: Any, open_events: Any
) -> None:
    client = jp_serverapp.web_app.settings["saturn_panel_hub"].client
    first = open_events()
    await first.wait_for(lambda n, d: n == "snapshot")
    before = client.request_count
    tabs = [open_events() for _ in range(20)]
    for tab in tabs:
        await tab.wait_for(lambda n, d: n == "snapshot")
    # Twenty more tabs made no extra hub request: they got the state the engine already had.
    assert client.request_count - before <= 1
    await post(jp_fetch, "alice/shared")
    for tab in [first, *tabs]:
        await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/alice/shared" and d["status"] == "running")
    await jp_fetch(f"{SERVERS}/alice/shared", method="DELETE", params={"remove": "1"})


async def test_no_token_in_any_response_or_log_line(
    jp_fetch: Any, open_events: Any, local_hub: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    tab = open_events()
    await tab.wait_for(lambda n, d: n == "snapshot")
    seen = [
        (await jp_fetch("saturn-panel", "config")).body,
        (await jp_fetch("saturn-panel", "resources")).body,
        (await post(jp_fetch, "bob/secretive")).body,
    ]
    for call in [post(jp_fetch, "alice/Bad_Name"), post(jp_fetch, "nobody/dev")]:
        with pytest.raises(HTTPClientError) as info:
            await call
        seen.append(info.value.response.body)
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == "hub/bob/secretive" and d["status"] == "running")
    await jp_fetch(f"{SERVERS}/bob/secretive", method="DELETE", params={"remove": "1"})
    seen.append(bytes(tab.raw))
    for payload in seen:
        assert local_hub.admin_token.encode() not in payload
    ours = [r for r in caplog.records if not r.getMessage().startswith("Config changed")]
    assert ours, "the server logged nothing: the check would be empty"
    for record in ours:
        assert local_hub.admin_token not in record.getMessage()


async def test_every_route_needs_a_logged_in_user(jp_fetch: Any, jp_http_port: int, jp_base_url: str) -> None:
    from tornado.httpclient import AsyncHTTPClient

    client = AsyncHTTPClient()
    base = f"http://localhost:{jp_http_port}{jp_base_url}saturn-panel/"
    for method, path in [
        ("GET", "config"),
        ("GET", "resources"),
        ("GET", "events"),
        ("POST", "refresh"),
        ("POST", "hub/servers/alice/dev"),
        ("DELETE", "hub/servers/alice/dev"),
        ("GET", "hub/servers/alice/dev/progress"),
        ("POST", "saturn/recipes"),
        ("POST", f"saturn/workspaces/{'a' * 32}/start"),
        ("POST", "saturn/notebook-jobs"),
    ]:
        response = await client.fetch(
            base + path,
            method=method,
            body="{}" if method == "POST" else None,
            raise_error=False,
            request_timeout=10,
        )
        assert response.code == 403, (method, path, response.code)


async def test_a_quiet_stream_still_sends_keepalive_comments(jp_fetch: Any, open_events: Any, monkeypatch: Any) -> None:
    from jupyterlab_saturn_panel import handlers

    monkeypatch.setattr(handlers, "KEEPALIVE_SECONDS", 0.3)  # 15 s in production
    tab = open_events()
    await tab.ready()
    for _ in range(50):
        if b": keepalive\n\n" in tab.raw:
            break
        await asyncio.sleep(0.1)
    assert b": keepalive\n\n" in tab.raw
