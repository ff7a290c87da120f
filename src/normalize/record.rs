//! Whole-record normalisation: a [`SourceRecord`] in, a [`NormalizedRecord`] out.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::name::NameMemo;
use super::{
    AddressNormalizer, AddressParser, BirthDateNormalizer, DateOrder, EmailAddress,
    EmailNormalizer, Gender, GenderNormalizer, IdentifierNormalizer, NameNormalizer, NicknameTable,
    Normalized, NormalizedAddress, NormalizedDate, NormalizedIdentifier, NormalizedName,
    Normalizer, PhoneNormalizer, PhoneNumber, Region, ValueFlags,
};
use crate::model::{
    ContactUse, FieldPath, Identity, PhoneKind, RecordRef, SourceRecord, SourceSystem,
};

/// An e-mail address after normalisation, with what the source said it is used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedEmail {
    /// What the address is used for (a shared family address is weak evidence of a person).
    pub usage: ContactUse,
    /// The address.
    pub address: Normalized<EmailAddress>,
}

/// A phone number after normalisation, with its kind of line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedPhone {
    /// The kind of line (a landline is often shared by a household).
    pub kind: PhoneKind,
    /// The number.
    pub number: Normalized<PhoneNumber>,
}

/// The comparable form of a [`SourceRecord`]'s identity: every value normalised, each kept
/// beside its original text with its flags.
///
/// Facts, interactions and notes are not normalised for matching; they stay in the
/// `SourceRecord`, which this record refers to by [`reference`](Self::reference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedRecord {
    /// The source record this was normalised from.
    pub reference: RecordRef,
    /// When the source observed the record.
    pub observed_at: Option<DateTime<Utc>>,
    /// Names.
    pub names: Vec<Normalized<NormalizedName>>,
    /// E-mail addresses.
    pub emails: Vec<NormalizedEmail>,
    /// Phone numbers.
    pub phones: Vec<NormalizedPhone>,
    /// Postal addresses.
    pub addresses: Vec<Normalized<NormalizedAddress>>,
    /// Birth date.
    pub birth_date: Option<Normalized<NormalizedDate>>,
    /// Gender.
    pub gender: Option<Normalized<Gender>>,
    /// Typed identifiers.
    pub identifiers: Vec<Normalized<NormalizedIdentifier>>,
}

/// A value that a normaliser flagged, for reports to data stewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlaggedValue<'a> {
    /// Which field it is.
    pub field: &'a FieldPath,
    /// The value as the source wrote it.
    pub original: &'a str,
    /// What was noticed.
    pub flags: ValueFlags,
}

impl NormalizedRecord {
    /// The union of every value's flags.
    pub fn flags(&self) -> ValueFlags {
        self.flagged()
            .fold(ValueFlags::empty(), |acc, f| acc | f.flags)
    }

    /// Every value that carries at least one flag, in field order.
    pub fn flagged(&self) -> impl Iterator<Item = FlaggedValue<'_>> {
        fn each<'a, T>(
            field: &'a FieldPath,
            values: impl IntoIterator<Item = &'a Normalized<T>>,
        ) -> impl Iterator<Item = FlaggedValue<'a>>
        where
            T: 'a,
        {
            values
                .into_iter()
                .filter(|n| !n.flags.is_empty())
                .map(move |n| FlaggedValue {
                    field,
                    original: &n.original,
                    flags: n.flags,
                })
        }
        each(&FieldPath::NAME, &self.names)
            .chain(each(
                &FieldPath::EMAIL,
                self.emails.iter().map(|e| &e.address),
            ))
            .chain(each(
                &FieldPath::PHONE,
                self.phones.iter().map(|p| &p.number),
            ))
            .chain(each(&FieldPath::ADDRESS, &self.addresses))
            .chain(each(&FieldPath::BIRTH_DATE, &self.birth_date))
            .chain(each(&FieldPath::GENDER, &self.gender))
            .chain(each(&FieldPath::IDENTIFIER, &self.identifiers))
    }

    /// Whether the record holds at least one value usable as matching evidence.
    pub fn has_matchable_identity(&self) -> bool {
        self.names.iter().any(Normalized::is_matchable)
            || self.emails.iter().any(|e| e.address.is_matchable())
            || self.phones.iter().any(|p| p.number.is_matchable())
            || self.addresses.iter().any(Normalized::is_matchable)
            || self
                .birth_date
                .as_ref()
                .is_some_and(Normalized::is_matchable)
            || self.identifiers.iter().any(Normalized::is_matchable)
    }
}

