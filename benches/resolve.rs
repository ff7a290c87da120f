//! End-to-end batch resolution on FEBRL: normalise, block, train (EM), score, cluster.
//!
//! `cargo bench --bench resolve`. The closing note of the batch-resolution issue reports these.

use std::fs::File;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::{LinkMode, Resolver, SourceRecord};

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

criterion_group!(benches, febrl);
criterion_main!(benches);
