//! Encryption at rest: which fields are sensitive, and the cipher that seals them.

use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::model::{FieldPath, IdentifierKind, SourceRecord};

/// Seals and opens field values for a durable store, and makes blind index keys, so that a
/// copied store file holds no sensitive value in clear.
///
/// Implement it over the host's key management (a KMS, an HSM); `AesGcmCipher` (feature
/// `encryption`) is a built-in implementation with a key held in memory.
pub trait FieldCipher: Send + Sync {
    /// The ID of the key [`seal`](Self::seal) uses now, stored beside each sealed value.
    fn key_id(&self) -> &str;
    /// Encrypt and authenticate `plaintext`, bound to `context` (authenticated, not
    /// encrypted: a sealed value moved to another record or field does not open).
    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Open a value sealed with key `key_id` and the same `context`.
    fn open(&self, key_id: &str, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// A keyed, deterministic digest of an index key (an e-mail, a phone number): equal keys
    /// give equal digests, and the digest reveals nothing of the key without the secret.
    fn blind(&self, key: &[u8]) -> Vec<u8>;
}

/// Which fields of a record are sensitive (stored sealed when the store has a cipher).
///
/// The governance catalogue decides this in a host; any `Fn(&FieldPath) -> bool` is one.
pub trait SensitiveFields: Send + Sync {
    /// Whether values at `path` are sensitive.
    fn is_sensitive(&self, path: &FieldPath) -> bool;
}

impl<F: Fn(&FieldPath) -> bool + Send + Sync> SensitiveFields for F {
    fn is_sensitive(&self, path: &FieldPath) -> bool {
        self(path)
    }
}

/// Names, e-mail addresses, phone numbers, postal addresses, birth dates, and national IDs,
/// passports and tax numbers are sensitive; everything else is not.
///
/// ```
/// use customer360::store::{DefaultSensitiveFields, SensitiveFields};
/// use customer360::FieldPath;
/// assert!(DefaultSensitiveFields.is_sensitive(&FieldPath::EMAIL));
/// assert!(DefaultSensitiveFields.is_sensitive(&FieldPath::NAME_GIVEN));
/// assert!(!DefaultSensitiveFields.is_sensitive(&FieldPath::ORDERS));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultSensitiveFields;

impl SensitiveFields for DefaultSensitiveFields {
    fn is_sensitive(&self, path: &FieldPath) -> bool {
        let national = [
            IdentifierKind::NationalId,
            IdentifierKind::Passport,
            IdentifierKind::TaxId,
        ];
        [
            FieldPath::NAME,
            FieldPath::EMAIL,
            FieldPath::PHONE,
            FieldPath::ADDRESS,
            FieldPath::BIRTH_DATE,
        ]
        .iter()
        .any(|p| path.is_within(p))
            || national
                .iter()
                .any(|k| path.is_within(&FieldPath::identifier(k)))
    }
}

/// A section of a stored record, sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SealedField {
    path: String,
    /// Position within a list (identifiers, custom attributes), for the context.
    key_id: String,
    data: Vec<u8>,
}

/// A record as stored: sensitive sections sealed, the rest in clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRecord {
    clear: SourceRecord,
    sealed: Vec<SealedField>,
}

/// Sections of a record by field path, each taken out of `record` when sensitive.
fn sections(
    record: &mut SourceRecord,
    fields: &dyn SensitiveFields,
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut out = Vec::new();
    let id = &mut record.identity;
    take_section(
        &mut out,
        fields,
        &FieldPath::NAME,
        &mut id.names,
        Vec::is_empty,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::EMAIL,
        &mut id.emails,
        Vec::is_empty,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::PHONE,
        &mut id.phones,
        Vec::is_empty,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::ADDRESS,
        &mut id.addresses,
        Vec::is_empty,
    )?;
    let birth = &mut id.birth_date;
    take_section(
        &mut out,
        fields,
        &FieldPath::BIRTH_DATE,
        birth,
        Option::is_none,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::GENDER,
        &mut id.gender,
        Option::is_none,
    )?;
    // Identifiers and custom attributes are sensitive one by one: the sensitive ones are
    // split off and sealed together.
    let every = |_: &FieldPath| true;
    let (mut sealed_ids, clear_ids): (Vec<_>, Vec<_>) = std::mem::take(&mut id.identifiers)
        .into_iter()
        .partition(|i| fields.is_sensitive(&FieldPath::identifier(&i.kind)));
    id.identifiers = clear_ids;
    take_section(
        &mut out,
        &every,
        &FieldPath::IDENTIFIER,
        &mut sealed_ids,
        Vec::is_empty,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::FACTS,
        &mut record.facts,
        |_| false,
    )?;
    let interactions = &mut record.interactions;
    take_section(
        &mut out,
        fields,
        &FieldPath::INTERACTIONS,
        interactions,
        Vec::is_empty,
    )?;
    take_section(
        &mut out,
        fields,
        &FieldPath::NOTES,
        &mut record.notes,
        Vec::is_empty,
    )?;
    let (mut sealed_custom, clear_custom): (std::collections::BTreeMap<_, _>, _) =
        std::mem::take(&mut record.custom)
            .into_iter()
            .partition(|(name, _)| FieldPath::custom(name).is_ok_and(|p| fields.is_sensitive(&p)));
    record.custom = clear_custom;
    let custom = &mut sealed_custom;
    take_section(&mut out, &every, &FieldPath::CUSTOM, custom, |c| {
        c.is_empty()
    })?;
    Ok(out)
}

