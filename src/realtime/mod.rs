//! Real-time resolution: records join the right customer as they arrive, with the same model,
//! the same guard against collapse and the same result as batch resolution.
//!
//! [`IncrementalResolver`] holds every record's comparison features, blocks and links in
//! memory and writes every change through to a [`ProfileStore`] in one atomic batch. Each
//! [`ingest`](IncrementalResolver::ingest) finds the new record's candidates through the same
//! blocking rules as batch, weighs them with the trained model, and re-clusters the connected
//! component of links it touches with batch's strongest-first clustering and merge guard.
//!
//! Order independence: scores use a fixed [`Population`] (prior, block-size limit, frequency
//! denominator) instead of the data's own size, term frequencies count in power-of-two
//! buckets, and whenever a value's state changes (a block grows past the limit, a frequency
//! crosses a power of two, an e-mail or phone turns out to be shared by different people)
//! every record holding it is weighed again. Ingesting the same records in any order gives
//! the customers that [`Resolver`](crate::Resolver) gives with the same model and
//! [`ResolverBuilder::population`](crate::ResolverBuilder::population).

mod engine;

use std::collections::BTreeSet;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::block::{BlockingRule, LinkMode};
use crate::error::{ConfigError, Error};
use crate::model::{Identifier, PersonName, RecordRef, SourceRecord};
use crate::normalize::{without_spaces, NormalizedRecord, RecordNormalizer};
use crate::profile::{LineageEvent, MergePolicy, ProfileBuilder};
use crate::resolve::{ClusterExplanation, CustomerId, MatchModel, Population};
use crate::score::weight_of;
use crate::store::{MemoryStore, ProfileStore, StoreError, StoreOp, WriteBatch};
use crate::view::{Customer360, ViewContext};
use engine::{Change, Engine, Settings};

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IngestAction {
    /// The record is a customer of its own, new.
    NewProfile,
    /// The record joined one existing customer.
    Joined,
    /// The record bridged customers, and they merged into one.
    Merged {
        /// The customers that became one (their IDs before the merge).
        ids: Vec<CustomerId>,
    },
    /// The record stands alone, and a steward may want to look: it has nothing to match on,
    /// or a link of it to an existing customer was refused.
    Flagged {
        /// Why.
        reason: String,
    },
}

/// The outcome of [`IncrementalResolver::ingest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOutcome {
    /// The record.
    pub record: RecordRef,
    /// Its customer.
    pub customer: CustomerId,
    /// What happened.
    pub action: IngestAction,
    /// How the customer is built: its records, the links that joined them and the links
    /// that were refused.
    pub explanation: ClusterExplanation,
    /// Other records whose customer changed (a re-evaluation merged or split them).
    pub reassigned: Vec<(RecordRef, CustomerId)>,
}

/// How to find a customer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Lookup {
    /// An e-mail address, as anyone writes it (normalised as on ingest).
    Email(String),
    /// A phone number, as anyone writes it. Without a country code it is read in the
    /// normaliser's default region (or not at all, when there is none): a record whose
    /// address put its number in another country is found by the number with its country
    /// code (`+39 347 218 9054`).
    Phone(String),
    /// A typed identifier: customer number, national ID, passport...
    Identifier(Identifier),
    /// A name and a full birth date.
    NameAndBirthDate {
        /// The name.
        name: PersonName,
        /// The birth date, as written.
        birth_date: String,
    },
}

/// A refusal in words, for a steward.
fn refusal_text(r: &crate::Refusal) -> String {
    match r {
        crate::Refusal::ExclusiveIdentifierConflict { kind } => {
            format!("two different {kind} values")
        }
        crate::Refusal::Conflict { detail } => detail.clone(),
        crate::Refusal::CannotLink => "a steward split these records".to_owned(),
        crate::Refusal::WeakSupport { mean_weight, pairs } => format!(
            "too little support across the customers (mean weight {mean_weight:.1} over {pairs} pairs)"
        ),
    }
}

