//! The durable store, on redb: one file, ACID transactions, crash-safe commits.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use redb::{
    Database, MultimapTableDefinition, ReadableMultimapTable, ReadableTable, ReadableTableMetadata,
    TableDefinition,
};

use super::cipher::{decode_record, encode_record};
use super::{
    parse_ref, ref_key, DefaultSensitiveFields, FieldCipher, ProfileStore, SensitiveFields,
    StoreError, StoreOp, WriteBatch,
};
use crate::model::{RecordRef, SourceRecord};
use crate::profile::LineageEvent;
use crate::resolve::CustomerId;

const RECORDS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("records");
const ASSIGNED: TableDefinition<'_, &str, &str> = TableDefinition::new("assigned");
const MEMBERS: MultimapTableDefinition<'_, &str, &str> = MultimapTableDefinition::new("members");
const INDEX: MultimapTableDefinition<'_, &[u8], &str> = MultimapTableDefinition::new("index");
/// Each record's index keys, so a deleted record leaves no index entry.
const KEYS_OF: MultimapTableDefinition<'_, &str, &[u8]> = MultimapTableDefinition::new("keys_of");
const ALIASES: TableDefinition<'_, &str, &str> = TableDefinition::new("aliases");
const CANNOT_LINK: TableDefinition<'_, &str, u8> = TableDefinition::new("cannot_link");
const LINEAGE: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("lineage");

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A durable [`ProfileStore`] in one redb file. Every commit is durable when it returns; a
/// crash loses no committed batch and leaves no part of an uncommitted one.
///
/// With a [`FieldCipher`], the sensitive sections of every record (by
/// [`SensitiveFields`], default [`DefaultSensitiveFields`]) are sealed, and index keys
/// (normalised e-mails, phones, identifiers, names with birth dates) are stored blinded, so the
/// file holds none of those values in clear. Record references (source and key) and customer
/// IDs are stored in clear.
///
/// ```
/// use customer360::store::{ProfileStore, RedbStore, StoreOp, WriteBatch};
/// use customer360::SourceRecord;
///
/// let dir = std::env::temp_dir().join(format!("c360-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("store.redb");
/// let store = RedbStore::create(&path)?;
/// let mut batch = WriteBatch::default();
/// batch.push(StoreOp::PutRecord(Box::new(
///     SourceRecord::new("crm", "1").email("a@example.org"),
/// )));
/// store.commit(batch)?;
/// drop(store);
/// assert_eq!(RedbStore::create(&path)?.records()?.len(), 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), customer360::store::StoreError>(())
/// ```
pub struct RedbStore {
    db: Database,
    cipher: Option<Arc<dyn FieldCipher>>,
    fields: Arc<dyn SensitiveFields>,
}

impl std::fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbStore")
            .field("encrypted", &self.cipher.is_some())
            .finish_non_exhaustive()
    }
}

impl RedbStore {
    /// Open the store at `path`, creating it if it does not exist. Values are stored in clear.
    pub fn create(path: impl AsRef<Path>) -> Result<RedbStore, StoreError> {
        let db = Database::create(path).map_err(backend)?;
        let txn = db.begin_write().map_err(backend)?;
        {
            txn.open_table(RECORDS).map_err(backend)?;
            txn.open_table(ASSIGNED).map_err(backend)?;
            txn.open_multimap_table(MEMBERS).map_err(backend)?;
            txn.open_multimap_table(INDEX).map_err(backend)?;
            txn.open_multimap_table(KEYS_OF).map_err(backend)?;
            txn.open_table(ALIASES).map_err(backend)?;
            txn.open_table(CANNOT_LINK).map_err(backend)?;
            txn.open_table(LINEAGE).map_err(backend)?;
        }
        txn.commit().map_err(backend)?;
        Ok(RedbStore {
            db,
            cipher: None,
            fields: Arc::new(DefaultSensitiveFields),
        })
    }

