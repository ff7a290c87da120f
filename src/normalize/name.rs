//! Person names. (Stub: being implemented.)
use super::{NicknameTable, Normalized, Normalizer};
use crate::model::PersonName;
use serde::{Deserialize, Serialize};

/// A person name parsed into folded parts, with comparison keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedName {
    /// Title, canonical and folded (`dr`, `mr`).
    pub prefix: Option<String>,
    /// Given name, folded.
    pub given: Option<String>,
    /// Middle names or initials, folded, space-separated.
    pub middle: Option<String>,
    /// Family name, folded.
    pub family: Option<String>,
    /// Suffix, canonical and folded (`jr`, `sr`, `iii`, `phd`).
    pub suffix: Option<String>,
    /// The canonical given name after nickname resolution, ASCII (`bob` → `robert`).
    pub given_canonical: Option<String>,
}

/// Parses and normalises person names.
#[derive(Debug, Clone, Default)]
pub struct NameNormalizer {
    nicknames: NicknameTable,
}

impl NameNormalizer {
    /// A normaliser with a host's nickname table.
    pub fn with_nicknames(nicknames: NicknameTable) -> Self {
        NameNormalizer { nicknames }
    }

    /// Normalise a name given in parts and/or as a full string.
    pub fn normalize_name(&self, name: &PersonName) -> Normalized<NormalizedName> {
        let _ = (&self.nicknames, name);
        Normalized::unusable(String::new(), super::ValueFlags::EMPTY)
    }
}

impl Normalizer for NameNormalizer {
    type Output = NormalizedName;
    fn normalize(&self, raw: &str) -> Normalized<NormalizedName> {
        self.normalize_name(&PersonName::full(raw))
    }
}

/// A key under which a name in Persian/Arabic script meets its Latin transliterations.
pub fn cross_script_key(name: &str) -> String {
    let _ = name;
    String::new()
}
