//! Golden record pairs: pairs that must link and pairs that must not, each with its reason
//! (`tests/data/golden_pairs.csv`), resolved together as one batch with the crate's defaults.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{RecordNormalizer, Region};
use customer360::{Resolver, SourceRecord};

struct Case {
    expect_link: bool,
    reason: String,
    records: Vec<SourceRecord>,
}

fn cases() -> BTreeMap<String, Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden_pairs.csv");
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    for record in read_records(File::open(path).unwrap(), &CsvOptions::new("golden")).unwrap() {
        let record = record.expect("golden rows are well-formed");
        let case = record.custom["case"].clone();
        let expect_link = match record.custom["expect"].as_str() {
            "link" => true,
            "no_link" => false,
            other => panic!("case {case}: expect must be link or no_link, not {other:?}"),
        };
        let entry = cases.entry(case).or_insert_with(|| Case {
            expect_link,
            reason: record.custom["reason"].clone(),
            records: Vec::new(),
        });
        entry.records.push(record);
    }
    cases
}

#[test]
fn golden_pairs_link_or_not_as_expected() {
    let cases = cases();
    assert!(cases.len() >= 80, "only {} golden cases", cases.len());
    let records: Vec<SourceRecord> = cases.values().flat_map(|c| c.records.clone()).collect();
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    let resolution = Resolver::builder()
        .normalizer(normalizer)
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();

    let mut failures = Vec::new();
    let (mut links, mut no_links) = (0, 0);
    for (name, case) in &cases {
        assert_eq!(case.records.len(), 2, "case {name} needs two records");
        let (a, b) = (case.records[0].reference(), case.records[1].reference());
        let linked = resolution.same_customer(&a, &b);
        if case.expect_link {
            links += 1;
        } else {
            no_links += 1;
        }
        if linked != case.expect_link {
            let why = resolution.explain_pair(&a, &b).unwrap();
            failures.push(format!(
                "{name}: expected {}, got {} ({})\n{why}",
                if case.expect_link { "link" } else { "no link" },
                if linked { "linked" } else { "not linked" },
                case.reason
            ));
        }
    }
    // Cases are independent people: no record may join a record of another case.
    let mut strays = Vec::new();
    for (customer, records) in resolution.customers() {
        let cases: std::collections::BTreeSet<&str> = records
            .iter()
            .map(|r| r.key.as_str().rsplit_once('-').map_or("", |(c, _)| c))
            .collect();
        if cases.len() > 1 {
            strays.push(format!("{customer} joins cases {cases:?}"));
        }
    }
    eprintln!("{links} link and {no_links} no-link golden cases");
    assert!(
        strays.is_empty(),
        "records of different cases joined:\n{}",
        strays.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
