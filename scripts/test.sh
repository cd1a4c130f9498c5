#!/usr/bin/env bash
# Sets up whatever is missing and runs every test. Idempotent.
#   ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
command -v cargo-nextest >/dev/null 2>&1 || cargo install cargo-nextest --locked

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --all-targets -- -D warnings
# src/wasm.rs is compiled for wasm32 only
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
cargo nextest run --no-fail-fast

step "rule packs: check, run their tests, require full coverage"
cargo run --quiet --release -- check
cargo run --quiet --release -- test --require-full-coverage

step "npm dependencies"
if [ ! -d node_modules ] || ! npm ls --silent >/dev/null 2>&1; then npm ci --no-audit --no-fund; fi

step "WebAssembly package: build (installs the target, wasm-bindgen-cli, wasm-opt if missing) and Node tests"
npm run --silent build
# (the browser's build needs the compiled packs that the build just wrote)
HUIMIN_COMPILED_PACKS="$(pwd)/${CARGO_TARGET_DIR:-target}/huimin-packs.bin" \
  cargo clippy --lib --target wasm32-unknown-unknown --features compiled-packs -- -D warnings
npm test

step "web form: browser tests (installs Chromium if missing)"
npm run --silent test:browser
