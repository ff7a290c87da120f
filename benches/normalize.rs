//! Normaliser micro-benchmarks: time per value for each normaliser, and per whole record.
//!
//! `cargo bench --bench normalize`; the closing notes of the issues report these figures.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use customer360::normalize::{
    ascii_key, cross_script_key, fold, AddressNormalizer, BirthDateNormalizer, EmailNormalizer,
    GenderNormalizer, IdentifierNormalizer, NameNormalizer, Normalizer, PhoneNormalizer,
    RecordNormalizer, Region,
};
use customer360::{Identifier, IdentifierKind, PersonName, PostalAddress, SourceRecord};

fn text(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    for (label, input) in [
        ("ascii", "  John   SMITH-Jones "),
        ("latin", "Ñúñez-García Łódź"),
        ("persian", "علي نیک\u{200C}پور"),
    ] {
        g.bench_with_input(BenchmarkId::new("fold", label), input, |b, s| {
            b.iter(|| fold(black_box(s)))
        });
        g.bench_with_input(BenchmarkId::new("ascii_key", label), input, |b, s| {
            b.iter(|| ascii_key(black_box(s)))
        });
    }
    g.finish();
}

fn values(c: &mut Criterion) {
    let mut g = c.benchmark_group("value");
    let names = NameNormalizer::default();
    g.bench_function("name/parts", |b| {
        let n = PersonName::from_parts("Robert", "Smith");
        b.iter(|| names.normalize_name(black_box(&n)))
    });
    g.bench_function("name/full", |b| {
        b.iter(|| names.normalize(black_box("Dr. John A. Smith Jr.")))
    });
    g.bench_function("name/persian", |b| {
        b.iter(|| names.normalize(black_box("محمد رضایی")))
    });
    g.bench_function("cross_script_key", |b| {
        b.iter(|| cross_script_key(black_box("Mohammad Rezaei")))
    });
    let emails = EmailNormalizer::default();
    g.bench_function("email", |b| {
        b.iter(|| emails.normalize(black_box(" John.Smith+news@GMail.com ")))
    });
    let phones = PhoneNormalizer::with_default_region("US".parse::<Region>().unwrap());
    g.bench_function("phone", |b| {
        b.iter(|| phones.normalize(black_box("(555) 123-4567")))
    });
    let dates = BirthDateNormalizer::default();
    g.bench_function("date/iso", |b| {
        b.iter(|| dates.normalize(black_box("1985-04-12")))
    });
    g.bench_function("date/jalali", |b| {
        b.iter(|| dates.normalize(black_box("۱۳۶۵/۰۴/۱۲")))
    });
    let addresses = AddressNormalizer::default();
    let address = PostalAddress {
        lines: vec!["Unit 5, 12 Main Street".into()],
        locality: Some("Springfield".into()),
        postcode: Some("62701".into()),
        country: Some("US".into()),
        ..PostalAddress::default()
    };
    g.bench_function("address", |b| {
        b.iter(|| addresses.normalize_address(black_box(&address)))
    });
    let ids = IdentifierNormalizer::default();
    let id = Identifier::new(IdentifierKind::NationalId, "049-937089-9").with_issuer("IR");
    g.bench_function("identifier", |b| {
        b.iter(|| ids.normalize_identifier(black_box(&id)))
    });
    g.bench_function("gender", |b| {
        b.iter(|| GenderNormalizer.normalize(black_box("Female")))
    });
    g.finish();
}

fn records(c: &mut Criterion) {
    let normalizer = RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build();
    let record = SourceRecord::new("crm", "1001")
        .name(PersonName::from_parts("Jonh", "Smith"))
        .email("John.Smith+shop@GMail.com")
        .phone("(555) 123-4567")
        .birth_date("04/12/1985")
        .gender("M")
        .address(PostalAddress {
            lines: vec!["12 Main St".into()],
            locality: Some("Springfield".into()),
            postcode: Some("62701".into()),
            country: Some("USA".into()),
            ..PostalAddress::default()
        })
        .identifier(Identifier::new(IdentifierKind::NationalId, "6988048"));
    let mut g = c.benchmark_group("record");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typical", |b| {
        b.iter(|| normalizer.normalize(black_box(&record)))
    });
    // As batch resolution normalises the records it reads: each made (here a copy; there
    // from its CSV row), then consumed. `typical_copied` is the same with a borrowed
    // record, for the difference.
    g.bench_function("typical_owned", |b| {
        b.iter(|| normalizer.normalize_owned(black_box(record.clone())))
    });
    g.bench_function("typical_copied", |b| {
        b.iter(|| normalizer.normalize(&black_box(record.clone())))
    });
    g.finish();
}

criterion_group!(benches, text, values, records);
criterion_main!(benches);
