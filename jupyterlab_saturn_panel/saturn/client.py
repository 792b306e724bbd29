"""The Saturn Cloud REST calls the panel makes (reference/saturn-api.md), nothing more.

Every method returns plain JSON or raises a ``PanelError``. Resource ids are validated by the
caller and quoted here; a login link from Saturn is only followed when it points at the configured
Saturn host, so nothing upstream or in a request can send our credentials elsewhere.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import BadRequest, Conflict, Forbidden, NotFound, PanelError, UpstreamError
from ..upstream import UpstreamClient, UpstreamResponse

PAGE_SIZE = 100


class SaturnClient(UpstreamClient):
    """A Saturn Cloud API client authenticated with a user token (``Authorization: token X``)."""

    def __init__(self, base_url: str, token: str, *, admin_token: str = "", request_timeout: float) -> None:
        super().__init__(
            base_url,
            token,
            service="Saturn Cloud",
            request_timeout=request_timeout,
            url_setting="c.SaturnPanel.saturn_url (or SATURN_BASE_URL)",
            token_setting="c.SaturnPanel.saturn_token (or SATURN_TOKEN)",
            extra_secrets=(admin_token,) if admin_token else (),
        )
        self.admin_token = admin_token

    def error(self, response: UpstreamResponse, action: str) -> PanelError:
        """Map a Saturn error answer to the contract's status, keeping Saturn's message."""
        text = f"Saturn Cloud refused to {action}: {response.message}"
        if response.status == 401:
            return self.token_rejected(response, action)
        if response.status == 403:
            return Forbidden(text)
        if response.status == 404:
            return NotFound(f"Saturn Cloud does not know this resource ({action}): {response.message}")
        if response.status == 409:
            return Conflict(text)
        if response.status in (400, 422):
            return BadRequest(text)
        return UpstreamError(text)

    async def _json(self, method: str, path: str, action: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        response = await self.request(method, path, **kwargs)
        if response.status not in ok:
            raise self.error(response, action)
        return response.body

    async def current_user(self, *, admin: bool = False) -> dict[str, Any]:
        """``GET /api/user`` for the user token (or the admin token)."""
        response = await self.request("GET", "api/user", token=self.admin_token if admin else None)
        if response.status in (401, 403):
            if admin:
                raise Forbidden(
                    "Saturn Cloud rejected the admin token: it is wrong, expired or revoked.",
                    hint="Set c.SaturnPanel.saturn_admin_token to a valid admin token, or leave it empty.",
                    detail=f"Saturn Cloud answered HTTP {response.status}: {response.message}",
                )
            raise self.token_rejected(response)
        if response.status == 404:
            raise self.not_the_api(response, "identify the token", "GET /api/user with 404 Not Found")
        if response.status != 200:
            raise self.error(response, "identify the token")
        body = response.body
        if not isinstance(body, dict) or "username" not in body:
            raise UpstreamError("Saturn Cloud answered GET /api/user with an unexpected shape.")
        return body

    async def _list(self, path: str, field: str, action: str) -> list[dict[str, Any]]:
        """Every item of a paginated list, following ``next_key``."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        for _ in range(1000):  # bounded: a misbehaving server cannot keep us here forever
            body = await self._json("GET", path, action, params=params)
            if not isinstance(body, dict) or not isinstance(body.get(field), list):
                raise UpstreamError(f"Saturn Cloud answered GET /{path} with an unexpected shape.")
            items.extend(i for i in body[field] if isinstance(i, dict))
            next_key = body.get("next_key")
            if not next_key:
                break
            params = {"page_size": PAGE_SIZE, "next_key": next_key}
        return items

    async def list_workspaces(self) -> list[dict[str, Any]]:
        """The token owner's workspaces (one status request per workspace, per Saturn's rule)."""
        return await self._list("api/workspaces", "workspaces", "list workspaces")

    async def list_deployments(self) -> list[dict[str, Any]]:
        """The token owner's deployments (one status request per deployment, like workspaces)."""
        return await self._list("api/deployments", "deployments", "list deployments")

    async def list_jobs(self) -> list[dict[str, Any]]:
        """The token owner's jobs."""
        return await self._list("api/jobs", "jobs", "list jobs")

    async def server_sizes(self) -> dict[str, dict[str, Any]]:
        """``GET /api/info/servers``: the instance sizes by name (``{name, cores, memory, gpu,
        gpu_type, display, ...}``); sizes that are not objects are left out."""
        body = await self._json("GET", "api/info/servers", "list the instance sizes")
        sizes = body.get("sizes") if isinstance(body, dict) else None
        if not isinstance(sizes, dict):
            raise UpstreamError("Saturn Cloud answered GET /api/info/servers with an unexpected shape.")
        return {str(name): size for name, size in sizes.items() if isinstance(size, dict)}

    async def workspace_action(self, resource_id: str, action: str) -> dict[str, Any]:
        """``POST /api/workspaces/{id}/start|stop``: answers the Workspace as it now stands."""
        body = await self._json("POST", f"api/workspaces/{quote(resource_id)}/{action}", f"{action} the workspace")
        if not isinstance(body, dict):
            raise UpstreamError(f"Saturn Cloud answered the {action} with an unexpected shape.")
        return body

    async def deployment_action(self, resource_id: str, action: str) -> dict[str, Any]:
        """``POST /api/deployments/{id}/start|stop|restart``: answers the Deployment as it now stands."""
        body = await self._json("POST", f"api/deployments/{quote(resource_id)}/{action}", f"{action} the deployment")
        if not isinstance(body, dict):
            raise UpstreamError(f"Saturn Cloud answered the deployment {action} with an unexpected shape.")
        return body

    async def deployment_live_pods(self, resource_id: str) -> list[dict[str, Any]]:
        """``GET /api/active/pods?workload_type=deployment&workload_id=``: the deployment's live
        pods (``PodRuntimeSummary``), as saturn-client reads them since 2026.02.01."""
        body = await self._json(
            "GET",
            "api/active/pods",
            "read the deployment's pods",
            params={"workload_type": "deployment", "workload_id": resource_id},
        )
        if not isinstance(body, dict) or not isinstance(body.get("pod_summaries"), list):
            raise UpstreamError("Saturn Cloud answered the deployment's pods with an unexpected shape.")
        return [p for p in body["pod_summaries"] if isinstance(p, dict)]

    async def live_pod_logs(self, pod_name: str) -> str:
        """``GET /api/active/pods/{name}/logs?container_name=main``: a live pod's log (one string)."""
        body = await self._json(
            "GET",
            f"api/active/pods/{quote(pod_name, safe='')}/logs",
            "read the deployment's logs",
            params={"container_name": "main", "page_size": 1000},
        )
        logs = body.get("logs") if isinstance(body, dict) else None
        if isinstance(logs, list):  # the archived shape, should a server answer it here
            return "\n".join(str(entry.get("content", "")) for entry in logs if isinstance(entry, dict))
        if not isinstance(logs, str):
            raise UpstreamError("Saturn Cloud answered the pod's logs with an unexpected shape.")
        return logs

    async def job_action(self, resource_id: str, action: str) -> dict[str, Any]:
        """``POST /api/jobs/{id}/start|stop``: answers the Job as it now stands."""
        body = await self._json("POST", f"api/jobs/{quote(resource_id)}/{action}", f"{action} the job")
        if not isinstance(body, dict):
            raise UpstreamError(f"Saturn Cloud answered the job {action} with an unexpected shape.")
        return body

    async def stop_run(self, resource_id: str, run: str) -> dict[str, Any]:
        """``POST /api/jobs/{id}/stop/{run}``: stop one run; answers the Job."""
        body = await self._json("POST", f"api/jobs/{quote(resource_id)}/stop/{quote(run, safe='')}", "stop the run")
        if not isinstance(body, dict):
            raise UpstreamError("Saturn Cloud answered the run stop with an unexpected shape.")
        return body

    async def set_schedule(self, resource_id: str, schedule: str | None) -> dict[str, Any]:
        """Schedule a job (saturn-client's ``schedule``): a new cron first goes in with
        ``PATCH /api/jobs/{id}``, then ``POST /api/jobs/{id}/schedule``; None resumes the job's
        own schedule. Answers the Job."""
        if schedule is not None:
            await self._json(
                "PATCH",
                f"api/jobs/{quote(resource_id)}",
                "set the job's schedule",
                body={"cron_schedule_options": {"schedule": schedule}},
            )
        return await self._job_json("POST", f"api/jobs/{quote(resource_id)}/schedule", "schedule the job")

    async def unschedule(self, resource_id: str) -> dict[str, Any]:
        """``POST /api/jobs/{id}/unschedule``: pause the schedule (it is kept). Answers the Job."""
        return await self._job_json("POST", f"api/jobs/{quote(resource_id)}/unschedule", "pause the job's schedule")

    async def _job_json(self, method: str, path: str, action: str) -> dict[str, Any]:
        body = await self._json(method, path, action)
        if not isinstance(body, dict):
            raise UpstreamError(f"Saturn Cloud answered the request to {action} with an unexpected shape.")
        return body

    async def job_history(self, resource_id: str) -> list[dict[str, Any]]:
        """``GET /api/jobs/{id}/history``: the job's runs (pods), past and current."""
        body = await self._json("GET", f"api/jobs/{quote(resource_id)}/history", "read the job's runs")
        if not isinstance(body, dict) or not isinstance(body.get("pods"), list):
            raise UpstreamError("Saturn Cloud answered the job history with an unexpected shape.")
        return [p for p in body["pods"] if isinstance(p, dict)]

    async def job_logs_page(
        self, resource_id: str, pod_name: str, next_key: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a run's log lines (``next_key`` None: the first) and the next page's key."""
        params: dict[str, Any] = {"pod_name": pod_name, "page_size": 1000}
        if next_key:
            params["next_key"] = next_key
        body = await self._json("GET", f"api/jobs/{quote(resource_id)}/logs", "read the run's logs", params=params)
        if not isinstance(body, dict) or not isinstance(body.get("logs"), list):
            raise UpstreamError("Saturn Cloud answered the logs with an unexpected shape.")
        following = body.get("next_key")
        lines = [entry for entry in body["logs"] if isinstance(entry, dict)]
        return lines, following if isinstance(following, str) and following else None

    async def create_recipe(self, recipe: dict[str, Any], *, token: str | None = None) -> dict[str, Any]:
        """``POST /api/recipes``: create the resource a recipe describes (201 Recipe)."""
        body = await self._json("POST", "api/recipes", "create the resource", ok=(200, 201), body=recipe, token=token)
        if not isinstance(body, dict):
            raise UpstreamError("Saturn Cloud answered the recipe with an unexpected shape.")
        return body

    async def apply_recipe(self, recipe: dict[str, Any]) -> dict[str, Any]:
        """``PUT /api/recipes``: create or update (apply) the resource a recipe describes."""
        body = await self._json("PUT", "api/recipes", "apply the recipe", ok=(200, 201), body=recipe)
        if not isinstance(body, dict):
            raise UpstreamError("Saturn Cloud answered the recipe with an unexpected shape.")
        return body

    async def token_for_user(self, username: str) -> str:
        """Seed 000's flow: an admin login link for ``username``, visited, gives that user's token."""
        if not self.admin_token:
            raise Forbidden("Creating resources for another user needs c.SaturnPanel.saturn_admin_token.")
        link = await self._json(
            "POST",
            f"auth/createloginlink/{quote(username, safe='')}",
            f"create a login link for {username}",
            ok=(200, 201),
            token=self.admin_token,
        )
        url = link.get("url") or link.get("login_link") if isinstance(link, dict) else None
        if not isinstance(url, str):
            raise UpstreamError("Saturn Cloud's login link answer has no URL.")
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise UpstreamError("Saturn Cloud's login link points at another host; it was not followed.")
        # A login link answers with its session cookie and a redirect into the app.
        visit = await self.request("GET", "", absolute_url=url, token="", redirect_ok=True)
        if visit.status >= 400:
            raise self.error(visit, f"log in as {username}")
        cookies = SimpleCookie()
        for header in visit.headers.get_list("Set-Cookie"):  # type: ignore[attr-defined]
            cookies.load(header)
        if not cookies:
            raise UpstreamError("Saturn Cloud's login link set no session.")
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
        body = await self._json(
            "GET", "api/user/token", f"get {username}'s token", token="", headers={"Cookie": cookie}
        )
        token = body.get("token") if isinstance(body, dict) else body if isinstance(body, str) else None
        if not isinstance(token, str) or not token:
            raise UpstreamError("Saturn Cloud's token answer has no token.")
        return token

    async def clone_recipe(self, recipe: dict[str, Any], *, user_token: str | None = None) -> dict[str, Any]:
        """Seed 000's ``POST /api/resource_recipes/clone``: create a resource from a recipe in the
        current or the older flat format, for the token's user (or another user's, by their token)."""
        if user_token is not None and user_token not in self._secrets:  # never let it reach a message
            self._secrets = (*self._secrets, user_token)
        body = await self._json(
            "POST", "api/resource_recipes/clone", "create the resource", ok=(200, 201), body=recipe, token=user_token
        )
        if not isinstance(body, dict):
            raise UpstreamError("Saturn Cloud answered the clone with an unexpected shape.")
        return body