    /// Seal sensitive fields and blind index keys with `cipher` (use the same cipher, with
    /// the same keys, whenever the store is opened).
    #[must_use]
    pub fn with_cipher(mut self, cipher: impl FieldCipher + 'static) -> Self {
        self.cipher = Some(Arc::new(cipher));
        self
    }

    /// Which fields are sensitive (default: [`DefaultSensitiveFields`]).
    #[must_use]
    pub fn with_sensitive_fields(mut self, fields: impl SensitiveFields + 'static) -> Self {
        self.fields = Arc::new(fields);
        self
    }

    fn index_key(&self, key: &str) -> Vec<u8> {
        match &self.cipher {
            Some(c) => c.blind(key.as_bytes()),
            None => key.as_bytes().to_vec(),
        }
    }

    fn read_txn(&self) -> Result<redb::ReadTransaction, StoreError> {
        self.db.begin_read().map_err(backend)
    }
}

fn unassign(
    assigned: &mut redb::Table<'_, &str, &str>,
    members: &mut redb::MultimapTable<'_, &str, &str>,
    record: &str,
) -> Result<(), StoreError> {
    let old = assigned
        .remove(record)
        .map_err(backend)?
        .map(|g| g.value().to_owned());
    if let Some(old) = old {
        members.remove(old.as_str(), record).map_err(backend)?;
    }
    Ok(())
}

impl ProfileStore for RedbStore {
    fn commit(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(backend)?;
        {
            let mut records = txn.open_table(RECORDS).map_err(backend)?;
            let mut assigned = txn.open_table(ASSIGNED).map_err(backend)?;
            let mut members = txn.open_multimap_table(MEMBERS).map_err(backend)?;
            let mut index = txn.open_multimap_table(INDEX).map_err(backend)?;
            let mut keys_of = txn.open_multimap_table(KEYS_OF).map_err(backend)?;
            let mut aliases = txn.open_table(ALIASES).map_err(backend)?;
            let mut cannot = txn.open_table(CANNOT_LINK).map_err(backend)?;
            let mut lineage = txn.open_table(LINEAGE).map_err(backend)?;
            let mut next_event = lineage.len().map_err(backend)?;
            for op in batch.ops {
                match op {
                    StoreOp::PutRecord(r) => {
                        let bytes = encode_record(&r, self.cipher.as_deref(), &*self.fields)?;
                        records
                            .insert(ref_key(&r.reference()).as_str(), bytes.as_slice())
                            .map_err(backend)?;
                    }
                    StoreOp::DeleteRecord(r) => {
                        let k = ref_key(&r);
                        records.remove(k.as_str()).map_err(backend)?;
                        unassign(&mut assigned, &mut members, &k)?;
                        let keys: Vec<Vec<u8>> = keys_of
                            .remove_all(k.as_str())
                            .map_err(backend)?
                            .map(|g| g.map(|g| g.value().to_vec()))
                            .collect::<Result<_, _>>()
                            .map_err(backend)?;
                        for key in keys {
                            index.remove(key.as_slice(), k.as_str()).map_err(backend)?;
                        }
                    }
                    StoreOp::Assign { record, customer } => {
                        let k = ref_key(&record);
                        unassign(&mut assigned, &mut members, &k)?;
                        assigned
                            .insert(k.as_str(), customer.0.as_str())
                            .map_err(backend)?;
                        members
                            .insert(customer.0.as_str(), k.as_str())
                            .map_err(backend)?;
                    }
                    StoreOp::IndexAdd { key, record } => {
                        let (key, k) = (self.index_key(&key), ref_key(&record));
                        index.insert(key.as_slice(), k.as_str()).map_err(backend)?;
                        keys_of
                            .insert(k.as_str(), key.as_slice())
                            .map_err(backend)?;
                    }
                    StoreOp::IndexRemove { key, record } => {
                        let (key, k) = (self.index_key(&key), ref_key(&record));
                        index.remove(key.as_slice(), k.as_str()).map_err(backend)?;
                        keys_of
                            .remove(k.as_str(), key.as_slice())
                            .map_err(backend)?;
                    }
                    StoreOp::Alias { from, to } => {
                        aliases
                            .insert(from.0.as_str(), to.0.as_str())
                            .map_err(backend)?;
                    }
                    StoreOp::Unalias(id) => {
                        aliases.remove(id.0.as_str()).map_err(backend)?;
                    }
                    StoreOp::CannotLink(a, b) => {
                        let pair = serde_json::to_string(&(a, b))
                            .map_err(|e| StoreError::Decode(e.to_string()))?;
                        cannot.insert(pair.as_str(), 1).map_err(backend)?;
                    }
                    StoreOp::Lineage(event) => {
                        let bytes = serde_json::to_vec(&event)
                            .map_err(|e| StoreError::Decode(e.to_string()))?;
                        lineage
                            .insert(next_event, bytes.as_slice())
                            .map_err(backend)?;
                        next_event += 1;
                    }
                }
            }
        }
        txn.commit().map_err(backend)
    }

