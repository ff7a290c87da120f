//! The data catalogue: what every field means, how sensitive it is, where it comes from,
//! what it may be used for and how long it is kept.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::fields::{take_field, take_unnamed_custom};
use crate::model::{FieldPath, IdentifierKind, RecordRef, SourceRecord, SourceSystem};

/// How sensitive a field is. Ordered from least to most sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Not about a person, or published anyway.
    Public,
    /// Internal business data (record keys, account numbers, orders).
    Internal,
    /// Data about an identifiable person (names, contacts, addresses, interactions).
    Personal,
    /// Data whose exposure does serious harm (national ids, passports, health or free-text
    /// notes, gender).
    Sensitive,
}

impl Sensitivity {
    /// Every class, least sensitive first.
    pub const ALL: [Sensitivity; 4] = [
        Sensitivity::Public,
        Sensitivity::Internal,
        Sensitivity::Personal,
        Sensitivity::Sensitive,
    ];

    /// The class's name as in catalogue files (`personal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Public => "public",
            Sensitivity::Internal => "internal",
            Sensitivity::Personal => "personal",
            Sensitivity::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for Sensitivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A business purpose data may be used for (`service`, `marketing`). Purposes are the
/// host's vocabulary; the constants are the ones the built-in catalogue uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Purpose(pub String);

impl Purpose {
    /// Serving the customer: support, orders, account care.
    pub const SERVICE: &'static str = "service";
    /// Recognising the customer across systems (matching and merging).
    pub const IDENTITY_RESOLUTION: &'static str = "identity_resolution";
    /// Marketing to the customer.
    pub const MARKETING: &'static str = "marketing";
    /// Analytics and profiling.
    pub const ANALYTICS: &'static str = "analytics";
    /// Billing and payments.
    pub const BILLING: &'static str = "billing";
    /// Legal and regulatory obligations.
    pub const LEGAL: &'static str = "legal";
    /// Fraud prevention.
    pub const FRAUD_PREVENTION: &'static str = "fraud_prevention";

    /// A purpose by name.
    pub fn new(name: impl Into<String>) -> Purpose {
        Purpose(name.into())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Purpose {
    fn from(s: &str) -> Self {
        Purpose(s.to_owned())
    }
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValueType {
    /// Free or short text.
    Text,
    /// A person name or a part of one.
    Name,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A postal address.
    Address,
    /// A date or a time.
    Date,
    /// A code from a closed list (gender, status).
    Code,
    /// A typed identifier.
    Identifier,
    /// A structured group of values (orders, interactions).
    Structured,
}

/// Where a field's values come from: one source system's column and how it is turned into
/// the field, with the discrepancies known between this source and others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    /// The source system.
    pub source: SourceSystem,
    /// The column, attribute or API field there.
    pub column: String,
    /// How the value is derived (`trimmed`, `lower-cased; plus tags kept`).
    #[serde(default)]
    pub how: String,
    /// Documented differences from other sources (`webshop stores the billing e-mail, crm
    /// the contact e-mail`).
    #[serde(default)]
    pub discrepancies: Vec<String>,
}

/// The catalogue entry of one field.
///
/// A definition covers its path and every path below it that has no definition of its own
/// (`identity.identifier` covers `identity.identifier.loyalty` unless that is defined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDefinition {
    /// The field.
    pub path: FieldPath,
    /// What the field means, in business words.
    pub meaning: String,
    /// The kind of value.
    #[serde(rename = "type")]
    pub value_type: ValueType,
    /// How sensitive it is.
    pub sensitivity: Sensitivity,
    /// Who is accountable for it (a team or role).
    #[serde(default)]
    pub owner: Option<String>,
    /// The sources and columns that feed it.
    #[serde(default)]
    pub lineage: Vec<Lineage>,
    /// The purposes it may be used for. A field with none has no business purpose: ingest
    /// rejects or quarantines it (data minimisation).
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    /// How many days a value is kept after its record was observed; `None` keeps it as long
    /// as its record.
    #[serde(default)]
    pub retention_days: Option<u32>,
}

impl FieldDefinition {
    /// A definition with no owner, lineage, purposes or retention.
    pub fn new(
        path: FieldPath,
        meaning: impl Into<String>,
        value_type: ValueType,
        sensitivity: Sensitivity,
    ) -> FieldDefinition {
        FieldDefinition {
            path,
            meaning: meaning.into(),
            value_type,
            sensitivity,
            owner: None,
            lineage: Vec::new(),
            purposes: Vec::new(),
            retention_days: None,
        }
    }

