//! Adapters between customer360's pure core and the outside world: file formats and, later,
//! storage. Each is behind a cargo feature.

#[cfg(feature = "csv")]
pub mod csv;
