"""The Saturn Cloud API simulator, exercised over HTTP as a real subprocess (no mocks)."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Callable

import requests

from saturn_cloud_simulator.process import SimulatorProcess

# The fixtures (saturn_simulator, saturn_simulator_factory) come from this plugin, which
# conftest.py registers.
from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN

HEX32 = re.compile(r"^[0-9a-f]{32}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
USER = {"Authorization": f"token {SATURN_USER_TOKEN}"}
ADMIN = {"Authorization": f"token {SATURN_ADMIN_TOKEN}"}


# --- helpers ---------------------------------------------------------------------------------------


def api(
    sim: SimulatorProcess, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> requests.Response:
    """One request to the simulator (alice's token unless headers say otherwise)."""
    return requests.request(method, sim.url + path, headers=USER if headers is None else headers, timeout=10, **kwargs)


def ok(response: requests.Response, status: int = 200) -> Any:
    """Assert the status and return the JSON body."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def wait_for(
    fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 20.0, interval: float = 0.1
) -> Any:
    """Poll ``fetch`` until ``done(result)``; fail with the last result after ``timeout``."""
    deadline = time.monotonic() + timeout
    last = fetch()
    while not done(last):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s; last: {last!r}")
        time.sleep(interval)
        last = fetch()
    return last


def unique(prefix: str) -> str:
    """A resource name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def recipe(rtype: str, name: str, **spec: Any) -> dict[str, Any]:
    """A minimal valid recipe (saturn-api.md §6a) plus extra spec fields."""
    body = {"name": name, "image": "saturncloud/saturn-python:2024.08.01", "instance_type": "large"}
    if rtype == "job":
        body["command"] = "python run.py"
    body.update(spec)
    return {"schema_version": "2025.10.01", "type": rtype, "spec": body}


def create_workspace(sim: SimulatorProcess, headers: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    """Create a workspace through the recipes API and return it as a Workspace object."""
    created = ok(api(sim, "POST", "/api/recipes", headers, json=recipe("workspace", unique("ws"), **spec)), 201)
    return ok(api(sim, "GET", f"/api/workspaces/{created['state']['id']}", headers))


def find(sim: SimulatorProcess, plural: str, name: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A resource of the caller by exact name."""
    items = ok(api(sim, "GET", f"/api/{plural}", headers, params={"name": name}))[plural]
    return next(item for item in items if item["name"] == name)


def follow_logs(
    sim: SimulatorProcess, job_id: str, pod: str, page_size: int = 100, timeout: float = 20.0
) -> list[dict[str, Any]]:
    """Read a run's log like a viewer following it: go on with each next_key; when a page
    brings none while the run is live, wait and re-request with the last key received."""
    lines: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pod_name": pod, "page_size": page_size}
    deadline = time.monotonic() + timeout
    while True:
        page = ok(api(sim, "GET", f"/api/jobs/{job_id}/logs", params=params))
        assert len(page["logs"]) <= page_size
        lines.extend(page["logs"])
        if "next_key" in page:
            params["next_key"] = page["next_key"]
            continue
        if page["run_status"] not in ("pending", "running"):
            return lines
        assert time.monotonic() < deadline, f"run {pod} still going after {timeout} s"
        time.sleep(0.1)


def run_status(sim: SimulatorProcess, job_id: str, pod: str) -> str:
    """The status of one run, from the job's history."""
    pods = ok(api(sim, "GET", f"/api/jobs/{job_id}/history"))["pods"]
    return next(p["status"] for p in pods if p["pod_name"] == pod)


def start_run(sim: SimulatorProcess, job_id: str, headers: dict[str, str] | None = None) -> str:
    """Start a run of the job; return the new run's pod name (the newest history row)."""
    before = {p["pod_name"] for p in ok(api(sim, "GET", f"/api/jobs/{job_id}/history", headers))["pods"]}
    ok(api(sim, "POST", f"/api/jobs/{job_id}/start", headers))
    pods = ok(api(sim, "GET", f"/api/jobs/{job_id}/history", headers))["pods"]
    assert pods[0]["pod_name"] not in before, "the newest run must come first"
    return pods[0]["pod_name"]


# --- service and auth --------------------------------------------------------------------------------


def test_status_and_both_auth_schemes(saturn_simulator: SimulatorProcess) -> None:
    status = ok(api(saturn_simulator, "GET", "/api/status", headers={}))
    assert status["status"] == "ok" and status["version"] >= "2026.02.01"

    for header in (f"token {SATURN_USER_TOKEN}", f"Bearer {SATURN_USER_TOKEN}"):
        user = ok(api(saturn_simulator, "GET", "/api/user", headers={"Authorization": header}))
        assert user["username"] == "alice" and user["admin"] is False
    assert ok(api(saturn_simulator, "GET", "/api/user", headers=ADMIN))["admin"] is True

    for headers in (
        {},
        {"Authorization": "token wrong"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ):
        response = api(saturn_simulator, "GET", "/api/workspaces", headers=headers)
        assert response.status_code == 401
        assert response.json()["message"]

    missing = api(saturn_simulator, "GET", "/api/no/such/route")
    assert missing.status_code == 404 and missing.json()["message"]
    assert ok(api(saturn_simulator, "GET", "/api/orgs"))["orgs"][0]["is_primary"] is True
    assert "large" in ok(api(saturn_simulator, "GET", "/api/info/servers"))["sizes"]


def test_tokens_never_appear_in_the_log(saturn_simulator: SimulatorProcess) -> None:
    api(saturn_simulator, "GET", "/api/user")
    api(saturn_simulator, "GET", "/api/user", headers={"Authorization": "token not-a-real-token-xyz"})
    log = saturn_simulator.stderr_tail(1_000_000)
    assert "GET /api/user" in log
    for secret in (SATURN_USER_TOKEN, SATURN_ADMIN_TOKEN, "not-a-real-token-xyz", "Authorization"):
        assert secret not in log


# --- workspaces: listing -----------------------------------------------------------------------------


def test_list_pagination_follows_next_key(saturn_simulator: SimulatorProcess) -> None:
    for _ in range(3):
        create_workspace(saturn_simulator)
    everything = ok(api(saturn_simulator, "GET", "/api/workspaces", params={"page_size": 1000}))
    assert "next_key" not in everything
    expected = [w["id"] for w in everything["workspaces"]]
    assert len(expected) >= 6

    seen: list[str] = []
    params: dict[str, Any] = {"page_size": 2}
    pages = 0
    while True:
        page = ok(api(saturn_simulator, "GET", "/api/workspaces", params=params))
        pages += 1
        assert 1 <= len(page["workspaces"]) <= 2
        seen.extend(w["id"] for w in page["workspaces"])
        if "next_key" not in page:
            break
        params["next_key"] = page["next_key"]
    assert seen == expected
    assert pages == (len(expected) + 1) // 2

    for bad in ("0", "1001", "many"):
        response = api(saturn_simulator, "GET", "/api/workspaces", params={"page_size": bad})
        assert response.status_code == 400 and "page_size" in response.json()["message"]
    assert api(saturn_simulator, "GET", "/api/workspaces", params={"next_key": "garbage!"}).status_code == 400


def test_owner_and_name_filters_and_visibility(saturn_simulator: SimulatorProcess) -> None:
    mine = ok(api(saturn_simulator, "GET", "/api/workspaces"))["workspaces"]
    assert {w["owner"]["name"] for w in mine} == {"main/alice"}
    assert {"analysis", "gpu-training", "r-reports"} <= {w["name"] for w in mine}

    gpu = ok(api(saturn_simulator, "GET", "/api/workspaces", params={"name": "gpu"}))["workspaces"]
    assert [w["name"] for w in gpu] == ["gpu-training"]

    # alice cannot list or read bob's workspaces; the admin can
    assert ok(api(saturn_simulator, "GET", "/api/workspaces", params={"owner_name": "main/bob"}))["workspaces"] == []
    bobs = ok(api(saturn_simulator, "GET", "/api/workspaces", headers=ADMIN, params={"owner_name": "main/bob"}))[
        "workspaces"
    ]
    assert [w["name"] for w in bobs] == ["bob-sandbox"]
    sandbox = bobs[0]
    assert api(saturn_simulator, "GET", f"/api/workspaces/{sandbox['id']}").status_code == 404
    assert api(saturn_simulator, "POST", f"/api/workspaces/{sandbox['id']}/start").status_code == 404
    assert (
        ok(api(saturn_simulator, "GET", f"/api/workspaces/{sandbox['id']}", headers=ADMIN))["owner"]["name"]
        == "main/bob"
    )


def test_workspace_object_shape(saturn_simulator: SimulatorProcess) -> None:
    workspace = find(saturn_simulator, "workspaces", "analysis")
    again = ok(api(saturn_simulator, "GET", f"/api/workspaces/{workspace['id']}"))
    assert HEX32.match(again["id"])
    for key in ("created_at", "updated_at", "started_at"):
        assert TIMESTAMP.match(again[key]), key
    assert again["status"] == "running" and again["url"].startswith(saturn_simulator.url)
    assert again["owner"]["name"] == "main/alice" and again["owner"]["identity_name"] == "alice"
    assert again["resource_type"] == "workspace" and again["ide"] == "jupyter"
    r_reports = find(saturn_simulator, "workspaces", "r-reports")
    assert r_reports["ide"] == "rstudio" and r_reports["status"] == "stopped" and r_reports["url"] is None
    assert api(saturn_simulator, "GET", f"/api/workspaces/{uuid.uuid4().hex}").status_code == 404


# --- workspaces: lifecycle ----------------------------------------------------------------------------


def test_start_then_stop_a_workspace(saturn_simulator: SimulatorProcess) -> None:
    workspace = create_workspace(saturn_simulator)
    wid = workspace["id"]
    assert workspace["status"] == "stopped" and workspace["url"] is None

    started = ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))
    assert started["status"] == "pending"
    again = ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))  # starting twice is fine
    assert again["status"] in ("pending", "running")

    running = wait_for(
        lambda: ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}")), lambda w: w["status"] != "pending"
    )
    assert running["status"] == "running"
    assert running["url"].startswith(saturn_simulator.url) and TIMESTAMP.match(running["started_at"])
    ide = requests.get(running["url"], timeout=10)
    assert ide.status_code == 200 and "Simulated" in ide.text and workspace["name"] in ide.text

    stopping = ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/stop"))
    assert stopping["status"] == "stopping"
    stopped = wait_for(
        lambda: ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}")),
        lambda w: w["status"] != "stopping",
    )
    assert stopped["status"] == "stopped" and stopped["url"] is None
    assert requests.get(running["url"], timeout=10).status_code == 503
    assert ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/stop"))["status"] == "stopped"


