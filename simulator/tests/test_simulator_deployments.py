"""Deployments in the simulator (saturn-api.md §2-§4, §6a), over HTTP against a real subprocess,
and the official saturn-client listing, starting and stopping them."""

from __future__ import annotations

import re
from typing import Any

import requests

from saturn_cloud_simulator.process import SimulatorProcess
from saturn_cloud_simulator.testing import SATURN_USER_TOKEN

from .test_saturn_simulator import ADMIN, HEX32, TIMESTAMP, api, find, ok, unique, wait_for

DEPLOYMENT_FIELDS = {
    "id",
    "name",
    "owner",
    "description",
    "image_tag",
    "extra_packages",
    "instance_size",
    "command",
    "scale",
    "running_count",
    "healthcheck",
    "last_deploy",
    "url",
    "status",
    "resource_type",
    "created_at",
    "updated_at",
    "require_restart",
}


def deployment_recipe(name: str, **spec: Any) -> dict[str, Any]:
    """A minimal valid deployment recipe (§6a: name, image, instance_type, command)."""
    body: dict[str, Any] = {
        "name": name,
        "image": "saturncloud/saturn-python:2024.08.01",
        "instance_type": "large",
        "command": "python serve.py",
    }
    body.update(spec)
    return {"schema_version": "2025.10.01", "type": "deployment", "spec": body}


def get_deployment(sim: SimulatorProcess, deployment_id: str) -> dict[str, Any]:
    return ok(api(sim, "GET", f"/api/deployments/{deployment_id}"))


def test_seeded_deployments_and_their_shape(saturn_simulator: SimulatorProcess) -> None:
    listed = ok(api(saturn_simulator, "GET", "/api/deployments"))["deployments"]
    by_name = {d["name"]: d for d in listed}
    assert {"churn-model-api", "sales-dashboard"} <= set(by_name)
    running, stopped = by_name["churn-model-api"], by_name["sales-dashboard"]
    assert set(running) >= DEPLOYMENT_FIELDS
    assert HEX32.match(running["id"]) and running["resource_type"] == "deployment"
    assert running["status"] == "running" and running["running_count"] == 1 and running["scale"] == 1
    assert TIMESTAMP.match(running["last_deploy"])
    assert running["url"] == f"{saturn_simulator.url}/deploy/alice/churn-model-api/"
    assert running["command"].startswith("uvicorn")
    assert stopped["status"] == "stopped" and stopped["url"] is None and stopped["running_count"] == 0
    # bob sees none of alice's deployments
    bob = ok(api(saturn_simulator, "GET", "/api/deployments", params={"owner_name": "main/bob"}, headers=ADMIN))
    assert bob["deployments"] == []
    # the recipe view lists them too (saturn-client's list_resources)
    recipes = ok(api(saturn_simulator, "GET", "/api/recipes", params={"type": "deployment"}))["recipes"]
    assert {r["spec"]["name"] for r in recipes} >= {"churn-model-api", "sales-dashboard"}
    one = next(r for r in recipes if r["spec"]["name"] == "churn-model-api")
    assert one["type"] == "deployment" and one["state"]["status"] == "running" and one["state"]["url"]
    by_name_recipe = ok(api(saturn_simulator, "GET", "/api/recipes/deployment/sales-dashboard"))
    assert by_name_recipe["state"]["id"] == stopped["id"]
    own = ok(api(saturn_simulator, "GET", f"/api/deployments/{stopped['id']}/recipe", params={"as_template": "true"}))
    assert own["type"] == "deployment" and "state" not in own and own["spec"]["command"] == stopped["command"]


def test_running_deployment_url_answers_and_logs_requests(saturn_simulator: SimulatorProcess) -> None:
    running = find(saturn_simulator, "deployments", "churn-model-api")
    page = requests.get(running["url"], timeout=10)
    assert page.status_code == 200 and "churn-model-api" in page.text
    logs = ok(api(saturn_simulator, "GET", f"/api/deployments/{running['id']}/logs"))
    contents = [line["content"] for line in logs["logs"]]
    assert "Application startup complete." in contents
    assert any('"GET / HTTP/1.1" 200' in line for line in contents)
    assert logs["pod_status"] == "running" and logs["logs"][0]["container_name"] == "main"
    stopped = find(saturn_simulator, "deployments", "sales-dashboard")
    assert requests.get(f"{saturn_simulator.url}/deploy/alice/sales-dashboard/", timeout=10).status_code == 503
    assert requests.get(f"{saturn_simulator.url}/deploy/alice/nothing/", timeout=10).status_code == 404
    never = api(saturn_simulator, "GET", f"/api/deployments/{stopped['id']}/logs")
    assert never.status_code == 404 and "never run" in never.json()["message"]


