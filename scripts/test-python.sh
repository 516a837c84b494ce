#!/usr/bin/env bash
# Sets up and runs the Python tests of bindings-python/ (called by scripts/test.sh).
#
#   bash scripts/test-python.sh [pytest arguments…]
#
# What it does, installing whatever is missing (works on a fresh machine with cargo and python3):
#   * lints the binding crate (rustfmt, clippy) — it is also a workspace member;
#   * creates a virtualenv (bindings-python/.venv; PLANLINT_VENV overrides), installs pytest, mypy,
#     psycopg[binary], psycopg2-binary and SQLAlchemy from PyPI, then `pip install ./bindings-python`
#     (maturin is the PEP 517 backend: this is exactly what a user runs);
#   * builds the CLI (`cargo build --release -p planlint-cli`) for the parity tests;
#   * apt-installs Debian's postgresql package when PostgreSQL 15 is missing (the DB tests start
#     their own throwaway server: unprivileged user, unix socket under /tmp, 127.0.0.1 only);
#   * checks that the type stubs are current, and runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

section() { printf '\n==> %s\n' "$*"; }

PYTHON=${PYTHON:-python3}
VENV=${PLANLINT_VENV:-$ROOT/bindings-python/.venv}

section "Python: binding crate lint"
cargo fmt -p planlint-python -- --check
cargo clippy -p planlint-python --all-targets -- -D warnings

section "Python: stubs are current"
"$PYTHON" bindings-python/scripts/gen_stubs.py --check

section "Python: virtualenv ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    # Debian's python3 ships venv separately.
    if command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    "$PYTHON" -m venv "$VENV"
  fi
fi
PY=$VENV/bin/python
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q pytest mypy 'psycopg[binary]' psycopg2-binary SQLAlchemy typing_extensions

section "Python: pip install ./bindings-python"
"$PY" -m pip install -q --force-reinstall --no-deps ./bindings-python

section "Python: CLI for the parity tests"
cargo build -q --release -p planlint-cli
export PLANLINT_CLI=$ROOT/target/release/planlint

section "Python: PostgreSQL 15 for the database tests"
PG_BIN=${PLANLINT_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/postgres" ]; then
  if command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if [ ! -x "$PG_BIN/postgres" ]; then
    # Another major from Debian's package: use whichever is there.
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
fi
export PLANLINT_PG_BIN=$PG_BIN

section "Python: pytest"
cd bindings-python
"$PY" -m pytest -p no:cacheprovider "$@" tests
