//! The in-memory state of real-time resolution: records, their features, blocks, value counts
//! and the above-threshold links between records, with re-clustering of the neighbourhood a
//! change touches. Pure: no I/O, no clock.
//!
//! Why the result equals batch resolution with the same [`Population`]: with a population,
//! a pair's weight depends only on the two records and on per-value states (a block over the
//! size limit, a value's frequency bucket, a value shared by people with different given
//! names). Every change of a per-value state re-evaluates every holder of the value, so each
//! stored link is always the link batch would compute. Batch clustering (strongest link first,
//! ties by record order, the guard seeing both whole clusters) decides within one connected
//! component of links independently of every other, so re-clustering the components a change
//! touches, with records numbered in canonical order, gives batch's clusters there.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::block::{BlockingRule, LinkMode};
use crate::cluster::{cluster, Link, Refusal};
use crate::compare::features::{FeatureBuilder, KeySpace, RecordFeatures};
use crate::compare::{index, Comparator, SharedValues};
use crate::model::{RecordRef, SourceRecord};
use crate::normalize::NormalizedRecord;
use crate::profile::{derive_id, LineageEvent};
use crate::resolve::{
    names_differ, note_sharing_name, sharing_name, tf_bucket, tf_values, Guard, LevelWeights,
    Scorer, TermFrequencies,
};
use crate::resolve::{ClusterExplanation, CustomerId, LinkExplanation, MatchModel, Population};
use crate::score::probability;
use crate::util::interner::Sym;

/// Fewer values than this and term frequencies are not used (as in batch).
const MIN_TF_VALUES: u64 = 200;

/// A blocking key: rule position and the rule's two numbers.
type BlockKey = (u8, u32, u32);

pub(crate) struct Slot {
    pub(crate) record: SourceRecord,
    pub(crate) reference: RecordRef,
    pub(crate) observed: Option<DateTime<Utc>>,
    features: RecordFeatures,
    source: u32,
    pub(crate) lookup_keys: Vec<String>,
    /// Above-threshold links to other records, with their weights.
    links: Vec<(u32, f64)>,
    /// The record's cluster (a key of `Engine::clusters`).
    cluster: u32,
}

/// A customer: its records and how it was built.
pub(crate) struct Cluster {
    pub(crate) id: CustomerId,
    pub(crate) members: Vec<u32>,
    /// Links joined inside it and links touching it that were refused (slot numbers).
    decisions: Vec<Decision>,
}

/// What one change did to customers.
#[derive(Debug, Default)]
pub(crate) struct Change {
    /// Records whose customer ID changed (or that are new), with the new ID.
    pub(crate) assigned: Vec<(RecordRef, CustomerId)>,
    pub(crate) lineage: Vec<LineageEvent>,
    /// Aliases that appeared (absorbed → survivor) and IDs that stopped being aliases.
    pub(crate) aliased: Vec<(CustomerId, CustomerId)>,
    pub(crate) unaliased: Vec<CustomerId>,
    /// The previous customers of the records now with the changed record's customer.
    pub(crate) previous: BTreeSet<CustomerId>,
}

pub(crate) struct Settings {
    pub(crate) mode: LinkMode,
    pub(crate) rules: Vec<BlockingRule>,
    pub(crate) model: MatchModel,
    pub(crate) population: Population,
    pub(crate) min_weight: f64,
}

pub(crate) struct Engine {
    settings: Settings,
    prior_weight: f64,
    /// The model's level weights (the model never changes once the engine is built).
    level_weights: LevelWeights,
    keys: KeySpace,
    builder: FeatureBuilder,
    pub(crate) slots: Vec<Option<Slot>>,
    pub(crate) by_ref: HashMap<RecordRef, u32>,
    sources: HashMap<String, u32>,
    blocks: HashMap<BlockKey, Vec<u32>>,
    tf: TermFrequencies,
    /// Holders of each term-frequency value, sorted by reference.
    holders: HashMap<(u8, Sym), Vec<u32>>,
    shared: SharedValues,
    lookup: HashMap<String, Vec<u32>>,
    pub(crate) clusters: HashMap<u32, Cluster>,
    next_cluster: u32,
    cannot_link: HashMap<RecordRef, BTreeSet<RecordRef>>,
    pub(crate) aliases: HashMap<CustomerId, CustomerId>,
    pub(crate) by_id: HashMap<CustomerId, u32>,
    /// Each issued ID's anchor record and its time.
    id_anchor: HashMap<CustomerId, RecordRef>,
    id_time: HashMap<CustomerId, Option<DateTime<Utc>>>,
    /// Records whose existing links must be weighed again (filled by `count`).
    rescore: BTreeSet<u32>,
}

