# Shared set-up of ./run.sh and ./test.sh, sourced by both: safe to run again and again.
#   - a virtualenv in .venv with the package installed in editable mode (and its extras), and the
#     Saturn Cloud simulator (./simulator) and the demo launcher (./demo) beside it, editable too,
#   - node packages (jlpm = the yarn that ships with JupyterLab), the frontend built (production
#     bundle; SATURN_PANEL_DEV_BUILD=1 for the development one),
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

# The build tools first.
pip install -q "jupyterlab>=4.6,<4.7" "hatch-jupyter-builder>=0.5" "hatchling>=1.5" "hatch-nodejs-version>=0.3.2" editables
jlpm install --immutable >/dev/null 2>&1 || jlpm install

# The frontend bundle, built once, here. The production build (`jlpm build:prod`: minified, no
# source maps) is what the two commands serve; SATURN_PANEL_DEV_BUILD=1 builds the development one
# instead (`jlpm build`: readable, with source maps). Its size is measured after each build, never
# written down here (a number written down goes stale with the next feature).
# Skipped when the served bundle is already of the asked kind and newer than every source file.
# The editable install below then skips hatch-jupyter-builder's own hook (which would run the dev
# build again); the lock keeps two builds in this tree from writing the same files at once.
if [ "${SATURN_PANEL_DEV_BUILD:-0}" = 1 ]; then
  build_cmd=build want_maps=1
else
  build_cmd=build:prod want_maps=0
fi
labext=jupyterlab_saturn_panel/labextension
stamp="$labext/package.json"
have_maps=0
compgen -G "$labext/static/*.js.map" >/dev/null && have_maps=1
if [ ! -f "$stamp" ] || [ ! -f "$labext/static/style.js" ] || [ "$have_maps" != "$want_maps" ] \
  || [ -n "$(find src style schema package.json tsconfig.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "Building the frontend (jlpm $build_cmd) ..."
  if command -v flock >/dev/null 2>&1; then
    flock /tmp/saturn-build.lock jlpm "$build_cmd"
  else
    jlpm "$build_cmd"
  fi
  # What a browser downloads: the bundle's JavaScript, as built and gzipped.
  js_bytes=$(cat "$labext"/static/*.js | wc -c)
  gz_bytes=$(cat "$labext"/static/*.js | gzip -9 | wc -c)
  echo "Built the frontend: $(( (js_bytes + 512) / 1024 )) KB of JavaScript, $(( (gz_bytes + 512) / 1024 )) KB gzipped."
fi
# The wheel takes install.json from the repository's root (pyproject's shared-data); a copy left in
# the build folder by other tools makes hatchling refuse the editable wheel (a second file at the same path).
rm -f "$labext/install.json"
SKIP_JUPYTER_BUILDER=1 pip install -q --no-build-isolation -e ".[${EXTRAS:-demo}]"
# The Saturn Cloud simulator and the demo launcher (hub + simulator + Lab, used by run.sh, pytest,
# galata and the benchmarks) are distributions of their own, never part of the panel's wheel.
if [ "${EXTRAS:-demo}" = test ]; then
  pip install -q --no-build-isolation -e "./simulator[test]" -e ./demo
else
  pip install -q --no-build-isolation -e ./simulator -e ./demo
fi
jupyter labextension develop . --overwrite >/dev/null 2>&1
jupyter server extension enable jupyterlab_saturn_panel >/dev/null 2>&1
