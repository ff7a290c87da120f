//! Stable customer IDs and their lineage across runs.
//!
//! A customer's ID is derived from its *anchor*: its oldest record (by observation time, then
//! by reference). The same data in any order therefore gets the same IDs. The
//! [`IdRegistry`] remembers which ID each record had, so that later runs keep them:
//!
//! - a customer that still exists keeps its ID, however many records join it;
//! - when customers merge, the one whose anchor is older keeps its ID and the other becomes
//!   an alias that still resolves ([`IdRegistry::resolve`]);
//! - when a customer splits, the part holding its anchor keeps the ID; the other parts get the
//!   IDs of their own anchors (an ID that was merged away comes back);
//! - every change is recorded as a [`LineageEvent`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::RecordRef;
use crate::resolve::CustomerId;

/// FNV-1a, 64-bit: a hash whose output is fixed by its definition, for IDs that must not
/// change between versions or platforms.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The ID derived from an anchor record (and a collision counter, normally 0).
pub(crate) fn derive_id(anchor: &RecordRef, counter: u32) -> CustomerId {
    let (source, key) = (anchor.source.as_str(), anchor.key.as_str());
    let hash = match counter {
        0 => fnv1a(&[source, key]),
        n => fnv1a(&[source, key, &n.to_string()]),
    };
    // `C` and the hash in 16 lower-case hex digits, written directly: a batch run derives
    // one per customer, and the formatting machinery cost more than the hash.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(17);
    id.push('C');
    for shift in (0..16).rev() {
        id.push(char::from(HEX[(hash >> (shift * 4)) as usize & 0xf]));
    }
    CustomerId(id)
}

/// A record as the registry sees it: its reference and observation time.
pub(crate) type Member = (RecordRef, Option<DateTime<Utc>>);

/// Age order of records: observed earlier first, unknown times last, then by reference.
fn age_key(member: &Member) -> (bool, Option<DateTime<Utc>>, &RecordRef) {
    (member.1.is_none(), member.1, &member.0)
}

/// The anchor of a group of records: its oldest.
pub(crate) fn anchor(members: &[Member]) -> Option<&Member> {
    members.iter().min_by(|a, b| age_key(a).cmp(&age_key(b)))
}

/// What happened to customer IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LineageEvent {
    /// A new customer.
    Created {
        /// Its ID.
        id: CustomerId,
        /// Its anchor record.
        anchor: RecordRef,
    },
    /// Customers merged; the absorbed IDs are now aliases of the survivor.
    Merged {
        /// The ID that lives on.
        survivor: CustomerId,
        /// The IDs that became aliases.
        absorbed: Vec<CustomerId>,
    },
    /// Records left a customer and formed another.
    Split {
        /// The customer they left.
        from: CustomerId,
        /// The customer they now form.
        into: CustomerId,
    },
    /// A customer has no records left.
    Retired {
        /// Its ID.
        id: CustomerId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IdInfo {
    anchor: RecordRef,
    anchor_time: Option<DateTime<Utc>>,
}

/// Remembers customer IDs across runs: which ID every record has, which IDs are aliases of
/// which, and the lineage of every change. Pure data: the host stores it (it is serde
/// serialisable) and passes it to the next run.
///
/// ```
/// use customer360::profile::IdRegistry;
/// use customer360::RecordRef;
///
/// let r = |k: &str| RecordRef { source: "crm".into(), key: k.into() };
/// let mut registry = IdRegistry::default();
/// // Run 1: two customers.
/// let ids = registry.assign(vec![vec![(r("1"), None)], vec![(r("2"), None)]]);
/// // Run 2: they turn out to be one person. The older ID survives; the other still resolves.
/// let merged = registry.assign(vec![vec![(r("1"), None), (r("2"), None)]]);
/// assert_eq!(merged[0], ids[0]);
/// assert_eq!(registry.resolve(&ids[1]), Some(ids[0].clone()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRegistry {
    /// Serialised as a list of pairs: a record reference is a struct, and JSON object keys
    /// must be strings.
    #[serde(with = "pairs")]
    records: BTreeMap<RecordRef, CustomerId>,
    ids: BTreeMap<CustomerId, IdInfo>,
    aliases: BTreeMap<CustomerId, CustomerId>,
    events: Vec<LineageEvent>,
}