def test_failed_starts_end_in_error_and_can_be_retried(saturn_simulator: SimulatorProcess) -> None:
    workspace = create_workspace(saturn_simulator)
    wid = workspace["id"]
    assert api(saturn_simulator, "POST", f"/_simulator/fail-next-start/{wid}").status_code == 403
    ok(api(saturn_simulator, "POST", f"/_simulator/fail-next-start/{wid}", headers=ADMIN))

    ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))
    failed = wait_for(
        lambda: ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}")), lambda w: w["status"] != "pending"
    )
    assert failed["status"] == "error" and failed["url"] is None

    assert ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))["status"] == "pending"
    retried = wait_for(
        lambda: ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}")), lambda w: w["status"] != "pending"
    )
    assert retried["status"] == "running"

    broken = create_workspace(saturn_simulator, environment_variables={"SIMULATOR_FAIL": "1"})
    for _ in range(2):  # it fails every time
        ok(api(saturn_simulator, "POST", f"/api/workspaces/{broken['id']}/start"))
        result = wait_for(
            lambda: ok(api(saturn_simulator, "GET", f"/api/workspaces/{broken['id']}")),
            lambda w: w["status"] != "pending",
        )
        assert result["status"] == "error"


def test_delete_refuses_an_active_workspace(saturn_simulator: SimulatorProcess) -> None:
    workspace = create_workspace(saturn_simulator)
    wid = workspace["id"]
    ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))
    refused = api(saturn_simulator, "DELETE", f"/api/workspaces/{wid}")
    assert refused.status_code == 409 and refused.json()["message"]
    assert api(saturn_simulator, "DELETE", f"/api/workspaces/{wid}", params={"allow_active": "true"}).status_code == 204
    assert api(saturn_simulator, "GET", f"/api/workspaces/{wid}").status_code == 404


