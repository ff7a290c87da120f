//! Subject access: everything held about a customer, for the customer.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditEvent, AuditKind, AuditSink};
use super::catalogue::{Catalogue, Lineage, Purpose, Sensitivity};
use super::consent::{ConsentConflict, ConsentLedger, ConsentRecord};
use super::view::Requester;
use super::GovernError;
use crate::model::{FieldPath, RecordRef, SourceRecord};
use crate::profile::Profile;
use crate::resolve::CustomerId;

/// One value held about the subject, with the records it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectValue {
    /// The value.
    pub value: String,
    /// The records holding it.
    pub sources: Vec<RecordRef>,
    /// Whether it is the value in use (`false` for values that lost survivorship).
    pub in_use: bool,
}

/// One field held about the subject: what it means, why it is held, how long, and its
/// values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectField {
    /// The field.
    pub path: FieldPath,
    /// What it means (from the catalogue; empty when undeclared).
    pub meaning: String,
    /// How sensitive it is.
    pub sensitivity: Sensitivity,
    /// What it is used for.
    pub purposes: Vec<Purpose>,
    /// How long it is kept, in days.
    pub retention_days: Option<u32>,
    /// Where it comes from.
    pub lineage: Vec<Lineage>,
    /// The merged values (identity fields); facts, interactions and notes are in
    /// [`SubjectAccessReport::records`].
    pub values: Vec<SubjectValue>,
}

/// Everything held about one customer: the customer's right to know what is collected and
/// how it is used. Serialises to JSON with serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectAccessReport {
    /// The customer.
    pub customer_id: CustomerId,
    /// When the report was made.
    pub generated_at: DateTime<Utc>,
    /// Every field held, with its catalogue entry and values.
    pub fields: Vec<SubjectField>,
    /// The source records, as held.
    pub records: Vec<SourceRecord>,
    /// Every consent decision.
    pub consents: Vec<ConsentRecord>,
    /// Consent decisions that conflict.
    pub consent_conflicts: Vec<ConsentConflict>,
    /// The most recent audit events about the customer (access decisions, merges,
    /// consent changes), newest first.
    pub access_log: Vec<AuditEvent>,
}

/// Build the subject access report of `profile` from its `records`, the `catalogue`, the
/// customer's `consents` and the audit trail `log` (the newest `recent` events about the
/// customer are included). The report itself is logged to `sink`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::govern::{subject_access, Catalogue, MemoryAuditSink, Requester};
/// use customer360::profile::{IdRegistry, ProfileBuilder};
/// use customer360::{FieldPath, Resolver, SourceRecord};
///
/// let records = vec![SourceRecord::new("crm", "1").email("ann@mail-example.com")];
/// let resolution = Resolver::builder().build()?.resolve(&records)?;
/// let profile = &ProfileBuilder::default().build(&resolution, &records, &mut IdRegistry::default())[0];
/// let who = Requester::new("dpo", "privacy", "legal", Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
/// let mut audit = MemoryAuditSink::default();
/// let report = subject_access(&who, profile, &[&records[0]], &Catalogue::builtin(), None, &[], 50, &mut audit)?;
/// let email = report.fields.iter().find(|f| f.path == FieldPath::EMAIL).unwrap();
/// assert_eq!(email.values[0].value, "ann@mail-example.com");
/// assert!(email.purposes.iter().any(|p| p.as_str() == "marketing"));
/// # Ok::<(), customer360::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn subject_access(
    who: &Requester,
    profile: &Profile,
    records: &[&SourceRecord],
    catalogue: &Catalogue,
    consents: Option<&ConsentLedger>,
    log: &[AuditEvent],
    recent: usize,
    sink: &mut dyn AuditSink,
) -> Result<SubjectAccessReport, GovernError> {
    let mut paths: BTreeSet<FieldPath> = profile.fields.keys().cloned().collect();
    let mut held: Vec<SourceRecord> = records
        .iter()
        .filter(|r| profile.records.contains(&r.reference()))
        .map(|r| (*r).clone())
        .collect();
    held.sort_by_key(SourceRecord::reference);
    for r in &held {
        paths.extend(r.present_fields());
    }
    let fields = paths
        .into_iter()
        .map(|path| {
            let def = catalogue.definition(&path);
            let mut values = Vec::new();
            if let Some(f) = profile.fields.get(&path) {
                for (v, in_use) in f
                    .values
                    .iter()
                    .map(|v| (v, true))
                    .chain(f.alternatives.iter().map(|v| (v, false)))
                {
                    values.push(SubjectValue {
                        value: v.value.clone(),
                        sources: v.seen_in.clone(),
                        in_use,
                    });
                }
            }
            SubjectField {
                meaning: def.map(|d| d.meaning.clone()).unwrap_or_default(),
                sensitivity: catalogue.sensitivity(&path),
                purposes: def.map(|d| d.purposes.clone()).unwrap_or_default(),
                retention_days: catalogue.retention_days(&path),
                lineage: def.map(|d| d.lineage.clone()).unwrap_or_default(),
                path,
                values,
            }
        })
        .collect();
    let mut access_log: Vec<AuditEvent> = log
        .iter()
        .filter(|e| e.customer.as_ref() == Some(&profile.id))
        .cloned()
        .collect();
    access_log.sort_by_key(|e| std::cmp::Reverse(e.at));
    access_log.truncate(recent);
    sink.append(
        AuditEvent::new(
            who.at,
            who.actor.clone(),
            AuditKind::Access {
                target: "profile".to_owned(),
                role: who.role.clone(),
                decision: "allow".to_owned(),
            },
        )
        .purpose(who.purpose.clone())
        .reason("subject access request")
        .customer(profile.id.clone()),
    )?;
    Ok(SubjectAccessReport {
        customer_id: profile.id.clone(),
        generated_at: who.at,
        fields,
        records: held,
        consents: consents.map(|c| c.records().to_vec()).unwrap_or_default(),
        consent_conflicts: consents.map(|c| c.conflicts(who.at)).unwrap_or_default(),
        access_log,
    })
}
