#!/usr/bin/env bash
# Install the Debian packages relm needs (when run as root), or say exactly what to run.
# Usage: scripts/deps.sh PACKAGE... [COMMAND=PACKAGE]...
# COMMAND=PACKAGE installs PACKAGE only when COMMAND is not on the PATH (a machine may
# have Node.js and npm from elsewhere, which Debian's packages would conflict with).
set -u
missing=()
for p in "$@"; do
    case "$p" in
    *=*)
        command -v "${p%%=*}" >/dev/null 2>&1 || missing+=("${p#*=}")
        ;;
    *)
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
        ;;
    esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit $?
fi
echo "relm needs these Debian packages; install them with:" >&2
echo "  sudo apt-get install ${missing[*]}" >&2
exit 1
