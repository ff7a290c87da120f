//! Accuracy on the FEBRL synthetic data sets, with the crate's defaults and EM on the data
//! itself (no labels): FEBRL3 deduplication and FEBRL4 linkage.
//!
//! Truth: `rec-N-org` and every `rec-N-dup-K` with the same N are one person.

use std::fs::File;
use std::path::Path;
use std::time::Instant;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::evaluate::{evaluate, Evaluation};
use customer360::{LinkMode, Resolver, SourceRecord};

fn read(file: &str, source: &str) -> Vec<SourceRecord> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/febrl")
        .join(file);
    read_records(File::open(path).unwrap(), &CsvOptions::new(source))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn person(key: &str) -> String {
    key.split('-').nth(1).unwrap_or(key).to_owned()
}

fn run(records: &[SourceRecord], mode: LinkMode) -> Evaluation {
    let start = Instant::now();
    let resolution = Resolver::builder()
        .mode(mode)
        .build()
        .unwrap()
        .resolve(records)
        .unwrap();
    let elapsed = start.elapsed();
    let predicted = resolution
        .assignments()
        .map(|(r, c)| (r.clone(), c.clone()))
        .collect::<Vec<_>>();
    let truth = resolution
        .records()
        .iter()
        .map(|r| (r.clone(), person(r.key.as_str())))
        .collect::<Vec<_>>();
    let e = evaluate(predicted, truth);
    eprintln!(
        "{} records in {elapsed:.2?}: pairwise P {:.4} R {:.4} F1 {:.4}; B-cubed P {:.4} R {:.4} F1 {:.4}; \
         blocking {} candidate pairs (limit {}); largest clusters {:?}",
        records.len(),
        e.pairwise.precision,
        e.pairwise.recall,
        e.pairwise.f1,
        e.b_cubed.precision,
        e.b_cubed.recall,
        e.b_cubed.f1,
        resolution.blocking().candidate_pairs,
        resolution.blocking().max_block_size,
        e.largest_clusters
    );
    e
}

#[test]
fn febrl3_deduplication() {
    let records = read("dataset3.csv", "febrl3");
    let e = run(&records, LinkMode::Deduplicate);
    assert!(
        e.pairwise.f1 >= 0.99,
        "FEBRL3 pairwise F1 {:.4}",
        e.pairwise.f1
    );
}

#[test]
fn febrl4_linkage() {
    let mut records = read("dataset4a.csv", "febrl4a");
    records.extend(read("dataset4b.csv", "febrl4b"));
    let e = run(&records, LinkMode::Link);
    assert!(
        e.pairwise.f1 >= 0.995,
        "FEBRL4 pairwise F1 {:.4}",
        e.pairwise.f1
    );
}

#[test]
fn febrl4_linkage_with_m_from_labelled_pairs() {
    let mut records = read("dataset4a.csv", "febrl4a");
    records.extend(read("dataset4b.csv", "febrl4b"));
    // A host that knows 300 true pairs: m comes from them instead of EM.
    let mut by_person: std::collections::BTreeMap<String, Vec<customer360::RecordRef>> =
        Default::default();
    for r in &records {
        by_person
            .entry(person(r.key.as_str()))
            .or_default()
            .push(r.reference());
    }
    let labelled: Vec<_> = by_person
        .values()
        .filter(|v| v.len() == 2)
        .take(300)
        .map(|v| (v[0].clone(), v[1].clone()))
        .collect();
    assert_eq!(labelled.len(), 300);
    let resolution = Resolver::builder()
        .mode(LinkMode::Link)
        .labelled_matches(labelled)
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    let given = &resolution.model().parameters.comparisons[0];
    let default = &customer360::MatchModel::default().parameters.comparisons[0];
    assert_ne!(
        given.levels[0].m, default.levels[0].m,
        "m was estimated from the labels"
    );
    let e = evaluate(
        resolution
            .assignments()
            .map(|(r, c)| (r.clone(), c.clone())),
        resolution
            .records()
            .iter()
            .map(|r| (r.clone(), person(r.key.as_str()))),
    );
    eprintln!("labelled m: pairwise F1 {:.4}", e.pairwise.f1);
    assert!(
        e.pairwise.f1 >= 0.99,
        "FEBRL4 pairwise F1 with labelled m {:.4}",
        e.pairwise.f1
    );
}
