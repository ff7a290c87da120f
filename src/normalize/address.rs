//! Postal addresses. (Stub: being implemented.)
use super::{Normalized, Normalizer, ValueFlags};
use crate::model::PostalAddress;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A postal address split into normalised parts, with tokens for set comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedAddress {
    /// Unit, flat or apartment (`5`, `12b`).
    pub unit: Option<String>,
    /// House number (`12`, `12a`).
    pub house_number: Option<String>,
    /// Street name with its type in canonical short form (`main st`).
    pub street: Option<String>,
    /// Other street-line text: building, estate, area.
    pub extra: Option<String>,
    /// Locality, folded.
    pub locality: Option<String>,
    /// Region, folded.
    pub region: Option<String>,
    /// Postcode, upper-case without spaces.
    pub postcode: Option<String>,
    /// Country, ISO alpha-2 when recognised, else folded.
    pub country: Option<String>,
    /// Sorted, deduplicated tokens of the street lines and locality, for set comparison.
    pub tokens: Vec<String>,
}

impl fmt::Display for NormalizedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = |o: &Option<String>| o.clone().unwrap_or_default();
        write!(
            f,
            "{}|{}|{}|{}|{}|{}|{}|{}",
            p(&self.unit),
            p(&self.house_number),
            p(&self.street),
            p(&self.extra),
            p(&self.locality),
            p(&self.region),
            p(&self.postcode),
            p(&self.country)
        )
    }
}

/// Parses a postal address into normalised parts. Hosts implement it to bring a better parser.
pub trait AddressParser: Send + Sync {
    /// Parse `address`; flags go into `flags`.
    fn parse(&self, address: &PostalAddress, flags: &mut ValueFlags) -> Option<NormalizedAddress>;
}

/// The built-in rule-based parser.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimpleAddressParser;

impl AddressParser for SimpleAddressParser {
    fn parse(&self, _address: &PostalAddress, flags: &mut ValueFlags) -> Option<NormalizedAddress> {
        *flags |= ValueFlags::EMPTY;
        None
    }
}

/// Normalises postal addresses through an [`AddressParser`].
#[derive(Clone)]
pub struct AddressNormalizer {
    parser: Arc<dyn AddressParser>,
}

impl fmt::Debug for AddressNormalizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AddressNormalizer")
    }
}

impl Default for AddressNormalizer {
    fn default() -> Self {
        AddressNormalizer {
            parser: Arc::new(SimpleAddressParser),
        }
    }
}

impl AddressNormalizer {
    /// A normaliser using a host's parser.
    pub fn with_parser(parser: impl AddressParser + 'static) -> Self {
        AddressNormalizer {
            parser: Arc::new(parser),
        }
    }
    /// Normalise a structured address.
    pub fn normalize_address(&self, address: &PostalAddress) -> Normalized<NormalizedAddress> {
        let mut flags = ValueFlags::empty();
        let original = address.lines.join(", ");
        match self.parser.parse(address, &mut flags) {
            Some(a) => Normalized::new(original, a, flags),
            None => Normalized::unusable(original, flags),
        }
    }
}

impl Normalizer for AddressNormalizer {
    type Output = NormalizedAddress;
    /// A one-line address: street parts, then locality, region, postcode, separated by commas.
    fn normalize(&self, raw: &str) -> Normalized<NormalizedAddress> {
        let address = PostalAddress {
            lines: vec![raw.to_owned()],
            ..PostalAddress::default()
        };
        let mut n = self.normalize_address(&address);
        n.original = raw.to_owned();
        n
    }
}
