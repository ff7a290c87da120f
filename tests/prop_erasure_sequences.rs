//! Issue 8, item 1, for erasure: random sequences of {add records, erase a customer, erase a
//! record, rebuild} on a [`BatchState`], checked after every step against a reference that
//! is just the set of records added minus the records erased; and erasing many customers at
//! once checked against erasing them one by one.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use customer360::govern::{
    AuditError, AuditEvent, AuditSink, BatchState, Erasable, ErasureReport, GovernError, HostKey,
    MemoryAuditSink, Requester, SuppressionList, SuppressionPolicy,
};
use customer360::profile::{LineageEvent, ProfileBuilder};
use customer360::{CustomerId, Note, PersonName, RecordRef, Resolver, SourceRecord};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// Letters that are not hex digits, so no token can hide inside a pseudonym or a hash.
fn token() -> impl Strategy<Value = String> {
    "[g-z]{8,10}"
}

/// One person's shared values and, per record, the values only that record holds.
#[derive(Debug, Clone)]
struct Person {
    given: String,
    family: String,
    email_local: String,
    /// (record key, note) per record.
    records: Vec<(String, String)>,
}

fn person() -> impl Strategy<Value = Person> {
    (
        token(),
        token(),
        token(),
        proptest::collection::vec((token(), token()), 1..=3),
    )
        .prop_map(|(given, family, email_local, records)| Person {
            given,
            family,
            email_local,
            records: records
                .into_iter()
                .map(|(k, n)| (format!("k{k}"), n))
                .collect(),
        })
}

fn record_of(p: &Person, person: usize, j: usize) -> SourceRecord {
    let (key, note) = &p.records[j];
    let mut r = SourceRecord::new(format!("sys{person}x{j}"), key.as_str())
        .name(PersonName::from_parts(p.given.as_str(), p.family.as_str()))
        .email(format!("{}@{}.org", p.email_local, p.family));
    r.notes.push(Note {
        at: None,
        author: None,
        text: note.clone(),
    });
    r
}

#[derive(Debug, Clone)]
enum Op {
    /// Add the next `n` records of the pool (without resolving them).
    Add(usize),
    /// Erase the customer of the `i`-th held record (modulo), if it has one.
    EraseCustomer(usize),
    /// Erase the `i`-th held record (modulo).
    EraseRecord(usize),
    /// Re-resolve everything held.
    Rebuild,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1usize..4).prop_map(Op::Add),
        2 => any::<usize>().prop_map(Op::EraseCustomer),
        2 => any::<usize>().prop_map(Op::EraseRecord),
        2 => Just(Op::Rebuild),
    ]
}

