//! Postal addresses: street lines split into unit, house number, street and extra parts, with
//! street types, postcodes, regions and countries in one canonical form.
//!
//! The built-in [`SimpleAddressParser`] is rule-based and deliberately modest: it does what a
//! matcher needs (the same address written two ways gives the same parts and tokens) and no
//! more. Hosts with a national address file or a geocoder plug their own [`AddressParser`]
//! into [`AddressNormalizer::with_parser`].

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use unicode_normalization::char::is_combining_mark;

use super::script::{ascii_digit, has_arabic_script, is_mixed_script};
use super::text::fold_into;
use super::{bounded, fold, is_placeholder_text, Normalized, Normalizer, ValueFlags};
use super::{CollapseWhitespace, TextFilter};
use crate::model::PostalAddress;

/// A postal address split into normalised parts; [`tokens`](Self::tokens) gives its words for
/// set comparison.
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

impl NormalizedAddress {
    /// The sorted, deduplicated words of the unit, house number, street, extra text and
    /// locality, for token-set comparison (`5 12 fitzroy smith st` as a set).
    ///
    /// Worked out when asked for, from the parts: matching does not use them (comparison
    /// features take the street's words themselves), and keeping them cost batch
    /// normalisation about eight allocations an address.
    ///
    /// ```
    /// use customer360::normalize::{AddressNormalizer, Normalizer};
    ///
    /// let a = AddressNormalizer::default()
    ///     .normalize("Flat 2, Rose Court, 12 High Street, Oxford")
    ///     .value
    ///     .unwrap();
    /// assert_eq!(a.extra.as_deref(), Some("rose ct"));
    /// assert_eq!(a.tokens(), ["12", "2", "ct", "high", "oxford", "rose", "st"]);
    /// ```
    pub fn tokens(&self) -> Vec<&str> {
        let parts = [&self.unit, &self.house_number, &self.street, &self.locality];
        let extra = self.extra.iter().flat_map(|e| e.split(", "));
        let mut tokens: Vec<&str> = parts
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(extra)
            .flat_map(|p| p.split(' '))
            .filter(|t| !t.is_empty())
            .collect();
        tokens.sort_unstable();
        tokens.dedup();
        tokens
    }

    /// Whether no part is present.
    pub fn is_empty(&self) -> bool {
        [
            &self.unit,
            &self.house_number,
            &self.street,
            &self.extra,
            &self.locality,
            &self.region,
            &self.postcode,
            &self.country,
        ]
        .iter()
        .all(|p| p.is_none())
    }

    /// The street line: `unit <unit>`, the house number and the street, space-separated
    /// (`unit 5 12 main st`); empty when none of them is known.
    pub fn street_line(&self) -> String {
        let mut line = String::new();
        let mut push = |s: &str| {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(s);
        };
        if let Some(unit) = &self.unit {
            push("unit");
            push(unit);
        }
        if let Some(house) = &self.house_number {
            push(house);
        }
        if let Some(street) = &self.street {
            push(street);
        }
        line
    }

    /// A [`PostalAddress`] rebuilt from the parts: `lines` is the
    /// [street line](Self::street_line) followed by `extra` (the street line is kept, even
    /// empty, whenever `extra` is set), and the locality, region, postcode and country fields
    /// are copied. Normalising it gives these parts back.
    ///
    /// ```
    /// use customer360::normalize::{AddressNormalizer, Normalizer};
    ///
    /// let addresses = AddressNormalizer::default();
    /// let parsed = addresses.normalize("Flat 2, 12 Main Street, Springfield, IL 62704").value.unwrap();
    /// let rebuilt = parsed.to_postal_address();
    /// assert_eq!(rebuilt.lines, ["unit 2 12 main st"]);
    /// assert_eq!(addresses.normalize_address(&rebuilt).value.unwrap(), parsed);
    /// ```
    pub fn to_postal_address(&self) -> PostalAddress {
        let line = self.street_line();
        let lines = match &self.extra {
            Some(extra) => vec![line, extra.clone()],
            None if line.is_empty() => Vec::new(),
            None => vec![line],
        };
        PostalAddress {
            lines,
            locality: self.locality.clone(),
            region: self.region.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
            ..PostalAddress::default()
        }
    }
}

/// Parses a postal address into normalised parts. Hosts implement it to bring a better parser.
///
/// A parser returns `None` (with [`ValueFlags::EMPTY`] or another flag in `flags`) when nothing
/// usable is left, and must never panic. [`AddressNormalizer`] turns an all-empty result into
/// `None` with [`ValueFlags::EMPTY`].
///
/// ```
/// use customer360::normalize::{
///     AddressNormalizer, AddressParser, NormalizedAddress, SimpleAddressParser, ValueFlags,
/// };
/// use customer360::PostalAddress;
///
/// /// A shop export that writes addresses as `street|city|postcode` in one field.
/// struct PipeSeparated;
///
/// impl AddressParser for PipeSeparated {
///     fn parse(&self, address: &PostalAddress, flags: &mut ValueFlags) -> Option<NormalizedAddress> {
///         let mut parts = address.lines.first()?.split('|');
///         let structured = PostalAddress {
///             lines: vec![parts.next()?.to_owned()],
///             locality: parts.next().map(str::to_owned),
///             postcode: parts.next().map(str::to_owned),
///             country: Some("GB".to_owned()),
///             ..PostalAddress::default()
///         };
///         // Reuse the built-in rules for the parts themselves.
///         SimpleAddressParser.parse(&structured, flags)
///     }
/// }
///
/// let addresses = AddressNormalizer::with_parser(PipeSeparated);
/// let a = PostalAddress { lines: vec!["10 Downing Street|London|sw1a 2aa".into()], ..Default::default() };
/// let n = addresses.normalize_address(&a).value.unwrap();
/// assert_eq!(n.to_string(), "|10|downing st||london||SW1A2AA|GB");
/// ```
pub trait AddressParser: Send + Sync {
    /// Parse `address`; flags go into `flags`.
    fn parse(&self, address: &PostalAddress, flags: &mut ValueFlags) -> Option<NormalizedAddress>;
}

