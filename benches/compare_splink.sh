#!/usr/bin/env bash
# Compare customer360 with Splink 5 (DuckDB backend) on the same data in one run: wall time,
# peak memory (maximum resident set size) and accuracy against the truth, scored for both by
# one evaluator (benches/splink_baseline.py --evaluate). Run by hand; CI never runs it, and
# the crate does not need Python or Splink. See benches/README.md.
#
#   bash benches/compare_splink.sh [--records N] [--seed S] [--install] [--runs R]
#       [--input CSV --truth CSV] [--threshold P] [--splink-threads N] [--workdir DIR]
#
#   --records N         records to generate (default 100000)
#   --seed S            generator seed (default 1)
#   --install           create target/splink-venv and pip install Splink 5 there (and the
#                       Debian `time` package if /usr/bin/time is missing and we are root)
#   --runs R            run each tool R times, alternately, and report medians (default 3)
#   --input, --truth    use this customer CSV and its record_id,<entity> truth instead of
#                       generating (needed when examples/generate.rs is absent)
#   --threshold P       Splink's match probability threshold (default 0.9); customer360 runs
#                       with its own default
#   --splink-threads N  DuckDB threads for Splink (default: DuckDB's, i.e. all cores)
#   --workdir DIR       where data, outputs and logs go (default target/splink-compare/...)
set -euo pipefail

# What --install puts in the venv (space-separated pip requirements). Tested with
# splink==5.0.0, which pulled in duckdb==2.0.0; set e.g.
# SPLINK_REQUIREMENT="splink==5.0.0 duckdb==2.0.0" to reproduce exactly that.
SPLINK_REQUIREMENT=${SPLINK_REQUIREMENT:-"splink>=5.0.0,<6"}

usage() {
    sed -n '7,20p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die() {
    printf 'compare_splink: %s\n' "$*" >&2
    exit 1
}

say() {
    printf '==> %s\n' "$*" >&2
}

records=100000
seed=1
install=0
input=""
truth=""
threshold=0.9
splink_threads=""
workdir=""
runs=3

while [ $# -gt 0 ]; do
    case "$1" in
        --records) records=${2:?--records needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --install) install=1; shift ;;
        --runs) runs=${2:?--runs needs a value}; shift 2 ;;
        --input) input=${2:?--input needs a value}; shift 2 ;;
        --truth) truth=${2:?--truth needs a value}; shift 2 ;;
        --threshold) threshold=${2:?--threshold needs a value}; shift 2 ;;
        --splink-threads) splink_threads=${2:?--splink-threads needs a value}; shift 2 ;;
        --workdir) workdir=${2:?--workdir needs a value}; shift 2 ;;
        -h | --help) usage ;;
        *) printf 'compare_splink: unknown argument %s\n' "$1" >&2; usage ;;
    esac
done

case "$records" in '' | *[!0-9]*) die "--records takes a whole number, not '$records'" ;; esac
case "$seed" in '' | *[!0-9]*) die "--seed takes a whole number, not '$seed'" ;; esac
case "$runs" in '' | *[!0-9]* | 0) die "--runs takes a whole number of at least 1, not '$runs'" ;; esac
if [ -n "$input" ] || [ -n "$truth" ]; then
    if [ -z "$input" ] || [ -z "$truth" ]; then
        die "--input and --truth go together"
    fi
    [ -f "$input" ] || die "no such file: $input"
    [ -f "$truth" ] || die "no such file: $truth"
    input=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
    truth=$(cd "$(dirname "$truth")" && pwd)/$(basename "$truth")
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir=$repo/$target_dir ;; esac
venv=$target_dir/splink-venv
py=$venv/bin/python
baseline=$repo/benches/splink_baseline.py

if [ -z "$input" ] && [ ! -f examples/generate.rs ]; then
    die "examples/generate.rs is not in this checkout: pass --input CSV --truth CSV"
fi

# --- tools --------------------------------------------------------------------------------

if [ "$install" -eq 1 ]; then
    if [ ! -x "$py" ]; then
        say "creating a virtualenv in $venv"
        python3 -m venv "$venv" ||
            die "python3 -m venv failed (on Debian/Ubuntu: sudo apt-get install python3-venv)"
    fi
    read -ra requirements <<<"$SPLINK_REQUIREMENT"
    say "pip install ${requirements[*]} into $venv"
    "$py" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" ||
        die "pip install ${requirements[*]} failed"