    /// Set the purposes.
    #[must_use]
    pub fn purposes<P: Into<Purpose>>(mut self, purposes: impl IntoIterator<Item = P>) -> Self {
        self.purposes = purposes.into_iter().map(Into::into).collect();
        self
    }

    /// Set the retention in days.
    #[must_use]
    pub fn retention_days(mut self, days: u32) -> Self {
        self.retention_days = Some(days);
        self
    }

    /// Set the owner.
    #[must_use]
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// Add a lineage entry.
    #[must_use]
    pub fn lineage(mut self, lineage: Lineage) -> Self {
        self.lineage.push(lineage);
        self
    }

    /// Whether the field may be used for `purpose`.
    pub fn allows(&self, purpose: &Purpose) -> bool {
        self.purposes.contains(purpose)
    }
}

/// What [`Catalogue::check`] does with a field that has no declared purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueMode {
    /// Reject the whole record with an error naming the record and the fields.
    Strict,
    /// Take the fields out of the record and hand them back in a quarantine list.
    Quarantine,
}

/// A field taken out of a record at ingest, with the values taken (as JSON), so nothing is
/// lost silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedField {
    /// The record it came from.
    pub record: RecordRef,
    /// The field.
    pub path: FieldPath,
    /// The values taken out.
    pub values: Vec<serde_json::Value>,
}

/// A record that passed the catalogue check, and what was quarantined from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedRecord {
    /// The record, without quarantined fields.
    pub record: SourceRecord,
    /// The fields taken out (empty in strict mode).
    pub quarantined: Vec<QuarantinedField>,
}

/// A catalogue could not be loaded, or a record broke it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The text is not a catalogue.
    #[error("the catalogue is not valid {format}: {message}")]
    Parse {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// What the parser said.
        message: String,
    },
    /// One path is defined twice.
    #[error("the catalogue defines {0} twice: keep one definition per field")]
    Duplicate(FieldPath),
    /// A record holds fields with no declared purpose (strict mode).
    #[error(
        "record {record} holds {} with no declared purpose: {}; declare a purpose for {} in \
         the catalogue or stop sending {}",
        if .fields.len() == 1 { "a field" } else { "fields" },
        .fields.iter().map(FieldPath::as_str).collect::<Vec<_>>().join(", "),
        if .fields.len() == 1 { "it" } else { "them" },
        if .fields.len() == 1 { "it" } else { "them" }
    )]
    Undeclared {
        /// The record.
        record: RecordRef,
        /// The undeclared fields, sorted.
        fields: Vec<FieldPath>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default, alias = "fields")]
    field: Vec<FieldDefinition>,
    #[serde(default)]
    sections: BTreeMap<String, Vec<FieldPath>>,
}

#[derive(Serialize)]
struct CatalogueFileRef<'a> {
    field: Vec<&'a FieldDefinition>,
    sections: &'a BTreeMap<String, Vec<FieldPath>>,
}

