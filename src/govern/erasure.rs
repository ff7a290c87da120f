//! Erasure (the right to be forgotten) and the suppression list that remembers, by keyed
//! hashes only, whom not to take in again.

use std::collections::BTreeSet;

use hashbrown::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditError, AuditEvent, AuditKind, AuditSink, RecordToken};
use super::fields::take_field;
use super::mask::HostKey;
use super::view::Requester;
use super::GovernError;
use crate::model::{FieldPath, IdentifierKind, RecordRef, RefKey, SourceRecord};
use crate::normalize::RecordNormalizer;
use crate::profile::{IdRegistry, Profile, ProfileBuilder};
use crate::resolve::{CustomerId, Resolution, Resolver};

/// State that holds customer data and can forget it: the batch state ([`BatchState`]) now, a
/// real-time profile store later. Erasure needs only the five required operations;
/// [`Erasable::erase_customer`], [`Erasable::erase_customers`] and [`Erasable::erase_record`]
/// are built on them. The operations on many items at once have one-by-one defaults; a store
/// that can serve many in one pass overrides them, so that erasing many customers at once
/// costs one pass over the store instead of one per customer.
pub trait Erasable {
    /// The records of a customer (an ID or an alias of one), sorted.
    fn records_of(&self, customer: &CustomerId) -> Vec<RecordRef>;

    /// [`records_of`](Self::records_of) for each of `customers`, in the same order.
    fn records_of_each(&self, customers: &[CustomerId]) -> Vec<Vec<RecordRef>> {
        customers.iter().map(|c| self.records_of(c)).collect()
    }

    /// The customer a record belongs to, if known.
    fn customer_of(&self, record: &RecordRef) -> Option<CustomerId>;

    /// [`customer_of`](Self::customer_of) for each of `records`, in the same order.
    fn customers_of(&self, records: &[RecordRef]) -> Vec<Option<CustomerId>> {
        records.iter().map(|r| self.customer_of(r)).collect()
    }

    /// A record, if held.
    fn record(&self, record: &RecordRef) -> Option<SourceRecord>;

    /// [`record`](Self::record) for each of `records`, in the same order.
    fn find_records(&self, records: &[RecordRef]) -> Vec<Option<SourceRecord>> {
        records.iter().map(|r| self.record(r)).collect()
    }

    /// Remove a record and everything derived from it that names it (index entries, ID
    /// assignments); `tombstone` replaces its reference where a reference must stay.
    /// Returns the removed record.
    fn remove_record(&mut self, record: &RecordRef, tombstone: &RecordRef) -> Option<SourceRecord>;

    /// [`remove_record`](Self::remove_record) for each `(record, tombstone)` in turn, leaving
    /// the store as removing them one by one would. Returns the records removed.
    fn remove_records(&mut self, removals: &[(RecordRef, RecordRef)]) -> Vec<SourceRecord> {
        removals
            .iter()
            .filter_map(|(record, tombstone)| self.remove_record(record, tombstone))
            .collect()
    }

    /// Bring derived data (profiles, views, matching indexes) up to date after records of
    /// `customers` were removed. Returns whether a full re-resolution is still needed.
    fn refresh(&mut self, customers: &[CustomerId]) -> bool;

    /// Erase a whole customer: every record, the profile, index entries; leave a
    /// suppression entry of keyed hashes and an audit event that names fields and counts,
    /// not values. The event is written first; if the sink fails nothing is erased.
    fn erase_customer(
        &mut self,
        customer: &CustomerId,
        who: &Requester,
        reason: &str,
        suppression: &mut SuppressionList,
        sink: &mut dyn AuditSink,
    ) -> Result<ErasureReport, GovernError> {
        let records = self.records_of(customer);
        erase_one(
            self,
            Some(customer.clone()),
            records,
            who,
            reason,
            suppression,
            sink,
        )
    }

