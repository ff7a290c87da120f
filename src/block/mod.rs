//! Blocking: candidate pairs without comparing everything with everything.
//!
//! Each [`BlockingRule`] gives a record zero or more keys; records that share a key become
//! candidate pairs. Several rules run at once, so a pair missed by one (a misspelt surname) is
//! caught by another (the same e-mail). A key shared by more records than the block-size
//! limit is dropped and reported: a placeholder or a very common value cannot explode the
//! number of pairs. The limit is chosen from the data unless the host sets it.

use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use crate::compare::features::{KeySpace, RecordFeatures};
use crate::util::interner::Sym;

/// A way of grouping records into blocks of candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BlockingRule {
    /// The same canonical e-mail address.
    Email,
    /// The same E.164 phone number.
    Phone,
    /// The same national ID, passport or tax number (same kind and issuer).
    NationalId,
    /// The same customer, account, loyalty or other identifier.
    OtherId,
    /// The same family-name sound (Double Metaphone) and birth year.
    FamilySoundBirthYear,
    /// The same given-name initial and family name.
    InitialFamily,
    /// The same cross-script keys of given and family name (`محمد رضایی` and `Mohammad Rezaei`).
    CrossScriptName,
    /// The same postcode and house number.
    PostcodeHouse,
    /// The same birth date and given name (catches a surname change).
    BirthDateGiven,
    /// The same birth date and postcode (catches a badly misspelt name).
    BirthDatePostcode,
    /// The same birth date and house number (catches a misspelt name with a postcode typo).
    BirthDateHouse,
    /// The same given and family names in either order (catches swapped names).
    NamePair,
}

impl BlockingRule {
    /// Every built-in rule, the default set.
    pub const ALL: [BlockingRule; 12] = [
        BlockingRule::Email,
        BlockingRule::Phone,
        BlockingRule::NationalId,
        BlockingRule::OtherId,
        BlockingRule::FamilySoundBirthYear,
        BlockingRule::InitialFamily,
        BlockingRule::CrossScriptName,
        BlockingRule::PostcodeHouse,
        BlockingRule::BirthDateGiven,
        BlockingRule::BirthDatePostcode,
        BlockingRule::BirthDateHouse,
        BlockingRule::NamePair,
    ];