/// What a [`RecordNormalizer`] keeps of values it has seen, for batch work in which values
/// repeat: one per worker, serving one normaliser (see [`crate::util::memo`]).
#[derive(Debug, Clone)]
pub(crate) struct NormalizeMemo {
    names: NameMemo,
}

impl NormalizeMemo {
    /// A memo keeping at most `capacity` texts of each kind.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        NormalizeMemo {
            names: NameMemo::with_capacity(capacity),
        }
    }
}

/// Normalises whole records, with per-source settings: the phone region to assume, the order
/// in which a source writes day and month.
///
/// ```
/// use customer360::normalize::{DateOrder, RecordNormalizer, Region};
/// use customer360::{PersonName, SourceRecord};
///
/// let normalizer = RecordNormalizer::builder()
///     .default_region("GB".parse::<Region>()?)
///     .source_region("us_shop", "US".parse()?)
///     .source_date_order("us_shop", DateOrder::MonthFirst)
///     .build();
///
/// let record = SourceRecord::new("us_shop", "42")
///     .name(PersonName::full("Dr. Robert Smith Jr."))
///     .phone("(555) 123-4567")
///     .birth_date("04/12/1985");
/// let normalized = normalizer.normalize(&record);
///
/// let phone = normalized.phones[0].number.value.as_ref().unwrap();
/// assert_eq!(phone.e164(), "+15551234567");
/// let birth = normalized.birth_date.as_ref().unwrap().value.unwrap();
/// assert_eq!(birth.date.to_string(), "1985-04-12");
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RecordNormalizer {
    names: NameNormalizer,
    emails: EmailNormalizer,
    phones: PhoneNormalizer,
    default_region: Option<Region>,
    source_regions: BTreeMap<SourceSystem, Region>,
    dates: BirthDateNormalizer,
    source_dates: BTreeMap<SourceSystem, BirthDateNormalizer>,
    addresses: AddressNormalizer,
    identifiers: IdentifierNormalizer,
}

impl Default for RecordNormalizer {
    fn default() -> Self {
        RecordNormalizer::builder().build()
    }
}

/// Builds a [`RecordNormalizer`].
#[derive(Debug, Clone, Default)]
pub struct RecordNormalizerBuilder {
    default_region: Option<Region>,
    source_regions: BTreeMap<SourceSystem, Region>,
    date_order: DateOrder,
    source_date_orders: BTreeMap<SourceSystem, DateOrder>,
    today: Option<NaiveDate>,
    nicknames: Option<NicknameTable>,
    addresses: Option<AddressNormalizer>,
    emails: Option<EmailNormalizer>,
}

impl RecordNormalizerBuilder {
    /// The region to assume for phone numbers written without a country code, when neither
    /// the value nor its source says otherwise.
    #[must_use]
    pub fn default_region(mut self, region: Region) -> Self {
        self.default_region = Some(region);
        self
    }

    /// The phone region to assume for one source system.
    #[must_use]
    pub fn source_region(mut self, source: impl Into<SourceSystem>, region: Region) -> Self {
        self.source_regions.insert(source.into(), region);
        self
    }

    /// How sources write `NN/NN/YYYY` dates, unless [`source_date_order`] says otherwise.
    /// The default, [`DateOrder::Unknown`], flags dates that read both ways as ambiguous.
    ///
    /// [`source_date_order`]: Self::source_date_order
    #[must_use]
    pub fn date_order(mut self, order: DateOrder) -> Self {
        self.date_order = order;
        self
    }

    /// How one source writes `NN/NN/YYYY` dates.
    #[must_use]
    pub fn source_date_order(mut self, source: impl Into<SourceSystem>, order: DateOrder) -> Self {
        self.source_date_orders.insert(source.into(), order);
        self
    }

    /// "Today", for flagging birth dates in the future. The crate never reads the clock; without
    /// this, no date is judged to be in the future.
    #[must_use]
    pub fn today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// The nickname table for canonical given names.
    #[must_use]
    pub fn nicknames(mut self, table: NicknameTable) -> Self {
        self.nicknames = Some(table);
        self
    }

    /// A host's address parser in place of the built-in one.
    #[must_use]
    pub fn address_parser(mut self, parser: impl AddressParser + 'static) -> Self {
        self.addresses = Some(AddressNormalizer::with_parser(parser));
        self
    }

    /// A configured e-mail normaliser in place of the default one.
    #[must_use]
    pub fn email_normalizer(mut self, emails: EmailNormalizer) -> Self {
        self.emails = Some(emails);
        self
    }