/// The built-in rule-based parser.
///
/// # Street lines
///
/// Each street line is folded ([`fold`]) word by word, then:
/// - street types take one canonical short form (`Street`/`St`/`Str` → `st`, `Road` → `rd`,
///   `Avenue`/`Ave`/`Av` → `ave`, … over 40 types), as do directionals (`North` → `n`), `Saint`
///   → `st` (so `St Kilda Rd` and `Saint Kilda Road` agree whichever way `St` is read), `Mount`
///   → `mt` and `Fort` → `ft`;
/// - German, Dutch compounds are split: `Hauptstraße`, `Hauptstr.` and `Haupt Straße` all become
///   `haupt st` (also `-weg`, `-platz`, `-allee`, `-gasse`, `-straat`);
/// - Persian types: `خیابان`/`خ` → `st`, `کوچه`/`ک` → `aly`, `بلوار` → `blvd`, `میدان` → `sq`,
///   `بن‌بست` → `cul` (dead end), `اتوبان`/`بزرگراه` → `hwy`, `جاده` → `rd`; `صندوق پستی`, `PO Box`,
///   `P.O. Box`, `Post Office Box` → `po box`;
/// - units are taken out: `Unit 5`, `Apt 3B`, `Apartment 3B`, `Flat 2`, `Suite 100`, `Shop 4`,
///   `#12`, `5/12 Main St` (Australian unit/house), `واحد ۵`; floors (`Level 3`, `Floor 2`,
///   `طبقه ۳`) go to `extra` as `fl 3`;
/// - the house number is the first word when it looks like one (`12`, `12a`, `12-14`), or the
///   word after `No`/`Nr`/`پلاک`, or else the last word when it follows a street name
///   (`Hauptstraße 12`, `Via Roma 12`) but not a numbered-road type (`Route 66`, `Hwy 1`,
///   `کوچه ۱۲`) nor a street type that starts the line (`خیابان ۱۶` is street 16).
///
/// With several street lines (or comma-separated parts), the street line is the first line
/// with a house number, else the first line with words; lines holding only a unit give the unit;
/// every other line (a building, an estate, FEBRL's `address_2`, a floor) goes to `extra`,
/// joined with `, `.
///
/// # One-line addresses
///
/// When only `lines[0]` is set (as through [`Normalizer::normalize`]), it is split on commas
/// (also `،` and `;`) and read right to left:
/// 1. a last part that is a known country name or code becomes the country (a bare two-letter
///    code that is also a US, Canadian or Australian region code, such as `CA` or `IN`, is read
///    as the region instead);
/// 2. a postcode is taken from the last part: the whole part (`SW1A 1AA`, `62704`), its last
///    one or two words (`London SW1A 1AA`, `IL 62704`, `NSW 2000`) or its first word when it is
///    4–6 digits (`10115 Berlin`); a last word in capitals that is a region code (`Sydney NSW`,
///    `Springfield IL`) becomes the region;
/// 3. the street part runs from the first part up to the last part (before the final one) that
///    looks like a street line (a digit, a street type or a unit), or to the final part itself
///    when it starts like one (`Flat 2, 12 Main St`); of the parts after it, the last two are
///    the locality and the region (one part: the locality), and any earlier ones (a district)
///    are read as street lines, so they land in `extra`. A lone house number after the street
///    (`Via Roma, 12`) joins the street.
///
/// Persian addresses (with Arabic-script letters) are written from the largest place to the
/// smallest (`تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۵، واحد ۳`): leading parts without street
/// words are the region and locality (`استان` and `شهر` prefixes dropped), the street parts are
/// read as one line, and `کد پستی` marks the postcode (a ten-digit part is one too).
/// Without commas the whole line is the street part: the rules do not guess where a street ends
/// and a town begins.
///
/// # Other parts
///
/// - Postcodes: letters and digits only, upper-case (`sw1a 1aa` → `SW1A1AA`), Persian digits
///   as ASCII; a US ZIP+4 (`12345-6789`, or nine digits when the country is `US`) keeps its
///   five-digit ZIP, the form every source has (the +4 segment is often missing or stale). A
///   postcode with no digit, more than 12 characters or only zeros is dropped.
/// - Countries: about 35 countries' names (English and native) and ISO alpha-2/alpha-3 codes
///   become alpha-2 (`United States`, `USA` → `US`; `UK`, `England` → `GB`; `ایران` → `IR`);
///   other two-letter codes are upper-cased, other names folded.
/// - Regions: US states, Canadian provinces and Australian states become their lower-case codes
///   (`New South Wales` → `nsw`); others are folded. Localities are folded.
/// - [`tokens`](NormalizedAddress::tokens): the sorted, deduplicated words of the unit, house
///   number, street, extra and locality, for token-set similarity, worked out when asked for.
///
/// # Flags
///
/// - [`EMPTY`](ValueFlags::EMPTY): nothing usable (no value).
/// - [`PLACEHOLDER`](ValueFlags::PLACEHOLDER), value kept: the street is junk (`N/A`,
///   `unknown`, `no fixed abode`) or its name is (`123 Fake Street`, `1 Test St`). Junk
///   localities, regions and postcodes are simply dropped.
/// - [`MIXED_SCRIPT`](ValueFlags::MIXED_SCRIPT): a single word mixes scripts (a Cyrillic `а`
///   inside a Latin word).
/// - [`TRUNCATED`](ValueFlags::TRUNCATED): a part was over-long, or there were more than 16
///   lines or comma-separated parts.
///
/// # Idempotence
///
/// [`NormalizedAddress::to_postal_address`] rebuilds a [`PostalAddress`] from the parts:
/// `lines[0]` is the street line (`unit 5 12 main st`), `lines[1]` the extra text, and the
/// locality, region, postcode and country fields are set from the parts. Normalising that
/// address gives the same parts and tokens.
///
/// # Building blocks
///
/// Its building blocks are public for host parsers to reuse:
/// [`canonical_street_word`](Self::canonical_street_word),
/// [`country_code`](Self::country_code) and [`normalize_postcode`](Self::normalize_postcode).
#[derive(Debug, Clone, Copy, Default)]
pub struct SimpleAddressParser;

/// The most lines, and comma-separated parts, read from one address.
const MAX_LINES: usize = 16;

impl SimpleAddressParser {
    /// The canonical short form of a [`fold`]ed street word: a street type (`avenue` → `ave`,
    /// `خیابان` → `st`), a directional (`north` → `n`) or `saint`/`mount`/`fort`; `None` for
    /// other words.
    ///
    /// ```
    /// use customer360::normalize::SimpleAddressParser;
    /// assert_eq!(SimpleAddressParser::canonical_street_word("boulevard"), Some("blvd"));
    /// assert_eq!(SimpleAddressParser::canonical_street_word("st"), Some("st"));
    /// assert_eq!(SimpleAddressParser::canonical_street_word("main"), None);
    /// ```
    pub fn canonical_street_word(folded: &str) -> Option<&'static str> {
        street_word(folded).map(|(canonical, _)| canonical)
    }

    /// The ISO 3166-1 alpha-2 code of a country name or code (`United Kingdom`, `uk`, `GBR` →
    /// `GB`; `ایران` → `IR`), for about 35 countries; `None` when not recognised.
    ///
    /// ```
    /// use customer360::normalize::SimpleAddressParser;
    /// assert_eq!(SimpleAddressParser::country_code("United States of America"), Some("US"));
    /// assert_eq!(SimpleAddressParser::country_code("Deutschland"), Some("DE"));
    /// assert_eq!(SimpleAddressParser::country_code("ایران"), Some("IR"));
    /// assert_eq!(SimpleAddressParser::country_code("Atlantis"), None);
    /// ```
    pub fn country_code(name: &str) -> Option<&'static str> {
        country_code(&fold(name))
    }

    /// A postcode as letters and digits, upper-case, with digits of any script as ASCII; a US
    /// ZIP+4 keeps its five-digit ZIP (`12345-6789`, or nine digits when `country` is `US`).
    /// `None` when nothing postcode-like is left: no digit, more than 12 characters, or only
    /// zeros.
    ///
    /// ```
    /// use customer360::normalize::SimpleAddressParser;
    /// assert_eq!(SimpleAddressParser::normalize_postcode("sw1a 1aa", None).as_deref(), Some("SW1A1AA"));
    /// assert_eq!(SimpleAddressParser::normalize_postcode("62704-1234", None).as_deref(), Some("62704"));
    /// assert_eq!(SimpleAddressParser::normalize_postcode("۱۳۱۸۷-۱۴۳۱۱", Some("IR")).as_deref(), Some("1318714311"));
    /// assert_eq!(SimpleAddressParser::normalize_postcode("N/A", None), None);
    /// ```
    pub fn normalize_postcode(raw: &str, country: Option<&str>) -> Option<String> {
        let mut compact = String::with_capacity(raw.len().min(16));
        for c in raw.chars() {
            let d = ascii_digit(c);
            if d.is_ascii_alphanumeric() {
                if compact.len() == 12 {
                    return None;
                }
                compact.push(d.to_ascii_uppercase());
            }
        }
        let b = compact.as_bytes();
        if !b.iter().any(u8::is_ascii_digit) || b.iter().all(|&x| x == b'0') {
            return None;
        }
        if b.len() == 9
            && b.iter().all(u8::is_ascii_digit)
            && (country == Some("US") || is_zip_plus4(raw))
        {
            compact.truncate(5);
        }
        Some(compact)
    }
}

impl AddressParser for SimpleAddressParser {
    fn parse(&self, address: &PostalAddress, flags: &mut ValueFlags) -> Option<NormalizedAddress> {
        let blank = |o: &Option<String>| o.as_deref().is_none_or(|s| s.trim().is_empty());
        let one_line = address.lines.len() == 1
            && blank(&address.locality)
            && blank(&address.region)
            && blank(&address.postcode)
            && blank(&address.country);

        let mut segments: Vec<String> = Vec::new();
        for (i, line) in address.lines.iter().enumerate() {
            if segments.len() == MAX_LINES {
                let rest = &address.lines[i..];
                if rest.iter().any(|l| l.chars().any(char::is_alphanumeric)) {
                    *flags |= ValueFlags::TRUNCATED;
                }
                break;
            }
            let text = bounded_into(line, flags);
            split_segments(text, &mut segments, flags);
        }

        let mut out = NormalizedAddress::default();
        let street_lines = if one_line {
            let persian = has_arabic_script(bounded(&address.lines[0]).0);
            split_one_line(segments, persian, &mut out)
        } else {
            fn field<'a>(o: &'a Option<String>, flags: &mut ValueFlags) -> Option<Cow<'a, str>> {
                o.as_deref().map(|s| prefold(bounded_into(s, flags)))
            }
            if let Some(c) = field(&address.country, flags) {
                out.country = normalize_country(&c);
            }
            if let Some(l) = field(&address.locality, flags) {
                out.locality = normalize_locality(&l);
            }
            if let Some(r) = field(&address.region, flags) {
                out.region = normalize_region(&r);
            }
            if let Some(p) = field(&address.postcode, flags) {
                out.postcode = SimpleAddressParser::normalize_postcode(&p, out.country.as_deref());
            }
            segments
        };

        let street = parse_street_lines(&street_lines);
        out.unit = street.unit;
        out.house_number = street.house;
        out.street = (!street.words.is_empty()).then(|| street.words.join(" "));
        out.extra = (!street.pieces.is_empty()).then(|| street.pieces.join(", "));

        if street.words.iter().any(|w| is_mixed_script(w))
            || street
                .pieces
                .iter()
                .any(|p| p.split(' ').any(is_mixed_script))
        {
            *flags |= ValueFlags::MIXED_SCRIPT;
        }
        if is_placeholder_street(&street.words, out.street.as_deref().unwrap_or_default()) {
            *flags |= ValueFlags::PLACEHOLDER;
        }

        if out.is_empty() {
            *flags |= ValueFlags::EMPTY;
            return None;
        }
        Some(out)
    }
}

