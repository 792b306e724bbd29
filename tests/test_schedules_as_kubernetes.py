"""Schedules as Saturn runs them (Kubernetes CronJobs), and one job never breaks the rest
(issue 17, case 3).

``0 0 30 2 *`` (a day that never comes) answered 500 to ``schedule-preview`` and to ``POST
…/schedule`` (which Saturn had stored), and from then on every read of Saturn failed, freezing
every Saturn row. A schedule is now accepted exactly when Kubernetes would run it, checked against
run times recorded from robfig/cron v3.0.1 itself (``robfig_cron_v3_cases.json``); and nothing one
workspace or job holds (a schedule, a name, a size, its runs) fails the read of the whole backend.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import body, error_of, fetch_url, saturn_only_config
from tornado.httpclient import HTTPClientError

from jupyterlab_saturn_panel.engine import StatusEngine
from jupyterlab_saturn_panel.errors import BadRequest, NotFound, Unavailable
from jupyterlab_saturn_panel.saturn import mapping
from jupyterlab_saturn_panel.saturn.backend import SaturnBackend, SaturnSettings
from jupyterlab_saturn_panel.saturn.mapping import job_resource, run_model, workspace_resource
from jupyterlab_saturn_panel.saturn.schedules import (
    ScheduleError,
    check_schedule,
    next_run,
    next_runs,
    next_time,
    parse,
    schedule_problem,
)
from saturn_cloud_simulator import cron as simulator_cron
from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator

CASES = json.loads((Path(__file__).parent / "robfig_cron_v3_cases.json").read_text(encoding="utf-8"))
START = datetime.fromisoformat(CASES["start"].replace("Z", "+00:00"))
NOW = datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc)


def run_times(module: Any, spec: str) -> tuple[str, list[str]]:
    """(error, the next five times) of ``spec`` by one of the two ports."""
    try:
        schedule = module.parse(spec)
    except module.ScheduleError as exc:
        return str(exc), []
    times, moment = [], START
    for _ in range(5):
        moment = module.next_time(schedule, moment)
        if moment is None:
            break
        times.append(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return "", times


# -- the rules, against robfig/cron itself --------------------------------------------------------


@pytest.mark.parametrize("module", [pytest.param(None, id="panel"), pytest.param(simulator_cron, id="simulator")])
def test_both_ports_accept_refuse_and_time_as_robfig_cron_v3(module: Any) -> None:
    from jupyterlab_saturn_panel.saturn import schedules

    port = module or schedules
    differ = []
    for case in CASES["cases"]:
        error, times = run_times(port, case["spec"])
        if (
            bool(error) != bool(case["error"])
            or times != case["next"]
            or (case["spec"].isascii() and error != case["error"])
        ):
            differ.append((case["spec"], case["error"], case["next"][:2], error, times[:2]))
    assert not differ, differ[:5]
    # The corpus holds what matters: refusals, schedules that never run, and each dialect quirk.
    specs = {c["spec"]: c for c in CASES["cases"]}
    assert specs["0 0 30 2 *"]["next"] == [] and not specs["0 0 30 2 *"]["error"]
    assert "above maximum (6)" in specs["0 0 * * 7"]["error"]
    assert specs["TZ=UTC 0 * * * *"]["error"].startswith("cannot use TZ")
    assert specs["0 0 29 2 ?"]["next"][0] == "2028-02-29T00:00:00Z"
    assert len(CASES["cases"]) > 200


def test_what_kubernetes_accepts_reads_as_it_runs() -> None:
    assert next_runs("0 7 * * 1-5", after=NOW) == [
        "2026-12-07T07:00:00Z",
        "2026-12-08T07:00:00Z",
        "2026-12-09T07:00:00Z",
    ]
    # Day of month OR day of week unless one starts with * or ? (robfig, not Vixie cron).
    assert next_runs("0 0 */2 * 1", after=NOW) == [
        "2026-12-07T00:00:00Z",
        "2026-12-09T00:00:00Z",
        "2026-12-11T00:00:00Z",
    ]
    assert next_runs("0 0 13 * ?", after=NOW)[0] == "2026-12-13T00:00:00Z"
    assert next_runs("30 4 1 jan,JUL *", after=NOW) == [
        "2027-01-01T04:30:00Z",
        "2027-07-01T04:30:00Z",
        "2028-01-01T04:30:00Z",
    ]
    assert next_runs("@weekly", after=NOW)[0] == "2026-12-13T00:00:00Z"  # Sunday
    assert next_runs("@every 1h30m", after=NOW) == [
        "2026-12-06T21:30:00Z",
        "2026-12-06T23:00:00Z",
        "2026-12-07T00:30:00Z",
    ]
    assert next_runs("0 0 30 2 *", after=NOW) == [] and next_run("0 0 30 2 *", NOW) is None
    assert next_runs("not a schedule") == [] and next_run(42) is None
    assert isinstance(parse("*-5 * * * *"), type(parse("* * * * *")))  # robfig ignores what follows "*-"
    with pytest.raises(ScheduleError):
        parse("@every 4 hours")
    assert next_time(parse("@every 90s"), NOW) == datetime(2026, 12, 6, 20, 1, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        ("0 0 30 2 *", "never runs: no date matches it"),
        ("0 0 31 4,6,9,11 *", "never runs"),
        ("0 0 , * *", "never runs"),
        ("0 0 * * 7", "Days of the week are 0-6"),
        ("0 0 * * SUN-7", "above maximum (6)"),
        ("0 0 L * *", "L, W and # are not part of Kubernetes' cron"),
        ("0 0 * * 5#3", "L, W and #"),
        ("TZ=Europe/Paris 0 7 * * *", "without TZ= or CRON_TZ="),
        ("CRON_TZ=UTC 0 7 * * *", "cannot use TZ or CRON_TZ"),
        ("0 0 0 * * *", "no seconds"),
        ("* * *", "5 fields"),
        ("61 * * * *", "valid cron"),
        ("*/0 * * * *", "step of range should be a positive number"),
        ("@sometimes", "macro"),
        ("@Daily", "macro"),
        ("@every 4 hours", "unknown unit"),
        ("5" * 5000 + " * * * *", "value out of range"),  # int() alone would raise (a 500)
        ("*/" + "9" * 5000 + " * * * *", "value out of range"),
        ("@every " + "1" * 5000 + "s", "invalid duration"),
        ("", "schedule must be"),
        (5, "schedule must be"),
        (None, "schedule must be"),
    ],
)
def test_a_schedule_saturn_would_not_run_is_a_400_that_says_why(schedule: Any, words: str) -> None:
    with pytest.raises(BadRequest) as info:
        check_schedule(schedule, now=NOW)
    assert words in info.value.message


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("*/5  * * * *", "*/5 * * * *"),
        ("\t0 7 * * mon-fri ", "0 7 * * mon-fri"),
        ("@every 4h", "@every 4h"),
        ("@every   90m", "@every 90m"),
        ("0 0 29 2 ?", "0 0 29 2 ?"),  # leap days only: it runs
        ("? ? ? ? ?", "? ? ? ? ?"),
        ("5/15 * * * *", "5/15 * * * *"),
        ("0" * 40 + "5 * * * *", "0" * 40 + "5 * * * *"),  # Go's Atoi reads leading zeros
        ("@every " + "0" * 40 + "1h", "@every " + "0" * 40 + "1h"),
    ],
)
def test_what_saturn_runs_is_accepted_blanks_collapsed(typed: str, sent: str) -> None:
    assert check_schedule(typed, now=NOW) == sent


def test_a_job_row_says_when_its_schedule_never_runs() -> None:
    job = {"id": "a" * 32, "name": "n", "scheduled": True, "cron_schedule_options": {"schedule": "0 0 30 2 *"}}
    row = job_resource(job, [], now=NOW)
    assert row["details"]["schedule"] == "0 0 30 2 *" and row["details"]["scheduled"] is True
    assert row["details"]["nextRun"] is None and "never runs" in row["message"]
    bad = job_resource({**job, "cron_schedule_options": {"schedule": "0 0 * * 7"}}, [], now=NOW)
    assert "Kubernetes does not accept" in bad["message"] and bad["details"]["nextRun"] is None
    odd = job_resource({**job, "cron_schedule_options": {"schedule": ["0", "7"]}}, [], now=NOW)
    assert "not text" in odd["message"] and odd["details"]["schedule"] is None
    fine = job_resource({**job, "cron_schedule_options": {"schedule": "0 7 * * *"}}, [], now=NOW)
    assert fine["message"] is None and fine["details"]["nextRun"] == "2026-12-07T07:00:00Z"
    assert schedule_problem("@every 4h") is None


# -- nothing one resource holds fails the rest ------------------------------------------------


GARBAGE: list[Any] = [None, 7, -1.5, True, "", "x" * 10_000, [], ["a"], {}, {"a": {"b": []}}, "\x00\ud800", 10**5000]


def test_mapping_any_field_of_any_type_does_not_raise() -> None:
    fields = ["id", "name", "owner", "status", "url", "started_at", "updated_at", "size_display", "instance_size"]
    fields += ["ide", "running_count", "command", "scheduled", "cron_schedule_options", "tags"]
    for field in fields:
        for value in GARBAGE + [{"schedule": value} for value in GARBAGE]:
            item = {"id": "b" * 32, "name": "ok", field: value}
            workspace = workspace_resource(item)
            job = job_resource(item, [])
            for resource in (workspace, job):
                json.dumps(resource, allow_nan=False)  # what the browser gets stays JSON
                assert isinstance(resource["name"], str) and isinstance(resource["owner"], str)
                assert resource["lastActivity"] is None or isinstance(resource["lastActivity"], str)
                size = resource["details"]["size"]
                assert size is None or isinstance(size, str)
    for field in ("pod_name", "status", "start_time", "last_seen"):
        for value in [*GARBAGE, "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"]:
            run = run_model({"pod_name": "p", "start_time": "2026-12-06T20:00:00Z", field: value})
            json.dumps(run, allow_nan=False)
    runs = mapping.sorted_runs([{"start_time": 5}, {"start_time": "2026-12-06T20:00:00Z"}, {"start_time": None}])
    assert [r["started"] for r in runs] == ["2026-12-06T20:00:00Z", None, None]
    assert mapping.size_gpus({"size_display": "9" * 5000 + " GPUs"})["gpus"] == 0


class FakeSaturn:
    """A Saturn client whose answers a test sets, one resource at a time."""

    def __init__(self) -> None:
        self.workspaces: list[Any] = [
            {"id": "1" * 32, "name": "fine-ws", "status": "running"},
            {"id": "2" * 32, "name": "odd-ws", "status": "stopped"},
        ]
        self.jobs: list[Any] = [
            {"id": "3" * 32, "name": "fine-job", "status": "completed"},
            {"id": "4" * 32, "name": "odd-job", "status": "completed"},
            {"id": "5" * 32, "name": "gone-job", "status": "completed"},
        ]
        self.deployments: list[Any] = [
            {"id": "6" * 32, "name": "fine-dep", "status": "running", "url": "http://127.0.0.1:1/deploy/"},
            {"id": "7" * 32, "name": "odd-dep", "status": "stopped"},
        ]
        self.history_error: dict[str, Exception] = {"5" * 32: NotFound("Saturn Cloud does not know this resource")}

    async def current_user(self, *, admin: bool = False) -> dict[str, Any]:
        return {"username": "alice"}

    async def list_workspaces(self) -> list[Any]:
        return self.workspaces

    async def list_deployments(self) -> list[Any]:
        return self.deployments

    async def list_jobs(self) -> list[Any]:
        return self.jobs

    async def server_sizes(self) -> dict[str, Any]:
        return {}

    async def job_history(self, resource_id: str) -> list[Any]:
        if resource_id in self.history_error:
            raise self.history_error[resource_id]
        return [{"pod_name": f"{resource_id[:4]}-run", "status": "completed", "start_time": "2026-12-06T20:00:00Z"}]

    async def aclose(self) -> None:
        return None


async def test_a_resource_the_panel_cannot_map_is_that_rows_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    client = FakeSaturn()
    backend = SaturnBackend(client, SaturnSettings(min_interval=0.0, has_admin_token=False), StatusEngine())  # type: ignore[arg-type]
    real_workspace, real_job = mapping.workspace_resource, mapping.job_resource
    real_deployment = mapping.deployment_resource

    def deployment(item: Any, sizes: Any = None) -> Any:
        if item.get("name") == "odd-dep":
            raise ValueError("a bug meeting odd data")
        return real_deployment(item, sizes)

    def workspace(item: Any, sizes: Any = None) -> Any:
        if item.get("name") == "odd-ws":
            raise KeyError("a bug meeting odd data")
        return real_workspace(item, sizes)

    def job(item: Any, runs: Any, now: Any = None, sizes: Any = None) -> Any:
        if item.get("name") == "odd-job":
            raise TypeError("a bug meeting odd data")
        return real_job(item, runs, now, sizes)

    monkeypatch.setattr("jupyterlab_saturn_panel.saturn.backend.workspace_resource", workspace)
    monkeypatch.setattr("jupyterlab_saturn_panel.saturn.backend.job_resource", job)
    monkeypatch.setattr("jupyterlab_saturn_panel.saturn.backend.deployment_resource", deployment)
    rows = {r["name"]: r for r in await backend.refresh()}
    assert rows["fine-ws"]["status"] == "running" and rows["fine-job"]["status"] == "completed"
    assert rows["fine-dep"]["status"] == "running" and rows["fine-dep"]["kind"] == "deployment"
    for name, kind in (("odd-ws", "workspace"), ("odd-job", "job"), ("odd-dep", "deployment")):
        assert rows[name]["status"] == "error" and rows[name]["actions"] == []
        assert f"Saturn sent data for this {kind} that the panel cannot read" in rows[name]["message"]
        assert rows[name]["key"] == f"saturn/{kind}/{rows[name]['id']}"
    # A job whose runs Saturn will not give: its row says so, the others read on.
    assert "Saturn did not give this job's runs" in rows["gone-job"]["message"]
    # An error that is about Saturn itself still fails the read, so the section says so.
    client.history_error["3" * 32] = Unavailable("Saturn Cloud cannot be reached")
    client.jobs[0]["status"] = "running"
    with pytest.raises(Unavailable):
        await backend.refresh()


# -- against the simulator ---------------------------------------------------------------------

FAST = 1.0


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=2.0, min_status_interval=FAST)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, FAST, request_timeout=10.0)


async def sim(simulator: Any, path: str, method: str = "GET", payload: Any = None) -> Any:
    """The simulator's own API (another client of the same Saturn), with the admin token."""
    from tornado.httpclient import AsyncHTTPClient

    response = await AsyncHTTPClient().fetch(
        f"{simulator.url}{path}",
        method=method,
        headers={"Authorization": f"token {SATURN_ADMIN_TOKEN}", "Content-Type": "application/json"},
        body=json.dumps(payload) if payload is not None else ("" if method in ("POST", "PATCH") else None),
        raise_error=False,
    )
    assert response.code < 300, response.body
    return json.loads(response.body or b"null")


