"""The Saturn Cloud half of the contract against the simulator (reference/saturn-api.md)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from conftest import body, error_of, fetch_url, saturn_only_config
from tornado.httpclient import HTTPClientError

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator
from saturn_panel_demo.local_hub import free_port

#: A faster clock for most tests: the simulator's rule window and our interval shrink together.
FAST = 1.0


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=2.0, min_status_interval=FAST)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, FAST, saturn_admin_token=SATURN_ADMIN_TOKEN, request_timeout=10.0)


async def sim_api(simulator: Any, path: str, method: str = "GET") -> Any:
    """The simulator's own API with the admin token (what the test sees behind the panel)."""
    status, payload = await fetch_url(f"{simulator.url}{path}", SATURN_ADMIN_TOKEN, method)
    assert status < 300, payload
    return payload


async def expect(call: Any, status: int) -> dict[str, Any]:
    with pytest.raises(HTTPClientError) as info:
        await call
    code, payload = error_of(info.value)
    assert code == status, payload
    assert payload["message"]
    return payload


async def by_name(jp_fetch: Any) -> dict[str, dict[str, Any]]:
    resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
    return {r["name"]: r for r in resources if r["backend"] == "saturn"}


async def test_config_and_the_seeded_resources(jp_fetch: Any) -> None:
    config = body(await jp_fetch("saturn-panel", "config"))
    saturn = config["saturn"]
    assert saturn["configured"] and saturn["reachable"] and saturn["user"] == "alice"
    assert saturn["abilities"]["createForOthers"] is True and saturn["message"] is None
    assert config["hub"]["configured"] is False and "hub_api_url" in config["hub"]["hint"]
    text = json.dumps(config)
    assert SATURN_USER_TOKEN not in text and SATURN_ADMIN_TOKEN not in text

    resources = await by_name(jp_fetch)
    assert {"analysis", "gpu-training", "r-reports", "nightly-report", "train-model"} <= set(resources)
    assert "bob-sandbox" not in resources  # alice's token sees alice's resources
    analysis = resources["analysis"]
    assert analysis["kind"] == "workspace" and analysis["status"] == "running"
    assert analysis["key"] == f"saturn/workspace/{analysis['id']}" and len(analysis["id"]) == 32
    assert analysis["url"].startswith("http://127.0.0.1:") and analysis["url"].endswith("/ide/alice/analysis/lab")
    assert set(analysis["actions"]) == {"stop", "open"}
    assert analysis["details"]["size"] and analysis["owner"] == "alice"
    assert resources["r-reports"]["details"]["ide"] == "rstudio"
    job = resources["nightly-report"]
    assert job["kind"] == "job" and "run" in job["actions"]
    assert job["details"]["runs"] and job["details"]["runs"][0]["status"] == "completed"


async def test_start_shows_an_estimate_then_running_and_stop(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.wait_for(lambda n, d: n == "snapshot")
    workspace = (await by_name(jp_fetch))["gpu-training"]
    key = workspace["key"]
    started = body(await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body=""))
    assert started["status"] == "pending" and started["progressEstimated"] is True
    running = await tab.wait_for(lambda n, d: n == "resource" and d["key"] == key and d["status"] == "running")
    pending = [s for s in tab.resource_states(key) if s["status"] == "pending"]
    # No start of this size seen yet: no made-up estimate, the time so far instead.
    assert all(s["progressEstimated"] and s["progress"] is None for s in pending)
    assert all("so no estimate" in s["message"] for s in pending)
    assert all("Saturn status: pending" in s["message"] for s in pending)
    assert (await fetch_url(running["url"]))[0] == 200  # "Open IDE" really opens
    # Starting what runs is a success.
    again = body(await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body=""))
    assert again["status"] == "running"
    stopping = body(await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/stop", method="POST", body=""))
    assert stopping["status"] in ("stopping", "stopped")
    await tab.wait_for(lambda n, d: n == "resource" and d["key"] == key and d["status"] == "stopped")

    # The second start's estimate comes from how long the first took.
    await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body="")
    second = await tab.wait_for(
        lambda n, d: n == "resource" and d["key"] == key and d["status"] == "pending" and "last start" in d["message"]
    )
    assert second["progressEstimated"] is True and 0 <= second["progress"] <= 98
    assert second["details"]["gpus"] == 1 and second["details"]["gpuType"] == "T4"  # Saturn's sizes say so
    await tab.wait_for(
        lambda n, d: n == "resource" and d["key"] == key and d["status"] == "running" and d is not running
    )
    await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/stop", method="POST", body="")


