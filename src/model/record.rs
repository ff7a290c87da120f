//! The source record: one system's view of one customer at one time.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Email, Facts, FieldPath, Identifier, Identity, Interaction, Note, PersonName, Phone,
    PostalAddress,
};

/// The name of a source system (`crm`, `webshop`, `call_centre`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceSystem(pub String);

impl SourceSystem {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for SourceSystem {
    fn from(s: &str) -> Self {
        SourceSystem(s.to_owned())
    }
}

impl From<String> for SourceSystem {
    fn from(s: String) -> Self {
        SourceSystem(s)
    }
}

/// A record's key in its source system. Unique within that system; `(source, key)` is unique
/// across all systems (see [`RecordRef`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordKey(pub String);

impl RecordKey {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for RecordKey {
    fn from(s: &str) -> Self {
        RecordKey(s.to_owned())
    }
}

impl From<String> for RecordKey {
    fn from(s: String) -> Self {
        RecordKey(s)
    }
}

/// The globally unique reference of a source record: its system and its key there.
///
/// Ordered by system, then key, which gives every later stage a deterministic tie-break.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordRef {
    /// The source system.
    pub source: SourceSystem,
    /// The key in that system.
    pub key: RecordKey,
}

/// A record's reference borrowed as `(source, key)`: for finding records by reference without
/// cloning references.
pub(crate) type RefKey<'a> = (&'a str, &'a str);

impl RecordRef {
    /// This reference, borrowed.
    pub(crate) fn ref_key(&self) -> RefKey<'_> {
        (self.source.as_str(), self.key.as_str())
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.source, self.key)
    }
}

/// What one source system says about one customer, as it said it.
///
/// A `SourceRecord` is lossless input: values are kept as written, and normalisation
/// ([`RecordNormalizer`](crate::normalize::RecordNormalizer)) works on a copy. Build one
/// field by field with the chaining methods, or deserialise it.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer360::{Channel, Interaction, PersonName, SourceRecord};
///
/// let record = SourceRecord::new("call_centre", "C-1042")
///     .observed_at(Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap())
///     .name(PersonName::from_parts("Jonh", "Smith"))
///     .email("jonh.smith@example.org")
///     .phone("(555) 123-4567")
///     .birth_date("12/04/1985")
///     .interaction(Interaction::new(
///         "call-7",
///         Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
///         Channel::Call,
///     ));
///
/// assert_eq!(record.reference().to_string(), "call_centre/C-1042");
/// let json = serde_json::to_string(&record).unwrap();
/// let back: SourceRecord = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, record);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The system the record came from.
    pub source: SourceSystem,
    /// The record's key in that system.
    pub key: RecordKey,
    /// When the source observed or last updated this record. Survivorship ("most recent")
    /// and retention use it; the crate never reads the wall clock in its place.
    #[serde(default)]
    pub observed_at: Option<DateTime<Utc>>,
    /// Who the customer is.
    #[serde(default)]
    pub identity: Identity,
    /// What the customer bought, paid and holds.
    #[serde(default)]
    pub facts: Facts,
    /// Contacts over channels, with their soft data.
    #[serde(default)]
    pub interactions: Vec<Interaction>,
    /// Notes about the customer not tied to one interaction.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Host-defined attributes, kept but not matched unless configured.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
}

impl SourceRecord {
    /// An empty record from `source` with `key`.
    pub fn new(source: impl Into<SourceSystem>, key: impl Into<RecordKey>) -> Self {
        SourceRecord {
            source: source.into(),
            key: key.into(),
            ..Self::default()
        }
    }

