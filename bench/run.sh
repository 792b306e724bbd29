#!/usr/bin/env bash
# Run the hub benchmark with the project's venv. Arguments are passed on, e.g.:
#   bench/run.sh                 # the full run: 60 s windows, 5 starts (about 3.5 minutes)
#   bench/run.sh --duration 30   # shorter windows
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/hub_bench.py "$@"
