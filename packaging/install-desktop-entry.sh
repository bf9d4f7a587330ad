#!/bin/sh
# Add StorePlan to the desktop menu of the current user (or remove it with --uninstall).
#
#   ./install-desktop-entry.sh              # menu entry + icon under ~/.local/share
#   ./install-desktop-entry.sh --uninstall
#
# Run it from the unpacked StorePlan folder; move the folder first if you want it elsewhere
# (the menu entry points at this folder's `storeplan`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-"$HOME/.local/share"}
apps="$data_home/applications"
icons="$data_home/icons/hicolor/256x256/apps"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/storeplan.desktop" "$icons/storeplan.png"
    echo "StorePlan removed from the menu (the folder $here is left as it is)."
    exit 0
fi
if [ ! -x "$here/storeplan" ]; then
    echo "error: $here/storeplan not found; run this script from the StorePlan folder" >&2
    exit 1
fi
exe="$here/storeplan"
case "$exe" in
    *[\"\`\$\\]*) echo "error: the folder path contains a quote, \$ or a backslash; move StorePlan to a plainer path" >&2
                exit 1 ;;
esac
sed_escape() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }
mkdir -p "$apps" "$icons"
cp "$here/storeplan.png" "$icons/storeplan.png"
# Exec takes the executable in double quotes (the folder may contain spaces); TryExec takes it bare.
sed -e "s|^Exec=.*|Exec=\"$(sed_escape "$exe")\" gui %f|" -e "s|^TryExec=.*|TryExec=$(sed_escape "$exe")|" \
    -e "s|^Icon=.*|Icon=storeplan|" "$here/storeplan.desktop" > "$apps/storeplan.desktop"
chmod 644 "$apps/storeplan.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data_home/icons/hicolor" || true
echo "StorePlan added to the menu: $apps/storeplan.desktop"
