#!/usr/bin/env bash
# Compare two (or more) builds of the `resolve` example on the same input, run alternately so
# that the host's changing load falls on every build alike: wall time, CPU time and peak
# memory of the whole process, the stages the example reports, and whether every build wrote
# the same output as the first.
#
#   bash benches/ab.sh [--runs 3] INPUT.csv BINARY_A BINARY_B [BINARY...]
#
# Build the binaries first, each into its own target directory, for example:
#   git worktree add /tmp/before HEAD~1
#   (cd /tmp/before && CARGO_TARGET_DIR=/tmp/before-target cargo build --release --example resolve)
#   cargo build --release --example resolve
#   bash benches/ab.sh /tmp/g1m/customers.csv /tmp/before-target/release/examples/resolve \
#       target/release/examples/resolve
# Needs GNU /usr/bin/time. Not run in CI.
set -euo pipefail

runs=3
die() { echo "ab.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        --*) die "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
done
[ $# -ge 3 ] || die "needs an input and at least two binaries (see --help)"
input=$1; shift
[ -f "$input" ] || die "no input file $input"
for binary in "$@"; do
    [ -x "$binary" ] || die "$binary is not an executable (build it first)"
done
[ -x /usr/bin/time ] || die "needs GNU /usr/bin/time"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in $(seq "$runs"); do
    n=0
    for binary in "$@"; do
        n=$((n + 1))
        out=$work/out$n.csv
        /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$binary" "$input" --output "$out" \
            >/dev/null 2>"$work/log" || die "$binary failed: $(tail -1 "$work/log")"
        read -r user sys wall kb <"$work/time"
        stages=$(grep '^stages:' "$work/log" | sed 's/^stages: //')
        same=""
        if [ "$n" -gt 1 ]; then
            cmp -s "$work/out1.csv" "$out" && same="same output" || same="OUTPUT DIFFERS"
        fi
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        printf 'run %d  %-45s cpu %6.2f s  wall %6.2f s  peak %5d MB  %s\n' "$run" "$binary" \
            "$cpu" "$wall" "$((kb / 1024))" "$same"
        printf '        %s\n' "$stages"
        # One line per run for the medians: cpu, wall, peak, then each stage in seconds.
        printf '%s %s %s %s\n' "$cpu" "$wall" "$((kb / 1024))" \
            "$(printf '%s' "$stages" | tr ',' '\n' | awk '{ v = $2; s = v ~ /ms$/ ? v / 1000 : v + 0; printf "%s=%.4f ", $1, s }')" \
            >>"$work/runs$n"
    done
done

# The host's load changes from run to run: medians, not means, say what each build does.
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '\nmedians of %d runs\n' "$runs"
n=0
for binary in "$@"; do
    n=$((n + 1))
    f=$work/runs$n
    printf '%-45s cpu %6.2f s  wall %6.2f s  peak %5d MB\n' "$binary" \
        "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)"
    stages=""
    for stage in $(head -1 "$f" | cut -d' ' -f4- | tr ' ' '\n' | cut -d= -f1); do
        value=$(tr ' ' '\n' <"$f" | grep "^$stage=" | cut -d= -f2 | median)
        stages="$stages $stage $(awk -v v="$value" 'BEGIN { printf "%.3f", v }')s,"
    done
    printf '        %s\n' "${stages%,}"
done
