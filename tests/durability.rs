//! Durability of the redb store: a child process ingests and prints each acknowledged record;
//! the parent kills it with SIGKILL mid-stream, reopens the store, and finds every
//! acknowledged record there, in exactly one customer, with indexes that agree.
//! Encryption at rest: a copied store file holds none of the sensitive values in clear.
#![cfg(feature = "redb")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use customer360::realtime::{IncrementalResolver, IncrementalResolverBuilder, Lookup};
use customer360::store::{ProfileStore, RedbStore};
use customer360::{PersonName, Population, RecordRef, SourceRecord};

const CHILD: &str = "C360_DURABILITY_CHILD";

/// Person `i / 3`, written three ways: every third record starts a customer, the next two
/// join it.
fn record(i: usize) -> SourceRecord {
    let p = i / 3;
    let given = [
        "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sofia", "Mateo",
    ][p % 8];
    let family = format!("Family{}", p * 7919 % 100_003);
    let mut r = SourceRecord::new(["crm", "shop", "support"][i % 3], format!("k{i}"))
        .name(PersonName::from_parts(given, family.as_str()))
        .birth_date(format!(
            "19{:02}-{:02}-{:02}",
            50 + p % 50,
            1 + p % 12,
            1 + p % 28
        ));
    if i % 3 != 2 {
        r = r.email(format!(
            "{}.{}@gmail.com",
            given.to_lowercase(),
            family.to_lowercase()
        ));
    }
    if i % 3 != 0 {
        r = r.phone(format!("+1 555 {:03} {:04}", p % 1000, p % 10_000));
    }
    r
}

fn builder() -> IncrementalResolverBuilder {
    IncrementalResolver::builder().population(Population::new(100_000))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("c360-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The child: ingest until killed, acknowledging each record once its ingest returned.
fn child(path: &Path) {
    let store = RedbStore::create(path).unwrap();
    let resolver = builder().open(store).unwrap();
    for i in 0..100_000 {
        let r = record(i);
        let reference = r.reference();
        resolver.ingest(r).unwrap();
        println!("ACK {}\t{}", reference.source, reference.key);
    }
}

#[test]
fn acknowledged_records_survive_sigkill() {
    if let Some(path) = std::env::var_os(CHILD) {
        child(Path::new(&path));
        return;
    }
    let dir = temp_dir("durability");
    let path = dir.join("store.redb");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "acknowledged_records_survive_sigkill",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acked: Vec<RecordRef> = Vec::new();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("ACK ") {
            let (source, key) = rest.split_once('\t').unwrap();
            acked.push(RecordRef {
                source: source.into(),
                key: key.into(),
            });
            if acked.len() == 60 {
                // Mid-stream: the child is inside its next ingest or commit.
                child.kill().unwrap();
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child was killed, not finished");
    assert_eq!(acked.len(), 60, "the child acknowledged too few records");

    let store = RedbStore::create(&path).unwrap();
    let stored = store.records().unwrap();
    assert!(stored.len() >= acked.len());
    for r in &acked {
        assert!(
            store.record(r).unwrap().is_some(),
            "{r} was acknowledged and lost"
        );
        assert!(
            store.customer_of(r).unwrap().is_some(),
            "{r} has no customer"
        );
    }
    let resolver = builder().open(store).unwrap();
    resolver.check_store().unwrap();
    // The three records of the first person are one customer.
    let first: Vec<_> = (0..3)
        .map(|i| resolver.customer_of(&record(i).reference()).unwrap())
        .collect();
    assert!(first.iter().all(|c| *c == first[0]), "{first:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(feature = "encryption")]
#[test]
fn a_copied_encrypted_store_holds_no_sensitive_value_in_clear() {
    use customer360::govern::Catalogue;
    use customer360::store::AesGcmCipher;

    let dir = temp_dir("encryption");
    let path = dir.join("store.redb");
    let key = [42u8; 32];
    let records: Vec<SourceRecord> = (0..30).map(record).collect();
    {
        let store = RedbStore::create(&path)
            .unwrap()
            .with_cipher(AesGcmCipher::new("k1", key))
            // The governance catalogue decides what is sealed: every personal field.
            .with_sensitive_fields(Catalogue::builtin());
        let resolver = builder().open(store).unwrap();
        for r in &records {
            resolver.ingest(r.clone()).unwrap();
        }
    }
    let copy = dir.join("copy.redb");
    std::fs::copy(&path, &copy).unwrap();
    // The file's printable runs (most of it is zero pages): what `strings | grep` would see.
    let bytes = std::fs::read(&copy).unwrap();
    let runs: Vec<&[u8]> = bytes
        .split(|b| !(b.is_ascii_graphic() || *b == b' '))
        .filter(|run| run.len() >= 3)
        .collect();
    let contains = |needle: &str| {
        let n = needle.as_bytes();
        runs.iter()
            .any(|run| run.len() >= n.len() && run.windows(n.len()).any(|w| w == n))
    };
    let mut checked = 0;
    for r in &records {
        let id = &r.identity;
        let mut secrets: Vec<String> = Vec::new();
        for n in &id.names {
            secrets.extend(n.given.clone());
            secrets.extend(n.family.clone());
        }
        for e in &id.emails {
            secrets.push(e.address.clone());
            secrets.push(e.address.split('@').next().unwrap().to_owned());
        }
        for p in &id.phones {
            secrets.push(p.number.clone());
            secrets.push(p.number.chars().filter(char::is_ascii_digit).collect());
        }
        secrets.extend(id.birth_date.clone());
        for s in secrets {
            assert!(!contains(&s), "{s:?} is in the store file in clear");
            checked += 1;
        }
    }
    assert!(checked > 100);
    // The same store, reopened with the key, resolves and finds customers.
    let store = RedbStore::create(&copy)
        .unwrap()
        .with_cipher(AesGcmCipher::new("k1", key))
        .with_sensitive_fields(Catalogue::builtin());
    let resolver = builder().open(store).unwrap();
    resolver.check_store().unwrap();
    let email = records[0].identity.emails[0].address.clone();
    let found = resolver.find(&Lookup::Email(email.clone()));
    assert_eq!(
        found,
        vec![resolver.customer_of(&records[0].reference()).unwrap()]
    );
    assert!(resolver.store().index_len().unwrap() >= records.len());
    drop(resolver);
    // Without the key, the sealed records do not open.
    let store = RedbStore::create(&copy).unwrap();
    assert!(store.records().is_err());
    std::fs::remove_dir_all(&dir).ok();
}