/// [`bounded`], raising [`ValueFlags::TRUNCATED`] when the text was cut.
fn bounded_into<'a>(text: &'a str, flags: &mut ValueFlags) -> &'a str {
    let (text, cut) = bounded(text);
    if cut {
        *flags |= ValueFlags::TRUNCATED;
    }
    text
}

/// The costly steps of [`fold`] (invisible characters, NFKC, case folding, Arabic-script
/// unification), run once on each part of an address. Punctuation is kept for the parser;
/// [`fold_pre`] finishes the folding of any piece of the result.
fn prefold(text: &str) -> Cow<'_, str> {
    // Case is folded later, piece by piece, for ASCII text.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(super::text::prefold(text))
}

/// [`fold`] of [`prefold`]ed text, appended to `out`.
fn fold_pre_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        fold_into(text, out);
    } else {
        CollapseWhitespace.apply(text, out);
    }
}

/// [`fold`] of [`prefold`]ed text.
fn fold_pre(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_pre_into(text, &mut out);
    out
}

/// Split a line on commas (and `،`, `;`, line breaks), keeping parts with a letter or digit.
fn split_segments(line: &str, out: &mut Vec<String>, flags: &mut ValueFlags) {
    for part in line.split([',', '\u{060C}', ';', '\n', '\r']) {
        let part = part.trim();
        if part.chars().any(char::is_alphanumeric) {
            if out.len() == MAX_LINES {
                *flags |= ValueFlags::TRUNCATED;
                return;
            }
            out.push(prefold(part).into_owned());
        }
    }
}

/// Normalises postal addresses through an [`AddressParser`].
///
/// The default parser is [`SimpleAddressParser`]: rule-based and deliberately modest, it does
/// what a matcher needs (the same address written two ways gives the same parts and tokens) and
/// no more; its documentation lists the rules. Hosts with a national address file or a geocoder
/// bring their own parser with [`with_parser`](Self::with_parser).
///
/// Normalisation is idempotent through [`NormalizedAddress::to_postal_address`]: normalising
/// the rebuilt address gives the same parts and tokens.
///
/// ```
/// use customer360::normalize::{AddressNormalizer, Normalizer, ValueFlags};
/// use customer360::PostalAddress;
///
/// let addresses = AddressNormalizer::default();
///
/// // One line: street part, locality, region and postcode, country.
/// let a = addresses.normalize("Unit 5, 12 Smith Street, Fitzroy VIC 3065, Australia").value.unwrap();
/// assert_eq!(a.to_string(), "5|12|smith st||fitzroy|vic|3065|AU");
/// assert_eq!(a.tokens(), ["12", "5", "fitzroy", "smith", "st"]);
///
/// // Structured: the same street written another way gives the same parts.
/// let b = addresses.normalize_address(&PostalAddress {
///     lines: vec!["5/12 SMITH ST.".into()],
///     locality: Some("Fitzroy".into()),
///     region: Some("Victoria".into()),
///     postcode: Some("3065".into()),
///     country: Some("AU".into()),
///     ..PostalAddress::default()
/// });
/// assert_eq!(b.value.unwrap(), a);
///
/// // Persian, largest place first.
/// let p = addresses.normalize("تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۵، واحد ۳").value.unwrap();
/// assert_eq!(p.to_string(), "3|5|st ولیعصر aly 12||تهران|||");
///
/// // Junk is kept but flagged.
/// assert!(addresses.normalize("N/A").flags.contains(ValueFlags::PLACEHOLDER));
/// ```
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

    /// Normalise a structured address. [`Normalized::original`] is the non-blank lines and
    /// fields joined with `, `.
    pub fn normalize_address(&self, address: &PostalAddress) -> Normalized<NormalizedAddress> {
        let parts = || {
            address
                .lines
                .iter()
                .map(String::as_str)
                .chain(address.locality.as_deref())
                .chain(address.region.as_deref())
                .chain(address.postcode.as_deref())
                .chain(address.country.as_deref())
                .filter(|s| !s.trim().is_empty())
        };
        let mut original = String::with_capacity(parts().map(|p| p.len() + 2).sum());
        for part in parts() {
            if !original.is_empty() {
                original.push_str(", ");
            }
            original.push_str(part);
        }
        self.run(address, original)
    }

    fn run(&self, address: &PostalAddress, original: String) -> Normalized<NormalizedAddress> {
        let mut flags = ValueFlags::empty();
        match self.parser.parse(address, &mut flags) {
            Some(a) if !a.is_empty() => Normalized::new(original, a, flags),
            _ => {
                if !flags.intersects(ValueFlags::UNMATCHABLE) {
                    flags |= ValueFlags::EMPTY;
                }
                Normalized::unusable(original, flags)
            }
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
        self.run(&address, raw.to_owned())
    }
}

// ---------------------------------------------------------------------------------------------
// One-line addresses.
// ---------------------------------------------------------------------------------------------

/// Take the country, postcode, locality and region off a one-line address's parts, returning
/// the street lines.
fn split_one_line(
    mut segs: Vec<String>,
    persian: bool,
    out: &mut NormalizedAddress,
) -> Vec<String> {
    if segs.len() >= 2 {
        if let Some(code) = segs.last().and_then(|s| one_line_country(s)) {
            out.country = Some(code.to_owned());
            segs.pop();
        } else if let Some(code) = segs
            .first()
            .filter(|_| persian)
            .and_then(|s| one_line_country(s))
        {
            out.country = Some(code.to_owned());
            segs.remove(0);
        }
    }
    if persian {
        take_persian_postcode(&mut segs, out);
    } else if segs.len() >= 2 {
        take_postcode_and_region(&mut segs, out);
    }
    if segs.len() >= 2
        && !segs[0].chars().any(|c| ascii_digit(c).is_ascii_digit())
        && is_house_like(&fold_pre(&segs[1]))
    {
        let number = segs.remove(1);
        segs[0].push(' ');
        segs[0].push_str(&number);
    }

    if persian {
        let first_street = segs.iter().position(|s| is_street_ish(s));
        if let Some(first) = first_street.filter(|&f| f > 0) {
            let mut places: Vec<String> = segs.drain(..first).collect();
            out.locality = places.pop().and_then(|l| normalize_locality(&l));
            if !places.is_empty() {
                out.region = normalize_region(&places.remove(0));
            }
            let street = segs.join(" ");
            places.push(street);
            return places;
        }
    }
    if segs.len() < 2 {
        return segs;
    }
    // The last part is the locality unless it starts like a street line (`Flat 2, 12 Main St`).
    let last_street = if starts_like_street(&segs[segs.len() - 1]) {
        segs.len() - 1
    } else {
        segs[..segs.len() - 1]
            .iter()
            .rposition(|s| is_street_ish(s))
            .unwrap_or(0)
    };
    let mut tail = segs.split_off(last_street + 1);
    if tail.len() >= 2 {
        out.region = tail.pop().and_then(|r| normalize_region(&r));
    }
    out.locality = tail.pop().and_then(|l| normalize_locality(&l));
    // Further parts (a district before the town) are street lines, read as extra.
    segs.extend(tail);
    if persian {
        return vec![segs.join(" ")];
    }
    segs
}

