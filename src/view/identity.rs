//! The identity section: the profile's surviving values with their provenance.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{FieldPath, IdentifierKind};
use crate::profile::{Profile, SurvivingValue};

/// A typed identifier of the customer (national ID, customer number, loyalty number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifierValue {
    /// The kind, from the field path `identity.identifier.<kind>`.
    pub kind: IdentifierKind,
    /// The value, its qualifier (the issuer) and provenance.
    #[serde(flatten)]
    pub value: SurvivingValue,
}

/// Who the customer is: the profile's surviving values, each with its provenance (the
/// source, record and observation time it came from) and every record that holds it.
///
/// Single-valued fields take the profile's first surviving value; collected fields keep
/// every surviving value in the profile's order (the survivorship rule's ranking). Values
/// are the profile's normalised display forms: e-mails canonical, phones in E.164 with the
/// line kind (`mobile`, `landline`) as `qualifier`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct IdentityView {
    /// The whole name (`identity.name`, else `identity.name.full`).
    pub name: Option<SurvivingValue>,
    /// The given name (`identity.name.given`).
    pub given_name: Option<SurvivingValue>,
    /// The family name (`identity.name.family`).
    pub family_name: Option<SurvivingValue>,
    /// E-mail addresses (`identity.email`); `qualifier` is the use (`shared`, `work`).
    pub emails: Vec<SurvivingValue>,
    /// Phone numbers (`identity.phone`); `qualifier` is the line kind.
    pub phones: Vec<SurvivingValue>,
    /// Postal addresses (`identity.address`); `qualifier` is the use (`home`, `billing`).
    pub addresses: Vec<SurvivingValue>,
    /// The birth date (`identity.birth_date`).
    pub birth_date: Option<SurvivingValue>,
    /// The gender (`identity.gender`).
    pub gender: Option<SurvivingValue>,
    /// Typed identifiers (`identity.identifier.<kind>`), by kind name, then in profile order.
    pub identifiers: Vec<IdentifierValue>,
    /// Custom attributes (`custom.<name>`) by name.
    pub attributes: BTreeMap<String, Vec<SurvivingValue>>,
    /// The fields on which the sources disagree, sorted.
    pub conflicts: Vec<FieldPath>,
}

impl IdentityView {
    /// The identity section of `profile`.
    pub(super) fn from_profile(profile: &Profile) -> IdentityView {
        let first = |path: &FieldPath| profile.values(path).next().cloned();
        let all = |path: &FieldPath| profile.values(path).cloned().collect::<Vec<_>>();
        let mut view = IdentityView {
            name: first(&FieldPath::NAME).or_else(|| first(&FieldPath::NAME_FULL)),
            given_name: first(&FieldPath::NAME_GIVEN),
            family_name: first(&FieldPath::NAME_FAMILY),
            emails: all(&FieldPath::EMAIL),
            phones: all(&FieldPath::PHONE),
            addresses: all(&FieldPath::ADDRESS),
            birth_date: first(&FieldPath::BIRTH_DATE),
            gender: first(&FieldPath::GENDER),
            ..IdentityView::default()
        };
        for (path, field) in &profile.fields {
            if field.disagreement {
                view.conflicts.push(path.clone());
            }
            let path = path.as_str();
            if let Some(kind) = path.strip_prefix("identity.identifier.") {
                let kind = IdentifierKind::from(kind.to_owned());
                view.identifiers
                    .extend(field.values.iter().map(|value| IdentifierValue {
                        kind: kind.clone(),
                        value: value.clone(),
                    }));
            } else if let Some(name) = path.strip_prefix("custom.") {
                view.attributes
                    .insert(name.to_owned(), field.values.clone());
            }
        }
        view
    }
}