# --- recipes -----------------------------------------------------------------------------------------


def test_recipe_create_apply_and_validation(saturn_simulator: SimulatorProcess) -> None:
    name = unique("from-recipe")
    body = recipe("workspace", name, git_repositories=[{"url": "https://github.com/saturncloud/examples"}])
    created = ok(api(saturn_simulator, "POST", "/api/recipes", json=body), 201)
    assert HEX32.match(created["state"]["id"]) and created["state"]["status"] == "stopped"
    assert created["spec"]["owner"] == "main/alice"
    assert find(saturn_simulator, "workspaces", name)["id"] == created["state"]["id"]
    by_name = ok(api(saturn_simulator, "GET", f"/api/recipes/workspace/{name}"))
    assert by_name["state"]["id"] == created["state"]["id"]
    assert by_name["spec"]["git_repositories"][0]["url"].endswith("/examples")

    duplicate = api(saturn_simulator, "POST", "/api/recipes", json=body)
    assert duplicate.status_code == 409 and name in duplicate.json()["message"]

    body["spec"].update(description="changed by apply", status="running")
    applied = ok(api(saturn_simulator, "PUT", "/api/recipes", json=body), 201)
    assert applied["state"]["id"] == created["state"]["id"] and applied["spec"]["description"] == "changed by apply"
    assert applied["state"]["status"] in ("pending", "running")

    fresh = recipe("job", unique("applied-job"))
    applied_job = ok(api(saturn_simulator, "PUT", "/api/recipes", json=fresh), 201)
    job = ok(api(saturn_simulator, "GET", f"/api/jobs/{applied_job['state']['id']}"))
    assert job["command"] == "python run.py"

    cases = [
        (
            {"type": "workspace", "spec": {"name": "x", "image": "saturncloud/saturn-python:1"}},
            "spec.instance_type",
        ),
        ({"type": "workspace", "spec": {"name": "x", "instance_type": "large"}}, "spec.image"),
        (
            {"type": "workspace", "spec": {"name": "no spaces!", "image": "a/b:1", "instance_type": "large"}},
            "spec.name",
        ),
        (  # a whole-name match: re's $ would let a trailing newline through
            {"type": "workspace", "spec": {"name": "ws\n", "image": "a/b:1", "instance_type": "large"}},
            "spec.name",
        ),
        ({"type": "job", "spec": {"name": "x", "image": "a/b:1", "instance_type": "large"}}, "spec.command"),
        (
            {"type": "job", "spec": {"name": "x", "image": "a/b:1", "instance_type": "large", "command": ""}},
            "spec.command",
        ),
        (
            {"type": "workspace", "spec": {"name": "x", "image": "a/b:1", "instance_type": "huge"}},
            "spec.instance_type",
        ),
        ({"type": "gadget", "spec": {}}, "type"),
        ({"spec": {"name": "x"}}, "type"),
        ({"type": "workspace"}, "spec"),
    ]
    for invalid, field in cases:
        response = api(saturn_simulator, "POST", "/api/recipes", json=invalid)
        assert response.status_code == 400, invalid
        assert response.json()["message"].startswith(field), (invalid, response.json())

    assert api(saturn_simulator, "GET", "/api/recipes/workspace/does-not-exist").status_code == 404
    listed = ok(api(saturn_simulator, "GET", "/api/recipes", params={"type": "job"}))["recipes"]
    assert {"nightly-report", "train-model"} <= {r["spec"]["name"] for r in listed}
    assert all(r["type"] == "job" for r in listed)


