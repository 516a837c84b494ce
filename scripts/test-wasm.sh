#!/usr/bin/env bash
# Builds the npm package (bindings-wasm/build.sh, which installs its toolchain when missing) and
# runs its tests with node's test runner: parity with the native CLI on every corpus plan, errors,
# a large plan, the TypeScript declarations, and the demo page end to end in headless Chromium.
# Usage: bash scripts/test-wasm.sh [node --test arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."

bash bindings-wasm/build.sh

# The native CLI the package is compared with (debug: it shares target/ with `cargo test`).
cargo build --quiet --locked -p planlint-cli

# Debian's Chromium for the demo page's end-to-end test (playwright-core drives it).
if ! command -v chromium >/dev/null; then
    echo "--> installing chromium" >&2
    [[ $(id -u) == 0 ]] && SUDO= || SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

export PLANLINT_CLI="$PWD/target/debug/planlint"
cd bindings-wasm
(($#)) || set -- tests/ example/
exec node --test --test-reporter=spec "$@"
