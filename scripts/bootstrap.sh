# Shared set-up of ./run.sh and ./test.sh, sourced by both: safe to run again and again.
#   - a virtualenv in .venv with the package installed in editable mode (and its extras), and the
#     Saturn Cloud simulator (./simulator) and the demo launcher (./demo) beside it, editable too,
#   - node packages (jlpm = the yarn that ships with JupyterLab), the TypeScript built,
#   - the labextension linked and the server extension enabled.
# Usage: EXTRAS=demo|test source scripts/bootstrap.sh

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v node >/dev/null 2>&1; then
  echo "Installing Node.js (needed to build the extension and for JupyterHub's proxy) ..."
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..."
  "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1

# The build tools first: installing the package in editable mode builds the TypeScript with them.
pip install -q "jupyterlab>=4.6,<4.7" "hatch-jupyter-builder>=0.5" "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" editables
jlpm install --immutable >/dev/null 2>&1 || jlpm install
pip install -q --no-build-isolation -e ".[${EXTRAS:-demo}]"
# The Saturn Cloud simulator and the demo launcher (hub + simulator + Lab, used by run.sh, pytest,
# galata and the benchmarks) are distributions of their own, never part of the panel's wheel.
if [ "${EXTRAS:-demo}" = test ]; then
  pip install -q --no-build-isolation -e "./simulator[test]" -e ./demo
else
  pip install -q --no-build-isolation -e ./simulator -e ./demo
fi
jupyter labextension develop . --overwrite >/dev/null 2>&1
jupyter server extension enable jupyterlab_saturn_panel >/dev/null 2>&1
