//! Reading CSV input (rows checked, and rows turned into records). Batch resolution: end to
//! end on FEBRL (normalise, block, train, score, cluster), the string comparators of the pair
//! loop, EM training on pattern counts, profiles built from a resolution (first run, and
//! again over the first run's ID registry), and end to end on a generated file of any size.
//!
//! `cargo bench --bench resolve`. The generated-data benchmark runs only when
//! `CUSTOMER360_BENCH_DATA` names a CSV in the form `examples/resolve` reads (for example
//! `customers.csv` from `cargo run --release --example generate -- --records 1000000 --seed 7
//! --output DIR`), so that `cargo bench -- --test` in CI stays quick; 100 000 and 1 000 000
//! records are run by hand. `benches/scaling.sh` prints the time, memory and accuracy table.

use std::collections::HashMap;
use std::fs::File;
use std::hint::black_box;
use std::io::BufReader;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::compare::similarity::{jaro_winkler, jaro_winkler_from, within_one_edit};
use customer360::profile::{IdRegistry, ProfileBuilder};
use customer360::score::Pattern;
use customer360::{LinkMode, MatchModel, Resolver, SourceRecord};

fn read(file: &str, source: &str) -> Vec<SourceRecord> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/febrl")
        .join(file);
    read_records(
        File::open(path).expect("FEBRL data"),
        &CsvOptions::new(source),
    )
    .expect("a header")
    .map(|r| r.expect("a well-formed row"))
    .collect()
}

/// Reading a CSV file: rows read and checked (field count, UTF-8, timestamp, key present
/// and not a repeat), and rows turned into records, on FEBRL 3's 5 000 rows held in memory.
fn ingest(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/febrl/dataset3.csv");
    let data = std::fs::read(path).expect("FEBRL data");
    let options = CsvOptions::new("febrl3");
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(5000));
    g.bench_function("csv_rows_febrl3_5000", |b| {
        b.iter(|| {
            let rows = read_records(data.as_slice(), &options)
                .expect("a header")
                .into_rows();
            for row in rows {
                black_box(row.expect("a well-formed row"));
            }
        })
    });
    g.bench_function("csv_records_febrl3_5000", |b| {
        b.iter(|| {
            for record in read_records(data.as_slice(), &options).expect("a header") {
                black_box(record.expect("a well-formed row"));
            }
        })
    });
    g.finish();
}

fn febrl(c: &mut Criterion) {
    let mut g = c.benchmark_group("resolve");
    g.sample_size(10);
    let febrl3 = read("dataset3.csv", "febrl3");
    let dedupe = Resolver::builder()
        .mode(LinkMode::Deduplicate)
        .build()
        .expect("config");
    g.throughput(Throughput::Elements(febrl3.len() as u64));
    g.bench_function("febrl3_dedupe_5000", |b| {
        b.iter(|| dedupe.resolve(&febrl3).expect("resolves"))
    });
    let mut febrl4 = read("dataset4a.csv", "febrl4a");
    febrl4.extend(read("dataset4b.csv", "febrl4b"));
    let link = Resolver::builder()
        .mode(LinkMode::Link)
        .build()
        .expect("config");
    g.throughput(Throughput::Elements(febrl4.len() as u64));
    g.bench_function("febrl4_link_10000", |b| {
        b.iter(|| link.resolve(&febrl4).expect("resolves"))
    });
    g.finish();
}