/// A country code for a one-line address's part; a bare region code (`CA`, `IN`) is not one.
fn one_line_country(segment: &str) -> Option<&'static str> {
    let folded = fold_pre(segment);
    let code = country_code(&folded)?;
    (!is_region_code(&folded)).then_some(code)
}

/// The postcode and region at the end of a Latin-script one-line address.
fn take_postcode_and_region(segs: &mut Vec<String>, out: &mut NormalizedAddress) {
    let Some(last) = segs.last() else { return };
    let tokens: Vec<&str> = last.split_whitespace().collect();
    let n = tokens.len();
    let compact_of = |ts: &[&str]| -> String {
        ts.iter()
            .flat_map(|t| t.chars())
            .map(ascii_digit)
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let blocked = |t: &str| {
        let f = fold_pre(t);
        is_designator(&f) || street_word(&f).is_some_and(|(_, k)| k != WordKind::Direction)
    };
    let mut found: Option<(String, usize, usize)> = None; // (postcode text, start, end)
    if n <= 2 && is_postcode_shape(&compact_of(&tokens), 3) && !(n == 2 && blocked(tokens[0])) {
        found = Some((last.clone(), 0, n));
    } else if n >= 3 && is_two_part_postcode(&compact_of(&tokens[n - 2..])) {
        found = Some((tokens[n - 2..].join(" "), n - 2, n));
    } else if n >= 2
        && is_postcode_shape(&compact_of(&tokens[n - 1..]), 4)
        && !blocked(tokens[n - 2])
    {
        found = Some((tokens[n - 1].to_owned(), n - 1, n));
    } else if n >= 3 && is_two_part_postcode(&compact_of(&tokens[..2])) {
        // `1012 PH Amsterdam`.
        found = Some((tokens[..2].join(" "), 0, 2));
    } else if n >= 2 {
        let first = compact_of(&tokens[..1]);
        let letters_follow = tokens[1..]
            .iter()
            .any(|t| t.chars().any(char::is_alphabetic));
        if (4..=6).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && letters_follow
        {
            found = Some((tokens[0].to_owned(), 0, 1));
        }
    }
    if let Some((postcode, start, end)) = found {
        out.postcode = SimpleAddressParser::normalize_postcode(&postcode, out.country.as_deref());
        let rest: Vec<&str> = tokens[..start]
            .iter()
            .chain(&tokens[end..])
            .copied()
            .collect();
        let rest = rest.join(" ");
        segs.pop();
        if rest.chars().any(char::is_alphanumeric) {
            segs.push(rest);
        }
    }
    // `Sydney NSW`, `Springfield IL`: a capitalised region code after the town.
    if segs.len() >= 2 {
        if let Some(last) = segs.last() {
            if let Some((town, code)) = last.trim().rsplit_once(char::is_whitespace) {
                let capital =
                    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase());
                if capital && is_region_code(&code.to_ascii_lowercase()) && !town.trim().is_empty()
                {
                    let (town, code) = (town.trim().to_owned(), code.to_owned());
                    segs.pop();
                    segs.push(town);
                    segs.push(code);
                }
            }
        }
    }
}

/// A Persian postcode: a part marked `کد پستی`, or a part of ten digits.
fn take_persian_postcode(segs: &mut Vec<String>, out: &mut NormalizedAddress) {
    if segs.len() < 2 {
        return;
    }
    for i in 0..segs.len() {
        let folded = fold_pre(&segs[i]);
        let marked = folded
            .strip_prefix("کد پستی")
            .or_else(|| folded.strip_prefix("کدپستی"));
        let digits_only = folded.bytes().all(|b| b.is_ascii_digit() || b == b' ');
        let ten = digits_only && folded.bytes().filter(u8::is_ascii_digit).count() == 10;
        let candidate = match marked {
            Some(rest) if rest.bytes().any(|b| b.is_ascii_digit()) => Some(rest.to_owned()),
            None if ten => Some(folded.clone()),
            _ => None,
        };
        if let Some(code) = candidate {
            out.postcode = SimpleAddressParser::normalize_postcode(&code, out.country.as_deref());
            segs.remove(i);
            return;
        }
    }
}

/// Whether a part looks like a street line: a digit, a street type, a unit or a floor.
fn is_street_ish(segment: &str) -> bool {
    // Digits (of the scripts folding turns into ASCII) and `#` settle it without folding.
    if segment
        .chars()
        .any(|c| c == '#' || ascii_digit(c).is_ascii_digit())
    {
        return true;
    }
    let mut words = Vec::new();
    push_words(&fold_pre(segment), &mut words);
    words.iter().any(|w| {
        w.bytes().any(|b| b.is_ascii_digit())
            || is_designator(w)
            || street_word(w).is_some_and(|(_, k)| matches!(k, WordKind::Type | WordKind::Numbered))
    })
}

/// Whether a part starts with a house number, a unit or `#`: a street line, never a locality.
fn starts_like_street(segment: &str) -> bool {
    let mut words = Vec::new();
    tokenize(segment, &mut words);
    match words.as_slice() {
        [first, ..] if is_house_like(first) => true,
        [designator, value, ..] => {
            (is_unit_word(designator) && is_unit_like(value))
                || (is_house_word(designator) && is_house_like(value))
        }
        _ => false,
    }
}

fn is_zip_plus4(raw: &str) -> bool {
    let digits: Vec<char> = raw.trim().chars().map(ascii_digit).collect();
    digits.len() == 10
        && digits[..5].iter().all(char::is_ascii_digit)
        && (digits[5] == '-' || digits[5] == ' ')
        && digits[6..].iter().all(char::is_ascii_digit)
}

/// Whether compact, upper-case text is shaped like a postcode: `min_digits` to 10 digits, or a
/// UK, Canadian or Dutch postcode.
fn is_postcode_shape(compact: &str, min_digits: usize) -> bool {
    let b = compact.as_bytes();
    (b.len() >= min_digits && b.len() <= 10 && b.iter().all(u8::is_ascii_digit))
        || is_two_part_postcode(compact)
}

/// UK (`SW1A1AA`), Canadian (`K1A0B1`) and Dutch (`1234AB`) postcodes, compact; these are
/// written in two parts.
fn is_two_part_postcode(compact: &str) -> bool {
    let b = compact.as_bytes();
    let l = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let canada = b.len() == 6 && l(0) && d(1) && l(2) && d(3) && l(4) && d(5);
    let dutch = b.len() == 6 && (0..4).all(d) && l(4) && l(5);
    let uk = (5..=7).contains(&b.len()) && {
        let n = b.len();
        let inward = d(n - 3) && l(n - 2) && l(n - 1);
        let outward = &b[..n - 3];
        let o = |i: usize, f: fn(&u8) -> bool| outward.get(i).is_some_and(f);
        let alpha: fn(&u8) -> bool = u8::is_ascii_uppercase;
        let digit: fn(&u8) -> bool = u8::is_ascii_digit;
        let outward_ok = match outward.len() {
            2 => o(0, alpha) && o(1, digit),
            3 => {
                o(0, alpha)
                    && ((o(1, digit) && (o(2, digit) || o(2, alpha)))
                        || (o(1, alpha) && o(2, digit)))
            }
            4 => o(0, alpha) && o(1, alpha) && o(2, digit) && (o(3, digit) || o(3, alpha)),
            _ => false,
        };
        inward && outward_ok
    };
    canada || dutch || uk
}

// ---------------------------------------------------------------------------------------------
// Localities, regions, countries.
// ---------------------------------------------------------------------------------------------

fn normalize_locality(raw: &str) -> Option<String> {
    let folded = fold_pre(raw);
    let kept = strip_place_prefix(&folded, &["شهر", "شهرستان"]);
    if kept.is_empty() || is_junk(kept) {
        return None;
    }
    // Most localities have no prefix to strip: keep the folded text itself.
    Some(if kept.len() == folded.len() {
        folded
    } else {
        kept.to_owned()
    })
}

fn normalize_region(raw: &str) -> Option<String> {
    let folded = fold_pre(raw);
    let folded = strip_place_prefix(&folded, &["استان"]);
    if folded.is_empty() || is_junk(folded) {
        return None;
    }
    Some(region_code(folded).map_or_else(|| folded.to_owned(), str::to_owned))
}

