"""Running the notebook a user looks at as a Saturn job (seed 001), for real, with papermill."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import nbformat
import pytest
from conftest import body, error_of, fetch_url, saturn_only_config
from tornado.httpclient import HTTPClientError

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator

FAST = 1.0


@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(execute=True, min_status_interval=FAST)
    yield sim
    sim.close()


@pytest.fixture
def panel_config(simulator: Any) -> dict[str, Any]:
    return saturn_only_config(simulator, FAST, saturn_admin_token=SATURN_ADMIN_TOKEN)


@pytest.fixture
def notebook(jp_root_dir: Any) -> str:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('greeting = "hello"\ntimes = 1')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("for _ in range(times):\n    print(f'{greeting} from the job')")]
    folder = jp_root_dir / "analysis"
    folder.mkdir()
    nbformat.write(nb, folder / "Weekly Report.ipynb")
    return "analysis/Weekly Report.ipynb"


async def expect(call: Any, status: int) -> str:
    with pytest.raises(HTTPClientError) as info:
        await call
    code, payload = error_of(info.value)
    assert code == status, payload
    return str(payload["message"])


async def run(jp_fetch: Any, payload: dict[str, Any]) -> Any:
    return await jp_fetch("saturn-panel/saturn/notebook-jobs", method="POST", body=json.dumps(payload))


async def test_a_notebook_runs_as_a_job_with_parameters(
    jp_fetch: Any, open_events: Any, notebook: str, jp_root_dir: Any, simulator: Any
) -> None:
    tab = open_events()
    await tab.ready()
    job = body(await run(jp_fetch, {"path": notebook, "parameters": {"greeting": "bonjour", "times": 2}}))
    assert job["kind"] == "job" and job["name"].startswith("nb-weekly-report-")
    assert "run_notebook.py" in job["details"]["command"] and "--parameters-json" in job["details"]["command"]
    # A person reads the notebook's name, not nb-weekly-report-1a2b3c; the path is in the details.
    assert job["displayName"] == "Weekly Report.ipynb" and job["details"]["notebook"] == notebook
    first = job["details"]["runs"][0]
    assert first["status"] in ("pending", "running")
    done = await tab.wait_resource(
        job["key"],
        lambda r: (
            r["details"]["runs"]
            and r["details"]["runs"][0]["name"] == first["name"]
            and r["details"]["runs"][0]["status"] in ("completed", "error")
        ),
        timeout=120,
    )
    logs = body(await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": first["name"]}))
    text = "\n".join(line["content"] for line in logs["lines"])
    assert done["details"]["runs"][0]["status"] == "completed", text
    assert text.count("bonjour from the job") == 2  # the notebook's output, with the parameters
    assert "Executing Cell 3" in text and "saturn-panel-progress: cells=3" in text  # progress reaches the logs
    assert logs["progress"] == {"cell": 3, "cells": 3} and logs["total"] == len(logs["lines"])
    tail = body(
        await jp_fetch(
            f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": first["name"], "since": logs["total"] - 2}
        )
    )
    assert tail["lines"] == logs["lines"][-2:] and tail["total"] == logs["total"]  # only what is new

    # Five viewers of a finished run cost Saturn nothing more: its log was read once, complete.
    await fetch_url(f"{simulator.url}/_simulator/reset-stats", SATURN_ADMIN_TOKEN, method="POST")
    await asyncio.gather(
        *(jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/logs", params={"run": first["name"]}) for _ in range(5))
    )
    _, stats = await fetch_url(f"{simulator.url}/_simulator/stats", SATURN_ADMIN_TOKEN)
    assert stats["api_calls"].get("GET /api/jobs/{id}/logs", 0) == 0, stats["api_calls"]

    # Open output: the executed notebook, rebuilt from the run's log, saved beside the source.
    saved = body(
        await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/runs/{first['name']}/output", method="POST", body="{}")
    )
    assert saved["path"].startswith("analysis/Weekly Report.runs/") and saved["errorCell"] is None
    output = nbformat.read(jp_root_dir / saved["path"], as_version=4)
    outputs = "".join(o.get("text", "") for c in output.cells for o in c.get("outputs", []))
    assert outputs.count("bonjour from the job") == 2
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in output.cells)

    # Running it again updates the same job: no duplicate, a second run.
    again = body(await run(jp_fetch, {"path": notebook}))
    assert again["id"] == job["id"]
    assert again["details"]["runs"][0]["name"] != first["name"]
    jobs = [r for r in body(await jp_fetch("saturn-panel", "resources"))["resources"] if r["kind"] == "job"]
    assert [r["name"] for r in jobs].count(job["name"]) == 1


async def test_git_source_builds_seed_001s_recipe(jp_fetch: Any, notebook: str, simulator: Any) -> None:
    job = body(
        await run(
            jp_fetch,
            {
                "path": notebook,
                "source": "git",
                "git": {"url": "https://github.com/example/analysis.git", "reference": "main", "directory": "reports"},
            },
        )
    )
    status, recipe = await fetch_url(f"{simulator.url}/api/jobs/{job['id']}/recipe", SATURN_USER_TOKEN)
    assert status == 200
    spec = recipe["spec"]
    assert spec["git_repositories"][0]["url"] == "https://github.com/example/analysis.git"
    assert spec["working_directory"].endswith("/git-repos/analysis/reports")
    assert spec["command"].startswith("python /home/jovyan/.saturn-panel/run_notebook.py 'Weekly Report.ipynb'")
    assert "/home/jovyan/.saturn-panel/run_notebook.py" in spec["config_files"]  # shipped with the job


async def test_bad_requests(jp_fetch: Any, notebook: str) -> None:
    assert "notebook (.ipynb)" in await expect(run(jp_fetch, {"path": "notes.txt"}), 400)
    assert "without '..'" in await expect(run(jp_fetch, {"path": "../outside.ipynb"}), 400)
    assert "without '..'" in await expect(run(jp_fetch, {"path": "/etc/x.ipynb"}), 400)
    assert "No notebook" in await expect(run(jp_fetch, {"path": "missing.ipynb"}), 404)
    assert "parameter name" in await expect(run(jp_fetch, {"path": notebook, "parameters": {"1x": 1}}), 400)
    assert "must be a string" in await expect(run(jp_fetch, {"path": notebook, "parameters": {"x": [1]}}), 400)
    assert "git.url" in await expect(run(jp_fetch, {"path": notebook, "source": "git"}), 400)
    assert "source must be" in await expect(run(jp_fetch, {"path": notebook, "source": "s3"}), 400)
    assert "image" in await expect(run(jp_fetch, {"path": notebook, "image": "no tag"}), 400)
    assert "Unknown field" in await expect(run(jp_fetch, {"path": notebook, "cluster": 1}), 400)


async def test_a_notebook_on_a_schedule_pauses_resumes_and_changes(jp_fetch: Any, notebook: str) -> None:
    before = body(await jp_fetch("saturn-panel", "resources"))["resources"]
    runs_before = {r["id"]: len(r["details"]["runs"]) for r in before if r["kind"] == "job"}
    job = body(await run(jp_fetch, {"path": notebook, "schedule": "*/5  * * * *"}))
    details = job["details"]
    assert details["schedule"] == "*/5 * * * *" and details["scheduled"] is True
    assert details["nextRun"].endswith("Z") and details["scheduleTimezone"] == "UTC"
    assert len(details["runs"]) == runs_before.get(job["id"], 0)  # scheduling runs nothing now

    jobs = f"saturn-panel/saturn/jobs/{job['id']}"
    paused = body(await jp_fetch(f"{jobs}/unschedule", method="POST", body="{}"))
    assert paused["details"]["scheduled"] is False and paused["details"]["nextRun"] is None
    assert paused["details"]["schedule"] == "*/5 * * * *"  # kept for Resume
    resumed = body(await jp_fetch(f"{jobs}/schedule", method="POST", body="{}"))
    assert resumed["details"]["scheduled"] is True and resumed["details"]["nextRun"]
    edited = body(await jp_fetch(f"{jobs}/schedule", method="POST", body=json.dumps({"schedule": "0 7 * * 1-5"})))
    assert edited["details"]["schedule"] == "0 7 * * 1-5" and "T07:00:00Z" in edited["details"]["nextRun"]

    assert "valid cron" in await expect(
        jp_fetch(f"{jobs}/schedule", method="POST", body='{"schedule": "61 * * * *"}'), 400
    )
    assert "5 fields" in await expect(jp_fetch(f"{jobs}/schedule", method="POST", body='{"schedule": "* * *"}'), 400)
    assert "Unknown field" in await expect(
        jp_fetch(f"{jobs}/unschedule", method="POST", body='{"schedule": "@daily"}'), 400
    )
    assert "schedule must be" in await expect(run(jp_fetch, {"path": notebook, "schedule": 5}), 400)

    preview = body(
        await jp_fetch(
            "saturn-panel/saturn/schedule-preview", method="POST", body=json.dumps({"schedule": "0 7 * * 1-5"})
        )
    )
    assert len(preview["next"]) == 3 and preview["timezone"] == "UTC"
    assert all("T07:00:00Z" in t for t in preview["next"])
    assert "macro" in await expect(
        jp_fetch("saturn-panel/saturn/schedule-preview", method="POST", body='{"schedule": "@sometimes"}'), 400
    )
    await jp_fetch(f"{jobs}/unschedule", method="POST", body="{}")


async def test_open_output_refuses_what_it_cannot_give(jp_fetch: Any, notebook: str) -> None:
    job = body(await run(jp_fetch, {"path": notebook}))
    running = job["details"]["runs"][0]["name"]
    out = f"saturn-panel/saturn/jobs/{job['id']}/runs/{running}/output"
    assert "still going" in await expect(jp_fetch(out, method="POST", body="{}"), 409)
    assert "without '..'" in await expect(jp_fetch(out, method="POST", body='{"folder": "../x"}'), 400)
    missing = f"saturn-panel/saturn/jobs/{job['id']}/runs/no-such-run/output"
    assert "no-such-run" in await expect(jp_fetch(missing, method="POST", body="{}"), 404)
    await jp_fetch(f"saturn-panel/saturn/jobs/{job['id']}/runs/{running}/stop", method="POST", body="")