    /// The rule's name, as in reports.
    pub fn name(self) -> &'static str {
        match self {
            BlockingRule::Email => "email",
            BlockingRule::Phone => "phone",
            BlockingRule::NationalId => "national_id",
            BlockingRule::OtherId => "other_id",
            BlockingRule::FamilySoundBirthYear => "family_sound_birth_year",
            BlockingRule::InitialFamily => "initial_family",
            BlockingRule::CrossScriptName => "cross_script_name",
            BlockingRule::PostcodeHouse => "postcode_house",
            BlockingRule::BirthDateGiven => "birth_date_given",
            BlockingRule::BirthDatePostcode => "birth_date_postcode",
            BlockingRule::BirthDateHouse => "birth_date_house",
            BlockingRule::NamePair => "name_pair",
        }
    }

    /// Call `emit` with each key of `record` under this rule: two numbers that identify the
    /// key within the rule.
    pub(crate) fn keys(self, f: &RecordFeatures, mut emit: impl FnMut(u32, u32)) {
        let date_key = |d: &crate::normalize::PartialDate| -> Option<u32> {
            Some((d.year? as u32) * 10_000 + u32::from(d.month?) * 100 + u32::from(d.day?))
        };
        match self {
            BlockingRule::Email => f.emails.iter().for_each(|e| emit(e.canonical, 0)),
            BlockingRule::Phone => f.phones.iter().for_each(|p| emit(p.e164, 0)),
            BlockingRule::NationalId => f
                .ids
                .iter()
                .filter(|i| i.kind_is_national)
                .for_each(|i| emit(i.scheme, i.value)),
            BlockingRule::OtherId => f
                .ids
                .iter()
                .filter(|i| !i.kind_is_national)
                .for_each(|i| emit(i.scheme, i.value)),
            BlockingRule::FamilySoundBirthYear => {
                for n in &f.names {
                    if let Some(sound) = n.family_phonetic.get() {
                        for y in f.birth.iter().filter_map(|d| d.year) {
                            emit(sound, y as u32);
                        }
                    }
                }
            }
            BlockingRule::InitialFamily => {
                for n in &f.names {
                    if let (Some(family), Some(initial)) = (n.family.get(), n.given_initial) {
                        emit(family, u32::from(initial));
                    }
                }
            }
            BlockingRule::CrossScriptName => {
                for n in &f.names {
                    if let (Some(g), Some(fam)) = (n.given_cross.get(), n.family_cross.get()) {
                        emit(g, fam);
                    }
                }
            }
            BlockingRule::PostcodeHouse => {
                for a in &f.addresses {
                    if let (Some(p), Some(h)) = (a.postcode.get(), a.house.get()) {
                        emit(p, h);
                    }
                }
            }
            BlockingRule::BirthDateGiven => {
                for d in f.birth.iter().filter_map(date_key) {
                    for n in &f.names {
                        if let Some(g) = n.given_canonical.get().or(n.given.get()) {
                            emit(d, g);
                        }
                    }
                }
            }
            BlockingRule::BirthDatePostcode => {
                for d in f.birth.iter().filter_map(date_key) {
                    for p in f.addresses.iter().filter_map(|a| a.postcode.get()) {
                        emit(d, p);
                    }
                }
            }
            BlockingRule::BirthDateHouse => {
                for d in f.birth.iter().filter_map(date_key) {
                    for h in f.addresses.iter().filter_map(|a| a.house.get()) {
                        emit(d, h);
                    }
                }
            }
            BlockingRule::NamePair => {
                for n in &f.names {
                    if let (Some(g), Some(fam)) = (n.given.get(), n.family.get()) {
                        emit(g.min(fam), g.max(fam));
                    }
                }
            }
        }
    }

    /// A readable form of a key, for reports.
    fn describe(self, a: u32, b: u32, keys: &KeySpace) -> String {
        let name = |s: Sym| keys.names.resolve(s).to_owned();
        match self {
            BlockingRule::Email => keys.emails.resolve(a).to_owned(),
            BlockingRule::Phone => keys.phones.resolve(a).to_owned(),
            BlockingRule::NationalId | BlockingRule::OtherId => {
                format!("{} {}", keys.ids.resolve(a), keys.ids.resolve(b))
            }
            BlockingRule::FamilySoundBirthYear => format!("{} {b}", name(a)),
            BlockingRule::InitialFamily => {
                format!("{} {}", char::from_u32(b).unwrap_or('?'), name(a))
            }
            BlockingRule::CrossScriptName => format!("{} {}", name(a), name(b)),
            BlockingRule::PostcodeHouse => format!(
                "{} {}",
                keys.addresses.resolve(a),
                keys.addresses.resolve(b)
            ),
            BlockingRule::BirthDateGiven => format!("{a} {}", name(b)),
            BlockingRule::BirthDatePostcode | BlockingRule::BirthDateHouse => {
                format!("{a} {}", keys.addresses.resolve(b))
            }
            BlockingRule::NamePair => format!("{} {}", name(a), name(b)),
        }
    }
}

/// A blocking key shared by too many records, dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedKey {
    /// The rule that made the key.
    pub rule: BlockingRule,
    /// The key, readable.
    pub key: String,
    /// How many records shared it.
    pub records: usize,
}

/// What blocking did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingReport {
    /// The largest block kept.
    pub max_block_size: usize,
    /// Candidate pairs after removing duplicates across rules.
    pub candidate_pairs: usize,
    /// Pairs each rule produced (before removing duplicates).
    pub pairs_per_rule: Vec<(BlockingRule, usize)>,
    /// Keys dropped for being shared by more than `max_block_size` records, largest first (at
    /// most 100 listed).
    pub dropped: Vec<DroppedKey>,
    /// How many keys were dropped in all.
    pub dropped_total: usize,
}

/// Which pairs may be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMode {
    /// Find duplicates within and across sources.
    #[default]
    DeduplicateAndLink,
    /// Find duplicates only within each source.
    Deduplicate,
    /// Link records across sources only; records of one source are never paired.
    Link,
}

impl LinkMode {
    pub(crate) fn allows(self, source_a: u32, source_b: u32) -> bool {
        match self {
            LinkMode::DeduplicateAndLink => true,
            LinkMode::Deduplicate => source_a == source_b,
            LinkMode::Link => source_a != source_b,
        }
    }
}

/// The largest block the automatic limit keeps. A block of records sharing only a common name
/// ("j smith", "mohammad rezaei") holds mostly different people, and a constant limit keeps the
/// pairs per record constant as the data grows, so blocking stays linear in the number of
/// records. Measured on generated data (100 000 and 1 000 000 records), limits between 20 and 40
/// give the best pairwise F1; larger blocks add pairs, time and false links.
const AUTOMATIC_LIMIT_CAP: usize = 32;

/// Pairs per record the automatic limit allows across all blocks (before removing duplicates).
const PAIRS_PER_RECORD: u64 = 10;

