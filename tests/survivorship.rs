//! Each built-in survivorship rule, with ties and missing values.

use chrono::{TimeZone, Utc};
use customer360::profile::{
    CollectAll, FirstThatDecides, MergePolicy, MostComplete, MostFrequent, MostRecent, Observation,
    Oldest, ProfileBuilder, Provenance, SourcePriority, Survivorship,
};
use customer360::{CustomerId, FieldPath, PersonName, SourceRecord};

fn obs(
    value: &str,
    source: &str,
    record: &str,
    day: Option<u32>,
    completeness: u32,
) -> Observation {
    Observation {
        value: value.into(),
        key: value.to_lowercase(),
        qualifier: None,
        provenance: Provenance {
            source: source.into(),
            record: record.into(),
            observed_at: day.map(|d| Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).unwrap()),
        },
        completeness,
    }
}

fn all(o: &[Observation]) -> Vec<usize> {
    (0..o.len()).collect()
}

#[test]
fn most_recent_prefers_the_latest_and_ranks_missing_times_last() {
    let o = [
        obs("a", "crm", "1", Some(3), 1),
        obs("b", "crm", "2", None, 1),
        obs("c", "crm", "3", Some(9), 1),
    ];
    assert_eq!(MostRecent.narrow(&o, &all(&o)), [2]);
    // A tie on time keeps both for the next rule.
    let t = [
        obs("a", "crm", "1", Some(3), 1),
        obs("b", "crm", "2", Some(3), 1),
    ];
    assert_eq!(MostRecent.narrow(&t, &all(&t)), [0, 1]);
    // Only missing times: nothing to tell apart.
    let n = [obs("a", "crm", "1", None, 1), obs("b", "crm", "2", None, 1)];
    assert_eq!(MostRecent.narrow(&n, &all(&n)), [0, 1]);
}

#[test]
fn oldest_prefers_the_earliest_and_ranks_missing_times_last() {
    let o = [
        obs("a", "crm", "1", Some(3), 1),
        obs("b", "crm", "2", None, 1),
        obs("c", "crm", "3", Some(9), 1),
    ];
    assert_eq!(Oldest.narrow(&o, &all(&o)), [0]);
}

#[test]
fn most_frequent_counts_keys_not_spellings() {
    let o = [
        obs("Smith", "crm", "1", Some(1), 1),
        obs("SMITH", "shop", "2", Some(2), 1),
        obs("Smyth", "pos", "3", Some(3), 1),
    ];
    assert_eq!(MostFrequent.narrow(&o, &all(&o)), [0, 1]);
}

#[test]
fn source_priority_follows_the_list_and_ranks_unlisted_sources_last() {
    let o = [
        obs("a", "pos", "1", Some(1), 1),
        obs("b", "billing", "2", Some(1), 1),
        obs("c", "crm", "3", Some(1), 1),
    ];
    let rule = SourcePriority::new(["crm", "billing"]);
    assert_eq!(rule.narrow(&o, &all(&o)), [2]);
    assert_eq!(rule.narrow(&o, &[0, 1]), [1]);
    assert_eq!(
        rule.narrow(&o, &[0]),
        [0],
        "an unlisted source still survives alone"
    );
}

#[test]
fn most_complete_prefers_more_parts() {
    let o = [
        obs("J Smith", "crm", "1", Some(1), 2),
        obs("John A Smith", "crm", "2", Some(1), 3),
    ];
    assert_eq!(MostComplete.narrow(&o, &all(&o)), [1]);
}

#[test]
fn collect_all_keeps_everything() {
    let o = [
        obs("a", "crm", "1", Some(1), 1),
        obs("b", "crm", "2", Some(1), 1),
    ];
    assert_eq!(CollectAll.narrow(&o, &all(&o)), [0, 1]);
    assert!(CollectAll.collects());
    assert!(!MostRecent.collects());
}

