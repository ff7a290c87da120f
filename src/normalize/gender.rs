//! Gender. (Stub: being implemented.)
use std::fmt;
use serde::{Deserialize, Serialize};
use super::{Normalized, Normalizer, ValueFlags};

/// Gender as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Another gender (non-binary, diverse, X).
    Other,
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self { Gender::Female => "female", Gender::Male => "male", Gender::Other => "other" })
    }
}

/// Normalises gender values.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenderNormalizer;

impl Normalizer for GenderNormalizer {
    type Output = Gender;
    fn normalize(&self, raw: &str) -> Normalized<Gender> { Normalized::unusable(raw, ValueFlags::EMPTY) }
}
