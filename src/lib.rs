//! # customer360
//!
//! Resolve customer identities across many source systems and keep one canonical profile per
//! customer: the "customer 360" view.
//!
//! A business holds the same customer in its CRM, web shop, call centre, point of sale,
//! support desk and billing systems, each written down a little differently: "Jonh Smith",
//! "Bob" for Robert, a phone typed as `(555) 123-4567` or `+1 555 1234567`, a name in Persian
//! script with Arabic `ي`/`ك` or a missing zero-width non-joiner. customer360 is a library
//! other Rust services embed to turn those records into one customer each.
//!
//! ## Overview
//!
//! Data flows one way:
//!
//! 1. **Model**: a [`SourceRecord`] holds what one system says about one customer, exactly as
//!    it said it: [`Identity`] (names, e-mails, phones, addresses, birth date, gender, typed
//!    identifiers), [`Facts`] (orders, transactions, holdings), [`Interaction`]s over channels
//!    with their [`SoftData`] (sentiment, mood, NPS/CSAT feedback, notes), and custom
//!    attributes. Every field has a stable [`FieldPath`].
//! 2. **Normalise**: [`normalize::RecordNormalizer`] turns a record into a
//!    [`normalize::NormalizedRecord`]: every value in one comparable form, kept beside its
//!    original, with [`normalize::ValueFlags`] for what was noticed (placeholders, invalid
//!    values, ambiguous dates).
//! 3. **Resolve**: [`Resolver`] blocks records into candidate pairs ([`BlockingRule`]),
//!    compares them attribute by attribute into ordered levels ([`compare`]), scores them with a
//!    Fellegi–Sunter model trained on the data by EM ([`score`], [`MatchModel`]) and clusters
//!    them strongest link first, refusing merges that would join people the evidence keeps
//!    apart (twins, households, a father and son, strangers sharing a placeholder). The
//!    [`Resolution`] says which records are one customer and explains every pair
//!    ([`PairExplanation`]) and every cluster ([`ClusterExplanation`]).
//! 4. **Merge**: [`profile::ProfileBuilder`] merges each customer's records field by field
//!    under a [`profile::MergePolicy`] of [`profile::Survivorship`] rules, keeping the
//!    provenance of every value and the values that lost; [`profile::IdRegistry`] keeps
//!    customer IDs stable across runs, with aliases and lineage for merges and splits.
//! 5. **Present**: [`Customer360`] is the view an agent needs: identity, relationships,
//!    current activity and why the customer is probably calling, a cross-channel timeline,
//!    value, flags, soft-data insights, journey stage and next best actions ([`view`]).
//! 6. **Govern**: [`govern`] wraps it all: a data catalogue, access policies by role and
//!    purpose with masking, governed views, consent, erasure with a suppression list,
//!    retention, an audit trail and subject access.
//!
//! ## Example
//!
//! ```
//! use customer360::normalize::{RecordNormalizer, Region, ValueFlags};
//! use customer360::{PersonName, SourceRecord};
//!
//! let normalizer = RecordNormalizer::builder()
//!     .default_region("US".parse::<Region>()?)
//!     .build();
//!
//! let crm = SourceRecord::new("crm", "1001")
//!     .name(PersonName::from_parts("John", "Smith"))
//!     .email("John.Smith+newsletter@GMail.com")
//!     .phone("(555) 123-4567");
//! let shop = SourceRecord::new("webshop", "77")
//!     .name(PersonName::full("Smith, Jonh"))
//!     .email("johnsmith@gmail.com")
//!     .phone("+1 555 1234567");
//!
//! let (a, b) = (normalizer.normalize(&crm), normalizer.normalize(&shop));
//! let email = |r: &customer360::normalize::NormalizedRecord| {
//!     r.emails[0].address.value.as_ref().map(|e| e.canonical().to_owned())
//! };
//! let phone = |r: &customer360::normalize::NormalizedRecord| {
//!     r.phones[0].number.value.as_ref().map(|p| p.e164().to_owned())
//! };
//! assert_eq!(email(&a), email(&b));
//! assert_eq!(phone(&a), phone(&b));
//! assert_eq!(b.names[0].value.as_ref().unwrap().family.as_deref(), Some("smith"));
//!
//! // Placeholder values are kept, flagged, and never used as matching evidence.
//! let junk = normalizer.normalize(&SourceRecord::new("crm", "9").email("test@test.com"));
//! assert!(junk.emails[0].address.flags.contains(ValueFlags::PLACEHOLDER));
//! assert!(!junk.has_matchable_identity());
//! # Ok::<(), customer360::Error>(())
//! ```
//!
//! ## Unicode and Persian script
//!
//! Text is compared after NFKC, full case folding (`Straße` = `STRASSE`), removal of bidi and
//! other invisible characters, and Arabic-script unification: Arabic `ي`/`ك` and Persian
//! `ی`/`ک` are one letter, harakat and tatweel vanish, zero-width non-joiner variants share a
//! key, and Persian and Arabic-Indic digits become ASCII digits everywhere (phones,
//! identifiers, dates). Jalali (Persian calendar) birth dates are converted to Gregorian. A
//! cross-script key lets `محمد` meet `Mohammad`, `Mohammed` and `Muhammad`.
//!
//! ## Untrusted input
//!
//! Input comes from systems nobody controls. No normaliser panics, on any input; over-long
//! values are cut for matching keys (and flagged) while the original is kept whole; a value
//! that cannot be normalised is kept with a flag, never dropped. Readers return typed errors
//! that name the row and field.
//!
//! ## Time
//!
//! The core never reads the wall clock. Time comes from records
//! ([`SourceRecord::observed_at`]) or is injected (for example
//! [`RecordNormalizerBuilder::today`](normalize::RecordNormalizerBuilder::today)).
//!
//! ## Speed
//!
//! Batch resolution ([`Resolver`]) runs on rayon's global thread pool, with results
//! identical for any number of threads. Normalising allocates many small, short-lived
//! strings on every thread, so the host's global allocator matters: the `resolve` example
//! uses mimalloc, and with the system allocator (glibc) it takes about 30 % longer at a
//! million records (6.57 s against 5.01 s, CPU 11.8 against 9.1 s, medians of three
//! alternating runs). The release profile in this crate's `Cargo.toml` (fat LTO, one codegen
//! unit) is what the published figures use; `benches/README.md` has them, and the profile.
//! Two choices in how records reach the resolver matter as well: a record it may consume
//! is normalised without copying its values ([`Resolver::resolve_rows`] and
//! [`RecordNormalizer::normalize_owned`](normalize::RecordNormalizer::normalize_owned) do so),
//! and a host reading CSV only to resolve it can leave repeated keys to the resolver
//! (`CsvOptions::check_repeated_keys(false)`, feature `csv`): together about 7 % of the CPU
//! of a million-record run.
//!
//! ## Crate features
//!
//! - `csv` (default): `adapters::csv` (see [`adapters`]), reading source records from CSV
//!   files with columns mapped to attribute kinds by name.
//! - `toml` (default): loading catalogues and access policies from TOML
//!   (`from_toml_str` on [`govern::Catalogue`] and [`govern::TablePolicy`]); JSON always
//!   works.
//! - `redb`: `store::RedbStore`, a durable embedded [`store::ProfileStore`] for real-time
//!   resolution ([`realtime`]).
//! - `encryption`: `store::AesGcmCipher`, AES-256-GCM sealing of sensitive fields at rest.