fn normalize_country(raw: &str) -> Option<String> {
    let folded = fold_pre(raw);
    // Known countries first: `NO` is Norway here, not "no".
    if let Some(code) = country_code(&folded) {
        return Some(code.to_owned());
    }
    if folded.is_empty() || is_junk(&folded) {
        return None;
    }
    if folded.len() == 2 && folded.bytes().all(|b| b.is_ascii_lowercase()) {
        return Some(folded.to_ascii_uppercase());
    }
    Some(folded)
}

/// `شهر تهران` → `تهران`: drop leading "city"/"province" words while more follows.
fn strip_place_prefix<'a>(folded: &'a str, prefixes: &[&str]) -> &'a str {
    let mut text = folded;
    'strip: loop {
        for prefix in prefixes {
            if let Some(rest) = text.strip_prefix(prefix).and_then(|r| r.strip_prefix(' ')) {
                // What follows the space may start with a combining mark, which folding drops.
                let rest = rest.trim_start_matches(|c: char| is_combining_mark(c) || c == ' ');
                if !rest.is_empty() {
                    text = rest;
                    continue 'strip;
                }
            }
        }
        return text;
    }
}

/// Country names (English and native) and ISO alpha-2/alpha-3 codes, by alpha-2 code. Folded
/// when the index is built.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "AE",
        &[
            "ARE",
            "UAE",
            "U.A.E.",
            "United Arab Emirates",
            "Emirates",
            "امارات",
        ],
    ),
    ("AF", &["AFG", "Afghanistan", "افغانستان"]),
    ("AT", &["AUT", "Austria", "Österreich", "Oesterreich"]),
    ("AU", &["AUS", "Australia"]),
    ("BE", &["BEL", "Belgium", "Belgique", "België", "Belgien"]),
    ("BR", &["BRA", "Brazil", "Brasil"]),
    ("CA", &["CAN", "Canada"]),
    (
        "CH",
        &["CHE", "Switzerland", "Schweiz", "Suisse", "Svizzera"],
    ),
    ("CN", &["CHN", "China", "People's Republic of China", "PRC"]),
    ("DE", &["DEU", "GER", "Germany", "Deutschland", "Allemagne"]),
    ("DK", &["DNK", "Denmark", "Danmark"]),
    ("ES", &["ESP", "Spain", "España", "Espana"]),
    ("FI", &["FIN", "Finland", "Suomi"]),
    ("FR", &["FRA", "France"]),
    (
        "GB",
        &[
            "GBR",
            "UK",
            "U.K.",
            "United Kingdom",
            "Great Britain",
            "Britain",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
        ],
    ),
    (
        "IE",
        &["IRL", "Ireland", "Republic of Ireland", "Eire", "Éire"],
    ),
    ("IN", &["IND", "India"]),
    ("IQ", &["IRQ", "Iraq", "عراق"]),
    (
        "IR",
        &[
            "IRN",
            "Iran",
            "Islamic Republic of Iran",
            "Persia",
            "ایران",
            "جمهوری اسلامی ایران",
        ],
    ),
    ("IT", &["ITA", "Italy", "Italia"]),
    ("JP", &["JPN", "Japan"]),
    ("KR", &["KOR", "South Korea", "Korea", "Republic of Korea"]),
    ("MX", &["MEX", "Mexico", "México"]),
    (
        "NL",
        &[
            "NLD",
            "Netherlands",
            "The Netherlands",
            "Holland",
            "Nederland",
        ],
    ),
    ("NO", &["NOR", "Norway", "Norge"]),
    ("NZ", &["NZL", "New Zealand", "Aotearoa"]),
    ("PL", &["POL", "Poland", "Polska"]),
    ("PT", &["PRT", "Portugal"]),
    ("RU", &["RUS", "Russia", "Russian Federation"]),
    (
        "SA",
        &["SAU", "Saudi Arabia", "KSA", "عربستان", "عربستان سعودی"],
    ),
    ("SE", &["SWE", "Sweden", "Sverige"]),
    ("SG", &["SGP", "Singapore"]),
    ("TR", &["TUR", "Turkey", "Türkiye", "Turkiye"]),
    (
        "US",
        &[
            "USA",
            "U.S.",
            "U.S.A.",
            "United States",
            "United States of America",
            "America",
            "Amerika",
        ],
    ),
    ("ZA", &["ZAF", "South Africa"]),
];

/// Regions with a well-known short code: US states, Canadian provinces, Australian states.
const REGIONS: &[(&str, &str)] = &[
    // Australia.
    ("act", "Australian Capital Territory"),
    ("nsw", "New South Wales"),
    ("nt", "Northern Territory"),
    ("qld", "Queensland"),
    ("sa", "South Australia"),
    ("tas", "Tasmania"),
    ("vic", "Victoria"),
    ("wa", "Western Australia"),
    // Canada.
    ("ab", "Alberta"),
    ("bc", "British Columbia"),
    ("mb", "Manitoba"),
    ("nb", "New Brunswick"),
    ("nl", "Newfoundland and Labrador"),
    ("ns", "Nova Scotia"),
    ("nt", "Northwest Territories"),
    ("nu", "Nunavut"),
    ("on", "Ontario"),
    ("pe", "Prince Edward Island"),
    ("qc", "Quebec"),
    ("qc", "Québec"),
    ("sk", "Saskatchewan"),
    ("yt", "Yukon"),
    // United States.
    ("al", "Alabama"),
    ("ak", "Alaska"),
    ("az", "Arizona"),
    ("ar", "Arkansas"),
    ("ca", "California"),
    ("co", "Colorado"),
    ("ct", "Connecticut"),
    ("de", "Delaware"),
    ("dc", "District of Columbia"),
    ("fl", "Florida"),
    ("ga", "Georgia"),
    ("hi", "Hawaii"),
    ("id", "Idaho"),
    ("il", "Illinois"),
    ("in", "Indiana"),
    ("ia", "Iowa"),
    ("ks", "Kansas"),
    ("ky", "Kentucky"),
    ("la", "Louisiana"),
    ("me", "Maine"),
    ("md", "Maryland"),
    ("ma", "Massachusetts"),
    ("mi", "Michigan"),
    ("mn", "Minnesota"),
    ("ms", "Mississippi"),
    ("mo", "Missouri"),
    ("mt", "Montana"),
    ("ne", "Nebraska"),
    ("nv", "Nevada"),
    ("nh", "New Hampshire"),
    ("nj", "New Jersey"),
    ("nm", "New Mexico"),
    ("ny", "New York"),
    ("nc", "North Carolina"),
    ("nd", "North Dakota"),
    ("oh", "Ohio"),
    ("ok", "Oklahoma"),
    ("or", "Oregon"),
    ("pa", "Pennsylvania"),
    ("ri", "Rhode Island"),
    ("sc", "South Carolina"),
    ("sd", "South Dakota"),
    ("tn", "Tennessee"),
    ("tx", "Texas"),
    ("ut", "Utah"),
    ("vt", "Vermont"),
    ("va", "Virginia"),
    ("wa", "Washington"),
    ("wv", "West Virginia"),
    ("wi", "Wisconsin"),
    ("wy", "Wyoming"),
];

/// A lookup table from folded keys to values, built once. The first entry given for a key
/// wins. Hashed, not searched: every word of every address is looked up.
struct Index<V: 'static> {
    entries: hashbrown::HashMap<Box<str>, V>,
}

impl<V: Copy + 'static> Index<V> {
    fn new(entries: Vec<(String, V)>) -> Self {
        let mut map = hashbrown::HashMap::with_capacity(entries.len());
        for (key, value) in entries {
            map.entry(key.into_boxed_str()).or_insert(value);
        }
        Index { entries: map }
    }

    fn get(&self, key: &str) -> Option<V> {
        self.entries.get(key).copied()
    }
}

static COUNTRY_INDEX: LazyLock<Index<&'static str>> = LazyLock::new(|| {
    let mut entries = Vec::new();
    for &(code, names) in COUNTRIES {
        entries.push((fold(code), code));
        entries.extend(names.iter().map(|n| (fold(n), code)));
    }
    Index::new(entries)
});

static REGION_INDEX: LazyLock<Index<&'static str>> = LazyLock::new(|| {
    Index::new(
        REGIONS
            .iter()
            .map(|&(code, name)| (fold(name), code))
            .collect(),
    )
});

static REGION_CODES: LazyLock<Index<()>> = LazyLock::new(|| {
    Index::new(
        REGIONS
            .iter()
            .map(|&(code, _)| (code.to_owned(), ()))
            .collect(),
    )
});

