//! The in-memory store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::RwLock;

use super::{ProfileStore, StoreError, StoreOp, WriteBatch};
use crate::model::{RecordRef, SourceRecord};
use crate::profile::LineageEvent;
use crate::resolve::CustomerId;

#[derive(Debug, Default)]
struct Inner {
    records: BTreeMap<RecordRef, SourceRecord>,
    assigned: BTreeMap<RecordRef, CustomerId>,
    members: BTreeMap<CustomerId, BTreeSet<RecordRef>>,
    index: BTreeMap<String, BTreeSet<RecordRef>>,
    aliases: BTreeMap<CustomerId, CustomerId>,
    cannot_link: BTreeSet<(RecordRef, RecordRef)>,
    lineage: Vec<LineageEvent>,
}

impl Inner {
    fn unassign(&mut self, record: &RecordRef) {
        if let Some(old) = self.assigned.remove(record) {
            if let Some(m) = self.members.get_mut(&old) {
                m.remove(record);
                if m.is_empty() {
                    self.members.remove(&old);
                }
            }
        }
    }

    fn apply(&mut self, op: StoreOp) {
        match op {
            StoreOp::PutRecord(r) => {
                self.records.insert(r.reference(), *r);
            }
            StoreOp::DeleteRecord(r) => {
                self.records.remove(&r);
                self.unassign(&r);
                self.index.retain(|_, set| {
                    set.remove(&r);
                    !set.is_empty()
                });
            }
            StoreOp::Assign { record, customer } => {
                self.unassign(&record);
                self.members
                    .entry(customer.clone())
                    .or_default()
                    .insert(record.clone());
                self.assigned.insert(record, customer);
            }
            StoreOp::IndexAdd { key, record } => {
                self.index.entry(key).or_default().insert(record);
            }
            StoreOp::IndexRemove { key, record } => {
                if let Some(set) = self.index.get_mut(&key) {
                    set.remove(&record);
                    if set.is_empty() {
                        self.index.remove(&key);
                    }
                }
            }
            StoreOp::Alias { from, to } => {
                self.aliases.insert(from, to);
            }
            StoreOp::Unalias(id) => {
                self.aliases.remove(&id);
            }
            StoreOp::CannotLink(a, b) => {
                self.cannot_link.insert((a, b));
            }
            StoreOp::Lineage(e) => self.lineage.push(e),
        }
    }
}

/// Everything in memory: the default store, for tests, caches, and hosts that rebuild from
/// their own sources on start.
///
/// ```
/// use customer360::store::{MemoryStore, ProfileStore, StoreOp, WriteBatch};
/// use customer360::SourceRecord;
///
/// let store = MemoryStore::default();
/// let mut batch = WriteBatch::default();
/// batch.push(StoreOp::PutRecord(Box::new(
///     SourceRecord::new("crm", "1").email("a@example.org"),
/// )));
/// store.commit(batch)?;
/// assert_eq!(store.records()?.len(), 1);
/// # Ok::<(), customer360::store::StoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

impl MemoryStore {
    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Inner>, StoreError> {
        self.inner
            .read()
            .map_err(|_| StoreError::Backend("a writer panicked".into()))
    }
}

impl ProfileStore for MemoryStore {
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut inner = self
            .inner
            .write()
            .map_err(|_| StoreError::Backend("a writer panicked".into()))?;
        for op in batch.ops {
            inner.apply(op);
        }
        Ok(())
    }

    fn record(&self, record: &RecordRef) -> Result<Option<SourceRecord>, StoreError> {
        Ok(self.read()?.records.get(record).cloned())
    }

    fn records(&self) -> Result<Vec<SourceRecord>, StoreError> {
        Ok(self.read()?.records.values().cloned().collect())
    }

    fn customer_of(&self, record: &RecordRef) -> Result<Option<CustomerId>, StoreError> {
        Ok(self.read()?.assigned.get(record).cloned())
    }

    fn profiles(&self) -> Result<BTreeMap<CustomerId, BTreeSet<RecordRef>>, StoreError> {
        Ok(self.read()?.members.clone())
    }

    fn index(&self, key: &str) -> Result<Vec<RecordRef>, StoreError> {
        Ok(self
            .read()?
            .index
            .get(key)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default())
    }

    fn index_len(&self) -> Result<usize, StoreError> {
        Ok(self.read()?.index.values().map(BTreeSet::len).sum())
    }

    fn alias(&self, id: &CustomerId) -> Result<Option<CustomerId>, StoreError> {
        Ok(self.read()?.aliases.get(id).cloned())
    }

    fn cannot_links(&self) -> Result<Vec<(RecordRef, RecordRef)>, StoreError> {
        Ok(self.read()?.cannot_link.iter().cloned().collect())
    }

    fn lineage(&self) -> Result<Vec<LineageEvent>, StoreError> {
        Ok(self.read()?.lineage.clone())
    }
}
