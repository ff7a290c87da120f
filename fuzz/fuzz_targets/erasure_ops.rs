//! Sequences of {add records, erase a customer, erase a record, rebuild} on a governed batch
//! state, built from the fuzzer's bytes and checked after every step against the simplest
//! reference: the set of records added minus the records erased. Also checked: every
//! resolved record in exactly one profile; after a rebuild, the same customers as a fresh
//! resolution of what is held; no key or note of an erased record anywhere in the
//! serialised state (records, profiles, ID registry, audit trail, suppression list); every
//! erased record recognised by the suppression list when it comes back.
#![no_main]

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use customer360::govern::{
    BatchState, Erasable, HostKey, MemoryAuditSink, Requester, SuppressionList,
};
use customer360::profile::ProfileBuilder;
use customer360::{Note, PersonName, RecordRef, Resolver, SourceRecord};
use libfuzzer_sys::fuzz_target;

const GIVEN: [&str; 4] = ["John", "Jonh", "Emma", "علی"];
const FAMILY: [&str; 3] = ["Smith", "Smyth", "رضایی"];
const EMAIL: [&str; 3] = ["", "john.smith@mail-example.com", "test@test.com"];

/// A token of letters that are not hex digits, so it cannot hide inside a hash or an ID.
fn token(prefix: &str, mut n: usize) -> String {
    let mut out = prefix.to_owned();
    loop {
        out.push(char::from(b'g' + (n % 20) as u8));
        n /= 20;
        if n == 0 {
            break;
        }
    }
    out
}

fn record(i: usize, c: &[u8]) -> SourceRecord {
    let at = |j: usize| usize::from(c.get(j).copied().unwrap_or(0));
    let mut r = SourceRecord::new(if at(0) % 2 == 0 { "crm" } else { "shop" }, token("key", i))
        .name(PersonName::from_parts(GIVEN[at(1) % 4], FAMILY[at(2) % 3]));
    let email = EMAIL[at(3) % 3];
    if !email.is_empty() {
        r = r.email(email);
    }
    r.notes.push(Note {
        at: None,
        author: None,
        text: token("note", i),
    });
    r
}

fn customers(state: &BatchState) -> BTreeSet<BTreeSet<RecordRef>> {
    state
        .profiles
        .iter()
        .map(|p| p.records.iter().cloned().collect())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pool_size, rest)) = data.split_first() else {
        return;
    };
    let pool_size = usize::from(pool_size % 12) + 1;
    let (pool_bytes, ops) = rest.split_at((pool_size * 4).min(rest.len()));
    let pool: Vec<SourceRecord> = pool_bytes
        .chunks(4)
        .enumerate()
        .map(|(i, c)| record(i, c))
        .collect();
    let resolver = Resolver::builder().build().expect("default configuration");
    let mut state =
        BatchState::resolve(Vec::new(), &resolver, ProfileBuilder::default()).expect("empty");
    let mut audit = MemoryAuditSink::default();
    let key = HostKey::new(b"erasure fuzz key, 32 bytes long!".to_vec()).expect("long enough");
    let mut list = SuppressionList::new(key);
    let who = Requester::new(
        "dpo",
        "privacy",
        "legal",
        Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap(),
    );
    let mut held: BTreeSet<RecordRef> = BTreeSet::new();
    let mut pending: BTreeSet<RecordRef> = BTreeSet::new();
    let mut erased: Vec<SourceRecord> = Vec::new();
    let mut next = 0;

    for &op in ops.iter().take(16) {
        let arg = usize::from(op >> 2);
        match op % 4 {
            0 => {
                for r in pool.iter().skip(next).take(arg % 3 + 1) {
                    held.insert(r.reference());
                    pending.insert(r.reference());
                    state.records.push(r.clone());
                }
                next = (next + arg % 3 + 1).min(pool.len());
            }
            1 => {
                state.rebuild(&resolver).expect("unique keys");
                pending.clear();
                let fresh = resolver.resolve(&state.records).expect("unique keys");
                let reference: BTreeSet<BTreeSet<RecordRef>> = fresh
                    .customers()
                    .into_iter()
                    .map(|(_, rs)| rs.into_iter().collect())
                    .collect();
                assert_eq!(customers(&state), reference, "rebuild equals a fresh resolution");
            }
            kind => {
                let refs: Vec<RecordRef> = held.iter().cloned().collect();
                if refs.is_empty() {
                    continue;
                }
                let target = refs[arg % refs.len()].clone();
                let gone = if kind == 2 {
                    state
                        .erase_record(&target, &who, "request", &mut list, &mut audit)
                        .expect("memory sink");
                    vec![target]
                } else {
                    let Some(customer) = state.customer_of(&target) else {
                        assert!(pending.contains(&target), "a resolved record has a customer");
                        continue;
                    };
                    let gone = state.records_of(&customer);
                    state
                        .erase_customer(&customer, &who, "request", &mut list, &mut audit)
                        .expect("memory sink");
                    gone
                };
                for r in gone {
                    assert!(held.remove(&r), "erased a record not held: {r}");
                    pending.remove(&r);
                    erased.push(pool.iter().find(|p| p.reference() == r).unwrap().clone());
                }
            }
        }

        let now_held: BTreeSet<RecordRef> =
            state.records.iter().map(SourceRecord::reference).collect();
        assert_eq!(now_held.len(), state.records.len(), "a record is held twice");
        assert_eq!(now_held, held, "the records held are the reference's");
        for r in &now_held {
            let n = state.profiles.iter().filter(|p| p.records.contains(r)).count();
            assert_eq!(n, usize::from(!pending.contains(r)), "{r} in {n} profiles");
        }
        let mut text = serde_json::to_string(&state.records).unwrap();
        text += &serde_json::to_string(&state.profiles).unwrap();
        text += &serde_json::to_string(&state.registry).unwrap();
        text += &serde_json::to_string(audit.events()).unwrap();
        text += &serde_json::to_string(&list).unwrap();
        for r in &erased {
            assert!(!text.contains(r.key.as_str()), "key {} survived", r.key);
            assert!(!text.contains(&r.notes[0].text), "note {} survived", r.notes[0].text);
            assert!(list.check(r).is_some(), "a returning {} is recognised", r.key);
        }
    }
});