// No `unsafe` except the one audited cache hint in `util::prefetch` (a measured 45 % off the
// pair-comparison loop, 40 % off interning); `deny`, not `forbid`, so that it alone can opt in.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(rust_2018_idioms, unreachable_pub)]

pub mod adapters;
pub mod block;
mod cluster;
pub mod compare;
mod error;
pub mod evaluate;
pub mod govern;
pub mod model;
pub mod normalize;
pub mod profile;
pub mod realtime;
pub(crate) mod resolve;
pub mod score;
pub mod store;
mod util;
pub mod view;

pub use block::{BlockingReport, BlockingRule, DroppedKey, LinkMode};
pub use cluster::Refusal;
pub use error::{ConfigError, Error, ModelError, ModelFileError, ResolveError, Result, ScoreError};
pub use resolve::{
    ClusterExplanation, ComparisonStep, CustomerId, LinkExplanation, MatchModel, PairExplanation,
    Population, Resolution, Resolver, ResolverBuilder, Stage, StageObserver, MODEL_FORMAT,
};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use model::{
    AddressKind, Channel, ContactUse, Csat, Direction, Email, Facts, Feedback, FieldPath, Holding,
    HoldingStatus, Identifier, IdentifierKind, Identity, Interaction, Money, Mood, Note, Nps,
    NpsCategory, Order, OrderLine, OrderStatus, Outcome, PersonName, Phone, PhoneKind,
    PostalAddress, RecordKey, RecordRef, Sentiment, SentimentLabel, SoftData, SourceRecord,
    SourceSystem, Transaction, TransactionKind,
};
pub use view::{Customer360, RelationshipIndex, ViewContext};
