"""What the panel costs the browser with many hub users: JupyterLab in headless Chromium, 50 vs 5,000.

Issue 11: with 5,000 hub users every Lab page load had a multi-second blocking task even with the
panel closed, and the filter and a server start froze the tab. This benchmark, in one run:

1. starts a real JupyterHub on 127.0.0.1 (the demo's ``LocalHub``: DummyAuthenticator, the demo's
   progress spawner, ``mocksu`` single-user servers), creates users through the hub API with the
   admin token (``POST /hub/api/users``, batches of 500) and starts ``--running`` of their servers;
2. builds the extension (``flock /tmp/saturn-build.lock jlpm build``) and serves a copy of the
   built bundle taken under that lock, so a concurrent build cannot change it mid-run;
3. for the baseline (``--baseline``, 50 users) and then for ``--users`` (5,000) starts JupyterLab
   with the panel configured against the hub (an ``alice`` token with the demo's scopes, as
   ``./run.sh`` does) and runs ``bench/browser_bench.mjs`` (Playwright, Debian's Chromium), which
   measures page load, opening the panel, a filter keystroke and clearing it, a server start from
   the panel, and the page's size;
4. prints a table (figure | baseline | N users | goal | PASS/FAIL) and writes every figure to
   ``bench/results/browser-<timestamp>.json``.

    bench/run.sh browser            # or: .venv/bin/python bench/browser_bench.py [--users 5000]

Everything listens on 127.0.0.1, every wait has a time limit, and the hub, Lab and the browser
are stopped on success, error, Ctrl-C and SIGTERM. See bench/README.md ("Browser").
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "demo"))

from saturn_panel_demo.__main__ import DEMO_HUB_SCOPES, DEMO_USER  # noqa: E402
from saturn_panel_demo.launcher import LabServer  # noqa: E402
from saturn_panel_demo.local_hub import LocalHub  # noqa: E402
from saturn_panel_demo.profiles import DEMO_PROFILES  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parent / "results"
NODE_SCRIPT = Path(__file__).resolve().with_suffix(".mjs")
BUILD_LOCK = "/tmp/saturn-build.lock"
LABEXTENSION = REPO / "jupyterlab_saturn_panel" / "labextension"
PACKAGE_NAME = "jupyterlab-saturn-panel"
BATCH = 500

T0 = time.monotonic()


class Timeout(Exception):
    """The whole run took longer than ``--timeout``."""


def say(text: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {text}", file=sys.stderr, flush=True)


def user_name(i: int) -> str:
    return f"u{i:05d}"


# --- build ----------------------------------------------------------------------------------------


def build_snapshot(
    target: Path, *, build: bool, lock_timeout: float, build_timeout: float, source: Path = LABEXTENSION
) -> dict[str, Any]:
    """Build the extension (unless ``build`` is false) and copy the bundle (``source``) to
    ``target``, both while holding the build lock, so Lab serves one consistent build all run."""
    info: dict[str, Any] = {"built": build, "source": str(source)}
    with open(BUILD_LOCK, "a") as lock:
        deadline = time.monotonic() + lock_timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{BUILD_LOCK} stayed locked for {lock_timeout} s") from None
                time.sleep(1)
        try:
            if build:
                started = time.monotonic()
                say("building the extension (jlpm build, under the build lock)")
                done = subprocess.run(
                    ["jlpm", "build"],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    timeout=build_timeout,
                    start_new_session=True,
                )
                if done.returncode != 0:
                    raise RuntimeError(
                        f"jlpm build failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
                    )
                info["buildSeconds"] = round(time.monotonic() - started, 1)
            if not (source / "package.json").exists():
                raise RuntimeError(f"no built extension in {source}: run jlpm build")
            shutil.copytree(source, target / PACKAGE_NAME)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    package = json.loads((target / PACKAGE_NAME / "package.json").read_text())
    info["remoteEntry"] = package.get("jupyterlab", {}).get("_build", {}).get("load")
    return info


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": sorted(
            line[3:] for line in git("status", "--porcelain", "--", "src", "jupyterlab_saturn_panel").splitlines()
        ),
    }


# --- hub ------------------------------------------------------------------------------------------


def hub_call(hub: LocalHub, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200,)) -> Any:
    status, answer = hub.api(method, path, body)
    if status not in expect:
        raise RuntimeError(f"hub {method} {path}: {status} {str(answer)[:300]}")
    return answer


def create_users(hub: LocalHub, first: int, last: int) -> None:
    """Create users ``first`` .. ``last`` (inclusive) in batches."""
    names = [user_name(i) for i in range(first, last + 1)]
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        hub_call(hub, "POST", "users", {"usernames": batch}, expect=(201,))
    if names:
        say(f"hub: created users {names[0]} .. {names[-1]} ({len(names)})")


def active_users(hub: LocalHub) -> dict[str, str]:
    """Each user with a default server that is running or pending: name -> 'ready' | 'pending'."""
    found: dict[str, str] = {}
    offset = 0
    while True:
        page = hub_call(hub, "GET", f"users?state=active&limit=200&offset={offset}&include_stopped_servers=0")
        items = page["items"] if isinstance(page, dict) else page
        for user in items:
            server = (user.get("servers") or {}).get("")
            if server:
                found[user["name"]] = "ready" if server.get("ready") else "pending"
        if not isinstance(page, dict) or not page.get("_pagination", {}).get("next"):
            return found
        offset = page["_pagination"]["next"]["offset"]


def start_servers(hub: LocalHub, users: list[str], timeout: float) -> None:
    """Start the default server of each of ``users`` and wait until all are ready."""
    for name in users:
        hub_call(hub, "POST", f"users/{name}/server", {}, expect=(201, 202, 400))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = active_users(hub)
        if all(ready.get(name) == "ready" for name in users):
            say(f"hub: {len(users)} servers running")
            return
        time.sleep(1)
    raise RuntimeError(f"the hub did not start {len(users)} servers in {timeout} s:\n{hub.log_tail()}")


def stop_server(hub: LocalHub, name: str, timeout: float) -> None:
    hub_call(hub, "DELETE", f"users/{name}/server", expect=(202, 204, 400))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if name not in active_users(hub):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the hub did not stop {name}'s server in {timeout} s")


# --- one measurement ------------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (Playwright starts Chromium in its own session)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


def stop_node(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (Playwright closes its browser), wait, then kill node and every child it left."""
    if process.poll() is None:
        children = child_pids(process.pid)
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for child in children:  # a browser in its own process group, if it outlived node
            with contextlib.suppress(OSError):
                os.killpg(child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)


