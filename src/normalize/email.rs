//! E-mail addresses. (Stub: being implemented.)
use super::{Normalized, Normalizer, ValueFlags};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated, normalised e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress {
    local: String,
    domain: String,
    canonical: String,
}

impl EmailAddress {
    /// Local part, lower-cased.
    pub fn local(&self) -> &str {
        &self.local
    }
    /// Domain, lower-cased.
    pub fn domain(&self) -> &str {
        &self.domain
    }
    /// The canonical address used for matching (provider rules applied).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Normalises e-mail addresses.
#[derive(Debug, Clone, Default)]
pub struct EmailNormalizer {}

impl Normalizer for EmailNormalizer {
    type Output = EmailAddress;
    fn normalize(&self, raw: &str) -> Normalized<EmailAddress> {
        Normalized::unusable(raw, ValueFlags::INVALID)
    }
}