/// The alpha-2 code of a [`fold`]ed country name or code.
pub(crate) fn country_code(folded: &str) -> Option<&'static str> {
    COUNTRY_INDEX.get(folded)
}

fn region_code(folded: &str) -> Option<&'static str> {
    REGION_INDEX.get(folded)
}

fn is_region_code(folded: &str) -> bool {
    REGION_CODES.get(folded).is_some()
}

// ---------------------------------------------------------------------------------------------
// Street words.
// ---------------------------------------------------------------------------------------------

/// What a canonical street word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    /// A street type (`st`, `ave`).
    Type,
    /// A street type usually followed by a number that names the road (`hwy 1`, `rte 66`,
    /// `aly 12`, `po box 123`).
    Numbered,
    /// A directional (`n`, `sw`).
    Direction,
    /// A word of a name with a usual short form (`saint` → `st`, `mount` → `mt`).
    Name,
}

/// Canonical street words and the written forms that take them.
const STREET_WORDS: &[(&str, WordKind, &[&str])] = &[
    (
        "st",
        WordKind::Type,
        &[
            "street",
            "str",
            "strasse",
            "straße",
            "stre",
            "saint",
            "خیابان",
            "خ",
        ],
    ),
    ("rd", WordKind::Type, &["road", "جاده"]),
    (
        "ave",
        WordKind::Type,
        &["avenue", "av", "avn", "aven", "avenu", "avenida", "allee"],
    ),
    (
        "blvd",
        WordKind::Type,
        &["boulevard", "boul", "boulv", "blv", "بلوار"],
    ),
    ("dr", WordKind::Type, &["drive", "drv", "driv"]),
    ("ln", WordKind::Type, &["lane", "gasse"]),
    ("pl", WordKind::Type, &["place", "platz"]),
    ("ct", WordKind::Type, &["court", "crt"]),
    (
        "cres",
        WordKind::Type,
        &["crescent", "cresent", "cresc", "crsnt", "cr"],
    ),
    ("cct", WordKind::Type, &["circuit", "circt"]),
    ("cl", WordKind::Type, &["close"]),
    ("tce", WordKind::Type, &["terrace", "terr", "ter"]),
    ("pde", WordKind::Type, &["parade", "prde"]),
    ("sq", WordKind::Type, &["square", "sqr", "میدان"]),
    (
        "pkwy",
        WordKind::Type,
        &["parkway", "pky", "pkway", "parkwy"],
    ),
    ("way", WordKind::Type, &["wy", "weg"]),
    ("gr", WordKind::Type, &["grove", "grv", "gv"]),
    ("gdns", WordKind::Type, &["gardens", "garden", "gdn"]),
    ("esp", WordKind::Type, &["esplanade", "espl"]),
    ("cir", WordKind::Type, &["circle", "circ", "crcl"]),
    ("xing", WordKind::Type, &["crossing", "crssng"]),
    ("hts", WordKind::Type, &["heights", "hgts"]),
    ("mews", WordKind::Type, &[]),
    ("rise", WordKind::Type, &[]),
    ("row", WordKind::Type, &[]),
    ("walk", WordKind::Type, &["wlk"]),
    ("trl", WordKind::Type, &["trail"]),
    ("trk", WordKind::Type, &["track"]),
    ("vw", WordKind::Type, &["view"]),
    ("pt", WordKind::Type, &["point"]),
    ("prom", WordKind::Type, &["promenade"]),
    ("qy", WordKind::Type, &["quay"]),
    ("rdg", WordKind::Type, &["ridge"]),
    ("loop", WordKind::Type, &["lp"]),
    ("gln", WordKind::Type, &["glen"]),
    ("grn", WordKind::Type, &["green"]),
    ("ctr", WordKind::Type, &["centre", "center", "cntr"]),
    ("cswy", WordKind::Type, &["causeway"]),
    ("plz", WordKind::Type, &["plaza", "plza"]),
    ("cul", WordKind::Type, &["culdesac", "بن‌بست", "بنبست"]),
    ("rue", WordKind::Type, &[]),
    ("via", WordKind::Type, &[]),
    ("calle", WordKind::Type, &[]),
    (
        "hwy",
        WordKind::Numbered,
        &["highway", "hiway", "hway", "اتوبان", "بزرگراه"],
    ),
    ("fwy", WordKind::Numbered, &["freeway", "frwy"]),
    ("expy", WordKind::Numbered, &["expressway", "expwy"]),
    ("mwy", WordKind::Numbered, &["motorway"]),
    ("rte", WordKind::Numbered, &["route"]),
    ("aly", WordKind::Numbered, &["alley", "ally", "کوچه", "ک"]),
    ("box", WordKind::Numbered, &[]),
    ("n", WordKind::Direction, &["north", "nth", "شمالی"]),
    ("s", WordKind::Direction, &["south", "sth", "جنوبی"]),
    ("e", WordKind::Direction, &["east", "شرقی"]),
    ("w", WordKind::Direction, &["west", "غربی"]),
    ("ne", WordKind::Direction, &["northeast"]),
    ("nw", WordKind::Direction, &["northwest"]),
    ("se", WordKind::Direction, &["southeast"]),
    ("sw", WordKind::Direction, &["southwest"]),
    ("mt", WordKind::Name, &["mount"]),
    ("ft", WordKind::Name, &["fort"]),
];

/// German and Dutch street-type endings split off compounds (`hauptstrasse` → `haupt st`).
/// Longer endings first.
const COMPOUND_ENDINGS: &[(&str, &str)] = &[
    ("strasse", "st"),
    ("straat", "st"),
    ("str", "st"),
    ("platz", "pl"),
    ("allee", "ave"),
    ("gasse", "ln"),
    ("weg", "way"),
];

/// Words that introduce a unit (`apt 3b`).
const UNIT_WORDS: &[&str] = &[
    "unit",
    "apt",
    "apartment",
    "appt",
    "flat",
    "suite",
    "ste",
    "room",
    "rm",
    "shop",
    "واحد",
];
/// Words that introduce a floor (`level 3`).
const FLOOR_WORDS: &[&str] = &["floor", "fl", "flr", "level", "lvl", "طبقه"];
/// Words that introduce a house number (`no 12`, `پلاک ۱۲`).
const HOUSE_WORDS: &[&str] = &["no", "nr", "number", "num", "پلاک", "پ"];

/// Street names, and whole street lines, that are junk.
const PLACEHOLDER_STREETS: &[&str] = &[
    "no fixed abode",
    "nfa",
    "no address",
    "address unknown",
    "unknown address",
    "homeless",
    "same as above",
    "as above",
    "none given",
    "not stated",
    "fake",
    "test",
    "anystreet",
    "any street",
    "nowhere",
];

static STREET_INDEX: LazyLock<Index<(&'static str, WordKind)>> = LazyLock::new(|| {
    let mut entries = Vec::new();
    for &(canonical, kind, variants) in STREET_WORDS {
        entries.push((canonical.to_owned(), (canonical, kind)));
        entries.extend(variants.iter().map(|v| (fold(v), (canonical, kind))));
    }
    Index::new(entries)
});

fn street_word(folded: &str) -> Option<(&'static str, WordKind)> {
    STREET_INDEX.get(folded)
}

fn is_unit_word(w: &str) -> bool {
    UNIT_WORDS.contains(&w)
}

fn is_floor_word(w: &str) -> bool {
    FLOOR_WORDS.contains(&w)
}

fn is_house_word(w: &str) -> bool {
    HOUSE_WORDS.contains(&w)
}

fn is_designator(w: &str) -> bool {
    is_unit_word(w) || is_floor_word(w) || is_house_word(w)
}

/// `12`, `12a`, `12-14`: up to six digits and an optional letter, or a range of two.
fn is_house_like(w: &str) -> bool {
    match w.split_once('-') {
        Some((a, b)) => is_simple_house(a) && is_simple_house(b),
        None => is_simple_house(w),
    }
}

fn is_simple_house(w: &str) -> bool {
    let b = w.as_bytes();
    let digits = b.iter().take_while(|b| b.is_ascii_digit()).count();
    (1..=6).contains(&digits)
        && (b.len() == digits || (b.len() == digits + 1 && b[digits].is_ascii_lowercase()))
}

/// `5`, `3b`, `b`, `g12`: a short ASCII word with a digit, or a single letter.
fn is_unit_like(w: &str) -> bool {
    let b = w.as_bytes();
    !b.is_empty()
        && b.len() <= 8
        && b.iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && (b.len() == 1 || b.iter().any(u8::is_ascii_digit))
}

