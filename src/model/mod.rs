//! The customer data model.
mod identity;
pub use identity::*;
