#!/usr/bin/env bash
# Install everything and run every test of jupyterlab-saturn-panel:
#   jest (TypeScript model, event-stream parser), pytest (a real JupyterHub, a real jupyter_server,
#   the Saturn Cloud simulator, the official saturn-client), galata (JupyterLab in Debian's Chromium).
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
echo "== jest"
jlpm test || failed+=(jest)
echo "== galata (Chromium)"
(cd ui-tests && jlpm playwright test) 2>&1 | tee "$logs/galata.log" || failed+=(galata)
echo "== pytest"
python -m pytest || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
  if [[ " ${failed[*]} " == *" galata "* ]]; then
    echo "== galata failures (without the servers' log lines)"
    grep -v '^\[WebServer\]' "$logs/galata.log" | tail -n 60
  fi
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All test suites passed."
