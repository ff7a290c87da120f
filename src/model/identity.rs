//! Identity data: who the customer is, as a source system wrote it down.
//!
//! Values are kept exactly as the source gave them (strings); the
//! [`normalize`](crate::normalize) module turns them into comparable forms. A record may carry
//! several values of a kind: two e-mails, a mobile and a landline, a home and a work address.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Everything a record says about who the customer is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Identity {
    /// Person names (a record may hold a legal name and a preferred name, or a transliteration).
    pub names: Vec<PersonName>,
    /// E-mail addresses.
    pub emails: Vec<Email>,
    /// Phone numbers.
    pub phones: Vec<Phone>,
    /// Postal addresses.
    pub addresses: Vec<PostalAddress>,
    /// Birth date as written (`1985-04-12`, `12/04/1985`, `۱۳۶۴/۰۱/۲۳`, `1985`).
    pub birth_date: Option<String>,
    /// Gender as written (`F`, `female`, `زن`).
    pub gender: Option<String>,
    /// Typed identifiers: national ID, passport, customer, account and loyalty numbers, device IDs.
    pub identifiers: Vec<Identifier>,
}

impl Identity {
    /// Whether the record says nothing about identity.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.addresses.is_empty()
            && self.birth_date.is_none()
            && self.gender.is_none()
            && self.identifiers.is_empty()
    }
}

/// A person's name in whichever form the source holds it: in parts, as one full-name string, or
/// both. Parsing a full name into parts is the name normaliser's job.
///
/// ```
/// use customer360::PersonName;
/// let parts = PersonName::from_parts("John", "Smith");
/// assert_eq!(parts.given.as_deref(), Some("John"));
/// let full = PersonName::full("Dr. John A. Smith Jr.");
/// assert!(full.given.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonName {
    /// The whole name in one string, when the source does not split it.
    pub full: Option<String>,
    /// Title or honorific (`Dr`, `Mrs`, `آقای`).
    pub prefix: Option<String>,
    /// Given (first) name.
    pub given: Option<String>,
    /// Middle name(s) or initial(s).
    pub middle: Option<String>,
    /// Family name (surname).
    pub family: Option<String>,
    /// Generational or professional suffix (`Jr`, `Sr`, `III`, `PhD`).
    pub suffix: Option<String>,
}

impl PersonName {
    /// A name given as one full-name string.
    pub fn full(full: impl Into<String>) -> Self {
        PersonName {
            full: Some(full.into()),
            ..Self::default()
        }
    }

    /// A name given as given and family parts.
    pub fn from_parts(given: impl Into<String>, family: impl Into<String>) -> Self {
        PersonName {
            given: Some(given.into()),
            family: Some(family.into()),
            ..Self::default()
        }
    }

    /// Whether no part of the name is present.
    pub fn is_empty(&self) -> bool {
        [
            &self.full,
            &self.prefix,
            &self.given,
            &self.middle,
            &self.family,
            &self.suffix,
        ]
        .iter()
        .all(|p| p.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// What a contact point is used for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContactUse {
    /// Not stated.
    #[default]
    Unspecified,
    /// Personal or home.
    Personal,
    /// Work.
    Work,
    /// Shared by a household or family.
    Shared,
}

/// An e-mail address as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Email {
    /// The address as written.
    pub address: String,
    /// What it is used for.
    #[serde(rename = "use")]
    pub usage: ContactUse,
}

impl Email {
    /// An e-mail address of unspecified use.
    pub fn new(address: impl Into<String>) -> Self {
        Email {
            address: address.into(),
            usage: ContactUse::Unspecified,
        }
    }
}

/// The kind of line a phone number reaches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhoneKind {
    /// Not stated.
    #[default]
    Unspecified,
    /// A mobile phone: usually one person's.
    Mobile,
    /// A fixed line: often shared by a household.
    Landline,
    /// A work number.
    Work,
    /// A fax line.
    Fax,
}

/// A phone number as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Phone {
    /// The number as written (`(555) 123-4567`, `+98 912 345 6789`, `۰۹۱۲۳۴۵۶۷۸۹`).
    pub number: String,
    /// The kind of line.
    pub kind: PhoneKind,
    /// ISO 3166-1 alpha-2 region to assume when the number has no country code; falls back to
    /// the source's or the normaliser's default.
    pub region: Option<String>,
}