#[test]
fn first_that_decides_narrows_in_order_and_stops_once_decided() {
    let o = [
        obs("a", "shop", "1", Some(5), 1),
        obs("b", "crm", "2", Some(1), 1),
        obs("b", "crm", "3", Some(2), 1),
        obs("c", "crm", "4", Some(9), 1),
    ];
    let rule = FirstThatDecides::new()
        .then(SourcePriority::new(["crm"]))
        .then(MostFrequent)
        .then(MostRecent);
    // crm keeps 1, 2, 3; most frequent keeps the two "b"s; one key is left, so it stops.
    assert_eq!(rule.narrow(&o, &all(&o)), [1, 2]);
    assert!(rule
        .name()
        .starts_with("source_priority(crm), most_frequent"));
}

fn record(key: &str, day: u32, given: &str, dob: &str) -> SourceRecord {
    SourceRecord::new("crm", key)
        .observed_at(Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap())
        .name(PersonName::from_parts(given, "Smith"))
        .birth_date(dob)
}

#[test]
fn ties_break_deterministically_and_provenance_and_alternatives_are_kept() {
    let policy = MergePolicy::new(MostRecent).rule(FieldPath::BIRTH_DATE, MostRecent);
    let builder = ProfileBuilder::new(policy, Default::default());
    // Two records observed on the same day disagree on the birth date: a tie.
    let a = record("1", 5, "John", "1985-04-12");
    let b = record("2", 5, "John", "1985-04-13");
    let p1 = builder.merge(CustomerId("C1".into()), &[&a, &b]);
    let p2 = builder.merge(CustomerId("C1".into()), &[&b, &a]);
    assert_eq!(p1, p2, "record order does not matter");
    let birth = &p1.fields[&FieldPath::BIRTH_DATE];
    assert!(birth.disagreement);
    assert_eq!(birth.values.len(), 1);
    assert_eq!(birth.alternatives.len(), 1);
    // The tie goes to the smallest value.
    assert_eq!(birth.value(), Some("1985-04-12"));
    assert_eq!(birth.values[0].provenance.record.as_str(), "1");
    assert_eq!(birth.rule, "most_recent");
}

#[test]
fn a_record_holding_a_value_twice_counts_once() {
    // Record 1 writes one e-mail address two ways; records 2 and 3 agree on another. Were
    // the two spellings counted twice, the tie would go to the first by key, record 1's.
    let a = SourceRecord::new("crm", "1")
        .observed_at(Utc.with_ymd_and_hms(2026, 1, 9, 0, 0, 0).unwrap())
        .email("Ann.Smith@GMail.com")
        .email("annsmith@gmail.com");
    let b = SourceRecord::new("crm", "2").email("smith.ann@fastmail.com");
    let c = SourceRecord::new("shop", "3").email("smith.ann@fastmail.com");
    let records = [&a, &b, &c];

    let frequent = ProfileBuilder::new(
        MergePolicy::new(MostRecent).rule(FieldPath::EMAIL, MostFrequent),
        Default::default(),
    )
    .merge(CustomerId("C1".into()), &records);
    assert_eq!(
        frequent.value(&FieldPath::EMAIL),
        Some("smith.ann@fastmail.com"),
        "two records against one"
    );

    let collected = ProfileBuilder::default().merge(CustomerId("C1".into()), &records);
    let emails = &collected.fields[&FieldPath::EMAIL].values;
    assert_eq!(emails.len(), 2);
    assert_eq!(
        emails[0].value, "smith.ann@fastmail.com",
        "most records first"
    );
    assert_eq!(emails[0].seen_in.len(), 2);
    assert_eq!(emails[1].seen_in.len(), 1);
}

#[test]
fn missing_values_do_not_survive_and_placeholders_never_do() {
    let builder = ProfileBuilder::default();
    let a = record("1", 1, "John", "1985-04-12").email("test@test.com");
    let b = SourceRecord::new("shop", "9").name(PersonName::from_parts("John", "Smith"));
    let p = builder.merge(CustomerId("C1".into()), &[&a, &b]);
    assert_eq!(p.value(&FieldPath::BIRTH_DATE), Some("1985-04-12"));
    assert!(
        !p.fields.contains_key(&FieldPath::EMAIL),
        "a placeholder e-mail never survives"
    );
    assert_eq!(p.records.len(), 2);
}
