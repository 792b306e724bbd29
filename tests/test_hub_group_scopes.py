"""Issue 17, case 2: roles scoped to a group. The panel never refuses what the hub would allow.

JupyterHub's own code is the reference (jupyterhub/scopes.py, 6.1.1): ``_expand_scope`` for the
scopes a scope implies, ``has_scope`` and ``check_scope_filter`` for which user or server a
filtered scope reaches. The unit tests compare ``HubScopes`` with those functions; the others run a
real JupyterHub 6.1.1 with a group ``team`` (alice, bob), carol outside it, and an instructor whose
role holds ``list:users``, ``read:users``, ``read:servers``, ``servers`` and ``access:servers``,
each ``!group=team``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import body, error_of, fetch_url
from jupyterhub import scopes as hub_scopes
from tornado.httpclient import HTTPClientError

from jupyterlab_saturn_panel.hub.scopes import SUBSCOPES, HubScopes, expand_scope
from saturn_panel_demo.local_hub import CONFIG_FILE, LocalHub

SERVERS = "saturn-panel/hub/servers"
TEAM_SCOPES = [f"{s}!group=team" for s in ("list:users", "read:users", "read:servers", "servers", "access:servers")]
#: A teaching assistant who may read everyone but act on the team only: the panel can tell.
TA_SCOPES = ["list:users", "read:users", "servers!group=team"]


# -- the scope logic, against JupyterHub's own functions -----------------------------------------
def test_the_subscope_table_is_jupyterhubs() -> None:
    theirs = {
        name: tuple(spec["subscopes"]) for name, spec in hub_scopes.scope_definitions.items() if spec.get("subscopes")
    }
    assert theirs == SUBSCOPES


@pytest.mark.parametrize("name", sorted(hub_scopes.scope_definitions))
@pytest.mark.parametrize("filter_", ["", "!user=bob", "!server=bob/dev", "!group=team"])
def test_a_scope_implies_what_jupyterhub_expands_it_to(name: str, filter_: str) -> None:
    assert expand_scope(name + filter_) == set(hub_scopes._expand_scope(name + filter_))


def test_broader_scopes_imply_the_server_scopes() -> None:
    # servers -> read/start/delete:servers; admin:servers -> servers; admin:users -> read:users
    for held in (["servers"], ["admin:servers"]):
        scopes = HubScopes(held)
        assert all(scopes.verdict(s, "bob", "dev") is True for s in ("read:servers", "start:servers", "delete:servers"))
    assert HubScopes(["admin:servers!user=bob"]).verdict("start:servers", "bob", "") is True
    assert HubScopes(["admin:users"]).verdict("read:users", "carol") is True
    assert HubScopes(["servers"]).verdict("admin:server_state", "bob", "dev") is False
    assert HubScopes(["read:servers"]).verdict("start:servers", "bob", "dev") is False
    # a JupyterHub 5 whoami has no start:servers: its servers scope still starts
    assert HubScopes(["servers!user=bob"]).allows("start:servers", "bob", "dev")


def test_user_and_server_filters() -> None:
    scopes = HubScopes(["servers!user=bob", "delete:servers!server=alice/dev", "start:servers!server=alice/"])
    assert scopes.verdict("start:servers", "bob", "any") is True
    assert scopes.verdict("start:servers", "bob", "") is True  # the default server is "bob/"
    assert scopes.verdict("delete:servers", "alice", "dev") is True
    assert scopes.verdict("delete:servers", "alice", "other") is False
    assert scopes.verdict("start:servers", "alice", "") is True
    assert scopes.verdict("start:servers", "alice", "dev") is False
    assert scopes.verdict("start:servers", "carol", "dev") is False
    # a server filter does not reach the user (has_scope: server -> user, never user -> server)
    assert scopes.verdict("delete:servers", "alice") is False
    # nor the read:users subscopes (_expand_scope drops them for a !server= filter)
    assert HubScopes(["read:servers!server=alice/dev"]).verdict("read:users:name", "alice") is False
    # an unfiltered scope wins over filtered ones (parse_scopes: Scope.ALL)
    assert HubScopes(["servers!user=bob", "servers"]).verdict("start:servers", "carol", "x") is True
    # filters add up
    both = HubScopes(["servers!user=bob", "servers!user=carol"])
    assert both.verdict("delete:servers", "carol", "x") is True and both.verdict("delete:servers", "dan", "x") is False


def test_group_filters_need_the_users_groups() -> None:
    scopes = HubScopes(TEAM_SCOPES)
    # Not read yet: the panel cannot tell, so it lets the hub judge.
    assert scopes.verdict("start:servers", "bob", "") is None
    assert scopes.allows("start:servers", "bob", "") and scopes.allows("delete:servers", "carol", "x")
    scopes.learn_groups({"kind": "user", "name": "bob", "groups": ["team"]})
    scopes.learn_groups({"kind": "user", "name": "carol", "groups": ["other"]})
    scopes.learn_groups({"kind": "user", "name": "dan", "groups": []})
    assert scopes.verdict("start:servers", "bob", "") is True
    assert scopes.verdict("delete:servers", "bob", "dev") is True
    assert scopes.verdict("start:servers", "carol", "") is False
    assert scopes.verdict("start:servers", "dan", "x") is False
    assert not scopes.allows("start:servers", "carol", "")
    message = scopes.refusal("start:servers", "carol", "", "start")
    assert "lacks the start:servers scope for user carol" in message
    assert "only for group team" in message and "carol is in other" in message
    # a model without groups (the token may not read them) makes them unknown again
    scopes.learn_groups({"kind": "user", "name": "carol"})
    assert scopes.verdict("start:servers", "carol", "") is None
    # a service's model is not a user's
    scopes.learn_groups({"kind": "service", "name": "bob"})
    assert scopes.verdict("start:servers", "bob", "") is True
    # scopes not granted at all stay refused, groups or not
    assert scopes.verdict("admin:server_state", "bob", "") is False


def test_a_token_without_group_filters_remembers_no_groups() -> None:
    scopes = HubScopes(["servers!user=bob"])
    scopes.learn_groups({"kind": "user", "name": "carol", "groups": ["team"]})
    assert scopes._groups == {}
    assert scopes.refusal("start:servers", "carol", "", "start") == (
        "The JupyterHub token may not start carol's servers: it lacks the start:servers scope for user carol"
        " (it holds start:servers only for user bob)."
    )


def test_unexpanded_filters_and_self() -> None:
    # /hub/api/user expands them; an unexpanded list is still never refused where the hub may allow.
    assert HubScopes(["servers!server"]).verdict("start:servers", "bob", "dev") is None
    assert HubScopes(["servers!user"]).verdict("start:servers", "bob", "dev") is None
    owned = HubScopes(["servers!user", "self"], owner="bob")
    assert owned.verdict("start:servers", "bob", "dev") is True
    assert owned.verdict("start:servers", "carol", "dev") is False
    assert HubScopes(["self"], owner="bob").verdict("read:users:groups", "bob") is True


def test_the_identity_brings_its_users_groups() -> None:
    identity = {"kind": "user", "name": "ann", "groups": ["team"], "scopes": [*TEAM_SCOPES, 42]}
    scopes = HubScopes.of_identity(identity)
    assert scopes.verdict("start:servers", "ann", "") is True
    assert scopes.missing_for_own_servers("ann") == []
    outside = HubScopes.of_identity({**identity, "groups": []})
    assert outside.missing_for_own_servers("ann") == ["read:servers", "start:servers", "delete:servers"]
    # a token for some of its user's servers lacks nothing for "its own servers"
    one = HubScopes.of_identity({"kind": "user", "name": "ann", "scopes": ["servers!server=ann/dev"]})
    assert one.missing_for_own_servers("ann") == []


FILTERS = ["", "!user=alice", "!user=carol", "!server=alice/dev", "!server=alice/", "!group=team", "!group=other"]
GROUPS = {"alice": ["team"], "bob": ["team", "other"], "carol": []}


@pytest.mark.parametrize("held", ["servers", "admin:servers", "start:servers", "delete:servers", "read:servers"])
def test_filters_reach_what_jupyterhubs_check_scope_filter_reaches(held: str) -> None:
    """Every combination of one or two filters, every user and server, checked against
    ``check_scope_filter`` (what the hub's handlers use, with the user's groups known)."""
    orm_groups = {u: [SimpleNamespace(name=g) for g in gs] for u, gs in GROUPS.items()}
    for combo in itertools.chain(itertools.combinations(FILTERS, 1), itertools.combinations(FILTERS, 2)):
        raw = [held + f for f in combo]
        expanded = hub_scopes.expand_scopes(raw)
        parsed = hub_scopes.parse_scopes(expanded)
        ours = HubScopes(raw)
        for user, groups in GROUPS.items():
            ours.learn_groups({"kind": "user", "name": user, "groups": groups})
        for scope, user, server in itertools.product(
            ["read:servers", "start:servers", "delete:servers"], GROUPS, ["", "dev", "other"]
        ):
            spawner = SimpleNamespace(name=server, user=SimpleNamespace(name=user, groups=orm_groups[user]))
            theirs = scope in parsed and bool(hub_scopes.check_scope_filter(parsed[scope], spawner, "server"))
            assert ours.verdict(scope, user, server) is theirs, (raw, scope, user, server)
            if "group" not in "".join(combo):
                # and has_scope, which needs no database without group filters
                assert bool(hub_scopes.has_scope(f"{scope}!server={user}/{server}", expanded)) is theirs


# -- a real hub with a group-scoped role ------------------------------------------------------------
@pytest.fixture(scope="module")
def team_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    workdir = tmp_path_factory.mktemp("team-hub")
    config = workdir / "team_config.py"
    config.write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(CONFIG_FILE)!r})  # noqa: F821\n"
        "c.JupyterHub.load_groups = {'team': {'users': ['alice', 'bob']}}\n"
        "c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [\n"
        f"    {{'name': 'instructor', 'users': ['instructor'], 'scopes': {TEAM_SCOPES!r}}},\n"
        f"    {{'name': 'assistant', 'users': ['ta'], 'scopes': {TA_SCOPES!r}}},\n"
        "]\n"
    )
    hub = LocalHub(
        workdir,
        users=("alice", "bob", "carol", "instructor", "ta"),
        admins=(),
        step_delay=0.2,
        steps=2,
        stop_delay=0.5,
        singleuser="mocksu",
        config_file=config,
    )
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def instructor_token(team_hub: LocalHub) -> str:
    return team_hub.create_token("instructor", TEAM_SCOPES, note="instructor")


@pytest.fixture
def token(instructor_token: str) -> str:
    return instructor_token


@pytest.fixture
def panel_config(team_hub: LocalHub, token: str) -> dict[str, Any]:
    return {
        "hub_api_url": team_hub.api_url,
        "hub_api_token": token,
        "hub_public_url": team_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
        "request_timeout": 10.0,
    }


async def hub_server(hub: LocalHub, user: str, name: str, *, ready: bool, timeout: float = 30.0) -> None:
    """Wait until the hub itself says the server is ready (or gone/stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, model = await fetch_url(f"{hub.api_url}/users/{user}", hub.admin_token)
        server = (model.get("servers") or {}).get(name) if status == 200 else None
        if bool(server and server.get("ready")) if ready else not server:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{user}/{name} not {'ready' if ready else 'stopped'} in {timeout} s")


async def expect_error(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HTTPClientError) as info:
        await call
    return error_of(info.value)


async def test_the_hub_sees_group_filters_as_they_are(team_hub: LocalHub, instructor_token: str) -> None:
    status, who = await fetch_url(f"{team_hub.api_url}/user", instructor_token)
    assert status == 200 and who["name"] == "instructor" and who["groups"] == []
    # subscopes expanded with the filter; the group filter itself is not resolved into users
    assert {"start:servers!group=team", "delete:servers!group=team", "read:users:groups!group=team"} <= set(
        who["scopes"]
    )
    assert not any("user=alice" in s or "user=bob" in s for s in who["scopes"])
    # the hub's own answers to this token: a user outside the group is "not found", not "forbidden"
    status, refused = await fetch_url(f"{team_hub.api_url}/users/carol/server", instructor_token, method="POST")
    assert (status, refused["message"]) == (404, "No access to resources or resources not found")


async def test_an_instructor_acts_on_the_team_and_the_hub_judges_the_rest(
    jp_fetch: Any, open_events: Any, team_hub: LocalHub, instructor_token: str
) -> None:
    # alice's server runs (started by the admin); bob's is stopped.
    status, _ = await fetch_url(f"{team_hub.api_url}/users/alice/servers/dev", team_hub.admin_token, method="POST")
    assert status in (201, 202)
    await hub_server(team_hub, "alice", "dev", ready=True)

    hub = body(await jp_fetch("saturn-panel", "config"))["hub"]
    assert hub["user"] == "instructor" and hub["missingScopes"] == [] and hub["message"] is None
    assert hub["abilities"] == {
        "listAllUsers": True,
        "start": True,
        "stop": True,
        "delete": True,
        "share": False,
        "shareWithNames": False,
        "shareWithUsers": False,
        "shareWithGroups": False,
    }

    tab = open_events()
    await tab.ready()
    rows = {r["key"]: r for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert rows["hub/alice/dev"]["status"] == "running" and "stop" in rows["hub/alice/dev"]["actions"]
    # the instructor's own server: not in team, and the panel knows it (its groups come with /user)
    assert rows["hub/instructor/"]["actions"] == []
    found = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "bob"}))["users"]
    assert [u["name"] for u in found] == ["bob"]
    assert found[0]["servers"][0]["key"] == "hub/bob/" and found[0]["servers"][0]["actions"] == ["start"]
    # the hub lists only the team to this token: carol is not found
    assert body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "carol"}))["users"] == []

    started = await jp_fetch(f"{SERVERS}/bob/", method="POST", body="{}")
    assert started.code == 202 and body(started)["status"] in ("pending", "running")
    await tab.wait_resource("hub/bob/", lambda r: r["status"] == "running" and "stop" in r["actions"])
    await hub_server(team_hub, "bob", "", ready=True)

    stopped = await jp_fetch(f"{SERVERS}/alice/dev", method="DELETE")
    assert stopped.code == 202 and body(stopped)["status"] in ("stopping", "stopped")
    await tab.wait_resource("hub/alice/dev", lambda r: r["status"] == "stopped" and "start" in r["actions"])
    await hub_server(team_hub, "alice", "dev", ready=False)

    # carol is not in team and the panel cannot read her groups: it asks, and relays the hub's answer
    for path in ("carol/", "carol/lab"):
        status, error = await expect_error(jp_fetch(f"{SERVERS}/{path}", method="POST", body="{}"))
        assert status == 404, error
        assert "No access to resources or resources not found" in error["message"], error
    status, hubs_own = await fetch_url(f"{team_hub.api_url}/users/carol/server", instructor_token, method="POST")
    assert status == 404 and hubs_own["message"] in error["message"]
    status, error = await expect_error(jp_fetch(f"{SERVERS}/carol/", method="DELETE"))
    assert status == 404 and "No access to resources" in error["message"]
    _, carol = await fetch_url(f"{team_hub.api_url}/users/carol", team_hub.admin_token)
    assert carol["servers"] == {}  # nothing was started behind the refusal

    await jp_fetch(f"{SERVERS}/bob/", method="DELETE")
    await hub_server(team_hub, "bob", "", ready=False)


