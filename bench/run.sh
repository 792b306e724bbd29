#!/usr/bin/env bash
# Run the benchmarks with the project's venv (./test.sh or ./run.sh set it up), then print ONE
# summary table of every figure of this run beside its baseline, with PASS/FAIL (bench/summary.py).
#   bench/run.sh                  # all of them (about 13 min on 2 cores); --quick: about 7 min
#   bench/run.sh hub-cpu          # one of: hub hub-cpu memory logs saturn browser
#   bench/run.sh hub --duration 30   # arguments after a name are passed on to that bench
# Every bench writes bench/results/<name>-<timestamp>.json; any results file written during the run
# (a browser bench's included) is in the summary. Exit status: 0 when every figure met its goal.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
which="${1:-all}"
[ $# -gt 0 ] && shift
started="$(date +%s)"

browser() {
  # The 5,000-user browser figures, when that bench exists (bench/browser_bench.*).
  if [ -x bench/browser_bench.sh ]; then
    bench/browser_bench.sh "$@"
  elif [ -f bench/browser_bench.py ]; then
    "$PY" bench/browser_bench.py "$@"
  elif [ -f bench/browser_bench.js ] || [ -f bench/browser_bench.mjs ]; then
    node "$(ls bench/browser_bench.*js | head -1)" "$@"
  else
    echo "(no bench/browser_bench.* yet: browser figures skipped)" >&2
  fi
}

one() {
  local name="$1"
  shift
  case "$name" in
    hub) "$PY" bench/hub_bench.py "$@" ;;
    saturn) "$PY" bench/saturn_bench.py "$@" ;;
    hub-cpu) "$PY" bench/hub_cpu_bench.py "$@" ;;
    memory) "$PY" bench/memory_bench.py "$@" ;;
    logs) "$PY" bench/logs_bench.py "$@" ;;
    browser) browser "$@" ;;
    *) echo "usage: bench/run.sh [all|hub|saturn|hub-cpu|memory|logs|browser] [--quick] [options of that bench]" >&2; exit 2 ;;
  esac
}

status=0
case "$which" in
  all | --quick)
    quick=()
    if [ "$which" = --quick ] || [ "${1:-}" = --quick ]; then quick=(--quick); fi
    # The older hub and Saturn benches: 30 s windows here (60 s when run alone) keep the run short.
    short=(--duration 30)
    for name in hub-cpu memory logs hub saturn browser; do
      echo "== bench: $name" >&2
      case "$name" in
        hub) one hub "${short[@]}" --starts "$([ ${#quick[@]} -gt 0 ] && echo 2 || echo 5)" || status=1 ;;
        saturn) one saturn "${short[@]}" || status=1 ;;
        browser) one browser || status=1 ;;
        *) one "$name" "${quick[@]}" || status=1 ;;
      esac
      echo >&2
    done
    ;;
  *)
    one "$which" "$@" || status=1
    ;;
esac
echo
"$PY" bench/summary.py --since "$started" || status=1
exit "$status"