    /// The record's reference, borrowed (what [`reference`](Self::reference) clones).
    pub(crate) fn ref_key(&self) -> RefKey<'_> {
        (self.source.as_str(), self.key.as_str())
    }

    /// The record's global reference.
    pub fn reference(&self) -> RecordRef {
        RecordRef {
            source: self.source.clone(),
            key: self.key.clone(),
        }
    }

    /// Set when the source observed the record.
    #[must_use]
    pub fn observed_at(mut self, at: DateTime<Utc>) -> Self {
        self.observed_at = Some(at);
        self
    }

    /// Add a name.
    #[must_use]
    pub fn name(mut self, name: PersonName) -> Self {
        self.identity.names.push(name);
        self
    }

    /// Add an e-mail address.
    #[must_use]
    pub fn email(mut self, address: impl Into<String>) -> Self {
        self.identity.emails.push(Email::new(address));
        self
    }

    /// Add a phone number.
    #[must_use]
    pub fn phone(mut self, number: impl Into<String>) -> Self {
        self.identity.phones.push(Phone::new(number));
        self
    }

    /// Add a postal address.
    #[must_use]
    pub fn address(mut self, address: PostalAddress) -> Self {
        self.identity.addresses.push(address);
        self
    }

    /// Set the birth date as written.
    #[must_use]
    pub fn birth_date(mut self, date: impl Into<String>) -> Self {
        self.identity.birth_date = Some(date.into());
        self
    }

    /// Set the gender as written.
    #[must_use]
    pub fn gender(mut self, gender: impl Into<String>) -> Self {
        self.identity.gender = Some(gender.into());
        self
    }

    /// Add a typed identifier.
    #[must_use]
    pub fn identifier(mut self, id: Identifier) -> Self {
        self.identity.identifiers.push(id);
        self
    }

    /// Add an interaction.
    #[must_use]
    pub fn interaction(mut self, interaction: Interaction) -> Self {
        self.interactions.push(interaction);
        self
    }

    /// Set a custom attribute.
    #[must_use]
    pub fn custom(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom.insert(name.into(), value.into());
        self
    }

    /// The field paths this record holds a value for, sorted and without repeats.
    ///
    /// A data catalogue checks these against its declarations (data minimisation).
    ///
    /// ```
    /// use customer360::{FieldPath, SourceRecord};
    /// let r = SourceRecord::new("crm", "1").email("a@b.org").custom("tier", "gold");
    /// let paths = r.present_fields();
    /// assert!(paths.contains(&FieldPath::EMAIL));
    /// assert!(paths.contains(&FieldPath::custom("tier").unwrap()));
    /// ```
    pub fn present_fields(&self) -> Vec<FieldPath> {
        let mut paths = Vec::new();
        let id = &self.identity;
        for name in &id.names {
            let parts = [
                (&name.full, FieldPath::NAME_FULL),
                (&name.prefix, FieldPath::NAME_PREFIX),
                (&name.given, FieldPath::NAME_GIVEN),
                (&name.middle, FieldPath::NAME_MIDDLE),
                (&name.family, FieldPath::NAME_FAMILY),
                (&name.suffix, FieldPath::NAME_SUFFIX),
            ];
            for (value, path) in parts {
                if value.is_some() {
                    paths.push(path);
                }
            }
        }
        if !id.emails.is_empty() {
            paths.push(FieldPath::EMAIL);
        }
        if !id.phones.is_empty() {
            paths.push(FieldPath::PHONE);
        }
        if !id.addresses.is_empty() {
            paths.push(FieldPath::ADDRESS);
        }
        if id.birth_date.is_some() {
            paths.push(FieldPath::BIRTH_DATE);
        }
        if id.gender.is_some() {
            paths.push(FieldPath::GENDER);
        }
        for identifier in &id.identifiers {
            paths.push(FieldPath::identifier(&identifier.kind));
        }
        if !self.facts.orders.is_empty() {
            paths.push(FieldPath::ORDERS);
        }
        if !self.facts.transactions.is_empty() {
            paths.push(FieldPath::TRANSACTIONS);
        }
        if !self.facts.holdings.is_empty() {
            paths.push(FieldPath::HOLDINGS);
        }
        if !self.interactions.is_empty() {
            paths.push(FieldPath::INTERACTIONS);
        }
        for i in &self.interactions {
            if i.soft.sentiment.is_some() {
                paths.push(FieldPath::SENTIMENT);
            }
            if i.soft.mood.is_some() {
                paths.push(FieldPath::MOOD);
            }
            if i.soft.feedback.is_some() {
                paths.push(FieldPath::FEEDBACK);
            }
            if !i.soft.notes.is_empty() {
                paths.push(FieldPath::INTERACTION_NOTES);
            }
        }
        if !self.notes.is_empty() {
            paths.push(FieldPath::NOTES);
        }
        for name in self.custom.keys() {
            // Custom names that cannot form a path are reported under the `custom` root so
            // that a catalogue still sees (and can reject) them.
            paths.push(FieldPath::custom(name).unwrap_or(FieldPath::CUSTOM));
        }
        paths.sort();
        paths.dedup();
        paths
    }
}
