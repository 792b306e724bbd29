"""A local-process spawner whose start shows several progress steps, for the demo and the tests.

JupyterHub's own spawners report one "Spawning server..." event; this one reports steps the hub
relays on its progress stream, so the panel's progress bar has something to show. A server started
with ``user_options = {"fail": true}`` fails after its steps, to show a failed start.

With a ``profile_list`` it stands in for KubeSpawner by running KubeSpawner's own option code
(``load_user_options`` and all it calls: the profile list's initialisation, slugs, checks and
overrides) on a KubeSpawner that never talks to a cluster: a start KubeSpawner would refuse fails
with KubeSpawner's words, and the settings its overrides set (image, cpu_limit, mem_limit, ...) are
kept in the server's state (``kubespawner_applied``, in the hub's server model for a token with
``admin:server_state``). Without KubeSpawner installed (``./run.sh`` installs the demo extra only)
the panel's own reading of the list checks the options and no override is applied.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
from collections.abc import AsyncIterator
from typing import Any

from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner
from traitlets import Float, Integer, List


class SlowProgressSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]  # jupyterhub is untyped
    """SimpleLocalProcessSpawner with visible, replayable progress steps and an optional stop delay."""

    step_delay = Float(1.0, help="Seconds per progress step.").tag(config=True)
    steps = Integer(4, help="Number of progress steps before the server process starts.").tag(config=True)
    stop_delay = Float(0.0, help="Seconds a stop takes before the process is stopped.").tag(config=True)
    profile_list: List[dict[str, Any]] = List(
        help="KubeSpawner's profile_list: the user_options go through KubeSpawner's own option code (empty: not read)."
    ).tag(config=True)

    _events: list[dict[str, Any]]
    #: What KubeSpawner's option code applied for the current start (see ``apply_profile_list``).
    kubespawner_applied: dict[str, Any] | None = None

    async def start(self) -> Any:
        """Report ``steps`` progress steps ``step_delay`` apart, then start the server process."""
        # Replayable: every subscriber of the progress stream sees all events (kubespawner #153).
        self._events = []
        for step in range(1, self.steps + 1):
            await asyncio.sleep(self.step_delay)
            if step == 1:
                # After the hub answered the start: a refusal then ends its progress stream.
                await self._load_profile()
            self._events.append(
                {"progress": 10 + int(80 * step / (self.steps + 1)), "message": f"Preparing step {step}/{self.steps}"}
            )
        if self.steps < 1:
            await self._load_profile()
        if (self.user_options or {}).get("fail"):
            raise RuntimeError("The demo spawner was asked to fail (user_options.fail)")
        self._events.append({"progress": 90, "message": "Starting the single-user server"})
        return await super().start()

    async def _load_profile(self) -> None:
        """Apply ``profile_list`` to the ``user_options`` as KubeSpawner does; refuse what it refuses."""
        if not self.profile_list:
            return
        self.kubespawner_applied = await apply_profile_list(self.profile_list, self.user_options or {})
        self.log.info("Starting %s: %s", self._log_name, json.dumps(self.kubespawner_applied))

    def get_state(self) -> dict[str, Any]:
        state: dict[str, Any] = super().get_state()
        if self.kubespawner_applied is not None:
            state["kubespawner_applied"] = self.kubespawner_applied
        return state

    def load_state(self, state: dict[str, Any]) -> None:
        super().load_state(state)
        self.kubespawner_applied = state.get("kubespawner_applied")

    def clear_state(self) -> None:
        super().clear_state()
        self.kubespawner_applied = None

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


@functools.lru_cache(maxsize=1)
def options_only_kubespawner() -> type[Any] | None:
    """KubeSpawner with its own option code and none of its cluster, or None when KubeSpawner is
    not installed.

    Only the constructor differs: the base Spawner's, as KubeSpawner's loads a kube config and
    makes a Kubernetes API client. ``load_user_options``, ``_get_initialized_profile_list``,
    ``_validate_user_options``, ``_get_profile``, ``_load_profile``, ``_apply_overrides`` and the
    traits they set are KubeSpawner's, unchanged.
    """
    try:
        from kubespawner import KubeSpawner  # type: ignore[import-untyped]
    except ImportError:
        return None

    class OptionsOnlyKubeSpawner(KubeSpawner):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            Spawner.__init__(self, **kwargs)

    return OptionsOnlyKubeSpawner


def _override_keys(profile_list: Any) -> list[str]:
    """Every setting a ``kubespawner_override`` of the list names (profiles, choices, unlisted)."""
    keys: set[str] = set()
    profiles = profile_list.values() if isinstance(profile_list, dict) else profile_list
    for profile in profiles:
        keys.update(profile.get("kubespawner_override") or {})
        for option in (profile.get("profile_options") or {}).values():
            for choice in (option.get("choices") or {}).values():
                keys.update(choice.get("kubespawner_override") or {})
            keys.update((option.get("unlisted_choice") or {}).get("kubespawner_override") or {})
    return sorted(keys)


async def apply_profile_list(profile_list: Any, user_options: dict[str, Any]) -> dict[str, Any]:
    """Run KubeSpawner's ``load_user_options`` for these ``user_options``: ``{"by", "profile",
    "settings"}``, the profile's slug and every setting an override of the list names, as
    KubeSpawner holds them afterwards (``mem_limit`` in bytes, ``cpu_limit`` a float). Raises what
    KubeSpawner raises for options it refuses."""
    # Importing KubeSpawner (and the Kubernetes client) takes a second: not on the hub's loop.
    spawner_class = await asyncio.to_thread(options_only_kubespawner)
    if spawner_class is None:
        from jupyterlab_saturn_panel.hub.spawn_options import parse_spawn_options

        options = parse_spawn_options(profile_list)
        if options is None or options.problems:
            raise ValueError("; ".join(options.problems if options else ["no profile_list"]))
        profile, _ = options.applied(user_options)
        return {"by": "jupyterlab_saturn_panel", "profile": profile.slug, "settings": {}}
    from importlib.metadata import version

    spawner = spawner_class(profile_list=copy.deepcopy(profile_list))
    spawner.user_options = copy.deepcopy(user_options)
    await spawner.load_user_options()
    # The profile KubeSpawner chose, by its own lookup.
    profiles = spawner._get_initialized_profile_list(spawner._sorted_dict_values(spawner.profile_list))
    profile = spawner._get_profile(spawner.user_options.get("profile"), profiles)
    settings = {key: getattr(spawner, key) for key in _override_keys(profile_list)}
    return {
        "by": f"kubespawner {version('jupyterhub-kubespawner')}",
        "profile": profile["slug"],
        "settings": json.loads(json.dumps(settings, default=str)),
    }
