//! Retention: purge what is past its catalogue retention, relative to an injected clock.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditEvent, AuditKind, AuditSink, RecordToken};
use super::catalogue::{Catalogue, Purpose};
use super::fields::take_field;
use super::mask::HostKey;
use super::GovernError;
use crate::model::{FieldPath, SourceRecord};

/// Where "now" comes from. The core never reads the wall clock; a host passes a clock that
/// does (or a [`FixedClock`] in tests and replays).
pub trait Clock {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock stopped at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// What a retention run purged. Counts and tokens only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    /// When the run happened.
    pub at: Option<DateTime<Utc>>,
    /// How many records were checked.
    pub checked: usize,
    /// Records purged whole (not observed again within the `record.observed_at`
    /// retention).
    pub records_purged: Vec<RecordToken>,
    /// Values purged, by field.
    pub values_purged: BTreeMap<FieldPath, usize>,
    /// Records without `observed_at`, whose record-level and field retention cannot be
    /// measured (dated items in them were still checked). The host should date them.
    pub undated_records: usize,
}

/// Paths whose items carry their own time and are aged item by item.
const DATED: [&str; 9] = [
    "interactions",
    "interactions.soft",
    "interactions.soft.sentiment",
    "interactions.soft.mood",
    "interactions.soft.feedback",
    "interactions.soft.notes",
    "facts.orders",
    "facts.transactions",
    "notes",
];

/// Purge from `records` everything past its retention in `catalogue` as of `clock.now()`:
///
/// - a record whose `observed_at` is older than the `record.observed_at` retention is
///   removed whole;
/// - interactions (by their time), their soft data, orders (by when they were placed),
///   transactions and notes (by their time) older than their field's retention are removed
///   item by item;
/// - any other field older (by its record's `observed_at`) than its retention is removed
///   from the record.
///
/// Items without a time are kept (and records without `observed_at` counted in the
/// report). Profiles and matching indexes are derived from records: rebuild them after a
/// purge ([`BatchState::rebuild`](super::BatchState::rebuild)). Each changed record gets one retention event in `sink`, naming fields and
/// counts; the event is written before the record changes.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{purge_expired, Catalogue, FixedClock, HostKey, MemoryAuditSink};
/// use customer360::{Channel, Interaction, SourceRecord};
///
/// let old = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
/// let recent = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
/// let mut records = vec![SourceRecord::new("crm", "1")
///     .observed_at(recent)
///     .interaction(Interaction::new("i-old", old, Channel::Call))
///     .interaction(Interaction::new("i-new", recent, Channel::Call))];
/// let clock = FixedClock(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
/// let key = HostKey::new(vec![9; 32])?;
/// let mut audit = MemoryAuditSink::default();
/// let report = purge_expired(&mut records, &Catalogue::builtin(), &clock, &key, "retention-job", &mut audit)?;
/// assert_eq!(records[0].interactions.len(), 1);
/// assert_eq!(report.values_purged.values().sum::<usize>(), 1);
/// assert_eq!(audit.events().len(), 1);
/// # Ok::<(), customer360::Error>(())
/// ```
pub fn purge_expired(
    records: &mut Vec<SourceRecord>,
    catalogue: &Catalogue,
    clock: &dyn Clock,
    key: &HostKey,
    actor: &str,
    sink: &mut dyn AuditSink,
) -> Result<RetentionReport, GovernError> {
    let now = clock.now();
    let expired = |path: &FieldPath, at: Option<DateTime<Utc>>| -> bool {
        match (catalogue.retention_days(path), at) {
            (Some(days), Some(at)) => at + TimeDelta::days(i64::from(days)) < now,
            _ => false,
        }
    };
    let mut report = RetentionReport {
        at: Some(now),
        checked: records.len(),
        ..RetentionReport::default()
    };
    let mut kept = Vec::with_capacity(records.len());
    let mut rest = std::mem::take(records).into_iter();
    while let Some(record) = rest.next() {
        if record.observed_at.is_none() {
            report.undated_records += 1;
        }
        let token = RecordToken::of(&record.reference(), key);
        let event = |fields: Vec<(FieldPath, usize)>, whole: bool| {
            AuditEvent::new(
                now,
                actor,
                AuditKind::RetentionPurge {
                    fields,
                    whole_record: whole,
                },
            )
            .purpose(Purpose::new(Purpose::LEGAL))
            .reason("past its catalogue retention")
            .records(vec![token.clone()])
        };
        if expired(&FieldPath::OBSERVED_AT, record.observed_at) {
            let fields: Vec<(FieldPath, usize)> = record
                .present_fields()
                .into_iter()
                .map(|p| {
                    let n = take_field(&mut record.clone(), &p).len();
                    (p, n)
                })
                .collect();
            if let Err(e) = sink.append(event(fields.clone(), true)) {
                kept.push(record);
                kept.extend(rest);
                *records = kept;
                return Err(e.into());
            }
            for (p, n) in fields {
                *report.values_purged.entry(p).or_default() += n;
            }
            report.records_purged.push(token);
            continue;
        }
        let mut purged = record.clone();
        let mut counts: BTreeMap<FieldPath, usize> = BTreeMap::new();
        let mut count = |p: &FieldPath, n: usize| {
            if n > 0 {
                *counts.entry(p.clone()).or_default() += n;
            }
        };
        let before = purged.interactions.len();
        purged
            .interactions
            .retain(|i| !expired(&FieldPath::INTERACTIONS, Some(i.at)));
        count(&FieldPath::INTERACTIONS, before - purged.interactions.len());
        for i in &mut purged.interactions {
            let old = |p: &FieldPath| expired(p, Some(i.at));
            if old(&FieldPath::SENTIMENT) && i.soft.sentiment.take().is_some() {
                count(&FieldPath::SENTIMENT, 1);
            }
            if old(&FieldPath::MOOD) && i.soft.mood.take().is_some() {
                count(&FieldPath::MOOD, 1);
            }
            if old(&FieldPath::FEEDBACK) && i.soft.feedback.take().is_some() {
                count(&FieldPath::FEEDBACK, 1);
            }
            if old(&FieldPath::INTERACTION_NOTES) {
                count(&FieldPath::INTERACTION_NOTES, i.soft.notes.len());
                i.soft.notes.clear();
            }
        }
        let before = purged.facts.orders.len();
        purged
            .facts
            .orders
            .retain(|o| !expired(&FieldPath::ORDERS, o.placed_at));
        count(&FieldPath::ORDERS, before - purged.facts.orders.len());
        let before = purged.facts.transactions.len();
        purged
            .facts
            .transactions
            .retain(|t| !expired(&FieldPath::TRANSACTIONS, Some(t.at)));
        count(
            &FieldPath::TRANSACTIONS,
            before - purged.facts.transactions.len(),
        );
        let before = purged.notes.len();
        purged.notes.retain(|n| !expired(&FieldPath::NOTES, n.at));
        count(&FieldPath::NOTES, before - purged.notes.len());
        for path in purged.present_fields() {
            if DATED.contains(&path.as_str()) || !expired(&path, purged.observed_at) {
                continue;
            }
            let n = take_field(&mut purged, &path).len();
            count(&path, n);
        }
        if counts.is_empty() {
            kept.push(record);
            continue;
        }
        if let Err(e) = sink.append(event(counts.clone().into_iter().collect(), false)) {
            kept.push(record);
            kept.extend(rest);
            *records = kept;
            return Err(e.into());
        }
        for (p, n) in counts {
            *report.values_purged.entry(p).or_default() += n;
        }
        kept.push(purged);
    }
    *records = kept;
    Ok(report)
}
