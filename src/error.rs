//! Errors.

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in customer360.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A region code was not two ASCII letters.
    #[error("invalid region code {0:?}: use an ISO 3166-1 alpha-2 code such as \"US\" or \"IR\"")]
    InvalidRegion(String),
}
