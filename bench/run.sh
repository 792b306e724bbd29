#!/usr/bin/env bash
# Run the benchmarks with the project's venv (./test.sh or ./run.sh set it up), then print ONE
# summary table of every figure of this run beside its baseline, with PASS/FAIL (bench/summary.py).
#   bench/run.sh                  # all of them: about 34 min on 2 cores, plus the browser bench's own
#   bench/run.sh --quick          # shorter windows, fewer changes: about 19 min plus the browser bench
#   bench/run.sh hub-cpu          # one of: hub-cpu memory logs hub saturn attention service browser
#   bench/run.sh service --quick  # the hub service bench alone (about 6 min; 11 min without --quick)
#   bench/run.sh hub --duration 60   # arguments after a name are passed on to that bench
# Every bench writes bench/results/<name>-<timestamp>.json; the summary shows the file each bench
# of this run wrote. Exit status: 0 when every figure with a goal met it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" # jlpm, node tools and the venv's python for every bench
PY=.venv/bin/python
which="${1:-all}"
[ $# -gt 0 ] && shift
quick=0
if [ "$which" = --quick ]; then
  which=all quick=1
elif [ "$which" = all ] && [ "${1:-}" = --quick ]; then
  quick=1
  shift
fi

one() {
  local name="$1"
  shift
  case "$name" in
    hub) "$PY" bench/hub_bench.py "$@" ;;
    saturn) "$PY" bench/saturn_bench.py "$@" ;;
    hub-cpu) "$PY" bench/hub_cpu_bench.py "$@" ;;
    memory) "$PY" bench/memory_bench.py "$@" ;;
    logs) "$PY" bench/logs_bench.py "$@" ;;
    attention) "$PY" bench/attention_bench.py "$@" ;;
    service) "$PY" bench/service_bench.py "$@" ;;
    browser) "$PY" bench/browser_bench.py "$@" ;;
    *)
      echo "usage: bench/run.sh [all|--quick|hub-cpu|memory|logs|hub|saturn|attention|service|browser] [options of that bench]" >&2
      exit 2
      ;;
  esac
}

mkdir -p bench/results
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT
files=()
status=0
# Run one bench and keep the results file it wrote (the newest <name>-<digits>.json since it began).
run() {
  local name="$1" found
  shift
  echo "== bench: $name $*" >&2
  touch "$marker"
  one "$name" "$@" || status=1
  found="$(find bench/results -maxdepth 1 -name "$name-[0-9]*.json" -newer "$marker" -printf '%T@ %p\n' |
    sort -n | tail -1 | cut -d' ' -f2-)"
  if [ -n "$found" ]; then
    files+=("$found")
  else
    echo "(bench $name wrote no results file)" >&2
    status=1
  fi
  echo >&2
}

if [ "$which" = all ]; then
  # Settings for one run of everything; each bench alone (bench/run.sh NAME) uses its own defaults.
  if [ "$quick" = 1 ]; then
    run hub-cpu --quick
    run memory --quick
    run logs --quick
    run hub --duration 20 --starts 1
    run saturn --duration 30
    run attention --quick
    run service --quick
    browser_args=(--repeat 1)
  else
    run hub-cpu --window 30 --rounds 2
    run memory
    run logs --window 40
    run hub --duration 20 --starts 3
    run saturn --duration 30
    run attention
    run service
    browser_args=()
  fi
  if [ -f bench/browser_bench.py ]; then
    run browser "${browser_args[@]}"
  else
    echo "(no bench/browser_bench.py: browser figures skipped)" >&2
  fi
else
  run "$which" "$@"
fi
echo
if [ ${#files[@]} -gt 0 ]; then
  "$PY" bench/summary.py "${files[@]}" || status=1
else
  echo "No results to summarise." >&2
  status=1
fi
exit "$status"
