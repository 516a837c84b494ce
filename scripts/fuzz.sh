#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after the other, seeded from
# corpus/. Crashes, hangs and slow inputs land in fuzz/artifacts/<target>/.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]      # default: 60 s per target, every target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is enough with
# RUSTC_BOOTSTRAP=1 (set here). After a crash: add the input under core/tests/regressions/
# (see core/tests/regressions.rs) and fix the parser.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

all_targets=$(cargo fuzz list)
targets=${*:-$all_targets}

# Seeds for a target: the corpus files of the formats it reads.
seed_globs() {
    case $1 in
        parse_text) echo '*.txt' ;;
        parse_json) echo '*.json' ;;
        parse_yaml) echo '*.yaml' ;;
        parse_xml) echo '*.xml' ;;
        parse_log) echo '*.log *.csv *.jsonlog' ;;
        parse_expr) echo '' ;;  # seeded from expressions inside plans, see below
        *) echo '*' ;;
    esac
}

# Dictionary of the target's format (tokens libFuzzer splices in).
dict_for() {
    case $1 in
        parse_json) echo fuzz/dicts/json.dict ;;
        parse_expr) echo fuzz/dicts/expr.dict ;;
        parse_xml) echo fuzz/dicts/xml.dict ;;
        *) echo fuzz/dicts/text.dict ;;
    esac
}

failed=
for t in $targets; do
    seeds=fuzz/corpus/$t
    mkdir -p "$seeds" "fuzz/artifacts/$t"
    if [ -z "$(ls -A "$seeds")" ] && [ -d corpus ]; then
        globs=$(seed_globs "$t")
        if [ "$t" = parse_expr ]; then
            # One seed per expression line of the TEXT corpus (Filter, Index Cond, …).
            grep -rhoER '(Filter|Cond|Index Cond|Hash Cond|Merge Cond|Recheck Cond): .*' corpus --include='*.txt' \
                | sed -E 's/^[^:]*: //' | sort -u | head -5000 \
                | awk -v d="$seeds" '{ f = sprintf("%s/e%05d", d, NR); printf "%s", $0 > f; close(f) }'
        else
            set -f # the globs are find's, not the shell's
            for g in $globs; do
                find -L corpus -path 'corpus/pg*' -type f -name "$g" -print0 |
                    while IFS= read -r -d '' f; do cp "$f" "$seeds/$(echo "$f" | tr / _)"; done
            done
            set +f
        fi
    fi
    dict=$(dict_for "$t")
    dict_arg=()
    [ -f "$dict" ] && dict_arg=(-dict="$PWD/$dict")
    echo "==> $t: ${seconds}s, $(ls "$seeds" | wc -l) seeds"
    # One process (libFuzzer's default without -jobs/-fork; the machine is shared); a crash
    # ends this target, not the run.
    if ! cargo fuzz run "$t" "$seeds" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 "${dict_arg[@]}"; then
        echo "==> $t: FOUND A CRASH OR HANG, see fuzz/artifacts/$t/" >&2
        failed="$failed $t"
    fi
done
if [ -n "${failed:-}" ]; then
    echo "==> findings in:$failed" >&2
    exit 1
fi