/// When `path` is sensitive and `value` is not `empty`: take `value` out of the record and add
/// it to `out` as JSON under its path.
fn take_section<T: serde::Serialize + Default>(
    out: &mut Vec<(String, Vec<u8>)>,
    fields: &dyn SensitiveFields,
    path: &FieldPath,
    value: &mut T,
    empty: impl FnOnce(&T) -> bool,
) -> Result<(), StoreError> {
    if !empty(value) && fields.is_sensitive(path) {
        let json = serde_json::to_vec(&std::mem::take(value))
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        out.push((path.as_str().to_owned(), json));
    }
    Ok(())
}

fn context(record: &SourceRecord, path: &str) -> Vec<u8> {
    let mut c = super::ref_key(&record.reference()).into_bytes();
    c.push(0);
    c.extend_from_slice(path.as_bytes());
    c
}

/// A record's stored bytes: JSON, with sensitive sections sealed when there is a cipher.
#[cfg_attr(not(feature = "redb"), allow(dead_code))]
pub(crate) fn encode_record(
    record: &SourceRecord,
    cipher: Option<&dyn FieldCipher>,
    fields: &dyn SensitiveFields,
) -> Result<Vec<u8>, StoreError> {
    let stored = match cipher {
        None => StoredRecord {
            clear: record.clone(),
            sealed: Vec::new(),
        },
        Some(cipher) => {
            let mut clear = record.clone();
            let mut sealed = Vec::new();
            for (path, bytes) in sections(&mut clear, fields)? {
                let data = cipher.seal(&bytes, &context(record, &path))?;
                sealed.push(SealedField {
                    path,
                    key_id: cipher.key_id().to_owned(),
                    data,
                });
            }
            StoredRecord { clear, sealed }
        }
    };
    serde_json::to_vec(&stored).map_err(|e| StoreError::Decode(e.to_string()))
}

/// A record from its stored bytes, sealed sections opened.
#[cfg_attr(not(feature = "redb"), allow(dead_code))]
pub(crate) fn decode_record(
    bytes: &[u8],
    cipher: Option<&dyn FieldCipher>,
) -> Result<SourceRecord, StoreError> {
    let stored: StoredRecord =
        serde_json::from_slice(bytes).map_err(|e| StoreError::Decode(e.to_string()))?;
    let mut record = stored.clear;
    if stored.sealed.is_empty() {
        return Ok(record);
    }
    let cipher = cipher.ok_or_else(|| {
        StoreError::Cipher("the store holds sealed fields and no cipher was given".into())
    })?;
    let de = |e: serde_json::Error| StoreError::Decode(e.to_string());
    for field in stored.sealed {
        let plain = cipher.open(&field.key_id, &field.data, &context(&record, &field.path))?;
        let id = &mut record.identity;
        match field.path.as_str() {
            "identity.name" => id.names = serde_json::from_slice(&plain).map_err(de)?,
            "identity.email" => id.emails = serde_json::from_slice(&plain).map_err(de)?,
            "identity.phone" => id.phones = serde_json::from_slice(&plain).map_err(de)?,
            "identity.address" => id.addresses = serde_json::from_slice(&plain).map_err(de)?,
            "identity.birth_date" => id.birth_date = serde_json::from_slice(&plain).map_err(de)?,
            "identity.gender" => id.gender = serde_json::from_slice(&plain).map_err(de)?,
            "identity.identifier" => {
                let sealed: Vec<crate::model::Identifier> =
                    serde_json::from_slice(&plain).map_err(de)?;
                id.identifiers.extend(sealed);
            }
            "facts" => record.facts = serde_json::from_slice(&plain).map_err(de)?,
            "interactions" => record.interactions = serde_json::from_slice(&plain).map_err(de)?,
            "notes" => record.notes = serde_json::from_slice(&plain).map_err(de)?,
            "custom" => {
                let sealed: std::collections::BTreeMap<String, String> =
                    serde_json::from_slice(&plain).map_err(de)?;
                record.custom.extend(sealed);
            }
            other => {
                return Err(StoreError::Decode(format!(
                    "unknown sealed field {other:?}"
                )))
            }
        }
    }
    Ok(record)
}

