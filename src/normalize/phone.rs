//! Phone numbers to E.164 (`+989123456789`), with an optional extension.
//!
//! The rules are documented on [`PhoneNormalizer`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use super::junk::{is_placeholder_digits, is_placeholder_text};
use super::script::ascii_digit;
use super::text::fold;
use super::{bounded, Normalized, Normalizer, RawText, ValueFlags, MAX_VALUE_BYTES};

/// An ISO 3166-1 alpha-2 region code, upper-case (`IR`, `US`, `GB`).
///
/// ```
/// use customer360::normalize::Region;
///
/// let ir: Region = " ir ".parse()?;
/// assert_eq!(ir.as_str(), "IR");
/// assert_eq!(ir.calling_code(), Some(98));
/// assert!("IRN".parse::<Region>().is_err());
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region([u8; 2]);

impl Region {
    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    /// The country calling code of this region, when the numbering table covers it
    /// (`US` → 1, `GB` and `UK` → 44, `IR` → 98).
    pub fn calling_code(self) -> Option<u16> {
        country_for_region(self).map(|c| c.code)
    }
}

impl TryFrom<String> for Region {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Region> for String {
    fn from(r: Region) -> String {
        r.as_str().to_owned()
    }
}

impl FromStr for Region {
    type Err = crate::Error;

    /// Two ASCII letters, in either case, with surrounding whitespace ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Region([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(crate::Error::InvalidRegion(s.to_owned())),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not a usable phone number.
///
/// Returned by [`PhoneNormalizer::parse`]; the message says what to fix.
///
/// ```
/// use customer360::normalize::PhoneNormalizer;
///
/// let err = PhoneNormalizer::default().parse("0912 345 6789", None).unwrap_err();
/// assert!(err.to_string().contains("has no country code and no region was given"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// Nothing but whitespace or punctuation was given.
    #[error("phone number is empty")]
    Empty,
    /// The input is longer than any phone number.
    #[error(
        "phone number is {len} bytes long, more than the {max} read: give one number per value"
    )]
    TooLong {
        /// Length of the input, in bytes, after trimming.
        len: usize,
        /// The most that is read ([`MAX_VALUE_BYTES`]).
        max: usize,
    },
    /// There are no digits.
    #[error("phone number {input:?} has no digits")]
    NoDigits {
        /// The text as given, trimmed.
        input: String,
    },
    /// A digit of a script that is not read.
    #[error(
        "phone number {input:?} has the character {ch:?}: write digits as 0-9 (Persian and Arabic-Indic digits are also read)"
    )]
    UnsupportedDigit {
        /// The text as given, trimmed.
        input: String,
        /// The unsupported digit.
        ch: char,
    },
    /// More digits than any phone number has.
    #[error(
        "phone number {input:?} has more digits than any phone number: give one number per value"
    )]
    TooManyDigits {
        /// The text as given, trimmed.
        input: String,
    },
    /// The extension is longer than ten digits.
    #[error("phone number {input:?} has an extension of more than {max} digits")]
    ExtensionTooLong {
        /// The text as given, trimmed.
        input: String,
        /// The longest extension read.
        max: usize,
    },
    /// The digits after `+` or an international prefix are not a country calling code.
    #[error(
        "phone number {input:?} does not continue with a country calling code after '+' or the international prefix: check the digits that follow it"
    )]
    UnknownCallingCode {
        /// The text as given, trimmed.
        input: String,
    },
    /// No country code, and no region to read the number in.
    #[error(
        "phone number {input:?} has no country code and no region was given: write it as +<country code> <number>, or give the region it belongs to"
    )]
    MissingCountry {
        /// The text as given, trimmed.
        input: String,
    },
    /// No country code, and the region is not in the numbering table.
    #[error(
        "phone number {input:?} has no country code and there is no numbering data for region {region}: write it as +<country code> <number>"
    )]
    UnsupportedRegion {
        /// The text as given, trimmed.
        input: String,
        /// The region it was to be read in.
        region: Region,
    },
    /// The national number has a length no number of that country has.
    #[error(
        "phone number {input:?} has {len} digits after the country code +{country_code}, but numbers there have {}: check for a missing or extra digit",
        digit_span(*.min, *.max)
    )]
    InvalidLength {
        /// The text as given, trimmed.
        input: String,
        /// The country calling code it was read with.
        country_code: u16,
        /// Digits in the national number (after the country code and any trunk prefix).
        len: usize,
        /// Fewest digits a national number there has.
        min: u8,
        /// Most digits a national number there has.
        max: u8,
    },
}

fn digit_span(min: u8, max: u8) -> String {
    if min == max {
        format!("{min} digits")
    } else {
        format!("{min} to {max} digits")
    }
}

/// The most digits read for an extension.
const MAX_EXTENSION_DIGITS: usize = 10;

/// A phone number in E.164 form, with an optional extension.
///
/// [`Display`](fmt::Display) prints the E.164 form followed by `;ext=NNN` when there is an
/// extension (the RFC 3966 spelling); both forms normalise back to the same number.
///
/// ```
/// use customer360::normalize::{PhoneNormalizer, Region};
///
/// let us = PhoneNormalizer::with_default_region("US".parse()?);
/// let number = us.parse("(555) 123-4567 ext. 89", None)?;
/// assert_eq!(number.e164(), "+15551234567");
/// assert_eq!(number.country_code(), 1);
/// assert_eq!(number.national_number(), "5551234567");
/// assert_eq!(number.extension(), Some("89"));
/// assert_eq!(number.last_digits(7), "1234567");
/// assert_eq!(number.to_string(), "+15551234567;ext=89");
/// assert_eq!(us.parse(&number.to_string(), None)?, number);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
    extension: Option<String>,
}

impl PhoneNumber {
    /// `+`, the country calling code and the national significant number (`+989123456789`):
    /// 8 to 16 characters.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code (`98`).
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// The national significant number: the digits after the country code, without any trunk
    /// prefix (`9123456789` for `0912 345 6789` in Iran). Italian numbers keep their leading
    /// `0`, which is part of the number there.
    ///
    /// This is the part to compare when one source stores numbers with a country code and
    /// another without.
    pub fn national_number(&self) -> &str {
        self.e164
            .get(1 + code_len(self.country_code)..)
            .unwrap_or_default()
    }

    /// The last `n` digits of the national number (all of it when shorter): a blocking key for
    /// numbers whose area code may have been recorded differently.
    pub fn last_digits(&self, n: usize) -> &str {
        let national = self.national_number();
        national
            .get(national.len().saturating_sub(n)..)
            .unwrap_or(national)
    }