/// The data catalogue: a [`FieldDefinition`] per [`FieldPath`], and which fields each
/// section of the [`Customer360`](crate::Customer360) view is derived from.
///
/// [`Catalogue::builtin`] (also `Default`) covers every path of the model, so a host starts
/// governed; a host file (TOML or JSON) adds its own fields, lineage and purposes on top
/// ([`Catalogue::extend`]). Custom attributes have no purpose until the host declares them.
///
/// ```
/// use customer360::govern::{Catalogue, CatalogueMode, Sensitivity};
/// use customer360::{FieldPath, SourceRecord};
///
/// let host = Catalogue::from_toml_str(r#"
///     [[field]]
///     path = "custom.loyalty_tier"
///     meaning = "Tier in the loyalty programme"
///     type = "code"
///     sensitivity = "internal"
///     owner = "loyalty team"
///     purposes = ["service", "marketing"]
///     retention_days = 730
///     [[field.lineage]]
///     source = "crm"
///     column = "LOY_TIER"
///     how = "as written"
///     discrepancies = ["the webshop still shows the tier of last year"]
/// "#)?;
/// let mut catalogue = Catalogue::builtin();
/// catalogue.extend(host);
/// assert_eq!(catalogue.sensitivity(&FieldPath::EMAIL), Sensitivity::Personal);
///
/// let record = SourceRecord::new("crm", "1")
///     .email("ann@mail-example.com")
///     .custom("loyalty_tier", "gold")
///     .custom("shoe_size", "38");
/// // Strict mode rejects the undeclared field and names it.
/// let err = catalogue.check(&record, CatalogueMode::Strict).unwrap_err();
/// assert!(err.to_string().contains("custom.shoe_size"));
/// // Quarantine mode takes it out and hands it back.
/// let checked = catalogue.check(&record, CatalogueMode::Quarantine)?;
/// assert!(!checked.record.custom.contains_key("shoe_size"));
/// assert_eq!(checked.quarantined[0].path.as_str(), "custom.shoe_size");
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    fields: BTreeMap<FieldPath, FieldDefinition>,
    sections: BTreeMap<String, Vec<FieldPath>>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::builtin()
    }
}

impl Catalogue {
    /// A catalogue with no definitions and no sections: every field is undeclared.
    pub fn empty() -> Catalogue {
        Catalogue {
            fields: BTreeMap::new(),
            sections: BTreeMap::new(),
        }
    }

    /// The built-in catalogue: every path of the model with a meaning, type, sensitivity,
    /// purposes and retention, and the section mapping of the 360 view. Custom attributes
    /// (`custom`) are defined without purposes, so each must be declared by the host.
    pub fn builtin() -> Catalogue {
        builtin()
    }

