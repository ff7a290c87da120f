//! Canonical profiles: one customer's records merged into surviving values with provenance,
//! under stable customer IDs.

mod build;
mod ids;
mod survivorship;

use std::collections::BTreeMap;

pub use build::ProfileBuilder;
pub(crate) use ids::derive_id;
pub use ids::{IdRegistry, LineageEvent};
pub use survivorship::{
    CollectAll, FirstThatDecides, MergePolicy, MostComplete, MostFrequent, MostRecent, Observation,
    Oldest, SourcePriority, Survivorship,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{FieldPath, RecordKey, RecordRef, RefKey, SourceSystem};
use crate::resolve::CustomerId;

/// Where a value came from: the system, the record there, and when it was observed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Provenance {
    /// The source system.
    pub source: SourceSystem,
    /// The record's key in it.
    pub record: RecordKey,
    /// When the source observed the record.
    pub observed_at: Option<DateTime<Utc>>,
}

impl Provenance {
    /// The record this value came from, borrowed (what [`record_ref`](Self::record_ref)
    /// clones).
    pub(crate) fn ref_key(&self) -> RefKey<'_> {
        (self.source.as_str(), self.record.as_str())
    }

    /// The record this value came from.
    pub fn record_ref(&self) -> RecordRef {
        RecordRef {
            source: self.source.clone(),
            key: self.record.clone(),
        }
    }
}

/// One value of a merged field, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurvivingValue {
    /// The value: its normalised form where one is canonical (`+15551234567`, `1985-04-12`,
    /// `john.smith@gmail.com` as written, lower-cased), the source's own text for names and
    /// addresses (`John Smith`, `12 Main Street, Springfield, 62701`).
    pub value: String,
    /// A qualifier of the value where the model has one: the phone kind (`mobile`,
    /// `landline`), the e-mail or address use (`shared`, `work`), the identifier issuer.
    pub qualifier: Option<String>,
    /// Where it came from. When several records hold the value, the one the rule chose.
    pub provenance: Provenance,
    /// Every record that holds this value (same normalised form).
    pub seen_in: Vec<RecordRef>,
}

/// A field of a profile after survivorship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedField {
    /// The surviving value(s): one for single-valued fields, several for collected fields.
    pub values: Vec<SurvivingValue>,
    /// The values that lost, kept for data stewards.
    pub alternatives: Vec<SurvivingValue>,
    /// Whether the sources disagree (more than one distinct value was seen).
    pub disagreement: bool,
    /// The survivorship rule that decided.
    pub rule: String,
}

impl MergedField {
    /// The first surviving value.
    pub fn value(&self) -> Option<&str> {
        self.values.first().map(|v| v.value.as_str())
    }
}

/// One customer: the records resolved to them and every field's surviving values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The stable customer ID.
    pub id: CustomerId,
    /// The customer's records, sorted.
    pub records: Vec<RecordRef>,
    /// Merged fields by path: `identity.name`, `identity.name.given`, `identity.email`,
    /// `identity.phone`, `identity.address`, `identity.birth_date`, `identity.gender`,
    /// `identity.identifier.<kind>`, `custom.<name>`.
    pub fields: BTreeMap<FieldPath, MergedField>,
}

impl Profile {
    /// The first surviving value of a field.
    pub fn value(&self, path: &FieldPath) -> Option<&str> {
        self.fields.get(path).and_then(MergedField::value)
    }

    /// Every surviving value of a field.
    pub fn values<'a>(&'a self, path: &FieldPath) -> impl Iterator<Item = &'a SurvivingValue> + 'a {
        self.fields
            .get(path)
            .into_iter()
            .flat_map(|f| f.values.iter())
    }
}
