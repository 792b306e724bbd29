"""What a Saturn installation offers: instance sizes, shut-off and disk options, and images."""

from __future__ import annotations

from typing import Any

from .models import ImageRef

#: Instance sizes as ``GET /api/info/servers`` lists them (a subset of Saturn's AWS sizes).
SIZES: dict[str, dict[str, Any]] = {
    name: {
        "name": name,
        "cores": cores,
        "memory": memory,
        "gpu": gpu,
        "gpu_type": gpu_type,
        "hardware_type": "gpu" if gpu else "cpu",
        "display": display,
    }
    for name, cores, memory, gpu, gpu_type, display in [
        ("medium", 2, "4Gi", 0, None, "Medium - 2 cores - 4 GB RAM"),
        ("large", 2, "16Gi", 0, None, "Large - 2 cores - 16 GB RAM"),
        ("xlarge", 4, "32Gi", 0, None, "XLarge - 4 cores - 32 GB RAM"),
        ("2xlarge", 8, "64Gi", 0, None, "2XLarge - 8 cores - 64 GB RAM"),
        ("4xlarge", 16, "128Gi", 0, None, "4XLarge - 16 cores - 128 GB RAM"),
        ("8xlarge", 32, "256Gi", 0, None, "8XLarge - 32 cores - 256 GB RAM"),
        ("g4dnxlarge", 4, "16Gi", 1, "T4", "T4-XLarge - 4 cores - 16 GB RAM - 1 GPU"),
        ("g4dn4xlarge", 16, "64Gi", 1, "T4", "T4-4XLarge - 16 cores - 64 GB RAM - 1 GPU"),
        ("p32xlarge", 8, "61Gi", 1, "V100", "V100-2XLarge - 8 cores - 61 GB RAM - 1 GPU"),
    ]
}

AUTO_SHUTOFF_OPTIONS: list[str] = ["1 hour", "6 hours", "24 hours", "3 days", "7 days", "Never"]

DISK_SPACE_OPTIONS: list[dict[str, str]] = [
    {"value": value, "display_str": value.replace("Gi", " GB")}
    for value in ["10Gi", "20Gi", "50Gi", "100Gi", "250Gi", "500Gi"]
]

IDES = ("jupyter", "rstudio")


def server_options() -> dict[str, Any]:
    """The body of ``GET /api/info/servers``."""
    return {"auto_shutoff": AUTO_SHUTOFF_OPTIONS, "disk_space": DISK_SPACE_OPTIONS, "sizes": SIZES}


def parse_image(value: Any, field_name: str = "spec.image") -> ImageRef:
    """Read an image given as ``"owner/name:version"``, a registry URI, ``{uri}`` or
    ``{name, version, owner?}``. Raises ``ValueError`` with a message naming the field."""
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if ":" in text.rsplit("/", 1)[-1]:
            path, version = text.rsplit(":", 1)
        else:
            path, version = text, "latest"
        parts = path.split("/")
        if len(parts) == 2:
            owner, name = parts
            return ImageRef(owner, name, version, f"public.ecr.aws/{owner}/{name}:{version}")
        if len(parts) > 2:  # a full registry URI such as public.ecr.aws/saturncloud/x:1
            return ImageRef(parts[-2], parts[-1], version, text)
        raise ValueError(f'{field_name} must look like "owner/name:version", got "{text}"')
    if isinstance(value, dict):
        if isinstance(value.get("uri"), str) and value["uri"].strip():
            ref = parse_image(value["uri"], f"{field_name}.uri")
            image_owner = value.get("owner")
            if isinstance(image_owner, str) and image_owner:
                return ImageRef(image_owner, ref.name, ref.version, ref.uri)
            return ref
        if isinstance(value.get("name"), str) and value["name"]:
            owner = str(value.get("owner") or "saturncloud")
            version = str(value.get("version") or "latest")
            name = value["name"]
            return ImageRef(owner, name, version, f"public.ecr.aws/{owner}/{name}:{version}")
        if isinstance(value.get("tag_id"), str) and value["tag_id"]:
            tag = value["tag_id"]
            return ImageRef("saturncloud", "image", tag, f"public.ecr.aws/saturncloud/image:{tag}")
        raise ValueError(f"{field_name} needs one of uri, name or tag_id")
    raise ValueError(f"{field_name} is required")
