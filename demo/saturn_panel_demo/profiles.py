"""The two start profiles of the demo, in KubeSpawner's ``profile_list`` shape.

One list serves both sides, as one YAML does with zero-to-jupyterhub: the demo hub's spawner
(``SlowProgressSpawner.profile_list``, which checks the ``user_options`` it is given against it)
and the panel (``c.SaturnPanel.hub_spawn_options``, which turns it into the start form).
"""

from __future__ import annotations

from typing import Any

DEMO_PROFILES: list[dict[str, Any]] = [
    {"display_name": "CPU machine", "description": "2 cores, 8 GB", "default": True},
    {
        "display_name": "GPU machine",
        "slug": "gpu",
        "description": "1 T4 GPU",
        "profile_options": {
            "image": {
                "display_name": "Image",
                "choices": {
                    "pytorch": {"display_name": "PyTorch", "default": True},
                    "tensorflow": {"display_name": "TensorFlow"},
                },
            }
        },
    },
]
