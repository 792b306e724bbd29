"""Demo data for ``--seed demo``: users alice and bob, a few workspaces, two deployments (one
running), two jobs with history."""

from __future__ import annotations

import datetime as dt
import json

from .lifecycle import deployment_startup_lines, simulated_output
from .models import Deployment, Job, LogLine, Run, Workspace, utcnow
from .state import SimulatorState

SEEDS = ("demo",)

PYTHON_IMAGE = "saturncloud/saturn-python:2024.08.01"
GPU_IMAGE = "saturncloud/saturn-python-pytorch:2024.08.01"
R_IMAGE = "saturncloud/saturn-rstats:2024.08.01"

NIGHTLY_REPORT_COMMAND = "papermill report.ipynb out.ipynb --stdout-file - --stderr-file - --kernel python3"


def _code(source: str) -> dict[str, object]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


#: A small real notebook: ``--execute`` runs it with papermill, and its prints reach the logs.
REPORT_NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "# Nightly report\nA tiny notebook run as a Saturn job.",
            },
            _code('print("Nightly report: starting")'),
            _code(
                "import datetime\n"
                'print("Generated at", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))'
            ),
            _code(
                "values = [3, 1, 4, 1, 5, 9, 2, 6]\n"
                'print(f"Mean of {len(values)} values: {sum(values) / len(values):.2f}")'
            ),
            _code('print("Nightly report: done")'),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)


def _past_run(job: Job, started: dt.datetime, lines: list[str]) -> Run:
    """A finished (completed) run with its log, as if it ran at ``started``."""
    run = Run(name=job.new_run_name(), job=job, status="completed", created_at=started)
    run.started_at = started + dt.timedelta(seconds=20)
    for index, content in enumerate(lines):
        run.logs.append(LogLine(run.started_at + dt.timedelta(seconds=index), content))
    run.completed_at = run.started_at + dt.timedelta(seconds=len(lines) + 1)
    run.exit_code = 0
    job.runs.append(run)
    return run


def load(state: SimulatorState, seed: str) -> None:
    """Fill ``state`` with the named seed's users and resources."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; known: {', '.join(SEEDS)}")
    now = utcnow()
    alice = state.users["alice"]
    bob = state.add_user("bob", full_name="Bob Example")

    analysis = state.create(
        "workspace",
        alice,
        "analysis",
        {
            "image": PYTHON_IMAGE,
            "instance_type": "large",
            "description": "Exploratory analysis",
            "extra_packages": {"pip": {"install": "seaborn"}},
        },
    )
    assert isinstance(analysis, Workspace)
    analysis.status = "running"
    analysis.started_at = now - dt.timedelta(hours=2)
    state.create(
        "workspace",
        alice,
        "gpu-training",
        {
            "image": GPU_IMAGE,
            "instance_type": "g4dnxlarge",
            "description": "Model training on a T4 GPU",
            "disk_space": "100Gi",
            "auto_shutoff": "6 hours",
        },
    )
    state.create(
        "workspace",
        alice,
        "r-reports",
        {"image": R_IMAGE, "instance_type": "medium", "ide": "rstudio", "description": "R Markdown reports"},
    )
    state.create(
        "workspace",
        bob,
        "bob-sandbox",
        {"image": PYTHON_IMAGE, "instance_type": "medium", "description": "Bob's playground"},
    )

    api = state.create(
        "deployment",
        alice,
        "churn-model-api",
        {
            "image": PYTHON_IMAGE,
            "instance_type": "medium",
            "description": "Serves the churn model over HTTP",
            "command": "uvicorn app:api --host 0.0.0.0 --port 8000",
            "extra_packages": {"pip": {"install": "fastapi uvicorn scikit-learn"}},
        },
    )
    assert isinstance(api, Deployment)
    api.status = "running"
    api.started_at = now - dt.timedelta(hours=3)
    pod = api.new_pod()
    pod.created_at = api.last_deploy = api.started_at
    pod.status = "running"
    pod.started_at = api.started_at + dt.timedelta(seconds=20)
    for index, content in enumerate([f"Pulling image {api.image_ref.uri}", *deployment_startup_lines(api)]):
        pod.logs.append(LogLine(api.started_at + dt.timedelta(seconds=index), content))
    state.create(
        "deployment",
        alice,
        "sales-dashboard",
        {
            "image": PYTHON_IMAGE,
            "instance_type": "large",
            "description": "Voila dashboard of weekly sales",
            "command": "voila dashboard.ipynb --port 8000 --no-browser",
        },
    )

    report = state.create(
        "job",
        alice,
        "nightly-report",
        {
            "image": PYTHON_IMAGE,
            "instance_type": "large",
            "description": "Runs report.ipynb with papermill",
            "command": NIGHTLY_REPORT_COMMAND,
            "working_directory": "/home/jovyan/workspace",
            "extra_packages": {"pip": {"install": "papermill"}},
            "config_files": {"report.ipynb": {"content": REPORT_NOTEBOOK, "mode": "0644"}},
        },
    )
    assert isinstance(report, Job)
    yesterday = (now - dt.timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
    _past_run(
        report,
        yesterday,
        [
            "Input Notebook:  report.ipynb",
            "Output Notebook: out.ipynb",
            "Executing notebook with kernel: python3",
            "Nightly report: starting",
            f"Generated at {yesterday.strftime('%Y-%m-%d %H:%M')} UTC",
            "Mean of 8 values: 3.88",
            "Nightly report: done",
        ],
    )

    train = state.create(
        "job",
        alice,
        "train-model",
        {
            "image": GPU_IMAGE,
            "instance_type": "g4dnxlarge",
            "description": "Trains the model (simulated)",
            "command": "python train.py --epochs 5",
        },
    )
    assert isinstance(train, Job)
    _past_run(train, now - dt.timedelta(hours=5), simulated_output(train))
