//! Governance: who may see which data for what purpose, what the customer consented to,
//! what must be forgotten, how long data is kept, and a trail of all of it.
//!
//! Nothing personal should leave a host except through a governed view. The pieces:
//!
//! | piece | types | what it does |
//! |---|---|---|
//! | catalogue | [`Catalogue`], [`FieldDefinition`], [`Sensitivity`], [`Purpose`] | meaning, sensitivity, owner, lineage, purposes and retention of every [`FieldPath`](crate::FieldPath); the ingest check ([`CatalogueMode`]) |
//! | access | [`AccessPolicy`], [`TablePolicy`], [`Decision`] | allow, mask or deny each field for a role and purpose; deny by default |
//! | masking | [`MaskStyle`], [`HostKey`] | redact, last characters, keyed pseudonym, generalise |
//! | governed views | [`Governor`], [`GovernedProfile`], [`GovernedCustomer360`] | a [`Profile`](crate::profile::Profile) or [`Customer360`](crate::Customer360) with the policy applied field by field (relationships entry by entry, other derived sections whole) |
//! | free text | [`TextScanner`], [`FreeTextScrubber`] | e-mails, phone numbers, cards and IBANs written into notes and topics, masked as their fields are |
//! | consent | [`ConsentLedger`], [`ConsentRecord`], [`ConsentAnswer`] | per purpose, merged by a stated rule, "may we contact now?" in one call |
//! | erasure | [`Erasable`], [`BatchState`], [`SuppressionList`] | the right to be forgotten, with keyed-hash suppression of re-ingested records |
//! | retention | [`purge_expired`], [`Clock`] | purge what is past its catalogue retention |
//! | audit | [`AuditSink`], [`MemoryAuditSink`], [`JsonLinesAuditSink`], [`AuditEvent`] | an append-only trail that never repeats personal values |
//! | subject access | [`subject_access`], [`SubjectAccessReport`] | everything held about a customer, as JSON |
//!
//! # Time
//!
//! Every call that stamps or ages data takes its time from the caller ([`Requester::at`], a
//! [`Clock`]); the core never reads the wall clock.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use customer360::govern::{
//!     Catalogue, Decision, Governor, HostKey, MaskStyle, MemoryAuditSink, Requester, Sensitivity,
//!     TablePolicy,
//! };
//! use customer360::profile::{IdRegistry, ProfileBuilder};
//! use customer360::{FieldPath, PersonName, Resolver, SourceRecord};
//!
//! let records = vec![SourceRecord::new("crm", "1")
//!     .name(PersonName::from_parts("Ann", "Lee"))
//!     .email("ann.lee@mail-example.com")
//!     .phone("+44 20 7946 0018")];
//! let resolution = Resolver::builder().build()?.resolve(&records)?;
//! let profiles = ProfileBuilder::default().build(&resolution, &records, &mut IdRegistry::default());
//!
//! let catalogue = Catalogue::builtin();
//! let policy = TablePolicy::new()
//!     .rule("agent", "service", [Sensitivity::Public, Sensitivity::Internal, Sensitivity::Personal], Decision::Allow)
//!     .field_rule(FieldPath::EMAIL, "agent", "service", Decision::Mask(MaskStyle::Generalise));
//! let key = HostKey::new(b"host secret, 16+ bytes".to_vec())?;
//! let governor = Governor::new(&catalogue, &policy, &key);
//! let mut audit = MemoryAuditSink::default();
//! let who = Requester::new("u7", "agent", "service", Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
//!
//! let view = governor.profile(&who, &profiles[0], &mut audit)?;
//! let json = serde_json::to_string(&view).unwrap();
//! assert!(json.contains("+442079460018"));          // allowed
//! assert!(json.contains("mail-example.com"));            // generalised to the domain
//! assert!(!json.contains("ann.lee@mail-example.com"));   // the address itself never leaves
//! assert!(!audit.events().is_empty());               // every decision was logged
//! # Ok::<(), customer360::Error>(())
//! ```

mod access;
mod audit;
mod catalogue;
mod consent;
mod erasure;
mod fields;
mod mask;
mod retention;
mod scrub;
mod subject;
mod view;

pub use access::{
    AccessPolicy, AccessRequest, AccessTarget, Decision, DenyAll, PolicyError, PolicyRule,
    TablePolicy,
};
pub use audit::{
    AuditError, AuditEvent, AuditKind, AuditLink, AuditSink, AuditStep, JsonLinesAuditSink,
    MemoryAuditSink, RecordToken,
};
pub use catalogue::{
    Catalogue, CatalogueError, CatalogueMode, CheckedRecord, FieldDefinition, Lineage, Purpose,
    QuarantinedField, Sensitivity, ValueType,
};
pub use consent::{
    ConsentAnswer, ConsentConflict, ConsentLedger, ConsentPurpose, ConsentReason, ConsentRecord,
    ConsentState,
};
pub use erasure::{
    BatchState, Erasable, ErasureReport, Screened, SuppressionEntry, SuppressionKind,
    SuppressionList, SuppressionMatch, SuppressionPolicy,
};
pub use mask::{pseudonym_basis, HostKey, MaskStyle, REDACTED};
pub use retention::{purge_expired, Clock, FixedClock, RetentionReport};
pub use scrub::{FreeTextScrubber, TextFinding, TextFindingKind, TextScanner};
pub use subject::{subject_access, SubjectAccessReport, SubjectField, SubjectValue};
pub use view::{
    GovernedCustomer360, GovernedField, GovernedProfile, GovernedSource, GovernedValue, Governor,
    Requester, Withheld,
};

/// Governance went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GovernError {
    /// The catalogue could not be loaded, or a record broke it.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The access policy could not be loaded.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The audit sink failed; the operation was not completed.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// A host key shorter than [`HostKey::MIN_LEN`].
    #[error("the host key has {0} bytes: use at least 16 random bytes (32 recommended)")]
    KeyTooShort(usize),
    /// The audit sink failed part-way through erasing many customers
    /// ([`Erasable::erase_customers`]): the customers whose events it took were erased, the
    /// rest were not.
    #[error(
        "the audit sink failed after {erased} of {requested} customers were erased (each with \
         its audit event); erase the others again once the sink works: {source}"
    )]
    ErasureInterrupted {
        /// Customers erased: the first `erased` of those asked for.
        erased: usize,
        /// Customers asked for.
        requested: usize,
        /// What the sink said.
        source: AuditError,
    },
    /// Re-resolving after an erasure failed.
    #[error("re-resolving after erasure failed: {0}")]
    Resolve(#[from] crate::error::ResolveError),
}