    /// The extension digits, if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// Whether the number is a placeholder: a national number that is one digit repeated
    /// (`0000000000`), an ascending or descending run (`1234567890`) or a short pattern
    /// repeated (`1212121212`), as [`is_placeholder_digits`] judges; or in NANP the reserved
    /// fictional range `NXX-555-0100` to `NXX-555-0199`.
    pub fn is_placeholder(&self) -> bool {
        let national = self.national_number();
        if is_placeholder_digits(national) {
            return true;
        }
        self.country_code == 1
            && national.len() == 10
            && national.get(3..6) == Some("555")
            && national.get(6..8) == Some("01")
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)?;
        if let Some(ext) = &self.extension {
            write!(f, ";ext={ext}")?;
        }
        Ok(())
    }
}

/// Parses a number with a country code (`+44 20 7946 0958`) with no region assumed.
impl FromStr for PhoneNumber {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNormalizer::default().parse(s, None)
    }
}

/// Deserialises `{"e164": ..., "country_code": ..., "extension": ...}`, requiring an E.164
/// number in normal form that agrees with the country code, and an extension of digits.
impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;

        #[derive(Deserialize)]
        struct Repr {
            e164: String,
            country_code: u16,
            #[serde(default)]
            extension: Option<String>,
        }
        let repr = Repr::deserialize(deserializer)?;
        let parsed = PhoneNormalizer::default()
            .parse(&repr.e164, None)
            .map_err(D::Error::custom)?;
        if parsed.e164 != repr.e164 || parsed.country_code != repr.country_code {
            return Err(D::Error::custom(format!(
                "{:?} is not an E.164 number with country code {}",
                repr.e164, repr.country_code
            )));
        }
        if let Some(ext) = &repr.extension {
            if ext.is_empty()
                || ext.len() > MAX_EXTENSION_DIGITS
                || !ext.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(D::Error::custom(format!(
                    "phone extension {ext:?} must be 1 to {MAX_EXTENSION_DIGITS} digits"
                )));
            }
        }
        Ok(PhoneNumber {
            extension: repr.extension,
            ..parsed
        })
    }
}

/// Normalises phone numbers to E.164.
///
/// # Reading the text
///
/// Digits are read in ASCII, Persian (`۰–۹`), Arabic-Indic (`٠–٩`) and full-width forms; spaces
/// and punctuation (`(555) 123-4567`, `555.123.4567`, `+1 555 1234567`) are ignored. A `(0)`
/// after the country code (`+44 (0)20 7946 0958`) is dropped. Words before the first digit are
/// labels (`Tel:`, `mobile`, `tel:` URIs) and are skipped, as are a few labels after it
/// (`(home)`, `mobile`).
///
/// An extension starts at `x`, `ext`, `ext.`, `extn`, `extension`, `poste`, Persian `داخلی`, `#`,
/// or `;ext=`, and may have up to ten digits.
///
/// Letters written straight after a digit, `-` or `.` are a vanity number and become keypad
/// digits (ITU E.161: `1-800-FLOWERS` → `+18003569377`); extra trailing letters beyond the
/// longest valid number are ignored, as the telephone network does (`1-800-MATTRESS`). A word
/// after a space (`0912 345 6789 Ali`) is a comment and is skipped.
///
/// # Finding the country
///
/// 1. A leading `+` (or `+00`) is followed by the country calling code.
/// 2. With a region (the per-value region, else the normaliser's default), the region's
///    international prefixes (`011` in NANP, `0011` in Australia, `010` in Japan, `810` in
///    Russia, ...) and the common `00` start a calling code; without a region only `00` does.
/// 3. Otherwise the number is national in the region and [`ValueFlags::REGION_ASSUMED`] is
///    raised: the trunk prefix is removed (`0` in most countries, `1` in NANP, `8` in Russia,
///    `06` in Hungary, `01`/`044`/`045` in Mexico) when what is left is a valid length. Italy
///    keeps its leading `0`.
/// 4. A number written with the region's own calling code but no `+` (`98 912 345 6789` with
///    region IR) is read as international when its national reading is impossible, or, in
///    countries whose national numbers are written with a `0` trunk prefix, whenever it does
///    not start with that `0`. Only the region's own code is recognised this way: with no
///    region, `989123456789` is not guessed at.
///
/// The calling code is found in the table of assigned ITU codes, longest first (3, 2 then 1
/// digits). Countries in the numbering table (below) have their national significant number
/// length checked; numbers for other assigned codes are accepted with 4 to 14 digits (15 in all).
///
/// # NANP
///
/// The North American Numbering Plan (US, CA and the rest of +1) has 10-digit national numbers
/// and `1` as trunk prefix. Only the length is checked, not the area-code and exchange rules,
/// so fictional numbers such as `(555) 123-4567` are accepted; the reserved fictional range
/// `NXX-555-01XX` is a placeholder.
///
/// # The numbering table
///
/// AE, AF, AR, AT, AU, AZ, BD, BE, BR, CA, CH, CL, CN, CZ, DE, DK, EG, ES, FI, FR, GB (also as
/// `UK`), GR, HK, HU, ID, IE, IL, IN, IQ, IR, IT, JP, KE, KR, KW, KZ, MX, MY, NG, NL, NO, NZ, PH,
/// PK, PL, PT, QA, RO, RU, SA, SE, SG, TH, TR, TW, UA, US, VN, ZA: calling code, trunk prefixes,
/// international prefixes and the range of valid national number lengths. The ranges are
/// deliberately generous (a number of a wrong length for its area passes), so that real
/// numbers are not rejected. Brazilian carrier-selection codes (`0 21 11 ...`) and Argentina's
/// national `15` mobile prefix are not read.
///
/// # Flags
///
/// [`ValueFlags::INVALID`] (no value) for no digits, an unknown calling code, no country code
/// and no region, an impossible length, or too many digits; [`ValueFlags::EMPTY`] for blank
/// text; [`ValueFlags::PLACEHOLDER`] (value kept, not matchable) when
/// [`PhoneNumber::is_placeholder`], and also, with [`ValueFlags::INVALID`] and no value, for
/// junk that cannot be read as a number at all (`N/A`, or `0000000000`, whose `00` is the
/// international prefix with nothing valid behind it); [`ValueFlags::REGION_ASSUMED`] as above;
/// [`ValueFlags::TRUNCATED`] when the input was longer than [`MAX_VALUE_BYTES`] and only its
/// start was read.
///
/// # Example
///
/// ```
/// use customer360::normalize::{Normalizer, PhoneNormalizer, Region, ValueFlags};
///
/// let iran = PhoneNormalizer::with_default_region("IR".parse()?);
///
/// let mobile = iran.normalize("۰۹۱۲ ۳۴۵ ۶۷۸۹");
/// assert_eq!(mobile.value.as_ref().unwrap().e164(), "+989123456789");
/// assert!(mobile.flags.contains(ValueFlags::REGION_ASSUMED));
/// assert!(mobile.is_matchable());
///
/// // A country code wins over the default region.
/// let london = iran.normalize("+44 (0)20 7946 0958");
/// assert_eq!(london.value.as_ref().unwrap().e164(), "+442079460958");
/// assert!(!london.flags.contains(ValueFlags::REGION_ASSUMED));
///
/// // A per-value region overrides the default.
/// let us: Region = "US".parse()?;
/// let ny = iran.normalize_in("(212) 736-5000", Some(us));
/// assert_eq!(ny.value.as_ref().unwrap().e164(), "+12127365000");
///
/// let junk = iran.normalize("0999 999 9999");
/// assert_eq!(junk.value.as_ref().unwrap().e164(), "+989999999999");
/// assert!(junk.flags.contains(ValueFlags::PLACEHOLDER));
/// assert!(!junk.is_matchable());
///
/// let bad = iran.normalize("0912 345");
/// assert!(bad.value.is_none());
/// assert!(bad.flags.contains(ValueFlags::INVALID));
/// # Ok::<(), customer360::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PhoneNormalizer {
    default_region: Option<Region>,
}

