//! Typed identifiers. (Stub: being implemented.)
use super::{Normalized, Normalizer, ValueFlags};
use crate::model::{Identifier, IdentifierKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised identifier: separators stripped, letters upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NormalizedIdentifier {
    /// Kind.
    pub kind: IdentifierKind,
    /// Issuer, upper-case.
    pub issuer: Option<String>,
    /// The value.
    pub value: String,
}

impl fmt::Display for NormalizedIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Normalises identifiers and validates checksums where a scheme has one.
#[derive(Debug, Clone, Default)]
pub struct IdentifierNormalizer {}

impl IdentifierNormalizer {
    /// Normalise a typed identifier.
    pub fn normalize_identifier(&self, id: &Identifier) -> Normalized<NormalizedIdentifier> {
        Normalized::unusable(id.value.clone(), ValueFlags::INVALID)
    }
}

impl Normalizer for IdentifierNormalizer {
    type Output = NormalizedIdentifier;
    /// Normalise a value of unknown kind (`IdentifierKind::Other("unknown")`).
    fn normalize(&self, raw: &str) -> Normalized<NormalizedIdentifier> {
        self.normalize_identifier(&Identifier::new(
            IdentifierKind::Other("unknown".into()),
            raw,
        ))
    }
}
