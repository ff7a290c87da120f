//! Governance benchmarks: the free-text scanner per note, a governed 360 view of a customer
//! with many notes, and erasure from the batch state of FEBRL3 (one customer; a hundred one
//! by one; a hundred at once).
//!
//! `cargo bench --bench govern`.

use std::fs::File;
use std::hint::black_box;
use std::path::Path;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::govern::{
    BatchState, Catalogue, Decision, Erasable, FreeTextScrubber, Governor, HostKey, MaskStyle,
    MemoryAuditSink, Requester, Sensitivity, SuppressionList, TablePolicy,
};
use customer360::profile::ProfileBuilder;
use customer360::view::{Customer360, ViewContext};
use customer360::Resolver;
use customer360::{Channel, CustomerId, Interaction, Note, PersonName, SourceRecord};

const CLEAN: &str = "Customer called about the delayed parcel from order 88123, was told it \
    left the depot on 2026-03-01 and should arrive within three working days. Offered a \
    voucher of 10.50 EUR which was accepted; follow up if nothing arrives by Friday.";
const DIRTY: &str = "Customer called about the delayed parcel, asked us to write to \
    ann.lee@mail-example.com instead of the old address, or ring +44 20 7946 0018 after six; \
    she read out card 4111 1111 1111 1111 which we did not store. Follow up by Friday.";

fn scanner(c: &mut Criterion) {
    let s = FreeTextScrubber::new();
    let mut g = c.benchmark_group("scrub");
    for (label, text) in [("clean", CLEAN), ("dirty", DIRTY)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("find", label), text, |b, t| {
            b.iter(|| s.find(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("replace", label), text, |b, t| {
            b.iter(|| s.replace(black_box(t), |_| "[redacted]".into()))
        });
    }
    g.finish();
}

fn governed_view(c: &mut Criterion) {
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap();
    let mut r = SourceRecord::new("crm", "1")
        .name(PersonName::from_parts("Ann", "Lee"))
        .email("ann.lee@mail-example.com")
        .phone("+44 20 7946 0018");
    for i in 0..40u32 {
        let mut call = Interaction::new(format!("c{i}"), at(1 + i % 27), Channel::Call);
        call.topic = Some(if i % 2 == 0 { "delivery" } else { "billing" }.into());
        call.soft.notes.push(Note {
            at: Some(at(1 + i % 27)),
            author: None,
            text: if i % 4 == 0 { DIRTY } else { CLEAN }.into(),
        });
        r = r.interaction(call);
    }
    let records = [r];
    let refs: Vec<&SourceRecord> = records.iter().collect();
    let profile = ProfileBuilder::default().merge(CustomerId("C1".into()), &refs);
    let view = Customer360::build(&profile, &refs, &ViewContext::new(at(28)));
    let catalogue = Catalogue::builtin();
    let key = HostKey::new(b"benchmark host key, 32 bytes....".to_vec()).unwrap();
    let who = Requester::new("s1", "steward", "service", at(28));
    let mut g = c.benchmark_group("governed_360");
    for (label, contact) in [
        ("contacts_allowed", Decision::Allow),
        (
            "contacts_pseudonymised",
            Decision::Mask(MaskStyle::Pseudonym),
        ),
    ] {
        let policy = TablePolicy::new()
            .rule("steward", "service", Sensitivity::ALL, Decision::Allow)
            .field_rule(
                customer360::FieldPath::EMAIL,
                "steward",
                "service",
                contact.clone(),
            )
            .field_rule(customer360::FieldPath::PHONE, "steward", "service", contact);
        let governor = Governor::new(&catalogue, &policy, &key);
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut sink = MemoryAuditSink::default();
                governor
                    .customer360(&who, black_box(&view), &mut sink)
                    .unwrap()
            })
        });
    }
    g.finish();
}

/// Erasure from the state a batch run leaves (records, profiles, registry): each erasure
/// passes over the state a few times, and many at once pass over it once.
fn erasure(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/febrl/dataset3.csv");
    let records: Vec<SourceRecord> = read_records(
        File::open(path).expect("FEBRL data"),
        &CsvOptions::new("febrl3"),
    )
    .expect("a header")
    .map(|r| r.expect("a well-formed row"))
    .collect();
    let resolver = Resolver::builder().build().expect("config");
    let state =
        BatchState::resolve(records, &resolver, ProfileBuilder::default()).expect("resolves");
    let step = (state.profiles.len() / 100).max(1);
    let doomed: Vec<CustomerId> = state
        .profiles
        .iter()
        .step_by(step)
        .take(100)
        .map(|p| p.id.clone())
        .collect();
    let who = Requester::new(
        "dpo",
        "privacy",
        "legal",
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
    );
    let fresh = || {
        let key = HostKey::new(b"benchmark host key, 32 bytes....".to_vec()).unwrap();
        (
            state.clone(),
            SuppressionList::new(key),
            MemoryAuditSink::default(),
        )
    };
    let mut g = c.benchmark_group("erasure");
    g.sample_size(10);
    g.bench_function("febrl3/one_customer", |b| {
        b.iter_batched(
            fresh,
            |(mut state, mut list, mut sink)| {
                state
                    .erase_customer(&doomed[0], &who, "request", &mut list, &mut sink)
                    .unwrap()
            },
            BatchSize::LargeInput,
        )
    });
    g.throughput(Throughput::Elements(doomed.len() as u64));
    g.bench_function("febrl3/hundred_one_by_one", |b| {
        b.iter_batched(
            fresh,
            |(mut state, mut list, mut sink)| {
                for c in &doomed {
                    state
                        .erase_customer(c, &who, "request", &mut list, &mut sink)
                        .unwrap();
                }
                state
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("febrl3/hundred_at_once", |b| {
        b.iter_batched(
            fresh,
            |(mut state, mut list, mut sink)| {
                state
                    .erase_customers(&doomed, &who, "request", &mut list, &mut sink)
                    .unwrap();
                state
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, scanner, governed_view, erasure);
criterion_main!(benches);