/// Everything the state keeps, serialised, with the audit trail and the suppression list.
fn scan(state: &BatchState, audit: &MemoryAuditSink, list: &SuppressionList) -> String {
    let mut out = serde_json::to_string(&state.records).unwrap();
    out += &serde_json::to_string(&state.profiles).unwrap();
    out += &serde_json::to_string(&state.registry).unwrap();
    if let Some(resolution) = &state.resolution {
        for (id, _) in resolution.customers() {
            out += &serde_json::to_string(&resolution.explain_customer(&id)).unwrap();
        }
        out += &serde_json::to_string(&resolution.refused_links()).unwrap();
    }
    out += &serde_json::to_string(audit.events()).unwrap();
    out += &serde_json::to_string(list).unwrap();
    out.to_lowercase()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(32)))]

    #[test]
    fn erase_sequences_match_the_reference(
        people in proptest::collection::vec(person(), 2..4),
        ops in proptest::collection::vec(op(), 1..12),
    ) {
        // The pool, in ingest order, interleaving people so that a person's records may
        // arrive in different batches.
        let mut pool: Vec<(usize, SourceRecord)> = Vec::new();
        for j in 0..3 {
            for (i, p) in people.iter().enumerate() {
                if j < p.records.len() {
                    pool.push((i, record_of(p, i, j)));
                }
            }
        }
        let resolver = Resolver::builder().build().unwrap();
        let mut state = BatchState::resolve(Vec::new(), &resolver, ProfileBuilder::default()).unwrap();
        let mut audit = MemoryAuditSink::default();
        let mut list = SuppressionList::new(HostKey::new(b"sequence test key, 32 bytes long".to_vec()).unwrap());
        let who = Requester::new("dpo", "privacy", "legal", now());

        // The reference: held records (with their person), pending (added since the last
        // rebuild), erased records.
        let mut held: BTreeMap<RecordRef, usize> = BTreeMap::new();
        let mut pending: BTreeSet<RecordRef> = BTreeSet::new();
        let mut erased: Vec<(usize, SourceRecord)> = Vec::new();
        let mut next = 0;

        for op in &ops {
            match op {
                Op::Add(n) => {
                    for (person, r) in pool.iter().skip(next).take(*n) {
                        held.insert(r.reference(), *person);
                        pending.insert(r.reference());
                        state.records.push(r.clone());
                    }
                    next = (next + n).min(pool.len());
                }
                Op::Rebuild => {
                    state.rebuild(&resolver).unwrap();
                    pending.clear();
                }
                Op::EraseRecord(i) | Op::EraseCustomer(i) => {
                    let refs: Vec<RecordRef> = held.keys().cloned().collect();
                    if refs.is_empty() {
                        continue;
                    }
                    let target = &refs[i % refs.len()];
                    let (gone, report) = match op {
                        Op::EraseRecord(_) => (
                            vec![target.clone()],
                            state.erase_record(target, &who, "request", &mut list, &mut audit).unwrap(),
                        ),
                        _ => {
                            let Some(customer) = state.customer_of(target) else {
                                // Not resolved yet: no customer to erase.
                                prop_assert!(pending.contains(target));
                                continue;
                            };
                            let gone = state.records_of(&customer);
                            prop_assert!(gone.contains(target));
                            let report = state
                                .erase_customer(&customer, &who, "request", &mut list, &mut audit)
                                .unwrap();
                            (gone, report)
                        }
                    };
                    prop_assert_eq!(report.records.len(), gone.len());
                    for r in &gone {
                        let person = held.remove(r);
                        prop_assert!(person.is_some(), "erased a record not held: {}", r);
                        pending.remove(r);
                        let original = pool.iter().find(|(_, p)| p.reference() == *r).unwrap();
                        erased.push(original.clone());
                    }
                }
            }

            // The records held are the reference's.
            let now_held: BTreeSet<RecordRef> = state.records.iter().map(SourceRecord::reference).collect();
            prop_assert_eq!(now_held.len(), state.records.len(), "a record is held twice");
            prop_assert_eq!(&now_held, &held.keys().cloned().collect::<BTreeSet<_>>());
            // Every resolved record is in exactly one profile, a pending one in none, and no
            // profile names a record that is not held.
            for r in &now_held {
                let n = state.profiles.iter().filter(|p| p.records.contains(r)).count();
                prop_assert_eq!(n, usize::from(!pending.contains(r)), "{} in {} profiles", r, n);
            }
            for p in &state.profiles {
                prop_assert!(!p.records.is_empty());
                prop_assert!(p.records.iter().all(|r| now_held.contains(r)));
            }
            // Nothing of an erased record is left: its key and its note, and the shared
            // values of a person none of whose records is held.
            let text = scan(&state, &audit, &list);
            for (person, r) in &erased {
                let (key, note) = people[*person]
                    .records
                    .iter()
                    .find(|(k, _)| k.as_str() == r.key.as_str())
                    .unwrap();
                prop_assert!(!text.contains(key.as_str()), "key {} survived", key);
                prop_assert!(!text.contains(note.as_str()), "note {} survived", note);
                // A returning copy is recognised, and screened out under Reject.
                prop_assert!(list.check(r).is_some());
                let screened = list.screen(vec![r.clone()], SuppressionPolicy::Reject, &who, &mut MemoryAuditSink::default()).unwrap();
                prop_assert!(screened.accepted.is_empty());
            }
            for (i, p) in people.iter().enumerate() {
                let gone = erased.iter().any(|(e, _)| *e == i) && !held.values().any(|h| *h == i);
                if gone {
                    for v in [&p.given, &p.family, &p.email_local] {
                        prop_assert!(!text.contains(v.as_str()), "{} of an erased person survived", v);
                    }
                }
            }
        }
    }
}

/// A sink that takes `left` events and then fails.
struct FailingSink {
    inner: MemoryAuditSink,
    left: usize,
}

impl AuditSink for FailingSink {
    fn append(&mut self, event: AuditEvent) -> Result<(), AuditError> {
        if self.left == 0 {
            return Err(AuditError::Serialise("the test sink is full".into()));
        }
        self.left -= 1;
        self.inner.append(event)
    }
}

/// The state's records, profiles and registry, serialised.
fn state_json(state: &BatchState) -> String {
    serde_json::to_string(&(&state.records, &state.profiles, &state.registry)).unwrap()
}