def test_login_link_flow_creates_a_resource_for_the_user(saturn_simulator: SimulatorProcess) -> None:
    assert api(saturn_simulator, "POST", "/auth/createloginlink/bob").status_code == 403
    assert api(saturn_simulator, "POST", "/auth/createloginlink/nobody", headers=ADMIN).status_code == 404
    link = ok(api(saturn_simulator, "POST", "/auth/createloginlink/bob", headers=ADMIN))
    assert link["url"].startswith(saturn_simulator.url + "/auth/login/")

    browser = requests.Session()
    assert browser.get(saturn_simulator.url + "/api/user/token", timeout=10).status_code == 401
    landing = browser.get(link["url"], timeout=10, allow_redirects=False)
    assert landing.status_code == 302 and landing.headers["Location"] == "/"
    token = ok(browser.get(saturn_simulator.url + "/api/user/token", timeout=10))["token"]
    assert token not in (SATURN_USER_TOKEN, SATURN_ADMIN_TOKEN)
    assert requests.get(link["url"], timeout=10, allow_redirects=False).status_code == 401  # one time only

    bob = {"Authorization": f"token {token}"}
    assert ok(api(saturn_simulator, "GET", "/api/user", headers=bob))["username"] == "bob"
    name = unique("embedded")
    cloned = ok(
        api(
            saturn_simulator,
            "POST",
            "/api/resource_recipes/clone",
            headers=bob,
            json=recipe("workspace", name),
        ),
        201,
    )
    assert HEX32.match(cloned["id"])

    as_admin = ok(api(saturn_simulator, "GET", f"/api/workspaces/{cloned['id']}", headers=ADMIN))
    assert as_admin["owner"]["name"] == "main/bob" and as_admin["name"] == name
    assert name in {w["name"] for w in ok(api(saturn_simulator, "GET", "/api/workspaces", headers=bob))["workspaces"]}
    assert api(saturn_simulator, "GET", f"/api/workspaces/{cloned['id']}").status_code == 404  # not alice's
    assert (
        ok(api(saturn_simulator, "POST", f"/api/workspaces/{cloned['id']}/start", headers=ADMIN))["status"] == "pending"
    )