fi
[ -x "$py" ] || die "no Splink virtualenv at $venv; run again with --install to create it"
splink_version=$("$py" -c 'import splink; print(splink.__version__)' 2>/dev/null) ||
    die "Splink is not importable from $venv; run again with --install"
case "$splink_version" in
    5.*) ;;
    *) die "$venv has Splink $splink_version, not 5.x; remove $venv and run with --install" ;;
esac
duckdb_version=$("$py" -c 'import duckdb; print(duckdb.__version__)')

if [ ! -x /usr/bin/time ]; then
    if [ "$install" -eq 1 ] && command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
        say "installing the Debian time package for /usr/bin/time"
        apt-get install -y time >&2 || die "apt-get install -y time failed"
    else
        die "/usr/bin/time (GNU time) is missing: install it with 'sudo apt-get install time' (Debian/Ubuntu) and run again"
    fi
fi
/usr/bin/time -v true 2>/dev/null || die "/usr/bin/time is not GNU time (no -v); install GNU time"

# --- data ---------------------------------------------------------------------------------

if [ -n "$input" ]; then
    workdir=${workdir:-$target_dir/splink-compare/$(basename "$(dirname "$input")")-$(basename "$input" .csv)}
    mkdir -p "$workdir"
    say "using $input and $truth"
elif [ -f examples/generate.rs ]; then
    workdir=${workdir:-$target_dir/splink-compare/n$records-s$seed}
    mkdir -p "$workdir/data"
    say "generating $records records (seed $seed) into $workdir/data"
    cargo run --quiet --release --example generate -- \
        --records "$records" --seed "$seed" --output "$workdir/data" >&2
    input=$workdir/data/customers.csv
    truth=$workdir/data/truth.csv
    if [ ! -f "$input" ] || [ ! -f "$truth" ]; then
        die "the generator wrote no customers.csv/truth.csv in $workdir/data"
    fi
else
    die "examples/generate.rs is not in this checkout: pass --input CSV --truth CSV"
fi
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)

say "building customer360 (cargo build --release --example resolve)"
cargo build --quiet --release --example resolve >&2
resolve=$target_dir/release/examples/resolve
[ -x "$resolve" ] || die "no resolve binary at $resolve"

input_rows=$("$py" -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(sum(1 for _ in csv.reader(f)) - 1)' "$input")

# --- runs ---------------------------------------------------------------------------------

# run NAME I COMMAND...: run I of NAME under /usr/bin/time -v, its report and log in
# $workdir/NAME.I.{time,log}
run() {
    local name=$1 i=$2
    shift 2
    cat "$input" >/dev/null # same warm page cache for both tools
    say "running $name ($i of $runs)"
    if ! /usr/bin/time -v -o "$workdir/$name.$i.time" "$@" >"$workdir/$name.$i.log" 2>&1; then
        tail -n 30 "$workdir/$name.$i.log" >&2
        die "$name failed; its log is $workdir/$name.$i.log"
    fi
}

# The tools take turns, so that a slow spell of this machine's neighbours, or memory the
# system must first hand back, weighs on both alike; medians are reported.
splink_args=(--threshold "$threshold")
[ -n "$splink_threads" ] && splink_args+=(--threads "$splink_threads")
for i in $(seq "$runs"); do
    run customer360 "$i" "$resolve" "$input" --output "$workdir/customer360.$i.csv"
    run splink "$i" "$py" "$baseline" "$input" "$workdir/splink.$i.csv" "${splink_args[@]}"
done

# --- measurements -------------------------------------------------------------------------

# wall seconds, CPU seconds (user + system) and peak RSS in MB from a `time -v` report
measure() {
    awk '
        /Elapsed \(wall clock\) time/ {
            n = split($NF, p, ":")
            wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2]
        }
        /User time \(seconds\)/ { cpu += $NF }
        /System time \(seconds\)/ { cpu += $NF }
        /Maximum resident set size/ { rss = $NF / 1024 }
        END { printf "%.2f\t%.2f\t%.0f\n", wall, cpu, rss }
    ' "$1"
}

# median FORMAT: the median of the numbers on standard input, one per line, printed with the
# printf FORMAT
median() {
    sort -g | awk -v format="$1" '{ v[NR] = $1 } END {
        if (NR == 0) exit 1
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf format "\n", m
    }'
}