    fn record(&self, record: &RecordRef) -> Result<Option<SourceRecord>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(RECORDS).map_err(backend)?;
        let bytes = table.get(ref_key(record).as_str()).map_err(backend)?;
        bytes
            .map(|b| decode_record(b.value(), self.cipher.as_deref()))
            .transpose()
    }

    fn records(&self) -> Result<Vec<SourceRecord>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(RECORDS).map_err(backend)?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(backend)? {
            let (_, v) = entry.map_err(backend)?;
            out.push(decode_record(v.value(), self.cipher.as_deref())?);
        }
        out.sort_by_key(SourceRecord::reference);
        Ok(out)
    }

    fn customer_of(&self, record: &RecordRef) -> Result<Option<CustomerId>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(ASSIGNED).map_err(backend)?;
        let id = table.get(ref_key(record).as_str()).map_err(backend)?;
        Ok(id.map(|g| CustomerId(g.value().to_owned())))
    }

    fn profiles(&self) -> Result<BTreeMap<CustomerId, BTreeSet<RecordRef>>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_multimap_table(MEMBERS).map_err(backend)?;
        let mut out: BTreeMap<CustomerId, BTreeSet<RecordRef>> = BTreeMap::new();
        for entry in table.iter().map_err(backend)? {
            let (id, values) = entry.map_err(backend)?;
            let set = out.entry(CustomerId(id.value().to_owned())).or_default();
            for v in values {
                set.insert(parse_ref(v.map_err(backend)?.value())?);
            }
        }
        Ok(out)
    }

    fn index(&self, key: &str) -> Result<Vec<RecordRef>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_multimap_table(INDEX).map_err(backend)?;
        let key = self.index_key(key);
        let mut out = Vec::new();
        for v in table.get(key.as_slice()).map_err(backend)? {
            out.push(parse_ref(v.map_err(backend)?.value())?);
        }
        Ok(out)
    }

    fn index_len(&self) -> Result<usize, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_multimap_table(INDEX).map_err(backend)?;
        Ok(table.len().map_err(backend)? as usize)
    }

    fn alias(&self, id: &CustomerId) -> Result<Option<CustomerId>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(ALIASES).map_err(backend)?;
        let to = table.get(id.0.as_str()).map_err(backend)?;
        Ok(to.map(|g| CustomerId(g.value().to_owned())))
    }

    fn cannot_links(&self) -> Result<Vec<(RecordRef, RecordRef)>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(CANNOT_LINK).map_err(backend)?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(backend)? {
            let (k, _) = entry.map_err(backend)?;
            out.push(
                serde_json::from_str(k.value()).map_err(|e| StoreError::Decode(e.to_string()))?,
            );
        }
        Ok(out)
    }

    fn lineage(&self) -> Result<Vec<LineageEvent>, StoreError> {
        let txn = self.read_txn()?;
        let table = txn.open_table(LINEAGE).map_err(backend)?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(backend)? {
            let (_, v) = entry.map_err(backend)?;
            out.push(
                serde_json::from_slice(v.value()).map_err(|e| StoreError::Decode(e.to_string()))?,
            );
        }
        Ok(out)
    }
}
