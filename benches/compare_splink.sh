#!/usr/bin/env bash
# Compare customer360 with Splink 5 (DuckDB backend) on the same data in one run: wall time,
# peak memory (maximum resident set size) and accuracy against the truth, scored for both by
# one evaluator (benches/splink_baseline.py --evaluate). Run by hand; CI never runs it, and
# the crate does not need Python or Splink. See benches/README.md.
#
#   bash benches/compare_splink.sh [--records N] [--seed S] [--install]
#       [--input CSV --truth CSV] [--threshold P] [--splink-threads N] [--workdir DIR]
#
#   --records N         records to generate (default 100000)
#   --seed S            generator seed (default 1)
#   --install           create target/splink-venv and pip install Splink 5 there (and the
#                       Debian `time` package if /usr/bin/time is missing and we are root)
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
    sed -n '7,19p' "$0" | sed 's/^# \{0,1\}//' >&2
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

while [ $# -gt 0 ]; do
    case "$1" in
        --records) records=${2:?--records needs a value}; shift 2 ;;
        --seed) seed=${2:?--seed needs a value}; shift 2 ;;
        --install) install=1; shift ;;
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

# run NAME COMMAND...: run under /usr/bin/time -v, output in $workdir/NAME.{time,log}
run() {
    local name=$1
    shift
    cat "$input" >/dev/null # same warm page cache for both tools
    say "running $name"
    if ! /usr/bin/time -v -o "$workdir/$name.time" "$@" >"$workdir/$name.log" 2>&1; then
        tail -n 30 "$workdir/$name.log" >&2
        die "$name failed; its log is $workdir/$name.log"
    fi
}

run customer360 "$resolve" "$input" --output "$workdir/customer360.csv"

splink_args=(--threshold "$threshold")
[ -n "$splink_threads" ] && splink_args+=(--threads "$splink_threads")
run splink "$py" "$baseline" "$input" "$workdir/splink.csv" "${splink_args[@]}"

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

say "evaluating both outputs against $truth"
declare -A row
for tool in customer360 splink; do
    IFS=$'\t' read -r wall cpu rss < <(measure "$workdir/$tool.time")
    eval_line=$("$py" "$baseline" --evaluate "$workdir/$tool.csv" "$truth" --tsv)
    IFS=$'\t' read -r n _clusters pp pr pf bp br bf largest missing <<<"$eval_line"
    [ "$missing" -eq 0 ] || say "warning: $missing truth records are missing from $tool's output"
    row[$tool]=$(printf '%-12s %9s %8s %8s %8s  %6s %6s %6s  %6s %6s %6s  %s' \
        "$tool" "$n" "$wall" "$cpu" "$rss" "$pp" "$pr" "$pf" "$bp" "$br" "$bf" "[$largest]")
    printf -v "${tool}_wall" '%s' "$wall"
    printf -v "${tool}_cpu" '%s' "$cpu"
    printf -v "${tool}_rss" '%s' "$rss"
done

# --- report -------------------------------------------------------------------------------

cores=$(nproc 2>/dev/null || echo '?')
printf '\ncustomer360 vs Splink %s (DuckDB %s): %s input records, %s cores\n' \
    "$splink_version" "$duckdb_version" "$input_rows" "$cores"
printf 'input %s\ntruth %s\noutputs and logs in %s\n\n' "$input" "$truth" "$workdir"
printf '%-12s %9s %8s %8s %8s  %-20s  %-20s  %s\n' \
    tool records "wall s" "cpu s" "peak MB" "pairwise P / R / F1" "B-cubed P / R / F1" \
    "largest clusters"
printf '%s\n' "${row[customer360]}" "${row[splink]}"
# shellcheck disable=SC2154 # set by printf -v above
awk -v sw="$splink_wall" -v cw="$customer360_wall" -v sc="$splink_cpu" \
    -v cc="$customer360_cpu" -v sm="$splink_rss" -v cm="$customer360_rss" 'BEGIN {
    printf "\nSplink / customer360: wall time %s, CPU time %s, peak memory %s\n",
        (cw > 0 ? sprintf("%.1fx", sw / cw) : "n/a"),
        (cc > 0 ? sprintf("%.1fx", sc / cc) : "n/a"),
        (cm > 0 ? sprintf("%.1fx", sm / cm) : "n/a")
}'
printf '\nSplink stages (threshold %s):\n' "$threshold"
sed -n 's/^splink_baseline: /  /p' "$workdir/splink.log"
