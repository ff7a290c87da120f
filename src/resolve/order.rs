//! The two orders of batch resolution's records.
//!
//! *Reference order* (by source, then key) is the one results are defined in: clustering
//! numbers records by it (so ties between equally strong links, and each customer's root,
//! are what they would be in any other layout, and what real-time resolution gives), random
//! pairs are drawn by it, and callers see it.
//!
//! *Working order* is the layout of the records' features in memory, which blocking and
//! comparing walk: records grouped by their first name's family key ([`locality`]), then in
//! reference order. Most candidate pairs come from name-based blocking rules, so the two
//! records of a pair usually sit near one another, and comparing the pairs, walked by their
//! first record, finds the second in a cache that already holds its neighbours instead of
//! anywhere in a quarter of a gigabyte (at a million records: the compare stage 0.80 -> 0.54 s
//! on two cores). It depends only on the records, never on the order they arrive in.
//!
//! [`RecordOrder`] maps between the two.

use rayon::prelude::*;

use crate::model::RecordRef;
use crate::normalize::NormalizedRecord;
use crate::util::interner::head;

/// Where a record falls in the working order: the first eight bytes, big-endian, of the
/// cross-script key of its first matchable name's family name (or, failing that, given
/// name), so that names which sort together by that key sit together; `u64::MAX` (last) for
/// a record without one.
///
/// Keys written in Latin or Persian script and spelt alike (`Nikpour`, `نیکپور`) share a
/// cross-script key, which is what the name-based blocking rules pair records on.
pub(super) fn locality(record: &NormalizedRecord) -> u64 {
    record
        .names
        .iter()
        .filter_map(|n| n.matchable())
        .find_map(|n| {
            n.keys
                .family_cross_script
                .as_deref()
                .or(n.keys.given_cross_script.as_deref())
        })
        .map_or(u64::MAX, |key| {
            let head = head(key);
            u64::from_be_bytes(head[..8].try_into().expect("a head is 16 bytes"))
        })
}

/// The indices of `references` in [`RecordRef`] order (source, then key).
///
/// Sorting indices by comparing the references they point at chases two strings per
/// comparison. Instead each record gets a sort key that holds its source's rank and the first
/// 16 bytes of its key, big-endian, so most comparisons are integer comparisons on
/// contiguous memory; only keys that tie on those bytes are compared in full.
///
/// Two records with the same reference sort next to each other with the same sort key, so
/// only such neighbours are compared in full; `Err(i)` names one of them.
pub(super) fn reference_order(references: &[RecordRef]) -> Result<Vec<u32>, usize> {
    // The distinct sources (a handful, in any number of records), found on all cores.
    let mut sources: Vec<&str> = references
        .par_iter()
        .fold(hashbrown::HashSet::new, |mut seen, r| {
            seen.insert(r.source.as_str());
            seen
        })
        .reduce(hashbrown::HashSet::new, |mut a, b| {
            a.extend(b);
            a
        })
        .into_iter()
        .collect();
    sources.sort_unstable();
    let rank_of: hashbrown::HashMap<&str, u32> = sources
        .into_iter()
        .enumerate()
        .map(|(rank, source)| (source, rank as u32))
        .collect();
    let mut keyed: Vec<(u32, u128, u32)> = references
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            let prefix = u128::from_be_bytes(head(r.key.as_str()));
            (rank_of[r.source.as_str()], prefix, i as u32)
        })
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
            references[a.2 as usize]
                .key
                .cmp(&references[b.2 as usize].key)
        })
    });
    let same_key = |x: &(u32, u128, u32), y: &(u32, u128, u32)| (x.0, x.1) == (y.0, y.1);
    if let Some(w) = keyed.windows(2).find(|w| {
        same_key(&w[0], &w[1]) && references[w[0].2 as usize] == references[w[1].2 as usize]
    }) {
        return Err(w[0].2 as usize);
    }
    Ok(keyed.into_iter().map(|(_, _, i)| i).collect())
}

/// The working order of records given in some arrival order: `by_reference` is their
/// indices in reference order ([`reference_order`]) and `locality` each one's
/// [`locality`], both indexed by arrival. Returns the arrival indices in working order
/// (records sorted by locality, then by reference), and the map between the orders.
pub(super) fn working_order(by_reference: &[u32], locality: &[u64]) -> (Vec<u32>, RecordOrder) {
    // Packed so that the sort compares single integers: the locality above, the reference
    // rank below in as few bits as it needs (20 for a million records), the locality losing
    // as many of its lowest bits. Records whose localities differ only in those bits sit
    // together all the same, in reference order.
    let rank_bits = usize::BITS - by_reference.len().leading_zeros();
    let rank_mask = (1u64 << rank_bits) - 1;
    let mut keyed: Vec<u64> = by_reference
        .par_iter()
        .enumerate()
        .map(|(rank, &i)| (locality[i as usize] & !rank_mask) | rank as u64)
        .collect();
    keyed.par_sort_unstable();
    let (arrival, rank): (Vec<u32>, Vec<u32>) = keyed
        .into_par_iter()
        .map(|k| {
            let rank = (k & rank_mask) as u32;
            (by_reference[rank as usize], rank)
        })
        .unzip();
    (arrival, RecordOrder::from_ranks(rank))
}

