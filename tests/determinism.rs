//! The same records in any order give the same customers, with the same IDs.

mod support;

use std::fs::File;
use std::path::Path;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{RecordNormalizer, Region};
use customer360::{CustomerId, RecordRef, Resolver, SourceRecord};
use proptest::prelude::*;

fn records() -> Vec<SourceRecord> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for (file, source) in [
        ("examples/data/customers.csv", "sample"),
        ("tests/data/golden_pairs.csv", "golden"),
    ] {
        let rows = read_records(
            File::open(root.join(file)).unwrap(),
            &CsvOptions::new(source),
        )
        .unwrap();
        all.extend(rows.map(Result::unwrap));
    }
    // A slice of FEBRL, so that blocking, EM and clustering have real work to do.
    let febrl = read_records(
        File::open(root.join("tests/data/febrl/dataset1.csv")).unwrap(),
        &CsvOptions::new("febrl1"),
    )
    .unwrap();
    all.extend(febrl.take(400).map(Result::unwrap));
    all
}

fn resolve(records: &[SourceRecord]) -> Vec<(RecordRef, CustomerId)> {
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    let resolution = Resolver::builder()
        .normalizer(normalizer)
        .build()
        .unwrap()
        .resolve(records)
        .unwrap();
    resolution
        .assignments()
        .map(|(r, c)| (r.clone(), c.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(8)))]

    #[test]
    fn partition_and_ids_do_not_depend_on_input_order(seed in any::<u64>()) {
        let original = records();
        let expected = resolve(&original);
        // A seeded Fisher–Yates shuffle.
        let mut shuffled = original.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(resolve(&shuffled), expected);
    }
}

#[test]
fn duplicate_record_keys_are_an_error_not_a_silent_merge() {
    let mut records = records();
    records.push(records[0].clone());
    let err = Resolver::builder()
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
}

#[test]
fn partition_and_ids_do_not_depend_on_the_thread_count() {
    let records = records();
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| resolve(&records))
    };
    let one = on(1);
    assert_eq!(on(2), one);
    assert_eq!(on(4), one);
}

/// Everything a resolution reports that could depend on how records arrived.
fn summary(resolution: &customer360::Resolution) -> (Vec<(RecordRef, CustomerId)>, String, usize) {
    let assignments = resolution
        .assignments()
        .map(|(r, c)| (r.clone(), c.clone()))
        .collect();
    let blocking = serde_json::to_string(resolution.blocking()).unwrap();
    (assignments, blocking, resolution.refused_links().len())
}

#[test]
fn streaming_records_in_any_order_gives_the_batch_result() {
    let records = records();
    // A small block limit so that keys are dropped and their report order is exercised.
    let resolver = Resolver::builder()
        .normalizer(
            RecordNormalizer::builder()
                .default_region("US".parse::<Region>().unwrap())
                .build(),
        )
        .max_block_size(3)
        .build()
        .unwrap();
    let batch = resolver.resolve(&records).unwrap();
    assert!(batch.blocking().dropped_total > 0);
    let expected = summary(&batch);
    let mut reversed = records.clone();
    reversed.reverse();
    let mut interleaved: Vec<SourceRecord> = records.iter().step_by(2).cloned().collect();
    interleaved.extend(records.iter().skip(1).step_by(2).cloned());
    for order in [records.clone(), reversed, interleaved] {
        let streamed = resolver.resolve_iter(order).unwrap();
        assert_eq!(summary(&streamed), expected);
    }
}

#[test]
fn streaming_reports_duplicate_keys() {
    let mut records = records();
    records.push(records[3].clone());
    let err = Resolver::builder()
        .build()
        .unwrap()
        .resolve_iter(records)
        .unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
}