impl Phone {
    /// A phone number of unspecified kind.
    pub fn new(number: impl Into<String>) -> Self {
        Phone {
            number: number.into(),
            ..Self::default()
        }
    }
}

/// What an address is used for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AddressKind {
    /// Not stated.
    #[default]
    Unspecified,
    /// Home or residential.
    Home,
    /// Work or business.
    Work,
    /// Billing.
    Billing,
    /// Delivery or shipping.
    Shipping,
}

/// A postal address as written.
///
/// `lines` holds the street part (house number, street, unit, building) in one or more lines;
/// the other parts are separate when the source separates them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostalAddress {
    /// Street lines: house number, street, unit, building or estate name.
    pub lines: Vec<String>,
    /// City, town or suburb.
    pub locality: Option<String>,
    /// State, province or county.
    pub region: Option<String>,
    /// Postal code.
    pub postcode: Option<String>,
    /// Country (name or ISO code).
    pub country: Option<String>,
    /// What the address is used for.
    pub kind: AddressKind,
}

impl PostalAddress {
    /// Whether no part of the address is present.
    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
            && [&self.locality, &self.region, &self.postcode, &self.country]
                .iter()
                .all(|p| p.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// The kind of a typed identifier.
///
/// Serialised as a snake-case string (`"national_id"`); any other string is a host-defined kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum IdentifierKind {
    /// A national identity number (social security number, national code, personal number).
    NationalId,
    /// A passport number.
    Passport,
    /// A tax identification number.
    TaxId,
    /// A driving licence number.
    DriverLicence,
    /// A customer number in some system.
    Customer,
    /// An account number.
    Account,
    /// A loyalty-programme number.
    Loyalty,
    /// A device identifier.
    Device,
    /// A web cookie or anonymous visitor ID.
    Cookie,
    /// A host-defined kind.
    Other(String),
}

impl IdentifierKind {
    /// The snake-case name used in field paths and serialisation.
    pub fn as_str(&self) -> &str {
        match self {
            IdentifierKind::NationalId => "national_id",
            IdentifierKind::Passport => "passport",
            IdentifierKind::TaxId => "tax_id",
            IdentifierKind::DriverLicence => "driver_licence",
            IdentifierKind::Customer => "customer",
            IdentifierKind::Account => "account",
            IdentifierKind::Loyalty => "loyalty",
            IdentifierKind::Device => "device",
            IdentifierKind::Cookie => "cookie",
            IdentifierKind::Other(name) => name,
        }
    }

    /// Whether a person holds at most one valid value of this kind (per issuer), so that two
    /// different valid values are strong evidence of two different people.
    pub fn is_exclusive(&self) -> bool {
        matches!(
            self,
            IdentifierKind::NationalId | IdentifierKind::Passport | IdentifierKind::TaxId
        )
    }
}

impl From<String> for IdentifierKind {
    fn from(s: String) -> Self {
        match s.as_str() {
            "national_id" => IdentifierKind::NationalId,
            "passport" => IdentifierKind::Passport,
            "tax_id" => IdentifierKind::TaxId,
            "driver_licence" => IdentifierKind::DriverLicence,
            "customer" => IdentifierKind::Customer,
            "account" => IdentifierKind::Account,
            "loyalty" => IdentifierKind::Loyalty,
            "device" => IdentifierKind::Device,
            "cookie" => IdentifierKind::Cookie,
            _ => IdentifierKind::Other(s),
        }
    }
}

impl From<IdentifierKind> for String {
    fn from(k: IdentifierKind) -> Self {
        match k {
            IdentifierKind::Other(s) => s,
            other => other.as_str().to_owned(),
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed identifier as written.
///
/// ```
/// use customer360::{Identifier, IdentifierKind};
/// let id = Identifier::new(IdentifierKind::NationalId, "001-234567-8").with_issuer("IR");
/// assert_eq!(id.issuer.as_deref(), Some("IR"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// What kind of identifier it is.
    pub kind: IdentifierKind,
    /// The value as written.
    pub value: String,
    /// Who issued it: an ISO country code for national IDs and passports (`IR`, `AU`), a system
    /// name for customer numbers. Selects the checksum scheme where there is one.
    #[serde(default)]
    pub issuer: Option<String>,
}

impl Identifier {
    /// An identifier with no stated issuer.
    pub fn new(kind: IdentifierKind, value: impl Into<String>) -> Self {
        Identifier {
            kind,
            value: value.into(),
            issuer: None,
        }
    }

    /// The same identifier with an issuer.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}