# median_of TOOL FIELD FORMAT: the median of that field of TOOL's runs
median_of() {
    cut -f "$2" "$workdir/$1.runs.tsv" | median "$3"
}

say "evaluating every output against $truth"
declare -A row
for tool in customer360 splink; do
    : >"$workdir/$tool.runs.tsv"
    for i in $(seq "$runs"); do
        IFS=$'\t' read -r wall cpu rss < <(measure "$workdir/$tool.$i.time")
        eval_line=$("$py" "$baseline" --evaluate "$workdir/$tool.$i.csv" "$truth" --tsv)
        IFS=$'\t' read -r n _clusters pp pr pf bp br bf largest missing <<<"$eval_line"
        [ "$missing" -eq 0 ] ||
            say "warning: $missing truth records are missing from $tool's output of run $i"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$wall" "$cpu" "$rss" "$n" "$pp" "$pr" "$pf" "$bp" "$br" "$bf" "$largest" \
            >>"$workdir/$tool.runs.tsv"
    done
    wall=$(median_of "$tool" 1 %.2f) cpu=$(median_of "$tool" 2 %.2f) rss=$(median_of "$tool" 3 %.0f)
    # Accuracy is reported for the first run: every run reads the same input, and differing
    # runs show in the table of runs.
    IFS=$'\t' read -r _ _ _ n pp pr pf bp br bf largest <"$workdir/$tool.runs.tsv"
    row[$tool]=$(printf '%-12s %9s %8s %8s %8s  %6s %6s %6s  %6s %6s %6s  %s' \
        "$tool" "$n" "$wall" "$cpu" "$rss" "$pp" "$pr" "$pf" "$bp" "$br" "$bf" "[$largest]")
    printf -v "${tool}_wall" '%s' "$wall"
    printf -v "${tool}_cpu" '%s' "$cpu"
    printf -v "${tool}_rss" '%s' "$rss"
done
for i in $(seq 2 "$runs"); do
    cmp -s "$workdir/customer360.1.csv" "$workdir/customer360.$i.csv" ||
        say "warning: customer360's output of run $i differs from run 1's"
done

# --- report -------------------------------------------------------------------------------

cores=$(nproc 2>/dev/null || echo '?')
printf '\ncustomer360 vs Splink %s (DuckDB %s): %s input records, %s cores\n' \
    "$splink_version" "$duckdb_version" "$input_rows" "$cores"
printf 'input %s\ntruth %s\noutputs and logs in %s\n\n' "$input" "$truth" "$workdir"
if [ "$runs" -gt 1 ]; then
    printf 'Time and memory are the medians of %s runs of each tool, taken in turns; accuracy is the first run'"'"'s.\n\n' "$runs"
fi
printf '%-12s %9s %8s %8s %8s  %-20s  %-20s  %s\n' \
    tool records "wall s" "cpu s" "peak MB" "pairwise P / R / F1" "B-cubed P / R / F1" \
    "largest clusters"
printf '%s\n' "${row[customer360]}" "${row[splink]}"
if [ "$runs" -gt 1 ]; then
    printf '\n%-12s %4s %9s %8s %8s  %6s %6s\n' tool run "wall s" "cpu s" "peak MB" "F1" "B3 F1"
    for tool in customer360 splink; do
        awk -F'\t' -v tool="$tool" \
            '{ printf "%-12s %4s %9s %8s %8s  %6s %6s\n", tool, NR, $1, $2, $3, $7, $10 }' \
            "$workdir/$tool.runs.tsv"
    done
fi
# shellcheck disable=SC2154 # set by printf -v above
awk -v sw="$splink_wall" -v cw="$customer360_wall" -v sc="$splink_cpu" \
    -v cc="$customer360_cpu" -v sm="$splink_rss" -v cm="$customer360_rss" 'BEGIN {
    printf "\nSplink / customer360: wall time %s, CPU time %s, peak memory %s\n",
        (cw > 0 ? sprintf("%.1fx", sw / cw) : "n/a"),
        (cc > 0 ? sprintf("%.1fx", sc / cc) : "n/a"),
        (cm > 0 ? sprintf("%.1fx", sm / cm) : "n/a")
}'
printf '\nSplink stages in run 1 (threshold %s):\n' "$threshold"
sed -n 's/^splink_baseline: /  /p' "$workdir/splink.1.log"
