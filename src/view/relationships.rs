//! The relationships section: household members, related profiles and linked accounts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::{FieldPath, IdentifierKind, SourceSystem};
use crate::normalize::{fold, is_placeholder_digits, is_placeholder_text, EmailNormalizer};
use crate::normalize::{Normalizer, ValueFlags};
use crate::profile::Profile;
use crate::resolve::CustomerId;

use super::quote;

/// How another profile is related to the customer, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelationshipKind {
    /// Same family name and a shared address, landline or e-mail: a household member.
    Household,
    /// A shared address without a shared family name (flatmates, a care home, a new partner).
    SharedAddress,
    /// A shared landline without a shared family name or address.
    SharedLandline,
    /// A shared e-mail without a shared family name, address or landline.
    SharedEmail,
}

/// Another profile related to the customer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// The other customer.
    pub other: CustomerId,
    /// The strongest relationship the evidence supports.
    pub kind: RelationshipKind,
    /// The shared values: `address "12 main street springfield"`, `landline "+15551234567"`,
    /// `e-mail "smiths@example.org"`, `family name "smith"` (in that order, then by value).
    pub evidence: Vec<String>,
}

/// An account of the customer in some system: an identifier of kind customer, account or
/// loyalty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedAccount {
    /// The identifier kind.
    pub kind: IdentifierKind,
    /// The identifier.
    pub value: String,
    /// Its issuer, when known.
    pub issuer: Option<String>,
    /// The source systems whose records hold it, sorted.
    pub sources: Vec<SourceSystem>,
}

/// The relationships section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Relationships {
    /// Related profiles from the context's [`RelationshipIndex`] (empty without one), by kind
    /// (household first), then customer ID.
    pub related: Vec<Relationship>,
    /// Customer, account and loyalty identifiers across source systems, by kind, then value.
    pub accounts: Vec<LinkedAccount>,
}

impl Relationships {
    /// The household members only.
    pub fn household(&self) -> impl Iterator<Item = &Relationship> {
        self.related
            .iter()
            .filter(|r| r.kind == RelationshipKind::Household)
    }

    pub(super) fn build(profile: &Profile, index: Option<&RelationshipIndex>) -> Relationships {
        let mut accounts = Vec::new();
        for kind in [
            IdentifierKind::Customer,
            IdentifierKind::Account,
            IdentifierKind::Loyalty,
        ] {
            for value in profile.values(&FieldPath::identifier(&kind)) {
                let mut sources: Vec<SourceSystem> = value
                    .seen_in
                    .iter()
                    .map(|r| r.source.clone())
                    .chain([value.provenance.source.clone()])
                    .collect();
                sources.sort();
                sources.dedup();
                accounts.push(LinkedAccount {
                    kind: kind.clone(),
                    value: value.value.clone(),
                    issuer: value.qualifier.clone(),
                    sources,
                });
            }
        }
        accounts.sort_by(|a, b| {
            (a.kind.as_str(), &a.value, &a.issuer).cmp(&(b.kind.as_str(), &b.value, &b.issuer))
        });
        accounts.dedup();
        Relationships {
            related: index.map(|i| i.related(profile)).unwrap_or_default(),
            accounts,
        }
    }
}

/// What kind of value a shared key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Shared {
    Address,
    Landline,
    Email,
}

impl Shared {
    fn label(self) -> &'static str {
        match self {
            Shared::Address => "address",
            Shared::Landline => "landline",
            Shared::Email => "e-mail",
        }
    }
}

/// A shared value's key, with the display form of the first profile that had it.
type Key = (Shared, String);

/// The default most profiles that may share a value before it stops being evidence.
const DEFAULT_MAX_SHARED: usize = 20;

/// An index of the values by which profiles are related: addresses, landlines, e-mails, and
/// family names.
///
/// Built once over all profiles ([`RelationshipIndex::build`]) and handed to the views with
/// [`ViewContext::relationships`](super::ViewContext::relationships).
///
/// Values are compared in folded form (case, punctuation and script variants ignored;
/// e-mails in canonical form). A value shared by more than the limit (20 by default) of
/// profiles is a placeholder, a large building or a company switchboard, and is no evidence;
/// blank and placeholder values (`N/A`, `0000000000`, `test@test.com`) are never indexed.
/// Phones count only when their qualifier is `landline`: mobiles are personal.
///
/// ```
/// use std::collections::BTreeMap;
/// use customer360::profile::{MergedField, Profile, Provenance, SurvivingValue};
/// use customer360::view::{RelationshipIndex, RelationshipKind};
/// use customer360::{CustomerId, FieldPath};
///
/// fn profile(id: &str, family: &str, address: &str) -> Profile {
///     let field = |value: &str| MergedField {
///         values: vec![SurvivingValue {
///             value: value.into(),
///             qualifier: None,
///             provenance: Provenance { source: "crm".into(), record: id.into(), observed_at: None },
///             seen_in: vec![],
///         }],
///         alternatives: vec![],
///         disagreement: false,
///         rule: "most_recent".into(),
///     };
///     Profile {
///         id: CustomerId(id.into()),
///         records: vec![],
///         fields: BTreeMap::from([
///             (FieldPath::NAME_FAMILY, field(family)),
///             (FieldPath::ADDRESS, field(address)),
///         ]),
///     }
/// }
///
/// let profiles = [
///     profile("A", "Smith", "12 Main Street, Springfield"),
///     profile("B", "SMITH", "12 main street springfield"),
///     profile("C", "Jones", "12 Main Street, Springfield"),
/// ];
/// let index = RelationshipIndex::build(&profiles);
/// let related = index.related(&profiles[0]);
/// assert_eq!(related.len(), 2);
/// assert_eq!((related[0].other.0.as_str(), related[0].kind), ("B", RelationshipKind::Household));
/// assert_eq!((related[1].other.0.as_str(), related[1].kind), ("C", RelationshipKind::SharedAddress));
/// ```
#[derive(Debug, Clone)]
pub struct RelationshipIndex {
    max_shared: usize,
    by_value: HashMap<Key, BTreeSet<CustomerId>>,
    family: HashMap<CustomerId, BTreeSet<String>>,
}

