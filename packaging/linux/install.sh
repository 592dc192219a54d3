#!/bin/sh
# Installs OGPU Desktop for the current user, from the folder this script is in (the unpacked
# tarball). Nothing needs root. Running it again replaces the installed copy (an update).
#
#   program        ~/.local/lib/ogpu-desktop/
#   launcher       ~/.local/bin/ogpu-desktop (a link; left alone if another program owns it)
#   menu entry     $XDG_DATA_HOME/applications/network.opengpu.OgpuDesktop.desktop
#   icons          $XDG_DATA_HOME/icons/hicolor/<size>/apps/network.opengpu.OgpuDesktop.*
#   software info  $XDG_DATA_HOME/metainfo/network.opengpu.OgpuDesktop.metainfo.xml
#
# ($XDG_DATA_HOME is ~/.local/share unless set.) Every path it writes is listed in
# ~/.local/lib/ogpu-desktop/install-manifest.txt; uninstall.sh removes exactly those.
set -eu

APP_ID=network.opengpu.OgpuDesktop
EXE_NAME=ogpu-desktop

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$HOME/.local/lib/ogpu-desktop
bin_dir=$HOME/.local/bin
manifest=$app_dir/install-manifest.txt
exe=$app_dir/$EXE_NAME

fail() {
  printf 'Cannot install OGPU Desktop: %s\n' "$1" >&2
  exit 1
}

[ -n "${HOME:-}" ] || fail "HOME is not set."
[ -x "$here/app/$EXE_NAME" ] || fail "$here/app/$EXE_NAME is missing. Unpack the whole archive first."
case $exe in
  *[\"\`\$\\]*) fail "the path $exe contains a quote, backquote, dollar or backslash." ;;
esac

new_manifest=$(mktemp)
trap 'rm -f "$new_manifest"' EXIT

# Folders that an earlier install created stay ours to remove later.
if [ -f "$manifest" ]; then
  grep '^dir ' "$manifest" >>"$new_manifest" || true
fi

# make_dir DIR: create DIR and its missing parents, recording each one this script creates.
make_dir() {
  [ -d "$1" ] && return 0
  make_dir "$(dirname -- "$1")"
  mkdir -- "$1"
  printf 'dir %s\n' "$1" >>"$new_manifest"
}

# put SOURCE TARGET: copy one file into place and record it.
put() {
  make_dir "$(dirname -- "$2")"
  cp -- "$1" "$2.tmp-install"
  mv -f -- "$2.tmp-install" "$2"
  printf 'file %s\n' "$2" >>"$new_manifest"
}

# The program: copied beside the old copy, then swapped in, so a failed copy changes nothing.
make_dir "$(dirname -- "$app_dir")"
rm -rf -- "$app_dir.new"
cp -R -- "$here/app" "$app_dir.new"
cp -- "$here/uninstall.sh" "$app_dir.new/uninstall.sh"
chmod 755 "$app_dir.new/uninstall.sh"
rm -rf -- "$app_dir"
mv -- "$app_dir.new" "$app_dir"

# The launcher on the PATH, unless something that is not ours already has that name.
make_dir "$bin_dir"
launcher=$bin_dir/$EXE_NAME
if [ -L "$launcher" ] && [ "$(readlink -- "$launcher")" = "$exe" ]; then
  printf 'link %s\n' "$launcher" >>"$new_manifest"
elif [ -e "$launcher" ] || [ -L "$launcher" ]; then
  printf 'Note: %s already exists and is not from this installer; it was left as it is.\n' \
    "$launcher"
else
  ln -s -- "$exe" "$launcher"
  printf 'link %s\n' "$launcher" >>"$new_manifest"
fi

# The menu entry, pointing at the installed program by its full path.
desktop_tmp=$(mktemp)
sed -e "s|^Exec=.*|Exec=\"$exe\"|" -e "s|^TryExec=.*|TryExec=$exe|" \
  "$here/share/applications/$APP_ID.desktop" >"$desktop_tmp"
put "$desktop_tmp" "$data_home/applications/$APP_ID.desktop"
rm -f -- "$desktop_tmp"

for icon in "$here"/share/icons/hicolor/*/apps/"$APP_ID".*; do
  [ -f "$icon" ] || continue
  size_dir=$(basename -- "$(dirname -- "$(dirname -- "$icon")")")
  put "$icon" "$data_home/icons/hicolor/$size_dir/apps/$(basename -- "$icon")"
done
put "$here/share/metainfo/$APP_ID.metainfo.xml" "$data_home/metainfo/$APP_ID.metainfo.xml"

# Menus and icon themes notice new files when their folder changes.
touch -c -- "$data_home/applications" "$data_home/icons/hicolor"

sort -u "$new_manifest" >"$manifest"

printf 'OGPU Desktop is installed in %s.\n' "$app_dir"
printf 'Start it from your applications menu (look for "OGPU Desktop")'
case ":$PATH:" in
  *":$bin_dir:"*) printf ', or type %s in a terminal.\n' "$EXE_NAME" ;;
  *) printf ', or run %s.\n' "$exe" ;;
esac
printf 'To remove it, run %s/uninstall.sh\n' "$app_dir"
