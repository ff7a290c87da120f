#!/usr/bin/env bash
# Compare two builds of one criterion benchmark binary, run alternately so that the host's
# changing load falls on both alike, and print each benchmark's median time in each build.
# `cargo bench -- --baseline` compares against a run made minutes earlier, which on a shared
# host measures the load as much as the change.
#
#   bash benches/ab_criterion.sh [--runs 5] FILTER BENCH_BINARY_A BENCH_BINARY_B
#
# FILTER is criterion's (a regular expression over benchmark names). Build the binaries
# first, each into its own target directory, for example:
#   git worktree add /tmp/before HEAD~1
#   (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo bench --bench normalize --no-run)
#   cargo bench --bench normalize --no-run      # prints the binary's path
#   bash benches/ab_criterion.sh 'value/name' /tmp/before-target/release/deps/normalize-HASH \
#       target/release/deps/normalize-HASH
# Not run in CI.
set -euo pipefail

runs=5
die() { echo "ab_criterion.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        --*) die "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
done
[ $# -eq 3 ] || die "needs a filter and two benchmark binaries (see --help)"
filter=$1; a=$2; b=$3
for binary in "$a" "$b"; do
    [ -x "$binary" ] || die "$binary is not an executable (build it with cargo bench --no-run)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in $(seq "$runs"); do
    for which in A B; do
        binary=$a
        [ "$which" = B ] && binary=$b
        # Criterion prints "NAME  time: [low median high]"; keep the median, in nanoseconds.
        "$binary" --bench --warm-up-time 0.5 --measurement-time 1.5 --noplot "$filter" 2>/dev/null |
            awk -v which="$which" '$2 == "time:" {
                v = $(NF - 3); unit = $(NF - 2)
                if (unit == "ps") v /= 1000; else if (unit == "µs") v *= 1000
                else if (unit == "ms") v *= 1e6; else if (unit == "s") v *= 1e9
                print which, $1, v }' >>"$work/times"
    done
    echo "run $run of $runs done" >&2
done
[ -s "$work/times" ] || die "no benchmark matched $filter"
# Medians of each benchmark's runs in each build, and the change from A to B.
sort -k2,2 -k1,1 -k3,3g "$work/times" | awk '
    function flush() {
        if (name == "") return
        ma = a[int((na + 1) / 2)]; mb = b[int((nb + 1) / 2)]
        printf "%-32s A %10.1f ns   B %10.1f ns   %+6.1f %%   (%d runs)\n", name, ma, mb, 100 * (mb - ma) / ma, na
    }
    $2 != name { flush(); name = $2; na = 0; nb = 0 }
    $1 == "A" { a[++na] = $3 }
    $1 == "B" { b[++nb] = $3 }
    END { flush() }'
echo "A: $a" >&2
echo "B: $b" >&2
