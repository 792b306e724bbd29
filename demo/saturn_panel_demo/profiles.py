"""The two start profiles of the demo, a KubeSpawner ``profile_list``.

One list serves both sides, as one YAML does with zero-to-jupyterhub: the demo hub's spawner
(``SlowProgressSpawner.profile_list``, which runs KubeSpawner's own option code on the
``user_options`` it is given and keeps the settings its overrides set) and the panel
(``c.SaturnPanel.hub_spawn_options``, which turns it into the start form).
"""

from __future__ import annotations

from typing import Any

PYTORCH_IMAGE = "quay.io/jupyter/pytorch-notebook:cuda12-2024-08-05"
TENSORFLOW_IMAGE = "quay.io/jupyter/tensorflow-notebook:cuda-2024-08-05"

DEMO_PROFILES: list[dict[str, Any]] = [
    {
        "display_name": "CPU machine",
        "description": "2 cores, 8 GB",
        "default": True,
        "kubespawner_override": {"cpu_limit": 2, "mem_limit": "8G"},
    },
    {
        "display_name": "GPU machine",
        "slug": "gpu",
        "description": "1 T4 GPU",
        "kubespawner_override": {
            "cpu_limit": 4,
            "mem_limit": "16G",
            "extra_resource_limits": {"nvidia.com/gpu": "1"},
        },
        "profile_options": {
            "image": {
                "display_name": "Image",
                "choices": {
                    "pytorch": {
                        "display_name": "PyTorch",
                        "default": True,
                        "kubespawner_override": {"image": PYTORCH_IMAGE},
                    },
                    "tensorflow": {
                        "display_name": "TensorFlow",
                        "kubespawner_override": {"image": TENSORFLOW_IMAGE},
                    },
                },
                "unlisted_choice": {
                    "enabled": True,
                    "display_name": "Image",
                    "display_name_in_choices": "Another image…",
                    "validation_regex": r"^quay\.io/jupyter/[a-z-]+:[\w.-]+$",
                    "validation_message": "An image of quay.io/jupyter, e.g. quay.io/jupyter/scipy-notebook:2024-08-05",
                    "kubespawner_override": {"image": "{value}"},
                },
            }
        },
    },
]
