#!/usr/bin/env bash
# Sets up what the tests need and runs every test: Rust (fmt, clippy, unit, corpus, integration),
# Python bindings, WebAssembly package. Usage: bash scripts/test.sh
# Each section installs its own prerequisites when they are missing (apt, pip, npm, cargo install).
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n==> %s\n' "$*"; }

section "Rust: formatting"
cargo fmt --all -- --check

section "Rust: clippy"
cargo clippy --workspace --all-targets -- -D warnings

section "PostgreSQL 15 (integration tests start their own throwaway server)"
if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null
fi

section "Rust: tests"
cargo test --workspace

section "Python bindings"
bash scripts/test-python.sh

section "WebAssembly: the npm package and its demo page"
bash scripts/test-wasm.sh

section "All tests passed"