/// The block-size limit chosen from the data: the largest size such that all blocks up to it
/// give at most about [`PAIRS_PER_RECORD`] pairs per record, never below 16 and never above
/// [`AUTOMATIC_LIMIT_CAP`].
fn automatic_limit(sizes: &[usize], records: usize) -> usize {
    let budget = PAIRS_PER_RECORD * records as u64 + 10_000;
    let mut sorted: Vec<usize> = sizes.iter().copied().filter(|&s| s > 1).collect();
    sorted.sort_unstable();
    let mut pairs = 0u64;
    let mut limit = 16;
    for s in sorted {
        if s > AUTOMATIC_LIMIT_CAP {
            break;
        }
        pairs += (s as u64) * (s as u64 - 1) / 2;
        if pairs > budget {
            break;
        }
        limit = limit.max(s);
    }
    limit
}

/// A blocking entry as one integer: rule, the key's two parts, then the record, from the
/// high bits down, so that integer order is the order of the four fields.
fn pack_entry(rule: u8, a: u32, b: u32, record: u32) -> u128 {
    u128::from(rule) << 96 | u128::from(a) << 64 | u128::from(b) << 32 | u128::from(record)
}

/// The fields of a [`pack_entry`] entry.
fn unpack_entry(entry: u128) -> (u8, u32, u32, u32) {
    (
        (entry >> 96) as u8,
        (entry >> 64) as u32,
        (entry >> 32) as u32,
        entry as u32,
    )
}

/// The pairs found in a run of blocks.
struct BlockPairs {
    /// Packed `a << 32 | b`, unsorted, with repeats.
    pairs: Vec<u64>,
    /// Pairs found per rule.
    per_rule: Vec<usize>,
    /// Blocks over the limit: (records, rule, key part a, key part b).
    dropped: Vec<(usize, u8, u32, u32)>,
}

impl BlockPairs {
    fn new(rules: usize) -> Self {
        BlockPairs {
            pairs: Vec::new(),
            per_rule: vec![0; rules],
            dropped: Vec::new(),
        }
    }

    /// Pair up the records of one block (entries of one key), or note it dropped when it
    /// holds more than `limit` records.
    fn add(&mut self, block: &[u128], limit: usize, mode: LinkMode, sources: &[u32]) {
        let (rule, a, b, _) = unpack_entry(block[0]);
        if block.len() > limit {
            self.dropped.push((block.len(), rule, a, b));
            return;
        }
        for (x, &i) in block.iter().enumerate() {
            let i = i as u32;
            for &j in &block[x + 1..] {
                let j = j as u32;
                if i != j && mode.allows(sources[i as usize], sources[j as usize]) {
                    self.pairs.push(u64::from(i) << 32 | u64::from(j));
                    self.per_rule[usize::from(rule)] += 1;
                }
            }
        }
    }
}

/// Records keyed per parallel task in [`candidate_pairs`].
const KEYING_CHUNK: usize = 1 << 14;

/// The blocking entries of slice `c` (of [`KEYING_CHUNK`] records) of the features, in
/// order: both keying passes take them from here, so they cannot disagree.
fn key_slice(
    rules: &[BlockingRule],
    c: usize,
    chunk: &[RecordFeatures],
    mut emit: impl FnMut(u128),
) {
    for (k, f) in chunk.iter().enumerate() {
        let i = (c * KEYING_CHUNK + k) as u32;
        for (r, rule) in rules.iter().enumerate() {
            rule.keys(f, |a, b| emit(pack_entry(r as u8, a, b, i)));
        }
    }
}

