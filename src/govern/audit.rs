//! The audit trail: an append-only log of what was done with customer data, by whom, for
//! what purpose and why. Events name fields, record tokens, weights and counts, never
//! personal values.

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::catalogue::CheckedRecord;
use super::catalogue::Purpose;
use super::mask::HostKey;
use crate::model::{FieldPath, RecordRef};
use crate::profile::LineageEvent;
use crate::resolve::{ClusterExplanation, CustomerId, LinkExplanation, PairExplanation};

/// A record as the audit trail names it: its source and a keyed hash of its key
/// (`crm/rk_1f…`), since record keys can be personal (an e-mail used as a key).
///
/// A host that knows a key finds its events with [`RecordToken::of`] and the same
/// [`HostKey`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordToken(pub String);

impl RecordToken {
    /// The token of `record` under `key`.
    pub fn of(record: &RecordRef, key: &HostKey) -> RecordToken {
        RecordToken(format!(
            "{}/rk_{}",
            record.source,
            key.token(&["record", record.source.as_str(), record.key.as_str()], 12)
        ))
    }
}

/// One step of a match explanation as the audit trail keeps it: the comparison, the level
/// reached and its weight (no values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditStep {
    /// The comparison (`email`).
    pub comparison: String,
    /// The level reached (`exact`), or `None` when a value was missing.
    pub level: Option<String>,
    /// The match weight it added.
    pub weight: f64,
}

/// One link of a merge as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLink {
    /// One record.
    pub a: RecordToken,
    /// The other.
    pub b: RecordToken,
    /// The link's match weight.
    pub weight: f64,
    /// Its match probability.
    pub probability: f64,
    /// Why the link was refused, when it was.
    pub refusal: Option<String>,
}

/// What an audit event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditKind {
    /// A record was taken in.
    Ingest {
        /// The fields it held.
        fields: Vec<FieldPath>,
        /// The fields quarantined by the catalogue check.
        quarantined: Vec<FieldPath>,
    },
    /// Two records were compared and judged one customer (or not).
    Match {
        /// The comparison steps.
        steps: Vec<AuditStep>,
        /// The total match weight.
        weight: f64,
        /// The match probability.
        probability: f64,
    },
    /// Records were merged into one customer.
    Merge {
        /// The links that joined them.
        links: Vec<AuditLink>,
        /// The links that were refused.
        refused: Vec<AuditLink>,
    },
    /// Records were split off a customer.
    Split {
        /// The customer they now form.
        into: Option<CustomerId>,
    },
    /// A field or section was asked for.
    Access {
        /// What was asked for (a field path or `section <name>`).
        target: String,
        /// The role that asked.
        role: String,
        /// `allow`, `mask` or `deny`.
        decision: String,
    },
    /// A consent decision was recorded.
    ConsentChange {
        /// The consent purpose (`marketing_email`).
        consent: String,
        /// `granted`, `denied` or `withdrawn`.
        state: String,
    },
    /// Personal data was erased.
    Erasure {
        /// The fields that held erased values.
        fields: Vec<FieldPath>,
        /// How many records were erased.
        records: usize,
        /// How many values were erased.
        values: usize,
    },
    /// Data past its retention was purged.
    RetentionPurge {
        /// The fields purged, with how many values of each.
        fields: Vec<(FieldPath, usize)>,
        /// Whether the whole record was purged.
        whole_record: bool,
    },
    /// A re-ingested record matched the suppression list.
    Suppressed {
        /// What the host policy did (`reject`, `quarantine`, `allow`).
        action: String,
        /// Which kinds of hash matched (`email`, `phone`).
        matched: Vec<String>,
    },
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When it happened (injected time, never the wall clock).
    pub at: DateTime<Utc>,
    /// Who did it (a person, a service, `customer360` for automatic steps).
    pub actor: String,
    /// For what purpose.
    pub purpose: Option<Purpose>,
    /// What happened.
    #[serde(flatten)]
    pub kind: AuditKind,
    /// Why (the access decision's reason, the erasure request's reference).
    pub reason: String,
    /// The customer it concerns.
    pub customer: Option<CustomerId>,
    /// The records it concerns.
    pub records: Vec<RecordToken>,
}