impl PhoneNormalizer {
    /// A normaliser that assumes `region` for numbers without a country code.
    pub fn with_default_region(region: Region) -> Self {
        PhoneNormalizer {
            default_region: Some(region),
        }
    }

    /// The region assumed for numbers without a country code, if any.
    pub fn default_region(&self) -> Option<Region> {
        self.default_region
    }

    /// Normalise with a region for this value that overrides the default.
    pub fn normalize_in(&self, raw: &str, region: Option<Region>) -> Normalized<PhoneNumber> {
        self.normalize_text_in(raw, region)
    }

    /// [`normalize_in`](Self::normalize_in) a text that is either borrowed (and copied into
    /// [`Normalized::original`]) or owned (and moved there).
    pub(crate) fn normalize_text_in(
        &self,
        raw: impl RawText,
        region: Option<Region>,
    ) -> Normalized<PhoneNumber> {
        let trimmed = crate::util::trim(raw.as_ref());
        let (text, cut) = bounded(trimmed);
        let mut flags = if cut {
            ValueFlags::TRUNCATED
        } else {
            ValueFlags::empty()
        };
        match analyse(text, region.or(self.default_region)) {
            Ok((number, assumed)) => {
                if assumed {
                    flags |= ValueFlags::REGION_ASSUMED;
                }
                if number.is_placeholder() {
                    flags |= ValueFlags::PLACEHOLDER;
                }
                Normalized::new(raw, number, flags)
            }
            Err(Fault::Empty) => Normalized::unusable(raw, flags | ValueFlags::EMPTY),
            Err(fault) => {
                // Junk that is not even a number (`N/A`, `0000000000` read as `00` + nothing)
                // is still worth telling apart from a mistyped number.
                let junk = match fault {
                    Fault::NoDigits => is_placeholder_text(&fold(text)),
                    _ => scan(text).is_ok_and(|s| {
                        std::str::from_utf8(s.digits()).is_ok_and(is_placeholder_digits)
                    }),
                };
                if junk {
                    flags |= ValueFlags::PLACEHOLDER;
                }
                Normalized::unusable(raw, flags | ValueFlags::INVALID)
            }
        }
    }

    /// Parse one number strictly, saying what is wrong when it is not usable. `region`, when
    /// given, overrides the default region.
    ///
    /// Placeholder numbers are returned like any other; ask [`PhoneNumber::is_placeholder`].
    ///
    /// ```
    /// use customer360::normalize::PhoneNormalizer;
    ///
    /// let phones = PhoneNormalizer::default();
    /// let gb = Some("GB".parse()?);
    /// assert_eq!(phones.parse("020 7946 0958", gb)?.e164(), "+442079460958");
    /// assert_eq!(phones.parse("0044 20 7946 0958", None)?.e164(), "+442079460958");
    ///
    /// let err = phones.parse("020 7946 09", gb).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "phone number \"020 7946 09\" has 8 digits after the country code +44, \
    ///      but numbers there have 9 to 10 digits: check for a missing or extra digit"
    /// );
    /// assert!(phones.parse("+999 123 4567", None).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(&self, raw: &str, region: Option<Region>) -> Result<PhoneNumber, PhoneError> {
        let text = raw.trim();
        if text.len() > MAX_VALUE_BYTES {
            return Err(PhoneError::TooLong {
                len: text.len(),
                max: MAX_VALUE_BYTES,
            });
        }
        analyse(text, region.or(self.default_region))
            .map(|(number, _)| number)
            .map_err(|fault| fault.into_error(text))
    }
}

impl Normalizer for PhoneNormalizer {
    type Output = PhoneNumber;

    fn normalize(&self, raw: &str) -> Normalized<PhoneNumber> {
        self.normalize_in(raw, None)
    }
}

/// What went wrong, before it is dressed as a [`PhoneError`] with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Empty,
    NoDigits,
    UnsupportedDigit(char),
    TooManyDigits,
    ExtensionTooLong,
    UnknownCallingCode,
    MissingCountry,
    UnsupportedRegion(Region),
    InvalidLength {
        code: u16,
        len: usize,
        min: u8,
        max: u8,
    },
}

impl Fault {
    fn into_error(self, text: &str) -> PhoneError {
        let input = text.to_owned();
        match self {
            Fault::Empty => PhoneError::Empty,
            Fault::NoDigits => PhoneError::NoDigits { input },
            Fault::UnsupportedDigit(ch) => PhoneError::UnsupportedDigit { input, ch },
            Fault::TooManyDigits => PhoneError::TooManyDigits { input },
            Fault::ExtensionTooLong => PhoneError::ExtensionTooLong {
                input,
                max: MAX_EXTENSION_DIGITS,
            },
            Fault::UnknownCallingCode => PhoneError::UnknownCallingCode { input },
            Fault::MissingCountry => PhoneError::MissingCountry { input },
            Fault::UnsupportedRegion(region) => PhoneError::UnsupportedRegion { input, region },
            Fault::InvalidLength {
                code,
                len,
                min,
                max,
            } => PhoneError::InvalidLength {
                input,
                country_code: code,
                len,
                min,
                max,
            },
        }
    }
}

/// Parse bounded, trimmed text; returns the number and whether the region was assumed.
fn analyse(text: &str, region: Option<Region>) -> Result<(PhoneNumber, bool), Fault> {
    let scan = scan(text)?;
    let digits = scan.digits();
    let resolved = match resolve(digits, scan.plus, region) {
        Err(fault @ Fault::InvalidLength { .. }) => {
            // A vanity number may spell more letters than the number has digits: the network
            // ignores the extra ones, and so do we.
            let from = scan.vanity_from.ok_or(fault)?;
            (from..digits.len())
                .rev()
                .find_map(|cut| resolve(&digits[..cut], scan.plus, region).ok())
                .ok_or(fault)?
        }
        other => other?,
    };
    let mut e164 = String::with_capacity(1 + 3 + resolved.national.len());
    e164.push('+');
    let mut buf = [0u8; 3];
    for &d in code_digits(resolved.code, &mut buf)
        .iter()
        .chain(resolved.national)
    {
        e164.push(char::from(d));
    }
    let extension = (scan.ext_len > 0).then(|| {
        scan.ext[..scan.ext_len]
            .iter()
            .map(|&d| char::from(d))
            .collect()
    });
    Ok((
        PhoneNumber {
            e164,
            country_code: resolved.code,
            extension,
        },
        resolved.assumed,
    ))
}