    /// Erase many customers, as [`erase_customer`](Self::erase_customer) would one after
    /// the other (one audit event and one suppression entry each, in the order given; a
    /// customer named twice, or an alias of one named before, is erased once), but with
    /// derived data brought up to date once, at the end: a store that overrides the
    /// operations on many items erases them all in one pass. Returns one report per
    /// customer, in the order given; each report's
    /// [`rebuild_required`](ErasureReport::rebuild_required) tells the state after all of
    /// them.
    ///
    /// Every customer's event is written before anything is erased. If the sink fails,
    /// the customers whose events it took are erased (so the trail never names an erasure
    /// that did not happen) and [`GovernError::ErasureInterrupted`] says how many; with none
    /// erased it is [`GovernError::Audit`], as for one customer.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use customer360::govern::{BatchState, Erasable, HostKey, MemoryAuditSink, Requester, SuppressionList};
    /// use customer360::profile::ProfileBuilder;
    /// use customer360::{PersonName, Resolver, SourceRecord};
    ///
    /// let person = |key: &str, given: &str, family: &str| {
    ///     SourceRecord::new("crm", key).name(PersonName::from_parts(given, family))
    ///         .email(format!("{given}.{family}@mail-example.com"))
    /// };
    /// let records = vec![person("1", "Ann", "Lee"), person("2", "Bo", "Kim"), person("3", "Cy", "Ng")];
    /// let resolver = Resolver::builder().build()?;
    /// let mut state = BatchState::resolve(records, &resolver, ProfileBuilder::default())?;
    /// let id = |i: usize| state.registry.id_of(&state.records[i].reference()).cloned().unwrap();
    /// let doomed = [id(0), id(2)];
    ///
    /// let mut list = SuppressionList::new(HostKey::new(b"host secret, 16+ bytes".to_vec())?);
    /// let mut audit = MemoryAuditSink::default();
    /// let who = Requester::new("dpo", "privacy", "legal", Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
    /// let reports = state.erase_customers(&doomed, &who, "requests 14 and 15", &mut list, &mut audit)?;
    /// assert_eq!(reports.len(), 2);
    /// assert_eq!(audit.events().len(), 2);
    /// assert_eq!(state.records.len(), 1);
    /// assert_eq!(state.profiles.len(), 1);
    /// # Ok::<(), customer360::Error>(())
    /// ```
    fn erase_customers(
        &mut self,
        customers: &[CustomerId],
        who: &Requester,
        reason: &str,
        suppression: &mut SuppressionList,
        sink: &mut dyn AuditSink,
    ) -> Result<Vec<ErasureReport>, GovernError> {
        let records = self.records_of_each(customers);
        let groups = customers.iter().cloned().map(Some).zip(records).collect();
        erase(self, groups, who, reason, suppression, sink)
    }

    /// Erase one record (for example a source that must not be kept). Its customer's
    /// profile is rebuilt from the remaining records.
    fn erase_record(
        &mut self,
        record: &RecordRef,
        who: &Requester,
        reason: &str,
        suppression: &mut SuppressionList,
        sink: &mut dyn AuditSink,
    ) -> Result<ErasureReport, GovernError> {
        erase_one(
            self,
            None,
            vec![record.clone()],
            who,
            reason,
            suppression,
            sink,
        )
    }
}

/// What an erasure did. Names no values: counts, fields, tokens and customer IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureReport {
    /// The erased records, as tokens.
    pub records: Vec<RecordToken>,
    /// The fields that held erased values.
    pub fields: Vec<FieldPath>,
    /// How many values were erased.
    pub values: usize,
    /// The customers whose data changed.
    pub customers: Vec<CustomerId>,
    /// Whether matching must be re-run ([`BatchState::rebuild`]) before the next
    /// incremental step: the matching index was dropped because it held the erased values.
    pub rebuild_required: bool,
}

fn tombstone(record: &RecordRef, key: &HostKey) -> RecordRef {
    RecordRef {
        source: record.source.clone(),
        key: format!(
            "erased:{}",
            key.token(
                &["tombstone", record.source.as_str(), record.key.as_str()],
                12
            )
        )
        .into(),
    }
}

/// One erasure request whose audit event was written: what is erased for it.
struct Audited {
    customer: Option<CustomerId>,
    held: Vec<SourceRecord>,
    tokens: Vec<RecordToken>,
    fields: Vec<FieldPath>,
    values: usize,
}