    /// Load a catalogue from TOML: `[[field]]` tables (see [`FieldDefinition`]; the value
    /// type key is `type`) and an optional `[sections]` table mapping view sections to
    /// field paths.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| CatalogueError::Parse {
            format: "TOML",
            message: e.to_string(),
        })?;
        Catalogue::from_file(file)
    }

    /// Load a catalogue from JSON: `{"field": [...], "sections": {...}}`.
    pub fn from_json_str(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile =
            serde_json::from_str(text).map_err(|e| CatalogueError::Parse {
                format: "JSON",
                message: e.to_string(),
            })?;
        Catalogue::from_file(file)
    }

    /// The catalogue as JSON, in the form [`Catalogue::from_json_str`] reads.
    pub fn to_json(&self) -> String {
        let file = CatalogueFileRef {
            field: self.fields.values().collect(),
            sections: &self.sections,
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    fn from_file(file: CatalogueFile) -> Result<Catalogue, CatalogueError> {
        let mut fields = BTreeMap::new();
        for def in file.field {
            if fields.contains_key(&def.path) {
                return Err(CatalogueError::Duplicate(def.path));
            }
            fields.insert(def.path.clone(), def);
        }
        Ok(Catalogue {
            fields,
            sections: file.sections,
        })
    }

    /// Add or replace a definition.
    pub fn define(&mut self, definition: FieldDefinition) -> &mut Self {
        self.fields.insert(definition.path.clone(), definition);
        self
    }

    /// Set which fields a view section is derived from.
    pub fn define_section(
        &mut self,
        section: impl Into<String>,
        fields: impl IntoIterator<Item = FieldPath>,
    ) -> &mut Self {
        self.sections
            .insert(section.into(), fields.into_iter().collect());
        self
    }

    /// Add every definition and section of `other`, replacing those with the same path or
    /// name.
    pub fn extend(&mut self, other: Catalogue) {
        self.fields.extend(other.fields);
        self.sections.extend(other.sections);
    }

    /// The definition that governs `path`: its own, or the nearest ancestor's.
    pub fn definition(&self, path: &FieldPath) -> Option<&FieldDefinition> {
        let mut current = Some(path.clone());
        while let Some(p) = current {
            if let Some(def) = self.fields.get(&p) {
                return Some(def);
            }
            current = p.parent();
        }
        None
    }

    /// Every definition, by path.
    pub fn definitions(&self) -> impl Iterator<Item = &FieldDefinition> {
        self.fields.values()
    }

    /// The sensitivity of `path`; an undeclared field counts as [`Sensitivity::Sensitive`].
    pub fn sensitivity(&self, path: &FieldPath) -> Sensitivity {
        self.definition(path)
            .map_or(Sensitivity::Sensitive, |d| d.sensitivity)
    }

    /// Whether `path` may be used for `purpose`.
    pub fn allows(&self, path: &FieldPath, purpose: &Purpose) -> bool {
        self.definition(path).is_some_and(|d| d.allows(purpose))
    }

    /// The retention of `path` in days, if it has one.
    pub fn retention_days(&self, path: &FieldPath) -> Option<u32> {
        self.definition(path).and_then(|d| d.retention_days)
    }

    /// The fields a view section is derived from (exactly these: a listed path does not
    /// imply its children), or `None` for a section the catalogue does not know (which a
    /// governed view withholds).
    pub fn section_fields(&self, section: &str) -> Option<&[FieldPath]> {
        self.sections.get(section).map(Vec::as_slice)
    }

    /// Every defined path below `path` (not `path` itself).
    pub(crate) fn children_of<'a>(
        &'a self,
        path: &'a FieldPath,
    ) -> impl Iterator<Item = &'a FieldPath> + 'a {
        self.fields
            .keys()
            .filter(move |p| *p != path && p.is_within(path))
    }

    /// Check a record against the catalogue: every field it holds
    /// ([`SourceRecord::present_fields`]) must have a declared purpose. In
    /// [`CatalogueMode::Strict`] a record with an undeclared field is rejected with an error
    /// naming the record and the fields; in [`CatalogueMode::Quarantine`] the fields are taken
    /// out and returned beside the cleaned record.
    pub fn check(
        &self,
        record: &SourceRecord,
        mode: CatalogueMode,
    ) -> Result<CheckedRecord, CatalogueError> {
        let undeclared: Vec<FieldPath> = record
            .present_fields()
            .into_iter()
            .filter(|p| self.definition(p).is_none_or(|d| d.purposes.is_empty()))
            .collect();
        if undeclared.is_empty() {
            return Ok(CheckedRecord {
                record: record.clone(),
                quarantined: Vec::new(),
            });
        }
        match mode {
            CatalogueMode::Strict => Err(CatalogueError::Undeclared {
                record: record.reference(),
                fields: undeclared,
            }),
            CatalogueMode::Quarantine => {
                let mut cleaned = record.clone();
                let quarantined = undeclared
                    .into_iter()
                    .map(|path| {
                        let values = if path == FieldPath::CUSTOM {
                            take_unnamed_custom(&mut cleaned)
                        } else {
                            take_field(&mut cleaned, &path)
                        };
                        QuarantinedField {
                            record: record.reference(),
                            path,
                            values,
                        }
                    })
                    .collect();
                Ok(CheckedRecord {
                    record: cleaned,
                    quarantined,
                })
            }
        }
    }
}

