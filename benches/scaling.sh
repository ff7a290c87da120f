#!/usr/bin/env bash
# How customer360's batch resolution scales: generated data of several sizes, end to end
# (read CSV, normalise, block, train, score, cluster, write), with time, CPU, peak memory and
# accuracy for each, and time against n log n.
#
#   bash benches/scaling.sh [--sizes "100000 300000 1000000"] [--seed 7] [--runs 3]
#       [--workdir DIR]
#
# Data is generated once per size and seed into the work directory (default
# target/scaling) and reused. Each size is resolved --runs times, the sizes taking turns, and
# the medians are reported. Needs GNU /usr/bin/time. Not run in CI.
set -euo pipefail

sizes="100000 300000 1000000"
seed=7
runs=3
workdir=""
die() { echo "scaling.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=${2:?--sizes needs a list such as \"100000 300000\"}; shift 2 ;;
        --seed) seed=${2:?--seed needs a number}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
case "$runs" in '' | *[!0-9]* | 0) die "--runs takes a whole number of at least 1, not '$runs'" ;; esac
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null ||
    echo "$repo/target")
workdir=${workdir:-$target_dir/scaling}
/usr/bin/time -v true 2>/dev/null || die "GNU /usr/bin/time is missing (Debian: apt-get install time)"

cargo build --quiet --release --example generate --example resolve
generate=$target_dir/release/examples/generate
resolve=$target_dir/release/examples/resolve

for n in $sizes; do
    data=$workdir/n$n-s$seed
    if [ ! -f "$data/customers.csv" ] || [ ! -f "$data/truth.csv" ]; then
        mkdir -p "$data"
        "$generate" --records "$n" --seed "$seed" --output "$data" >&2
    fi
done

# The sizes take turns, so that a slow spell of this machine's neighbours, or memory the
# host must first hand back, does not fall on one size.
rows=()
for run in $(seq "$runs"); do
    for n in $sizes; do
        data=$workdir/n$n-s$seed
        cat "$data/customers.csv" >/dev/null # a warm page cache, as for every size
        echo "resolving $n records (run $run of $runs)" >&2
        /usr/bin/time -v -o "$data/time.txt" "$resolve" "$data/customers.csv" \
            --output "$data/out.csv" --truth "$data/truth.csv" >"$data/stdout.txt" 2>"$data/stderr.txt" ||
            die "resolve failed on $n records: see $data/stderr.txt"
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$data/time.txt")
        cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$data/time.txt")
        peak=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$data/time.txt")
        # The example's own figure: resolve and write, without evaluating against the truth.
        e2e=$(sed -n 's/.*read, resolve and write took \([0-9.]*\)\(m\?s\).*/\1 \2/p' "$data/stderr.txt" |
            awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')
        f1=$(sed -n 's/.*pairwise precision [0-9.]* recall [0-9.]* F1 \([0-9.]*\);.*/\1/p' "$data/stdout.txt")
        b3=$(sed -n 's/.*B-cubed precision [0-9.]* recall [0-9.]* F1 \([0-9.]*\);.*/\1/p' "$data/stdout.txt")
        rows+=("$n $e2e $wall $cpu $peak $f1 $b3")
    done
done

# One line per size: the median of each measurement over its runs (F1 does not vary).
medians() {
    python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    n, *v = line.split()
    runs.setdefault(int(n), []).append(v)
for n, vs in runs.items():
    m = [statistics.median(float(v[i]) for v in vs) for i in range(4)]
    print(n, *m, vs[0][4], vs[0][5])
'
}

printf '%s\n' "${rows[@]}" | medians | awk -v runs="$runs" '
    BEGIN {
        printf "%10s %10s %10s %10s %8s %8s %8s %16s\n", "records", "e2e s", "wall s", "cpu s", "peak MB", "F1", "B3 F1", "cpu/(n log n)"
    }
    {
        nlogn = $1 * log($1)
        if (NR == 1) base = $4 / nlogn
        printf "%10d %10.2f %10.2f %10.2f %8d %8s %8s %16.2f\n", $1, $2, $3, $4, $5, $6, $7, ($4 / nlogn) / base
    }
    END {
        print ""
        printf "medians of %d runs a size. ", runs
        print "e2e: read, resolve and write as the example times it (no evaluation); wall and cpu:"
        print "the whole process under /usr/bin/time -v, evaluation against the truth included."
        print "cpu/(n log n): CPU seconds over n log n, relative to the first size (1.00 = n log n)."
    }'