// ---------------------------------------------------------------------------------------------
// Reading the text.

/// The most digits read for the number itself: 15 for E.164 plus room for an international
/// prefix (`00700`) and a trunk prefix.
const MAX_DIGITS: usize = 24;

/// Words that start an extension.
const EXTENSION_WORDS: &[&str] = &["x", "ext", "extn", "extension", "poste", "داخلی", "داخلي"];

/// Words after the first digit that are labels, not vanity letters.
const LABEL_WORDS: &[&str] = &[
    "cell",
    "cellphone",
    "direct",
    "fax",
    "home",
    "landline",
    "main",
    "mob",
    "mobile",
    "office",
    "ph",
    "phone",
    "tel",
    "telephone",
    "whatsapp",
    "work",
];

/// Digits and markers read from the text.
#[derive(Debug)]
struct Scan {
    digits: [u8; MAX_DIGITS],
    len: usize,
    ext: [u8; MAX_EXTENSION_DIGITS],
    ext_len: usize,
    plus: bool,
    /// Index in `digits` of the first digit that came from a vanity letter.
    vanity_from: Option<usize>,
}

impl Scan {
    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    fn push(&mut self, digit: u8, in_extension: bool) -> Result<(), Fault> {
        if in_extension {
            let slot = self
                .ext
                .get_mut(self.ext_len)
                .ok_or(Fault::ExtensionTooLong)?;
            *slot = digit;
            self.ext_len += 1;
        } else {
            let slot = self.digits.get_mut(self.len).ok_or(Fault::TooManyDigits)?;
            *slot = digit;
            self.len += 1;
        }
        Ok(())
    }
}

/// The ITU E.161 keypad digit for an ASCII letter.
fn keypad_digit(letter: u8) -> u8 {
    match letter.to_ascii_uppercase() {
        b'A'..=b'C' => b'2',
        b'D'..=b'F' => b'3',
        b'G'..=b'I' => b'4',
        b'J'..=b'L' => b'5',
        b'M'..=b'O' => b'6',
        b'P'..=b'S' => b'7',
        b'T'..=b'V' => b'8',
        _ => b'9',
    }
}

/// Whether `rest` (the text after a `(`) starts with `0)`.
fn is_zero_group(rest: &str) -> bool {
    let mut chars = rest.chars();
    chars.next().map(ascii_digit) == Some('0') && chars.next() == Some(')')
}

fn scan(text: &str) -> Result<Scan, Fault> {
    let mut scan = Scan {
        digits: [0; MAX_DIGITS],
        len: 0,
        ext: [0; MAX_EXTENSION_DIGITS],
        ext_len: 0,
        plus: false,
        vanity_from: None,
    };
    let mut in_extension = false;
    let mut any_alphanumeric = false;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, raw)) = chars.next() {
        let c = ascii_digit(raw);
        match c {
            '0'..='9' => {
                any_alphanumeric = true;
                scan.push(c as u8, in_extension)?;
            }
            '+' | '\u{FF0B}' => scan.plus |= scan.len == 0 && !in_extension,
            '#' => in_extension |= scan.len > 0,
            '(' if scan.len > 0 && !in_extension && is_zero_group(&text[i + 1..]) => {
                // `+44 (0)20 ...`: the trunk prefix shown for national callers.
                chars.next();
                chars.next();
            }
            c if c.is_alphabetic() => {
                any_alphanumeric = true;
                let end = text[i..]
                    .find(|ch: char| !ch.is_alphabetic())
                    .map_or(text.len(), |n| i + n);
                let word = &text[i..end];
                while chars.as_str().len() > text.len() - end {
                    chars.next();
                }
                let attached = matches!(previous, Some('0'..='9' | '-' | '.'));
                previous = word.chars().next_back();
                if scan.len == 0 || in_extension {
                    // A label before the number, or a comment after the extension.
                } else if EXTENSION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                    in_extension = true;
                } else if attached
                    && word.is_ascii()
                    && !LABEL_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
                {
                    scan.vanity_from.get_or_insert(scan.len);
                    for letter in word.bytes() {
                        scan.push(keypad_digit(letter), false)?;
                    }
                }
                continue;
            }
            c if c.is_numeric() => return Err(Fault::UnsupportedDigit(raw)),
            _ => {}
        }
        previous = Some(c);
    }
    if scan.len == 0 {
        return Err(if any_alphanumeric {
            Fault::NoDigits
        } else {
            Fault::Empty
        });
    }
    Ok(scan)
}

// ---------------------------------------------------------------------------------------------
// Finding the country.

/// A number split into calling code and national significant number.
#[derive(Debug)]
struct Resolved<'d> {
    code: u16,
    national: &'d [u8],
    /// Whether the region supplied the country.
    assumed: bool,
}

fn resolve(digits: &[u8], plus: bool, region: Option<Region>) -> Result<Resolved<'_>, Fault> {
    if plus {
        // `+0044 ...`: an international prefix typed after the `+`.
        return international(digits.strip_prefix(b"00").unwrap_or(digits));
    }
    let Some(region) = region else {
        return match digits.strip_prefix(b"00") {
            Some(rest) => international(rest),
            None => Err(Fault::MissingCountry),
        };
    };
    let Some(country) = country_for_region(region) else {
        return match digits.strip_prefix(b"00") {
            Some(rest) => international(rest),
            None => Err(Fault::UnsupportedRegion(region)),
        };
    };
    for idd in country.idd.iter().chain(&["00"]) {
        if let Some(rest) = digits.strip_prefix(idd.as_bytes()) {
            return international(rest);
        }
    }
    let plan = Plan::of(country);
    let national = |national| {
        Ok(Resolved {
            code: country.code,
            national,
            assumed: true,
        })
    };
    let has_trunk = country
        .trunk
        .iter()
        .any(|t| digits.starts_with(t.as_bytes()));
    if has_trunk {
        if let Some(n) = plan.settle(digits) {
            return national(n);
        }
    }
    // `98 912 345 6789` in Iran: the country's own calling code written without `+`.
    let mut buf = [0u8; 3];
    if let Some(rest) = digits.strip_prefix(code_digits(country.code, &mut buf)) {
        if let Some(n) = plan.settle(rest) {
            if country.trunk.contains(&"0") || plan.settle(digits).is_none() {
                return checked(country.code, n, false, &plan);
            }
        }
    }
    match plan.settle(digits) {
        Some(n) => national(n),
        None => Err(plan.length_fault(digits)),
    }
}