/// The sections of the 360 view and the fields each is derived from, exactly (a listed
/// path does not imply its children: `current` reads interactions' topics and cases, their
/// sentiment and mood, never their notes). A section is shown only when every field it draws
/// on may be shown whole (`relationships` is governed entry by entry instead).
///
/// `flags` and `outlook` list what the built-in code reads: the computed flags read
/// interactions (channel, direction, time, topic, case, outcome), sentiment, mood and NPS
/// feedback, and name the record of each interaction as evidence (`record.source`,
/// `record.key`); the built-in churn, next-best-action and offer models read the flags,
/// insights, journey (orders, transactions, holdings) and current activity. Flags from a
/// host [`FlagProvider`](crate::view::FlagProvider) are governed by the section
/// `flags.host`, which draws on every defined field (host code can read anything) until the
/// host declares what its providers read with [`Catalogue::define_section`]. A host that
/// replaces the churn, next-best-action or offer model redefines `outlook` the same way.
fn builtin_sections(all: &[FieldPath]) -> Vec<(&'static str, Vec<FieldPath>)> {
    let facts = [
        FieldPath::FACTS,
        FieldPath::ORDERS,
        FieldPath::TRANSACTIONS,
        FieldPath::HOLDINGS,
    ];
    let soft = [
        FieldPath::SOFT,
        FieldPath::SENTIMENT,
        FieldPath::MOOD,
        FieldPath::FEEDBACK,
        FieldPath::INTERACTION_NOTES,
    ];
    let with = |lists: &[&[FieldPath]]| lists.concat();
    vec![
        (
            "relationships",
            vec![
                FieldPath::NAME_FAMILY,
                FieldPath::EMAIL,
                FieldPath::PHONE,
                FieldPath::ADDRESS,
                FieldPath::IDENTIFIER,
                FieldPath::identifier(&IdentifierKind::Customer),
                FieldPath::identifier(&IdentifierKind::Account),
                FieldPath::identifier(&IdentifierKind::Loyalty),
            ],
        ),
        (
            "current",
            with(&[
                &[FieldPath::SOURCE, FieldPath::KEY, FieldPath::INTERACTIONS],
                &facts,
                &[FieldPath::SENTIMENT, FieldPath::MOOD],
            ]),
        ),
        (
            "history",
            with(&[
                &[
                    FieldPath::SOURCE,
                    FieldPath::KEY,
                    FieldPath::INTERACTIONS,
                    FieldPath::NOTES,
                ],
                &facts,
                &soft,
            ]),
        ),
        (
            "value",
            with(&[&[FieldPath::OBSERVED_AT, FieldPath::INTERACTIONS], &facts]),
        ),
        (
            "insights",
            vec![
                FieldPath::INTERACTIONS,
                FieldPath::SENTIMENT,
                FieldPath::MOOD,
                FieldPath::FEEDBACK,
            ],
        ),
        ("journey", with(&[&[FieldPath::INTERACTIONS], &facts])),
        (
            "flags",
            vec![
                FieldPath::SOURCE,
                FieldPath::KEY,
                FieldPath::INTERACTIONS,
                FieldPath::SENTIMENT,
                FieldPath::MOOD,
                FieldPath::FEEDBACK,
            ],
        ),
        ("flags.host", all.to_vec()),
        (
            "outlook",
            with(&[
                &[FieldPath::SOURCE, FieldPath::KEY, FieldPath::INTERACTIONS],
                &facts,
                &[FieldPath::SENTIMENT, FieldPath::MOOD, FieldPath::FEEDBACK],
            ]),
        ),
    ]
}

