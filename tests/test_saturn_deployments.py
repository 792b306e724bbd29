"""Saturn deployments in the panel (issue 21) against the simulator: listed with workspaces under
the same 10 s rule, started, opened, their live logs read, restarted and stopped, created from a
deployment recipe, and kept as last known through an outage."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from conftest import body, fetch_url, saturn_only_config
from test_saturn_routes import FAST, by_name, expect, outage, sim_api

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator

DEPLOYMENT_RECIPE = {
    "schema_version": "2025.10.01",
    "type": "deployment",
    "spec": {
        "name": "from-deployment-recipe",
        "image": "saturncloud/saturn-python:2024.08.01",
        "instance_type": "large",
        "command": "python serve.py",
    },
}


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=2.0, min_status_interval=FAST)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, FAST, saturn_admin_token=SATURN_ADMIN_TOKEN, request_timeout=10.0)


async def test_the_seeded_deployments_are_listed(jp_fetch: Any) -> None:
    resources = await by_name(jp_fetch)
    api, dashboard = resources["churn-model-api"], resources["sales-dashboard"]
    assert api["kind"] == "deployment" and api["key"] == f"saturn/deployment/{api['id']}"
    assert api["status"] == "running" and api["url"].endswith("/deploy/alice/churn-model-api/")
    assert set(api["actions"]) == {"stop", "restart", "open", "logs"}
    assert api["details"]["command"].startswith("uvicorn") and api["details"]["scale"] == 1
    assert api["details"]["runningCount"] == 1 and api["details"]["lastDeploy"]
    assert dashboard["status"] == "stopped" and dashboard["url"] is None and dashboard["actions"] == ["start"]
    assert (await fetch_url(api["url"]))[0] == 200  # "Open" really opens


async def test_start_open_logs_restart_and_stop(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    dashboard = (await by_name(jp_fetch))["sales-dashboard"]
    key, path = dashboard["key"], f"saturn-panel/saturn/deployments/{dashboard['id']}"
    await expect(jp_fetch(f"{path}/logs"), 409)  # not running: no live logs
    started = body(await jp_fetch(f"{path}/start", method="POST", body=""))
    assert started["key"] == key and started["status"] == "pending" and started["progressEstimated"] is True
    running = await tab.wait_resource(key, lambda r: r["status"] == "running")
    assert running["url"].endswith("/deploy/alice/sales-dashboard/") and "open" in running["actions"]
    assert (await fetch_url(running["url"]))[0] == 200
    again = body(await jp_fetch(f"{path}/start", method="POST", body=""))  # starting what runs: fine
    assert again["status"] == "running"

    logs = body(await jp_fetch(f"{path}/logs"))
    assert logs["run"].startswith("d-alice-sales-dashboard-") and logs["status"] == "running"
    contents = [line["content"] for line in logs["lines"]]
    assert "Running command: voila dashboard.ipynb --port 8000 --no-browser" in contents
    assert logs["total"] == len(contents) and logs["complete"] is False
    later = body(await jp_fetch(f"{path}/logs", params={"since": "2"}))
    assert later["since"] == 2 and [line["content"] for line in later["lines"]] == contents[2:]
    await expect(jp_fetch(f"{path}/logs", params={"since": "-1"}), 400)

    restarting = body(await jp_fetch(f"{path}/restart", method="POST", body=""))
    assert restarting["status"] == "stopping"
    await tab.wait_resource(key, lambda r: r["status"] == "running" and r is not running)
    stopping = body(await jp_fetch(f"{path}/stop", method="POST", body=""))
    assert stopping["status"] in ("stopping", "stopped")
    stopped = await tab.wait_resource(key, lambda r: r["status"] == "stopped" and r["url"] is None)
    assert stopped["actions"] == ["start"]


async def test_bad_and_unknown_deployment_ids(jp_fetch: Any) -> None:
    await expect(jp_fetch("saturn-panel/saturn/deployments/not-an-id/start", method="POST", body=""), 400)
    await expect(jp_fetch("saturn-panel/saturn/deployments/not-an-id/logs"), 400)
    await expect(jp_fetch(f"saturn-panel/saturn/deployments/{'a' * 32}/stop", method="POST", body=""), 404)
    await expect(jp_fetch(f"saturn-panel/saturn/deployments/{'a' * 32}/logs"), 404)


async def test_create_from_a_deployment_recipe(jp_fetch: Any, open_events: Any) -> None:
    tab = open_events()
    await tab.ready()
    created = body(
        await jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": DEPLOYMENT_RECIPE}))
    )
    assert created["kind"] == "deployment" and created["key"] == f"saturn/deployment/{created['id']}"
    assert created["status"] == "stopped" and created["actions"] == ["start"]
    appeared = await tab.wait_resource(created["key"])
    assert appeared["name"] == "from-deployment-recipe" and appeared["details"]["command"] == "python serve.py"
    no_command = {**DEPLOYMENT_RECIPE, "spec": {**DEPLOYMENT_RECIPE["spec"], "name": "x", "command": None}}
    payload = await expect(
        jp_fetch("saturn-panel/saturn/recipes", method="POST", body=json.dumps({"recipe": no_command})), 400
    )
    assert "command" in payload["message"]


async def test_an_outage_keeps_the_last_known_deployments(jp_fetch: Any, simulator: Any) -> None:
    before = {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]}
    assert any(key.startswith("saturn/deployment/") for key in before)
    await outage(simulator, 60)
    try:
        await asyncio.sleep(FAST)
        saturn = body(await jp_fetch("saturn-panel/refresh", method="POST", body='{"backend": "saturn"}'))["saturn"]
        assert saturn["stale"] is True
        assert {r["key"] for r in body(await jp_fetch("saturn-panel", "resources"))["resources"]} == before
    finally:
        await outage(simulator, 0)


@pytest.fixture(scope="module")
def strict_simulator() -> Any:
    """A simulator that answers 429 to any status request breaking the 10 s rule."""
    sim = start_simulator(start_delay=3.0, strict_rate_limit=True)
    yield sim
    sim.close()


class TestTheTenSecondRule:
    @pytest.fixture
    def panel_config(self, strict_simulator: Any) -> dict[str, Any]:
        return {"saturn_url": strict_simulator.url, "saturn_token": SATURN_USER_TOKEN}  # the default 10 s

    async def test_ten_tabs_and_a_deployment_start_never_break_it(
        self, jp_fetch: Any, open_events: Any, strict_simulator: Any
    ) -> None:
        tabs = [open_events() for _ in range(10)]
        for tab in tabs:
            await tab.ready()
        dashboard = (await by_name(jp_fetch))["sales-dashboard"]
        await jp_fetch(f"saturn-panel/saturn/deployments/{dashboard['id']}/start", method="POST", body="")
        for _ in range(3):
            await jp_fetch("saturn-panel", "resources")
            await jp_fetch(f"saturn-panel/saturn/deployments/{dashboard['id']}/logs", raise_error=False)
            await asyncio.sleep(1)
        for tab in tabs:
            await tab.wait_resource(dashboard["key"], lambda r: r["status"] == "running", timeout=40)
        stats = await sim_api(strict_simulator, "/_simulator/stats")
        assert stats["rate_limit_violations"] == 0
        assert 2 <= stats["status_requests"][dashboard["id"]] <= 5


# -- mapping, without a server ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("stopped", ["start"]),
        ("pending", ["stop", "logs"]),
        ("running", ["stop", "open", "restart", "logs"]),
        ("stopping", []),
        ("error", ["start", "restart"]),
    ],
)
def test_a_deployments_actions_follow_its_status(status: str, actions: list[str]) -> None:
    from jupyterlab_saturn_panel.saturn.mapping import deployment_resource

    item = {"id": "a" * 32, "name": "api", "status": status, "url": "http://x/deploy/alice/api/"}
    resource = deployment_resource(item)
    assert resource["actions"] == actions
    assert resource["url"] == (item["url"] if status == "running" else None)


def test_odd_deployment_data_reads_as_missing_never_raises() -> None:
    from jupyterlab_saturn_panel.saturn.mapping import deployment_resource

    resource = deployment_resource(
        {"id": "b" * 32, "name": "api", "status": "crashing", "scale": -1, "running_count": True, "command": ["x"]}
    )
    assert resource["status"] == "error" and "Unknown status 'crashing'" in resource["message"]
    assert resource["details"]["scale"] is None and resource["details"]["runningCount"] is None
    assert resource["details"]["command"] is None and resource["key"] == f"saturn/deployment/{'b' * 32}"