    /// Finish.
    pub fn build(self) -> RecordNormalizer {
        let date_normalizer = |order| {
            let n = BirthDateNormalizer::with_order(order);
            match self.today {
                Some(today) => n.with_today(today),
                None => n,
            }
        };
        let source_dates = self
            .source_date_orders
            .iter()
            .map(|(source, &order)| (source.clone(), date_normalizer(order)))
            .collect();
        RecordNormalizer {
            names: self
                .nicknames
                .clone()
                .map(NameNormalizer::with_nicknames)
                .unwrap_or_default(),
            emails: self.emails.clone().unwrap_or_default(),
            phones: self
                .default_region
                .map(PhoneNormalizer::with_default_region)
                .unwrap_or_default(),
            default_region: self.default_region,
            source_regions: self.source_regions.clone(),
            dates: date_normalizer(self.date_order),
            source_dates,
            addresses: self.addresses.clone().unwrap_or_default(),
            identifiers: IdentifierNormalizer::default(),
        }
    }
}

impl RecordNormalizer {
    /// Start configuring a normaliser.
    pub fn builder() -> RecordNormalizerBuilder {
        RecordNormalizerBuilder::default()
    }

    /// Normalise every identity value of `record`. Never fails: unusable values are kept with
    /// their flags.
    ///
    /// The phone region for a number written without a country code is, in order: the
    /// number's own `region`, the country of the record's first address that names one, the
    /// source's region, the default region.
    pub fn normalize(&self, record: &SourceRecord) -> NormalizedRecord {
        self.normalize_with(record, None)
    }

    /// [`normalize`](Self::normalize), taking the work on values it has seen before from
    /// `memo`, which must serve only this normaliser. The result is the same with or without.
    pub(crate) fn normalize_with(
        &self,
        record: &SourceRecord,
        memo: Option<&mut NormalizeMemo>,
    ) -> NormalizedRecord {
        self.normalize_identity(
            record.reference(),
            record.observed_at,
            &record.identity,
            memo,
        )
    }

    /// [`normalize_with`](Self::normalize_with) a record that is not needed afterwards: its
    /// source and key move into the result instead of being copied.
    pub(crate) fn normalize_owned(
        &self,
        record: SourceRecord,
        memo: Option<&mut NormalizeMemo>,
    ) -> NormalizedRecord {
        let SourceRecord {
            source,
            key,
            observed_at,
            identity,
            ..
        } = record;
        self.normalize_identity(RecordRef { source, key }, observed_at, &identity, memo)
    }

    /// The normalised record of `identity`, known by `reference`.
    fn normalize_identity(
        &self,
        reference: RecordRef,
        observed_at: Option<DateTime<Utc>>,
        identity: &Identity,
        memo: Option<&mut NormalizeMemo>,
    ) -> NormalizedRecord {
        let mut names = memo.map(|m| &mut m.names);
        let addresses: Vec<Normalized<NormalizedAddress>> = identity
            .addresses
            .iter()
            .filter(|a| !a.is_empty())
            .map(|a| self.addresses.normalize_address(a))
            .collect();
        // A phone written without a country code most likely belongs to the country the
        // record's own address is in; failing that, to the source's or the default region.
        let address_region = addresses
            .iter()
            .filter_map(|a| a.value.as_ref()?.country.as_deref())
            .find_map(|c| c.parse::<Region>().ok());
        let record_region = address_region
            .or_else(|| self.source_regions.get(&reference.source).copied())
            .or(self.default_region);
        let dates = self
            .source_dates
            .get(&reference.source)
            .unwrap_or(&self.dates);
        NormalizedRecord {
            reference,
            observed_at,
            names: identity
                .names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| self.names.normalize_name_with(n, names.as_deref_mut()))
                .collect(),
            emails: identity
                .emails
                .iter()
                .map(|e| NormalizedEmail {
                    usage: e.usage,
                    address: self.emails.normalize(&e.address),
                })
                .collect(),
            phones: identity
                .phones
                .iter()
                .map(|p| {
                    let region = p
                        .region
                        .as_deref()
                        .and_then(|r| r.parse::<Region>().ok())
                        .or(record_region);
                    NormalizedPhone {
                        kind: p.kind,
                        number: self.phones.normalize_in(&p.number, region),
                    }
                })
                .collect(),
            addresses,
            birth_date: identity.birth_date.as_deref().map(|d| dates.normalize(d)),
            gender: identity
                .gender
                .as_deref()
                .map(|g| GenderNormalizer.normalize(g)),
            identifiers: identity
                .identifiers
                .iter()
                .map(|id| self.identifiers.normalize_identifier(id))
                .collect(),
        }
    }
}