fn builtin() -> Catalogue {
    use Sensitivity::{Internal, Personal, Sensitive};
    use ValueType as T;
    let all_business = [
        Purpose::SERVICE,
        Purpose::IDENTITY_RESOLUTION,
        Purpose::ANALYTICS,
        Purpose::BILLING,
        Purpose::LEGAL,
        Purpose::FRAUD_PREVENTION,
    ];
    let name_purposes = [
        Purpose::SERVICE,
        Purpose::IDENTITY_RESOLUTION,
        Purpose::BILLING,
        Purpose::LEGAL,
        Purpose::MARKETING,
    ];
    let mut c = Catalogue::empty();
    let mut def = |path: FieldPath,
                   meaning: &str,
                   t: ValueType,
                   s: Sensitivity,
                   p: &[&str],
                   days: Option<u32>| {
        let mut d = FieldDefinition::new(path, meaning, t, s).purposes(p.iter().copied());
        d.retention_days = days;
        c.define(d);
    };
    const SEVEN_YEARS: u32 = 7 * 365;
    def(
        FieldPath::SOURCE,
        "The system the record came from",
        T::Code,
        Internal,
        &all_business,
        None,
    );
    def(
        FieldPath::KEY,
        "The record's key in its source system",
        T::Identifier,
        Internal,
        &all_business,
        None,
    );
    def(FieldPath::OBSERVED_AT, "When the source last observed the record; a record not observed again within the retention is purged whole", T::Date, Internal, &all_business, Some(SEVEN_YEARS));
    def(
        FieldPath::IDENTITY,
        "Who the customer is",
        T::Structured,
        Personal,
        &name_purposes,
        None,
    );
    def(
        FieldPath::NAME,
        "The customer's name as written",
        T::Name,
        Personal,
        &name_purposes,
        None,
    );
    for (path, meaning) in [
        (FieldPath::NAME_FULL, "A name given as one string"),
        (FieldPath::NAME_PREFIX, "Title (Mr, Dr)"),
        (FieldPath::NAME_GIVEN, "Given name"),
        (FieldPath::NAME_MIDDLE, "Middle names"),
        (FieldPath::NAME_FAMILY, "Family name"),
        (
            FieldPath::NAME_SUFFIX,
            "Generational or professional suffix",
        ),
    ] {
        def(path, meaning, T::Name, Personal, &name_purposes, None);
    }
    def(
        FieldPath::EMAIL,
        "E-mail addresses for contact and login",
        T::Email,
        Personal,
        &[
            Purpose::SERVICE,
            Purpose::IDENTITY_RESOLUTION,
            Purpose::MARKETING,
            Purpose::BILLING,
            Purpose::FRAUD_PREVENTION,
            Purpose::ANALYTICS,
        ],
        None,
    );
    def(
        FieldPath::PHONE,
        "Phone numbers for contact",
        T::Phone,
        Personal,
        &[
            Purpose::SERVICE,
            Purpose::IDENTITY_RESOLUTION,
            Purpose::MARKETING,
            Purpose::FRAUD_PREVENTION,
            Purpose::ANALYTICS,
        ],
        None,
    );
    def(
        FieldPath::ADDRESS,
        "Postal addresses for delivery, billing and contact",
        T::Address,
        Personal,
        &[
            Purpose::SERVICE,
            Purpose::IDENTITY_RESOLUTION,
            Purpose::BILLING,
            Purpose::LEGAL,
            Purpose::MARKETING,
            Purpose::ANALYTICS,
        ],
        None,
    );
    def(
        FieldPath::BIRTH_DATE,
        "Date of birth, for identification and age checks",
        T::Date,
        Personal,
        &[
            Purpose::SERVICE,
            Purpose::IDENTITY_RESOLUTION,
            Purpose::LEGAL,
            Purpose::FRAUD_PREVENTION,
            Purpose::ANALYTICS,
        ],
        None,
    );
    def(
        FieldPath::GENDER,
        "Gender as the customer gave it",
        T::Code,
        Sensitive,
        &[Purpose::IDENTITY_RESOLUTION, Purpose::ANALYTICS],
        None,
    );
    def(
        FieldPath::IDENTIFIER,
        "Typed identifiers of the customer",
        T::Identifier,
        Personal,
        &[
            Purpose::SERVICE,
            Purpose::IDENTITY_RESOLUTION,
            Purpose::FRAUD_PREVENTION,
            Purpose::LEGAL,
        ],
        None,
    );
    for kind in [
        IdentifierKind::NationalId,
        IdentifierKind::Passport,
        IdentifierKind::TaxId,
        IdentifierKind::DriverLicence,
    ] {
        def(
            FieldPath::identifier(&kind),
            "A government-issued identifier",
            T::Identifier,
            Sensitive,
            &[
                Purpose::IDENTITY_RESOLUTION,
                Purpose::LEGAL,
                Purpose::FRAUD_PREVENTION,
            ],
            None,
        );
    }
    for kind in [
        IdentifierKind::Customer,
        IdentifierKind::Account,
        IdentifierKind::Loyalty,
    ] {
        def(
            FieldPath::identifier(&kind),
            "A customer, account or loyalty number in one of our systems",
            T::Identifier,
            Internal,
            &all_business,
            None,
        );
    }
    for kind in [IdentifierKind::Device, IdentifierKind::Cookie] {
        def(
            FieldPath::identifier(&kind),
            "A device or browser identifier",
            T::Identifier,
            Personal,
            &[
                Purpose::IDENTITY_RESOLUTION,
                Purpose::ANALYTICS,
                Purpose::FRAUD_PREVENTION,
            ],
            Some(395),
        );
    }
    def(
        FieldPath::FACTS,
        "What the customer bought, paid and holds",
        T::Structured,
        Internal,
        &[
            Purpose::SERVICE,
            Purpose::BILLING,
            Purpose::ANALYTICS,
            Purpose::LEGAL,
            Purpose::MARKETING,
        ],
        None,
    );
    def(
        FieldPath::ORDERS,
        "Orders placed",
        T::Structured,
        Internal,
        &[
            Purpose::SERVICE,
            Purpose::BILLING,
            Purpose::ANALYTICS,
            Purpose::LEGAL,
            Purpose::MARKETING,
        ],
        Some(SEVEN_YEARS),
    );
    def(
        FieldPath::TRANSACTIONS,
        "Money movements (purchases, refunds, payments, fees)",
        T::Structured,
        Internal,
        &[
            Purpose::BILLING,
            Purpose::LEGAL,
            Purpose::SERVICE,
            Purpose::ANALYTICS,
        ],
        Some(SEVEN_YEARS),
    );
    def(
        FieldPath::HOLDINGS,
        "Products and services held",
        T::Structured,
        Internal,
        &[
            Purpose::SERVICE,
            Purpose::BILLING,
            Purpose::ANALYTICS,
            Purpose::MARKETING,
        ],
        None,
    );
    def(
        FieldPath::INTERACTIONS,
        "Contacts with the customer over every channel",
        T::Structured,
        Personal,
        &[Purpose::SERVICE, Purpose::ANALYTICS],
        Some(3 * 365),
    );
    def(
        FieldPath::SOFT,
        "Soft data of interactions",
        T::Structured,
        Personal,
        &[Purpose::SERVICE, Purpose::ANALYTICS],
        Some(2 * 365),
    );
    def(
        FieldPath::SENTIMENT,
        "Sentiment measured on an interaction",
        T::Structured,
        Personal,
        &[Purpose::SERVICE, Purpose::ANALYTICS],
        Some(2 * 365),
    );
    def(
        FieldPath::MOOD,
        "Mood noted on an interaction",
        T::Code,
        Personal,
        &[Purpose::SERVICE, Purpose::ANALYTICS],
        Some(2 * 365),
    );
    def(
        FieldPath::FEEDBACK,
        "NPS, CSAT answers and comments",
        T::Structured,
        Personal,
        &[Purpose::SERVICE, Purpose::ANALYTICS],
        Some(2 * 365),
    );
    def(
        FieldPath::INTERACTION_NOTES,
        "Free-text notes on an interaction",
        T::Text,
        Sensitive,
        &[Purpose::SERVICE],
        Some(2 * 365),
    );
    def(
        FieldPath::NOTES,
        "Free-text notes about the customer",
        T::Text,
        Sensitive,
        &[Purpose::SERVICE],
        Some(3 * 365),
    );
    // No purposes: each custom attribute must be declared by the host (data minimisation).
    def(
        FieldPath::CUSTOM,
        "Host-defined attributes; each must be declared with its purpose",
        T::Text,
        Personal,
        &[],
        None,
    );
    let all: Vec<FieldPath> = c.fields.keys().cloned().collect();
    for (section, fields) in builtin_sections(&all) {
        c.define_section(section, fields);
    }
    c
}

