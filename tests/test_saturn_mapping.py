"""Saturn objects as the panel shows them: pure mappings, checked on the shapes Saturn sends."""

from __future__ import annotations

from datetime import datetime, timezone

from jupyterlab_saturn_panel.saturn.mapping import (
    created_resource,
    job_resource,
    with_estimate,
    workspace_resource,
)

PENDING = {
    "id": "a" * 32,
    "name": "gpu-box",
    "status": "pending",
    "owner": {"name": "main/alice"},
    "size_display": "T4",
}


def test_a_start_estimate_says_what_it_is_based_on() -> None:
    pending = workspace_resource(PENDING)
    own = with_estimate(pending, 30, 60.0, 120.0)
    assert own["progress"] == 50 and "its last start took about 60 s" in own["message"]
    pooled = with_estimate(pending, 30, None, 120.0)
    assert pooled["progress"] == 25 and "recent starts of this size took about 120 s" in pooled["message"]
    guess = with_estimate(pending, 30, None, None)
    assert "no start seen yet" in guess["message"] and guess["progressEstimated"] is True
    assert with_estimate(pending, 10_000, 60.0)["progress"] == 95  # never "done" before Saturn says so


def test_a_notebook_job_is_named_after_its_notebook_and_says_its_schedule() -> None:
    job = {
        "id": "b" * 32,
        "name": "nb-daily-report-1a2b3c",
        "status": "stopped",
        "scheduled": True,
        "tags": {"saturn-panel-notebook": "reports/daily-report.ipynb"},
        "cron_schedule_options": {"schedule": "0 7 * * *"},
    }
    resource = job_resource(job, [], now=datetime(2026, 11, 30, 21, 3, tzinfo=timezone.utc))
    assert resource["displayName"] == "daily-report.ipynb" and resource["name"] == "nb-daily-report-1a2b3c"
    assert resource["details"]["notebook"] == "reports/daily-report.ipynb"
    assert resource["details"]["nextRun"] == "2026-12-01T07:00:00Z"
    paused = job_resource({**job, "scheduled": False}, [])
    assert paused["details"]["scheduled"] is False and paused["details"]["nextRun"] is None
    assert paused["details"]["schedule"] == "0 7 * * *"


def test_what_a_recipe_created_is_a_resource_with_its_key() -> None:
    created = created_resource(
        {"id": "c" * 32, "type": "workspace", "spec": {"name": "w"}, "state": {"status": "stopped"}}, {}, "bob"
    )
    assert created["key"] == f"saturn/workspace/{'c' * 32}" and created["owner"] == "bob"
    legacy = created_resource({"id": "d" * 32}, {"name": "old", "job": {"command": "x"}}, "alice")
    assert legacy["kind"] == "job" and legacy["name"] == "old"
