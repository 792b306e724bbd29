"""Issue 20: JupyterHub 5+ shares through the panel, against a real JupyterHub 6.1.1.

The module's hub is the demo's (demo/saturn_panel_demo/jupyterhub_config.py, which turns sharing
on: users hold ``shares!user``, ``read:users:name`` and ``read:groups:name``) plus a group ``team``
(dan). alice's server ``dev`` is a real single-user JupyterLab, so access through the hub's proxy
is judged as a deployment judges it: the single-user server asks the hub for the token's scopes
(``access:servers!server=alice/dev``, which a share grants). A single-user server remembers what
the hub said of a token for minutes, so each check after a change uses a token of its own.

alice's panel (a jupyter_server with a token like her server's) shares ``dev`` with bob; bob's
panel lists it under shared-with-me and its link opens; carol accepts a link alice made through
the hub's own accept page, logged in with the hub's login form; revoking takes access away.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from conftest import REPO, body, error_of
from tornado.httpclient import HTTPClientError

from jupyterlab_saturn_panel.hub.shares import SHARE_SCOPES
from saturn_panel_demo.local_hub import CONFIG_FILE, LocalHub

SERVER = ("saturn-panel", "hub", "servers", "alice", "dev")
COMPONENTS = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text(encoding="utf-8"))["components"]


def documented(answer: Any, schema: str) -> Any:
    """``answer`` when it matches docs/openapi.yaml's ``schema`` (what the frontend is built on)."""
    jsonschema.validate(
        answer,
        {"components": COMPONENTS, "$ref": f"#/components/schemas/{schema}"},
        cls=jsonschema.Draft202012Validator,
    )
    return answer


def own_scopes(user: str, *, shares: bool = True, names: bool = True) -> list[str]:
    """What a user's server token holds with the demo's server_token_scopes, narrowed to tests."""
    scopes = [f"{s}!user={user}" for s in ("read:users", "read:servers", "servers", "access:servers")]
    if shares:
        scopes.append(f"shares!user={user}")
    if names:
        scopes += ["read:users:name", "read:groups:name"]
    return scopes