/// AES-256-GCM with a random 96-bit nonce per value, and HMAC-SHA-256 (under a key derived
/// from the same secret) for blind index keys.
///
/// ```
/// use customer360::store::{AesGcmCipher, FieldCipher};
/// let cipher = AesGcmCipher::new("k1", [7u8; 32]);
/// let sealed = cipher.seal(b"jane@example.org", b"ctx")?;
/// assert!(!sealed.windows(4).any(|w| w == b"jane"));
/// assert_eq!(cipher.open("k1", &sealed, b"ctx")?, b"jane@example.org");
/// assert!(cipher.open("k1", &sealed, b"other").is_err());
/// # Ok::<(), customer360::store::StoreError>(())
/// ```
#[cfg(feature = "encryption")]
pub struct AesGcmCipher {
    key_id: String,
    aead: aes_gcm::Aes256Gcm,
    blind_key: [u8; 32],
}

#[cfg(feature = "encryption")]
impl std::fmt::Debug for AesGcmCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AesGcmCipher")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "encryption")]
impl AesGcmCipher {
    /// A cipher with a 256-bit key and its ID.
    pub fn new(key_id: impl Into<String>, key: [u8; 32]) -> Self {
        use aes_gcm::KeyInit;
        use hmac::Mac;
        let mut mac =
            <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key");
        mac.update(b"customer360 blind index key");
        let blind_key: [u8; 32] = mac.finalize().into_bytes().into();
        AesGcmCipher {
            key_id: key_id.into(),
            aead: aes_gcm::Aes256Gcm::new(&key.into()),
            blind_key,
        }
    }
}

#[cfg(feature = "encryption")]
impl FieldCipher for AesGcmCipher {
    fn key_id(&self) -> &str {
        &self.key_id
    }

    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        use aes_gcm::aead::{Aead, AeadCore, OsRng, Payload};
        let nonce = aes_gcm::Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        let sealed = self
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|e| StoreError::Cipher(e.to_string()))?;
        out.extend(sealed);
        Ok(out)
    }

    fn open(&self, key_id: &str, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, StoreError> {
        use aes_gcm::aead::{Aead, Payload};
        if key_id != self.key_id {
            return Err(StoreError::Cipher(format!(
                "sealed with key {key_id:?}, this cipher holds {:?}",
                self.key_id
            )));
        }
        if sealed.len() < 12 {
            return Err(StoreError::Cipher("sealed value too short".into()));
        }
        let (nonce, data) = sealed.split_at(12);
        self.aead
            .decrypt(
                aes_gcm::Nonce::from_slice(nonce),
                Payload {
                    msg: data,
                    aad: context,
                },
            )
            .map_err(|_| StoreError::Cipher("authentication failed".into()))
    }

    fn blind(&self, key: &[u8]) -> Vec<u8> {
        use hmac::Mac;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.blind_key)
            .expect("HMAC takes any key");
        mac.update(key);
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PersonName;

    /// Reverses bytes: enough to see that sections go through the cipher and come back.
    struct Reverse;
    impl FieldCipher for Reverse {
        fn key_id(&self) -> &str {
            "rev"
        }
        fn seal(&self, p: &[u8], _: &[u8]) -> Result<Vec<u8>, StoreError> {
            Ok(p.iter().rev().map(|b| b ^ 0x55).collect())
        }
        fn open(&self, _: &str, s: &[u8], _: &[u8]) -> Result<Vec<u8>, StoreError> {
            Ok(s.iter().rev().map(|b| b ^ 0x55).collect())
        }
        fn blind(&self, k: &[u8]) -> Vec<u8> {
            k.to_vec()
        }
    }

    #[test]
    fn sealed_records_round_trip_and_hide_sensitive_values() {
        let record = SourceRecord::new("crm", "1")
            .name(PersonName::from_parts("Jane", "Doe"))
            .email("jane.doe@example.org")
            .phone("+1 555 123 4567")
            .birth_date("1980-02-03")
            .identifier(crate::Identifier::new(IdentifierKind::Customer, "C-77"));
        let bytes = encode_record(&record, Some(&Reverse), &DefaultSensitiveFields).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Jane", "jane.doe", "555", "1980-02-03"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // A customer number is not sensitive by default: it stays in clear.
        assert!(text.contains("C-77"));
        let back = decode_record(&bytes, Some(&Reverse)).unwrap();
        assert_eq!(back, record);
        assert!(decode_record(&bytes, None).is_err());
        let clear = encode_record(&record, None, &DefaultSensitiveFields).unwrap();
        assert_eq!(decode_record(&clear, None).unwrap(), record);
    }
}
