//! A host writes its own survivorship rule and plugs it into a merge policy.
//!
//! The rule: "prefer values confirmed at the store counter", i.e. from the point-of-sale
//! system, where staff read the customer's ID card, but only when that record is less than two
//! years older than the newest one; otherwise fall back to the most frequent, then the most
//! recent value.
//!
//! `cargo run --example custom_survivorship`

use chrono::{Duration, TimeZone, Utc};
use customer360::profile::{
    FirstThatDecides, MergePolicy, MostFrequent, MostRecent, Observation, ProfileBuilder,
    Survivorship,
};
use customer360::{CustomerId, FieldPath, PersonName, SourceRecord};

/// Prefer point-of-sale values that are not stale.
#[derive(Debug)]
struct ConfirmedAtCounter {
    max_age: Duration,
}

impl Survivorship for ConfirmedAtCounter {
    fn name(&self) -> String {
        "confirmed_at_counter".into()
    }

    fn narrow(&self, observations: &[Observation], candidates: &[usize]) -> Vec<usize> {
        let newest = candidates
            .iter()
            .filter_map(|&i| observations[i].provenance.observed_at)
            .max();
        let confirmed: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                let o = &observations[i];
                o.provenance.source.as_str() == "pos"
                    && match (o.provenance.observed_at, newest) {
                        (Some(at), Some(newest)) => newest - at <= self.max_age,
                        _ => false,
                    }
            })
            .collect();
        // A rule that cannot decide returns every candidate for the next rule.
        if confirmed.is_empty() {
            candidates.to_vec()
        } else {
            confirmed
        }
    }
}

fn main() {
    let policy = MergePolicy::default().rule(
        FieldPath::BIRTH_DATE,
        FirstThatDecides::new()
            .then(ConfirmedAtCounter {
                max_age: Duration::days(730),
            })
            .then(MostFrequent)
            .then(MostRecent),
    );
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
    let records = [
        SourceRecord::new("webshop", "w-1")
            .observed_at(at(2026, 2, 1))
            .name(PersonName::from_parts("Maria", "Garcia"))
            .birth_date("1979-03-30"),
        SourceRecord::new("crm", "c-9")
            .observed_at(at(2025, 6, 1))
            .name(PersonName::from_parts("Maria", "Garcia"))
            .birth_date("1979-03-30"),
        SourceRecord::new("pos", "p-4")
            .observed_at(at(2025, 11, 20))
            .name(PersonName::from_parts("María", "García"))
            .birth_date("1979-03-03"),
    ];
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let profile = ProfileBuilder::new(policy, Default::default())
        .merge(CustomerId("C-example".into()), &refs);
    let birth = &profile.fields[&FieldPath::BIRTH_DATE];
    println!(
        "birth date {} (rule: {}), from {}/{}",
        birth.values[0].value,
        birth.rule,
        birth.values[0].provenance.source,
        birth.values[0].provenance.record
    );
    for alternative in &birth.alternatives {
        println!(
            "  lost: {} (seen in {} record(s))",
            alternative.value,
            alternative.seen_in.len()
        );
    }
    assert_eq!(
        birth.values[0].value, "1979-03-03",
        "the counter-confirmed value wins"
    );
    assert!(birth.disagreement);
}