@pytest.fixture(scope="module")
def share_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    workdir = tmp_path_factory.mktemp("share-hub")
    config = workdir / "share_config.py"
    config.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(CONFIG_FILE)!r})  # noqa: F821\n"
        "c.JupyterHub.load_groups = {'team': {'users': ['dan']}}\n"
    )
    hub = LocalHub(
        workdir,
        users=("alice", "bob", "carol", "dan"),
        admins=(),
        step_delay=0.1,
        steps=1,
        stop_delay=0.0,
        singleuser="lab",  # a real single-user server: it checks every request's scopes
        config_file=config,
    )
    hub.start()
    try:
        status, reply = hub.api("POST", "users/alice/servers/dev")
        assert status in (201, 202), reply
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            _, model = hub.api("GET", "users/alice")
            if model["servers"].get("dev", {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"alice/dev did not start:\n{hub.log_tail()}")
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def tokens(share_hub: LocalHub) -> dict[str, str]:
    return {
        "alice": share_hub.create_token("alice", own_scopes("alice"), note="alice-panel"),
        "bob": share_hub.create_token("bob", own_scopes("bob"), note="bob-panel"),
        "no-shares": share_hub.create_token("alice", own_scopes("alice", shares=False), note="no-shares"),
        "links-only": share_hub.create_token("alice", own_scopes("alice", names=False), note="links-only"),
    }


@pytest.fixture
def who() -> str:
    """Whose panel the test talks to (a key of ``tokens``); classes override it."""
    return "alice"


@pytest.fixture
def panel_config(share_hub: LocalHub, tokens: dict[str, str], who: str) -> dict[str, Any]:
    return {
        "hub_api_url": share_hub.api_url,
        "hub_api_token": tokens[who],
        "hub_public_url": share_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
        "request_timeout": 10.0,
    }


async def expect_error(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HTTPClientError) as info:
        await call
    return error_of(info.value)


async def post(jp_fetch: Any, *path: str, payload: Any = None) -> Any:
    return body(await jp_fetch(*path, method="POST", body=json.dumps(payload if payload is not None else {})))


async def through_proxy(hub: LocalHub, url: str, user: str) -> int:
    """The status of ``url`` (alice's server) for a new token of ``user`` with all their scopes,
    shares included: what a browser of theirs is let through with."""
    token = await asyncio.to_thread(hub.create_token, user, ["inherit"], f"{user}-{time.monotonic()}")
    async with httpx.AsyncClient(timeout=30.0) as client:
        response = await client.get(url, headers={"Authorization": f"token {token}"})
    return response.status_code


def dev_url(hub: LocalHub, path: str = "api/me") -> str:
    return f"{hub.public_url}/user/alice/dev/{path}"


def hub_grant(hub: LocalHub, **target: str) -> None:
    status, reply = hub.api("POST", "shares/alice/dev", target)
    assert status == 200, reply


# -- alice's panel: she holds shares!user and may read names ----------------------------------------
async def test_config_says_alice_may_share_by_name(jp_fetch: Any) -> None:
    hub = documented(body(await jp_fetch("saturn-panel", "config"))["hub"], "HubConfig")
    assert hub["user"] == "alice"
    abilities = hub["abilities"]
    assert abilities["share"] is True and abilities["shareWithNames"] is True
    assert abilities["shareWithUsers"] is True and abilities["shareWithGroups"] is True
    assert hub["shareScopes"] == list(SHARE_SCOPES)
    assert hub["sharingHint"] is None


async def test_alice_shares_dev_with_bob_through_the_panel(jp_fetch: Any, share_hub: LocalHub) -> None:
    share = documented(await post(jp_fetch, *SERVER, "shares", payload={"user": "bob"}), "Share")
    assert share["kind"] == "user" and share["user"] == "bob" and share["group"] is None
    assert share["scopes"] == ["access:servers!server=alice/dev"]  # the hub's default
    assert share["server"] == {
        "key": "hub/alice/dev",
        "owner": "alice",
        "name": "dev",
        "ready": True,
        "status": "running",
        "url": f"{share_hub.public_url}/user/alice/dev/",
    }
    listed = documented(body(await jp_fetch(*SERVER, "shares")), "ShareList")["shares"]
    assert [s["user"] for s in listed] == ["bob"]
    everything = documented(body(await jp_fetch("saturn-panel", "hub", "shares", "alice")), "OwnerShares")
    assert [s["user"] for s in everything["shares"]] == ["bob"] and everything["codes"] == []
    # the hub agrees, and bob reaches alice's server through the proxy
    status, hub_view = share_hub.api("GET", "shares/alice/dev")
    assert status == 200 and [s["user"]["name"] for s in hub_view["items"]] == ["bob"]
    assert await through_proxy(share_hub, dev_url(share_hub), "bob") == 200


async def test_share_scopes_are_the_hubs_permission_choices(jp_fetch: Any, share_hub: LocalHub) -> None:
    # access plus start/stop (the hub's "servers" for this one server)
    share = await post(jp_fetch, *SERVER, "shares", payload={"user": "carol", "scopes": ["servers", "access:servers"]})
    assert sorted(share["scopes"]) == ["access:servers!server=alice/dev", "servers!server=alice/dev"]
    remaining = body(await jp_fetch(*SERVER, "shares", method="DELETE", params={"withUser": "carol"}))["shares"]
    assert "carol" not in [s["user"] for s in remaining]


async def test_a_group_share(jp_fetch: Any, share_hub: LocalHub) -> None:
    share = documented(await post(jp_fetch, *SERVER, "shares", payload={"group": "team"}), "Share")
    assert share["kind"] == "group" and share["group"] == "team" and share["user"] is None
    assert "team" in [s["group"] for s in body(await jp_fetch(*SERVER, "shares"))["shares"]]
    status, shared = share_hub.api("GET", "users/dan/shared")
    assert status == 200 and [s["server"]["name"] for s in shared["items"]] == ["dev"]
    # JupyterHub 6.1.1 lists it as shared with dan, but a token of dan's (an API token, or the
    # OAuth token a browser gets for the server) does not carry it: scopes.get_scopes_for adds
    # only the shares made to the user (owner.shared_with_me) to a token's owner scopes, not those
    # made to their groups. Pinned, so a hub that changes it is noticed.
    token = share_hub.create_token("dan", ["inherit"], note="dan")
    status, me = share_hub.api("GET", "user", token=token)
    assert status == 200 and "access:servers!server=alice/dev" not in me["scopes"]
    assert await through_proxy(share_hub, dev_url(share_hub), "dan") == 403
    remaining = body(await jp_fetch(*SERVER, "shares", method="DELETE", params={"withGroup": "team"}))["shares"]
    assert all(s["kind"] == "user" for s in remaining)
    status, shared = share_hub.api("GET", "users/dan/shared")
    assert status == 200 and shared["items"] == []


class TestBob:
    @pytest.fixture
    def who(self) -> str:
        return "bob"

    async def test_bob_lists_it_under_shared_with_me_opens_it_and_leaves(
        self, jp_fetch: Any, share_hub: LocalHub
    ) -> None:
        hub_grant(share_hub, user="bob")  # whatever the tests before did
        mine = documented(body(await jp_fetch("saturn-panel", "hub", "shared")), "SharedWithMe")
        assert mine["user"] == "bob"
        [shared] = [s for s in mine["shared"] if s["server"]["key"] == "hub/alice/dev"]
        assert shared["server"]["owner"] == "alice" and shared["server"]["status"] == "running"
        assert shared["user"] == "bob" and shared["kind"] == "user"
        # the link the panel gives opens alice's server for bob
        assert await through_proxy(share_hub, shared["server"]["url"] + "api/me", "bob") == 200
        # bob leaves the share: the hub no longer lets him in
        left = body(await jp_fetch("saturn-panel", "hub", "shared", "alice", "dev", method="DELETE"))
        assert left == {"user": "bob", "shared": []}
        assert await through_proxy(share_hub, dev_url(share_hub), "bob") == 403
        # leaving what is not shared with him: the hub's 404, in its words
        status, error = await expect_error(jp_fetch("saturn-panel", "hub", "shared", "alice", "dev", method="DELETE"))
        assert status == 404 and "No such share for user bob on alice/dev" in error["message"]
        # bob may not list alice's shares: the hub answers as if there were none to see (404)
        status, error = await expect_error(jp_fetch(*SERVER, "shares"))
        assert status == 404 and "JupyterHub has no such user or server" in error["message"], error


async def login(client: httpx.AsyncClient, user: str) -> None:
    """Log in through the hub's own form (DummyAuthenticator), with the hub's xsrf token."""
    page = await client.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
    assert xsrf, page.text[:500]
    response = await client.post("/hub/login", data={"username": user, "password": "any", "_xsrf": xsrf[1]})
    assert response.status_code == 302, response.text[:500]


async def test_a_link_made_by_alice_accepted_by_carol(
    jp_fetch: Any, share_hub: LocalHub, caplog: pytest.LogCaptureFixture
) -> None:
    made = await jp_fetch(*SERVER, "share-codes", method="POST", body=json.dumps({"expiresIn": 600}))
    assert made.code == 201 and made.headers["Cache-Control"] == "no-store"
    code = documented(body(made), "NewShareCode")
    assert code["id"].startswith("sc_") and code["code"] and code["exchangeCount"] == 0
    assert code["acceptUrl"].startswith("/hub/accept-share?code=")
    assert code["fullAcceptUrl"] == share_hub.public_url + code["acceptUrl"]
    assert code["scopes"] == ["access:servers!server=alice/dev"]
    # listed by id, never with the code
    [listed] = documented(body(await jp_fetch(*SERVER, "share-codes")), "ShareCodeList")["codes"]
    assert listed["id"] == code["id"] and "code" not in listed and code["code"] not in json.dumps(listed)

    assert await through_proxy(share_hub, dev_url(share_hub), "carol") == 403  # not before accepting
    async with httpx.AsyncClient(base_url=share_hub.public_url, timeout=30.0) as carol:
        await login(carol, "carol")
        page = await carol.get(code["fullAcceptUrl"])
        assert page.status_code == 200 and "alice" in page.text
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text)
        assert xsrf
        accepted = await carol.post("/hub/accept-share", data={"code": code["code"], "_xsrf": xsrf[1]})
        assert accepted.status_code == 302 and accepted.headers["location"].endswith("/user/alice/dev/")
    assert await through_proxy(share_hub, dev_url(share_hub), "carol") == 200
    [used] = body(await jp_fetch(*SERVER, "share-codes"))["codes"]
    assert used["exchangeCount"] == 1 and used["lastExchangedAt"]
    assert "carol" in [s["user"] for s in body(await jp_fetch(*SERVER, "shares"))["shares"]]
    # revoking the link by id leaves carol's share (the hub made it) in place
    left = body(await jp_fetch(*SERVER, "share-codes", method="DELETE", params={"id": code["id"]}))
    assert left == {"codes": []}
    status, error = await expect_error(jp_fetch(*SERVER, "share-codes", method="DELETE", params={"id": code["id"]}))
    assert status == 404 and f"No code found matching id={code['id']}" in error["message"]
    # the code never reached a log line of the panel's
    assert code["code"] not in caplog.text