impl Audited {
    /// What erasing `held` for `customer` takes away, and the event that says so: fields,
    /// counts and record tokens, never values.
    fn of(
        customer: Option<CustomerId>,
        held: Vec<SourceRecord>,
        who: &Requester,
        reason: &str,
        key: &HostKey,
    ) -> (Audited, AuditEvent) {
        let mut fields: BTreeSet<FieldPath> = BTreeSet::new();
        let mut values = 0;
        for r in &held {
            let mut copy = r.clone();
            for path in r.present_fields() {
                values += take_field(&mut copy, &path).len();
                fields.insert(path);
            }
        }
        let tokens: Vec<RecordToken> = held
            .iter()
            .map(|r| RecordToken::of(&r.reference(), key))
            .collect();
        let fields: Vec<FieldPath> = fields.into_iter().collect();
        let mut event = AuditEvent::new(
            who.at,
            who.actor.clone(),
            AuditKind::Erasure {
                fields: fields.clone(),
                records: held.len(),
                values,
            },
        )
        .purpose(who.purpose.clone())
        .reason(reason)
        .records(tokens.clone());
        if let Some(c) = &customer {
            event = event.customer(c.clone());
        }
        let audited = Audited {
            customer,
            held,
            tokens,
            fields,
            values,
        };
        (audited, event)
    }
}

/// Erase each group of records (a customer's, or one record), in order: an audit event and
/// a suppression entry per group, then every record removed and derived data refreshed once.
/// Returns one report per group.
fn erase<E: Erasable + ?Sized>(
    store: &mut E,
    groups: Vec<(Option<CustomerId>, Vec<RecordRef>)>,
    who: &Requester,
    reason: &str,
    suppression: &mut SuppressionList,
    sink: &mut dyn AuditSink,
) -> Result<Vec<ErasureReport>, GovernError> {
    let requested = groups.len();
    let (audited, failure) = audit_each(&*store, groups, who, reason, &suppression.key, sink);
    let erased = audited.len();
    let failure = match failure {
        // Nothing was audited, so nothing is erased: as for one customer.
        Some(e) if erased == 0 => return Err(e.into()),
        failure => failure,
    };
    let reports = erase_audited(store, audited, who.at, suppression);
    match failure {
        Some(source) => Err(GovernError::ErasureInterrupted {
            erased,
            requested,
            source,
        }),
        None => Ok(reports),
    }
}

/// [`erase`] of one group: its one report.
fn erase_one<E: Erasable + ?Sized>(
    store: &mut E,
    customer: Option<CustomerId>,
    records: Vec<RecordRef>,
    who: &Requester,
    reason: &str,
    suppression: &mut SuppressionList,
    sink: &mut dyn AuditSink,
) -> Result<ErasureReport, GovernError> {
    let mut reports = erase(
        store,
        vec![(customer, records)],
        who,
        reason,
        suppression,
        sink,
    )?;
    // One group in, one report out.
    Ok(reports.remove(0))
}

/// Write each group's audit event, in order, stopping at the first the sink refuses: the
/// groups audited, with the records held for them, and the sink's error if it failed.
fn audit_each<E: Erasable + ?Sized>(
    store: &E,
    groups: Vec<(Option<CustomerId>, Vec<RecordRef>)>,
    who: &Requester,
    reason: &str,
    key: &HostKey,
    sink: &mut dyn AuditSink,
) -> (Vec<Audited>, Option<AuditError>) {
    // A record an earlier group names is erased there; one by one, a later group would no
    // longer find it.
    let mut named: BTreeSet<RecordRef> = BTreeSet::new();
    let groups: Vec<(Option<CustomerId>, Vec<RecordRef>)> = groups
        .into_iter()
        .map(|(customer, records)| {
            let records = records
                .into_iter()
                .filter(|r| named.insert(r.clone()))
                .collect();
            (customer, records)
        })
        .collect();
    let all: Vec<RecordRef> = groups.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
    let mut found = store.find_records(&all).into_iter();
    let mut audited = Vec::with_capacity(groups.len());
    for (customer, records) in groups {
        let held: Vec<SourceRecord> = found.by_ref().take(records.len()).flatten().collect();
        let (group, event) = Audited::of(customer, held, who, reason, key);
        if let Err(e) = sink.append(event) {
            return (audited, Some(e));
        }
        audited.push(group);
    }
    (audited, None)
}

