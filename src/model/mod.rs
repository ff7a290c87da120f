//! The customer data model: what source systems say about a customer, kept as they said it.
//!
//! - [`SourceRecord`]: one system's record of one customer: who ([`Identity`]), what they
//!   bought and hold ([`Facts`]), how they were in touch ([`Interaction`]s with their
//!   [`SoftData`]), notes and custom attributes.
//! - [`FieldPath`]: the stable names of fields that catalogues, access rules and survivorship
//!   refer to.
//!
//! Every type round-trips through serde.

mod facts;
mod identity;
mod interaction;
mod path;
mod record;

pub use facts::{
    Facts, Holding, HoldingStatus, Money, Order, OrderLine, OrderStatus, Transaction,
    TransactionKind,
};
pub use identity::{
    AddressKind, ContactUse, Email, Identifier, IdentifierKind, Identity, PersonName, Phone,
    PhoneKind, PostalAddress,
};
pub use interaction::{
    Channel, Csat, Direction, Feedback, Interaction, Mood, Note, Nps, NpsCategory, Outcome,
    Sentiment, SentimentLabel, SoftData,
};
pub use path::FieldPath;
pub(crate) use record::RefKey;
pub use record::{RecordKey, RecordRef, SourceRecord, SourceSystem};