/// The string comparisons behind every name, street and locality level: nanoseconds per call,
/// no allocation.
fn comparators(c: &mut Criterion) {
    let mut g = c.benchmark_group("comparator");
    for (label, a, b) in [
        ("typo", "jonathan", "jonahtan"),
        ("different", "elizabeth", "mohammad"),
        ("street", "12 harbour view road", "12 harbor view rd"),
    ] {
        g.bench_with_input(
            BenchmarkId::new("jaro_winkler", label),
            &(a, b),
            |bench, (a, b)| {
                bench.iter(|| jaro_winkler(black_box(a.as_bytes()), black_box(b.as_bytes())))
            },
        );
        // What the comparisons call: a bound from shared letters first, then Jaro–Winkler.
        g.bench_with_input(
            BenchmarkId::new("jaro_winkler_from_0.85", label),
            &(a, b),
            |bench, (a, b)| {
                bench.iter(|| {
                    jaro_winkler_from(black_box(a.as_bytes()), black_box(b.as_bytes()), 0.85)
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("within_one_edit", label),
            &(a, b),
            |bench, (a, b)| {
                bench.iter(|| within_one_edit(black_box(a.as_bytes()), black_box(b.as_bytes())))
            },
        );
    }
    g.finish();
}

/// EM on pattern counts: millions of candidate pairs collapse into a few thousand patterns, so
/// training costs the same at 10 000 records as at 10 million.
fn em(c: &mut Criterion) {
    let defaults = MatchModel::default();
    let comparisons = defaults.parameters.comparisons.len();
    // A deterministic spread of 4 000 patterns: a few strong agreements, mostly disagreements.
    let mut counts: HashMap<Pattern, u64> = HashMap::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..4_000 {
        let mut p = Pattern::all_null();
        for (i, level) in p.0.iter_mut().enumerate().take(comparisons) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let levels = defaults.parameters.comparisons[i].levels.len() as u64;
            let r = state % (levels + 1);
            *level = if r == levels { Pattern::NULL } else { r as u8 };
        }
        *counts.entry(p).or_insert(0) += 1 + state % 500;
    }
    c.bench_function("em/train_m_4000_patterns", |b| {
        b.iter(|| {
            let mut model = defaults.parameters.clone();
            model.prior = 1e-5;
            model.train_m(black_box(&counts), 40, 1e-6, None, Some(5e11))
        })
    });
}

/// Profiles from a resolution: IDs from a new registry, and again from the registry the
/// first run left (the usual case for a nightly batch), then every customer's records merged.
fn profiles_of(g: &mut BenchmarkGroup<'_, WallTime>, label: &str, records: &[SourceRecord]) {
    let resolution = Resolver::builder()
        .build()
        .expect("config")
        .resolve(records)
        .expect("resolves");
    let builder = ProfileBuilder::default();
    let mut first_run = IdRegistry::default();
    builder.build(&resolution, records, &mut first_run);
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function(BenchmarkId::new("first_run", label), |b| {
        b.iter(|| builder.build(&resolution, records, &mut IdRegistry::default()))
    });
    g.bench_function(BenchmarkId::new("next_run", label), |b| {
        b.iter_batched(
            || first_run.clone(),
            |mut registry| builder.build(&resolution, records, &mut registry),
            BatchSize::LargeInput,
        )
    });
}

fn profiles(c: &mut Criterion) {
    let mut g = c.benchmark_group("profiles");
    g.sample_size(10);
    profiles_of(&mut g, "febrl3_5000", &read("dataset3.csv", "febrl3"));
    if let Ok(path) = std::env::var("CUSTOMER360_BENCH_DATA") {
        let records: Vec<SourceRecord> = read_records(
            BufReader::new(File::open(&path).expect("CUSTOMER360_BENCH_DATA is a readable CSV")),
            &CsvOptions::new("input"),
        )
        .expect("a header")
        .filter_map(Result::ok)
        .collect();
        profiles_of(&mut g, &format!("generated_{}", records.len()), &records);
    }
    g.finish();
}

/// End to end on generated data, from the CSV file to customer IDs (read, normalise, block,
/// train, score, cluster), when `CUSTOMER360_BENCH_DATA` names the file.
fn generated(c: &mut Criterion) {
    let Ok(path) = std::env::var("CUSTOMER360_BENCH_DATA") else {
        return;
    };
    let records = read_records(
        BufReader::new(File::open(&path).expect("CUSTOMER360_BENCH_DATA is a readable CSV")),
        &CsvOptions::new("input"),
    )
    .expect("a header")
    .filter_map(Result::ok)
    .count();
    let resolver = Resolver::builder().build().expect("config");
    let mut g = c.benchmark_group("generated");
    g.sample_size(10);
    g.throughput(Throughput::Elements(records as u64));
    // Rows are checked where the file is read and become records on the resolver's workers.
    g.bench_function(BenchmarkId::new("read_and_resolve", records), |b| {
        b.iter(|| {
            let rows = read_records(
                BufReader::new(File::open(&path).expect("readable")),
                &CsvOptions::new("input"),
            )
            .expect("a header")
            .into_rows();
            let schema = rows.schema().clone();
            resolver
                .resolve_rows(
                    rows.filter_map(Result::ok),
                    |row| schema.record(row),
                    &mut (),
                )
                .expect("resolves")
        })
    });
    g.finish();
}

criterion_group!(benches, ingest, febrl, comparators, em, profiles, generated);
criterion_main!(benches);
