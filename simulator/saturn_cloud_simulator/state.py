"""The simulator's whole world, in memory: users and their tokens, browser sessions and login
links, workspaces, deployments and jobs, who may see what, and the status-request counter."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import parse_image
from .errors import ApiError
from .lifecycle import Lifecycle
from .models import DEFAULT_IMAGE, Deployment, Job, Org, Resource, User, Workspace, utcnow
from .options import ORG_NAME, SimulatorOptions
from .ratelimit import StatusRequestCounter

#: ``[org/]identity`` as the owner query parameters accept it (saturn-api.md §1).
_SEGMENT = r"[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}"
OWNER_PATTERN = re.compile(rf"^(?:({_SEGMENT})/)?({_SEGMENT})$")

LOGIN_LINK_LIFETIME = dt.timedelta(minutes=10)

_TYPES: dict[str, type[Resource]] = {"workspace": Workspace, "job": Job, "deployment": Deployment}


@dataclass
class LoginCode:
    """A one-time login link code (seed 000, ``/auth/createloginlink``)."""

    code: str
    username: str
    expires_at: dt.datetime


class SimulatorState:
    """Users, sessions and resources, plus the lifecycle driver and the request counter."""

    def __init__(self, options: SimulatorOptions) -> None:
        self.options = options
        self.org = Org(ORG_NAME)
        self.users: dict[str, User] = {}
        self._by_token: dict[str, User] = {}
        self.resources: dict[str, Resource] = {}
        self._seq = itertools.count(1)
        self._login_codes: dict[str, LoginCode] = {}
        self._sessions: dict[str, str] = {}
        self.counter = StatusRequestCounter(options.min_status_interval)
        self.lifecycle = Lifecycle(options)
        self.outage_until = 0.0
        """Monotonic time until which the API answers 503 (POST /_simulator/outage)."""
        self.base_url = ""
        """The simulator's own origin (``http://127.0.0.1:PORT``), set once it listens."""
        self.add_user("alice", options.token, full_name="Alice Example")
        if options.admin_token:
            self.add_user("admin", options.admin_token, admin=True, full_name="Saturn Admin")

    # --- users, tokens, sessions -----------------------------------------------------------

    def add_user(self, username: str, token: str | None = None, *, admin: bool = False, full_name: str = "") -> User:
        """Create a user; without a token it gets a random one (only the login-link flow
        reveals it)."""
        if username in self.users:
            raise ValueError(f"user {username} exists")
        token = token or secrets.token_hex(20)
        if token in self._by_token:
            raise ValueError("every user needs a different token")
        user = User(username=username, token=token, org=self.org, admin=admin, full_name=full_name)
        self.users[username] = user
        self._by_token[token] = user
        return user

    def user_for_token(self, token: str) -> User | None:
        """The user an API token belongs to."""
        return self._by_token.get(token)

    def user_for_session(self, session_id: str | None) -> User | None:
        """The user a browser session cookie belongs to."""
        if not session_id:
            return None
        username = self._sessions.get(session_id)
        return self.users.get(username) if username else None

    def create_login_code(self, user: User) -> LoginCode:
        """A one-time code for ``/auth/login/{code}``, valid for ten minutes."""
        login = LoginCode(secrets.token_urlsafe(24), user.username, utcnow() + LOGIN_LINK_LIFETIME)
        self._login_codes[login.code] = login
        return login

    def redeem_login_code(self, code: str) -> str | None:
        """Consume a login code and return a new session id, or ``None`` if it is unknown,
        used or expired."""
        login = self._login_codes.pop(code, None)
        if login is None or login.expires_at < utcnow():
            return None
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = login.username
        return session_id

    def resolve_owner(self, actor: User, owner_name: str | None, field: str = "spec.owner") -> User:
        """The user an ``owner`` names (default: the actor). Only admins act for others."""
        if owner_name is None:
            return actor
        match = OWNER_PATTERN.fullmatch(owner_name)
        if not match:
            raise ApiError(400, f'{field} must look like "org/identity"')
        org, identity = match.groups()
        owner = self.users.get(identity)
        if owner is None or (org is not None and org != self.org.name):
            raise ApiError(404, f"{field}: owner {owner_name} not found")
        if owner is not actor and not actor.admin:
            raise ApiError(403, f"{field}: you may not act for {owner_name}")
        return owner

    # --- resources ---------------------------------------------------------------------------

    @staticmethod
    def can_see(user: User, resource: Resource) -> bool:
        """Admins see everything; users see what they own."""
        return user.admin or resource.owner is user

    def get(self, user: User, resource_type: str, resource_id: str) -> Resource:
        """A resource by id, as ``user`` may see it; 404 otherwise (also for others' ids)."""
        resource = self.resources.get(resource_id)
        if resource is None or resource.resource_type != resource_type or not self.can_see(user, resource):
            raise ApiError(404, f"{resource_type} {resource_id} not found")
        return resource

    def find_by_name(self, resource_type: str, owner: User, name: str) -> Resource | None:
        """A resource by type, owner and name (the recipe identity)."""
        for resource in self.resources.values():
            if resource.resource_type == resource_type and resource.owner is owner and resource.name == name:
                return resource
        return None

    def create(self, resource_type: str, owner: User, name: str, fields: Mapping[str, Any]) -> Resource:
        """Create a stopped resource; 409 if the owner already has one of that type and name."""
        if self.find_by_name(resource_type, owner, name) is not None:
            raise ApiError(409, f'{owner.owner_name} already has a {resource_type} named "{name}"')
        values = dict(fields)
        values.setdefault("image", DEFAULT_IMAGE)
        values.setdefault("image_ref", parse_image(values["image"]))
        values.setdefault("instance_type", "large")
        cls = _TYPES[resource_type]
        resource = cls(name=name, owner=owner, seq=next(self._seq), **values)
        self.resources[resource.id] = resource
        return resource

    @staticmethod
    def update(resource: Resource, fields: Mapping[str, Any]) -> bool:
        """Change settings; a changed active resource is flagged ``require_restart``."""
        changed = False
        for key, value in fields.items():
            if getattr(resource, key) != value:
                setattr(resource, key, value)
                changed = True
        if changed:
            resource.touch()
            if resource.is_active:
                resource.require_restart = True
        return changed

    def delete(self, resource: Resource) -> None:
        """Remove a resource, stopping whatever it still runs."""
        if isinstance(resource, (Workspace, Deployment)):
            self.lifecycle.cancel_transition(resource)
            if isinstance(resource, Deployment):
                for pod in resource.active_pods:
                    pod.finish("stopped", 0)
        elif isinstance(resource, Job):
            self.lifecycle.stop_job(resource)
        self.resources.pop(resource.id, None)

    def jobs(self) -> list[Job]:
        """Every job, whoever owns it (the scheduler fires them all)."""
        return [r for r in self.resources.values() if isinstance(r, Job)]

    def list_resources(self, user: User, resource_type: str | None, query: Mapping[str, str]) -> list[Resource]:
        """The resources ``user`` may see that match the list filters, in creation order.

        Owner filters: ``owner_name``/``owner`` (``org/identity``), ``owner_id``, ``user_id``, or
        ``org_id`` (the whole org). Without any, the caller's own resources are listed.
        ``name`` is a case-insensitive substring filter.
        """
        owner_name = query.get("owner_name") or query.get("owner")
        owners: list[User]
        if owner_name:
            match = OWNER_PATTERN.fullmatch(owner_name)
            if not match:
                raise ApiError(400, 'owner_name must look like "org/identity"')
            org, identity = match.groups()
            owner = self.users.get(identity)
            owners = [owner] if owner is not None and org in (None, self.org.name) else []
        elif query.get("owner_id"):
            owners = [u for u in self.users.values() if u.owner_id == query["owner_id"]]
        elif query.get("user_id"):
            owners = [u for u in self.users.values() if u.id == query["user_id"]]
        elif query.get("org_id"):
            owners = list(self.users.values()) if query["org_id"] == self.org.id else []
        else:
            owners = [user]
        name = (query.get("name") or "").lower()
        return [
            r
            for r in self.resources.values()
            if (resource_type is None or r.resource_type == resource_type)
            and r.owner in owners
            and self.can_see(user, r)
            and name in r.name.lower()
        ]