def test_create_start_restart_stop_delete(saturn_simulator: SimulatorProcess) -> None:
    name = unique("dep")
    created = ok(api(saturn_simulator, "POST", "/api/recipes", json=deployment_recipe(name, scale=2)), 201)
    assert created["type"] == "deployment" and created["state"]["status"] == "stopped"
    did = created["state"]["id"]
    deployment = get_deployment(saturn_simulator, did)
    assert deployment["scale"] == 2 and deployment["last_deploy"] is None and deployment["url"] is None

    started = ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/start"))
    assert started["status"] == "pending" and started["last_deploy"]
    again = ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/start"))  # idempotent
    assert again["status"] == "pending"
    running = wait_for(lambda: get_deployment(saturn_simulator, did), lambda d: d["status"] == "running")
    assert running["running_count"] == 2 and running["url"].endswith(f"/deploy/alice/{name}/")
    summary = ok(api(saturn_simulator, "GET", f"/api/deployments/{did}/runtimesummary"))
    assert summary["status"] == "running" and summary["running_count"] == 2 and len(summary["pod_summaries"]) == 1
    pod_name = summary["pod_summaries"][0]["name"]
    assert summary["pod_summaries"][0]["labels"]["saturncloud.io/resource-id"] == did
    active = ok(
        api(saturn_simulator, "GET", "/api/active/pods", params={"workload_type": "deployment", "workload_id": did})
    )
    assert [p["name"] for p in active["pod_summaries"]] == [pod_name]
    live_logs = ok(api(saturn_simulator, "GET", f"/api/active/pods/{pod_name}/logs"))["logs"]
    assert "Running command: python serve.py" in live_logs

    active_delete = api(saturn_simulator, "DELETE", f"/api/deployments/{did}")
    assert active_delete.status_code == 409

    ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/restart"))
    wait_for(lambda: get_deployment(saturn_simulator, did), lambda d: d["status"] == "running")
    history = ok(api(saturn_simulator, "GET", f"/api/deployments/{did}/history"))["pods"]
    assert len(history) == 2 and history[0]["status"] == "running" and history[1]["status"] == "stopped"
    old = ok(api(saturn_simulator, "GET", f"/api/deployments/{did}/logs", params={"pod_name": pod_name}))
    assert old["pod_status"] == "stopped" and "next_key" not in old

    stopping = ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/stop"))
    assert stopping["status"] == "stopping"
    stopped = wait_for(lambda: get_deployment(saturn_simulator, did), lambda d: d["status"] == "stopped")
    assert stopped["url"] is None and stopped["running_count"] == 0
    ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/stop"))  # stopping a stopped one is fine
    patched = ok(
        api(saturn_simulator, "PATCH", f"/api/deployments/{did}", json={"scale": 3, "command": "python v2.py"})
    )
    assert patched["scale"] == 3 and patched["command"] == "python v2.py"
    assert api(saturn_simulator, "DELETE", f"/api/deployments/{did}").status_code == 204
    assert api(saturn_simulator, "GET", f"/api/deployments/{did}").status_code == 404