/// Whether the street name (without its type words) is junk. `all` is `words` joined by
/// spaces.
fn is_placeholder_street(words: &[String], all: &str) -> bool {
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    let is_placeholder = |text: &str| PLACEHOLDER_STREETS.contains(&text) || is_junk(text);
    if is_placeholder(all) {
        return true;
    }
    // On the stack (this runs for every address, and at most four words get here).
    let name_words: SmallVec<[&str; 4]> = words
        .iter()
        .map(String::as_str)
        .filter(|w| {
            !street_word(w).is_some_and(|(_, k)| matches!(k, WordKind::Type | WordKind::Numbered))
        })
        .collect();
    if name_words.is_empty() || name_words.len() == words.len() {
        return false;
    }
    let mut name: SmallVec<[u8; 64]> = SmallVec::new();
    for word in name_words {
        if !name.is_empty() {
            name.push(b' ');
        }
        name.extend_from_slice(word.as_bytes());
    }
    // Whole `str`s joined by spaces: always UTF-8.
    std::str::from_utf8(&name).is_ok_and(is_placeholder)
}

/// [`is_placeholder_text`], skipping the word list for long text (no junk word is longer than
/// 24 bytes) while still catching one letter repeated (`xxxxxxxxxxxxxxxxxxxxxxxxx`).
fn is_junk(folded: &str) -> bool {
    if folded.len() <= 24 {
        return is_placeholder_text(folded);
    }
    let mut letters = folded.chars().filter(|c| !c.is_whitespace());
    match letters.next() {
        Some(first) => first.is_alphabetic() && letters.all(|c| c == first),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Street lines.
// ---------------------------------------------------------------------------------------------

/// One street line, taken apart.
#[derive(Debug, Default)]
struct LineParts {
    units: Vec<String>,
    floors: Vec<String>,
    house: Option<String>,
    words: Vec<String>,
}

impl LineParts {
    fn is_empty(&self) -> bool {
        self.units.is_empty()
            && self.floors.is_empty()
            && self.house.is_none()
            && self.words.is_empty()
    }

    /// A line with a house number or words (not only a unit or floor).
    fn has_content(&self) -> bool {
        self.house.is_some() || !self.words.is_empty()
    }

    /// Render as extra text, leaving out unit `skip`.
    fn render(&self, skip_unit: Option<usize>, with_content: bool) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for (i, unit) in self.units.iter().enumerate() {
            if Some(i) != skip_unit {
                parts.push("unit");
                parts.push(unit);
            }
        }
        for floor in &self.floors {
            parts.push("fl");
            parts.push(floor);
        }
        if with_content {
            parts.extend(self.house.as_deref());
            parts.extend(self.words.iter().map(String::as_str));
        }
        parts.join(" ")
    }
}

/// The street part of an address.
#[derive(Debug, Default)]
struct StreetParts {
    unit: Option<String>,
    house: Option<String>,
    words: Vec<String>,
    pieces: Vec<String>,
}

fn parse_street_lines(lines: &[String]) -> StreetParts {
    let parsed: Vec<LineParts> = lines
        .iter()
        .map(|l| parse_line(l))
        .filter(|p| !p.is_empty())
        .collect();
    let street = parsed
        .iter()
        .position(|p| p.house.is_some())
        .or_else(|| parsed.iter().position(LineParts::has_content));
    let unit_line = street
        .filter(|&s| !parsed[s].units.is_empty())
        .or_else(|| parsed.iter().position(|p| !p.units.is_empty()));

    let mut out = StreetParts {
        unit: unit_line.map(|i| parsed[i].units[0].clone()),
        ..StreetParts::default()
    };
    let skip = |i: usize| (unit_line == Some(i)).then_some(0);
    if let Some(s) = street {
        let leftovers = parsed[s].render(skip(s), false);
        if !leftovers.is_empty() {
            out.pieces.push(leftovers);
        }
    }
    for (i, p) in parsed.iter().enumerate() {
        if Some(i) == street {
            continue;
        }
        let piece = p.render(skip(i), true);
        if !piece.is_empty() {
            out.pieces.push(piece);
        }
    }
    if let Some(s) = street {
        let mut parsed = parsed;
        let line = std::mem::take(&mut parsed[s]);
        out.house = line.house;
        out.words = line.words;
    }
    out
}

/// Take one street line apart: units, floors, house number and canonical words.
fn parse_line(line: &str) -> LineParts {
    let mut words = Vec::new();
    tokenize(line, &mut words);
    let mut parts = LineParts::default();
    take_units_and_floors(&mut words, &mut parts);

    if words.first().is_some_and(|w| is_house_like(w)) {
        parts.house = Some(words.remove(0));
    } else if let Some(i) = (0..words.len().saturating_sub(1))
        .find(|&i| is_house_word(&words[i]) && is_house_like(&words[i + 1]))
    {
        parts.house = Some(words.remove(i + 1));
        words.remove(i);
        take_units_and_floors(&mut words, &mut parts);
    } else if words.len() >= 2 {
        let n = words.len();
        let before = &words[n - 2];
        let blocked = is_designator(before)
            || match street_word(before) {
                Some((_, WordKind::Numbered)) => true,
                Some((_, WordKind::Type)) => n == 2,
                _ => false,
            };
        if !blocked && is_house_like(&words[n - 1]) {
            parts.house = words.pop();
        }
    }
    parts.words = words;
    parts
}

/// Move every `unit X` and `floor X` pair out of `words`, until none is left.
fn take_units_and_floors(words: &mut Vec<String>, parts: &mut LineParts) {
    let mut i = 0;
    while i + 1 < words.len() {
        let unit = is_unit_word(&words[i]) && is_unit_like(&words[i + 1]);
        let floor = is_floor_word(&words[i]) && is_house_like(&words[i + 1]);
        if unit || floor {
            let value = words.remove(i + 1);
            words.remove(i);
            if unit {
                parts.units.push(value);
            } else {
                parts.floors.push(value);
            }
            // Removing the pair may have made a new pair with the word before.
            i = i.saturating_sub(1);
        } else {
            i += 1;
        }
    }
}

/// Split a raw line into canonical words: `#12` becomes `unit 12`, `5/12` becomes
/// `unit 5 12`, `12-14` stays one word, other tokens are folded and canonicalised.
fn tokenize(line: &str, words: &mut Vec<String>) {
    let mut buf = String::new();
    let mut raw = line.split_whitespace();
    while let Some(token) = raw.next() {
        let rest = token.trim_start_matches(['#', '№']);
        if rest.len() != token.len() {
            let value = if rest.is_empty() {
                raw.next().unwrap_or("")
            } else {
                rest
            };
            let folded = fold_pre(value);
            if is_unit_like(&folded) {
                words.push("unit".to_owned());
                words.push(folded);
            } else {
                push_words(&folded, words);
            }
            continue;
        }
        if let Some((a, b)) = token.split_once('/') {
            let (a, b) = (fold_pre(a), fold_pre(b));
            if is_unit_like(&a) && is_simple_house(&b) {
                if !words.last().is_some_and(|w| is_unit_word(w)) {
                    words.push("unit".to_owned());
                }
                words.push(a);
                words.push(b);
                continue;
            }
        }
        if let Some((a, b)) = token.split_once('-') {
            let (a, b) = (fold_pre(a), fold_pre(b));
            if is_simple_house(&a) && is_simple_house(&b) {
                words.push(format!("{a}-{b}"));
                continue;
            }
        }
        buf.clear();
        fold_pre_into(token, &mut buf);
        push_words(&buf, words);
    }
    join_phrases(words);
}

/// Push the canonical forms of the words of already-folded text.
fn push_words(folded: &str, words: &mut Vec<String>) {
    for word in folded.split(' ') {
        // No combining mark is ASCII.
        let word = match word.as_bytes().first() {
            Some(b) if !b.is_ascii() => word.trim_start_matches(is_combining_mark),
            _ => word,
        };
        if !word.is_empty() {
            push_canonical(word, words);
        }
    }
}

/// Push the canonical form of one folded word, splitting compound street types off.
fn push_canonical(word: &str, words: &mut Vec<String>) {
    if let Some((canonical, _)) = street_word(word) {
        words.push(canonical.to_owned());
        return;
    }
    let mut stem = word;
    let mut endings: Vec<&'static str> = Vec::new();
    while let Some(&(ending, canonical)) = COMPOUND_ENDINGS
        .iter()
        .find(|(ending, _)| stem.len() >= ending.len() + 3 && stem.ends_with(ending))
    {
        endings.push(canonical);
        stem = &stem[..stem.len() - ending.len()];
    }
    if endings.is_empty() {
        // The whole word, already looked up.
        words.push(word.to_owned());
        return;
    }
    match street_word(stem) {
        Some((canonical, _)) => words.push(canonical.to_owned()),
        None => words.push(stem.to_owned()),
    }
    words.extend(endings.iter().rev().map(|e| (*e).to_owned()));
}

/// Multi-word forms: `p o box`, `post office box`, `صندوق پستی` → `po box`; `cul de sac`,
/// `بن بست` → `cul`.
fn join_phrases(words: &mut Vec<String>) {
    const PHRASES: &[(&[&str], &[&str])] = &[
        (&["p", "o", "box"], &["po", "box"]),
        (&["post", "office", "box"], &["po", "box"]),
        (&["gpo", "box"], &["po", "box"]),
        (&["pobox"], &["po", "box"]),
        (&["صندوق", "پستی"], &["po", "box"]),
        (&["cul", "de", "sac"], &["cul"]),
        (&["بن", "بست"], &["cul"]),
    ];
    let needs = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "p" | "post" | "gpo" | "pobox" | "صندوق" | "cul" | "بن"
        )
    });
    if !needs {
        return;
    }
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'outer: while i < words.len() {
        for (pattern, replacement) in PHRASES {
            let end = i + pattern.len();
            if end <= words.len()
                && words[i..end]
                    .iter()
                    .zip(pattern.iter())
                    .all(|(w, p)| w == p)
            {
                out.extend(replacement.iter().map(|r| (*r).to_owned()));
                i = end;
                continue 'outer;
            }
        }
        out.push(std::mem::take(&mut words[i]));
        i += 1;
    }
    *words = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(raw: &str) -> String {
        AddressNormalizer::default()
            .normalize(raw)
            .value
            .map_or_else(|| "-".to_owned(), |a| a.to_string())
    }

    fn line(raw: &str) -> (Vec<String>, Vec<String>, Option<String>, String) {
        let p = parse_line(&prefold(raw));
        (p.units, p.floors, p.house, p.words.join(" "))
    }

    #[test]
    fn tables_are_consistent() {
        // Every canonical street word maps to itself, and no written form maps two ways.
        for &(canonical, kind, variants) in STREET_WORDS {
            assert_eq!(
                street_word(canonical),
                Some((canonical, kind)),
                "{canonical}"
            );
            for v in variants {
                assert_eq!(street_word(&fold(v)).map(|x| x.0), Some(canonical), "{v}");
            }
        }
        for &(code, names) in COUNTRIES {
            assert_eq!(country_code(&fold(code)), Some(code));
            for n in names {
                assert_eq!(country_code(&fold(n)), Some(code), "{n}");
            }
        }
        assert!(STREET_WORDS.iter().map(|w| 1 + w.2.len()).sum::<usize>() > 100);
    }

    #[test]
    fn unit_extraction() {
        assert_eq!(line("Unit 5 12 Main St").0, ["5"]);
        assert_eq!(line("Apt 3B 12 Main St").0, ["3b"]);
        assert_eq!(line("Apartment 3B").0, ["3b"]);
        assert_eq!(line("Flat 2").0, ["2"]);
        assert_eq!(line("Suite 100").0, ["100"]);
        assert_eq!(line("#12").0, ["12"]);
        assert_eq!(line("# 12 Main St").0, ["12"]);
        assert_eq!(line("12 Main St Apt #4").0, ["4"]);
        assert_eq!(line("واحد ۵").0, ["5"]);
        let (units, _, house, words) = line("5/12 Main St");
        assert_eq!(
            (units, house, words),
            (
                vec!["5".to_owned()],
                Some("12".to_owned()),
                "main st".to_owned()
            )
        );
        let (units, _, house, _) = line("Unit 5/12a Main St");
        assert_eq!(
            (units, house),
            (vec!["5".to_owned()], Some("12a".to_owned()))
        );
        // Not a unit: `Flat Rock Road` keeps its name.
        assert_eq!(line("12 Flat Rock Road").3, "flat rock rd");
        assert_eq!(line("Level 3").1, ["3"]);
    }

    #[test]
    fn house_numbers() {
        assert_eq!(line("12 Main St").2.as_deref(), Some("12"));
        assert_eq!(line("12a Main St").2.as_deref(), Some("12a"));
        assert_eq!(line("12-14 Main St").2.as_deref(), Some("12-14"));
        assert_eq!(line("Hauptstraße 12").2.as_deref(), Some("12"));
        assert_eq!(line("Hauptstraße 12").3, "haupt st");
        assert_eq!(line("Hauptstr. 12").3, "haupt st");
        assert_eq!(line("Route 66").2, None);
        assert_eq!(line("خیابان ۱۶").2, None);
        assert_eq!(line("کوچه ۱۲ پلاک ۵").2.as_deref(), Some("5"));
        assert_eq!(line("No. 7 Rose Lane").2.as_deref(), Some("7"));
        assert_eq!(line("PO Box 123").3, "po box 123");
        assert_eq!(line("P.O. Box 123").3, "po box 123");
        assert_eq!(line("3rd Floor").2, None);
    }

    #[test]
    fn street_types() {
        assert_eq!(line("Main Street").3, "main st");
        assert_eq!(
            line("North Avenue Boulevard Drive Lane").3,
            "n ave blvd dr ln"
        );
        assert_eq!(line("Saint Kilda Road").3, line("St Kilda Rd").3);
        assert_eq!(line("بلوار کشاورز").3, "blvd کشاورز");
        assert_eq!(line("بن‌بست یاس").3, "cul یاس");
        assert_eq!(line("بن بست یاس").3, "cul یاس");
        assert_eq!(line("Kalverstraat").3, "kalver st");
    }

    #[test]
    fn postcodes() {
        let p = |s: &str, c: Option<&str>| SimpleAddressParser::normalize_postcode(s, c);
        assert_eq!(p("sw1a 1aa", None).as_deref(), Some("SW1A1AA"));
        assert_eq!(p("12345-6789", None).as_deref(), Some("12345"));
        assert_eq!(p("123456789", Some("US")).as_deref(), Some("12345"));
        assert_eq!(p("123456789", None).as_deref(), Some("123456789"));
        assert_eq!(p("00000", None), None);
        assert_eq!(p("1234567890123", None), None);
        assert!(is_two_part_postcode("SW1A1AA"));
        assert!(is_two_part_postcode("M11AE"));
        assert!(is_two_part_postcode("K1A0B1"));
        assert!(is_two_part_postcode("1234AB"));
        assert!(!is_two_part_postcode("APT1234"));
    }

    #[test]
    fn one_line_addresses() {
        assert_eq!(
            one("12 Main Street, Springfield, IL 62704"),
            "|12|main st||springfield|il|62704|"
        );
        assert_eq!(
            one("42 Wallaby Way, Sydney NSW 2000, Australia"),
            "|42|wallaby way||sydney|nsw|2000|AU"
        );
        assert_eq!(
            one("Hauptstraße 12, 10115 Berlin, Deutschland"),
            "|12|haupt st||berlin||10115|DE"
        );
        assert_eq!(
            one("10 Downing Street, London SW1A 2AA, UK"),
            "|10|downing st||london||SW1A2AA|GB"
        );
        assert_eq!(
            one("Flat 2, Rose Court, 12 Main St, London"),
            "2|12|main st|rose ct|london|||"
        );
        assert_eq!(
            one("123 Main St, Los Angeles, CA"),
            "|123|main st||los angeles|ca||"
        );
        assert_eq!(one("Via Roma, 12, Milano"), "|12|via roma||milano|||");
        assert_eq!(one("   "), "-");
    }

    #[test]
    fn persian_addresses() {
        assert_eq!(
            one("ایران، تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۵، واحد ۳، کد پستی ۱۳۱۸۷-۱۴۳۱۱"),
            "3|5|st ولیعصر aly 12||تهران||1318714311|IR"
        );
        assert_eq!(
            one("استان تهران، شهر تهران، خ ولیعصر، پ ۵"),
            "|5|st ولیعصر||تهران|تهران||"
        );
    }
}
