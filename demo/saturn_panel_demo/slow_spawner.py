"""A local-process spawner whose start shows several progress steps, for the demo and the tests.

JupyterHub's own spawners report one "Spawning server..." event; this one reports steps the hub
relays on its progress stream, so the panel's progress bar has something to show. A server started
with ``user_options = {"fail": true}`` fails after its steps, to show a failed start. With a
``profile_list`` (KubeSpawner's shape), a start whose ``profile`` or ``profile-option-{name}`` the
list does not offer fails at once with a message saying so, as KubeSpawner does.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import AsyncIterator
from typing import Any

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Float, Integer, List


class SlowProgressSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]  # jupyterhub is untyped
    """SimpleLocalProcessSpawner with visible, replayable progress steps and an optional stop delay."""

    step_delay = Float(1.0, help="Seconds per progress step.").tag(config=True)
    steps = Integer(4, help="Number of progress steps before the server process starts.").tag(config=True)
    stop_delay = Float(0.0, help="Seconds a stop takes before the process is stopped.").tag(config=True)
    profile_list: List[dict[str, Any]] = List(
        help="KubeSpawner-style profiles the user_options are checked against (empty: not checked)."
    ).tag(config=True)

    _events: list[dict[str, Any]]

    async def start(self) -> Any:
        """Report ``steps`` progress steps ``step_delay`` apart, then start the server process."""
        # Replayable: every subscriber of the progress stream sees all events (kubespawner #153).
        self._events = []
        for step in range(1, self.steps + 1):
            await asyncio.sleep(self.step_delay)
            if step == 1:
                # After the hub answered the start: a refusal then ends its progress stream.
                self._check_profile()
            self._events.append(
                {"progress": 10 + int(80 * step / (self.steps + 1)), "message": f"Preparing step {step}/{self.steps}"}
            )
        if self.steps < 1:
            self._check_profile()
        if (self.user_options or {}).get("fail"):
            raise RuntimeError("The demo spawner was asked to fail (user_options.fail)")
        self._events.append({"progress": 90, "message": "Starting the single-user server"})
        return await super().start()

    def _check_profile(self) -> None:
        """Refuse a profile or choice ``profile_list`` does not offer; log the one chosen."""
        profile = check_user_options(self.user_options, self.profile_list)
        if profile is not None:
            self.log.info("Starting %s with profile %r, user_options %r", self._log_name, profile, self.user_options)

    async def progress(self) -> AsyncIterator[dict[str, Any]]:
        """Every step of the current start, from the first, to each subscriber (the hub ends it)."""
        seen = 0
        while True:
            events = getattr(self, "_events", [])
            while seen < len(events):
                yield events[seen]
                seen += 1
            await asyncio.sleep(0.1)

    async def stop(self, now: bool = False) -> None:
        """Wait ``stop_delay`` seconds (so "stopping" is visible), then stop the process."""
        if self.stop_delay:
            await asyncio.sleep(self.stop_delay)
        await super().stop(now=now)


def _slug(profile: dict[str, Any]) -> str:
    """A profile's slug: its own, else made of its display name (as the panel and KubeSpawner do)."""
    if profile.get("slug"):
        return str(profile["slug"])
    text = unicodedata.normalize("NFKD", str(profile["display_name"])).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def check_user_options(user_options: Any, profiles: list[dict[str, Any]]) -> str | None:
    """The display name of the profile ``user_options`` choose from ``profiles``, or None without profiles.

    Raises ValueError naming the unknown profile or choice. No ``profile``: the default profile.
    """
    if not profiles:
        return None
    options = user_options if isinstance(user_options, dict) else {}
    by_slug = {_slug(p): p for p in profiles}
    slug = options.get("profile")
    if slug is None:
        chosen = next((p for p in profiles if p.get("default")), profiles[0])
    elif slug not in by_slug:
        offered = ", ".join(sorted(by_slug))
        raise ValueError(f"Unknown profile {slug!r}: this hub offers {offered}.")
    else:
        chosen = by_slug[slug]
    profile_options = chosen.get("profile_options") or {}
    for key, value in options.items():
        if not (isinstance(key, str) and key.startswith("profile-option-")):
            continue
        name = key[len("profile-option-") :]
        if name not in profile_options:
            raise ValueError(f"Profile {chosen['display_name']!r} has no option {name!r}.")
        choices = profile_options[name].get("choices") or {}
        if value not in choices:
            offered = ", ".join(sorted(choices))
            raise ValueError(f"Unknown {name} {value!r} for {chosen['display_name']!r}: choose one of {offered}.")
    return str(chosen["display_name"])