/// A catalogue tells a durable store which fields to seal at rest: every field it classes as
/// [`Sensitivity::Personal`] or [`Sensitivity::Sensitive`] (an undeclared field counts as
/// sensitive), so a copied store file holds no personal data in clear.
///
/// ```
/// use customer360::govern::Catalogue;
/// use customer360::store::SensitiveFields;
/// use customer360::FieldPath;
///
/// let catalogue = Catalogue::builtin();
/// assert!(catalogue.is_sensitive(&FieldPath::EMAIL));
/// assert!(catalogue.is_sensitive(&FieldPath::NOTES));
/// // A durable store takes it as is: `RedbStore::open(path)?.with_sensitive_fields(catalogue)`.
/// ```
impl crate::store::SensitiveFields for Catalogue {
    fn is_sensitive(&self, path: &FieldPath) -> bool {
        self.sensitivity(path) >= Sensitivity::Personal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_seals_personal_fields_and_not_business_ones() {
        use crate::store::SensitiveFields;
        let c = Catalogue::builtin();
        for path in [
            FieldPath::NAME,
            FieldPath::EMAIL,
            FieldPath::PHONE,
            FieldPath::ADDRESS,
            FieldPath::BIRTH_DATE,
            FieldPath::NOTES,
            FieldPath::identifier(&IdentifierKind::NationalId),
        ] {
            assert!(c.is_sensitive(&path), "{path} must be sealed at rest");
        }
        assert!(!c.is_sensitive(&FieldPath::identifier(&IdentifierKind::Customer)));
    }

    #[test]
    fn builtin_covers_every_built_in_path() {
        let c = Catalogue::builtin();
        for p in FieldPath::BUILT_IN {
            assert!(c.definition(p).is_some(), "{p}");
        }
        let loyalty = FieldPath::identifier(&IdentifierKind::Loyalty);
        assert_eq!(c.sensitivity(&loyalty), Sensitivity::Internal);
        let other = FieldPath::identifier(&IdentifierKind::Other("club".into()));
        assert_eq!(c.definition(&other).unwrap().path, FieldPath::IDENTIFIER);
    }

    #[test]
    fn json_round_trip() {
        let c = Catalogue::builtin();
        let back = Catalogue::from_json_str(&c.to_json()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err =
            Catalogue::from_json_str(r#"{"field": [{"path": "identity.nope"}]}"#).unwrap_err();
        assert!(err.to_string().contains("identity.nope"), "{err}");
        let dup = r#"{"field": [
            {"path": "notes", "meaning": "a", "type": "text", "sensitivity": "public"},
            {"path": "notes", "meaning": "b", "type": "text", "sensitivity": "public"}]}"#;
        assert_eq!(
            Catalogue::from_json_str(dup).unwrap_err(),
            CatalogueError::Duplicate(FieldPath::NOTES)
        );
    }

    #[test]
    fn quarantine_keeps_every_value_it_takes() {
        let c = Catalogue::builtin();
        let r = SourceRecord::new("crm", "1")
            .email("a@b.org")
            .custom("x", "1")
            .custom("bad name", "2");
        let checked = c.check(&r, CatalogueMode::Quarantine).unwrap();
        assert!(checked.record.custom.is_empty());
        assert_eq!(checked.record.identity.emails.len(), 1);
        let taken: usize = checked.quarantined.iter().map(|q| q.values.len()).sum();
        assert_eq!(taken, 2);
    }
}
