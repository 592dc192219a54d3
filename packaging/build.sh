#!/usr/bin/env bash
# Builds OGPU Desktop for the platform it runs on:
#   1. the icons, rendered from ogpu_desktop/resources/ogpu-desktop.svg into build/icons/;
#   2. the one-folder bundle dist/ogpu-desktop/ (PyInstaller, packaging/ogpu-desktop.spec);
#   3. on Linux, the user tarball dist/ogpu-desktop-<version>-linux-<arch>.tar.gz with
#      install.sh and uninstall.sh.
#
# Usage: packaging/build.sh [--bundle-only]
# Needs the app and the `packaging` extra installed in the Python it runs:
#   pip install -e '.[packaging]'      (PYTHON=/path/to/python to choose another interpreter)
# OGPU_DESKTOP_SCREENSHOTS_URL: base URL where docs/screenshots/ is published, written into the
# AppStream metadata of the tarball (default: the URL already in the metainfo file).
# The folders build/ and dist/ are outputs only; neither is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

app_id=network.opengpu.OgpuDesktop
python=${PYTHON:-python}
bundle_only=0
for arg in "$@"; do
  case $arg in
    --bundle-only) bundle_only=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "Unknown option: $arg" >&2; exit 2 ;;
  esac
done

version=$(sed -n 's/^__version__ = "\([^"]*\)"$/\1/p' ogpu_desktop/__init__.py)
[ -n "$version" ] || { echo "Cannot read __version__ from ogpu_desktop/__init__.py" >&2; exit 1; }
if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
  echo "PyInstaller is missing: pip install -e '.[packaging]'" >&2
  exit 1
fi

started=$(date +%s)
echo "== icons"
QT_QPA_PLATFORM=offscreen "$python" packaging/make_icons.py --out build/icons --name "$app_id"

echo "== bundle (PyInstaller)"
# --clean: a cached analysis would keep modules edited while an earlier build ran.
OGPU_ICON_DIR="$root/build/icons" "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/ogpu-desktop.spec
bundle=dist/ogpu-desktop
if [ "$(uname -s)" = Darwin ]; then
  bundle="dist/OGPU Desktop.app"
fi
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1))"

if [ "$bundle_only" = 1 ] || [ "$(uname -s)" != Linux ]; then
  echo "done in $(( $(date +%s) - started )) s"
  exit 0
fi

echo "== Linux tarball"
tarball=$(bash packaging/linux/make_tarball.sh "$bundle" build/icons dist \
  "ogpu-desktop-$version-linux-$(uname -m)")
echo "tarball: ${tarball#"$root"/} ($(du -h "$tarball" | cut -f1))"
echo "done in $(( $(date +%s) - started )) s"
