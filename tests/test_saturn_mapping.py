"""Saturn objects as the panel shows them: pure mappings, checked on the shapes Saturn sends."""

from __future__ import annotations

from datetime import datetime, timezone

from jupyterlab_saturn_panel.saturn.mapping import (
    created_resource,
    estimated_progress,
    job_resource,
    run_model,
    size_gpus,
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
    assert own["progress"] == 45 and "its last start took about 60 s" in own["message"]
    pooled = with_estimate(pending, 30, None, 120.0)
    assert pooled["progress"] == 22 and "recent starts of this size took about 120 s" in pooled["message"]
    assert with_estimate(pending, 10_000, 60.0)["progress"] == 98  # never "done" before Saturn says so


def test_with_no_start_seen_there_is_no_made_up_estimate() -> None:
    """Nothing seen: an indeterminate bar and the time so far, not a guess of 60 s."""
    guess = with_estimate(workspace_resource(PENDING), 30.4, None, None)
    assert guess["progress"] is None and guess["progressEstimated"] is True
    assert guess["message"] == "Saturn status: pending (30 s so far; no start of this size seen yet, so no estimate)"


def test_the_estimated_bar_moves_evenly_then_creeps_and_never_jumps() -> None:
    values = [estimated_progress(t / 10, 60.0) for t in range(0, 6000)]
    assert values[0] == 0 and estimated_progress(30, 60) == 45 and estimated_progress(60, 60) == 90
    assert all(b >= a for a, b in zip(values, values[1:]))  # never backwards
    assert all(b - a <= 1 for a, b in zip(values, values[1:]))  # no jump in a tenth of a second
    assert max(values) <= 98 and estimated_progress(120, 60) == 95
    # A start as long as the ones seen ends near the end of the bar: running follows 90 %, not 28 %.
    assert estimated_progress(58, 60) >= 85


def test_gpus_come_from_saturns_sizes_else_the_size_text() -> None:
    sizes = {
        "g4dnxlarge": {"name": "g4dnxlarge", "gpu": 1, "gpu_type": "T4"},
        "large": {"name": "large", "gpu": 0, "gpu_type": None},
    }
    assert size_gpus({"instance_size": "g4dnxlarge"}, sizes) == {"gpus": 1, "gpuType": "T4"}
    assert size_gpus({"instance_size": "large"}, sizes) == {"gpus": 0, "gpuType": None}
    assert size_gpus({"size_display": "T4-XLarge - 4 cores - 16 GB RAM - 1 GPU"}) == {"gpus": 1, "gpuType": None}
    assert size_gpus({"size_display": "8x V100 - 4 GPUs"}) == {"gpus": 4, "gpuType": None}
    assert size_gpus({"size_display": "Large - 2 cores - 16 GB RAM"}) == {"gpus": 0, "gpuType": None}
    assert size_gpus({}) == {"gpus": None, "gpuType": None}  # nothing says: nothing claimed
    job = job_resource({"id": "c" * 32, "name": "train", "instance_size": "g4dnxlarge"}, [], sizes=sizes)
    assert job["details"]["gpus"] == 1 and job["details"]["gpuType"] == "T4"


def test_a_run_going_counts_to_when_saturn_last_saw_it_as_its_final_duration_does() -> None:
    going = {
        "pod_name": "p",
        "status": "running",
        "start_time": "2026-01-01T00:00:00Z",
        "last_seen": "2026-01-01T00:00:07Z",
    }
    later = datetime(2026, 1, 1, 0, 0, 30, tzinfo=timezone.utc)  # the panel's clock, ahead
    assert run_model(going, later)["duration"] == 7.0
    done = run_model({**going, "status": "completed"}, later)
    assert done["duration"] == 7.0 and done["finished"] == "2026-01-01T00:00:07Z"
    unseen = run_model({"pod_name": "p", "status": "running", "start_time": "2026-01-01T00:00:00Z"}, later)
    assert unseen["duration"] == 30.0


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