/// Candidate pairs `(a, b)` with `a < b`, packed as `a << 32 | b`, sorted and unique.
pub(crate) fn candidate_pairs(
    features: &[RecordFeatures],
    sources: &[u32],
    rules: &[BlockingRule],
    mode: LinkMode,
    max_block_size: Option<usize>,
    keys: &KeySpace,
) -> (Vec<u64>, BlockingReport) {
    // (rule, key part a, key part b, record), packed into one integer from the high bits
    // down: sorting groups each block's records in order, with integer comparisons.
    // Keyed in parallel, a slice of records at a time, in two passes: the first counts each
    // slice's keys, the second writes them straight to their place. Keying is cheap next to
    // collecting each slice's keys and copying them all into one vector (a hundred megabytes
    // at a million records, written twice).
    let slices = || features.par_chunks(KEYING_CHUNK).enumerate();
    let counts: Vec<usize> = slices()
        .map(|(c, chunk)| {
            let mut n = 0;
            key_slice(rules, c, chunk, |_| n += 1);
            n
        })
        .collect();
    let mut entries = vec![0u128; counts.iter().sum()];
    let mut outs = Vec::with_capacity(counts.len());
    let mut rest = entries.as_mut_slice();
    for &n in &counts {
        let (out, tail) = rest.split_at_mut(n);
        outs.push(out);
        rest = tail;
    }
    slices().zip(outs).for_each(|((c, chunk), out)| {
        let mut written = 0;
        key_slice(rules, c, chunk, |entry| {
            out[written] = entry;
            written += 1;
        });
        debug_assert_eq!(written, out.len(), "keying is a function of the record");
    });
    entries.par_sort_unstable();
    entries.dedup();
    // Blocks are runs of entries with the same key; walked twice rather than collected, since
    // most blocks hold one record and a list of them would cost more than the entries.
    let blocks = || entries.par_chunk_by(|x, y| x >> 32 == y >> 32);
    let limit = max_block_size.unwrap_or_else(|| {
        let sizes: Vec<usize> = blocks()
            .map(<[_]>::len)
            .filter(|&s| s > 1 && s <= AUTOMATIC_LIMIT_CAP)
            .collect();
        automatic_limit(&sizes, features.len())
    });
    // Each task pairs up a run of blocks; the runs are put back together in block order.
    let found: Vec<BlockPairs> = blocks()
        .fold(
            || BlockPairs::new(rules.len()),
            |mut found, block| {
                found.add(block, limit, mode, sources);
                found
            },
        )
        .collect();
    // The blocks are walked: their entries make room for the pairs.
    drop(entries);
    let mut pairs = Vec::with_capacity(found.iter().map(|f| f.pairs.len()).sum());
    let mut per_rule = vec![0usize; rules.len()];
    let mut dropped = Vec::new();
    for f in found {
        pairs.extend(f.pairs);
        for (total, n) in per_rule.iter_mut().zip(f.per_rule) {
            *total += n;
        }
        dropped.extend(f.dropped);
    }
    // Radix-sorted (`rdst`): ten million `u64`s at a million records, 138 -> 99 ms on two
    // cores against `par_sort_unstable`. The 128-bit entries above sort faster by comparison.
    rdst::RadixSort::radix_sort_unstable(pairs.as_mut_slice());
    pairs.dedup();
    // Ties are broken by the readable key, not by symbol numbers, which depend on the order
    // records were interned in.
    let mut dropped: Vec<(usize, u8, String)> = dropped
        .into_iter()
        .map(|(records, rule, a, b)| (records, rule, rules[rule as usize].describe(a, b, keys)))
        .collect();
    dropped.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, &x.2).cmp(&(y.1, &y.2))));
    let dropped_total = dropped.len();
    let report = BlockingReport {
        max_block_size: limit,
        candidate_pairs: pairs.len(),
        pairs_per_rule: rules.iter().copied().zip(per_rule).collect(),
        dropped: dropped
            .into_iter()
            .take(100)
            .map(|(records, rule, key)| DroppedKey {
                rule: rules[rule as usize],
                key,
                records,
            })
            .collect(),
        dropped_total,
    };
    (pairs, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_limit_keeps_small_blocks_and_drops_huge_ones() {
        let mut sizes = vec![2; 1000];
        sizes.push(5000);
        let limit = automatic_limit(&sizes, 2000);
        assert!(limit >= 16);
        assert!(limit < 5000);
    }

    #[test]
    fn packed_entries_sort_as_their_fields_and_unpack_to_them() {
        let mut tuples = Vec::new();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let field = |shift: u32| (x >> shift) as u32 % 5 * (u32::MAX / 4);
            tuples.push(((x % 3) as u8, field(2), field(17), field(31)));
        }
        let mut packed: Vec<u128> = tuples
            .iter()
            .map(|&(r, a, b, i)| pack_entry(r, a, b, i))
            .collect();
        packed.sort_unstable();
        tuples.sort_unstable();
        let unpacked: Vec<_> = packed.into_iter().map(unpack_entry).collect();
        assert_eq!(unpacked, tuples);
        assert_eq!(
            unpack_entry(pack_entry(u8::MAX, u32::MAX, 0, u32::MAX)),
            (u8::MAX, u32::MAX, 0, u32::MAX)
        );
    }

    #[test]
    fn link_modes() {
        assert!(LinkMode::Link.allows(0, 1));
        assert!(!LinkMode::Link.allows(1, 1));
        assert!(LinkMode::Deduplicate.allows(1, 1));
        assert!(!LinkMode::Deduplicate.allows(0, 1));
        assert!(LinkMode::DeduplicateAndLink.allows(0, 1));
    }
}