async def test_a_failed_start_shows_error(jp_fetch: Any, open_events: Any, simulator: Any) -> None:
    tab = open_events()
    await tab.ready()
    workspace = (await by_name(jp_fetch))["r-reports"]
    await sim_api(simulator, f"/_simulator/fail-next-start/{workspace['id']}", method="POST")
    await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body="")
    failed = await tab.wait_for(
        lambda n, d: n == "resource" and d["key"] == workspace["key"] and d["status"] == "error"
    )
    assert "start" in failed["actions"]


async def test_bad_and_unknown_ids(jp_fetch: Any) -> None:
    for bad in ["not-hex", "0" * 31, "A" * 32, "g" * 32]:
        payload = await expect(jp_fetch(f"saturn-panel/saturn/workspaces/{bad}/start", method="POST", body=""), 400)
        assert "32 lower-case hexadecimal" in payload["message"]
    await expect(jp_fetch(f"saturn-panel/saturn/workspaces/{'0' * 32}/start", method="POST", body=""), 404)
    await expect(jp_fetch(f"saturn-panel/saturn/jobs/{'0' * 32}/start", method="POST", body=""), 404)
    await expect(jp_fetch("saturn-panel/saturn/jobs/xyz/runs"), 400)


RECIPE = {
    "schema_version": "2025.10.01",
    "type": "workspace",
    "spec": {"name": "from-recipe", "image": "saturncloud/saturn-python:2024.08.01", "instance_type": "large"},
}