/// Read the calling code at the start of `digits`, then the national number.
fn international(digits: &[u8]) -> Result<Resolved<'_>, Fault> {
    let (code, len) = calling_code(digits).ok_or(Fault::UnknownCallingCode)?;
    let plan = Plan::for_code(code);
    let rest = &digits[len..];
    match plan.settle(rest) {
        Some(n) => checked(code, n, false, &plan),
        None => Err(plan.length_fault(rest)),
    }
}

/// Final E.164 bounds: 7 to 15 digits in all.
fn checked<'d>(
    code: u16,
    national: &'d [u8],
    assumed: bool,
    plan: &Plan,
) -> Result<Resolved<'d>, Fault> {
    let total = code_len(code) + national.len();
    if (7..=15).contains(&total) {
        Ok(Resolved {
            code,
            national,
            assumed,
        })
    } else {
        Err(plan.length_fault(national))
    }
}

/// The longest assigned calling code at the start of `digits`, with its length in digits.
fn calling_code(digits: &[u8]) -> Option<(u16, usize)> {
    (1..=3).rev().find_map(|len| {
        let prefix = digits.get(..len)?;
        if digits.len() == len || prefix.first() == Some(&b'0') {
            return None;
        }
        let code = prefix
            .iter()
            .fold(0u16, |acc, &d| acc * 10 + u16::from(d - b'0'));
        CALLING_CODES
            .binary_search(&code)
            .is_ok()
            .then_some((code, len))
    })
}

/// Number of decimal digits of a calling code.
fn code_len(code: u16) -> usize {
    match code {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    }
}

/// The ASCII digits of a calling code, written into `buf`.
fn code_digits(code: u16, buf: &mut [u8; 3]) -> &[u8] {
    let len = code_len(code);
    let mut n = code;
    for slot in buf[..len].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    &buf[..len]
}

/// How national numbers of one calling code are checked.
#[derive(Debug, Clone, Copy)]
struct Plan {
    code: u16,
    min: u8,
    max: u8,
    trunk: &'static [&'static str],
    /// Whether a national number may start with `0` (Italy, and codes without data).
    leading_zero: bool,
}

impl Plan {
    fn of(country: &Country) -> Plan {
        Plan {
            code: country.code,
            min: country.min,
            max: country.max,
            trunk: country.trunk,
            leading_zero: country.leading_zero,
        }
    }

    /// The plan for a calling code: the table's when it has one, else a generic one.
    fn for_code(code: u16) -> Plan {
        match country_for_code(code) {
            Some(country) => Plan::of(country),
            None => {
                let len = code_len(code) as u8;
                Plan {
                    code,
                    min: 4u8.max(7 - len),
                    max: 15 - len,
                    trunk: &[],
                    leading_zero: true,
                }
            }
        }
    }

    fn is_valid(&self, national: &[u8]) -> bool {
        (usize::from(self.min)..=usize::from(self.max)).contains(&national.len())
            && (self.leading_zero || national.first() != Some(&b'0'))
    }

    /// The national significant number in `digits`: without a trunk prefix when what is left
    /// is valid, else `digits` itself when valid.
    fn settle<'d>(&self, digits: &'d [u8]) -> Option<&'d [u8]> {
        self.trunk
            .iter()
            .filter_map(|t| digits.strip_prefix(t.as_bytes()))
            .find(|rest| self.is_valid(rest))
            .or_else(|| self.is_valid(digits).then_some(digits))
    }

    fn length_fault(&self, digits: &[u8]) -> Fault {
        let len = self
            .trunk
            .iter()
            .find_map(|t| digits.strip_prefix(t.as_bytes()))
            .unwrap_or(digits)
            .len();
        Fault::InvalidLength {
            code: self.code,
            len,
            min: self.min,
            max: self.max,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The numbering table.

/// Numbering data for one region.
#[derive(Debug)]
struct Country {
    region: [u8; 2],
    code: u16,
    /// Fewest digits in a national significant number.
    min: u8,
    /// Most digits in a national significant number.
    max: u8,
    /// Trunk prefixes, tried in order (longest first where they overlap).
    trunk: &'static [&'static str],
    /// International prefixes besides `00`, longest first.
    idd: &'static [&'static str],
    /// Whether national numbers may start with `0` (Italy).
    leading_zero: bool,
}

const fn entry(
    region: &[u8; 2],
    code: u16,
    (min, max): (u8, u8),
    trunk: &'static [&'static str],
    idd: &'static [&'static str],
) -> Country {
    Country {
        region: *region,
        code,
        min,
        max,
        trunk,
        idd,
        leading_zero: false,
    }
}

const ZERO: &[&str] = &["0"];
const NONE: &[&str] = &[];
const NANP_TRUNK: &[&str] = &["1"];
const NANP_IDD: &[&str] = &["011"];
const EX_USSR_TRUNK: &[&str] = &["8"];
const EX_USSR_IDD: &[&str] = &["810"];