impl RelationshipIndex {
    /// Index `profiles`, ignoring values shared by more than 20 profiles.
    pub fn build(profiles: &[Profile]) -> RelationshipIndex {
        RelationshipIndex::build_with_limit(profiles, DEFAULT_MAX_SHARED)
    }

    /// Index `profiles`, ignoring values shared by more than `max_shared` profiles.
    pub fn build_with_limit(profiles: &[Profile], max_shared: usize) -> RelationshipIndex {
        let emails = EmailNormalizer::default();
        let mut index = RelationshipIndex {
            max_shared,
            by_value: HashMap::new(),
            family: HashMap::new(),
        };
        for profile in profiles {
            for (key, _) in keys(profile, &emails) {
                index
                    .by_value
                    .entry(key)
                    .or_default()
                    .insert(profile.id.clone());
            }
            let families = family_names(profile);
            if !families.is_empty() {
                index
                    .family
                    .entry(profile.id.clone())
                    .or_default()
                    .extend(families);
            }
        }
        index
    }

    /// The most profiles that may share a value for it to count.
    pub fn max_shared(&self) -> usize {
        self.max_shared
    }

    /// The profiles related to `profile`, by kind (household first), then customer ID; never
    /// `profile` itself. `profile` need not be in the index.
    pub fn related(&self, profile: &Profile) -> Vec<Relationship> {
        let emails = EmailNormalizer::default();
        let mine = family_names(profile);
        // Per other profile: the shared values, in key order.
        let mut shared: BTreeMap<&CustomerId, BTreeMap<Shared, BTreeSet<String>>> = BTreeMap::new();
        for (key, display) in keys(profile, &emails) {
            let Some(group) = self.by_value.get(&key) else {
                continue;
            };
            let size = group.len() + usize::from(!group.contains(&profile.id));
            if size > self.max_shared {
                continue;
            }
            for other in group.iter().filter(|o| **o != profile.id) {
                shared
                    .entry(other)
                    .or_default()
                    .entry(key.0)
                    .or_default()
                    .insert(display.clone());
            }
        }
        let mut related: Vec<Relationship> = shared
            .into_iter()
            .map(|(other, values)| {
                let families: Vec<&String> = self
                    .family
                    .get(other)
                    .map(|theirs| mine.intersection(theirs).collect())
                    .unwrap_or_default();
                let kind = if !families.is_empty() {
                    RelationshipKind::Household
                } else if values.contains_key(&Shared::Address) {
                    RelationshipKind::SharedAddress
                } else if values.contains_key(&Shared::Landline) {
                    RelationshipKind::SharedLandline
                } else {
                    RelationshipKind::SharedEmail
                };
                let mut evidence: Vec<String> = values
                    .iter()
                    .flat_map(|(what, vs)| {
                        vs.iter().map(|v| format!("{} {}", what.label(), quote(v)))
                    })
                    .collect();
                evidence.extend(families.iter().map(|f| format!("family name {}", quote(f))));
                Relationship {
                    other: other.clone(),
                    kind,
                    evidence,
                }
            })
            .collect();
        related.sort_by(|a, b| (a.kind, &a.other).cmp(&(b.kind, &b.other)));
        related
    }
}

/// The folded family names of a profile, without blanks and placeholders.
fn family_names(profile: &Profile) -> BTreeSet<String> {
    profile
        .values(&FieldPath::NAME_FAMILY)
        .map(|v| fold(&v.value))
        .filter(|f| !f.is_empty() && !is_placeholder_text(f))
        .collect()
}

/// The relationship keys of a profile with their display values, without blanks and
/// placeholders.
fn keys(profile: &Profile, emails: &EmailNormalizer) -> BTreeMap<Key, String> {
    let mut keys = BTreeMap::new();
    for v in profile.values(&FieldPath::ADDRESS) {
        let key = fold(&v.value);
        if !key.is_empty() && !is_placeholder_text(&key) {
            keys.entry((Shared::Address, key))
                .or_insert_with(|| v.value.trim().to_owned());
        }
    }
    for v in profile.values(&FieldPath::PHONE) {
        let landline = v
            .qualifier
            .as_deref()
            .is_some_and(|q| fold(q) == "landline");
        if !landline {
            continue;
        }
        let digits: String = v.value.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 && !is_placeholder_digits(&digits) {
            keys.entry((Shared::Landline, digits))
                .or_insert_with(|| v.value.trim().to_owned());
        }
    }
    for v in profile.values(&FieldPath::EMAIL) {
        let normalized = emails.normalize(&v.value);
        if normalized.flags.contains(ValueFlags::PLACEHOLDER) {
            continue;
        }
        if let Some(address) = normalized.value {
            keys.entry((Shared::Email, address.canonical().to_owned()))
                .or_insert_with(|| v.value.trim().to_owned());
        }
    }
    keys
}
