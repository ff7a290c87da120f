//! Where real-time resolution keeps its state: source records, which customer each record
//! belongs to, the lookup index, aliases and lineage, written in atomic batches.
//!
//! [`ProfileStore`] is the trait; [`MemoryStore`] keeps everything in memory (the default);
//! `RedbStore` (feature `redb`) is a durable embedded store on the [`redb`] crate, which can
//! seal sensitive fields with a [`FieldCipher`] (feature `encryption` brings AES-256-GCM).
//!
//! Every change one call of [`IncrementalResolver`](crate::realtime::IncrementalResolver)
//! makes goes into one [`WriteBatch`], committed atomically: after a crash the store holds
//! every batch whose commit returned, and no part of any other.
//!
//! [`redb`]: https://docs.rs/redb

mod cipher;
mod memory;
#[cfg(feature = "redb")]
mod redb_store;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

#[cfg(feature = "encryption")]
pub use cipher::AesGcmCipher;
pub use cipher::{DefaultSensitiveFields, FieldCipher, SensitiveFields};
pub use memory::MemoryStore;
#[cfg(feature = "redb")]
pub use redb_store::RedbStore;

use crate::model::{RecordRef, SourceRecord};
use crate::profile::LineageEvent;
use crate::resolve::CustomerId;

/// A store could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage engine failed (disk full, file locked by another process, corruption).
    #[error("the store failed: {0}; check the store file's disk, permissions and that no other process holds it")]
    Backend(String),
    /// A stored value could not be decoded.
    #[error("a stored value could not be decoded ({0}); the store was written by an incompatible version or is corrupt")]
    Decode(String),
    /// A sealed field could not be opened.
    #[error("a sealed field could not be opened ({0}); use the cipher and key the store was written with")]
    Cipher(String),
    /// The store's contents disagree with each other.
    #[error("the store is inconsistent: {0}")]
    Inconsistent(String),
}

/// One change to a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum StoreOp {
    /// Add or replace a source record.
    PutRecord(Box<SourceRecord>),
    /// Remove a source record, its customer assignment and its index entries.
    DeleteRecord(RecordRef),
    /// A record now belongs to a customer.
    Assign {
        /// The record.
        record: RecordRef,
        /// Its customer.
        customer: CustomerId,
    },
    /// A lookup key (a normalised e-mail, phone, identifier, or name and birth date) now
    /// leads to a record.
    IndexAdd {
        /// The key.
        key: String,
        /// The record.
        record: RecordRef,
    },
    /// A lookup key no longer leads to a record.
    IndexRemove {
        /// The key.
        key: String,
        /// The record.
        record: RecordRef,
    },
    /// An ID merged away now stands for another.
    Alias {
        /// The absorbed ID.
        from: CustomerId,
        /// The survivor.
        to: CustomerId,
    },
    /// An ID is current again (its anchor stands alone after a split).
    Unalias(CustomerId),
    /// Two records must never share a customer.
    CannotLink(RecordRef, RecordRef),
    /// What happened to customer IDs.
    Lineage(LineageEvent),
}

/// Changes committed together, atomically.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteBatch {
    /// The changes, applied in order.
    pub ops: Vec<StoreOp>,
}

impl WriteBatch {
    /// Add a change.
    pub fn push(&mut self, op: StoreOp) {
        self.ops.push(op);
    }

    /// Whether the batch holds no change.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Storage for real-time resolution. Implementations are `Send + Sync`: lookups read while a
/// writer commits, and each [`commit`](Self::commit) is atomic and, for a durable store,
/// durable when it returns.
pub trait ProfileStore: Send + Sync {
    /// Apply every change of `batch`, or none.
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError>;
    /// A source record.
    fn record(&self, record: &RecordRef) -> Result<Option<SourceRecord>, StoreError>;
    /// Every source record, in reference order.
    fn records(&self) -> Result<Vec<SourceRecord>, StoreError>;
    /// The customer a record belongs to.
    fn customer_of(&self, record: &RecordRef) -> Result<Option<CustomerId>, StoreError>;
    /// Every customer with its records, in ID order.
    fn profiles(&self) -> Result<BTreeMap<CustomerId, BTreeSet<RecordRef>>, StoreError>;
    /// The records a lookup key leads to.
    fn index(&self, key: &str) -> Result<Vec<RecordRef>, StoreError>;
    /// How many index entries there are in all.
    fn index_len(&self) -> Result<usize, StoreError>;
    /// The ID an absorbed ID now stands for.
    fn alias(&self, id: &CustomerId) -> Result<Option<CustomerId>, StoreError>;
    /// Every pair of records kept apart.
    fn cannot_links(&self) -> Result<Vec<(RecordRef, RecordRef)>, StoreError>;
    /// Every lineage event, oldest first.
    fn lineage(&self) -> Result<Vec<LineageEvent>, StoreError>;
}

/// A record reference as one string key: JSON, so no separator can be ambiguous.
pub(crate) fn ref_key(r: &RecordRef) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

#[cfg(feature = "redb")]
pub(crate) fn parse_ref(s: &str) -> Result<RecordRef, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Decode(e.to_string()))
}