impl AuditEvent {
    /// An event with no purpose, reason, customer or records.
    pub fn new(at: DateTime<Utc>, actor: impl Into<String>, kind: AuditKind) -> AuditEvent {
        AuditEvent {
            at,
            actor: actor.into(),
            purpose: None,
            kind,
            reason: String::new(),
            customer: None,
            records: Vec::new(),
        }
    }

    /// Set the purpose.
    #[must_use]
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = Some(purpose);
        self
    }

    /// Set the reason.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    /// Set the customer.
    #[must_use]
    pub fn customer(mut self, customer: CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    /// Set the records.
    #[must_use]
    pub fn records(mut self, records: Vec<RecordToken>) -> Self {
        self.records = records;
        self
    }

    /// The match event of a pair explanation: the comparison steps with their levels and
    /// weights, never the values compared.
    pub fn matched(
        at: DateTime<Utc>,
        actor: &str,
        pair: &PairExplanation,
        key: &HostKey,
    ) -> AuditEvent {
        let steps = pair
            .steps
            .iter()
            .map(|s| AuditStep {
                comparison: s.comparison.clone(),
                level: s.level.clone(),
                weight: s.weight,
            })
            .collect();
        AuditEvent::new(
            at,
            actor,
            AuditKind::Match {
                steps,
                weight: pair.weight,
                probability: pair.probability,
            },
        )
        .reason(pair.conflict.clone().unwrap_or_default())
        .records(vec![
            RecordToken::of(&pair.a, key),
            RecordToken::of(&pair.b, key),
        ])
    }

    /// The ingest event of a record checked against the catalogue: the fields it held and
    /// those quarantined, by path.
    pub fn ingested(
        at: DateTime<Utc>,
        actor: &str,
        record: &RecordRef,
        checked: &CheckedRecord,
        key: &HostKey,
    ) -> AuditEvent {
        let mut fields = checked.record.present_fields();
        let quarantined: Vec<FieldPath> =
            checked.quarantined.iter().map(|q| q.path.clone()).collect();
        fields.extend(quarantined.iter().cloned());
        fields.sort();
        fields.dedup();
        AuditEvent::new(
            at,
            actor,
            AuditKind::Ingest {
                fields,
                quarantined,
            },
        )
        .records(vec![RecordToken::of(record, key)])
    }

    /// The events of one ID-registry lineage step: a merge of customers, a split, a new or a
    /// retired customer (the anchor record of a new customer by token only).
    pub fn lineage(
        at: DateTime<Utc>,
        actor: &str,
        event: &LineageEvent,
        key: &HostKey,
    ) -> AuditEvent {
        match event {
            LineageEvent::Created { id, anchor } => AuditEvent::new(
                at,
                actor,
                AuditKind::Merge {
                    links: Vec::new(),
                    refused: Vec::new(),
                },
            )
            .reason("new customer")
            .customer(id.clone())
            .records(vec![RecordToken::of(anchor, key)]),
            LineageEvent::Merged { survivor, absorbed } => AuditEvent::new(
                at,
                actor,
                AuditKind::Merge {
                    links: Vec::new(),
                    refused: Vec::new(),
                },
            )
            .reason(format!(
                "customers {} merged into this one",
                absorbed
                    .iter()
                    .map(|c| c.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .customer(survivor.clone()),
            LineageEvent::Split { from, into } => AuditEvent::new(
                at,
                actor,
                AuditKind::Split {
                    into: Some(into.clone()),
                },
            )
            .reason("records split off into another customer")
            .customer(from.clone()),
            LineageEvent::Retired { id } => {
                AuditEvent::new(at, actor, AuditKind::Split { into: None })
                    .reason("customer retired: no records left")
                    .customer(id.clone())
            }
        }
    }

    /// The merge event of a cluster explanation: the links by record token and weight.
    pub fn merged(
        at: DateTime<Utc>,
        actor: &str,
        cluster: &ClusterExplanation,
        key: &HostKey,
    ) -> AuditEvent {
        let link = |l: &LinkExplanation| AuditLink {
            a: RecordToken::of(&l.a, key),
            b: RecordToken::of(&l.b, key),
            weight: l.weight,
            probability: l.probability,
            refusal: l.refusal.as_ref().map(|r| format!("{r:?}")),
        };
        AuditEvent::new(
            at,
            actor,
            AuditKind::Merge {
                links: cluster.links.iter().map(link).collect(),
                refused: cluster.refused.iter().map(link).collect(),
            },
        )
        .customer(cluster.customer.clone())
        .records(
            cluster
                .records
                .iter()
                .map(|r| RecordToken::of(r, key))
                .collect(),
        )
    }
}

/// An audit sink could not take an event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Writing failed.
    #[error("the audit sink could not write an event ({0}): fix the log's destination; the operation was not completed")]
    Write(#[from] std::io::Error),
    /// An event could not be serialised.
    #[error("an audit event could not be serialised: {0}")]
    Serialise(String),
}

/// Where audit events go. Append-only: there is no way to change or remove an event.
///
/// Governance operations write their events before they return; if the sink fails, the
/// operation fails with [`AuditError`] (nothing is done that is not logged).
pub trait AuditSink {
    /// Append one event.
    fn append(&mut self, event: AuditEvent) -> Result<(), AuditError>;
}

impl<S: AuditSink + ?Sized> AuditSink for &mut S {
    fn append(&mut self, event: AuditEvent) -> Result<(), AuditError> {
        (**self).append(event)
    }
}

/// Keeps events in memory, in order.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{AuditEvent, AuditKind, AuditSink, MemoryAuditSink};
///
/// let mut sink = MemoryAuditSink::default();
/// let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
/// sink.append(AuditEvent::new(at, "svc", AuditKind::Split { into: None }))?;
/// assert_eq!(sink.events().len(), 1);
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemoryAuditSink {
    events: Vec<AuditEvent>,
}

impl MemoryAuditSink {
    /// Every event, oldest first.
    pub fn events(&self) -> &[AuditEvent] {
        &self.events
    }
}

impl AuditSink for MemoryAuditSink {
    fn append(&mut self, event: AuditEvent) -> Result<(), AuditError> {
        self.events.push(event);
        Ok(())
    }
}

/// Writes each event as one line of JSON to any writer (a file, a socket, a buffer the
/// host ships elsewhere). The writer is flushed after every event.
#[derive(Debug)]
pub struct JsonLinesAuditSink<W: Write> {
    writer: W,
}

impl<W: Write> JsonLinesAuditSink<W> {
    /// A sink writing to `writer`.
    pub fn new(writer: W) -> Self {
        JsonLinesAuditSink { writer }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<W: Write> AuditSink for JsonLinesAuditSink<W> {
    fn append(&mut self, event: AuditEvent) -> Result<(), AuditError> {
        let mut line =
            serde_json::to_vec(&event).map_err(|e| AuditError::Serialise(e.to_string()))?;
        line.push(b'\n');
        self.writer.write_all(&line)?;
        self.writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn json_lines_are_one_event_per_line_and_parse_back() {
        let mut sink = JsonLinesAuditSink::new(Vec::new());
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for i in 0..3 {
            sink.append(
                AuditEvent::new(at, "svc", AuditKind::Split { into: None }).reason(format!("r{i}")),
            )
            .unwrap();
        }
        let text = String::from_utf8(sink.into_inner()).unwrap();
        let events: Vec<AuditEvent> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(events.len(), 3);
        assert_eq!(events[2].reason, "r2");
    }

    #[test]
    fn record_tokens_hide_keys() {
        let key = HostKey::new(vec![3; 32]).unwrap();
        let r = RecordRef {
            source: "crm".into(),
            key: "ann@mail-example.com".into(),
        };
        let t = RecordToken::of(&r, &key);
        assert!(t.0.starts_with("crm/rk_"));
        assert!(!t.0.contains("ann"));
    }

    #[test]
    fn a_failing_writer_fails_the_append() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut sink = JsonLinesAuditSink::new(Broken);
        assert!(sink
            .append(AuditEvent::new(at, "svc", AuditKind::Split { into: None }))
            .is_err());
    }
}
