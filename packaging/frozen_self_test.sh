#!/usr/bin/env bash
# Checks the frozen bundle the way a user's computer runs it, where imports, resource paths and
# the Sandbox child process differ from a source run. Builds dist/ogpu-desktop first when it is
# missing (or with --rebuild), then, with a throwaway home and under a real X server (Xvfb):
#   1. --version prints the app's version;
#   2. `ogpu-desktop sandbox` starts the Sandbox from the bundle, prints its /info line, answers
#      JSON-RPC with the announced chain ID, and stops when its parent goes away;
#   3. the main window paints (OGPU_DESKTOP_EXIT_AFTER_FIRST_PAINT=1);
#   4. --self-test publishes one task of each type on a fresh Sandbox and exits 0.
# A build whose --self-test is not implemented yet reports that and passes, unless
# OGPU_REQUIRE_SELF_TEST=1.
#
# Usage: packaging/frozen_self_test.sh [--rebuild]
# Python: $PYTHON, else .venv/bin/python when present, else python. PyInstaller is installed
# into that environment (the `packaging` extra) when it is a virtual environment lacking it.
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=0
for arg in "$@"; do
  case $arg in
    --rebuild) rebuild=1 ;;
    *) echo "Unknown option: $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python; fi
fi
export PYTHON=$python
exe=dist/ogpu-desktop/ogpu-desktop
version=$(sed -n 's/^__version__ = "\([^"]*\)"$/\1/p' ogpu_desktop/__init__.py)

if [ "$rebuild" = 1 ] || [ ! -x "$exe" ]; then
  if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
    if "$python" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
      echo "== installing PyInstaller (the packaging extra) into $("$python" -c 'import sys; print(sys.prefix)')"
      "$python" -m pip install -q -e '.[packaging]'
    fi
  fi
  bash packaging/build.sh --bundle-only
fi
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (Debian: xvfb xauth)" >&2; exit 1; }

# Nothing the frozen app writes may land in the real home.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
  XDG_CACHE_HOME="$scratch/cache" XDG_STATE_HOME="$scratch/state" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM  # the window checks run on Xvfb's real X server

echo "== frozen bundle: $exe ($(du -sh dist/ogpu-desktop | cut -f1))"

printed=$("$exe" --version)
[ "$printed" = "ogpu-desktop $version" ] || { echo "--version printed: $printed" >&2; exit 1; }
echo "version: $printed"

"$python" packaging/frozen_sandbox_check.py "$exe"

painted=$(OGPU_DESKTOP_EXIT_AFTER_FIRST_PAINT=1 timeout 120 \
  xvfb-run -a "$exe" --data-dir "$scratch/profile-paint")
# Which modules were loaded by then is the GUI tests' concern; here the window must paint.
case $painted in
  *'"event": "first_paint"'*) echo "first paint (Xvfb): $painted" ;;
  *) echo "first paint (Xvfb) FAILED: $painted" >&2; exit 1 ;;
esac

echo "== --self-test (Xvfb)"
set +e
timeout 900 xvfb-run -a "$exe" --self-test --data-dir "$scratch/profile-self-test" \
  2>"$scratch/self-test.err"
code=$?
set -e
if [ "$code" = 2 ] && grep -q "does not have yet" "$scratch/self-test.err" \
  && [ "${OGPU_REQUIRE_SELF_TEST:-0}" != 1 ]; then
  echo "self-test: not implemented in this build yet; skipped"
  echo "frozen bundle: version, Sandbox and first paint work (self-test skipped)"
  exit 0
fi
if [ "$code" != 0 ]; then
  echo "self-test FAILED with exit code $code:" >&2
  cat "$scratch/self-test.err" >&2
  exit 1
fi
echo "frozen bundle: version, Sandbox, first paint and self-test work"