/// Erase what was audited: remember each group's person in the suppression list, remove
/// every record (a tombstone in its place where a reference must stay), and bring derived
/// data up to date once for all the customers that changed.
fn erase_audited<E: Erasable + ?Sized>(
    store: &mut E,
    audited: Vec<Audited>,
    at: DateTime<Utc>,
    suppression: &mut SuppressionList,
) -> Vec<ErasureReport> {
    let references: Vec<RecordRef> = audited
        .iter()
        .flat_map(|a| a.held.iter().map(SourceRecord::reference))
        .collect();
    let mut owners = store.customers_of(&references).into_iter();
    let mut references = references.into_iter();
    let mut removals: Vec<(RecordRef, RecordRef)> = Vec::new();
    let mut changed: Vec<BTreeSet<CustomerId>> = Vec::with_capacity(audited.len());
    for a in &audited {
        suppression.remember(&a.held, at);
        let mut customers: BTreeSet<CustomerId> = a.customer.iter().cloned().collect();
        for reference in references.by_ref().take(a.held.len()) {
            customers.extend(owners.next().flatten());
            let stone = tombstone(&reference, &suppression.key);
            removals.push((reference, stone));
        }
        changed.push(customers);
    }
    store.remove_records(&removals);
    let all_changed: BTreeSet<&CustomerId> = changed.iter().flatten().collect();
    let all_changed: Vec<CustomerId> = all_changed.into_iter().cloned().collect();
    let rebuild_required = store.refresh(&all_changed);
    audited
        .into_iter()
        .zip(changed)
        .map(|(a, customers)| ErasureReport {
            records: a.tokens,
            fields: a.fields,
            values: a.values,
            customers: customers.into_iter().collect(),
            rebuild_required,
        })
        .collect()
}

/// The batch state a host holds between runs: source records, profiles, the ID registry
/// and, optionally, the last [`Resolution`] (which holds normalised values in its matching
/// index).
///
/// Erasure removes records, rebuilds the affected profiles from what remains, scrubs the
/// registry and drops the resolution (its index held the erased values); call
/// [`BatchState::rebuild`] to re-resolve.
///
/// Each erasure passes over the records, profiles and registry a few times (some 0.1 s per
/// customer with 100 000 records, 1 s with a million); [`Erasable::erase_customers`] erases
/// any number of customers in the same few passes.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{BatchState, Erasable, HostKey, MemoryAuditSink, Requester, SuppressionList};
/// use customer360::profile::ProfileBuilder;
/// use customer360::{PersonName, Resolver, SourceRecord};
///
/// let records = vec![
///     SourceRecord::new("crm", "1").name(PersonName::from_parts("Ann", "Lee")).email("ann.lee@mail-example.com"),
///     SourceRecord::new("shop", "2").name(PersonName::from_parts("Ann", "Lee")).email("ANN.LEE@mail-example.com"),
///     SourceRecord::new("crm", "3").name(PersonName::from_parts("Bo", "Kim")).email("bo.kim@mail-example.com"),
/// ];
/// let resolver = Resolver::builder().build()?;
/// let mut state = BatchState::resolve(records, &resolver, ProfileBuilder::default())?;
/// let ann = state.registry.id_of(&state.records[0].reference()).unwrap().clone();
///
/// let mut list = SuppressionList::new(HostKey::new(b"host secret, 16+ bytes".to_vec())?);
/// let mut audit = MemoryAuditSink::default();
/// let who = Requester::new("dpo", "privacy", "legal", Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
/// let report = state.erase_customer(&ann, &who, "request 14", &mut list, &mut audit)?;
/// assert_eq!(report.records.len(), 2);
/// state.rebuild(&resolver)?;
/// assert_eq!(state.records.len(), 1);
/// assert!(!serde_json::to_string(&state.profiles).unwrap().contains("ann"));
/// assert!(!serde_json::to_string(audit.events()).unwrap().contains("ann"));
/// // Ann is recognised if a system sends her again.
/// assert!(list.check(&SourceRecord::new("app", "9").email("ann.lee@mail-example.com")).is_some());
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BatchState {
    /// The source records.
    pub records: Vec<SourceRecord>,
    /// The profiles.
    pub profiles: Vec<Profile>,
    /// The ID registry.
    pub registry: IdRegistry,
    /// The last resolution, if kept.
    pub resolution: Option<Resolution>,
    /// Builds profiles after an erasure and in [`BatchState::rebuild`].
    pub builder: ProfileBuilder,
}