def run_browser(lab: LabServer, workdir: Path, label: str, args: argparse.Namespace, start_user: str) -> dict[str, Any]:
    config = {
        "labUrl": lab.lab_url,
        "filterText": args.filter_text,
        "timeoutMs": int(args.step_timeout * 1000),
        "quietMs": int(args.quiet * 1000),
        "chromium": args.chromium,
        "startUser": start_user,
        "repeat": args.repeat,
    }
    config_path = workdir / f"browser-{label}.json"
    config_path.write_text(json.dumps(config))
    os.chmod(config_path, 0o600)
    say(f"[{label}] browser: node {NODE_SCRIPT.name}")
    process = subprocess.Popen(
        ["node", str(NODE_SCRIPT), str(config_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=None,  # progress lines straight to our stderr
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=args.browser_timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"[{label}] the browser measurement took longer than {args.browser_timeout} s") from None
    finally:
        stop_node(process)
    if process.returncode != 0:
        raise RuntimeError(f"[{label}] the browser measurement failed (exit {process.returncode}); see above")
    lines = [line for line in out.decode(errors="replace").splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"[{label}] the browser measurement printed no result")
    return json.loads(lines[-1])


def measure(
    hub: LocalHub, token: str, extensions: Path, workdir: Path, label: str, args: argparse.Namespace, start_user: str
) -> dict[str, Any]:
    """Start a fresh JupyterLab against the hub, measure in the browser, stop Lab."""
    lab_dir = workdir / f"lab-{label}"
    lab_dir.mkdir()
    lab = LabServer(
        lab_dir,
        settings={
            "hub_api_url": hub.api_url,
            "hub_api_token": token,
            "hub_public_url": hub.public_url,
            "hub_spawn_options": DEMO_PROFILES,
        },
        isolate=True,  # fresh workspace: the panel is closed at load
        env={"PYTHONPATH": str(args.pythonpath.resolve())} if args.pythonpath else {},
        extra_args=[
            f"--LabApp.extra_labextensions_path={extensions}",
            "--LabApp.expose_app_in_browser=True",
        ],
    )
    say(f"[{label}] starting JupyterLab (work dir {lab_dir})")
    try:
        lab.start()
        lab.wait_ready(timeout=args.step_timeout)
        result = run_browser(lab, workdir, label, args, start_user)
    finally:
        lab.stop()
    key = result.get("start", {}).get("key") or ""
    started_user = key.split("/")[1] if key.count("/") >= 2 else None
    if started_user:
        stop_server(hub, started_user, args.step_timeout)  # the next phase starts from the same state
    return result


# --- report ---------------------------------------------------------------------------------------

GOALS: dict[str, tuple[str, float]] = {
    # figure -> (goal, maximum): issue 11's goals, at 5,000 users
    "load.panelLongestTaskMs": ("no task > 50 ms", 50.0),
    "open.ms": ("< 100 ms", 100.0),
    "filter.firstMs": ("< 50 ms", 50.0),
    "clear.firstMs": ("< 50 ms", 50.0),
}

FIGURES: list[tuple[str, str, str]] = [
    # (path in the browser's result, name, unit); "(median)": the median of --repeat tries
    ("load.panelLongestTaskMs", "load, panel closed: longest task from events (median)", "ms"),
    ("load.panelLongestTaskMsMax", "load, panel closed: the same, worst load", "ms"),
    ("load.panelLongTaskTotalMs", "load, panel closed: long tasks from events (median)", "ms"),
    ("load.longestTaskMs", "load: longest task, Lab's own start incl. (median)", "ms"),
    ("load.snapshotMs", "load: first snapshot received at (median)", "ms"),
    ("open.ms", "open the panel: click -> rows painted (median)", "ms"),
    ("open.longestTaskMs", "open the panel: longest task (median)", "ms"),
    ("filter.firstMs", "filter keystroke -> list painted (median)", "ms"),
    ("filter.settledMs", "filter keystroke -> list settled (median)", "ms"),
    ("filter.longestTaskMs", "filter keystroke: longest task (median)", "ms"),
    ("clear.firstMs", "clear filter (Backspace) -> painted (median)", "ms"),
    ("clear.longestTaskMs", "clear filter: longest task (median)", "ms"),
    ("start.longestTaskMs", "start from the panel: longest task", "ms"),
    ("start.longTaskTotalMs", "start: all long tasks, click -> running", "ms"),
    ("start.toRunningMs", "start: click -> running shown", "ms"),
    ("nodes.elements", "DOM elements, panel open (shadow DOM incl.)", "elements"),
    ("nodes.hubRows", "hub rows rendered, panel open", "rows"),
]


def pick(result: dict[str, Any], dotted: str) -> float | None:
    value: Any = result
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return float(value) if isinstance(value, (int, float)) else None


def figures(base: dict[str, Any], big: dict[str, Any], base_label: str) -> list[dict[str, Any]]:
    rows = []
    for dotted, name, unit in FIGURES:
        value, baseline = pick(big, dotted), pick(base, dotted)
        value = None if value is None else round(value, 1)
        baseline = None if baseline is None else round(baseline, 1)
        goal_text, goal_max = GOALS.get(dotted, (None, None))
        passed = None if goal_max is None or value is None else value <= goal_max
        rows.append(
            {
                "name": name,
                "key": dotted,
                "value": value,
                "unit": unit,
                "baseline": baseline,
                "baselineLabel": base_label,
                "goal": goal_text,
                "goalMax": goal_max,
                "pass": passed,
            }
        )
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:,.0f} ms"
    return f"{value:,.0f}"


def render(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    big, base = meta["users"], meta["baselineUsers"]
    lines = [
        f"Saturn panel browser benchmark  {meta['date']}  (JupyterHub {meta['jupyterhub']}, JupyterLab "
        f"{meta['jupyterlab']}, {meta['browser']}, {meta['cpus']} CPUs)",
        f"  {meta['running']} hub servers running; long tasks are the browser's (> 50 ms each); 0 ms: none",
        "",
        f"  {'figure':<54} {f'{base:,} users':>12} {f'{big:,} users':>12}   {'goal':<16} verdict",
    ]
    for row in rows:
        verdict = "" if row["pass"] is None else ("PASS" if row["pass"] else "FAIL")
        lines.append(
            f"  {row['name']:<54} {fmt(row['baseline'], row['unit']):>12} {fmt(row['value'], row['unit']):>12}"
            f"   {row['goal'] or '':<16} {verdict}"
        )
    verdicts = [row["pass"] for row in rows if row["pass"] is not None]
    lines.append("")
    lines.append(f"  {sum(verdicts)}/{len(verdicts)} goals met at {big:,} users")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    # The hub's database on tmpfs when there is one: creating 5,000 users commits 5,000 times.
    shm = Path("/dev/shm")
    tmp = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    workdir = Path(tempfile.mkdtemp(prefix="saturn-browser-bench-", dir=tmp))
    hub = LocalHub(
        workdir / "hub",
        users=(DEMO_USER,),
        admins=(DEMO_USER,),
        step_delay=args.step_delay,
        steps=args.steps,
        stop_delay=0.5,
        singleuser="mocksu",
        log_level="WARN",
    )
    outcome = "error"
    try:
        extensions = workdir / "labextensions"
        extensions.mkdir()
        build = build_snapshot(
            extensions,
            build=not (args.no_build or args.labextension),
            lock_timeout=300,
            build_timeout=300,
            source=(args.labextension or LABEXTENSION).resolve(),
        )
        say(f"serving the extension of {build['source']} (a copy in {extensions})")
        say(f"starting JupyterHub on 127.0.0.1 (work dir {workdir})")
        hub.start(timeout=args.step_timeout)
        token = hub.create_token(DEMO_USER, DEMO_HUB_SCOPES, note="saturn-panel-browser-bench")
        running = [user_name(i) for i in range(1, args.running + 1)]
        # The baseline: alice + baseline-1 users; the servers to show start among them.
        create_users(hub, 1, args.baseline - 1)
        start_servers(hub, running, timeout=args.step_timeout)
        start_user = user_name(args.baseline - 1)
        base = measure(hub, token, extensions, workdir, f"{args.baseline}", args, start_user)
        create_users(hub, args.baseline, args.users - 1)
        big = measure(hub, token, extensions, workdir, f"{args.users}", args, start_user)
        outcome = "ok"
    except KeyboardInterrupt:
        outcome = "interrupted"
        raise
    finally:
        say("stopping JupyterHub")
        hub.stop()
        if args.keep or outcome == "error":
            say(f"work folder (hub and Lab logs) kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    import jupyterhub
    import jupyterlab

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        "users": args.users,
        "baselineUsers": args.baseline,
        "running": args.running,
        "jupyterhub": jupyterhub.__version__,
        "jupyterlab": jupyterlab.__version__,
        "browser": f"Chromium {big.get('browserVersion', '?')}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "git": git_state(),
        "build": build,
        "filterText": args.filter_text,
        "pythonpath": str(args.pythonpath) if args.pythonpath else None,
    }
    rows = figures(base, big, f"{args.baseline} users")
    print(render(rows, meta), flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"browser-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    body = {
        "bench": "browser",
        "when": meta["date"],
        "title": f"Browser: JupyterLab with the panel, {args.users:,} vs {args.baseline} hub users",
        "figures": rows,
        "meta": meta,
        "raw": {"baseline": base, "users": big},
    }
    path.write_text(json.dumps(body, indent=1) + "\n")
    say(f"figures written to {path.relative_to(REPO)}")
    return 0 if all(row["pass"] is not False for row in rows) else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5000, help="hub users of the measured run (default 5000)")
    parser.add_argument("--baseline", type=int, default=50, help="hub users of the baseline run (default 50)")
    parser.add_argument("--running", type=int, default=20, help="servers running during both runs (default 20)")
    parser.add_argument("--filter-text", default="7", help="the character typed into the filter (default 7)")
    parser.add_argument("--repeat", type=int, default=3, help="tries of each load/open/filter/clear (default 3)")
    parser.add_argument("--no-build", action="store_true", help="serve the current build (no jlpm build)")
    parser.add_argument(
        "--labextension",
        type=Path,
        help="serve this built labextension folder instead (no build): e.g. an older checkout's, to compare",
    )
    parser.add_argument(
        "--pythonpath",
        type=Path,
        help="a checkout whose jupyterlab_saturn_panel Lab imports instead of the installed one (with --labextension)",
    )
    parser.add_argument("--steps", type=int, default=4, help="the hub spawner's progress steps (default 4)")
    parser.add_argument("--step-delay", type=float, default=0.5, help="seconds per progress step (default 0.5)")
    parser.add_argument("--quiet", type=float, default=3.0, help="seconds without a long task = idle (default 3)")
    parser.add_argument("--step-timeout", type=float, default=120.0, help="limit of each wait, s (default 120)")
    parser.add_argument("--browser-timeout", type=float, default=420.0, help="limit of one browser run, s")
    parser.add_argument("--timeout", type=float, default=1200.0, help="limit of the whole run, s (default 1200)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (hub and Lab logs; kept anyway after an error)"
    )
    args = parser.parse_args(argv)
    if len(args.filter_text) != 1:
        parser.error("--filter-text is one character (one keystroke; Backspace clears it)")
    if not 2 <= args.baseline < args.users:
        parser.error("need 2 <= --baseline < --users")
    if args.running >= args.baseline - 1:
        parser.error("--running must be below --baseline - 1 (a stopped user is started from the panel)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def on_alarm(*_: object) -> None:
        raise Timeout(f"the whole run took longer than {args.timeout} s")

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    # Also when started in the background by a shell (which would leave SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.alarm(int(args.timeout))
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted; everything started was stopped")
        return 130
    except Timeout as exc:
        say(f"error: {exc}")
        return 2
    except RuntimeError as exc:
        say(f"error: {exc}")
        return 1
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    sys.exit(main())
