//! customer360
#![forbid(unsafe_code)]
#![deny(missing_docs)]
pub mod model;
pub mod normalize;
mod error;
pub use error::{Error, Result};
pub use model::*;
