//! Whole-record normalisation: a [`SourceRecord`] in, a [`NormalizedRecord`] out.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::name::NameMemo;
use super::{
    AddressNormalizer, AddressParser, BirthDateNormalizer, DateOrder, EmailAddress,
    EmailNormalizer, Gender, GenderNormalizer, IdentifierNormalizer, NameNormalizer, NicknameTable,
    Normalized, NormalizedAddress, NormalizedDate, NormalizedIdentifier, NormalizedName,
    PhoneNormalizer, PhoneNumber, RawText, Region, ValueFlags,
};
use crate::model::{
    ContactUse, FieldPath, Identity, Phone, PhoneKind, RecordRef, SourceRecord, SourceSystem,
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

    /// [`normalize`](Self::normalize) a record that is not needed afterwards: its source,
    /// key, e-mail addresses, phone numbers, birth date and gender move into the result
    /// instead of being copied. The result is the same; batch resolution normalises the
    /// records it reads this way.
    ///
    /// ```
    /// use customer360::normalize::RecordNormalizer;
    /// use customer360::SourceRecord;
    ///
    /// let record = SourceRecord::new("crm", "7").email(" Jo.Doe@Example.org ");
    /// let normalizer = RecordNormalizer::default();
    /// let borrowed = normalizer.normalize(&record);
    /// let owned = normalizer.normalize_owned(record);
    /// assert_eq!(owned, borrowed);
    /// assert_eq!(owned.emails[0].address.original, " Jo.Doe@Example.org ");
    /// ```
    pub fn normalize_owned(&self, record: SourceRecord) -> NormalizedRecord {
        self.normalize_owned_with(record, None)
    }

    /// [`normalize_owned`](Self::normalize_owned), taking the work on values it has seen
    /// before from `memo`, which must serve only this normaliser.
    pub(crate) fn normalize_owned_with(
        &self,
        record: SourceRecord,
        memo: Option<&mut NormalizeMemo>,
    ) -> NormalizedRecord {
        let SourceRecord {
            source,
            key,
            observed_at,
            mut identity,
            ..
        } = record;
        let emails = std::mem::take(&mut identity.emails);
        let phones = std::mem::take(&mut identity.phones);
        let birth_date = identity.birth_date.take();
        let gender = identity.gender.take();
        let mut normalized =
            self.normalize_identity(RecordRef { source, key }, observed_at, &identity, memo);
        let region = self.phone_region(&phones, &normalized.reference, &normalized.addresses);
        normalized.emails = emails
            .into_iter()
            .map(|e| self.email(e.usage, e.address))
            .collect();
        normalized.phones = phones
            .into_iter()
            .map(|p| self.phone(p.kind, p.region.as_deref(), p.number, region))
            .collect();
        normalized.birth_date = birth_date.map(|d| self.birth_date(&normalized.reference, d));
        normalized.gender = gender.map(|g| GenderNormalizer.normalize_text(g));
        normalized
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
        let region = self.phone_region(&identity.phones, &reference, &addresses);
        NormalizedRecord {
            names: identity
                .names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| self.names.normalize_name_with(n, names.as_deref_mut()))
                .collect(),
            emails: identity
                .emails
                .iter()
                .map(|e| self.email(e.usage, e.address.as_str()))
                .collect(),
            phones: identity
                .phones
                .iter()
                .map(|p| self.phone(p.kind, p.region.as_deref(), p.number.as_str(), region))
                .collect(),
            addresses,
            birth_date: identity
                .birth_date
                .as_deref()
                .map(|d| self.birth_date(&reference, d)),
            gender: identity
                .gender
                .as_deref()
                .map(|g| GenderNormalizer.normalize_text(g)),
            identifiers: identity
                .identifiers
                .iter()
                .map(|id| self.identifiers.normalize_identifier(id))
                .collect(),
            reference,
            observed_at,
        }
    }

    /// The region for the record's `phones` written without a country code and without
    /// their own region (`None` when there are no phones, so that nothing is worked out for
    /// them): a number most likely belongs to the country the record's own address is in;
    /// failing that, to the source's region or the default region.
    fn phone_region(
        &self,
        phones: &[Phone],
        reference: &RecordRef,
        addresses: &[Normalized<NormalizedAddress>],
    ) -> Option<Region> {
        if phones.is_empty() {
            return None;
        }
        addresses
            .iter()
            .filter_map(|a| a.value.as_ref()?.country.as_deref())
            .find_map(|c| c.parse::<Region>().ok())
            .or_else(|| self.source_regions.get(&reference.source).copied())
            .or(self.default_region)
    }

    fn email(&self, usage: ContactUse, address: impl RawText) -> NormalizedEmail {
        NormalizedEmail {
            usage,
            address: self.emails.normalize_text(address),
        }
    }

    /// `number`, read in its own `region` when it names one, else in `record_region`.
    fn phone(
        &self,
        kind: PhoneKind,
        region: Option<&str>,
        number: impl RawText,
        record_region: Option<Region>,
    ) -> NormalizedPhone {
        let region = region
            .and_then(|r| r.parse::<Region>().ok())
            .or(record_region);
        NormalizedPhone {
            kind,
            number: self.phones.normalize_text_in(number, region),
        }
    }

    /// A birth date, read in the order `reference`'s source writes dates.
    fn birth_date(&self, reference: &RecordRef, date: impl RawText) -> Normalized<NormalizedDate> {
        self.source_dates
            .get(&reference.source)
            .unwrap_or(&self.dates)
            .normalize_text(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Phone, PostalAddress};
    use crate::PersonName;
    use proptest::prelude::*;

    fn normalizer() -> RecordNormalizer {
        RecordNormalizer::builder()
            .default_region("GB".parse().expect("a region"))
            .source_region("us_shop", "US".parse().expect("a region"))
            .source_date_order("us_shop", DateOrder::MonthFirst)
            .build()
    }

    fn record(
        source: &str,
        emails: Vec<(&str, ContactUse)>,
        phones: Vec<(&str, Option<&str>, PhoneKind)>,
        country: Option<&str>,
        birth: Option<&str>,
        gender: Option<&str>,
    ) -> SourceRecord {
        let mut record = SourceRecord::new(source, "1").name(PersonName::from_parts("Jo", "Doe"));
        for (address, usage) in emails {
            record.identity.emails.push(Email {
                usage,
                ..Email::new(address)
            });
        }
        for (number, region, kind) in phones {
            record.identity.phones.push(Phone {
                kind,
                region: region.map(str::to_owned),
                ..Phone::new(number)
            });
        }
        if let Some(country) = country {
            record = record.address(PostalAddress {
                lines: vec!["1 High St".to_owned()],
                country: Some(country.to_owned()),
                ..PostalAddress::default()
            });
        }
        if let Some(birth) = birth {
            record = record.birth_date(birth);
        }
        if let Some(gender) = gender {
            record = record.gender(gender);
        }
        record
    }

    #[test]
    fn an_owned_record_moves_its_values_into_the_same_result() {
        let record = record(
            "us_shop",
            vec![(" Jo.Doe@Example.org ", ContactUse::Personal)],
            vec![("(555) 123-4567", None, PhoneKind::Mobile)],
            None,
            Some("04/12/1985"),
            Some("F"),
        );
        let owned = normalizer().normalize_owned(record.clone());
        assert_eq!(owned, normalizer().normalize(&record));
        assert_eq!(owned.emails[0].address.original, " Jo.Doe@Example.org ");
        let phone = owned.phones[0].number.value.as_ref().expect("a number");
        assert_eq!(phone.e164(), "+15551234567", "the source's region");
        let birth = owned
            .birth_date
            .as_ref()
            .and_then(|d| d.value)
            .expect("a date");
        assert_eq!(
            birth.date.to_string(),
            "1985-04-12",
            "the source's date order"
        );
    }

    proptest! {
        /// Moving a record's values instead of copying them changes nothing in the result,
        /// whatever the values and whichever source, region and date order apply.
        #[test]
        fn owned_and_borrowed_normalisation_agree(
            source in prop::sample::select(vec!["crm", "us_shop"]),
            emails in prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "jo@example.org", "", "test@test.com", "no at sign", "info@shop.example",
                    ]),
                    prop::sample::select(vec![ContactUse::Personal, ContactUse::Shared]),
                ),
                0..3,
            ),
            phones in prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "(555) 123-4567", "+44 20 7946 0958", "0000000000", "020 7946 0958", "",
                    ]),
                    prop::option::of(prop::sample::select(vec!["US", "GB", "IR", "XX"])),
                    prop::sample::select(vec![PhoneKind::Mobile, PhoneKind::Landline]),
                ),
                0..3,
            ),
            country in prop::option::of(prop::sample::select(vec!["US", "GB", "Iran", "nowhere"])),
            birth in prop::option::of(prop::sample::select(vec![
                "04/12/1985", "1985-04-12", "00/00/0000", "n/a", "",
            ])),
            gender in prop::option::of(prop::sample::select(vec!["F", "male", "?", "zz"])),
            text in ".{0,12}",
        ) {
            let mut record = record(source, emails, phones, country, birth, gender);
            // And one free text in every field, to reach the error paths.
            record.identity.emails.push(Email::new(text.clone()));
            record.identity.phones.push(Phone::new(text.clone()));
            let normalizer = normalizer();
            let borrowed = normalizer.normalize(&record);
            let mut memo = NormalizeMemo::with_capacity(8);
            prop_assert_eq!(&normalizer.normalize_owned(record.clone()), &borrowed);
            prop_assert_eq!(&normalizer.normalize_owned_with(record, Some(&mut memo)), &borrowed);
        }
    }
}