/// The keys a record can be looked up by: normalised e-mails, phones, identifiers, and names
/// with full birth dates. The same function serves ingest and queries.
fn lookup_keys(n: &NormalizedRecord) -> Vec<String> {
    let mut keys = Vec::new();
    for e in n.emails.iter().filter_map(|e| e.address.matchable()) {
        keys.push(format!("e:{}", e.canonical()));
    }
    for p in n.phones.iter().filter_map(|p| p.number.matchable()) {
        keys.push(format!("p:{}", p.e164()));
    }
    for i in n.identifiers.iter().filter_map(|i| i.matchable()) {
        keys.push(format!(
            "i:{}/{}:{}",
            i.kind.as_str(),
            i.issuer.as_deref().unwrap_or(""),
            i.value
        ));
    }
    let dates: Vec<String> = n
        .birth_date
        .as_ref()
        .and_then(|d| d.matchable())
        .map(|d| {
            d.readings()
                .filter_map(|r| Some(format!("{:04}-{:02}-{:02}", r.year?, r.month?, r.day?)))
                .collect()
        })
        .unwrap_or_default();
    let compact = |s: &Option<String>| -> Option<String> {
        Some(without_spaces(s.as_deref()?).into_owned()).filter(|c| !c.is_empty())
    };
    for name in n.names.iter().filter_map(|n| n.matchable()) {
        let given = name
            .given_canonical
            .clone()
            .filter(|g| !g.is_empty())
            .or_else(|| compact(&name.keys.given_ascii));
        if let (Some(g), Some(f)) = (given, compact(&name.keys.family_ascii)) {
            for d in &dates {
                keys.push(format!("n:{g}|{f}|{d}"));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Configures an [`IncrementalResolver`]; checked at [`build`](Self::build) or
/// [`open`](Self::open).
#[derive(Debug, Clone)]
pub struct IncrementalResolverBuilder {
    mode: LinkMode,
    threshold: f64,
    rules: Vec<BlockingRule>,
    normalizer: RecordNormalizer,
    model: MatchModel,
    population: Population,
    policy: MergePolicy,
}

impl Default for IncrementalResolverBuilder {
    fn default() -> Self {
        IncrementalResolverBuilder {
            mode: LinkMode::default(),
            threshold: 0.95,
            rules: BlockingRule::ALL.to_vec(),
            normalizer: RecordNormalizer::default(),
            model: MatchModel::default(),
            population: Population::new(1_000_000),
            policy: MergePolicy::default(),
        }
    }
}

impl IncrementalResolverBuilder {
    /// The trained model (default: the crate's default parameters). Load a batch model with
    /// [`MatchModel::from_json`].
    #[must_use]
    pub fn model(mut self, model: MatchModel) -> Self {
        self.model = model;
        self
    }

    /// The population scores assume (default: a million records, blocks up to 64). Use the
    /// same one in a batch [`Resolver`](crate::Resolver) to get the same customers.
    #[must_use]
    pub fn population(mut self, population: Population) -> Self {
        self.population = population;
        self
    }

    /// The match threshold, as a probability (default 0.95).
    #[must_use]
    pub fn threshold(mut self, probability: f64) -> Self {
        self.threshold = probability;
        self
    }

    /// Which pairs may be compared (default: within and across sources).
    #[must_use]
    pub fn mode(mut self, mode: LinkMode) -> Self {
        self.mode = mode;
        self
    }

    /// The blocking rules (default: [`BlockingRule::ALL`]).
    #[must_use]
    pub fn blocking_rules(mut self, rules: impl IntoIterator<Item = BlockingRule>) -> Self {
        self.rules = rules.into_iter().collect();
        self
    }

    /// The record normaliser (default: [`RecordNormalizer::default`]).
    #[must_use]
    pub fn normalizer(mut self, normalizer: RecordNormalizer) -> Self {
        self.normalizer = normalizer;
        self
    }

    /// The merge policy of the profiles behind views (default: [`MergePolicy::default`]).
    #[must_use]
    pub fn merge_policy(mut self, policy: MergePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// An empty resolver over a [`MemoryStore`].
    pub fn build(self) -> Result<IncrementalResolver<MemoryStore>, Error> {
        self.open(MemoryStore::default())
    }

    /// A resolver over `store`, with every record already in it resolved again (in memory;
    /// the store is not written). The store's assignments are checked against the result.
    pub fn open<S: ProfileStore>(self, store: S) -> Result<IncrementalResolver<S>, Error> {
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(ConfigError::Threshold(self.threshold).into());
        }
        if self.rules.is_empty() {
            return Err(ConfigError::NoBlockingRules.into());
        }
        self.model.check()?;
        let settings = Settings {
            mode: self.mode,
            rules: self.rules,
            model: self.model,
            population: self.population,
            min_weight: weight_of(self.threshold),
        };
        let resolver = IncrementalResolver {
            engine: RwLock::new(Engine::new(settings)),
            normalizer: self.normalizer.clone(),
            profiles: ProfileBuilder::new(self.policy, self.normalizer),
            store,
        };
        {
            let mut engine = resolver.write();
            for (a, b) in resolver.store.cannot_links().map_err(Error::from)? {
                engine.cannot_link(&a, &b);
            }
            for record in resolver.store.records().map_err(Error::from)? {
                let n = resolver.normalizer.normalize(&record);
                let keys = lookup_keys(&n);
                engine.insert(record, &n, keys);
            }
        }
        Ok(resolver)
    }
}

/// Resolves records one at a time as they arrive, over a [`ProfileStore`].
///
/// `Send + Sync`: share it in an `Arc`; lookups take a read lock and run while no ingest is
/// between its start and its commit.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::realtime::{IncrementalResolver, IngestAction, Lookup};
/// use customer360::{PersonName, SourceRecord};
///
/// let resolver = IncrementalResolver::builder().build()?;
/// let first = resolver.ingest(
///     SourceRecord::new("crm", "1")
///         .name(PersonName::from_parts("John", "Smith"))
///         .email("john.smith@gmail.com")
///         .birth_date("1985-04-12"),
/// )?;
/// assert_eq!(first.action, IngestAction::NewProfile);
/// let second = resolver.ingest(
///     SourceRecord::new("shop", "77")
///         .name(PersonName::from_parts("Jonh", "Smith"))
///         .email("John.Smith@GMail.com")
///         .birth_date("1985-04-12"),
/// )?;
/// assert_eq!(second.action, IngestAction::Joined);
/// assert_eq!(second.customer, first.customer);
///
/// let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let views = resolver.lookup(&Lookup::Email("JOHN.SMITH@gmail.com".into()), now)?;
/// assert_eq!(views.len(), 1);
/// assert_eq!(views[0].records.len(), 2);
/// # Ok::<(), customer360::Error>(())
/// ```
pub struct IncrementalResolver<S: ProfileStore = MemoryStore> {
    engine: RwLock<Engine>,
    normalizer: RecordNormalizer,
    profiles: ProfileBuilder,
    store: S,
}

impl<S: ProfileStore> std::fmt::Debug for IncrementalResolver<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncrementalResolver")
            .field("records", &self.read().len())
            .finish_non_exhaustive()
    }
}

impl IncrementalResolver<MemoryStore> {
    /// Start configuring a resolver.
    pub fn builder() -> IncrementalResolverBuilder {
        IncrementalResolverBuilder::default()
    }
}

impl<S: ProfileStore> IncrementalResolver<S> {
    fn read(&self) -> RwLockReadGuard<'_, Engine> {
        // A panic while writing leaves state that was only ever changed whole; go on.
        self.engine.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Engine> {
        self.engine.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// How many records are resolved.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no record is resolved.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add a record (or replace the record with the same source and key) and resolve it.
    /// Returns once the change is committed to the store; if the commit fails, the resolver
    /// is as it was before the call.
    pub fn ingest(&self, record: SourceRecord) -> Result<IngestOutcome, Error> {
        let mut outcomes = self.ingest_batch(std::iter::once(record))?;
        Ok(outcomes.pop().expect("one outcome per record"))
    }

    /// Ingest several records and commit them to the store together: one durable commit
    /// (one `fsync` on a durable store) for all of them. The outcomes come in input order;
    /// each says what its record did at the moment it was ingested. If the commit fails,
    /// none of the records is ingested.
    pub fn ingest_batch(
        &self,
        records: impl IntoIterator<Item = SourceRecord>,
    ) -> Result<Vec<IngestOutcome>, Error> {
        let prepared: Vec<(SourceRecord, NormalizedRecord, Vec<String>)> = records
            .into_iter()
            .map(|r| {
                let n = self.normalizer.normalize(&r);
                let keys = lookup_keys(&n);
                (r, n, keys)
            })
            .collect();
        let mut engine = self.write();
        let mut batch = WriteBatch::default();
        let mut outcomes = Vec::with_capacity(prepared.len());
        // What each record replaced, to put back if the commit fails.
        let mut undo: Vec<(RecordRef, Option<SourceRecord>)> = Vec::new();
        for (record, normalized, keys) in prepared {
            let reference = record.reference();
            let old = engine
                .by_ref
                .get(&reference)
                .and_then(|&i| engine.slot(i))
                .map(|s| s.record.clone());
            undo.push((reference, old));
            outcomes.push(Self::stage(
                &mut engine,
                &mut batch,
                record,
                &normalized,
                keys,
            ));
        }
        if let Err(e) = self.store.commit(batch) {
            for (reference, old) in undo.into_iter().rev() {
                engine.remove(&reference);
                if let Some(old) = old {
                    let n = self.normalizer.normalize(&old);
                    let keys = lookup_keys(&n);
                    engine.insert(old, &n, keys);
                }
            }
            return Err(e.into());
        }
        Ok(outcomes)
    }

    /// Resolve one record in memory and add its changes to `batch`.
    fn stage(
        engine: &mut Engine,
        batch: &mut WriteBatch,
        record: SourceRecord,
        normalized: &NormalizedRecord,
        keys: Vec<String>,
    ) -> IngestOutcome {
        let reference = record.reference();
        let old_keys: Vec<String> = engine
            .by_ref
            .get(&reference)
            .and_then(|&i| engine.slot(i))
            .map(|s| s.lookup_keys.clone())
            .unwrap_or_default();
        batch.push(StoreOp::PutRecord(Box::new(record.clone())));
        for key in old_keys.iter().filter(|k| !keys.contains(k)) {
            batch.push(StoreOp::IndexRemove {
                key: key.clone(),
                record: reference.clone(),
            });
        }
        for key in keys.iter().filter(|k| !old_keys.contains(k)) {
            batch.push(StoreOp::IndexAdd {
                key: key.clone(),
                record: reference.clone(),
            });
        }
        let (_, change) = engine.insert(record, normalized, keys);
        let customer = engine
            .customer_of(&reference)
            .cloned()
            .expect("an ingested record has a customer");
        let explanation = engine.explain(&customer).expect("a current customer");
        let reassigned: Vec<(RecordRef, CustomerId)> = change
            .assigned
            .iter()
            .filter(|(r, _)| *r != reference)
            .cloned()
            .collect();
        let previous: Vec<CustomerId> = change.previous.iter().cloned().collect();
        let action = match previous.len() {
            0 => {
                let touching: Vec<String> = explanation
                    .refused
                    .iter()
                    .filter_map(|l| l.refusal.as_ref().map(refusal_text))
                    .collect();
                if !normalized.has_matchable_identity() {
                    IngestAction::Flagged {
                        reason: "nothing to match on: no usable name, e-mail or phone".into(),
                    }
                } else if let Some(first) = touching.first() {
                    IngestAction::Flagged {
                        reason: format!("a link to another customer was refused: {first}"),
                    }
                } else {
                    IngestAction::NewProfile
                }
            }
            1 => IngestAction::Joined,
            _ => IngestAction::Merged { ids: previous },
        };
        Self::write_change(batch, change);
        IngestOutcome {
            record: reference,
            customer,
            action,
            explanation,
            reassigned,
        }
    }

    fn write_change(batch: &mut WriteBatch, change: Change) {
        for (record, customer) in change.assigned {
            batch.push(StoreOp::Assign { record, customer });
        }
        for id in change.unaliased {
            batch.push(StoreOp::Unalias(id));
        }
        for (from, to) in change.aliased {
            batch.push(StoreOp::Alias { from, to });
        }
        for event in change.lineage {
            batch.push(StoreOp::Lineage(event));
        }
    }

    /// Remove a record (for example on erasure). Its customer is re-evaluated and may split;
    /// the part holding the customer's anchor keeps the ID. `Ok(false)` when it is unknown.
    pub fn remove(&self, record: &RecordRef) -> Result<bool, Error> {
        let mut engine = self.write();
        let Some(old) = engine
            .by_ref
            .get(record)
            .and_then(|&i| engine.slot(i))
            .map(|s| s.record.clone())
        else {
            return Ok(false);
        };
        let change = engine.remove(record).expect("a known record");
        let mut batch = WriteBatch::default();
        batch.push(StoreOp::DeleteRecord(record.clone()));
        Self::write_change(&mut batch, change);
        if let Err(e) = self.store.commit(batch) {
            let n = self.normalizer.normalize(&old);
            let keys = lookup_keys(&n);
            engine.insert(old, &n, keys);
            return Err(e.into());
        }
        Ok(true)
    }

    /// A data steward's split: `a` and `b` are different people, now and after any later
    /// ingest (batch's [`cannot_link`](crate::ResolverBuilder::cannot_link)). Returns the
    /// lineage events it caused.
    pub fn split(&self, a: &RecordRef, b: &RecordRef) -> Result<Vec<LineageEvent>, Error> {
        let mut engine = self.write();
        let change = engine.cannot_link(a, b);
        let events = change.lineage.clone();
        let mut batch = WriteBatch::default();
        batch.push(StoreOp::CannotLink(a.clone(), b.clone()));
        Self::write_change(&mut batch, change);
        self.store.commit(batch)?;
        Ok(events)
    }

    /// The customer a record belongs to.
    pub fn customer_of(&self, record: &RecordRef) -> Option<CustomerId> {
        self.read().customer_of(record).cloned()
    }

    /// The current ID an ID stands for: itself, or the survivor it merged into.
    pub fn resolve_id(&self, id: &CustomerId) -> Option<CustomerId> {
        self.read().resolve_id(id)
    }

    /// Every customer with its records, in ID order.
    pub fn customers(&self) -> Vec<(CustomerId, Vec<RecordRef>)> {
        let engine = self.read();
        let mut out: Vec<(CustomerId, Vec<RecordRef>)> = engine
            .clusters
            .values()
            .map(|c| {
                let mut refs: Vec<RecordRef> = c
                    .members
                    .iter()
                    .filter_map(|&m| engine.slot(m).map(|s| s.reference.clone()))
                    .collect();
                refs.sort();
                (c.id.clone(), refs)
            })
            .collect();
        out.sort();
        out
    }

    /// How a customer is built. `None` when the ID is not current.
    pub fn explain(&self, id: &CustomerId) -> Option<ClusterExplanation> {
        self.read().explain(id)
    }

    /// The customers a lookup finds (usually one; a shared household phone can find more).
    pub fn find(&self, query: &Lookup) -> Vec<CustomerId> {
        let mut record = SourceRecord::new("lookup", "query");
        match query {
            Lookup::Email(e) => record = record.email(e.clone()),
            Lookup::Phone(p) => record = record.phone(p.clone()),
            Lookup::Identifier(i) => record = record.identifier(i.clone()),
            Lookup::NameAndBirthDate { name, birth_date } => {
                record = record.name(name.clone()).birth_date(birth_date.clone());
            }
        }
        let keys = lookup_keys(&self.normalizer.normalize(&record));
        let engine = self.read();
        let mut found = BTreeSet::new();
        for key in &keys {
            found.extend(engine.find(key));
        }
        found.into_iter().collect()
    }

    /// The 360 view of every customer a lookup finds, as of `now` (the caller's clock).
    pub fn lookup(&self, query: &Lookup, now: DateTime<Utc>) -> Result<Vec<Customer360>, Error> {
        Ok(self
            .find(query)
            .iter()
            .filter_map(|id| self.view(id, now))
            .collect())
    }

    /// The 360 view of a customer (an alias resolves to its survivor) as of `now`.
    pub fn view(&self, id: &CustomerId, now: DateTime<Utc>) -> Option<Customer360> {
        let engine = self.read();
        let id = engine.resolve_id(id)?;
        let members = engine.members(&id)?;
        let records: Vec<&SourceRecord> = members.iter().map(|s| &s.record).collect();
        let profile = self.profiles.merge(id, &records);
        Some(Customer360::build(
            &profile,
            &records,
            &ViewContext::new(now),
        ))
    }

    /// Check that the store agrees with the resolver: the same records, every record in
    /// exactly one customer (the one the resolver gives it), every lookup key indexed and
    /// nothing else.
    pub fn check_store(&self) -> Result<(), StoreError> {
        let engine = self.read();
        let bad = |m: String| Err(StoreError::Inconsistent(m));
        let stored = self.store.records()?;
        if stored.len() != engine.len() {
            return bad(format!(
                "{} records stored, {} resolved",
                stored.len(),
                engine.len()
            ));
        }
        let profiles = self.store.profiles()?;
        let mut seen = BTreeSet::new();
        for (id, members) in &profiles {
            for r in members {
                if !seen.insert(r.clone()) {
                    return bad(format!("{r} is in more than one customer"));
                }
                if engine.customer_of(r) != Some(id) {
                    return bad(format!(
                        "{r} is stored under {id}, resolved to {:?}",
                        engine.customer_of(r)
                    ));
                }
            }
        }
        let mut keys = 0;
        for record in &stored {
            let r = record.reference();
            if !seen.contains(&r) {
                return bad(format!("{r} belongs to no customer"));
            }
            if self.store.customer_of(&r)?.as_ref() != engine.customer_of(&r) {
                return bad(format!("{r}'s assignment disagrees with its customer"));
            }
            for key in lookup_keys(&self.normalizer.normalize(record)) {
                keys += 1;
                if !self.store.index(&key)?.contains(&r) {
                    return bad(format!("{r} is not indexed under one of its keys"));
                }
            }
        }
        if self.store.index_len()? != keys {
            return bad(format!(
                "{} index entries for {keys} lookup keys",
                self.store.index_len()?
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_resolver_is_send_and_sync() {
        assert_send_sync::<IncrementalResolver>();
    }
}
