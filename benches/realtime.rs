//! Real-time resolution latency: p50 and p99 of `ingest` and of `lookup` over a population of
//! profiles already resolved in memory, and the same on the durable redb store (feature
//! `redb`).
//!
//! Criterion reports means, so besides its groups this bench times a sample of single calls
//! itself and prints their percentiles. The population size comes from the environment:
//!
//! ```text
//! C360_BENCH_PROFILES=1000000 cargo bench --bench realtime --features redb
//! C360_BENCH_DURABLE_PROFILES=100000 ...   # the redb population (default 2000)
//! C360_BENCH_SAMPLE=20000 ...              # timed calls per measurement (default 2000)
//! ```
//!
//! Defaults are small so `cargo bench -- --test` stays quick in CI.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use customer360::realtime::{IncrementalResolver, IncrementalResolverBuilder, Lookup};
use customer360::store::ProfileStore;
use customer360::{PersonName, Population, SourceRecord};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const GIVEN: [&str; 40] = [
    "james",
    "mary",
    "robert",
    "patricia",
    "john",
    "jennifer",
    "michael",
    "linda",
    "david",
    "elizabeth",
    "william",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "maryam",
    "ali",
    "reza",
    "zahra",
    "mohammad",
    "fatemeh",
    "hossein",
    "sara",
    "amir",
    "narges",
    "olivia",
    "liam",
    "emma",
    "noah",
    "ava",
    "elijah",
    "sofia",
    "mateo",
    "lucas",
    "mia",
];
const SYLLABLES: [&str; 24] = [
    "ka", "ro", "mi", "tan", "sel", "dor", "vi", "len", "bra", "shi", "mor", "ga", "thu", "pel",
    "zan", "ric", "ho", "lin", "mar", "tes", "qui", "fen", "do", "wy",
];

/// A deterministic person: given name, a family name from a few thousand, a birth date, and
/// contact details unique to the person.
fn person(p: usize) -> (String, String, String, String, String) {
    let mut h = (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    let given = GIVEN[(h % 40) as usize].to_owned();
    let f = (h >> 8) as usize % 8_000;
    let family = format!(
        "{}{}{}",
        SYLLABLES[f % 24],
        SYLLABLES[(f / 24) % 24],
        SYLLABLES[(f / 576) % 24]
    );
    let birth = format!(
        "19{:02}-{:02}-{:02}",
        40 + (h >> 20) % 60,
        1 + (h >> 28) % 12,
        1 + (h >> 32) % 28
    );
    let email = format!("{given}.{family}{p}@gmail.com");
    let phone = format!(
        "+1 {:03} {:03} {:04}",
        201 + p % 700,
        (p / 700) % 1000,
        p % 10_000
    );
    (given, family, birth, email, phone)
}

/// Record `k` of person `p`: the first is complete; later ones are written differently (no
/// e-mail, another source), as another system would hold them.
fn record(p: usize, k: usize) -> SourceRecord {
    let (given, family, birth, email, phone) = person(p);
    let source = ["crm", "shop", "support", "billing"][k % 4];
    let mut r = SourceRecord::new(source, format!("{p}-{k}"))
        .name(PersonName::from_parts(given, family))
        .birth_date(birth)
        .phone(phone);
    if k % 2 == 0 {
        r = r.email(email);
    }
    r
}

fn builder() -> IncrementalResolverBuilder {
    IncrementalResolver::builder().population(Population::new(1_000_000))
}

/// A resolver holding `n` profiles (people `0..n`, one record each).
fn populated<S: ProfileStore>(store: S, n: usize) -> IncrementalResolver<S> {
    let resolver = builder().open(store).expect("a valid configuration");
    let start = Instant::now();
    for p in 0..n {
        resolver.ingest(record(p, 0)).expect("ingest");
    }
    eprintln!(
        "built {n} profiles in {:.1?} ({:.1?} per record)",
        start.elapsed(),
        start.elapsed() / n.max(1) as u32
    );
    resolver
}

fn percentiles(label: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label}: {} calls, p50 {:.1?}, p99 {:.1?}, p99.9 {:.1?}, max {:.1?}",
        times.len(),
        at(0.5),
        at(0.99),
        at(0.999),
        times[times.len() - 1]
    );
}

/// Time single ingests (a second record of an existing person: joins, and a new person:
/// new profile, alternately) and single lookups (by e-mail: the customer ID, and the full
/// 360 view).
fn measure<S: ProfileStore>(label: &str, resolver: &IncrementalResolver<S>, n: usize) {
    let sample = env("C360_BENCH_SAMPLE", 2_000);
    let mut ingest = Vec::with_capacity(sample);
    for i in 0..sample {
        let r = if i % 2 == 0 {
            record((i * 7_919) % n, 1 + i)
        } else {
            record(n + i, 0)
        };
        let t = Instant::now();
        black_box(resolver.ingest(r).expect("ingest"));
        ingest.push(t.elapsed());
    }
    percentiles(&format!("{label} ingest"), ingest);
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
    let (mut find, mut view) = (Vec::new(), Vec::new());
    for i in 0..sample {
        let p = (i * 104_729) % n;
        let query = Lookup::Email(person(p).3.to_uppercase());
        let t = Instant::now();
        let found = black_box(resolver.find(&query));
        find.push(t.elapsed());
        assert_eq!(found.len(), 1, "person {p} is found");
        let t = Instant::now();
        black_box(resolver.lookup(&query, now).expect("lookup"));
        view.push(t.elapsed());
    }
    percentiles(&format!("{label} lookup (customer ID)"), find);
    percentiles(&format!("{label} lookup (360 view)"), view);
}

fn bench(c: &mut Criterion) {
    let n = env("C360_BENCH_PROFILES", 2_000);
    let memory = populated(customer360::store::MemoryStore::default(), n);
    measure(&format!("memory, {n} profiles,"), &memory, n);

    let mut group = c.benchmark_group("realtime_memory");
    let mut next = 10 * n;
    group.bench_function("ingest", |b| {
        b.iter_batched(
            || {
                next += 1;
                record(next, 0)
            },
            |r| memory.ingest(r).expect("ingest"),
            BatchSize::SmallInput,
        )
    });
    let mut i = 0;
    group.bench_function("lookup_by_email", |b| {
        b.iter(|| {
            i = (i + 7_919) % n;
            memory.find(&Lookup::Email(person(i).3))
        })
    });
    group.finish();
    drop(memory);

    #[cfg(feature = "redb")]
    {
        let d = env("C360_BENCH_DURABLE_PROFILES", 2_000);
        let dir = std::env::temp_dir().join(format!("c360-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let store =
            customer360::store::RedbStore::create(dir.join("bench.redb")).expect("a redb store");
        let durable = populated(store, d);
        measure(&format!("redb, {d} profiles,"), &durable, d);
        // Group commit: 100 records per durable commit.
        let mut batches = Vec::new();
        for b in 0..20 {
            let records: Vec<SourceRecord> =
                (0..100).map(|k| record(20 * d + 100 * b + k, 0)).collect();
            let t = Instant::now();
            black_box(durable.ingest_batch(records).expect("ingest"));
            batches.push(t.elapsed() / 100);
        }
        percentiles(
            &format!("redb, {d} profiles, ingest_batch of 100 (per record)"),
            batches,
        );
        drop(durable);
        std::fs::remove_dir_all(&dir).ok();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
