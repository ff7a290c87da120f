//! Stable field path names (`identity.email`) that the catalogue, access rules and survivorship
//! refer to.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::IdentifierKind;
use crate::error::ModelError;

/// The stable name of a field of the customer model, such as `identity.email` or
/// `custom.loyalty_tier`.
///
/// Paths are dot-separated and hierarchical: `identity.name` is the parent of
/// `identity.name.given`, so a rule on a parent can cover its children
/// ([`FieldPath::is_within`]). The built-in paths are associated constants; identifiers get one
/// path per kind (`identity.identifier.national_id`) and custom attributes one per name
/// (`custom.tier`). Paths are part of the crate's stable interface: they appear in catalogues,
/// policies and saved configuration.
///
/// ```
/// use customer360::{FieldPath, IdentifierKind};
///
/// assert_eq!(FieldPath::EMAIL.as_str(), "identity.email");
/// let path: FieldPath = "identity.name.given".parse().unwrap();
/// assert!(path.is_within(&FieldPath::NAME));
/// assert_eq!(
///     FieldPath::identifier(&IdentifierKind::NationalId).as_str(),
///     "identity.identifier.national_id"
/// );
/// assert!("identity.nonsense".parse::<FieldPath>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldPath(Cow<'static, str>);

macro_rules! paths {
    ($($(#[$doc:meta])* $name:ident = $path:literal;)*) => {
        impl FieldPath {
            $($(#[$doc])* pub const $name: FieldPath = FieldPath(Cow::Borrowed($path));)*

            /// Every built-in path (not the per-kind identifier or per-name custom paths).
            pub const BUILT_IN: &'static [FieldPath] = &[$(FieldPath::$name),*];
        }
    };
}

paths! {
    /// `record.source`: the source system.
    SOURCE = "record.source";
    /// `record.key`: the record's key in its source.
    KEY = "record.key";
    /// `record.observed_at`: when the source observed the record.
    OBSERVED_AT = "record.observed_at";
    /// `identity`: every identity field.
    IDENTITY = "identity";
    /// `identity.name`: the whole person name.
    NAME = "identity.name";
    /// `identity.name.full`: a name given as one string.
    NAME_FULL = "identity.name.full";
    /// `identity.name.prefix`: title.
    NAME_PREFIX = "identity.name.prefix";
    /// `identity.name.given`: given name.
    NAME_GIVEN = "identity.name.given";
    /// `identity.name.middle`: middle names.
    NAME_MIDDLE = "identity.name.middle";
    /// `identity.name.family`: family name.
    NAME_FAMILY = "identity.name.family";
    /// `identity.name.suffix`: generational or professional suffix.
    NAME_SUFFIX = "identity.name.suffix";
    /// `identity.email`: e-mail addresses.
    EMAIL = "identity.email";
    /// `identity.phone`: phone numbers.
    PHONE = "identity.phone";
    /// `identity.address`: postal addresses.
    ADDRESS = "identity.address";
    /// `identity.birth_date`: birth date.
    BIRTH_DATE = "identity.birth_date";
    /// `identity.gender`: gender.
    GENDER = "identity.gender";
    /// `identity.identifier`: every typed identifier.
    IDENTIFIER = "identity.identifier";
    /// `facts`: every fact.
    FACTS = "facts";
    /// `facts.orders`: orders.
    ORDERS = "facts.orders";
    /// `facts.transactions`: money movements.
    TRANSACTIONS = "facts.transactions";
    /// `facts.holdings`: products and services held.
    HOLDINGS = "facts.holdings";
    /// `interactions`: contacts over channels.
    INTERACTIONS = "interactions";
    /// `interactions.soft`: soft data of interactions.
    SOFT = "interactions.soft";
    /// `interactions.soft.sentiment`: sentiment.
    SENTIMENT = "interactions.soft.sentiment";
    /// `interactions.soft.mood`: mood.
    MOOD = "interactions.soft.mood";
    /// `interactions.soft.feedback`: NPS, CSAT and comments.
    FEEDBACK = "interactions.soft.feedback";
    /// `interactions.soft.notes`: notes on interactions.
    INTERACTION_NOTES = "interactions.soft.notes";
    /// `notes`: notes about the customer.
    NOTES = "notes";
    /// `custom`: every custom attribute.
    CUSTOM = "custom";
}

/// Whether `segment` is a valid path segment: 1–64 of `a-z`, `A-Z`, `0-9`, `_`, `-`.
fn is_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment.len() <= 64
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl FieldPath {
    /// The path of one identifier kind: `identity.identifier.<kind>`.
    pub fn identifier(kind: &IdentifierKind) -> FieldPath {
        FieldPath(Cow::Owned(format!("identity.identifier.{}", kind.as_str())))
    }

    /// The path of a custom attribute: `custom.<name>`. The name must be 1–64 characters of
    /// ASCII letters, digits, `_` or `-`.
    pub fn custom(name: &str) -> Result<FieldPath, ModelError> {
        if is_segment(name) {
            Ok(FieldPath(Cow::Owned(format!("custom.{name}"))))
        } else {
            Err(ModelError::InvalidFieldPath(format!("custom.{name}")))
        }
    }

    /// Parse a path: a built-in path, `identity.identifier.<kind>` or `custom.<name>`.
    pub fn parse(path: &str) -> Result<FieldPath, ModelError> {
        if let Some(known) = FieldPath::BUILT_IN.iter().find(|p| p.as_str() == path) {
            return Ok(known.clone());
        }
        let dynamic = path
            .strip_prefix("identity.identifier.")
            .or_else(|| path.strip_prefix("custom."));
        match dynamic {
            Some(segment) if is_segment(segment) => Ok(FieldPath(Cow::Owned(path.to_owned()))),
            _ => Err(ModelError::InvalidFieldPath(path.to_owned())),
        }
    }

    /// The path as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this path is `ancestor` or lies below it (`identity.name.given` is within
    /// `identity.name` and within `identity`, not within `identity.email`).
    pub fn is_within(&self, ancestor: &FieldPath) -> bool {
        let (me, a) = (self.as_str(), ancestor.as_str());
        me == a || (me.len() > a.len() && me.starts_with(a) && me.as_bytes()[a.len()] == b'.')
    }

    /// The parent path, or `None` for a root (`identity`, `notes`).
    pub fn parent(&self) -> Option<FieldPath> {
        let (parent, _) = self.as_str().rsplit_once('.')?;
        Some(
            FieldPath::BUILT_IN
                .iter()
                .find(|p| p.as_str() == parent)
                .cloned()
                .unwrap_or_else(|| FieldPath(Cow::Owned(parent.to_owned()))),
        )
    }
}

impl fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldPath({})", self.as_str())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FieldPath {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, ModelError> {
        FieldPath::parse(s)
    }
}

impl TryFrom<String> for FieldPath {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, ModelError> {
        FieldPath::parse(&s)
    }
}

impl From<FieldPath> for String {
    fn from(p: FieldPath) -> String {
        p.0.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_path_parses_to_itself() {
        for p in FieldPath::BUILT_IN {
            assert_eq!(&FieldPath::parse(p.as_str()).unwrap(), p);
        }
    }

    #[test]
    fn within_respects_segment_boundaries() {
        let given = FieldPath::NAME_GIVEN;
        assert!(given.is_within(&FieldPath::NAME));
        assert!(given.is_within(&FieldPath::IDENTITY));
        assert!(!FieldPath::NAME.is_within(&FieldPath::NAME_GIVEN));
        let custom = FieldPath::custom("tier").unwrap();
        assert!(custom.is_within(&FieldPath::CUSTOM));
        // `custom.tier` is not within a hypothetical `custom.ti`.
        assert!(!custom.is_within(&FieldPath::custom("ti").unwrap()));
    }

    #[test]
    fn parents() {
        assert_eq!(FieldPath::NAME_GIVEN.parent(), Some(FieldPath::NAME));
        assert_eq!(FieldPath::IDENTITY.parent(), None);
        assert_eq!(
            FieldPath::identifier(&IdentifierKind::Passport).parent(),
            Some(FieldPath::IDENTIFIER)
        );
    }

    #[test]
    fn bad_paths_are_rejected() {
        for bad in [
            "",
            "identity.",
            "custom.",
            "custom.a b",
            "identity.identifier.",
            "x.y",
        ] {
            assert!(FieldPath::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FieldPath::custom(&"x".repeat(65)).is_err());
    }
}
