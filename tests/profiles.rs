//! Properties of profiles and their IDs on real-looking data: the bundled sample, the golden
//! pairs and a slice of FEBRL.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;

use customer360::adapters::csv::{read_records, CsvOptions};
use customer360::normalize::{RecordNormalizer, Region};
use customer360::profile::{IdRegistry, Profile, ProfileBuilder};
use customer360::{RecordRef, Resolver, SourceRecord};
use proptest::prelude::*;

fn records() -> Vec<SourceRecord> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for (file, source, take) in [
        ("examples/data/customers.csv", "sample", usize::MAX),
        ("tests/data/golden_pairs.csv", "golden", usize::MAX),
        ("tests/data/febrl/dataset1.csv", "febrl1", 300),
    ] {
        let rows = read_records(
            File::open(root.join(file)).unwrap(),
            &CsvOptions::new(source),
        )
        .unwrap();
        all.extend(rows.take(take).map(Result::unwrap));
    }
    all
}

fn normalizer() -> RecordNormalizer {
    RecordNormalizer::builder()
        .default_region("US".parse::<Region>().unwrap())
        .build()
}

fn profiles(records: &[SourceRecord], registry: &mut IdRegistry) -> Vec<Profile> {
    let resolution = Resolver::builder()
        .normalizer(normalizer())
        .build()
        .unwrap()
        .resolve(records)
        .unwrap();
    ProfileBuilder::new(Default::default(), normalizer()).build(&resolution, records, registry)
}

fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

#[test]
fn every_record_is_in_exactly_one_profile() {
    let records = records();
    let profiles = profiles(&records, &mut IdRegistry::default());
    let mut seen: BTreeMap<RecordRef, usize> = BTreeMap::new();
    for p in &profiles {
        for r in &p.records {
            *seen.entry(r.clone()).or_insert(0) += 1;
        }
    }
    let expected: BTreeSet<RecordRef> = records.iter().map(SourceRecord::reference).collect();
    assert_eq!(
        seen.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "nothing lost"
    );
    assert!(seen.values().all(|&n| n == 1), "nothing duplicated");
    let ids: BTreeSet<_> = profiles.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), profiles.len(), "IDs are unique");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(6)))]

    #[test]
    fn profiles_and_ids_do_not_depend_on_record_order(seed in any::<u64>()) {
        let records = records();
        let expected = profiles(&records, &mut IdRegistry::default());
        let mut shuffled = records.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(profiles(&shuffled, &mut IdRegistry::default()), expected);
    }

    #[test]
    fn ids_survive_ten_percent_more_records(seed in any::<u64>()) {
        let mut all = records();
        shuffle(&mut all, seed);
        let extra = all.split_off(all.len() * 9 / 10);
        let mut registry = IdRegistry::default();
        let before = profiles(&all, &mut registry);
        let mut more = all.clone();
        more.extend(extra);
        let after = profiles(&more, &mut registry);
        let id_of: BTreeMap<&RecordRef, &customer360::CustomerId> = after
            .iter()
            .flat_map(|p| p.records.iter().map(move |r| (r, &p.id)))
            .collect();
        for p in &before {
            // Every earlier ID still resolves, to the customer that now holds its records.
            let now = registry.resolve(&p.id);
            prop_assert!(now.is_some(), "{} was lost", p.id);
            let holder = id_of[&p.records[0]];
            if now.as_ref() != Some(holder) {
                // Only a split may move the first record elsewhere; the ID must still live on.
                prop_assert!(after.iter().any(|q| Some(&q.id) == now.as_ref()));
            }
            // A customer that only gained records keeps its ID.
            let grew = after.iter().find(|q| p.records.iter().all(|r| q.records.contains(r)));
            if let Some(q) = grew {
                let older_absorbed = before
                    .iter()
                    .any(|o| o.id != p.id && o.records.iter().all(|r| q.records.contains(r)));
                if !older_absorbed {
                    prop_assert_eq!(&q.id, &p.id);
                }
            }
        }
    }
}

#[test]
fn a_split_followed_by_the_same_merge_restores_the_profile() {
    let records = records();
    let mut registry = IdRegistry::default();
    let resolution = Resolver::builder()
        .normalizer(normalizer())
        .build()
        .unwrap()
        .resolve(&records)
        .unwrap();
    let builder = ProfileBuilder::new(Default::default(), normalizer());
    let original = builder.build(&resolution, &records, &mut registry);
    let target = original
        .iter()
        .find(|p| p.records.len() >= 3)
        .expect("a customer with three records");
    let by_ref: BTreeMap<RecordRef, &SourceRecord> =
        records.iter().map(|r| (r.reference(), r)).collect();
    let members = |refs: &[RecordRef]| -> Vec<_> {
        refs.iter()
            .map(|r| (r.clone(), by_ref[r].observed_at))
            .collect()
    };
    // A steward splits the last record off, then the same records merge again.
    let (keep, off) = target.records.split_at(target.records.len() - 1);
    let split = registry.assign(vec![members(keep), members(off)]);
    assert_ne!(split[0], split[1]);
    assert!(split.contains(&target.id), "one part keeps the ID");
    let merged = registry.assign(vec![members(&target.records)]);
    assert_eq!(merged[0], target.id);
    let refs: Vec<&SourceRecord> = target.records.iter().map(|r| by_ref[r]).collect();
    let restored = builder.merge(merged[0].clone(), &refs);
    assert_eq!(&restored, target);
}