impl BatchState {
    /// Resolve `records` and build their profiles: the state after one batch run.
    pub fn resolve(
        records: Vec<SourceRecord>,
        resolver: &Resolver,
        builder: ProfileBuilder,
    ) -> Result<BatchState, GovernError> {
        let mut state = BatchState {
            records,
            profiles: Vec::new(),
            registry: IdRegistry::default(),
            resolution: None,
            builder,
        };
        state.rebuild(resolver)?;
        Ok(state)
    }

    /// Re-resolve the records and rebuild every profile (IDs stay stable through the
    /// registry).
    pub fn rebuild(&mut self, resolver: &Resolver) -> Result<(), GovernError> {
        let resolution = resolver.resolve(&self.records)?;
        self.profiles = self
            .builder
            .build(&resolution, &self.records, &mut self.registry);
        self.resolution = Some(resolution);
        Ok(())
    }

    /// The profile of a customer (an ID or an alias of one).
    pub fn profile(&self, customer: &CustomerId) -> Option<&Profile> {
        let id = self
            .registry
            .resolve(customer)
            .unwrap_or_else(|| customer.clone());
        self.profiles.iter().find(|p| p.id == id)
    }
}

/// Where each key stands in a list, for one pass that fills the list's answers.
fn positions<'a>(
    keys: impl Iterator<Item = (usize, RefKey<'a>)>,
) -> HashMap<RefKey<'a>, Vec<usize>> {
    let mut at: HashMap<RefKey<'a>, Vec<usize>> = HashMap::new();
    for (i, key) in keys {
        at.entry(key).or_default().push(i);
    }
    at
}

/// Erasure works on the state's records, profiles and registry in passes over each, never
/// per record against all of them: erasing one customer costs a few passes over the state,
/// and so does erasing many at once ([`Erasable::erase_customers`]).
impl Erasable for BatchState {
    fn records_of(&self, customer: &CustomerId) -> Vec<RecordRef> {
        self.records_of_each(std::slice::from_ref(customer))
            .pop()
            .unwrap_or_default()
    }

