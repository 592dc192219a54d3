#!/usr/bin/env bash
# Packs a one-folder bundle into the Linux user tarball:
#
#   <name>/install.sh, uninstall.sh, INSTALL.txt
#   <name>/app/                                   the bundle (ogpu-desktop and _internal/)
#   <name>/share/applications/<id>.desktop
#   <name>/share/icons/hicolor/<size>/apps/<id>.png|svg
#   <name>/share/metainfo/<id>.metainfo.xml
#
# Usage: make_tarball.sh BUNDLE_DIR ICONS_DIR OUT_DIR NAME
#   ICONS_DIR holds the hicolor/ tree written by packaging/make_icons.py.
#   Writes OUT_DIR/NAME.tar.gz and NAME.tar.gz.sha256, and prints the tarball's path.
# OGPU_DESKTOP_SCREENSHOTS_URL, when set, replaces the base URL of the screenshots in the
# AppStream metadata (where docs/screenshots/ is published).
set -euo pipefail

[ $# -eq 4 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
bundle=$1 icons=$2 out=$3 name=$4
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
app_id=network.opengpu.OgpuDesktop

[ -x "$bundle/ogpu-desktop" ] || { echo "No executable $bundle/ogpu-desktop" >&2; exit 1; }
[ -d "$icons/hicolor" ] || { echo "No $icons/hicolor folder: run packaging/make_icons.py" >&2; exit 1; }

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
stage=$staging/$name
mkdir -p "$stage/share/applications" "$stage/share/metainfo" "$stage/share/icons"
cp -R "$bundle" "$stage/app"
cp "$here/install.sh" "$here/uninstall.sh" "$here/INSTALL.txt" "$stage/"
chmod 755 "$stage/install.sh" "$stage/uninstall.sh"
cp "$here/$app_id.desktop" "$stage/share/applications/"
cp -R "$icons/hicolor" "$stage/share/icons/"
metainfo=$stage/share/metainfo/$app_id.metainfo.xml
cp "$here/$app_id.metainfo.xml" "$metainfo"
if [ -n "${OGPU_DESKTOP_SCREENSHOTS_URL:-}" ]; then
  sed -i "s|<image>[^<]*/docs/screenshots/|<image>${OGPU_DESKTOP_SCREENSHOTS_URL%/}/|" "$metainfo"
fi

mkdir -p "$out"
tarball=$(CDPATH='' cd -- "$out" && pwd)/$name.tar.gz
tar -C "$staging" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
# A checksum to publish beside the download.
(cd "$(dirname -- "$tarball")" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$tarball"
