#!/usr/bin/env bash
# Run jupyterlab-saturn-panel on its embedded default: a local JupyterHub, the Saturn Cloud
# simulator and JupyterLab with the panel, all on 127.0.0.1. Prints the URL to open.
# Arguments are passed on: ./run.sh --port 8890 --hub-port 8010
set -euo pipefail
cd "$(dirname "$0")"
EXTRAS=demo source scripts/bootstrap.sh
exec python -m saturn_panel_demo "$@"