    fn records_of_each(&self, customers: &[CustomerId]) -> Vec<Vec<RecordRef>> {
        // Each customer's current ID, and where its records go.
        let ids: Vec<CustomerId> = self
            .registry
            .resolve_all(customers)
            .into_iter()
            .zip(customers)
            .map(|(id, asked)| id.unwrap_or_else(|| asked.clone()))
            .collect();
        let mut slot: HashMap<&CustomerId, Vec<usize>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            slot.entry(id).or_default().push(i);
        }
        let mut found: Vec<BTreeSet<RecordRef>> = vec![BTreeSet::new(); customers.len()];
        // The profile's records, and the held records the registry gives the ID.
        for p in &self.profiles {
            for &i in slot.get(&p.id).into_iter().flatten() {
                found[i].extend(p.records.iter().cloned());
            }
        }
        let mut assigned: HashMap<RefKey<'_>, &[usize]> = HashMap::new();
        for (record, id) in self.registry.assignments() {
            if let Some(slots) = slot.get(id) {
                assigned.insert(record.ref_key(), slots);
            }
        }
        if !assigned.is_empty() {
            for r in &self.records {
                for &i in assigned.get(&r.ref_key()).copied().unwrap_or_default() {
                    found[i].insert(r.reference());
                }
            }
        }
        found.into_iter().map(|f| f.into_iter().collect()).collect()
    }

    fn customer_of(&self, record: &RecordRef) -> Option<CustomerId> {
        self.registry.id_of(record).cloned().or_else(|| {
            self.profiles
                .iter()
                .find(|p| p.records.contains(record))
                .map(|p| p.id.clone())
        })
    }

    fn customers_of(&self, records: &[RecordRef]) -> Vec<Option<CustomerId>> {
        let mut owners: Vec<Option<CustomerId>> = records
            .iter()
            .map(|r| self.registry.id_of(r).cloned())
            .collect();
        // Records the registry does not know are looked for in the profiles, in one pass
        // for all of them.
        let unknown = positions(
            records
                .iter()
                .enumerate()
                .filter(|&(i, _)| owners[i].is_none())
                .map(|(i, r)| (i, r.ref_key())),
        );
        if !unknown.is_empty() {
            for p in &self.profiles {
                for r in &p.records {
                    for &i in unknown.get(&r.ref_key()).into_iter().flatten() {
                        owners[i].get_or_insert_with(|| p.id.clone());
                    }
                }
            }
        }
        owners
    }

    fn record(&self, record: &RecordRef) -> Option<SourceRecord> {
        let wanted = record.ref_key();
        self.records.iter().find(|r| r.ref_key() == wanted).cloned()
    }

    fn find_records(&self, records: &[RecordRef]) -> Vec<Option<SourceRecord>> {
        let at = positions(records.iter().map(RecordRef::ref_key).enumerate());
        let mut found = vec![None; records.len()];
        for r in &self.records {
            for &i in at.get(&r.ref_key()).into_iter().flatten() {
                found[i] = Some(r.clone());
            }
        }
        found
    }

    fn remove_record(&mut self, record: &RecordRef, tombstone: &RecordRef) -> Option<SourceRecord> {
        self.remove_records(&[(record.clone(), tombstone.clone())])
            .pop()
    }

    fn remove_records(&mut self, removals: &[(RecordRef, RecordRef)]) -> Vec<SourceRecord> {
        let doomed: HashSet<RefKey<'_>> = removals.iter().map(|(r, _)| r.ref_key()).collect();
        // Take the doomed records out, then close the gaps in one pass (the records keep
        // their order, as removing them one by one would).
        let mut removed: Vec<SourceRecord> = Vec::new();
        let mut gaps: Vec<usize> = Vec::new();
        for (at, r) in self.records.iter_mut().enumerate() {
            if doomed.contains(&r.ref_key()) {
                removed.push(std::mem::take(r));
                gaps.push(at);
            }
        }
        let mut gaps = gaps.into_iter().peekable();
        let mut at = 0;
        self.records.retain(|_| {
            let gap = gaps.next_if_eq(&at).is_some();
            at += 1;
            !gap
        });
        if removed.is_empty() {
            return removed;
        }
        // Only records that were held are forgotten, as one by one.
        {
            let held: HashSet<RefKey<'_>> = removed.iter().map(SourceRecord::ref_key).collect();
            let forgotten: Vec<(RecordRef, RecordRef)> = removals
                .iter()
                .filter(|(r, _)| held.contains(&r.ref_key()))
                .cloned()
                .collect();
            self.registry.forget_records(&forgotten);
            for p in &mut self.profiles {
                if p.records.iter().any(|r| held.contains(&r.ref_key())) {
                    p.records.retain(|r| !held.contains(&r.ref_key()));
                }
            }
        }
        // The matching index holds the records' normalised values.
        self.resolution = None;
        removed
    }

    fn refresh(&mut self, customers: &[CustomerId]) -> bool {
        // Rebuild each profile of `customers` that lost a record from the records it still
        // has; drop profiles with none. Every value of a profile is re-derived, so nothing of
        // the erased records survives in provenance, `seen_in` or alternatives.
        self.profiles.retain(|p| !p.records.is_empty());
        let changed: BTreeSet<&CustomerId> = customers.iter().collect();
        let touched: Vec<usize> = (0..self.profiles.len())
            .filter(|&i| changed.contains(&self.profiles[i].id))
            .collect();
        if touched.is_empty() {
            return self.resolution.is_none();
        }
        // The records those profiles name, as members or in their values, that are held.
        let mut wanted: HashSet<RefKey<'_>> = HashSet::new();
        for &i in &touched {
            let p = &self.profiles[i];
            wanted.extend(p.records.iter().map(RecordRef::ref_key));
            for f in p.fields.values() {
                for v in f.values.iter().chain(&f.alternatives) {
                    wanted.insert(v.provenance.ref_key());
                    wanted.extend(v.seen_in.iter().map(RecordRef::ref_key));
                }
            }
        }
        let by_ref: HashMap<RefKey<'_>, &SourceRecord> = self
            .records
            .iter()
            .filter(|r| wanted.contains(&r.ref_key()))
            .map(|r| (r.ref_key(), r))
            .collect();
        drop(wanted);
        let rebuilt: Vec<(usize, Profile)> = touched
            .into_iter()
            .filter_map(|i| {
                let p = &self.profiles[i];
                let held = |key: RefKey<'_>| by_ref.contains_key(&key);
                let stale = p.fields.values().any(|f| {
                    f.values.iter().chain(&f.alternatives).any(|v| {
                        !held(v.provenance.ref_key())
                            || v.seen_in.iter().any(|r| !held(r.ref_key()))
                    })
                });
                stale.then(|| {
                    let members: Vec<&SourceRecord> = p
                        .records
                        .iter()
                        .filter_map(|r| by_ref.get(&r.ref_key()).copied())
                        .collect();
                    (i, self.builder.merge(p.id.clone(), &members))
                })
            })
            .collect();
        for (i, profile) in rebuilt {
            self.profiles[i] = profile;
        }
        self.resolution.is_none()
    }
}

