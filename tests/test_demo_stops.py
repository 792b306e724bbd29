"""``./run.sh`` (``python -m saturn_panel_demo``) when one of its parts dies (issue 19, finding 7).

Before, the demo watched only JupyterLab: a hub killed under it stayed an unreaped child (a
zombie) and the demo ran on silently, the panel saying the hub did not answer. Now it notices,
says which part stopped, stops the others (Lab, the simulator, the hub's proxy) and exits non-zero.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

#: The demo's start (hub, simulator, Lab) on a busy 2-core machine.
START_TIMEOUT = 180.0


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree = _children()
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not reaped, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_hub_stops_the_demo_with_a_message_and_nothing_left(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "saturn_panel_demo", "--port", "0", "--hub-port", "0", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    ready = threading.Event()

    def read(stream: object, into: list[str], watch: bool) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)
            if watch and "JupyterLab with the panel:" in line:
                ready.set()

    readers = [
        threading.Thread(target=read, args=(demo.stdout, out, True), daemon=True),
        threading.Thread(target=read, args=(demo.stderr, err, False), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        assert ready.wait(START_TIMEOUT), "".join(out + err)
        parts = descendants(demo.pid)
        hubs = [pid for pid in parts if "-m jupyterhub" in cmdline(pid)]
        assert len(hubs) == 1, [cmdline(p) for p in parts]
        others = [pid for pid in parts if pid not in hubs and alive(pid)]
        # Lab, the simulator and the hub's proxy (at least) run beside the hub.
        assert any("-m jupyterlab" in cmdline(p) for p in others)
        assert any("saturn_cloud_simulator" in cmdline(p) for p in others)
        assert any("configurable-http-proxy" in cmdline(p) for p in others)

        os.kill(hubs[0], signal.SIGKILL)  # the hub dies; the demo has not reaped it: a zombie

        code = demo.wait(timeout=60)  # before: it ran on, silently
        for reader in readers:
            reader.join(timeout=5)
        said = "".join(err)
        assert code != 0
        assert "JupyterHub stopped (killed by SIGKILL)." in said, said
        assert str(tmp_path / "hub" / "jupyterhub.log") in said
        assert "Stopping the Saturn Cloud simulator and JupyterLab ..." in said
        assert "Stopped." in said
        # Nothing the demo started runs on.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in others):
            time.sleep(0.2)
        assert [cmdline(pid) for pid in others if alive(pid)] == []
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGTERM)
            try:
                demo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