async def test_revoking_removes_access(jp_fetch: Any, share_hub: LocalHub) -> None:
    await post(jp_fetch, *SERVER, "shares", payload={"user": "bob"})
    await post(jp_fetch, *SERVER, "shares", payload={"user": "carol"})
    assert await through_proxy(share_hub, dev_url(share_hub), "bob") == 200
    remaining = body(await jp_fetch(*SERVER, "shares", method="DELETE", params={"withUser": "bob"}))["shares"]
    assert [s["user"] for s in remaining] == ["carol"]
    assert await through_proxy(share_hub, dev_url(share_hub), "bob") == 403
    assert await through_proxy(share_hub, dev_url(share_hub), "carol") == 200
    assert body(await jp_fetch(*SERVER, "shares", method="DELETE", params={"all": "1"})) == {"shares": []}
    assert await through_proxy(share_hub, dev_url(share_hub), "carol") == 403
    # and every link at once
    await post(jp_fetch, *SERVER, "share-codes")
    await post(jp_fetch, *SERVER, "share-codes", payload={"expiresIn": 60, "scopes": ["access:servers"]})
    assert len(body(await jp_fetch(*SERVER, "share-codes"))["codes"]) == 2
    assert body(await jp_fetch(*SERVER, "share-codes", method="DELETE", params={"all": "1"})) == {"codes": []}