/// Which kind of keyed hash a suppression entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SuppressionKind {
    /// The canonical e-mail address.
    Email,
    /// The phone number in E.164 form.
    Phone,
    /// A national ID, passport or tax ID.
    GovernmentId,
    /// Given name, family name and full birth date together.
    NameAndBirthDate,
}

impl SuppressionKind {
    fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Email => "email",
            SuppressionKind::Phone => "phone",
            SuppressionKind::GovernmentId => "government_id",
            SuppressionKind::NameAndBirthDate => "name_and_birth_date",
        }
    }
}

/// One erased person, as keyed hashes of their normalised identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionEntry {
    /// When they were erased.
    pub erased_at: DateTime<Utc>,
    /// The hashes (HMAC-SHA256 under the host key, hex), with their kinds.
    pub hashes: Vec<(SuppressionKind, String)>,
}

/// A re-ingested record recognised as an erased person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionMatch {
    /// The entry it matched (its position in [`SuppressionList::entries`]).
    pub entry: usize,
    /// The kinds of hash that matched.
    pub matched: Vec<SuppressionKind>,
}

/// What the host does with a record that matches the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionPolicy {
    /// Drop it (it is reported by reference, never kept).
    Reject,
    /// Hold it aside for a person to decide.
    Quarantine,
    /// Take it in anyway (for example after the person came back and consented anew).
    Allow,
}

/// Records screened against the suppression list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Screened {
    /// Records to take in.
    pub accepted: Vec<SourceRecord>,
    /// Records held aside, with what they matched.
    pub quarantined: Vec<(SourceRecord, SuppressionMatch)>,
    /// Records dropped, by reference, with what they matched.
    pub rejected: Vec<(RecordRef, SuppressionMatch)>,
}

/// Keyed hashes of erased people, so that a re-ingested record of the same person is
/// recognised without keeping anything that reveals who they were.
///
/// Serialises as its entries only; the key is never serialised.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{HostKey, SuppressionKind, SuppressionList};
/// use customer360::SourceRecord;
///
/// let key = HostKey::new(b"host secret, 16+ bytes".to_vec())?;
/// let mut list = SuppressionList::new(key);
/// let erased = SourceRecord::new("crm", "1").email("Ann.Lee@Mail-Example.com");
/// list.remember(&[erased], Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
///
/// let back = SourceRecord::new("webshop", "9").email("ann.lee@mail-example.com");
/// let hit = list.check(&back).expect("recognised");
/// assert_eq!(hit.matched, vec![SuppressionKind::Email]);
/// assert!(list.check(&SourceRecord::new("webshop", "10").email("bob@mail-example.com")).is_none());
/// // Nothing in the list reveals the address.
/// assert!(!serde_json::to_string(&list).unwrap().contains("ann"));
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct SuppressionList {
    #[serde(skip)]
    key: HostKey,
    #[serde(skip)]
    normalizer: RecordNormalizer,
    entries: Vec<SuppressionEntry>,
}

impl SuppressionList {
    /// An empty list hashing with `key` and normalising with the default normaliser.
    pub fn new(key: HostKey) -> SuppressionList {
        SuppressionList {
            key,
            normalizer: RecordNormalizer::default(),
            entries: Vec::new(),
        }
    }

    /// Normalise with `normalizer` (use the one the resolver uses, so that regions and
    /// date orders agree).
    #[must_use]
    pub fn with_normalizer(mut self, normalizer: RecordNormalizer) -> Self {
        self.normalizer = normalizer;
        self
    }

    /// A list from saved entries (see [`SuppressionList::entries_json`]) and the key they
    /// were made with.
    pub fn from_entries(key: HostKey, entries: Vec<SuppressionEntry>) -> SuppressionList {
        SuppressionList {
            entries,
            ..SuppressionList::new(key)
        }
    }

    /// The entries.
    pub fn entries(&self) -> &[SuppressionEntry] {
        &self.entries
    }