/// Regions with numbering data, sorted by region code (checked by a test).
static COUNTRIES: &[Country] = &[
    entry(b"AE", 971, (8, 9), ZERO, NONE),
    entry(b"AF", 93, (9, 9), ZERO, NONE),
    entry(b"AR", 54, (10, 11), ZERO, NONE),
    entry(b"AT", 43, (6, 13), ZERO, NONE),
    entry(b"AU", 61, (9, 9), ZERO, &["0011"]),
    entry(b"AZ", 994, (9, 9), ZERO, NONE),
    entry(b"BD", 880, (8, 10), ZERO, NONE),
    entry(b"BE", 32, (8, 9), ZERO, NONE),
    entry(b"BR", 55, (10, 11), ZERO, NONE),
    entry(b"CA", 1, (10, 10), NANP_TRUNK, NANP_IDD),
    entry(b"CH", 41, (9, 9), ZERO, NONE),
    entry(b"CL", 56, (9, 9), NONE, NONE),
    entry(b"CN", 86, (9, 11), ZERO, NONE),
    entry(b"CZ", 420, (9, 9), NONE, NONE),
    entry(b"DE", 49, (6, 13), ZERO, NONE),
    entry(b"DK", 45, (8, 8), NONE, NONE),
    entry(b"EG", 20, (8, 10), ZERO, NONE),
    entry(b"ES", 34, (9, 9), NONE, NONE),
    entry(b"FI", 358, (5, 12), ZERO, NONE),
    entry(b"FR", 33, (9, 9), ZERO, NONE),
    entry(b"GB", 44, (9, 10), ZERO, NONE),
    entry(b"GR", 30, (10, 10), NONE, NONE),
    entry(b"HK", 852, (8, 8), NONE, &["001"]),
    entry(b"HU", 36, (8, 9), &["06"], NONE),
    entry(b"ID", 62, (8, 12), ZERO, &["001", "007", "008", "009"]),
    entry(b"IE", 353, (7, 10), ZERO, NONE),
    entry(b"IL", 972, (8, 9), ZERO, NONE),
    entry(b"IN", 91, (10, 10), ZERO, NONE),
    entry(b"IQ", 964, (8, 10), ZERO, NONE),
    entry(b"IR", 98, (10, 10), ZERO, NONE),
    Country {
        leading_zero: true,
        ..entry(b"IT", 39, (6, 11), NONE, NONE)
    },
    entry(b"JP", 81, (9, 10), ZERO, &["010"]),
    entry(b"KE", 254, (8, 10), ZERO, &["000"]),
    entry(
        b"KR",
        82,
        (8, 10),
        ZERO,
        &["00700", "001", "002", "005", "006", "008"],
    ),
    entry(b"KW", 965, (8, 8), NONE, NONE),
    entry(b"KZ", 7, (10, 10), EX_USSR_TRUNK, EX_USSR_IDD),
    entry(b"MX", 52, (10, 10), &["044", "045", "01", "1"], NONE),
    entry(b"MY", 60, (8, 10), ZERO, NONE),
    entry(b"NG", 234, (8, 10), ZERO, &["009"]),
    entry(b"NL", 31, (9, 9), ZERO, NONE),
    entry(b"NO", 47, (8, 8), NONE, NONE),
    entry(b"NZ", 64, (8, 10), ZERO, NONE),
    entry(b"PH", 63, (8, 10), ZERO, NONE),
    entry(b"PK", 92, (8, 10), ZERO, NONE),
    // Poland dropped its trunk `0` in 2005; old habits still write it.
    entry(b"PL", 48, (9, 9), ZERO, NONE),
    entry(b"PT", 351, (9, 9), NONE, NONE),
    entry(b"QA", 974, (8, 8), NONE, NONE),
    entry(b"RO", 40, (9, 9), ZERO, NONE),
    entry(b"RU", 7, (10, 10), EX_USSR_TRUNK, EX_USSR_IDD),
    entry(b"SA", 966, (8, 9), ZERO, NONE),
    entry(b"SE", 46, (7, 10), ZERO, NONE),
    entry(b"SG", 65, (8, 8), NONE, &["000", "001", "008"]),
    entry(b"TH", 66, (8, 9), ZERO, &["001"]),
    entry(b"TR", 90, (10, 10), ZERO, NONE),
    entry(
        b"TW",
        886,
        (8, 9),
        ZERO,
        &["002", "005", "006", "007", "009"],
    ),
    entry(b"UA", 380, (9, 9), ZERO, NONE),
    entry(b"US", 1, (10, 10), NANP_TRUNK, NANP_IDD),
    entry(b"VN", 84, (9, 10), ZERO, NONE),
    entry(b"ZA", 27, (9, 9), ZERO, NONE),
];

/// The region whose data a calling code uses, sorted by code (checked by a test). Regions that
/// share a code (US and CA, RU and KZ) share their data.
static REGION_BY_CODE: &[(u16, [u8; 2])] = &[
    (1, *b"US"),
    (7, *b"RU"),
    (20, *b"EG"),
    (27, *b"ZA"),
    (30, *b"GR"),
    (31, *b"NL"),
    (32, *b"BE"),
    (33, *b"FR"),
    (34, *b"ES"),
    (36, *b"HU"),
    (39, *b"IT"),
    (40, *b"RO"),
    (41, *b"CH"),
    (43, *b"AT"),
    (44, *b"GB"),
    (45, *b"DK"),
    (46, *b"SE"),
    (47, *b"NO"),
    (48, *b"PL"),
    (49, *b"DE"),
    (52, *b"MX"),
    (54, *b"AR"),
    (55, *b"BR"),
    (56, *b"CL"),
    (60, *b"MY"),
    (61, *b"AU"),
    (62, *b"ID"),
    (63, *b"PH"),
    (64, *b"NZ"),
    (65, *b"SG"),
    (66, *b"TH"),
    (81, *b"JP"),
    (82, *b"KR"),
    (84, *b"VN"),
    (86, *b"CN"),
    (90, *b"TR"),
    (91, *b"IN"),
    (92, *b"PK"),
    (93, *b"AF"),
    (98, *b"IR"),
    (234, *b"NG"),
    (254, *b"KE"),
    (351, *b"PT"),
    (353, *b"IE"),
    (358, *b"FI"),
    (380, *b"UA"),
    (420, *b"CZ"),
    (852, *b"HK"),
    (880, *b"BD"),
    (886, *b"TW"),
    (964, *b"IQ"),
    (965, *b"KW"),
    (966, *b"SA"),
    (971, *b"AE"),
    (972, *b"IL"),
    (974, *b"QA"),
    (994, *b"AZ"),
];

/// Every assigned geographic country calling code (ITU-T E.164), sorted. No code is a prefix
/// of another, so at most one matches the start of a number.
static CALLING_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
    55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211,
    212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234,
    235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253,
    254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298,
    299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377,
    378, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506,
    507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 850, 852, 853, 855,
    856, 880, 886, 960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976,
    977, 992, 993, 994, 995, 996, 998,
];

fn country_for_region(region: Region) -> Option<&'static Country> {
    // `UK` is the exceptionally reserved alias of `GB`.
    let code = if region.0 == *b"UK" { *b"GB" } else { region.0 };
    COUNTRIES
        .binary_search_by(|c| c.region.cmp(&code))
        .ok()
        .and_then(|i| COUNTRIES.get(i))
}

