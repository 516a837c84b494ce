#!/usr/bin/env bash
# scripts/pg.sh — start/stop a throwaway PostgreSQL cluster for tests and corpus generation.
#
# Usage:
#   scripts/pg.sh start   BINDIR DATADIR PORT [name=value ...]   # initdb if needed, (re)start, wait
#   scripts/pg.sh stop    BINDIR DATADIR                          # fast shutdown; no-op if not running
#   scripts/pg.sh status  BINDIR DATADIR                          # exit 0 if running
#   scripts/pg.sh destroy BINDIR DATADIR                          # stop and remove DATADIR
#   scripts/pg.sh env     DATADIR PORT                            # print PGHOST/PGPORT/PGUSER exports
#
# Example (Debian's PostgreSQL 15):
#   scripts/pg.sh start /usr/lib/postgresql/15/bin /tmp/pl-pg15 55415
#   psql -X -h /tmp/planlint-sock -p 55415 -U planlint -d postgres -c 'select version()'
#   scripts/pg.sh stop /usr/lib/postgresql/15/bin /tmp/pl-pg15
#
# Behaviour:
#   * The server listens on 127.0.0.1 only, plus a unix socket in $PG_SOCKDIR
#     (default /tmp/planlint-sock). Authentication is "trust" for local connections.
#   * The bootstrap superuser is $PG_SUPERUSER (default "planlint").
#   * When run as root the server runs as the unprivileged OS user $PG_OS_USER
#     (default "planlint", created with useradd if missing); otherwise as the caller.
#   * Settings: durability off (fsync, synchronous_commit, full_page_writes), UTC, C locale
#     messages, plus any name=value arguments. They are written to DATADIR/planlint.conf,
#     which postgresql.conf includes. If the server already runs with the same settings,
#     "start" does nothing; with different settings it restarts it.
#   * The server's own stderr goes to DATADIR/server.log (unless logging_collector=on is
#     passed, then to DATADIR/log/).
#   * Quiet: prints nothing on success; on failure prints the tail of the server log.
set -euo pipefail

PG_SOCKDIR=${PG_SOCKDIR:-/tmp/planlint-sock}
PG_OS_USER=${PG_OS_USER:-planlint}
PG_SUPERUSER=${PG_SUPERUSER:-planlint}

die() { echo "pg.sh: $*" >&2; exit 1; }

as_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  if [ "$(id -u)" = 0 ] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" >/dev/null 2>&1 \
      || id "$PG_OS_USER" >/dev/null 2>&1 || die "cannot create user $PG_OS_USER"
  fi
}

ensure_dir() { # dir mode
  mkdir -p "$1"
  if [ "$(id -u)" = 0 ]; then chown "$PG_OS_USER": "$1"; fi
  chmod "$2" "$1"
}

is_running() { # bindir datadir
  [ -f "$2/PG_VERSION" ] || return 1
  as_user "$1/pg_ctl" -D "$2" status >/dev/null 2>&1
}

show_log() {
  local d=$1
  for f in "$d/server.log" "$d"/log/*.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  return 0
}

cmd_start() {
  [ $# -ge 3 ] || die "usage: pg.sh start BINDIR DATADIR PORT [name=value ...]"
  local bindir=$1 datadir=$2 port=$3; shift 3
  [ -x "$bindir/postgres" ] || die "no postgres binary in $bindir"
  ensure_user
  ensure_dir "$PG_SOCKDIR" 0755

  if [ ! -f "$datadir/PG_VERSION" ]; then
    rm -rf "$datadir"
    ensure_dir "$datadir" 0700
    as_user "$bindir/initdb" -D "$datadir" -U "$PG_SUPERUSER" -A trust -E UTF8 \
      --locale=C --no-sync >"$datadir.initdb.log" 2>&1 \
      || { cat "$datadir.initdb.log" >&2; die "initdb failed"; }
    rm -f "$datadir.initdb.log"
    echo "include_if_exists = 'planlint.conf'" | as_user tee -a "$datadir/postgresql.conf" >/dev/null
  fi

  local conf
  conf=$(
    echo "# written by scripts/pg.sh — do not edit"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$PG_SOCKDIR'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "timezone = 'UTC'"
    echo "log_timezone = 'UTC'"
    echo "lc_messages = 'C'"
    local kv
    for kv in "$@"; do
      case $kv in
        *=*) printf "%s = %s\n" "${kv%%=*}" "${kv#*=}" ;;
        *) die "setting must be name=value: $kv" ;;
      esac
    done
  )
  local old=""
  [ -f "$datadir/planlint.conf" ] && old=$(cat "$datadir/planlint.conf")

  if is_running "$bindir" "$datadir"; then
    [ "$old" = "$conf" ] && return 0
    printf '%s\n' "$conf" | as_user tee "$datadir/planlint.conf" >/dev/null
    as_user "$bindir/pg_ctl" -D "$datadir" -w -t 120 -m fast restart -l "$datadir/server.log" >/dev/null 2>&1 \
      || { show_log "$datadir"; die "restart failed"; }
    return 0
  fi
  printf '%s\n' "$conf" | as_user tee "$datadir/planlint.conf" >/dev/null
  rm -f "$datadir/postmaster.pid" 2>/dev/null || true
  as_user "$bindir/pg_ctl" -D "$datadir" -w -t 120 -l "$datadir/server.log" start >/dev/null 2>&1 \
    || { show_log "$datadir"; die "start failed"; }
}

cmd_stop() {
  [ $# -ge 2 ] || die "usage: pg.sh stop BINDIR DATADIR"
  local bindir=$1 datadir=$2
  is_running "$bindir" "$datadir" || return 0
  as_user "$bindir/pg_ctl" -D "$datadir" -w -t 120 -m fast stop >/dev/null 2>&1 \
    || as_user "$bindir/pg_ctl" -D "$datadir" -w -t 60 -m immediate stop >/dev/null 2>&1 \
    || die "stop failed"
}

cmd_status() {
  [ $# -ge 2 ] || die "usage: pg.sh status BINDIR DATADIR"
  is_running "$1" "$2"
}

cmd_destroy() {
  [ $# -ge 2 ] || die "usage: pg.sh destroy BINDIR DATADIR"
  cmd_stop "$1" "$2"
  rm -rf "$2"
}

cmd_env() {
  [ $# -ge 2 ] || die "usage: pg.sh env DATADIR PORT"
  echo "export PGHOST=$PG_SOCKDIR PGPORT=$2 PGUSER=$PG_SUPERUSER PGDATABASE=postgres"
}

[ $# -ge 1 ] || die "usage: pg.sh start|stop|status|destroy|env ..."
sub=$1; shift
case $sub in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  destroy) cmd_destroy "$@" ;;
  env) cmd_env "$@" ;;
  *) die "unknown command: $sub" ;;
esac