def test_deployment_recipe_validation_and_typed_create(saturn_simulator: SimulatorProcess) -> None:
    for missing in ("name", "image", "instance_type", "command"):
        body = deployment_recipe(unique("bad"))
        del body["spec"][missing]
        response = api(saturn_simulator, "POST", "/api/recipes", json=body)
        assert response.status_code == 400 and f"spec.{missing}" in response.json()["message"], response.text
    unknown = api(
        saturn_simulator,
        "POST",
        "/api/recipes",
        params={"enforce_unknown": "true"},
        json=deployment_recipe(unique("bad"), disk_space="10Gi"),
    )
    assert unknown.status_code == 400 and "spec.disk_space" in unknown.json()["message"]
    # deployment-only fields are accepted
    fine = deployment_recipe(unique("ok"), scale=1, start_ssh=False, routes=[], viewers=[], status="running")
    created = ok(api(saturn_simulator, "POST", "/api/recipes", params={"enforce_unknown": "true"}, json=fine), 201)
    assert created["state"]["status"] == "pending"  # spec.status: running starts it
    typed = api(saturn_simulator, "POST", "/api/deployments", json={"name": unique("typed")})
    assert typed.status_code == 400 and "command" in typed.json()["message"]
    made = ok(api(saturn_simulator, "POST", "/api/deployments", json={"name": unique("typed"), "command": "x"}), 201)
    assert made["resource_type"] == "deployment" and made["status"] == "stopped"
    # the legacy flat format's deployment block (clone endpoint)
    legacy = {
        "name": unique("legacy"),
        "image": {"owner": "saturncloud", "name": "saturn-python", "version": "2024.08.01"},
        "deployment": {"instance_type": "large", "command": "python app.py", "instance_count": 2},
        "schema_version": "2022.08.01",
    }
    cloned = ok(api(saturn_simulator, "POST", "/api/resource_recipes/clone", json=legacy), 201)
    assert cloned["type"] == "deployment" and cloned["spec"]["scale"] == 2


def test_failed_deployment_start_ends_in_error(saturn_simulator: SimulatorProcess) -> None:
    created = ok(api(saturn_simulator, "POST", "/api/recipes", json=deployment_recipe(unique("fail"))), 201)
    did = created["state"]["id"]
    ok(api(saturn_simulator, "POST", f"/_simulator/fail-next-start/{did}", headers=ADMIN))
    ok(api(saturn_simulator, "POST", f"/api/deployments/{did}/start"))
    failed = wait_for(lambda: get_deployment(saturn_simulator, did), lambda d: d["status"] == "error")
    assert failed["url"] is None
    logs = ok(api(saturn_simulator, "GET", f"/api/deployments/{did}/logs"))
    assert logs["pod_status"] == "error" and any("RuntimeError" in line["content"] for line in logs["logs"])


def test_official_saturn_client_lists_starts_and_stops_deployments(saturn_simulator: SimulatorProcess) -> None:
    import saturn_client  # a test dependency: never skipped

    conn = saturn_client.SaturnConnection(url=saturn_simulator.url, api_token=SATURN_USER_TOKEN)
    try:
        listed = conn.list_resources("deployment")
        names = {r["spec"]["name"] for r in listed}
        assert {"churn-model-api", "sales-dashboard"} <= names
        assert all(r["type"] == "deployment" for r in listed)
        running_names = {r["spec"]["name"] for r in conn.list_resources("deployment", status="running")}
        assert "churn-model-api" in running_names and "sales-dashboard" not in running_names

        target = conn.get_resource("deployment", "sales-dashboard")
        rid = target["state"]["id"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid)
        assert conn.start("deployment", rid)["status"] in ("pending", "running")
        running = wait_for(
            lambda: conn.get_resource("deployment", "sales-dashboard"), lambda r: r["state"]["status"] == "running"
        )
        url = running["state"]["url"]
        assert url.endswith("/deploy/alice/sales-dashboard/")
        assert requests.get(url, timeout=10).status_code == 200

        live = conn.get_pods("deployment", "sales-dashboard", source="live")
        assert len(live) == 1 and live[0]["status"] == "running"
        logs = conn.get_logs("deployment", "sales-dashboard")
        assert "Running command: voila dashboard.ipynb" in logs

        conn.stop("deployment", rid)
        wait_for(
            lambda: conn.get_resource("deployment", "sales-dashboard"), lambda r: r["state"]["status"] == "stopped"
        )
        assert conn.get_pods("deployment", "sales-dashboard", source="live") == []
        history = conn.get_pods("deployment", "sales-dashboard", source="historical")
        assert history[0]["status"] == "stopped"
        assert "Application startup complete." in conn.get_logs(
            "deployment", "sales-dashboard", pod_name=history[0]["pod_name"], source="historical"
        )
        restarted = conn.restart("deployment", conn.get_resource("deployment", "churn-model-api")["state"]["id"])
        assert restarted["status"] == "stopping"
    finally:
        conn.close()
