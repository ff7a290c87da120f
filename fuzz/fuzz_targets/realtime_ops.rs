//! Sequences of real-time operations (ingest, re-ingest, remove, steward split) built from the
//! fuzzer's bytes, checked against a reference: batch resolution of the records that remain,
//! with the same model, population and splits. The store must agree with the resolver.
#![no_main]

use customer360::realtime::IncrementalResolver;
use customer360::{PersonName, Population, RecordRef, Resolver, SourceRecord};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

const GIVEN: [&str; 6] = ["John", "Jonh", "Bob", "Robert", "Emma", "علی"];
const FAMILY: [&str; 4] = ["Smith", "Smyth", "Brown", "رضایی"];
const EMAIL: [&str; 4] = ["", "john.smith@mail-example.com", "test@test.com", "brownfamily@mail-example.com"];
const PHONE: [&str; 4] = ["", "+1 555 123 4567", "0000000000", "(555) 987-6543"];
const DOB: [&str; 4] = ["", "1985-04-12", "12/04/1985", "1958-09-30"];

fn record(key: usize, c: &[u8]) -> SourceRecord {
    let at = |j: usize| usize::from(c.get(j).copied().unwrap_or(0));
    let mut r = SourceRecord::new(if at(0) % 2 == 0 { "crm" } else { "shop" }, key.to_string())
        .name(PersonName::from_parts(GIVEN[at(1) % 6], FAMILY[at(2) % 4]));
    let (e, p, d) = (EMAIL[at(3) % 4], PHONE[at(4) % 4], DOB[(at(3) / 4) % 4]);
    if !e.is_empty() {
        r = r.email(e);
    }
    if !p.is_empty() {
        r = r.phone(p);
    }
    if !d.is_empty() {
        r = r.birth_date(d);
    }
    r
}

fuzz_target!(|data: &[u8]| {
    // A small population and block limit, so that blocks overflow and frequencies change.
    let population = Population { records: 300, max_block_size: 4 };
    let resolver = IncrementalResolver::builder()
        .population(population)
        .build()
        .expect("default configuration");
    let mut live: Vec<SourceRecord> = Vec::new();
    let mut splits: Vec<(RecordRef, RecordRef)> = Vec::new();
    for (i, c) in data.chunks(6).take(40).enumerate() {
        let op = c[0] % 8;
        let pick = |k: u8| usize::from(k) % live.len().max(1);
        match op {
            // Remove a record.
            0 if !live.is_empty() => {
                let r = live.remove(pick(c.get(1).copied().unwrap_or(0)));
                assert!(resolver.remove(&r.reference()).expect("store"));
            }
            // A steward splits two records.
            1 if live.len() >= 2 => {
                let a = live[pick(c.get(1).copied().unwrap_or(0))].reference();
                let b = live[pick(c.get(2).copied().unwrap_or(0))].reference();
                if a != b {
                    resolver.split(&a, &b).expect("store");
                    splits.push((a, b));
                }
            }
            // Re-ingest a record under an existing key with other values.
            2 if !live.is_empty() => {
                let k = pick(c.get(1).copied().unwrap_or(0));
                let key = live[k].key.to_string();
                let mut r = record(0, &c[1..]);
                r.source = live[k].source.clone();
                r.key = key.as_str().into();
                resolver.ingest(r.clone()).expect("store");
                live[k] = r;
            }
            _ => {
                let r = record(i, &c[1..]);
                resolver.ingest(r.clone()).expect("store");
                live.push(r);
            }
        }
    }
    // The same (default) model, not one trained on these records.
    let batch = Resolver::builder()
        .model(customer360::MatchModel::default())
        .population(population)
        .cannot_link(splits.iter().cloned())
        .build()
        .expect("default configuration")
        .resolve(&live)
        .expect("unique keys");
    let expected: BTreeSet<BTreeSet<RecordRef>> =
        batch.customers().into_iter().map(|(_, r)| r.into_iter().collect()).collect();
    let got: BTreeSet<BTreeSet<RecordRef>> =
        resolver.customers().into_iter().map(|(_, r)| r.into_iter().collect()).collect();
    assert_eq!(got, expected, "real time equals batch on what remains");
    resolver.check_store().expect("the store agrees");
});