BAD_SHARES = [
    {},
    {"user": "bob", "group": "team"},
    {"user": ""},
    {"user": 42},
    {"user": "bo\nb"},
    {"user": " bob"},
    {"user": "b" * 256},
    {"user": "bob", "scopes": []},
    {"user": "bob", "scopes": ["admin:users"]},
    {"user": "bob", "scopes": ["access:servers!server=carol/x"]},
    {"user": "bob", "scopes": "access:servers"},
    {"user": "bob", "other": 1},
]
BAD_CODES = [
    {"expiresIn": 59},
    {"expiresIn": 525600 * 60 + 1},
    {"expiresIn": "600"},
    {"expiresIn": True},
    {"expiresIn": 600.5},
    {"scopes": ["tokens"]},
    {"code": "mine"},
]


@pytest.mark.parametrize("payload", BAD_SHARES, ids=repr)
async def test_a_bad_share_body_is_a_400(jp_fetch: Any, payload: dict[str, Any]) -> None:
    status, error = await expect_error(jp_fetch(*SERVER, "shares", method="POST", body=json.dumps(payload)))
    assert status == 400 and error["message"]


@pytest.mark.parametrize("payload", BAD_CODES, ids=repr)
async def test_a_bad_link_body_is_a_400(jp_fetch: Any, payload: dict[str, Any]) -> None:
    status, error = await expect_error(jp_fetch(*SERVER, "share-codes", method="POST", body=json.dumps(payload)))
    assert status == 400 and error["message"]