/// A report without [`ErasureReport::rebuild_required`], which one by one tells the state
/// after each erasure and all at once the state after all of them.
fn without_flag(r: &ErasureReport) -> String {
    serde_json::to_string(&(&r.records, &r.fields, r.values, &r.customers)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(48)))]

    #[test]
    fn erasing_many_customers_at_once_is_erasing_them_one_by_one(
        people in proptest::collection::vec(person(), 2..5),
        first_run in 0usize..10,
        picks in proptest::collection::vec(any::<usize>(), 1..7),
        fail_after in proptest::option::of(0usize..7),
    ) {
        // Two runs, so that customers merge and leave aliases behind.
        let pool: Vec<SourceRecord> = (0..3)
            .flat_map(|j| people.iter().enumerate().filter(move |(_, p)| j < p.records.len()).map(move |(i, p)| record_of(p, i, j)))
            .collect();
        let resolver = Resolver::builder().build().unwrap();
        let first = pool[..first_run.min(pool.len())].to_vec();
        let mut state = BatchState::resolve(first, &resolver, ProfileBuilder::default()).unwrap();
        state.records = pool.clone();
        state.rebuild(&resolver).unwrap();

        // Current IDs, aliases of them, and an ID never issued; picked with repeats.
        let mut candidates: Vec<CustomerId> = state.profiles.iter().map(|p| p.id.clone()).collect();
        for e in state.registry.events() {
            if let LineageEvent::Merged { absorbed, .. } = e {
                candidates.extend(absorbed.iter().cloned());
            }
        }
        candidates.push(CustomerId("Cnever-issued".into()));
        let doomed: Vec<CustomerId> = picks.iter().map(|i| candidates[i % candidates.len()].clone()).collect();
        let key = || HostKey::new(b"sequence test key, 32 bytes long".to_vec()).unwrap();
        let who = Requester::new("dpo", "privacy", "legal", now());

        // One by one, keeping the state after each.
        let mut one = state.clone();
        let (mut one_list, mut one_audit) = (SuppressionList::new(key()), MemoryAuditSink::default());
        let mut one_reports = Vec::new();
        let mut after = vec![(state_json(&one), one_audit.clone(), one_list.entries_json())];
        for c in &doomed {
            one_reports.push(one.erase_customer(c, &who, "request", &mut one_list, &mut one_audit).unwrap());
            after.push((state_json(&one), one_audit.clone(), one_list.entries_json()));
        }

        // All at once.
        let mut many = state.clone();
        let (mut many_list, mut many_audit) = (SuppressionList::new(key()), MemoryAuditSink::default());
        let many_reports = many.erase_customers(&doomed, &who, "request", &mut many_list, &mut many_audit).unwrap();
        prop_assert_eq!(state_json(&many), state_json(&one));
        prop_assert_eq!(many_audit.events(), one_audit.events());
        prop_assert_eq!(many_list.entries_json(), one_list.entries_json());
        prop_assert_eq!(many_reports.len(), doomed.len());
        for (m, o) in many_reports.iter().zip(&one_reports) {
            prop_assert_eq!(without_flag(m), without_flag(o));
            prop_assert_eq!(m.rebuild_required, one_reports.last().unwrap().rebuild_required);
        }

        // A sink that fails part-way: the customers it took events for are erased, as one by
        // one, and the error says how many.
        if let Some(k) = fail_after {
            let mut cut = state.clone();
            let mut cut_list = SuppressionList::new(key());
            let mut sink = FailingSink { inner: MemoryAuditSink::default(), left: k };
            let result = cut.erase_customers(&doomed, &who, "request", &mut cut_list, &mut sink);
            let erased = k.min(doomed.len());
            match result {
                Ok(reports) => prop_assert!(k >= doomed.len() && reports.len() == doomed.len()),
                Err(GovernError::Audit(_)) => prop_assert_eq!(k, 0),
                Err(GovernError::ErasureInterrupted { erased: e, requested, .. }) => {
                    prop_assert_eq!((e, requested), (k, doomed.len()));
                    prop_assert!(k > 0 && k < doomed.len());
                }
                Err(e) => prop_assert!(false, "unexpected error: {}", e),
            }
            let (json, audit, entries) = &after[erased];
            prop_assert_eq!(&state_json(&cut), json);
            prop_assert_eq!(sink.inner.events(), audit.events());
            prop_assert_eq!(&cut_list.entries_json(), entries);
        }
    }
}