async def expect(call: Any, status: int) -> str:
    with pytest.raises(HTTPClientError) as info:
        await call
    code, payload = error_of(info.value)
    assert code == status, payload
    return str(payload["message"])


async def read_again(jp_fetch: Any) -> None:
    """What a person's Refresh does: read Saturn now (an idle panel reads every 30 s)."""
    await jp_fetch("saturn-panel/refresh", method="POST", body='{"backend": "saturn"}')


async def rows(jp_fetch: Any) -> dict[str, dict[str, Any]]:
    resources = body(await jp_fetch("saturn-panel", "resources"))["resources"]
    return {r["name"]: r for r in resources if r["backend"] == "saturn"}


async def test_a_schedule_that_never_fires_is_a_400_and_never_breaks_the_rest(
    jp_fetch: Any, open_events: Any, simulator: Any
) -> None:
    tab = open_events()
    await tab.ready()
    preview = "saturn-panel/saturn/schedule-preview"
    assert "never runs" in await expect(jp_fetch(preview, method="POST", body='{"schedule": "0 0 30 2 *"}'), 400)
    leap = body(await jp_fetch(preview, method="POST", body='{"schedule": "0 0 29 2 ?"}'))
    assert [t[:10] for t in leap["next"]] == ["2028-02-29", "2032-02-29", "2036-02-29"]
    every = body(await jp_fetch(preview, method="POST", body='{"schedule": "@every 4h"}'))
    assert len(every["next"]) == 3 and every["schedule"] == "@every 4h"
    assert "0-6" in await expect(jp_fetch(preview, method="POST", body='{"schedule": "0 7 * * 7"}'), 400)

    job = (await rows(jp_fetch))["train-model"]
    path = f"saturn-panel/saturn/jobs/{job['id']}/schedule"
    assert "never runs" in await expect(jp_fetch(path, method="POST", body='{"schedule": "0 0 30 2 *"}'), 400)
    held = await sim(simulator, f"/api/jobs/{job['id']}")
    assert held["cron_schedule_options"] is None and held["scheduled"] is False  # nothing was sent

    # Another client puts it on that schedule (Kubernetes stores it; it never fires).
    await sim(simulator, f"/api/jobs/{job['id']}", "PATCH", {"cron_schedule_options": {"schedule": "0 0 30 2 *"}})
    await sim(simulator, f"/api/jobs/{job['id']}/schedule", "POST", {})
    await read_again(jp_fetch)
    row = await tab.wait_resource(job["key"], lambda r: r["details"]["schedule"] == "0 0 30 2 *")
    assert row["details"]["scheduled"] is True and row["details"]["nextRun"] is None
    assert "never runs" in row["message"]
    config = body(await jp_fetch("saturn-panel", "config"))["saturn"]
    assert config["message"] is None and config["stale"] is False
    paused = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/unschedule", method="POST", body="{}"))
    assert paused["details"]["scheduled"] is False and "never runs" in paused["message"]
    assert "never runs" in await expect(jp_fetch(path, method="POST", body="{}"), 400)  # no Resume to nowhere

    # ... and the rest of Saturn keeps updating.
    workspace = (await rows(jp_fetch))["r-reports"]
    await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/start", method="POST", body="")
    await tab.wait_resource(workspace["key"], lambda r: r["status"] == "running", timeout=60)
    await jp_fetch(f"saturn-panel/saturn/workspaces/{workspace['id']}/stop", method="POST", body="")
    # Set right from the panel, the row moves on.
    fixed = body(await jp_fetch(path, method="POST", body='{"schedule": "0 7 * * 1-5"}'))
    assert fixed["message"] is None and fixed["details"]["nextRun"].endswith("T07:00:00Z")
    await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/unschedule", method="POST", body="{}")