class TestAnAssistantWhoMayReadEveryone:
    """``list:users`` and ``read:users`` for everyone, ``servers!group=team``: the panel reads
    carol's groups, so it can tell the hub would refuse her servers, and says why."""

    @pytest.fixture
    def token(self, team_hub: LocalHub) -> str:
        return team_hub.create_token("ta", TA_SCOPES, note="assistant")

    async def test_rows_offer_what_the_group_allows(self, jp_fetch: Any, team_hub: LocalHub) -> None:
        found = body(await jp_fetch("saturn-panel", "hub", "users", params={"search": "", "limit": "50"}))["users"]
        actions = {u["name"]: u["servers"][0]["actions"] for u in found}
        assert actions["alice"] == ["start"] and actions["bob"] == ["start"]
        assert actions["carol"] == [] and actions["instructor"] == [] and actions["ta"] == []

        status, error = await expect_error(jp_fetch(f"{SERVERS}/carol/", method="POST", body="{}"))
        assert status == 403
        assert "start:servers" in error["message"] and "only for group team" in error["message"]
        assert "carol is in no group" in error["message"]
        _, carol = await fetch_url(f"{team_hub.api_url}/users/carol", team_hub.admin_token)
        assert carol["servers"] == {}

        started = await jp_fetch(f"{SERVERS}/alice/", method="POST", body="{}")
        assert started.code == 202
        await hub_server(team_hub, "alice", "", ready=True)
        stopped = await jp_fetch(f"{SERVERS}/alice/", method="DELETE")
        assert stopped.code == 202
        await hub_server(team_hub, "alice", "", ready=False)
