#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium), never a downloaded browser.
# Installs it with apt when it is missing; needs root or sudo.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "Installing Debian's chromium for the browser tests (apt-get install chromium)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null
