#!/usr/bin/env bash
# Install everything and run every check and test of jupyterlab-saturn-panel:
#   linters (eslint, prettier, stylelint, ruff, mypy), jest (the TypeScript model and widgets),
#   galata (JupyterLab in Debian's Chromium), pytest (a real JupyterHub, a real jupyter_server,
#   the Saturn Cloud simulator, the official saturn-client; the simulator's own tests).
# Safe to run again; each suite runs even when an earlier one failed, and the exit code says
# whether all passed.
set -euo pipefail
cd "$(dirname "$0")"
EXTRAS=test source scripts/bootstrap.sh

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd ui-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 jlpm install)

# Galata's report is kept so a failure can be repeated at the very end, where a CI log's tail shows it.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

failed=()
# The extension-template's checks, as pre-commit runs them (.pre-commit-config.yaml).
echo "== lint (eslint, prettier, stylelint, ruff, mypy)"
lint_ok=1
jlpm lint:check || lint_ok=0
ruff check . || lint_ok=0
ruff format --check . || lint_ok=0
mypy || lint_ok=0
[ "$lint_ok" = 1 ] || failed+=(lint)
echo "== jest"
jlpm test || failed+=(jest)
echo "== galata (Chromium)"
(cd ui-tests && jlpm playwright test) 2>&1 | tee "$logs/galata.log" || failed+=(galata)
echo "== pytest"
python -m pytest || failed+=(pytest)

# Galata's own report (errors, then the failed and flaky tests by name), without the servers' lines;
# when no test got to run (the servers did not start), the log's end, servers' lines included.
galata_report() {
  local report
  report="$(grep -v '^\[WebServer\]' "$logs/galata.log" | awk '/^ +[0-9]+\) /{on=1} on' | tail -n 80)"
  if [ -n "$report" ]; then
    echo "$report"
  else
    tail -n 60 "$logs/galata.log"
  fi
}
# Tests that passed only on their CI retry (see ui-tests/playwright.config.js) are named, not hidden.
if [[ " ${failed[*]} " != *" galata "* ]] && grep -qE '^ +[0-9]+ flaky' "$logs/galata.log"; then
  echo "== galata: flaky tests (failed once, passed on the retry)"
  galata_report
fi
if [ ${#failed[@]} -gt 0 ]; then
  if [[ " ${failed[*]} " == *" galata "* ]]; then
    echo "== galata failures"
    galata_report
  fi
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All test suites passed."
