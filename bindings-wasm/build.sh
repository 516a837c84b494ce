#!/usr/bin/env bash
# Builds the npm package `planlint` into bindings-wasm/pkg/ (see DEVELOPERS.md, "WebAssembly").
# Installs what is missing first: Debian's Rust with its standard library's source and lld
# (rustup cannot add the wasm32 target here, so std is rebuilt with -Z build-std), wasm-bindgen-cli
# of exactly the wasm-bindgen crate's version, and the npm tooling (binaryen's wasm-opt, …).
# Usage: bash bindings-wasm/build.sh          Environment: CARGO_TARGET_DIR (default: target/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

step() { printf '\n--> %s\n' "$*" >&2; }
seconds() { date +%s; }

# Debian's rustc-web: its cargo and rustc are called by path, because rustup's (first on PATH)
# has no wasm32 target and no source of std.
CARGO=/usr/bin/cargo
RUSTC=/usr/bin/rustc
STD_SRC=/usr/lib/rustlib/src/rust/library
if [[ ! -x $CARGO || ! -x $RUSTC || ! -d $STD_SRC ]] || ! command -v wasm-ld >/dev/null; then
    step "installing Debian's rustc-web, cargo-web, rust-web-src and lld"
    [[ $(id -u) == 0 ]] && SUDO= || SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld >/dev/null
fi

# wasm-bindgen-cli must be the very version of the wasm-bindgen crate in Cargo.lock.
wb_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, "", $0); print; exit}' Cargo.lock)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]]; then
    step "installing wasm-bindgen-cli $wb_version (a few minutes, once)"
    RUSTC=$RUSTC $CARGO install --quiet wasm-bindgen-cli --version "$wb_version"
fi

if [[ ! -x "$here/node_modules/.bin/wasm-opt" ]]; then
    step "installing the npm tooling (package-lock.json)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# std's `optimize_for_size` feature: its smaller variants of sorting and formatting code, 9 KB
# gzipped less (404,030 -> 394,741 bytes measured).
step "cargo build (wasm32-unknown-unknown, profile wasm-release, -Z build-std)"
start=$(seconds)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
RUSTC=$RUSTC RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
    $CARGO build --locked --quiet -p planlint-wasm \
    --profile wasm-release --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
    -Z build-std-features=optimize_for_size
echo "    cargo build: $(($(seconds) - start)) s" >&2

# --experimental-reset-state-function: the glue exports __wbg_reset_state(), which gives the
# module a fresh instance; the API calls it after a trap (a panic or an exhausted stack).
step "wasm-bindgen --target web"
rm -rf "$here/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --experimental-reset-state-function \
    --out-dir "$here/pkg" --out-name planlint_wasm \
    "$target_dir/wasm32-unknown-unknown/wasm-release/planlint_wasm.wasm"

# wasm-opt -Oz: 5 KB gzipped smaller than -O3 (396 vs 401 KB at opt-level "z"), which the 400 KB
# budget needs since the index advice and YAML/XML/log parsers came in; the features are those
# rustc enables by default for wasm32-unknown-unknown.
step "wasm-opt -Oz"
bg="$here/pkg/planlint_wasm_bg.wasm"
"$here/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$bg" -o "$bg.opt"
mv "$bg.opt" "$bg"

step "package files (API, TypeScript declarations from the JSON Schemas, package.json)"
node "$here/scripts/assemble.mjs"
# The tests and the demo import the package by its name, as users do.
ln -sfn ../pkg "$here/node_modules/planlint"

raw=$(wc -c <"$bg")
gz=$(gzip -9 -c "$bg" | wc -c)
printf '    planlint_wasm_bg.wasm: %d bytes, %d gzipped (budget 409600)\n' "$raw" "$gz" >&2
if ((gz > 409600)); then
    echo "error: the wasm is over its 400 KB gzipped budget" >&2
    exit 1
fi
