#!/usr/bin/env bash
# `make cluster` and its tests run Debian's PostgreSQL, Redis and nginx as private instances
# (never the system services). Installs the packages with apt when a program is missing;
# needs root or sudo.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1 && command -v redis-server > /dev/null \
    && { command -v nginx > /dev/null || [ -x /usr/sbin/nginx ]; }; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "Installing Debian's postgresql, redis-server and nginx for the cluster (apt-get install)..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  postgresql redis-server nginx > /dev/null