async def test_odd_data_in_one_job_or_workspace_is_that_rows_problem(
    jp_fetch: Any, open_events: Any, simulator: Any
) -> None:
    tab = open_events()
    await tab.ready()
    before = await rows(jp_fetch)
    job, workspace, lost = before["nightly-report"], before["analysis"], before["train-model"]
    await sim(
        simulator,
        f"/_simulator/inject/{job['id']}",
        "POST",
        {
            "view": {
                "name": ["nightly", "report"],
                "owner": "alice",
                "status": {"phase": "odd"},
                "running_count": "many",
                "updated_at": {"when": "now"},
                "size_display": 12,
                "instance_size": ["large"],
                "command": {"argv": ["python"]},
                "tags": "not an object",
                "scheduled": "yes",
                "cron_schedule_options": {"schedule": 42},
            },
            "history": {"start_time": 1234, "status": ["done"], "pod_name": None, "last_seen": "yesterday"},
        },
    )
    await sim(
        simulator,
        f"/_simulator/inject/{workspace['id']}",
        "POST",
        {
            "view": {
                "status": ["running"],
                "size_display": "9" * 5000 + " GPUs",
                "url": 5,
                "started_at": {},
                "ide": 7,
                "owner": [],
                "updated_at": 3,
            }
        },
    )
    # A job whose runs Saturn no longer has (its id answers 404 for its history).
    await sim(simulator, f"/_simulator/inject/{lost['id']}", "POST", {"view": {"id": "f" * 32}})
    await read_again(jp_fetch)
    try:
        odd_job = await tab.wait_resource(job["key"], lambda r: r["name"] == "" and r["message"], timeout=30)
        assert "not text" in odd_job["message"] and odd_job["details"]["size"] == "12"
        assert odd_job["lastActivity"] is None and odd_job["details"]["command"] is None
        odd_ws = await tab.wait_resource(workspace["key"], lambda r: r["status"] == "error")
        assert "Unknown status ['running']" in odd_ws["message"] and odd_ws["owner"] == ""
        assert odd_ws["url"] is None and odd_ws["started"] is None and odd_ws["lastActivity"] == "3"
        gone = await tab.wait_resource(f"saturn/job/{'f' * 32}", lambda r: bool(r["message"]))
        assert "Saturn did not give this job's runs" in gone["message"]
        config = body(await jp_fetch("saturn-panel", "config"))["saturn"]
        assert config["message"] is None and config["stale"] is False

        # The rest of Saturn keeps updating.
        other = before["r-reports"]
        await jp_fetch(f"saturn-panel/saturn/workspaces/{other['id']}/start", method="POST", body="")
        await tab.wait_resource(other["key"], lambda r: r["status"] == "running", timeout=60)
        await jp_fetch(f"saturn-panel/saturn/workspaces/{other['id']}/stop", method="POST", body="")
    finally:
        for resource in (job, workspace, lost):
            await sim(simulator, f"/_simulator/inject/{resource['id']}", "POST", {"view": {}, "history": {}})
    await read_again(jp_fetch)
    healed = await tab.wait_resource(job["key"], lambda r: r["name"] == "nightly-report" and r["message"] is None)
    assert healed["details"]["runs"][0]["started"]
    status, _ = await fetch_url(f"{simulator.url}/api/jobs/{lost['id']}/history", SATURN_USER_TOKEN)
    assert status == 200
