#!/usr/bin/env python
"""One table of every figure of a benchmark run, each beside its baseline, with PASS/FAIL.

    .venv/bin/python bench/summary.py                      # the newest file of each bench
    .venv/bin/python bench/summary.py --since 1764560000   # files written since then (a run)
    .venv/bin/python bench/summary.py bench/results/hub-cpu-20261201-032229.json ...

Reads ``bench/results/*.json`` files that have a top-level ``figures`` list (the shape is in
``bench/benchlib.py`` and bench/README.md; any bench, the browser one included, may write one).
Exit status: 0 when every figure with a goal passed, 1 when one failed or none was found.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load(paths: list[Path]) -> list[dict[str, Any]]:
    results = []
    for path in paths:
        try:
            body = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            print(f"skipped {path}: {exc}", file=sys.stderr)
            continue
        if isinstance(body, dict) and isinstance(body.get("figures"), list):
            body.setdefault("bench", path.name.rsplit("-", 2)[0])
            body["_path"] = path
            results.append(body)
    return results


def pick(since: float | None) -> list[Path]:
    files = sorted(RESULTS_DIR.glob("*.json"), key=lambda p: p.stat().st_mtime)
    if since is not None:
        return [p for p in files if p.stat().st_mtime >= since]
    newest: dict[str, Path] = {}
    for path in files:  # oldest first: the newest of each bench wins
        try:
            body = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(body, dict) and isinstance(body.get("figures"), list):
            newest[str(body.get("bench") or path.name.rsplit("-", 2)[0])] = path
    return sorted(newest.values(), key=lambda p: p.stat().st_mtime)


def number(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        digits = 2 if abs(value) < 100 else 1 if abs(value) < 1000 else 0
        text = f"{value:,.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return f"{text} {unit}".strip()


def table(results: list[dict[str, Any]]) -> tuple[str, bool]:
    rows = [("bench", "figure", "value", "baseline", "goal", "verdict")]
    ok = bool(results)
    for result in results:
        for fig in result["figures"]:
            unit = str(fig.get("unit") or "")
            baseline = number(fig.get("baseline"), unit)
            if fig.get("baselineLabel"):
                baseline = f"{baseline} ({fig['baselineLabel']})" if fig.get("baseline") is not None else "-"
            verdict = {True: "PASS", False: "FAIL"}.get(fig.get("pass"), "")
            if fig.get("pass") is False:
                ok = False
            rows.append(
                (
                    str(result.get("bench", "?")),
                    str(fig.get("name", "?")),
                    number(fig.get("value"), unit),
                    baseline,
                    str(fig.get("goal") or ""),
                    verdict,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in (2,) else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="results files (default: see --since)")
    parser.add_argument(
        "--since", type=float, default=None, help="every results file written since this Unix time (a run's start)"
    )
    args = parser.parse_args(argv)
    paths = args.files or pick(args.since)
    results = load(paths)
    if not results:
        print("No benchmark results with figures found.", file=sys.stderr)
        return 1
    text, ok = table(results)
    print(f"Summary of {len(results)} benchmark result file(s) ({os.cpu_count()} CPUs)")
    print(text)
    for result in results:
        print(f"  {result['bench']}: {result['_path'].name}  {result.get('when', '')}")
    print("ALL PASS" if ok else "SOME FIGURES FAIL THEIR GOAL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