impl IdRegistry {
    /// The customer ID an ID now stands for: itself if it is current, its survivor if it was
    /// merged away, `None` if it was never issued or its customer has no records left.
    pub fn resolve(&self, id: &CustomerId) -> Option<CustomerId> {
        self.resolve_all(std::slice::from_ref(id)).pop().flatten()
    }

    /// [`resolve`](Self::resolve) for each of `ids`, in one pass over the records however
    /// many there are.
    pub fn resolve_all(&self, ids: &[CustomerId]) -> Vec<Option<CustomerId>> {
        let ends: Vec<Option<&CustomerId>> = ids.iter().map(|id| self.alias_end(id)).collect();
        // Whether each distinct end still has a record.
        let mut live: hashbrown::HashMap<&CustomerId, bool> =
            ends.iter().flatten().map(|&id| (id, false)).collect();
        let mut unseen = live.len();
        for id in self.records.values() {
            if unseen == 0 {
                break;
            }
            if let Some(seen @ false) = live.get_mut(id) {
                *seen = true;
                unseen -= 1;
            }
        }
        ends.into_iter()
            .map(|end| end.filter(|id| live[id]).cloned())
            .collect()
    }

    /// The end of `id`'s alias chain; `None` for a corrupted (cyclic) chain.
    fn alias_end<'a>(&'a self, id: &'a CustomerId) -> Option<&'a CustomerId> {
        let mut current = id;
        // Alias chains are acyclic; the bound guards against a corrupted registry.
        for _ in 0..=self.aliases.len() {
            match self.aliases.get(current) {
                Some(next) => current = next,
                None => return Some(current),
            }
        }
        None
    }

    /// Every lineage event that names `id`, oldest first.
    pub fn lineage(&self, id: &CustomerId) -> Vec<&LineageEvent> {
        self.events
            .iter()
            .filter(|e| match e {
                LineageEvent::Created { id: x, .. } | LineageEvent::Retired { id: x } => x == id,
                LineageEvent::Merged { survivor, absorbed } => {
                    survivor == id || absorbed.contains(id)
                }
                LineageEvent::Split { from, into } => from == id || into == id,
            })
            .collect()
    }

    /// Every lineage event, oldest first.
    pub fn events(&self) -> &[LineageEvent] {
        &self.events
    }

    /// The ID a record currently has.
    pub fn id_of(&self, record: &RecordRef) -> Option<&CustomerId> {
        self.records.get(record)
    }

    /// Every record with an ID, and the ID, in record order.
    pub fn assignments(&self) -> impl Iterator<Item = (&RecordRef, &CustomerId)> {
        self.records.iter()
    }

    /// Forget a record (for erasure): it no longer has an ID, and wherever the registry named
    /// it as an anchor (of an ID or in a `Created` event) it is replaced by `tombstone`, a
    /// reference that carries nothing personal. IDs keep their values, so other records'
    /// IDs stay stable; a customer left without records is retired.
    pub fn forget_record(&mut self, record: &RecordRef, tombstone: &RecordRef) {
        self.forget_records(&[(record.clone(), tombstone.clone())]);
    }

    /// [`forget_record`](Self::forget_record) for each `(record, tombstone)` in turn, in one
    /// pass over the registry however many there are: the registry ends as it would after
    /// forgetting them one by one, retirements in the same order.
    pub fn forget_records(&mut self, forgotten: &[(RecordRef, RecordRef)]) {
        if forgotten.is_empty() {
            return;
        }
        // Each ID that lost a record, with the position of the last one it lost: that is
        // when forgetting one by one finds it empty and retires it.
        let mut lost: hashbrown::HashMap<CustomerId, usize> = hashbrown::HashMap::new();
        for (at, (record, _)) in forgotten.iter().enumerate() {
            if let Some(id) = self.records.remove(record) {
                lost.insert(id, at);
            }
        }
        // A record forgotten twice was an anchor only until its first tombstone.
        let mut stones: hashbrown::HashMap<&RecordRef, &RecordRef> = hashbrown::HashMap::new();
        for (record, tombstone) in forgotten {
            stones.entry(record).or_insert(tombstone);
        }
        for info in self.ids.values_mut() {
            if let Some(&stone) = stones.get(&info.anchor) {
                info.anchor = stone.clone();
            }
        }
        for e in &mut self.events {
            if let LineageEvent::Created { anchor, .. } = e {
                if let Some(&stone) = stones.get(&*anchor) {
                    *anchor = stone.clone();
                }
            }
        }
        for id in self.records.values() {
            if lost.is_empty() {
                break;
            }
            lost.remove(id);
        }
        let mut retired: Vec<(usize, CustomerId)> =
            lost.into_iter().map(|(id, at)| (at, id)).collect();
        retired.sort_unstable();
        self.events.extend(
            retired
                .into_iter()
                .map(|(_, id)| LineageEvent::Retired { id }),
        );
    }