/// Age order of records: observed earlier first, unknown times last, then by reference.
type Age = (bool, Option<DateTime<Utc>>, RecordRef);

/// A clustering decision: two records (slots), the link's weight and any refusal.
type Decision = (u32, u32, f64, Option<Refusal>);

impl Engine {
    pub(crate) fn new(settings: Settings) -> Self {
        let prior_weight = settings.population.prior_weight(&settings.model);
        let level_weights = LevelWeights::new(&settings.model);
        let mut tf = TermFrequencies::default();
        tf.frozen_total = Some(settings.population.records);
        Engine {
            settings,
            prior_weight,
            level_weights,
            keys: KeySpace::default(),
            builder: FeatureBuilder::default(),
            slots: Vec::new(),
            by_ref: HashMap::new(),
            sources: HashMap::new(),
            blocks: HashMap::new(),
            tf,
            holders: HashMap::new(),
            shared: SharedValues::default(),
            lookup: HashMap::new(),
            clusters: HashMap::new(),
            next_cluster: 0,
            cannot_link: HashMap::new(),
            aliases: HashMap::new(),
            by_id: HashMap::new(),
            id_anchor: HashMap::new(),
            id_time: HashMap::new(),
            rescore: BTreeSet::new(),
        }
    }

    /// The comparator over this engine's keys and shared values.
    fn comparator(&self) -> Comparator<'_> {
        Comparator {
            keys: &self.keys,
            shared: &self.shared,
        }
    }

    /// The scorer of this engine's model, frequencies and population prior.
    fn scorer(&self) -> Scorer<'_> {
        Scorer {
            model: &self.settings.model,
            levels: &self.level_weights,
            tf: &self.tf,
            tf_cache: None,
            prior_weight: self.prior_weight,
        }
    }

    pub(crate) fn slot(&self, i: u32) -> Option<&Slot> {
        self.slots.get(i as usize).and_then(Option::as_ref)
    }

    fn live(&self, i: u32) -> &Slot {
        self.slot(i).expect("a live slot")
    }

    pub(crate) fn len(&self) -> usize {
        self.by_ref.len()
    }

    /// The customer of a record.
    pub(crate) fn customer_of(&self, r: &RecordRef) -> Option<&CustomerId> {
        let i = *self.by_ref.get(r)?;
        self.clusters.get(&self.live(i).cluster).map(|c| &c.id)
    }

    /// The current ID an ID stands for (following aliases).
    pub(crate) fn resolve_id(&self, id: &CustomerId) -> Option<CustomerId> {
        let mut current = id;
        for _ in 0..=self.aliases.len() {
            if self.by_id.contains_key(current) {
                return Some(current.clone());
            }
            current = self.aliases.get(current)?;
        }
        None
    }

    /// The records of a current customer.
    pub(crate) fn members(&self, id: &CustomerId) -> Option<Vec<&Slot>> {
        let c = self.clusters.get(self.by_id.get(id)?)?;
        Some(c.members.iter().map(|&m| self.live(m)).collect())
    }

    /// The customers holding a lookup key.
    pub(crate) fn find(&self, key: &str) -> BTreeSet<CustomerId> {
        self.lookup
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.clusters.get(&self.live(i).cluster))
            .map(|c| c.id.clone())
            .collect()
    }

    pub(crate) fn explain(&self, id: &CustomerId) -> Option<ClusterExplanation> {
        let c = self.clusters.get(self.by_id.get(id)?)?;
        let mut records: Vec<RecordRef> = c
            .members
            .iter()
            .map(|&m| self.live(m).reference.clone())
            .collect();
        records.sort();
        let mut explanation = ClusterExplanation {
            customer: c.id.clone(),
            records,
            links: Vec::new(),
            refused: Vec::new(),
        };
        for (a, b, weight, refusal) in &c.decisions {
            let (Some(x), Some(y)) = (self.slot(*a), self.slot(*b)) else {
                continue;
            };
            let link = LinkExplanation {
                a: x.reference.clone(),
                b: y.reference.clone(),
                weight: *weight,
                probability: probability(*weight),
                refusal: refusal.clone(),
            };
            if link.refusal.is_none() {
                explanation.links.push(link);
            } else {
                explanation.refused.push(link);
            }
        }
        Some(explanation)
    }

    /// Add a record (replacing one with the same reference). Returns its slot and the change.
    pub(crate) fn insert(
        &mut self,
        record: SourceRecord,
        normalized: &NormalizedRecord,
        lookup_keys: Vec<String>,
    ) -> (u32, Change) {
        let reference = record.reference();
        let mut affected: BTreeSet<u32> = BTreeSet::new();
        let mut touched: BTreeSet<u32> = BTreeSet::new();
        let mut old_ids = BTreeMap::new();
        if let Some(&old) = self.by_ref.get(&reference) {
            self.detach(old, &mut affected, &mut touched, &mut old_ids);
        }
        let features = self.builder.build(normalized, &mut self.keys);
        let next = self.sources.len() as u32;
        let source = *self
            .sources
            .entry(reference.source.0.clone())
            .or_insert(next);
        let i = self.slots.len() as u32;
        self.slots.push(Some(Slot {
            observed: record.observed_at,
            record,
            reference: reference.clone(),
            features,
            source,
            lookup_keys,
            links: Vec::new(),
            cluster: u32::MAX,
        }));
        self.by_ref.insert(reference, i);
        let slots = &self.slots;
        for key in &slots[i as usize].as_ref().expect("live").lookup_keys {
            self.lookup.entry(key.clone()).or_default().push(i);
        }
        self.count(i, 1, &mut affected);
        affected.insert(i);
        let change = self.refresh(affected, touched, old_ids, Some(i));
        (i, change)
    }

    /// Remove a record; `None` when it is unknown.
    pub(crate) fn remove(&mut self, reference: &RecordRef) -> Option<Change> {
        let &i = self.by_ref.get(reference)?;
        let mut affected = BTreeSet::new();
        let mut touched = BTreeSet::new();
        let mut old_ids = BTreeMap::new();
        self.detach(i, &mut affected, &mut touched, &mut old_ids);
        Some(self.refresh(affected, touched, old_ids, None))
    }

    /// Keep two records apart from now on, and re-cluster around them.
    pub(crate) fn cannot_link(&mut self, a: &RecordRef, b: &RecordRef) -> Change {
        if a != b {
            self.cannot_link
                .entry(a.clone())
                .or_default()
                .insert(b.clone());
            self.cannot_link
                .entry(b.clone())
                .or_default()
                .insert(a.clone());
        }
        let touched: BTreeSet<u32> = [a, b]
            .iter()
            .filter_map(|r| self.by_ref.get(*r).copied())
            .collect();
        self.refresh(BTreeSet::new(), touched, BTreeMap::new(), None)
    }

    /// Take a record out of every index and its cluster; its neighbours are touched.
    fn detach(
        &mut self,
        i: u32,
        affected: &mut BTreeSet<u32>,
        touched: &mut BTreeSet<u32>,
        old_ids: &mut BTreeMap<RecordRef, CustomerId>,
    ) {
        self.count(i, -1, affected);
        let slot = self.slots[i as usize].take().expect("a live slot");
        self.by_ref.remove(&slot.reference);
        for key in &slot.lookup_keys {
            if let Some(v) = self.lookup.get_mut(key) {
                v.retain(|&x| x != i);
                if v.is_empty() {
                    self.lookup.remove(key);
                }
            }
        }
        for &(y, _) in &slot.links {
            if let Some(Some(s)) = self.slots.get_mut(y as usize) {
                s.links.retain(|&(z, _)| z != i);
            }
            touched.insert(y);
        }
        if let Some(c) = self.clusters.get_mut(&slot.cluster) {
            old_ids.insert(slot.reference.clone(), c.id.clone());
            c.members.retain(|&m| m != i);
            touched.extend(c.members.iter().copied());
            if c.members.is_empty() {
                let id = c.id.clone();
                self.clusters.remove(&slot.cluster);
                self.by_id.remove(&id);
            }
        }
        affected.remove(&i);
    }

    /// Count a record in (`delta` 1) or out (-1) of blocks, frequencies and shared values;
    /// every holder of a value whose state changes is added to `affected`.
    fn count(&mut self, i: u32, delta: i32, affected: &mut BTreeSet<u32>) {
        let limit = self.settings.population.max_block_size;
        let mut block_keys: Vec<BlockKey> = Vec::new();
        {
            let f = &self.live(i).features;
            for (r, rule) in self.settings.rules.iter().enumerate() {
                rule.keys(f, |a, b| block_keys.push((r as u8, a, b)));
            }
        }
        block_keys.sort_unstable();
        block_keys.dedup();
        for key in block_keys {
            let block = self.blocks.entry(key).or_default();
            if delta > 0 {
                block.push(i);
                // Crossing the limit drops the block's pairs: every member is re-evaluated.
                if block.len() == limit + 1 {
                    affected.extend(block.iter().copied());
                }
            } else {
                block.retain(|&x| x != i);
                if block.len() == limit {
                    affected.extend(block.iter().copied());
                }
                if block.is_empty() {
                    self.blocks.remove(&key);
                }
            }
        }
        let mut values = Vec::new();
        tf_values(&self.live(i).features, &mut values);
        let tf_on = self.settings.population.records >= MIN_TF_VALUES;
        for (c, sym) in values {
            let before = tf_bucket(self.tf.count_of(c, sym));
            self.tf.add(c, sym, delta);
            let after = tf_bucket(self.tf.count_of(c, sym));
            let mut holders = self.holders.remove(&(c as u8, sym)).unwrap_or_default();
            if delta > 0 {
                let at = {
                    let slots = &self.slots;
                    let me = &slots[i as usize].as_ref().expect("live").reference;
                    holders.partition_point(|&h| {
                        slots[h as usize].as_ref().map(|s| &s.reference) < Some(me)
                    })
                };
                holders.insert(at, i);
            } else {
                holders.retain(|&h| h != i);
            }
            if tf_on && before != after {
                if delta > 0 {
                    // A commoner value only lowers weights: existing links are weighed again,
                    // and no pair below the threshold can rise above it.
                    self.rescore.extend(holders.iter().copied());
                } else {
                    affected.extend(holders.iter().copied());
                }
            }
            if c == index::EMAIL || c == index::PHONE {
                let mut names = Vec::new();
                for &h in &holders {
                    if let Some(g) = self
                        .slot(h)
                        .and_then(|s| sharing_name(&s.features, &self.keys.names))
                    {
                        note_sharing_name(&mut names, g);
                    }
                }
                let shared = names_differ(&names, &self.keys);
                let flags = if c == index::EMAIL {
                    &mut self.shared.emails
                } else {
                    &mut self.shared.phones
                };
                if flags.len() <= sym as usize {
                    flags.resize(sym as usize + 1, false);
                }
                if flags[sym as usize] != shared {
                    flags[sym as usize] = shared;
                    affected.extend(holders.iter().copied());
                }
            }
            if !holders.is_empty() {
                self.holders.insert((c as u8, sym), holders);
            }
        }
    }

    /// Recompute the links of `affected` records, then re-cluster every component of links
    /// that holds an affected or touched record.
    fn refresh(
        &mut self,
        affected: BTreeSet<u32>,
        mut touched: BTreeSet<u32>,
        mut old_ids: BTreeMap<RecordRef, CustomerId>,
        focus: Option<u32>,
    ) -> Change {
        let affected: BTreeSet<u32> = affected
            .into_iter()
            .filter(|&i| self.slot(i).is_some())
            .collect();
        for &x in &affected {
            let links = std::mem::take(&mut self.slots[x as usize].as_mut().expect("live").links);
            for (y, _) in links {
                if let Some(Some(s)) = self.slots.get_mut(y as usize) {
                    s.links.retain(|&(z, _)| z != x);
                }
                touched.insert(y);
            }
        }
        let mut new_links: Vec<(u32, u32, f64)> = Vec::new();
        let rescore = std::mem::take(&mut self.rescore);
        let mut rescored: Vec<(u32, u32, Option<f64>)> = Vec::new();
        {
            let comparator = self.comparator();
            let scorer = self.scorer();
            for &x in &rescore {
                let Some(sx) = self.slot(x).filter(|_| !affected.contains(&x)) else {
                    continue;
                };
                for &(y, w) in &sx.links {
                    if affected.contains(&y) || (y < x && rescore.contains(&y)) {
                        continue;
                    }
                    let c = comparator.compare(&sx.features, &self.live(y).features);
                    let now = scorer.link_weight(&c);
                    if now != w {
                        rescored.push((x, y, (now >= self.settings.min_weight).then_some(now)));
                    }
                }
            }
            let limit = self.settings.population.max_block_size;
            let mut candidates: Vec<u32> = Vec::new();
            for &x in &affected {
                let sx = self.live(x);
                candidates.clear();
                for (r, rule) in self.settings.rules.iter().enumerate() {
                    rule.keys(&sx.features, |a, b| {
                        if let Some(block) = self.blocks.get(&(r as u8, a, b)) {
                            if block.len() <= limit {
                                candidates.extend(block.iter().copied());
                            }
                        }
                    });
                }
                candidates.sort_unstable();
                candidates.dedup();
                for &y in &candidates {
                    // A pair of two affected records is weighed once.
                    if y == x || (y < x && affected.contains(&y)) {
                        continue;
                    }
                    let sy = self.live(y);
                    if !self.settings.mode.allows(sx.source, sy.source) {
                        continue;
                    }
                    let c = comparator.compare(&sx.features, &sy.features);
                    let w = scorer.link_weight(&c);
                    if w >= self.settings.min_weight {
                        new_links.push((x, y, w));
                    }
                }
            }
        }
        for (x, y, w) in rescored {
            for (from, to) in [(x, y), (y, x)] {
                let links = &mut self.slots[from as usize].as_mut().expect("live").links;
                match w {
                    Some(w) => {
                        for l in links.iter_mut().filter(|l| l.0 == to) {
                            l.1 = w;
                        }
                    }
                    None => links.retain(|l| l.0 != to),
                }
            }
            touched.insert(x);
            touched.insert(y);
        }
        for (x, y, w) in new_links {
            self.slots[x as usize]
                .as_mut()
                .expect("live")
                .links
                .push((y, w));
            self.slots[y as usize]
                .as_mut()
                .expect("live")
                .links
                .push((x, w));
        }
        touched.extend(affected.iter().copied());
        touched.retain(|&t| self.slot(t).is_some());
        self.recluster(touched, &mut old_ids, focus)
    }

    /// The records reachable from `start` over links.
    fn component(&self, start: u32, seen: &mut HashSet<u32>) -> Vec<u32> {
        let mut out = vec![start];
        seen.insert(start);
        let mut k = 0;
        while k < out.len() {
            let x = out[k];
            k += 1;
            for &(y, _) in &self.live(x).links {
                if seen.insert(y) {
                    out.push(y);
                }
            }
        }
        out
    }

    fn recluster(
        &mut self,
        touched: BTreeSet<u32>,
        old_ids: &mut BTreeMap<RecordRef, CustomerId>,
        focus: Option<u32>,
    ) -> Change {
        // The components of every touched record, grown until they hold every old cluster
        // of their members whole.
        let mut seen: HashSet<u32> = HashSet::new();
        let mut components: Vec<Vec<u32>> = Vec::new();
        let mut queue: Vec<u32> = touched.into_iter().collect();
        let mut old_clusters: BTreeSet<u32> = BTreeSet::new();
        while let Some(t) = queue.pop() {
            if seen.contains(&t) {
                continue;
            }
            let comp = self.component(t, &mut seen);
            for &m in &comp {
                let cl = self.live(m).cluster;
                if cl != u32::MAX && old_clusters.insert(cl) {
                    if let Some(c) = self.clusters.get(&cl) {
                        queue.extend(c.members.iter().copied().filter(|x| !seen.contains(x)));
                    }
                }
            }
            components.push(comp);
        }
        for cl in &old_clusters {
            if let Some(c) = self.clusters.remove(cl) {
                for &m in &c.members {
                    if let Some(s) = self.slot(m) {
                        old_ids.insert(s.reference.clone(), c.id.clone());
                    }
                }
                if self.by_id.get(&c.id) == Some(cl) {
                    self.by_id.remove(&c.id);
                }
            }
        }
        let old_id_set: BTreeSet<CustomerId> = old_ids.values().cloned().collect();
        let mut new_clusters: Vec<(Vec<u32>, Vec<Decision>)> = Vec::new();
        for comp in components {
            new_clusters.extend(self.cluster_component(comp));
        }
        // Canonical order of clusters (by smallest reference), as the ID registry works.
        new_clusters.sort_by(|a, b| {
            let first = |m: &Vec<u32>| m.iter().map(|&x| &self.live(x).reference).min();
            first(&a.0).cmp(&first(&b.0))
        });
        let age = |s: &Slot| -> Age { (s.observed.is_none(), s.observed, s.reference.clone()) };
        // Each earlier ID's home: the cluster holding its anchor, else its oldest record.
        let mut home: BTreeMap<CustomerId, usize> = BTreeMap::new();
        for id in &old_id_set {
            let anchor_at = self.id_anchor.get(id).and_then(|a| self.by_ref.get(a));
            let by_anchor = anchor_at.and_then(|a| {
                new_clusters
                    .iter()
                    .position(|(members, _)| members.contains(a))
            });
            let by_oldest = || {
                let mut best: Option<(usize, Age)> = None;
                for (k, (members, _)) in new_clusters.iter().enumerate() {
                    for &m in members {
                        let s = self.live(m);
                        if old_ids.get(&s.reference) == Some(id) {
                            let a = age(s);
                            if best.as_ref().is_none_or(|(_, b)| a < *b) {
                                best = Some((k, a));
                            }
                        }
                    }
                }
                best.map(|(k, _)| k)
            };
            if let Some(k) = by_anchor.or_else(by_oldest) {
                home.insert(id.clone(), k);
            }
        }
        let mut change = Change::default();
        for (k, (members, decisions)) in new_clusters.into_iter().enumerate() {
            let anchor = members
                .iter()
                .map(|&m| self.live(m))
                .min_by_key(|s| age(s))
                .expect("a cluster has members");
            let anchor_ref = anchor.reference.clone();
            let anchor_time = anchor.observed;
            let mut homed: Vec<&CustomerId> = home
                .iter()
                .filter(|(_, &h)| h == k)
                .map(|(id, _)| id)
                .collect();
            homed.sort_by_key(|id| {
                self.id_anchor.get(*id).map(|a| {
                    (
                        self.id_time.get(*id).copied().flatten().is_none(),
                        self.id_time.get(*id).copied().flatten(),
                        a.clone(),
                    )
                })
            });
            let previous: BTreeSet<CustomerId> = members
                .iter()
                .filter_map(|&m| old_ids.get(&self.live(m).reference).cloned())
                .collect();
            let id = match homed.first() {
                Some(&survivor) => {
                    let absorbed: Vec<CustomerId> = homed[1..].iter().map(|&x| x.clone()).collect();
                    if !absorbed.is_empty() {
                        change.lineage.push(LineageEvent::Merged {
                            survivor: survivor.clone(),
                            absorbed: absorbed.clone(),
                        });
                        for a in absorbed {
                            self.aliases.insert(a.clone(), survivor.clone());
                            change.aliased.push((a, survivor.clone()));
                        }
                    }
                    survivor.clone()
                }
                None => {
                    let id = derive_id(&anchor_ref, 0);
                    if self.aliases.remove(&id).is_some() {
                        change.unaliased.push(id.clone());
                    }
                    match previous.iter().next() {
                        Some(from) => change.lineage.push(LineageEvent::Split {
                            from: from.clone(),
                            into: id.clone(),
                        }),
                        None => change.lineage.push(LineageEvent::Created {
                            id: id.clone(),
                            anchor: anchor_ref.clone(),
                        }),
                    }
                    self.id_time.insert(id.clone(), anchor_time);
                    self.id_anchor.insert(id.clone(), anchor_ref.clone());
                    id
                }
            };
            for &m in &members {
                let r = &self.live(m).reference;
                if old_ids.get(r) != Some(&id) {
                    change.assigned.push((r.clone(), id.clone()));
                }
            }
            if focus.is_some_and(|f| members.contains(&f)) {
                change.previous = previous;
            }
            let key = self.next_cluster;
            self.next_cluster += 1;
            for &m in &members {
                self.slots[m as usize].as_mut().expect("live").cluster = key;
            }
            self.by_id.insert(id.clone(), key);
            self.clusters.insert(
                key,
                Cluster {
                    id,
                    members,
                    decisions,
                },
            );
        }
        for old in old_id_set {
            if !self.by_id.contains_key(&old) && !self.aliases.contains_key(&old) {
                self.id_anchor.remove(&old);
                self.id_time.remove(&old);
                change.lineage.push(LineageEvent::Retired { id: old });
            }
        }
        change
    }

    /// Batch clustering of one component: its records numbered in canonical order.
    #[allow(clippy::type_complexity)]
    fn cluster_component(&self, mut comp: Vec<u32>) -> Vec<(Vec<u32>, Vec<Decision>)> {
        comp.sort_by(|&a, &b| self.live(a).reference.cmp(&self.live(b).reference));
        if comp.len() == 1 {
            return vec![(comp, Vec::new())];
        }
        let local: HashMap<u32, u32> = comp
            .iter()
            .enumerate()
            .map(|(k, &s)| (s, k as u32))
            .collect();
        let mut links = Vec::new();
        for &x in &comp {
            for &(y, weight) in &self.live(x).links {
                let (a, b) = (local[&x], local[&y]);
                if a < b {
                    links.push(Link {
                        a,
                        b,
                        weight,
                        conflict: None,
                    });
                }
            }
        }
        let mut cannot = Vec::new();
        for &x in &comp {
            let r = &self.live(x).reference;
            for other in self.cannot_link.get(r).into_iter().flatten() {
                if let Some(y) = self.by_ref.get(other).and_then(|y| local.get(y)) {
                    if local[&x] < *y {
                        cannot.push((local[&x], *y));
                    }
                }
            }
        }
        let features: Vec<RecordFeatures> = comp
            .iter()
            .map(|&s| self.live(s).features.clone())
            .collect();
        let comparator = self.comparator();
        let scorer = self.scorer();
        let mut guard = Guard {
            features: &features,
            positions: None,
            comparator: &comparator,
            scorer: &scorer,
            cannot_link: &cannot,
            min_weight: self.settings.min_weight,
        };
        let clustering = cluster(comp.len(), links, self.settings.min_weight, &mut guard);
        let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (k, &root) in clustering.cluster_of.iter().enumerate() {
            groups.entry(root).or_default().push(comp[k]);
        }
        let mut decisions: BTreeMap<u32, Vec<Decision>> = BTreeMap::new();
        for d in clustering.decisions {
            let (ra, rb) = (
                clustering.cluster_of[d.link.a as usize],
                clustering.cluster_of[d.link.b as usize],
            );
            let entry = (
                comp[d.link.a as usize],
                comp[d.link.b as usize],
                d.link.weight,
                d.refusal,
            );
            if ra != rb {
                decisions.entry(rb).or_default().push(entry.clone());
            }
            decisions.entry(ra).or_default().push(entry);
        }
        groups
            .into_iter()
            .map(|(root, members)| (members, decisions.remove(&root).unwrap_or_default()))
            .collect()
    }
}