# --- jobs --------------------------------------------------------------------------------------------


def test_job_run_completes_with_logs_in_order(saturn_simulator: SimulatorProcess) -> None:
    job = find(saturn_simulator, "jobs", "train-model")
    assert job["status"] == "completed" and job["running_count"] == 0 and "url" not in job
    history = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}/history"))["pods"]
    assert history and history[0]["status"] == "completed"  # the seeded past run

    pod = start_run(saturn_simulator, job["id"])
    assert pod.startswith(f"id-alice-train-model-{job['id']}-")
    live = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}"))
    assert live["status"] in ("pending", "running") and live["running_count"] == 1
    summary = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}/runtimesummary"))["job_summaries"]
    assert [p["name"] for s in summary for p in s["pod_summaries"]] == [pod]

    lines = follow_logs(saturn_simulator, job["id"], pod, page_size=2)
    contents = [line["content"] for line in lines]
    assert len(contents) >= 4 and contents[0].startswith("Running command: python train.py")
    assert len(set(contents)) == len(contents), "following must not repeat lines"
    assert [line["timestamp"] for line in lines] == sorted(line["timestamp"] for line in lines)
    assert {line["pod_name"] for line in lines} == {pod}
    assert {line["container_name"] for line in lines} == {"main"}
    assert run_status(saturn_simulator, job["id"], pod) == "completed"
    done = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}"))
    assert done["status"] == "completed" and done["running_count"] == 0
    # a finished run's log reads the same in one go, and says it is the last page
    whole = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}/logs", params={"pod_name": pod}))
    assert [line["content"] for line in whole["logs"]] == contents and "next_key" not in whole


def test_stopping_runs(saturn_simulator: SimulatorProcess) -> None:
    # SIMULATOR_DURATION keeps the runs going long enough to stop them on a slow machine
    env = {"SIMULATOR_DURATION": "60"}
    body = {"name": unique("slow"), "command": "python slow.py", "environment_variables": env}
    job = ok(api(saturn_simulator, "POST", "/api/jobs", json=body), 201)
    first = start_run(saturn_simulator, job["id"])
    second = start_run(saturn_simulator, job["id"])
    assert ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}"))["running_count"] == 2

    # reading "until there is no next_key" ends while a run is live (it does not spin)
    wait_for(lambda: run_status(saturn_simulator, job["id"], second), lambda status: status == "running")
    params: dict[str, Any] = {"pod_name": second}
    for requests_made in range(1, 5):  # noqa: B007 (read after the loop)
        page = ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}/logs", params=params))
        if "next_key" not in page:
            break
        params["next_key"] = page["next_key"]
    assert requests_made <= 3 and page["run_status"] == "running"

    after = ok(api(saturn_simulator, "POST", f"/api/jobs/{job['id']}/stop/{first}"))
    assert after["running_count"] == 1
    assert run_status(saturn_simulator, job["id"], first) == "stopped"
    assert run_status(saturn_simulator, job["id"], second) in ("pending", "running")

    stopped = ok(api(saturn_simulator, "POST", f"/api/jobs/{job['id']}/stop"))
    assert stopped["status"] == "stopped" and stopped["running_count"] == 0
    assert run_status(saturn_simulator, job["id"], second) == "stopped"
    assert api(saturn_simulator, "POST", f"/api/jobs/{job['id']}/stop/no-such-run").status_code == 404