    /// Give each cluster of records (with their observation times) its customer ID, keeping
    /// the IDs of earlier runs as the module documentation describes, and record the lineage.
    /// Returns one ID per cluster, in the order given. Records not in any cluster are
    /// forgotten; customers left without records are retired.
    pub fn assign(&mut self, clusters: Vec<Vec<Member>>) -> Vec<CustomerId> {
        // Work in a canonical cluster order so that the result does not depend on the order
        // clusters arrive in; map back at the end.
        let mut order: Vec<usize> = (0..clusters.len()).collect();
        order.sort_by_key(|&i| clusters[i].iter().map(|m| &m.0).min());

        // Each earlier ID's home: the cluster holding its anchor, else its oldest record.
        let mut previous: BTreeMap<CustomerId, Vec<&Member>> = BTreeMap::new();
        for members in &clusters {
            for m in members {
                if let Some(id) = self.records.get(&m.0) {
                    previous.entry(id.clone()).or_default().push(m);
                }
            }
        }
        let mut cluster_of: BTreeMap<&RecordRef, usize> = BTreeMap::new();
        if !previous.is_empty() {
            for (c, members) in clusters.iter().enumerate() {
                for m in members {
                    cluster_of.insert(&m.0, c);
                }
            }
        }
        let mut home: BTreeMap<CustomerId, usize> = BTreeMap::new();
        for (id, members) in &previous {
            let at = self
                .ids
                .get(id)
                .and_then(|info| cluster_of.get(&info.anchor).copied())
                .or_else(|| {
                    members
                        .iter()
                        .min_by(|a, b| age_key(a).cmp(&age_key(b)))
                        .and_then(|m| cluster_of.get(&m.0).copied())
                });
            if let Some(c) = at {
                home.insert(id.clone(), c);
            }
        }

        // Each cluster's homed IDs, in ID order (looked up per cluster below; filtering
        // `home` there instead made a run over a registry of n customers quadratic).
        let mut homed_in: Vec<Vec<&CustomerId>> = vec![Vec::new(); clusters.len()];
        for (id, &c) in &home {
            homed_in[c].push(id);
        }

        let mut assigned: Vec<Option<CustomerId>> = vec![None; clusters.len()];
        let mut in_use: BTreeSet<CustomerId> = BTreeSet::new();
        let mut events = Vec::new();
        for &c in &order {
            let members = &clusters[c];
            let Some(anchor_member) = anchor(members) else {
                continue;
            };
            let mut homed = std::mem::take(&mut homed_in[c]);
            homed.sort_by_key(|id| {
                self.ids
                    .get(*id)
                    .map(|i| (i.anchor_time.is_none(), i.anchor_time, i.anchor.clone()))
            });
            let id = if let Some(&survivor) = homed.first() {
                let absorbed: Vec<CustomerId> = homed[1..].iter().map(|&x| x.clone()).collect();
                if !absorbed.is_empty() {
                    events.push(LineageEvent::Merged {
                        survivor: survivor.clone(),
                        absorbed: absorbed.clone(),
                    });
                }
                survivor.clone()
            } else {
                // A new customer, or a part split off: the ID of its own anchor. An ID that was
                // merged away earlier comes back when its anchor stands alone again.
                let mut counter = 0;
                let mut candidate = derive_id(&anchor_member.0, counter);
                while in_use.contains(&candidate)
                    || (home.contains_key(&candidate) && home[&candidate] != c)
                {
                    counter += 1;
                    candidate = derive_id(&anchor_member.0, counter);
                }
                let revived = self.aliases.remove(&candidate).is_some();
                if !revived && !self.ids.contains_key(&candidate) {
                    events.push(LineageEvent::Created {
                        id: candidate.clone(),
                        anchor: anchor_member.0.clone(),
                    });
                }
                self.ids.insert(
                    candidate.clone(),
                    IdInfo {
                        anchor: anchor_member.0.clone(),
                        anchor_time: anchor_member.1,
                    },
                );
                candidate
            };
            // Records that came from other customers' homes were split off from them.
            let mut sources: BTreeSet<&CustomerId> = BTreeSet::new();
            for m in members {
                if let Some(prev) = self.records.get(&m.0) {
                    if *prev != id && home.get(prev) != Some(&c) {
                        sources.insert(prev);
                    }
                }
            }
            for from in sources {
                events.push(LineageEvent::Split {
                    from: from.clone(),
                    into: id.clone(),
                });
            }
            in_use.insert(id.clone());
            assigned[c] = Some(id);
        }

        // Apply: aliases for absorbed IDs, new record assignments, retirements.
        for e in &events {
            if let LineageEvent::Merged { survivor, absorbed } = e {
                for a in absorbed {
                    self.aliases.insert(a.clone(), survivor.clone());
                }
            }
        }
        let before: BTreeSet<CustomerId> = self.records.values().cloned().collect();
        self.records.clear();
        for (members, id) in clusters.iter().zip(&assigned) {
            if let Some(id) = id {
                for m in members {
                    self.records.insert(m.0.clone(), id.clone());
                }
            }
        }
        for old in before {
            if !in_use.contains(&old) && !self.aliases.contains_key(&old) {
                events.push(LineageEvent::Retired { id: old });
            }
        }
        self.events.extend(events);
        assigned
            .into_iter()
            .map(|id| id.unwrap_or_else(|| CustomerId(String::new())))
            .collect()
    }
}

