#!/usr/bin/env bash
# Run every fuzz target for a while: `bash fuzz/run.sh [SECONDS_PER_TARGET] [CARGO_FUZZ_FLAGS...]`
# (default 60 seconds; CI passes `--dev` for a quick unoptimised build).
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Runs on the stable toolchain with
# `--sanitizer none`: coverage-guided libFuzzer without AddressSanitizer, which safe Rust does
# not need. Crashes land in fuzz/artifacts/<target>/; turn each into a regression test in
# tests/fuzz_regressions.rs before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
# cargo-fuzz builds with one codegen unit; several build the crate in a fraction of the time
# on a multi-core machine and cost little speed in the fuzzed code (later -C flags win).
export RUSTFLAGS="${RUSTFLAGS:-} -Ccodegen-units=16"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in csv_ingest normalizers model_json resolver_ops realtime_ops erasure_ops; do
    echo "==> $target for ${seconds}s"
    if ! cargo fuzz run --sanitizer none "$@" "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz target $target failed (crash inputs, if any, in fuzz/artifacts/$target)" >&2
        exit 1
    fi
    grep -E "^Done [0-9]+ runs" "$log" || tail -3 "$log"
done