/// The map between a record's position in the working order (its index in every per-record
/// vector of a resolution) and its rank in reference order.
#[derive(Debug, Clone)]
pub(crate) struct RecordOrder {
    /// By position: the record's rank in reference order.
    rank: Vec<u32>,
    /// By rank: the record's position.
    position: Vec<u32>,
}

impl RecordOrder {
    /// The order in which the record at position `i` has reference rank `ranks[i]`; `ranks`
    /// must hold each of `0..ranks.len()` once.
    fn from_ranks(ranks: Vec<u32>) -> Self {
        let mut position = vec![0u32; ranks.len()];
        for (i, &rank) in ranks.iter().enumerate() {
            position[rank as usize] = i as u32;
        }
        RecordOrder {
            rank: ranks,
            position,
        }
    }

    /// The reference rank of the record at `position`.
    pub(super) fn rank(&self, position: usize) -> usize {
        self.rank[position] as usize
    }

    /// The positions of a pair of records, the one earlier in reference order first: a
    /// comparison need not be symmetric (which record's value is the fuller one, say), and
    /// is made the way round it would be with records laid out in reference order.
    pub(super) fn by_rank(&self, (a, b): (usize, usize)) -> (usize, usize) {
        if self.rank[a] <= self.rank[b] {
            (a, b)
        } else {
            (b, a)
        }
    }

    /// The position of the record with reference rank `rank`.
    pub(super) fn position(&self, rank: usize) -> usize {
        self.position[rank] as usize
    }

    /// Each record's reference rank, by position.
    pub(super) fn ranks(&self) -> &[u32] {
        &self.rank
    }

    /// Each record's position, by reference rank.
    pub(super) fn positions(&self) -> &[u32] {
        &self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::RecordNormalizer;
    use crate::{PersonName, SourceRecord};

    #[test]
    fn references_sort_by_source_then_key_and_a_repeat_is_found() {
        // Keys that tie on their first 16 bytes, keys that are prefixes of others, a NUL
        // byte, non-ASCII text and several sources in no particular order.
        let long = "customer-0000000000";
        let raw = [
            ("web", "b"),
            ("crm", long),
            ("crm", "customer-00000000009"),
            ("crm", "customer-000000000"),
            ("crm", "customer-000000000\0"),
            ("crm", "ab"),
            ("crm", "a"),
            ("web", "a"),
            ("call_centre", "علی"),
            ("call_centre", "z"),
            ("crm", "customer-0000000001"),
        ];
        let references: Vec<RecordRef> = raw
            .iter()
            .map(|&(source, key)| RecordRef {
                source: source.into(),
                key: key.into(),
            })
            .collect();
        let mut expected: Vec<u32> = (0..references.len() as u32).collect();
        expected.sort_by(|&a, &b| references[a as usize].cmp(&references[b as usize]));
        assert_eq!(reference_order(&references), Ok(expected));
        assert_eq!(reference_order(&[]), Ok(Vec::new()));
        // A repeated reference is found wherever it is.
        let mut repeated = references.clone();
        repeated.push(references[3].clone());
        repeated.swap(0, 3);
        let duplicate = reference_order(&repeated).unwrap_err();
        assert_eq!(repeated[duplicate], references[3]);
    }

    #[test]
    fn locality_is_the_family_key_then_the_given_key_and_last_without_a_name() {
        let normalizer = RecordNormalizer::default();
        let of = |record: SourceRecord| locality(&normalizer.normalize(&record));
        let smith = of(SourceRecord::new("crm", "1").name(PersonName::from_parts("Ann", "Smith")));
        let smyth = of(SourceRecord::new("web", "2").name(PersonName::from_parts("Bo", "Smyth")));
        let jones = of(SourceRecord::new("crm", "3").name(PersonName::from_parts("Ann", "Jones")));
        // Spelt alike, keyed alike; and in the order of their keys.
        assert_eq!(smith, smyth);
        assert!(jones < smith);
        let given_only = of(SourceRecord::new("crm", "4").name(PersonName {
            given: Some("Ann".into()),
            ..PersonName::default()
        }));
        assert_ne!(given_only, u64::MAX);
        let nameless = of(SourceRecord::new("crm", "5").email("ann@example.org"));
        assert_eq!(nameless, u64::MAX);
    }

    #[test]
    fn working_order_groups_by_locality_then_reference_rank_and_maps_both_ways() {
        // Arrival indices 0..6; in reference order they come 3, 0, 4, 1, 2, 5.
        let by_reference = [3, 0, 4, 1, 2, 5];
        let (five, seven) = (5 << 40, 7 << 40);
        // Arrival 5 differs from arrival 0 in its lowest bits only: below the ranks' room.
        let locality = [seven + 1, five, seven, five, u64::MAX, seven];
        let (arrival, order) = working_order(&by_reference, &locality);
        // `five`: arrivals 3 (rank 0) and 1 (rank 3); `seven`: 0 (rank 1), 2 (rank 4) and
        // 5 (rank 5); then 4 (rank 2), which has no name.
        assert_eq!(arrival, [3, 1, 0, 2, 5, 4]);
        assert_eq!(order.ranks(), [0, 3, 1, 4, 5, 2]);
        for position in 0..arrival.len() {
            assert_eq!(order.position(order.rank(position)), position);
            assert_eq!(by_reference[order.rank(position)], arrival[position]);
        }
        assert_eq!(order.positions(), [0, 2, 5, 1, 3, 4]);
        let (arrival, order) = working_order(&[], &[]);
        assert!(arrival.is_empty() && order.ranks().is_empty());
    }
}
