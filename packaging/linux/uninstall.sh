#!/bin/sh
# Removes what install.sh put in place for the current user, and nothing else: the files listed in
# ~/.local/lib/ogpu-desktop/install-manifest.txt, the folders it created (when they are empty),
# and the program folder. Your settings, task history, logs and wallet keys are never touched.
set -eu

APP_ID=network.opengpu.OgpuDesktop
EXE_NAME=ogpu-desktop

[ -n "${HOME:-}" ] || { echo "Cannot uninstall OGPU Desktop: HOME is not set." >&2; exit 1; }

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$HOME/.local/lib/ogpu-desktop
manifest=$app_dir/install-manifest.txt
exe=$app_dir/$EXE_NAME

# remove_link PATH: remove the launcher link only while it still points at this program.
remove_link() {
  if [ -L "$1" ] && [ "$(readlink -- "$1")" = "$exe" ]; then
    rm -f -- "$1"
  fi
}

dirs=$(mktemp)
trap 'rm -f "$dirs"' EXIT

if [ -f "$manifest" ]; then
  while IFS= read -r line; do
    path=${line#* }
    case $line in
      "file "*) rm -f -- "$path" ;;
      "link "*) remove_link "$path" ;;
      "dir "*) printf '%s\n' "$path" >>"$dirs" ;;
    esac
  done <"$manifest"
else
  # No list (the program folder is gone): remove the files that carry this app's id.
  rm -f -- "$data_home/applications/$APP_ID.desktop" "$data_home/metainfo/$APP_ID.metainfo.xml"
  for icon in "$data_home"/icons/hicolor/*/apps/"$APP_ID".*; do
    [ -e "$icon" ] && rm -f -- "$icon"
  done
  remove_link "$HOME/.local/bin/$EXE_NAME"
fi

rm -rf -- "$app_dir"

# Folders the installer created, deepest first, only if nothing else has moved in since.
sort -r "$dirs" | while IFS= read -r dir; do
  rmdir -- "$dir" 2>/dev/null || true
done
touch -c -- "$data_home/applications" "$data_home/icons/hicolor"

state_home=${XDG_STATE_HOME:-$HOME/.local/state}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
cache_home=${XDG_CACHE_HOME:-$HOME/.cache}
echo "OGPU Desktop has been removed."
echo "Your own data was kept. To delete it too, remove these folders:"
echo "  settings:         $config_home/$EXE_NAME"
echo "  task history:     $data_home/$EXE_NAME"
echo "  logs:             $state_home/$EXE_NAME"
echo "  cache:            $cache_home/$EXE_NAME"
echo "Wallet keys stay in your system keychain under the name \"$EXE_NAME\"; back them up"
echo "before deleting them there."