/// A map serialised as a sequence of `(key, value)` pairs, for maps whose keys are not
/// strings (JSON object keys must be).
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map.iter())
    }

    pub(super) fn deserialize<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn registry_round_trips_through_json() {
        let mut registry = IdRegistry::default();
        registry.assign(vec![vec![m("1", 1), m("2", 2)], vec![m("3", 3)]]);
        registry.assign(vec![vec![m("1", 1), m("2", 2), m("3", 3)]]);
        let json = serde_json::to_string(&registry).expect("record-keyed maps serialise as pairs");
        let back: IdRegistry = serde_json::from_str(&json).expect("and read back");
        assert_eq!(back, registry);
        assert_eq!(back.id_of(&m("3", 3).0), registry.id_of(&m("3", 3).0));
    }

    fn m(key: &str, day: u32) -> Member {
        (
            RecordRef {
                source: "crm".into(),
                key: key.into(),
            },
            Some(Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap()),
        )
    }

    #[test]
    fn derived_ids_are_fixed_by_definition() {
        // FNV-1a 64 of "crm", 0x1f, "1" (and 0x1f, "2" with a collision counter of 2): these
        // values must never change, or every stored customer ID would.
        let anchor = m("1", 1).0;
        assert_eq!(derive_id(&anchor, 0).0, "Cf99d329eff16770b");
        assert_eq!(derive_id(&anchor, 2).0, "C1bfbdfd4b457800a");
    }

    #[test]
    fn same_clusters_in_any_order_get_the_same_ids() {
        let a = IdRegistry::default().assign(vec![vec![m("1", 1), m("2", 2)], vec![m("3", 3)]]);
        let b = IdRegistry::default().assign(vec![vec![m("3", 3)], vec![m("2", 2), m("1", 1)]]);
        assert_eq!(a[0], b[1]);
        assert_eq!(a[1], b[0]);
        // The anchor is the oldest record.
        assert_eq!(a[0], derive_id(&m("1", 1).0, 0));
    }

    #[test]
    fn more_data_keeps_ids_even_when_an_older_record_joins() {
        let mut reg = IdRegistry::default();
        let first = reg.assign(vec![vec![m("2", 5)]]);
        let second = reg.assign(vec![vec![m("2", 5), m("1", 1)], vec![m("9", 9)]]);
        assert_eq!(second[0], first[0], "the existing customer keeps its ID");
    }

    #[test]
    fn merge_keeps_the_older_id_and_aliases_the_other() {
        let mut reg = IdRegistry::default();
        let ids = reg.assign(vec![vec![m("new", 9)], vec![m("old", 1)]]);
        let merged = reg.assign(vec![vec![m("new", 9), m("old", 1)]]);
        assert_eq!(
            merged[0], ids[1],
            "the customer with the older anchor survives"
        );
        assert_eq!(reg.resolve(&ids[0]), Some(ids[1].clone()));
        assert!(reg
            .lineage(&ids[0])
            .iter()
            .any(|e| matches!(e, LineageEvent::Merged { .. })));
    }

    #[test]
    fn split_keeps_the_id_with_the_anchor_and_a_remerge_restores_it() {
        let mut reg = IdRegistry::default();
        let whole = reg.assign(vec![vec![m("1", 1), m("2", 2), m("3", 3)]]);
        let split = reg.assign(vec![vec![m("1", 1), m("2", 2)], vec![m("3", 3)]]);
        assert_eq!(
            split[0], whole[0],
            "the part holding the oldest record keeps the ID"
        );
        assert_ne!(split[1], whole[0]);
        assert!(reg
            .lineage(&whole[0])
            .iter()
            .any(|e| matches!(e, LineageEvent::Split { .. })));
        let again = reg.assign(vec![vec![m("1", 1), m("2", 2), m("3", 3)]]);
        assert_eq!(again[0], whole[0]);
        assert_eq!(reg.resolve(&split[1]), Some(whole[0].clone()));
    }

    #[test]
    fn a_merged_away_id_comes_back_when_its_anchor_splits_off() {
        let mut reg = IdRegistry::default();
        let ids = reg.assign(vec![vec![m("a", 1)], vec![m("b", 2)]]);
        reg.assign(vec![vec![m("a", 1), m("b", 2)]]);
        let apart = reg.assign(vec![vec![m("a", 1)], vec![m("b", 2)]]);
        assert_eq!(apart, ids);
        assert_eq!(reg.resolve(&ids[1]), Some(ids[1].clone()));
    }

    #[test]
    fn customers_without_records_retire() {
        let mut reg = IdRegistry::default();
        let ids = reg.assign(vec![vec![m("a", 1)], vec![m("b", 2)]]);
        reg.assign(vec![vec![m("a", 1)]]);
        assert_eq!(reg.resolve(&ids[1]), None);
        assert!(reg
            .lineage(&ids[1])
            .iter()
            .any(|e| matches!(e, LineageEvent::Retired { .. })));
    }

    /// A registry with a merge (an alias), several customers and a retirement behind it.
    fn with_history() -> (IdRegistry, Vec<CustomerId>) {
        let mut reg = IdRegistry::default();
        let ids = reg.assign(vec![
            vec![m("a", 1)],
            vec![m("b", 2)],
            vec![m("c", 3), m("d", 4)],
            vec![m("e", 5)],
        ]);
        reg.assign(vec![
            vec![m("a", 1), m("b", 2)],
            vec![m("c", 3), m("d", 4)],
            vec![m("e", 5)],
            vec![m("f", 6)],
        ]);
        (reg, ids)
    }

    #[test]
    fn forgetting_records_at_once_is_forgetting_them_one_by_one() {
        let stone = |k: &str| m(&format!("erased:{k}"), 1).0;
        // Whole customers and part of one, a record forgotten twice, one never assigned.
        let forgotten: Vec<(RecordRef, RecordRef)> = ["e", "a", "c", "a", "zz", "b", "f"]
            .iter()
            .map(|k| (m(k, 1).0, stone(k)))
            .collect();
        let (mut one, _) = with_history();
        for (record, tombstone) in &forgotten {
            one.forget_record(record, tombstone);
        }
        let (mut many, _) = with_history();
        many.forget_records(&forgotten);
        assert_eq!(many, one);
        // The checks above would pass if neither did anything.
        let retired: Vec<&LineageEvent> = many
            .events()
            .iter()
            .filter(|e| matches!(e, LineageEvent::Retired { .. }))
            .collect();
        assert_eq!(retired.len(), 3, "e's, then a-and-b's, then f's customer");
        assert!(!serde_json::to_string(&many).unwrap().contains("\"a\""));
        assert!(many.id_of(&m("d", 4).0).is_some());
    }

    #[test]
    fn resolving_many_ids_is_resolving_each() {
        let (mut reg, ids) = with_history();
        reg.forget_record(&m("e", 5).0, &m("erased:e", 5).0);
        let mut asked = ids.clone();
        asked.push(CustomerId("C-never-issued".into()));
        asked.push(ids[1].clone());
        let each: Vec<Option<CustomerId>> = asked.iter().map(|id| reg.resolve(id)).collect();
        assert_eq!(reg.resolve_all(&asked), each);
        // An alias, a current ID, a retired one and one never issued.
        assert_eq!(each[1], Some(ids[0].clone()));
        assert_eq!(each[2], Some(ids[2].clone()));
        assert_eq!(each[3], None);
        assert_eq!(each[4], None);
    }
}
