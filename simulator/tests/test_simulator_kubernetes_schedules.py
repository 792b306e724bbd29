"""The simulator keeps schedules as Kubernetes does (a CronJob's ``spec.schedule``), hands a
config file named on the command line to the job, and can be told to send odd data for one
resource (``POST /_simulator/inject/{id}``) so clients can be tested against it."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from typing import Any, Callable

import pytest
import requests

from saturn_cloud_simulator import cron
from saturn_cloud_simulator.models import Job
from saturn_cloud_simulator.options import SimulatorOptions
from saturn_cloud_simulator.process import SimulatorProcess
from saturn_cloud_simulator.state import SimulatorState
from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN

USER = {"Authorization": f"token {SATURN_USER_TOKEN}"}
ADMIN = {"Authorization": f"token {SATURN_ADMIN_TOKEN}"}
T0 = dt.datetime(2026, 12, 6, 20, 0, 30, tzinfo=dt.timezone.utc)


def api(sim: SimulatorProcess, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
    return requests.request(method, sim.url + path, headers=headers or USER, timeout=10, **kw)


def job_recipe(name: str, **spec: Any) -> dict[str, Any]:
    body = {"name": name, "image": "saturncloud/saturn-python:2024.08.01", "instance_type": "large"}
    body.update({"command": "python run.py", **spec})
    return {"schema_version": "2025.10.01", "type": "job", "spec": body}


def new_job(sim: SimulatorProcess, **spec: Any) -> str:
    created = api(sim, "POST", "/api/recipes", json=job_recipe(f"job-{uuid.uuid4().hex[:6]}", **spec))
    assert created.status_code == 201, created.text
    return str(created.json()["state"]["id"])


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("TZ=UTC 0 7 * * *", "cannot use TZ or CRON_TZ in schedule"),
        ("0 0 L * *", "failed to parse int from L"),
        ("0 0 0 * * *", "expected exactly 5 fields, found 6"),
        ("@reboot", "unrecognized descriptor: @reboot"),
    ],
)
def test_a_schedule_kubernetes_refuses_is_a_400_everywhere(
    saturn_simulator: SimulatorProcess, schedule: str, reason: str
) -> None:
    job_id = new_job(saturn_simulator)
    schedule_at = api(saturn_simulator, "POST", f"/api/jobs/{job_id}/schedule", json={"schedule": schedule})
    assert schedule_at.status_code == 400 and reason in schedule_at.json()["message"]
    patched = api(
        saturn_simulator, "PATCH", f"/api/jobs/{job_id}", json={"cron_schedule_options": {"schedule": schedule}}
    )
    assert patched.status_code == 400 and reason in patched.json()["message"]
    created = api(saturn_simulator, "POST", "/api/recipes", json=job_recipe("refused", schedule=schedule))
    assert created.status_code == 400 and reason in created.json()["message"]


def test_a_schedule_that_never_fires_is_stored_and_never_fires(saturn_simulator: SimulatorProcess) -> None:
    job_id = new_job(saturn_simulator)
    answer = api(saturn_simulator, "POST", f"/api/jobs/{job_id}/schedule", json={"schedule": "0 0 30 2 *"})
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert job["scheduled"] is True and job["cron_schedule_options"]["schedule"] == "0 0 30 2 *"
    for every in ("@every 4h", "0 0 29 2 ?", "*-5 ? * JAN-dec mon-FRI"):  # what robfig accepts
        assert api(saturn_simulator, "POST", f"/api/jobs/{job_id}/schedule", json={"schedule": every}).ok


def test_the_scheduler_fires_as_the_cronjob_controller() -> None:
    async def scenario() -> None:
        state = SimulatorState(SimulatorOptions(token="t" * 20, start_delay=30.0))
        lifecycle = state.lifecycle
        never = state.create("job", state.users["alice"], "never", {"command": "echo hi"})
        every = state.create("job", state.users["alice"], "every", {"command": "echo hi"})
        assert isinstance(never, Job) and isinstance(every, Job)
        never.schedule, never.scheduled = "0 0 30 2 *", True
        every.schedule, every.scheduled = "@every 90s", True
        for job in (never, every):
            assert lifecycle.fire_if_due(job, T0) is None  # scheduled now: from now on
        for minutes in range(1, 60 * 24 * 400, 997):  # more than a year: 30 February never comes
            assert lifecycle.fire_if_due(never, T0 + dt.timedelta(minutes=minutes)) is None
        assert lifecycle.fire_if_due(every, T0 + dt.timedelta(seconds=89)) is None
        assert lifecycle.fire_if_due(every, T0 + dt.timedelta(seconds=90)) is not None
        # Ten missed times: one run, and the next time counts from the most recent one.
        assert lifecycle.fire_if_due(every, T0 + dt.timedelta(seconds=90 * 11 + 5)) is not None
        assert every.last_schedule_time == T0 + dt.timedelta(seconds=90 * 11)
        assert lifecycle.fire_if_due(every, T0 + dt.timedelta(seconds=90 * 11 + 80)) is None
        assert len(every.runs) == 2 and not never.runs
        await lifecycle.shutdown()

    asyncio.run(scenario())
    assert cron.next_time(cron.parse("0 0 30 2 *"), T0) is None


def test_inject_makes_one_resource_send_odd_data(saturn_simulator: SimulatorProcess) -> None:
    job_id = new_job(saturn_simulator)
    odd = {"view": {"name": ["odd"], "status": 5}, "history": {"start_time": 7}}
    assert api(saturn_simulator, "POST", f"/_simulator/inject/{job_id}", json=odd).status_code == 403
    assert api(saturn_simulator, "POST", f"/_simulator/inject/{job_id}", ADMIN, json=odd).ok
    assert api(saturn_simulator, "POST", f"/api/jobs/{job_id}/start").ok
    job = api(saturn_simulator, "GET", f"/api/jobs/{job_id}").json()
    assert job["name"] == ["odd"] and job["status"] == 5
    listed = api(saturn_simulator, "GET", "/api/jobs").json()["jobs"]
    assert any(item["id"] == job_id and item["status"] == 5 for item in listed)
    assert api(saturn_simulator, "GET", f"/api/jobs/{job_id}/history").json()["pods"][0]["start_time"] == 7
    assert api(saturn_simulator, "POST", f"/_simulator/inject/{job_id}", ADMIN, json={}).ok
    assert isinstance(api(saturn_simulator, "GET", f"/api/jobs/{job_id}").json()["name"], str)
    assert api(saturn_simulator, "POST", f"/_simulator/inject/{'0' * 32}", ADMIN, json={}).status_code == 404
    bad = api(saturn_simulator, "POST", f"/_simulator/inject/{job_id}", ADMIN, json={"view": []})
    assert bad.status_code == 400


def test_a_config_file_named_in_the_command_is_the_one_shipped(
    saturn_simulator_factory: Callable[..., SimulatorProcess],
) -> None:
    sim = saturn_simulator_factory(execute=True, start_delay=0.2)
    script = "import sys\nprint('read:', open(sys.argv[1]).read())\n"
    job_id = new_job(
        sim,
        command="python /home/jovyan/tools/show.py /home/jovyan/.config/values.json",
        config_files={
            "/home/jovyan/tools/show.py": {"content": script, "mode": "0644"},
            "/home/jovyan/.config/values.json": {"content": '{"zip_code": "02134"}', "mode": "0644"},
        },
    )
    assert api(sim, "POST", f"/api/jobs/{job_id}/start").ok
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while True:
        pods = api(sim, "GET", f"/api/jobs/{job_id}/history").json()["pods"]
        if pods and pods[0]["status"] in ("completed", "error"):
            break
        assert dt.datetime.now() < deadline
        time.sleep(0.2)
    logs = api(sim, "GET", f"/api/jobs/{job_id}/logs", params={"pod_name": pods[0]["pod_name"]}).json()["logs"]
    text = "\n".join(line["content"] for line in logs)
    assert pods[0]["status"] == "completed", text
    assert 'read: {"zip_code": "02134"}' in text
