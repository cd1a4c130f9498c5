#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: the npm dev
# dependencies (playwright-core, axe-core), Debian's Chromium, and a
# small CJK font (WenQuanYi Micro Hei) so that screenshots show Chinese and
# Japanese text rather than empty boxes. Idempotent: does nothing when both
# are there.
#   ./scripts/ensure-chromium.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The test driver and the accessibility checker (npm dev dependencies).
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "==> npm ci (playwright-core, axe-core)" >&2
  npm ci --no-audit --no-fund
fi

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

echo "==> installing ${need[*]} (Debian packages) for the browser tests" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
dpkg-query -W chromium fonts-wqy-microhei >&2