async def test_bad_queries_and_names_are_400s(jp_fetch: Any) -> None:
    for params in (
        {},
        {"withUser": "bob", "withGroup": "team"},
        {"withUser": "bob", "all": "1"},
        {"all": "2"},
        {"withUser": ""},
        {"user": "bob"},
    ):
        status, error = await expect_error(jp_fetch(*SERVER, "shares", method="DELETE", params=params))
        assert status == 400 and error["message"], params
    for params in ({}, {"id": "12"}, {"id": "sc_x"}, {"id": "sc_1", "all": "1"}, {"code": "secret"}):
        status, error = await expect_error(jp_fetch(*SERVER, "share-codes", method="DELETE", params=params))
        assert status == 400 and error["message"], params
    # a user the hub does not know: its 400, in its words
    status, error = await expect_error(
        jp_fetch(*SERVER, "shares", method="POST", body=json.dumps({"user": "nobody-here"}))
    )
    assert status == 400 and "No such user: nobody-here" in error["message"]
    status, error = await expect_error(jp_fetch("saturn-panel", "hub", "servers", "alice", "nope", "shares"))
    assert status == 404 and "No such server: alice/nope" in error["message"]


class TestNoShares:
    """A token without ``shares``: no Share action, the hint that turns it on, the hub's 403."""

    @pytest.fixture
    def who(self) -> str:
        return "no-shares"

    async def test_the_action_is_refused_in_the_hubs_words(self, jp_fetch: Any) -> None:
        hub = documented(body(await jp_fetch("saturn-panel", "config"))["hub"], "HubConfig")
        assert hub["abilities"]["share"] is False and hub["abilities"]["shareWithNames"] is False
        assert hub["shareScopes"] == []
        assert "shares!user" in hub["sharingHint"] and "c.JupyterHub.load_roles" in hub["sharingHint"]
        status, error = await expect_error(jp_fetch(*SERVER, "shares", method="POST", body=json.dumps({"user": "bob"})))
        assert status == 403
        assert "JupyterHub refused to share alice/dev with user bob" in error["message"]
        assert "requires any of [shares]" in error["message"]
        assert "load_roles" in error["hint"]
        status, error = await expect_error(jp_fetch(*SERVER, "share-codes", method="POST", body="{}"))
        assert status == 403 and "shares" in error["message"]


class TestLinksOnly:
    """``shares!user`` without ``read:users:name``: links, but not sharing by name."""

    @pytest.fixture
    def who(self) -> str:
        return "links-only"

    async def test_links_work_names_do_not(self, jp_fetch: Any) -> None:
        hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
        assert hub["abilities"]["share"] is True and hub["abilities"]["shareWithNames"] is False
        assert "read:users:name" in hub["sharingHint"]
        status, error = await expect_error(jp_fetch(*SERVER, "shares", method="POST", body=json.dumps({"user": "bob"})))
        assert status == 403 and "Need scope 'read:users:name' to share with users by name" in error["message"]
        made = await jp_fetch(*SERVER, "share-codes", method="POST", body="{}")
        assert made.code == 201 and body(made)["code"]
        await jp_fetch(*SERVER, "share-codes", method="DELETE", params={"all": "1"})
