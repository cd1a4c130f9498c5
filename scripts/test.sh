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

step "unit and integration tests"
cargo nextest run --no-fail-fast
# nextest does not run doc tests
cargo test --doc --quiet

step "rule packs: check, run their tests, require full coverage"
cargo run --quiet --release -- check
cargo run --quiet --release -- test --require-full-coverage
