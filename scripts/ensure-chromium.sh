#!/bin/sh
# The UI's browser tests drive Debian's Chromium; a fresh machine does not have it.
set -e
[ -x /usr/bin/chromium ] && exit 0
SUDO=''
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