async def test_create_from_recipe_and_every_bad_recipe(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    created = body(await jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": RECIPE})))
    # The answer is the created Resource, keyed as every later event about it will be.
    assert len(created["id"]) == 32 and created["name"] == "from-recipe" and created["kind"] == "workspace"
    assert created["key"] == f"saturn/workspace/{created['id']}" and created["status"] == "stopped"
    appeared = await tab.wait_resource(created["key"])
    assert appeared["status"] == "stopped" and appeared["name"] == "from-recipe"
    payload = await expect(
        jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": RECIPE})), 409
    )

    cases = {
        "spec.instance_type": {**RECIPE, "spec": {"name": "x", "image": "a/b:c"}},
        "spec.command": {**RECIPE, "type": "job", "spec": {**RECIPE["spec"], "name": "j"}},
        "recipe.type": {"spec": RECIPE["spec"]},
        "workspace, job or deployment": {**RECIPE, "type": "cluster"},
        "recipe.spec is required": {"type": "workspace"},
        "exactly one of jupyter_server": {"name": "two", "jupyter_server": {}, "job": {}},
        "recipe.name is required": {"jupyter_server": {"instance_type": "large"}},
        "spec.name may only": {**RECIPE, "spec": {**RECIPE["spec"], "name": "no spaces"}},
        "spec.ide": {**RECIPE, "spec": {**RECIPE["spec"], "ide": "vscode"}},
        "must be a JSON object": [1, 2],
    }
    for expected, recipe in cases.items():
        payload = await expect(
            jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": recipe})), 400
        )
        assert expected in payload["message"], (expected, payload)
    await expect(jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({})), 400)
    await expect(jp_fetch("saturn-panel/saturn/recipes", method="POST", body="{oops"), 400)
    payload = await expect(
        jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": RECIPE, "user": "Bad User"})),
        400,
    )
    assert "Invalid Saturn Cloud user" in payload["message"]


# Saturn's recipe repository (seed 000) writes recipes in the older flat format.
LEGACY_RECIPE = {
    "name": "legacy-demo",
    "image": {"owner": "saturncloud", "name": "saturn-python", "version": "2024.08.01"},
    "jupyter_server": {"instance_type": "large"},
    "schema_version": "2022.08.01",
}


async def test_older_format_recipes_are_created_and_saturns_refusal_is_passed_on(jp_fetch: Any, simulator: Any) -> None:
    mine = body(
        await jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": LEGACY_RECIPE}))
    )
    assert mine["kind"] == "workspace" and mine["name"] == "legacy-demo" and mine["owner"] == "alice"
    assert mine["key"] == f"saturn/workspace/{mine['id']}"
    bobs = {**LEGACY_RECIPE, "name": "legacy-for-bob"}
    theirs = body(
        await jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": bobs, "user": "bob"}))
    )
    assert theirs["owner"] == "bob"
    listed = (await sim_api(simulator, "/api/workspaces?owner_name=main/bob"))["workspaces"]
    assert theirs["id"] in {w["id"] for w in listed}
    # What the recipe may hold is Saturn's to decide: its own words come back, with a 400.
    refused = {**LEGACY_RECIPE, "name": "legacy-bad", "jupyter_server": {"instance_type": "no-such-size"}}
    payload = await expect(
        jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": refused})), 400
    )
    assert payload["message"].startswith("Saturn Cloud refused to create the resource:"), payload


async def test_admin_creates_a_workspace_for_another_user(jp_fetch: Any, simulator: Any) -> None:
    recipe = {**RECIPE, "spec": {**RECIPE["spec"], "name": "for-bob"}}
    created = body(
        await jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": recipe, "user": "bob"}))
    )
    assert created["owner"] == "bob"
    bobs = (await sim_api(simulator, "/api/workspaces?owner_name=main/bob"))["workspaces"]
    assert "for-bob" in {w["name"] for w in bobs}
    assert created["id"] in {w["id"] for w in bobs}


async def test_jobs_run_and_show_runs_and_logs(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    job = (await by_name(jp_fetch))["train-model"]
    before = len(body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/runs"))["runs"])
    started = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/start", method="POST", body=""))
    assert started["status"] in ("pending", "running")
    runs = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/runs"))["runs"]
    assert len(runs) == before + 1
    newest = runs[0]
    assert newest["status"] in ("pending", "running")
    assert [r["started"] for r in runs] == sorted((r["started"] for r in runs), reverse=True)
    done = await tab.wait_for(
        lambda n, d: (
            n == "resource"
            and d["key"] == job["key"]
            and d["status"] == "completed"
            and d["details"]["runs"][0]["name"] == newest["name"]
        ),
        timeout=60,
    )
    assert done["details"]["runs"][0]["duration"] > 0
    logs = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": newest["name"]}))
    assert logs["complete"] is True and logs["status"] == "completed"
    assert logs["lines"] and all(isinstance(line["content"], str) for line in logs["lines"])
    await expect(jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs"), 400)
    await expect(jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": "Bad Name"}), 400)
    await expect(jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": "no-such-run"}), 404)


class TestWithoutAdminToken:
    @pytest.fixture
    def panel_config(self, simulator: Any) -> dict[str, Any]:
        return {"saturn_url": simulator.url, "saturn_token": SATURN_USER_TOKEN, "saturn_min_poll_interval": FAST}

    async def test_creating_for_another_user_is_403(self, jp_fetch: Any) -> None:
        config = body(await jp_fetch("saturn-panel", "config"))
        assert config["saturn"]["abilities"]["createForOthers"] is False
        payload = await expect(
            jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": RECIPE, "user": "bob"})),
            403,
        )
        assert "saturn_admin_token" in payload["message"]


class TestRefusedToken:
    @pytest.fixture
    def panel_config(self, simulator: Any) -> dict[str, Any]:
        return {"saturn_url": simulator.url, "saturn_token": "wrong-token-abcdef"}

    async def test_the_section_says_the_token_was_refused(self, jp_fetch: Any) -> None:
        saturn = body(await jp_fetch("saturn-panel", "config"))["saturn"]
        assert saturn["reachable"] is True and "rejected the configured token" in saturn["message"]
        assert "saturn_token" in saturn["hint"] and "wrong-token" not in json.dumps(saturn)


class TestSaturnDownHubUp:
    @pytest.fixture
    def panel_config(self, local_hub: Any) -> dict[str, Any]:
        return {
            "hub_api_url": local_hub.api_url,
            "hub_api_token": local_hub.admin_token,
            "hub_user": "alice",  # her servers are listed, stopped ones too
            "saturn_url": f"http://127.0.0.1:{free_port()}",
            "saturn_token": "t" * 20,
        }

    async def test_the_hub_section_keeps_working(self, jp_fetch: Any) -> None:
        config = body(await jp_fetch("saturn-panel", "config"))
        assert config["saturn"]["reachable"] is False and "cannot be reached" in config["saturn"]["message"]
        assert config["hub"]["reachable"] is True and config["hub"]["message"] is None
        resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
        assert {r["backend"] for r in resources} == {"hub"}
        await expect(jp_fetch(f"saturn-panel/saturn/workspaces/{'a' * 32}/start", method="POST", body=""), 503)


@pytest.fixture(scope="module")
def strict_simulator() -> Any:
    """A simulator that answers 429 to any status request breaking the 10 s rule."""
    sim = start_simulator(start_delay=3.0, strict_rate_limit=True)
    yield sim
    sim.close()


class TestTheTenSecondRule:
    """Seed 000: at most one status request per resource per 10 s, however many tabs watch."""

    @pytest.fixture
    def panel_config(self, strict_simulator: Any) -> dict[str, Any]:
        return {"saturn_url": strict_simulator.url, "saturn_token": SATURN_USER_TOKEN}  # the default 10 s

    async def test_twenty_tabs_and_a_start_never_break_it(
        self, jp_fetch: Any, open_events: Any, strict_simulator: Any
    ) -> None:
        tabs = [open_events() for _ in range(20)]
        for tab in tabs:
            await tab.wait_for(lambda n, d: n == "snapshot")
        workspace = (await by_name(jp_fetch))["gpu-training"]
        await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body="")
        for _ in range(5):  # more tabs come and go, and ask for resources, while it starts
            await jp_fetch("saturn-panel", "resources")
            open_events()
            await asyncio.sleep(1)
        for tab in tabs:
            await tab.wait_for(
                lambda n, d: n == "resource" and d["key"] == workspace["key"] and d["status"] == "running", timeout=40
            )
        stats = await sim_api(strict_simulator, "/_simulator/stats")
        assert stats["rate_limit_violations"] == 0
        # One list every 10 s at most: the workspace was read a handful of times, not 20 tabs' worth.
        assert 2 <= stats["status_requests"][workspace["id"]] <= 5


async def outage(simulator: Any, seconds: float) -> None:
    from tornado.httpclient import AsyncHTTPClient

    await AsyncHTTPClient().fetch(
        f"{simulator.url}/_simulator/outage",
        method="POST",
        body=json.dumps({"seconds": seconds}),
        headers={"Authorization": f"token {SATURN_ADMIN_TOKEN}"},
    )


async def test_an_outage_keeps_the_last_known_workspaces_marked_stale(jp_fetch: Any, simulator: Any) -> None:
    before = {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert before
    await outage(simulator, 60)
    try:
        await asyncio.sleep(FAST)
        saturn = body(await jp_fetch("saturn-panel/refresh", method="POST", body='{"backend": "saturn"}'))["saturn"]
        assert saturn["stale"] is True and saturn["lastGoodRead"]
        assert "Saturn Cloud" in saturn["message"] and "503" not in saturn["message"].split(":")[0]
        assert {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]} == before
    finally:
        await outage(simulator, 0)
    await asyncio.sleep(FAST)
    saturn = body(await jp_fetch("saturn-panel/refresh", method="POST", body="{}"))["saturn"]
    assert saturn["stale"] is False and saturn["message"] is None