def test_failing_job_runs_end_in_error(saturn_simulator: SimulatorProcess) -> None:
    job = ok(
        api(saturn_simulator, "POST", "/api/jobs", json={"name": unique("flaky"), "command": "python x.py"}),
        201,
    )
    ok(api(saturn_simulator, "POST", f"/_simulator/fail-next-start/{job['id']}", headers=ADMIN))
    pod = start_run(saturn_simulator, job["id"])
    lines = [line["content"] for line in follow_logs(saturn_simulator, job["id"], pod)]
    assert any("Traceback" in line for line in lines)
    assert run_status(saturn_simulator, job["id"], pod) == "error"
    assert ok(api(saturn_simulator, "GET", f"/api/jobs/{job['id']}"))["status"] == "error"

    created = ok(
        api(
            saturn_simulator,
            "POST",
            "/api/recipes",
            json=recipe("job", unique("broken"), environment_variables={"SIMULATOR_FAIL": "1"}),
        ),
        201,
    )
    job_id = created["state"]["id"]
    pod = start_run(saturn_simulator, job_id)
    wait_for(lambda: run_status(saturn_simulator, job_id, pod), lambda status: status not in ("pending", "running"))
    assert run_status(saturn_simulator, job_id, pod) == "error"


def test_execute_runs_the_seeded_notebook_with_papermill(
    saturn_simulator_factory: Callable[..., SimulatorProcess],
) -> None:
    sim = saturn_simulator_factory(execute=True, start_delay=0.5)
    job = find(sim, "jobs", "nightly-report")
    pod = start_run(sim, job["id"])
    lines = [line["content"] for line in follow_logs(sim, job["id"], pod, timeout=120)]
    text = "\n".join(lines)
    assert run_status(sim, job["id"], pod) == "completed", text
    assert "Executing notebook with kernel: python3" in text  # papermill's own log line
    assert "Nightly report: starting" in text and "Nightly report: done" in text
    assert "Mean of 8 values: 3.88" in text  # computed by the kernel, not scripted
    starting = next(line for line in lines if "starting" in line)
    assert lines.index(starting) < lines.index(next(line for line in lines if "done" in line))

    failing_notebook = (
        '{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],'
        ' "source": "raise ValueError(\\"boom from the notebook\\")"}],'
        ' "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},'
        ' "nbformat": 4, "nbformat_minor": 5}'
    )
    broken = recipe(
        "job",
        "broken-notebook",
        command="papermill nb/fail.ipynb out.ipynb --stdout-file - --stderr-file - --kernel python3",
        config_files={"nb/fail.ipynb": {"content": failing_notebook, "mode": "0644"}},
    )
    created = ok(api(sim, "POST", "/api/recipes", json=broken), 201)
    pod = start_run(sim, created["state"]["id"])
    text = "\n".join(line["content"] for line in follow_logs(sim, created["state"]["id"], pod, timeout=120))
    assert run_status(sim, created["state"]["id"], pod) == "error"
    assert "boom from the notebook" in text


# --- status-request counting -------------------------------------------------------------------------


