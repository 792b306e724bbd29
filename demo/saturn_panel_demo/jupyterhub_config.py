"""JupyterHub configuration used by LocalHub (TEST AND DEMO ONLY: DummyAuthenticator, any password).

Everything comes from environment variables LocalHub sets, so one file serves every run.
"""

import json
import os
import sys

from saturn_panel_demo.profiles import DEMO_PROFILES

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (JupyterHub provides it)

run_dir = os.environ["SP_HUB_DIR"]
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["SP_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["SP_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['SP_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["SP_CHP"]]
c.ConfigurableHTTPProxy.pid_file = os.path.join(run_dir, "proxy.pid")
c.JupyterHub.pid_file = os.path.join(run_dir, "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{os.path.join(run_dir, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret = bytes.fromhex(os.environ["SP_COOKIE_SECRET"])
c.JupyterHub.cleanup_servers = True
c.JupyterHub.log_level = os.environ.get("SP_LOG_LEVEL", "INFO")

c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set(json.loads(os.environ["SP_ADMINS"]))
c.Authenticator.allowed_users = set(json.loads(os.environ["SP_USERS"]))

c.JupyterHub.spawner_class = "saturn_panel_demo.slow_spawner.SlowProgressSpawner"
c.SlowProgressSpawner.step_delay = float(os.environ.get("SP_STEP_DELAY", "1"))
c.SlowProgressSpawner.steps = int(os.environ.get("SP_STEPS", "4"))
c.SlowProgressSpawner.stop_delay = float(os.environ.get("SP_STOP_DELAY", "0"))
# The demo's two profiles; the panel gets the same list (launcher.PanelStack).
c.SlowProgressSpawner.profile_list = DEMO_PROFILES
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(run_dir, "home", "{username}")
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
if os.environ.get("SP_SINGLEUSER") == "mocksu":
    # A tiny echo server shipped with JupyterHub: spawns in about a second.
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.tests.mocksu"]
elif os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]  # else jupyter-server refuses to run as root
# Single-user servers need jupyterhub-singleuser from the same environment.
c.Spawner.environment = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}

c.JupyterHub.allow_named_servers = True
c.JupyterHub.named_server_limit_per_user = int(os.environ.get("SP_NAMED_LIMIT", "5"))
# Answer starts and stops at once (202), so progress and "stopping" are visible.
c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0, "slow_stop_timeout": 0}
c.Spawner.server_token_scopes = ["list:users", "read:users", "read:servers", "servers!user", "access:servers!user"]
# Sharing (JupyterHub 5+ shares, issue 20): the panel's Share, Manage sharing and Shared with me
# act with the server's token, so it gets what its owner may do with shares (the hub gives each
# token the subset its owner holds): share their own servers, and read user and group names to
# share with someone by name.
c.Spawner.server_token_scopes += ["shares!user", "read:users:name", "read:groups:name"]

# Every user may share their own servers (shares!user), by link or with a user or a group by name
# (read:users:name, read:groups:name): the lines JupyterHub's sharing tutorial gives.
user_scopes = ["self", "shares!user", "read:users:name", "read:groups:name"]

c.JupyterHub.load_roles = [
    {
        "name": "saturn-panel-admin",
        "services": ["saturn-panel-admin"],
        "scopes": ["list:users", "read:users", "admin:servers", "access:servers", "admin:users", "tokens", "shares"],
    },
    {"name": "user", "scopes": user_scopes},
]
c.JupyterHub.services = [{"name": "saturn-panel-admin", "api_token": os.environ["SP_ADMIN_TOKEN"]}]

if os.environ.get("SP_PUBLIC_URL"):
    c.JupyterHub.public_url = os.environ["SP_PUBLIC_URL"]

# The panel's hub service (jupyterlab_saturn_panel.hub_service), as the README's "One read of the
# hub for every panel" sets it up: a read-only role, and each user's server may look it up.
if os.environ.get("SP_STATUS_SERVICE"):
    status_service: dict[str, object] = {
        "name": "saturn-panel-status",
        "url": os.environ["SP_STATUS_SERVICE_URL"],
        "api_token": os.environ["SP_STATUS_TOKEN"],
    }
    if os.environ["SP_STATUS_SERVICE"] == "managed":
        status_service["command"] = [
            sys.executable,
            "-m",
            "jupyterlab_saturn_panel.hub_service",
            f"--SaturnPanelHubService.poll_interval={os.environ.get('SP_STATUS_POLL', '10')}",
        ]
    c.JupyterHub.services.append(status_service)
    c.JupyterHub.load_roles.extend(
        [
            {
                "name": "saturn-panel-status",
                "services": ["saturn-panel-status"],
                "scopes": ["list:users", "read:users", "read:servers"],
            },
        ]
    )
    # Users (and so their servers' tokens) may read the service's model: its URL.
    user_scopes.append("read:services!service=saturn-panel-status")
    c.Spawner.server_token_scopes.append("read:services!service=saturn-panel-status")
    c.JupyterHub.load_roles[0]["scopes"].append("read:services!service=saturn-panel-status")
