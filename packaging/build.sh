#!/usr/bin/env bash
# Builds OGPU Desktop for the platform it runs on:
#   1. the icons, rendered from resources/icons/ogpu-desktop.svg into build/icons/;
#   2. the one-folder bundle dist/ogpu-desktop/ (PyInstaller, packaging/ogpu-desktop.spec);
#   3. on Linux, the user tarball dist/ogpu-desktop-<version>-linux-<arch>.tar.gz with
#      install.sh and uninstall.sh.
#
# Usage: packaging/build.sh [--bundle-only]
# Needs the app and the `packaging` extra installed in the Python it runs:
#   pip install -e '.[packaging]'      (PYTHON=/path/to/python to choose another interpreter)
# OGPU_DESKTOP_SCREENSHOTS_URL: base URL where docs/screenshots/ is published, written into the
# AppStream metadata of the tarball (default: the URL already in the metainfo file).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

app_id=network.opengpu.OgpuDesktop
python=${PYTHON:-python}
bundle_only=0
for arg in "$@"; do
  case $arg in
    --bundle-only) bundle_only=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
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
name="ogpu-desktop-$version-linux-$(uname -m)"
stage="build/tarball/$name"
rm -rf "build/tarball"
mkdir -p "$stage/share/applications" "$stage/share/metainfo" "$stage/share/icons"
cp -R "$bundle" "$stage/app"
cp packaging/linux/install.sh packaging/linux/uninstall.sh packaging/linux/INSTALL.txt "$stage/"
chmod 755 "$stage/install.sh" "$stage/uninstall.sh"
cp "packaging/linux/$app_id.desktop" "$stage/share/applications/"
cp -R build/icons/hicolor "$stage/share/icons/"
metainfo="$stage/share/metainfo/$app_id.metainfo.xml"
cp "packaging/linux/$app_id.metainfo.xml" "$metainfo"
if [ -n "${OGPU_DESKTOP_SCREENSHOTS_URL:-}" ]; then
  sed -i "s|<image>[^<]*/docs/screenshots/|<image>${OGPU_DESKTOP_SCREENSHOTS_URL%/}/|" "$metainfo"
fi
tarball="dist/$name.tar.gz"
tar -C build/tarball --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
echo "tarball: $tarball ($(du -h "$tarball" | cut -f1))"
echo "done in $(( $(date +%s) - started )) s"