def test_stats_count_status_requests_and_violations(saturn_simulator: SimulatorProcess) -> None:
    assert api(saturn_simulator, "GET", "/_simulator/stats").status_code == 403
    workspace = create_workspace(saturn_simulator)
    wid = workspace["id"]
    ok(api(saturn_simulator, "POST", "/_simulator/reset-stats", headers=ADMIN))
    assert ok(api(saturn_simulator, "GET", "/_simulator/stats", headers=ADMIN))["rate_limit_violations"] == 0

    ok(api(saturn_simulator, "POST", f"/api/workspaces/{wid}/start"))  # actions are not status requests
    ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}"))
    stats = ok(api(saturn_simulator, "GET", "/_simulator/stats", headers=ADMIN))
    assert stats["status_requests"] == {wid: 1} and stats["rate_limit_violations"] == 0

    ok(api(saturn_simulator, "GET", f"/api/workspaces/{wid}"))  # too soon: counted, not refused
    listed = ok(api(saturn_simulator, "GET", "/api/workspaces"))["workspaces"]
    stats = ok(api(saturn_simulator, "GET", "/_simulator/stats", headers=ADMIN))
    assert stats["status_requests"][wid] == 3
    assert stats["rate_limit_violations"] == 2
    assert all(stats["status_requests"].get(w["id"]) for w in listed)  # each listed item counts

    ok(api(saturn_simulator, "POST", "/_simulator/reset-stats", headers=ADMIN))
    assert ok(api(saturn_simulator, "GET", "/_simulator/stats", headers=ADMIN))["status_requests"] == {}


def test_strict_rate_limit_answers_429(saturn_simulator_factory: Callable[..., SimulatorProcess]) -> None:
    sim = saturn_simulator_factory(strict_rate_limit=True, min_status_interval=2.0, start_delay=0.2)
    workspace = find(sim, "workspaces", "gpu-training")  # counted: the list answers its status
    wid = workspace["id"]
    refused = api(sim, "GET", f"/api/workspaces/{wid}")
    assert refused.status_code == 429 and "once every" in refused.json()["message"]
    listing = api(sim, "GET", "/api/workspaces")
    assert listing.status_code == 429  # a list is refused if any item would violate
    assert api(sim, "POST", f"/api/workspaces/{wid}/start").status_code == 200  # actions never are

    time.sleep(2.1)  # the interval counts from the last answered request
    assert ok(api(sim, "GET", f"/api/workspaces/{wid}"))["id"] == wid
    stats = ok(api(sim, "GET", "/_simulator/stats", headers=ADMIN))
    assert stats["rate_limit_violations"] >= 2 and stats["status_requests"][wid] == 4


# --- the official client -----------------------------------------------------------------------------


def test_official_saturn_client_lists_starts_and_stops(saturn_simulator: SimulatorProcess) -> None:
    import saturn_client  # a test dependency: never skipped

    conn = saturn_client.SaturnConnection(url=saturn_simulator.url, api_token=SATURN_USER_TOKEN)
    try:
        assert conn.current_user["username"] == "alice"
        assert conn.primary_org["name"] == "main"
        assert "g4dnxlarge" in {size["name"] for size in conn.list_options("sizes")}

        names = {w["name"] for w in conn.get_all_workspaces()}
        assert {"analysis", "gpu-training", "r-reports"} <= names
        listed = conn.list_resources("workspace")
        assert {r["spec"]["name"] for r in listed} == names
        assert {r["spec"]["name"] for r in conn.list_resources("workspace", status="running")} >= {"analysis"}

        target = conn.get_resource("workspace", "r-reports")
        rid = target["state"]["id"]
        assert conn.start("workspace", rid)["status"] in ("pending", "running")
        running = wait_for(
            lambda: conn.get_resource("workspace", "r-reports"), lambda r: r["state"]["status"] == "running"
        )
        assert running["state"]["url"].endswith("/ide/alice/r-reports/rstudio")
        conn.stop("workspace", rid)
        wait_for(lambda: conn.get_resource("workspace", "r-reports"), lambda r: r["state"]["status"] == "stopped")

        pods = conn.get_pods("job", "nightly-report")
        assert pods and pods[0]["status"] in ("completed", "pending", "running")
        logs = conn.get_logs("job", "nightly-report", source="historical")
        assert "Nightly report: done" in logs

        job_id = conn.get_resource("job", "train-model")["state"]["id"]
        conn.start("job", job_id)
        live = conn.get_pods("job", "train-model", source="live")
        assert len(live) == 1 and live[0]["status"] in ("pending", "running")
        wait_for(lambda: conn.get_pods("job", "train-model", source="live"), lambda p: not p)
        pods = conn.get_pods("job", "train-model")
        assert pods[0]["status"] == "completed"
        assert "Command finished successfully" in conn.get_logs("job", "train-model", pod_name=pods[0]["pod_name"])
    finally:
        conn.close()
