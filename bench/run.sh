#!/usr/bin/env bash
# Run the benchmarks with the project's venv (./test.sh or ./run.sh set it up). Arguments after
# the name are passed on:
#   bench/run.sh                  # both: hub (about 3.5 min) then Saturn (about 2.5 min)
#   bench/run.sh hub --duration 30
#   bench/run.sh saturn
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
[ $# -gt 0 ] && shift
case "$which" in
  hub) exec .venv/bin/python bench/hub_bench.py "$@" ;;
  saturn) exec .venv/bin/python bench/saturn_bench.py "$@" ;;
  all) .venv/bin/python bench/hub_bench.py "$@"; echo; exec .venv/bin/python bench/saturn_bench.py "$@" ;;
  *) echo "usage: bench/run.sh [hub|saturn|all] [--duration SECONDS]" >&2; exit 2 ;;
esac
