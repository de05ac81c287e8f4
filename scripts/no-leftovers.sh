#!/usr/bin/env bash
# After the tests: no Chromium that smartretry or the tests launched may still run (each has a
# --user-data-dir=…/smartretry-chromium-… or …/testenv-chromium-… profile), and no Xvfb the
# tests started.
set -u
left=$(pgrep -af 'smartretry-chromium-|testenv-chromium-' | grep -v pgrep || true)
if [ -n "$left" ]; then
  echo "no-leftovers: Chromium processes outlived the tests:" >&2
  echo "$left" >&2
  exit 1
fi
echo "no-leftovers: no Chromium of ours is running"
