//! Properties of merging one customer's records under every built-in survivorship rule, on
//! records that hold several values, observation times that tie or are missing, values
//! written differently, placeholders and values that do not parse.
//!
//! `tests/survivorship.rs` pins each rule on hand-made cases and `tests/profiles.rs` the whole
//! pipeline on real-looking data with the default policy; these say what holds for any
//! records and any policy: a merge never depends on the order of the records, a rule only
//! chooses among the values (it never drops one, nor its provenance), and the rules that
//! read times and sources choose what they say they do.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use customer360::profile::{
    CollectAll, FirstThatDecides, MergePolicy, MergedField, MostComplete, MostFrequent, MostRecent,
    Oldest, Profile, ProfileBuilder, SourcePriority,
};
use customer360::{
    CustomerId, FieldPath, Identifier, IdentifierKind, PersonName, PostalAddress, RecordRef,
    SourceRecord,
};
use proptest::prelude::*;

const SOURCES: [&str; 3] = ["crm", "shop", "pos"];

/// Given and family names, a few of them the same person's written differently.
const NAMES: [(&str, &str); 6] = [
    ("John", "Smith"),
    ("JOHN", "smith"),
    ("Jon", "Smith"),
    ("Robert", "Smith"),
    ("John", "Smyth"),
    ("سارا", "احمدی"),
];
const FULL_NAMES: [&str; 3] = ["Smith, John", "Dr. John Smith Jr.", "N/A"];
const EMAILS: [&str; 6] = [
    "John.Smith@GMail.com",
    "johnsmith@gmail.com",
    "john+shop@fastmail.com",
    "john@fastmail.com",
    "test@test.com",
    "not an address",
];
const PHONES: [&str; 5] = [
    "+1 555 123 4567",
    "(555) 123-4567",
    "555-987-6543",
    "0000000000",
    "12",
];
const BIRTH_DATES: [&str; 5] = [
    "1985-04-12",
    "12/04/1985",
    "04/12/1985",
    "1985-04-13",
    "not a date",
];
const GENDERS: [&str; 4] = ["M", "male", "F", "unknown"];
const STREETS: [&str; 3] = ["12 Main Street", "12 Main St", "7 Elm Road Apt 2"];
const NATIONAL_IDS: [&str; 3] = ["123-45-6789", "123456789", "987-65-4321"];