fn country_for_code(code: u16) -> Option<&'static Country> {
    let i = REGION_BY_CODE
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()?;
    let (_, region) = REGION_BY_CODE.get(i)?;
    country_for_region(Region(*region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Option<Region> {
        Some(code.parse().unwrap())
    }

    fn e164(raw: &str, r: Option<&str>) -> String {
        PhoneNormalizer::default()
            .parse(raw, r.and_then(region))
            .map(|n| n.to_string())
            .unwrap_or_else(|e| panic!("{raw:?} in {r:?}: {e}"))
    }

    fn fault(raw: &str, r: Option<&str>) -> PhoneError {
        PhoneNormalizer::default()
            .parse(raw, r.and_then(region))
            .unwrap_err()
    }

    #[test]
    fn tables_are_sorted_and_consistent() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].region < w[1].region));
        assert!(REGION_BY_CODE.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(CALLING_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(COUNTRIES.len() >= 40);
        for c in COUNTRIES {
            let name = std::str::from_utf8(&c.region).unwrap();
            assert!(CALLING_CODES.binary_search(&c.code).is_ok(), "{name}");
            let primary = country_for_code(c.code).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(primary.code, c.code, "{name}");
            assert_eq!((primary.min, primary.max), (c.min, c.max), "{name}");
            assert!(
                c.min <= c.max && usize::from(c.max) + code_len(c.code) <= 15,
                "{name}"
            );
            assert!(usize::from(c.min) + code_len(c.code) >= 7, "{name}");
            for idd in c.idd {
                assert!(idd.starts_with('0') || c.code == 7, "{name} {idd}");
            }
        }
        for &(code, r) in REGION_BY_CODE {
            assert_eq!(country_for_region(Region(r)).map(|c| c.code), Some(code));
        }
        // No code is a prefix of another.
        for a in CALLING_CODES {
            for b in CALLING_CODES {
                let (a, b) = (a.to_string(), b.to_string());
                assert!(a == b || !b.starts_with(&a), "{a} {b}");
            }
        }
    }

    #[test]
    fn region_parsing_and_codes() {
        assert_eq!("gb".parse::<Region>().unwrap().as_str(), "GB");
        assert!("G1".parse::<Region>().is_err());
        assert!("".parse::<Region>().is_err());
        assert!("ÅÅ".parse::<Region>().is_err());
        assert_eq!(region("UK").unwrap().calling_code(), Some(44));
        assert_eq!(region("CA").unwrap().calling_code(), Some(1));
        assert_eq!(region("ZZ").unwrap().calling_code(), None);
    }

    #[test]
    fn international_forms() {
        assert_eq!(e164("+98 912 345 6789", None), "+989123456789");
        assert_eq!(e164("0098 912 345 6789", None), "+989123456789");
        assert_eq!(e164("+0098 912 345 6789", None), "+989123456789");
        assert_eq!(e164("+98 (0)912 345 6789", None), "+989123456789");
        assert_eq!(e164("+98 0912 345 6789", None), "+989123456789");
        assert_eq!(e164("+44 (0)20 7946 0958", None), "+442079460958");
        assert_eq!(e164("011 44 20 7946 0958", Some("US")), "+442079460958");
        assert_eq!(e164("0011 44 20 7946 0958", Some("AU")), "+442079460958");
        assert_eq!(e164("810 44 20 7946 0958", Some("RU")), "+442079460958");
        assert_eq!(e164("010 44 20 7946 0958", Some("JP")), "+442079460958");
        assert_eq!(e164("001 44 20 7946 0958", Some("KR")), "+442079460958");
        // Codes outside the numbering table are accepted with generic lengths.
        assert_eq!(e164("+212 6 12 34 56 78", None), "+212612345678");
        assert_eq!(e164("+212 (0)6 12 34 56 78", None), "+212612345678");
    }

    #[test]
    fn calling_codes_of_one_two_and_three_digits() {
        assert_eq!(calling_code(b"15551234567"), Some((1, 1)));
        assert_eq!(calling_code(b"79123456789"), Some((7, 1)));
        assert_eq!(calling_code(b"442079460958"), Some((44, 2)));
        assert_eq!(calling_code(b"353861234567"), Some((353, 3)));
        assert_eq!(calling_code(b"2348012345678"), Some((234, 3)));
        assert_eq!(calling_code(b"999"), None);
        assert_eq!(calling_code(b"0123"), None);
        assert_eq!(calling_code(b"35"), None);
    }

    #[test]
    fn trunk_prefixes() {
        assert_eq!(e164("020 7946 0958", Some("GB")), "+442079460958");
        assert_eq!(e164("0912 345 6789", Some("IR")), "+989123456789");
        assert_eq!(e164("030 1234567", Some("DE")), "+49301234567");
        assert_eq!(e164("02 9876 5432", Some("AU")), "+61298765432");
        assert_eq!(e164("01 23 45 67 89", Some("FR")), "+33123456789");
        assert_eq!(e164("1 (555) 123-4567", Some("US")), "+15551234567");
        assert_eq!(e164("8 (912) 345-67-89", Some("RU")), "+79123456789");
        assert_eq!(e164("8 800 555 35 35", Some("RU")), "+78005553535");
        assert_eq!(e164("800 555 35 35", Some("RU")), "+78005553535");
        assert_eq!(e164("06 1 234 5678", Some("HU")), "+3612345678");
        assert_eq!(e164("044 55 1234 5678", Some("MX")), "+525512345678");
        assert_eq!(e164("+52 1 55 1234 5678", None), "+525512345678");
        // Italy keeps its leading zero, with or without the country code.
        assert_eq!(e164("06 1234 5678", Some("IT")), "+390612345678");
        assert_eq!(e164("+39 06 1234 5678", None), "+390612345678");
        assert_eq!(e164("312 345 6789", Some("IT")), "+393123456789");
        // Without the trunk prefix.
        assert_eq!(e164("20 7946 0958", Some("GB")), "+442079460958");
    }

    #[test]
    fn country_code_without_plus() {
        assert_eq!(e164("98 912 345 6789", Some("IR")), "+989123456789");
        assert_eq!(e164("989123456789", Some("IR")), "+989123456789");
        assert_eq!(e164("44 20 7946 0958", Some("GB")), "+442079460958");
        assert_eq!(e164("39 06 1234 5678", Some("IT")), "+390612345678");
        // Italian mobile numbers may start with 39: the national reading wins.
        assert_eq!(e164("393 123 4567", Some("IT")), "+393931234567");
        // Not guessed without a region.
        assert!(matches!(
            fault("989123456789", None),
            PhoneError::MissingCountry { .. }
        ));
        let n = PhoneNormalizer::with_default_region("IR".parse().unwrap())
            .normalize("98 912 345 6789");
        assert!(!n.flags.contains(ValueFlags::REGION_ASSUMED));
    }

    #[test]
    fn punctuation_and_scripts() {
        for raw in [
            "(555) 123-4567",
            "555.123.4567",
            "555-123-4567",
            "+1 555 1234567",
            "+1-555-123-4567",
            "1.555.123.4567",
            "tel:+1-555-123-4567",
            "Tel: (555) 123 4567",
            "５５５１２３４５６７",
        ] {
            assert_eq!(e164(raw, Some("US")), "+15551234567", "{raw}");
        }
        assert_eq!(e164("۰۹۱۲۳۴۵۶۷۸۹", Some("IR")), "+989123456789");
        assert_eq!(e164("٠٩١٢٣٤٥٦٧٨٩", Some("IR")), "+989123456789");
        assert_eq!(e164("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", None), "+989123456789");
        assert_eq!(e164("0912 345 6789 (mobile)", Some("IR")), "+989123456789");
        assert_eq!(e164("0912 345 6789 Ali", Some("IR")), "+989123456789");
    }

    #[test]
    fn extensions() {
        for raw in [
            "555-123-4567 x123",
            "555-123-4567x123",
            "555-123-4567 ext. 123",
            "555-123-4567 ext 123",
            "555-123-4567 EXT123",
            "555-123-4567 extension 123",
            "555-123-4567 #123",
            "+15551234567;ext=123",
        ] {
            assert_eq!(e164(raw, Some("US")), "+15551234567;ext=123", "{raw}");
        }
        assert_eq!(
            e164("021 8888 7777 داخلی 12", Some("IR")),
            "+982188887777;ext=12"
        );
        assert_eq!(e164("555-123-4567 ext.", Some("US")), "+15551234567");
        assert!(matches!(
            fault("555-123-4567 x12345678901", Some("US")),
            PhoneError::ExtensionTooLong { .. }
        ));
    }

    #[test]
    fn vanity_numbers() {
        assert_eq!(e164("1-800-FLOWERS", Some("US")), "+18003569377");
        assert_eq!(e164("+1 800 356 9377", None), "+18003569377");
        assert_eq!(e164("1-800-MATTRESS", Some("US")), "+18006288737");
        assert_eq!(e164("1-800-GOT-JUNK", Some("US")), "+18004685865");
        // A word after a space is a comment, not a vanity number.
        assert!(matches!(
            fault("1 800 FLOWERS", Some("US")),
            PhoneError::InvalidLength { .. }
        ));
    }

    #[test]
    fn every_error_variant() {
        assert_eq!(fault("  ", None), PhoneError::Empty);
        assert_eq!(fault("+()-", None), PhoneError::Empty);
        assert!(matches!(
            fault(&"1".repeat(2000), None),
            PhoneError::TooLong { len: 2000, .. }
        ));
        assert!(matches!(fault("N/A", None), PhoneError::NoDigits { .. }));
        assert!(matches!(
            fault("०९१२३४५६७८९", Some("IR")),
            PhoneError::UnsupportedDigit { ch: '०', .. }
        ));
        assert!(matches!(
            fault("0912 345 6789 / 0935 123 4567 / 021 1234 5678", Some("IR")),
            PhoneError::TooManyDigits { .. }
        ));
        assert!(matches!(
            fault("+1 555 123 4567 x12345678901", None),
            PhoneError::ExtensionTooLong { max: 10, .. }
        ));
        assert!(matches!(
            fault("+999 123 4567", None),
            PhoneError::UnknownCallingCode { .. }
        ));
        assert!(matches!(
            fault("+0 123 4567", None),
            PhoneError::UnknownCallingCode { .. }
        ));
        assert!(matches!(
            fault("555 123 4567", None),
            PhoneError::MissingCountry { .. }
        ));
        assert!(matches!(
            fault("0612 345 678", Some("MA")),
            PhoneError::UnsupportedRegion { .. }
        ));
        assert_eq!(
            fault("0912 345 678", Some("IR")),
            PhoneError::InvalidLength {
                input: "0912 345 678".into(),
                country_code: 98,
                len: 9,
                min: 10,
                max: 10
            }
        );
        assert!(matches!(
            fault("+44 20 7946 09581", None),
            PhoneError::InvalidLength {
                country_code: 44,
                len: 11,
                ..
            }
        ));
    }

    #[test]
    fn error_messages_say_what_to_fix() {
        let msg = fault("0912 345 678", Some("IR")).to_string();
        assert_eq!(
            msg,
            "phone number \"0912 345 678\" has 9 digits after the country code +98, but numbers there have 10 digits: check for a missing or extra digit"
        );
        let msg = fault("020 794", Some("GB")).to_string();
        assert!(msg.contains("9 to 10 digits"), "{msg}");
    }

    #[test]
    fn flags() {
        let gb = PhoneNormalizer::with_default_region("GB".parse().unwrap());
        let n = gb.normalize("020 7946 0958");
        assert_eq!(n.flags, ValueFlags::REGION_ASSUMED);
        assert_eq!(gb.normalize("+44 20 7946 0958").flags, ValueFlags::empty());
        assert_eq!(gb.normalize("").flags, ValueFlags::EMPTY);
        assert_eq!(gb.normalize("--").flags, ValueFlags::EMPTY);
        assert_eq!(
            gb.normalize("unknown").flags,
            ValueFlags::INVALID | ValueFlags::PLACEHOLDER
        );
        assert_eq!(gb.normalize("call me").flags, ValueFlags::INVALID);
        let long = format!("020 7946 0958{}", " x".repeat(MAX_VALUE_BYTES));
        let n = gb.normalize(&long);
        assert!(n.flags.contains(ValueFlags::TRUNCATED));
        assert!(n.value.is_some());
    }

    #[test]
    fn placeholders() {
        let us = PhoneNormalizer::with_default_region("US".parse().unwrap());
        for junk in [
            "1234567890",
            "(999) 999-9999",
            "212-555-0123",
            "+1 555 555 5555",
        ] {
            let n = us.normalize(junk);
            assert!(n.value.is_some(), "{junk}");
            assert!(n.flags.contains(ValueFlags::PLACEHOLDER), "{junk}");
            assert!(!n.is_matchable(), "{junk}");
        }
        for real in ["(555) 123-4567", "(212) 555-1234", "+1 415 555 2671"] {
            assert!(us.normalize(real).is_matchable(), "{real}");
        }
        // All zeros starts with the international prefix `00` and has no number behind it:
        // junk with no value.
        for region in ["US", "GB", "IR"] {
            let n = PhoneNormalizer::with_default_region(region.parse().unwrap())
                .normalize("0000000000");
            assert!(n.value.is_none(), "{region}");
            assert_eq!(
                n.flags,
                ValueFlags::INVALID | ValueFlags::PLACEHOLDER,
                "{region}"
            );
        }
        let gb = PhoneNormalizer::with_default_region("GB".parse().unwrap());
        let n = gb.normalize("0123456789");
        assert_eq!(
            n.value.as_ref().map(PhoneNumber::e164),
            Some("+44123456789")
        );
        assert!(n.flags.contains(ValueFlags::PLACEHOLDER));
        assert!(gb.normalize("0000").flags.contains(ValueFlags::INVALID));
        assert!(!gb.normalize("0000").flags.contains(ValueFlags::PLACEHOLDER));
    }

    #[test]
    fn per_value_region_overrides_default() {
        let us = PhoneNormalizer::with_default_region("US".parse().unwrap());
        let n = us.normalize_in("0912 345 6789", region("IR"));
        assert_eq!(n.value.unwrap().e164(), "+989123456789");
        assert_eq!(us.default_region(), region("US"));
    }

    #[test]
    fn accessors() {
        let n: PhoneNumber = "+39 06 1234 5678 x9".parse().unwrap();
        assert_eq!(n.country_code(), 39);
        assert_eq!(n.national_number(), "0612345678");
        assert_eq!(n.extension(), Some("9"));
        assert_eq!(n.last_digits(4), "5678");
        assert_eq!(n.last_digits(40), "0612345678");
        let n: PhoneNumber = "+353 86 123 4567".parse().unwrap();
        assert_eq!(n.national_number(), "861234567");
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let n: PhoneNumber = "+44 20 7946 0958 ext 7".parse().unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            json,
            r#"{"e164":"+442079460958","country_code":44,"extension":"7"}"#
        );
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), n);
        for bad in [
            r#"{"e164":"+442079460958","country_code":1}"#,
            r#"{"e164":"+44 20 7946 0958","country_code":44}"#,
            r#"{"e164":"+4420","country_code":44}"#,
            r#"{"e164":"+442079460958","country_code":44,"extension":"7a"}"#,
        ] {
            assert!(serde_json::from_str::<PhoneNumber>(bad).is_err(), "{bad}");
        }
    }
}
