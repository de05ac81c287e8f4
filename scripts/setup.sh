#!/usr/bin/env bash
# Makes sure a Chromium (and Xvfb, for the headful tests, and redis-server, for the shared-state
# and job-queue tests) is on this machine.
# Installs Debian's packages with apt-get when run as root; otherwise says what to install.
# Never downloads a browser from the internet.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if ! browser=$(go run ./internal/tools/findbrowser 2>/dev/null); then
  need+=(chromium)
fi
if ! command -v Xvfb >/dev/null 2>&1; then
  need+=(xvfb)
fi
if ! command -v redis-server >/dev/null 2>&1; then
  need+=(redis-server)
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "setup: browser $browser; Xvfb $(command -v Xvfb); redis-server $(command -v redis-server)"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  browser=$(go run ./internal/tools/findbrowser) || { echo "setup: chromium installed but not found" >&2; exit 1; }
  echo "setup: browser $browser"
  exit 0
fi
cat >&2 <<MSG
setup: missing: ${need[*]}
  smartretry drives a system Chromium and never downloads one. Install it, for example:
    sudo apt-get install -y chromium xvfb redis-server   (Debian/Ubuntu)
  or point SMARTRETRY_BROWSER at a Chromium/Chrome binary.
MSG
exit 1
