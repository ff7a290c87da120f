//! Nicknames. (Stub: being implemented.)

/// A table from nicknames to canonical given names.
#[derive(Debug, Clone, Default)]
pub struct NicknameTable {}

impl NicknameTable {
    /// The canonical given name for a folded given name (the name itself when not a nickname).
    pub fn canonical<'a>(&'a self, folded_given: &'a str) -> &'a str {
        folded_given
    }
}
