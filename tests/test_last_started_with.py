"""A hub server's ``lastStartedWith`` (issue 19): what a start without options reuses.

JupyterHub starts a server without ``user_options`` with the ones it was last given (it keeps
them in its database and reports them in the server model, stopped or not), so the panel's plain
Start says so: the Resource carries the label of those options whatever the status, while
``startedWith`` stays the label of a running server only.
"""

from __future__ import annotations

from jupyterlab_saturn_panel.hub.mapping import server_resource
from jupyterlab_saturn_panel.hub.scopes import HubScopes
from jupyterlab_saturn_panel.hub.spawn_options import parse_spawn_options
from saturn_panel_demo.profiles import DEMO_PROFILES

SCOPES = HubScopes(["servers", "delete:servers"])
OPTIONS = parse_spawn_options(DEMO_PROFILES)
PUBLIC = "http://127.0.0.1:8000"


def resource(model: dict | None):
    return server_resource("alice", "dev", model, public_url=PUBLIC, scopes=SCOPES, spawn_options=OPTIONS)


def test_a_stopped_server_says_what_a_plain_start_reuses() -> None:
    stopped = resource(
        {"name": "dev", "ready": False, "pending": None, "user_options": {"profile": "gpu", "image": "tensorflow"}}
    )
    assert stopped["status"] == "stopped"
    assert stopped["details"]["lastStartedWith"] == "GPU machine (Image: TensorFlow)"
    assert stopped["details"]["startedWith"] is None


def test_a_running_server_has_both_labels() -> None:
    running = resource(
        {"name": "dev", "ready": True, "pending": None, "url": "/user/alice/dev/", "user_options": {"profile": "gpu"}}
    )
    assert running["details"]["startedWith"] == running["details"]["lastStartedWith"] == "GPU machine (Image: PyTorch)"


def test_no_options_last_time_claims_nothing() -> None:
    assert (
        resource({"name": "dev", "ready": False, "pending": None, "user_options": {}})["details"]["lastStartedWith"]
        is None
    )
    assert resource(None)["details"]["lastStartedWith"] is None