    /// The entries as JSON, for the host to store.
    pub fn entries_json(&self) -> String {
        serde_json::to_string(&self.entries).unwrap_or_default()
    }

    fn hashes(&self, record: &SourceRecord) -> BTreeSet<(SuppressionKind, String)> {
        let n = self.normalizer.normalize(record);
        let mut out = BTreeSet::new();
        let mut add = |kind: SuppressionKind, parts: &[&str]| {
            let mut all = vec!["suppress", kind.as_str()];
            all.extend_from_slice(parts);
            out.insert((kind, self.key.token(&all, 16)));
        };
        for e in &n.emails {
            if let Some(v) = e.address.matchable() {
                add(SuppressionKind::Email, &[v.canonical()]);
            }
        }
        for p in &n.phones {
            if let Some(v) = p.number.matchable() {
                add(SuppressionKind::Phone, &[v.e164()]);
            }
        }
        for i in &n.identifiers {
            if let Some(v) = i.matchable() {
                if matches!(
                    v.kind,
                    IdentifierKind::NationalId | IdentifierKind::Passport | IdentifierKind::TaxId
                ) {
                    add(SuppressionKind::GovernmentId, &[v.kind.as_str(), &v.value]);
                }
            }
        }
        let birth = n
            .birth_date
            .as_ref()
            .and_then(|d| d.matchable())
            .filter(|d| d.date.is_complete())
            .map(|d| d.date.to_string());
        if let Some(birth) = birth {
            for name in &n.names {
                if let Some(v) = name.matchable() {
                    if let (Some(given), Some(family)) = (&v.given, &v.family) {
                        add(SuppressionKind::NameAndBirthDate, &[given, family, &birth]);
                    }
                }
            }
        }
        out
    }

    /// Remember the people of `records` (one entry for all of them: they are one person).
    /// Records with nothing to hash add nothing.
    pub fn remember(&mut self, records: &[SourceRecord], erased_at: DateTime<Utc>) {
        let hashes: BTreeSet<(SuppressionKind, String)> =
            records.iter().flat_map(|r| self.hashes(r)).collect();
        if !hashes.is_empty() {
            self.entries.push(SuppressionEntry {
                erased_at,
                hashes: hashes.into_iter().collect(),
            });
        }
    }

    /// Whether `record` is of an erased person: the first entry sharing a hash with it.
    pub fn check(&self, record: &SourceRecord) -> Option<SuppressionMatch> {
        let mine = self.hashes(record);
        if mine.is_empty() {
            return None;
        }
        self.entries.iter().enumerate().find_map(|(i, e)| {
            let matched: BTreeSet<SuppressionKind> = e
                .hashes
                .iter()
                .filter(|h| mine.contains(h))
                .map(|(k, _)| *k)
                .collect();
            (!matched.is_empty()).then(|| SuppressionMatch {
                entry: i,
                matched: matched.into_iter().collect(),
            })
        })
    }

    /// Screen records before ingest under the host's policy. Every match is logged to
    /// `sink` (by record token and hash kind).
    pub fn screen(
        &self,
        records: Vec<SourceRecord>,
        policy: SuppressionPolicy,
        who: &Requester,
        sink: &mut dyn AuditSink,
    ) -> Result<Screened, GovernError> {
        let mut out = Screened::default();
        for record in records {
            let Some(hit) = self.check(&record) else {
                out.accepted.push(record);
                continue;
            };
            let action = match policy {
                SuppressionPolicy::Reject => "reject",
                SuppressionPolicy::Quarantine => "quarantine",
                SuppressionPolicy::Allow => "allow",
            };
            sink.append(
                AuditEvent::new(
                    who.at,
                    who.actor.clone(),
                    AuditKind::Suppressed {
                        action: action.to_owned(),
                        matched: hit.matched.iter().map(|k| k.as_str().to_owned()).collect(),
                    },
                )
                .purpose(who.purpose.clone())
                .records(vec![RecordToken::of(&record.reference(), &self.key)]),
            )?;
            match policy {
                SuppressionPolicy::Reject => out.rejected.push((record.reference(), hit)),
                SuppressionPolicy::Quarantine => out.quarantined.push((record, hit)),
                SuppressionPolicy::Allow => out.accepted.push(record),
            }
        }
        Ok(out)
    }
}
