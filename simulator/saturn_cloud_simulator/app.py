"""The tornado application: routes of the simulated Saturn Cloud API."""

from __future__ import annotations

from typing import Any

import tornado.web

from . import handlers as h
from . import seed
from .options import SimulatorOptions
from .state import SimulatorState

_ID = r"([^/]+)"


def routes(state: SimulatorState) -> list[tuple[Any, ...]]:
    """Every route, with its handler and arguments."""
    s = {"state": state}
    ws = {"state": state, "resource_type": "workspace"}
    job = {"state": state, "resource_type": "job"}
    dep = {"state": state, "resource_type": "deployment"}
    return [
        (r"/", h.RootHandler, s),
        (r"/api/status", h.StatusHandler, s),
        (r"/api/user", h.UserHandler, s),
        (r"/api/user/token", h.UserTokenHandler, s),
        (r"/api/orgs", h.OrgsHandler, s),
        (r"/api/info/servers", h.ServerOptionsHandler, s),
        # workspaces
        (r"/api/workspaces", h.ResourceListHandler, ws),
        (rf"/api/workspaces/{_ID}", h.ResourceHandler, ws),
        (rf"/api/workspaces/{_ID}/(start|stop|restart)", h.WorkspaceActionHandler, s),
        (rf"/api/workspaces/{_ID}/runtimesummary", h.WorkspaceRuntimeSummaryHandler, s),
        (rf"/api/workspaces/{_ID}/history", h.WorkspaceHistoryHandler, s),
        (rf"/api/(workspaces|jobs|deployments)/{_ID}/recipe", h.ResourceRecipeHandler, s),
        # deployments
        (r"/api/deployments", h.ResourceListHandler, dep),
        (rf"/api/deployments/{_ID}", h.ResourceHandler, dep),
        (rf"/api/deployments/{_ID}/(start|stop|restart)", h.DeploymentActionHandler, s),
        (rf"/api/deployments/{_ID}/runtimesummary", h.DeploymentRuntimeSummaryHandler, s),
        (rf"/api/deployments/{_ID}/history", h.DeploymentHistoryHandler, s),
        (rf"/api/deployments/{_ID}/logs", h.DeploymentLogsHandler, s),
        # jobs
        (r"/api/jobs", h.ResourceListHandler, job),
        (rf"/api/jobs/{_ID}", h.ResourceHandler, job),
        (rf"/api/jobs/{_ID}/(start|stop|restart|schedule|unschedule)", h.JobActionHandler, s),
        (rf"/api/jobs/{_ID}/(stop)/{_ID}", h.JobActionHandler, s),
        (rf"/api/jobs/{_ID}/history", h.JobHistoryHandler, s),
        (rf"/api/jobs/{_ID}/runtimesummary", h.JobRuntimeSummaryHandler, s),
        (rf"/api/jobs/{_ID}/logs", h.JobLogsHandler, s),
        (r"/api/active/pods", h.ActivePodsHandler, s),
        (rf"/api/active/pods/{_ID}", h.ActivePodHandler, s),
        (rf"/api/active/pods/{_ID}/logs", h.ActivePodLogsHandler, s),
        (rf"/api/pod/namespace/main-namespace/name/{_ID}/runtimesummary", h.ActivePodHandler, s),
        # recipes
        (r"/api/recipes", h.RecipesHandler, s),
        (rf"/api/recipes/{_ID}/{_ID}", h.RecipeByNameHandler, s),
        (r"/api/resource_recipes/clone", h.CloneRecipeHandler, s),
        # embed flow (seed 000)
        (rf"/auth/createloginlink/{_ID}", h.CreateLoginLinkHandler, s),
        (rf"/auth/login/{_ID}", h.LoginHandler, s),
        (rf"/ide/{_ID}/{_ID}(/.*)?", h.IdeHandler, s),
        (rf"/deploy/{_ID}/{_ID}(/.*)?", h.DeploymentPageHandler, s),
        # simulator controls
        (r"/_simulator/stats", h.StatsHandler, s),
        (r"/_simulator/reset-stats", h.ResetStatsHandler, s),
        (rf"/_simulator/fail-next-start/{_ID}", h.FailNextStartHandler, s),
        (r"/_simulator/outage", h.OutageHandler, s),
        (rf"/_simulator/inject/{_ID}", h.InjectHandler, s),
    ]


def make_app(options: SimulatorOptions, state: SimulatorState | None = None) -> tornado.web.Application:
    """Build the simulator application (seeding it if ``options.seed`` says so).

    The state is available as ``app.settings["simulator_state"]``; set its ``base_url`` once the
    server listens so links (IDE urls, login links) point at the right port.
    """
    if state is None:
        state = SimulatorState(options)
        if options.seed:
            seed.load(state, options.seed)
    return tornado.web.Application(
        routes(state),
        default_handler_class=h.NotFoundHandler,
        default_handler_args={"state": state},
        log_function=h.log_request,
        simulator_state=state,
    )