/// One record of the customer: up to two names, e-mails and phones, and at most one of the
/// rest, each maybe absent; the time it was observed is one of three days, or unknown.
fn record(index: usize) -> impl Strategy<Value = SourceRecord> {
    (
        (0..SOURCES.len(), proptest::option::of(1u32..=3)),
        proptest::collection::vec((0..NAMES.len() + FULL_NAMES.len()).boxed(), 0..=2),
        proptest::collection::vec(0..EMAILS.len(), 0..=2),
        proptest::collection::vec(0..PHONES.len(), 0..=2),
        (
            proptest::option::of(0..BIRTH_DATES.len()),
            proptest::option::of(0..GENDERS.len()),
            proptest::option::of((0..STREETS.len(), any::<bool>())),
            proptest::option::of(0..NATIONAL_IDS.len()),
            proptest::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            move |((source, day), names, emails, phones, (birth, gender, street, id, tier))| {
                let mut r = SourceRecord::new(SOURCES[source], index.to_string());
                if let Some(day) = day {
                    r = r.observed_at(at(day));
                }
                for n in names {
                    r = r.name(match NAMES.get(n) {
                        Some((given, family)) => PersonName::from_parts(*given, *family),
                        None => PersonName::full(FULL_NAMES[n - NAMES.len()]),
                    });
                }
                for e in emails {
                    r = r.email(EMAILS[e]);
                }
                for p in phones {
                    r = r.phone(PHONES[p]);
                }
                if let Some(b) = birth {
                    r = r.birth_date(BIRTH_DATES[b]);
                }
                if let Some(g) = gender {
                    r = r.gender(GENDERS[g]);
                }
                if let Some((s, with_postcode)) = street {
                    r = r.address(PostalAddress {
                        lines: vec![STREETS[s].into()],
                        locality: Some("Springfield".into()),
                        postcode: with_postcode.then(|| "62704".into()),
                        ..PostalAddress::default()
                    });
                }
                if let Some(i) = id {
                    r = r.identifier(
                        Identifier::new(IdentifierKind::NationalId, NATIONAL_IDS[i])
                            .with_issuer("us"),
                    );
                }
                if let Some(gold) = tier {
                    r = r.custom("tier", if gold { "gold" } else { "silver" });
                }
                r
            },
        )
}

/// One to six records of one customer, each with its own key.
fn records() -> impl Strategy<Value = Vec<SourceRecord>> {
    (1usize..=6).prop_flat_map(|n| (0..n).map(record).collect::<Vec<_>>())
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap()
}

/// Every built-in rule as the default of a policy, the built-in policy, and a chain.
fn policies() -> Vec<(&'static str, MergePolicy)> {
    vec![
        ("default", MergePolicy::default()),
        ("most_recent", MergePolicy::new(MostRecent)),
        ("oldest", MergePolicy::new(Oldest)),
        ("most_frequent", MergePolicy::new(MostFrequent)),
        ("most_complete", MergePolicy::new(MostComplete)),
        ("collect_all", MergePolicy::new(CollectAll)),
        (
            "source_priority",
            MergePolicy::new(SourcePriority::new(["shop", "crm"])),
        ),
        (
            "chain",
            MergePolicy::new(
                FirstThatDecides::new()
                    .then(SourcePriority::new(["pos"]))
                    .then(MostFrequent)
                    .then(Oldest),
            ),
        ),
    ]
}

fn merge(policy: &MergePolicy, records: &[SourceRecord]) -> Profile {
    let refs: Vec<&SourceRecord> = records.iter().collect();
    ProfileBuilder::new(policy.clone(), Default::default()).merge(CustomerId("C1".into()), &refs)
}

/// Every value a field kept, winners and losers alike.
fn kept(field: &MergedField) -> impl Iterator<Item = &customer360::profile::SurvivingValue> {
    field.values.iter().chain(&field.alternatives)
}

/// What a field knows of where its values came from: for each value kept, the records that
/// hold it. A rule decides which value wins; this must not depend on it.
fn holders(field: &MergedField) -> BTreeSet<BTreeSet<RecordRef>> {
    kept(field)
        .map(|v| v.seen_in.iter().cloned().collect())
        .collect()
}

/// When the record `of` was observed.
fn observed(records: &[SourceRecord], of: &RecordRef) -> Option<DateTime<Utc>> {
    records
        .iter()
        .find(|r| &r.reference() == of)
        .and_then(|r| r.observed_at)
}

fn reversed_and_rotated(records: &[SourceRecord], by: usize) -> [Vec<SourceRecord>; 2] {
    let mut reversed = records.to_vec();
    reversed.reverse();
    let mut rotated = records.to_vec();
    rotated.rotate_left(by % records.len());
    [reversed, rotated]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(64)))]

    /// The same records in another order give the same profile, under every policy.
    #[test]
    fn a_merge_does_not_depend_on_the_order_of_the_records(
        records in records(),
        by in 0usize..6,
    ) {
        for (name, policy) in policies() {
            let expected = merge(&policy, &records);
            for other in reversed_and_rotated(&records, by) {
                prop_assert_eq!(&merge(&policy, &other), &expected, "policy {}", name);
            }
        }
    }

    /// A rule chooses which value wins; it never drops a value, nor a record that holds one:
    /// every policy keeps, for each field, the values that collecting all of them keeps, each
    /// with the same records behind it, and a disagreement is flagged exactly when a
    /// single-valued field kept more than one value.
    #[test]
    fn a_rule_chooses_and_never_drops(records in records()) {
        let all = merge(&MergePolicy::new(CollectAll), &records);
        let every_record: BTreeSet<RecordRef> =
            records.iter().map(SourceRecord::reference).collect();
        prop_assert_eq!(all.records.iter().cloned().collect::<BTreeSet<_>>(), every_record);
        for (name, policy) in policies() {
            let profile = merge(&policy, &records);
            prop_assert_eq!(
                profile.fields.keys().collect::<Vec<_>>(),
                all.fields.keys().collect::<Vec<_>>(),
                "policy {}",
                name
            );
            for (path, field) in &profile.fields {
                let collected = &all.fields[path];
                prop_assert_eq!(holders(field), holders(collected), "policy {} {}", name, path);
                prop_assert_eq!(
                    kept(field).count(),
                    collected.values.len(),
                    "policy {} {}",
                    name,
                    path
                );
                if field.alternatives.is_empty() && field.values.len() == 1 {
                    prop_assert!(!field.disagreement, "policy {} {}", name, path);
                } else if field.values.len() == 1 {
                    prop_assert!(field.disagreement, "policy {} {}", name, path);
                }
                for value in kept(field) {
                    // The record a value is credited to holds it.
                    prop_assert!(value.seen_in.contains(&value.provenance.record_ref()));
                }
            }
        }
    }

    /// The most recent value wins under `MostRecent` and the oldest under `Oldest`, a value
    /// with no time losing to any with one; under `MostFrequent`, a value held by the most
    /// records (a record that holds it twice counting once); under a source priority, the
    /// value of the first listed source that has one.
    #[test]
    fn rules_choose_what_they_say(records in records()) {
        let all = merge(&MergePolicy::new(CollectAll), &records);
        let recent = merge(&MergePolicy::new(MostRecent), &records);
        let oldest = merge(&MergePolicy::new(Oldest), &records);
        let frequent = merge(&MergePolicy::new(MostFrequent), &records);
        let by_source = merge(&MergePolicy::new(SourcePriority::new(["shop", "crm"])), &records);
        for (path, collected) in &all.fields {
            let holding: BTreeSet<&RecordRef> =
                collected.values.iter().flat_map(|v| &v.seen_in).collect();
            let times: Vec<Option<DateTime<Utc>>> =
                holding.iter().map(|r| observed(&records, r)).collect();
            let known: Vec<DateTime<Utc>> = times.iter().flatten().copied().collect();

            let winner = &recent.fields[path].values[0];
            prop_assert_eq!(winner.provenance.observed_at, known.iter().max().copied(), "{}", path);
            let winner = &oldest.fields[path].values[0];
            prop_assert_eq!(winner.provenance.observed_at, known.iter().min().copied(), "{}", path);

            let most_held = collected.values.iter().map(|v| v.seen_in.len()).max();
            let winner = &frequent.fields[path].values[0];
            prop_assert_eq!(Some(winner.seen_in.len()), most_held, "{}", path);

            let first_source = ["shop", "crm"]
                .into_iter()
                .find(|s| holding.iter().any(|r| r.source.0 == *s));
            let winner = &by_source.fields[path].values[0];
            if let Some(source) = first_source {
                prop_assert_eq!(winner.provenance.source.0.as_str(), source, "{}", path);
            }
        }
    }

    /// Collected values are ordered by how many records hold them, most first.
    #[test]
    fn collected_values_come_most_held_first(records in records()) {
        let all = merge(&MergePolicy::new(CollectAll), &records);
        let counts: BTreeMap<&FieldPath, Vec<usize>> = all
            .fields
            .iter()
            .map(|(path, f)| (path, f.values.iter().map(|v| v.seen_in.len()).collect()))
            .collect();
        for (path, counts) in counts {
            prop_assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{}: {:?}", path, counts);
        }
    }
}
