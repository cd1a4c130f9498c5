#!/usr/bin/env bash
# Sets up whatever is missing, builds the `huimin` package, and serves the
# web form on http://127.0.0.1:8080/ (PORT=… to change). Idempotent: each
# step skips what is already in place.
#   ./scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "serve.sh: Node.js 20 or later is needed (https://nodejs.org/)" >&2
  exit 1
fi

# JS dev dependencies (the build's tools); build-wasm.sh reinstalls them when
# the lock file has changed since.
if [ ! -d node_modules ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# The package (pkg/) and the page (target/www/): quick when nothing changed.
npm run --silent build

exec node scripts/serve.mjs
